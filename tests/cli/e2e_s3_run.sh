#!/usr/bin/env bash
# `orchard run` from an S3 prefix to an S3 prefix on a real S3 server (s3rver):
# the same Parquet content as the local run on the same images, and no secret
# in anything written or printed.
source "$(dirname "$0")/s3_lib.sh"
start_s3rver
s3_upload "$SHARED/data/fruits-demo" "s3://$BUCKET/fruits-demo"

expect_exit 0 "$ORCHARD" run "s3://$BUCKET/fruits-demo" --out "s3://$BUCKET/out" --s3-endpoint "$S3_ENDPOINT" \
  --model-dir "$MODEL_DIR" --pca-components 10 --shard-size 32 --io-threads 8 --progress plain
cp "$WORK/last.log" "$WORK/s3.log"
expect_log_contains "100 images with features, 0 failed"
expect_log_contains "s3://$BUCKET/out/report.html"
expect_exit 0 "$ORCHARD" run "$SHARED/data/fruits-demo" --out "$WORK/local" --model-dir "$MODEL_DIR" \
  --pca-components 10 --shard-size 32 --progress plain

s3_download "s3://$BUCKET/out" "$WORK/s3"
for f in plan.json pca/model.json report.json report.html _SUCCESS; do expect_file "$WORK/s3/$f"; done
(cd "$WORK/local" && find . -type f | sort) > "$WORK/local.files"
(cd "$WORK/s3" && find . -type f | sort) > "$WORK/s3.files"
diff "$WORK/local.files" "$WORK/s3.files" >&2 || fail "S3 and local runs wrote different objects"
for part in features pca; do
  parquet_rows "$WORK/local/$part/part-*.parquet" "$WORK/local-$part.jsonl"
  parquet_rows "$WORK/s3/$part/part-*.parquet" "$WORK/s3-$part.jsonl"
  same_rows "$WORK/local-$part.jsonl" "$WORK/s3-$part.jsonl" "$part rows of the S3 and local runs"
done
$PY - "$WORK/s3" "$WORK/local" <<'PYEOF'
import json, sys
out, local = sys.argv[1], sys.argv[2]
models = [json.load(open(f"{d}/pca/model.json")) for d in (out, local)]
for m in models: m.pop("created_at")
assert models[0] == models[1], "the PCA models of the S3 and local runs differ"
plan = json.load(open(f"{out}/plan.json"))
report = json.load(open(f"{out}/report.json"))
assert plan["num_images"] == 100, plan["num_images"]
assert plan["input"] == "s3://orchard-test/fruits-demo", plan["input"]
assert report["counts"]["succeeded"] == 100, report["counts"]
assert report["storage_retries"] == 0, report["storage_retries"]
PYEOF
expect_no_secret "$WORK/s3" "$WORK/s3.log" "$WORK/last.log"
echo PASS
