#!/usr/bin/env bash
# A rerun skips shards that are done and gives the same output as one run; a
# rerun with other settings is refused without touching what is there.
source "$(dirname "$0")/lib.sh"
IN=$SHARED/data/fruits-demo
OUT=$WORK/out
run() { "$ORCHARD" run "$IN" --out "$OUT" --model-dir "$MODEL_DIR" --shard-size 25 --pca-components 5 \
          --image-size native --progress none "$@"; }
expect_exit 0 run
parquet_rows "$OUT/features/*.parquet" "$WORK/first.jsonl"
parquet_rows "$OUT/pca/part-*.parquet" "$WORK/first-pca.jsonl"
# As if the run had died while featurizing shard 2: its parts are gone.
rm "$OUT/moments/part-00002.bin" "$OUT/features/part-00002.parquet" "$OUT/_SUCCESS"
expect_exit 0 run
expect_log_contains "3 shards already done, skipped"
expect_file "$OUT/_SUCCESS"
parquet_rows "$OUT/features/*.parquet" "$WORK/second.jsonl"
parquet_rows "$OUT/pca/part-*.parquet" "$WORK/second-pca.jsonl"
cmp "$WORK/first.jsonl" "$WORK/second.jsonl" || fail "resumed features differ from the first run"
cmp "$WORK/first-pca.jsonl" "$WORK/second-pca.jsonl" || fail "resumed PCA rows differ from the first run"

before=$(cd "$OUT" && find . -type f -exec sha256sum {} + | sort)
expect_exit 2 "$ORCHARD" run "$IN" --out "$OUT" --model-dir "$MODEL_DIR" --shard-size 25 --image-size 224 --progress none
expect_log_contains "already holds results of another job"
expect_log_contains "--overwrite"
after=$(cd "$OUT" && find . -type f -exec sha256sum {} + | sort)
[ "$before" = "$after" ] || fail "a refused rerun changed the output"

# Another model (the same weights under another spec name) is refused the same way.
$PY -c "import json,sys; s=json.load(open(sys.argv[1])); s['name']='other_net'; json.dump(s, open(sys.argv[2], 'w'))" \
  "$SRC/models/mobilenet_v2.json" "$WORK/other_net.json"
expect_exit 2 run --model "$MODEL_DIR/mobilenet_v2.onnx" --model-spec "$WORK/other_net.json"
expect_log_contains "model mobilenet_v2"
expect_log_contains "model other_net"
after=$(cd "$OUT" && find . -type f -exec sha256sum {} + | sort)
[ "$before" = "$after" ] || fail "a rerun refused for another model changed the output"
echo PASS
