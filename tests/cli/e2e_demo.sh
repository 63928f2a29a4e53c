#!/usr/bin/env bash
# The README's demo: a folder of 10 classes x 10 images, default model. Checks the
# output layout, features against OpenCV's Python binding, PCA against scikit-learn.
source "$(dirname "$0")/lib.sh"
OUT=$WORK/out
expect_exit 0 "$ORCHARD" run "$SHARED/data/fruits-demo" --out "$OUT" --model-dir "$MODEL_DIR" \
  --pca-components 10 --shard-size 32 --progress plain
expect_log_contains "100 images with features, 0 failed"
expect_log_contains "report:"
for f in plan.json pca/model.json report.json report.html _SUCCESS; do expect_file "$OUT/$f"; done
for s in 00000 00001 00002 00003; do
  for f in features/part-$s.parquet moments/part-$s.bin errors/part-$s.jsonl pca/part-$s.parquet; do
    expect_file "$OUT/$f"
  done
done
[ ! -e "$OUT/features/part-00004.parquet" ] || fail "more shards than 100 images / 32 need"
parquet_rows "$OUT/features/*.parquet" "$WORK/features.jsonl"
parquet_rows "$OUT/pca/part-*.parquet" "$WORK/pca.jsonl"
$PY "$SRC/tests/python/pipeline_check.py" features --rows "$WORK/features.jsonl" \
  --images "$SHARED/data/fruits-demo" --model "$MODEL_DIR/mobilenet_v2.onnx" --size 224 --expect-rows 100
$PY "$SRC/tests/python/pipeline_check.py" pca --features "$WORK/features.jsonl" \
  --pca-rows "$WORK/pca.jsonl" --model "$OUT/pca/model.json"
$PY - "$OUT" <<'PYEOF'
import json, sys
out = sys.argv[1]
plan = json.load(open(f"{out}/plan.json"))
report = json.load(open(f"{out}/report.json"))
assert plan["num_images"] == 100 and len(plan["shards"]) == 4, plan
assert sum(s["count"] for s in plan["shards"]) == 100
assert report["counts"]["succeeded"] == 100 and report["counts"]["failed"] == 0, report["counts"]
assert report["pca"]["k"] == 10
assert {s["name"] for s in report["stages"]} >= {"plan", "featurize", "fit", "project"}
html = open(f"{out}/report.html").read()
assert "<svg" in html and "k = 10" in html
print("layout and report OK")
PYEOF
echo PASS
