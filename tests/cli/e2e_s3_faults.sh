#!/usr/bin/env bash
# `orchard run` between S3 prefixes through a proxy that fails every request
# twice before letting it through (first a 503 SlowDown, then a dropped
# connection): the run still completes, with the same Parquet content as the
# local run on the same images, and report.json counts the retries.
source "$(dirname "$0")/s3_lib.sh"
start_s3rver
mkdir -p "$WORK/in"
for class in Avocado Banana; do
  cp -r "$SHARED/data/fruits-demo/$class" "$WORK/in/"
  s3_upload "$SHARED/data/fruits-demo/$class" "s3://$BUCKET/in/$class"
done

expect_exit 0 "$ORCHARD" run "s3://$BUCKET/in" --out "s3://$BUCKET/out" --s3-endpoint "$PROXY_ENDPOINT" \
  --model-dir "$MODEL_DIR" --pca-components 5 --shard-size 8 --progress plain
expect_log_contains "20 images with features, 0 failed"
expect_no_secret "$WORK/last.log"
expect_exit 0 "$ORCHARD" run "$WORK/in" --out "$WORK/local" --model-dir "$MODEL_DIR" \
  --pca-components 5 --shard-size 8 --progress plain

s3_download "s3://$BUCKET/out" "$WORK/s3"
for part in features pca; do
  parquet_rows "$WORK/local/$part/part-*.parquet" "$WORK/local-$part.jsonl"
  parquet_rows "$WORK/s3/$part/part-*.parquet" "$WORK/s3-$part.jsonl"
  same_rows "$WORK/local-$part.jsonl" "$WORK/s3-$part.jsonl" "$part rows of the faulty S3 and local runs"
done
# Each of the 20 image reads alone needed two retries.
$PY - "$WORK/s3/report.json" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["counts"]["succeeded"] == 20 and report["counts"]["failed"] == 0, report["counts"]
retries = report["storage_retries"]
assert retries >= 40, f"storage_retries = {retries}, expected at least 2 per image read"
print(f"storage_retries = {retries}")
PYEOF
expect_no_secret "$WORK/s3"
echo PASS
