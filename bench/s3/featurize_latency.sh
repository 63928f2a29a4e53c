#!/usr/bin/env bash
# Featurize throughput from S3 behind a fixed per-request latency, with the
# read/decode pool at --threads only (--io-threads equal to it) and at
# --io-threads 16. Not a test: prints one line per run for docs/benchmarks.md.
# Usage: bench/s3/featurize_latency.sh ORCHARD_BIN [DELAY_MS=50] [REPEATS=3] [THREADS=2] [IMAGE_SIZE=224]
set -euo pipefail
ORCHARD=$1 DELAY=${2:-50} REPEATS=${3:-3} THREADS=${4:-2} SIZE=${5:-224}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
mkfifo "$WORK/stdin"
node --openssl-legacy-provider "$SRC/tests/node/s3rver_fixture.mjs" < "$WORK/stdin" > "$WORK/ports" &
exec 3> "$WORK/stdin"
until [ -s "$WORK/ports" ]; do sleep 0.1; done
S3_PORT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["s3"])' "$WORK/ports")
node "$SRC/tests/node/s3_copy.mjs" upload "http://127.0.0.1:$S3_PORT" "$SRC/../shared/data/fruits-demo" \
  s3://orchard-test/in > /dev/null
node "$SRC/bench/s3/latency_proxy.mjs" "$S3_PORT" "$DELAY" > "$WORK/proxy_port" &
PROXY_PID=$!
trap 'kill $PROXY_PID; exec 3>&-; rm -rf "$WORK"' EXIT
until [ -s "$WORK/proxy_port" ]; do sleep 0.1; done
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_EC2_METADATA_DISABLED=true
for run in $(seq "$REPEATS"); do
  for io in "$THREADS" 16; do
    out=s3://orchard-test/out-$run-$io
    "$ORCHARD" run s3://orchard-test/in --out "$out" --s3-endpoint "http://127.0.0.1:$(cat "$WORK/proxy_port")" \
      --model-dir "$SRC/../shared/models" --threads "$THREADS" --io-threads "$io" --image-size "$SIZE" --progress none > /dev/null
    node "$SRC/tests/node/s3_copy.mjs" download "http://127.0.0.1:$S3_PORT" "$out" "$WORK/$run-$io" > /dev/null
    python3 - "$WORK/$run-$io/report.json" "$run" "$io" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
stage = next(s for s in report["stages"] if s["name"] == "featurize")
print(f"run {sys.argv[2]} io-threads {sys.argv[3]:>2}: featurize {stage['seconds']:.2f} s, "
      f"{report['counts']['succeeded'] / stage['seconds']:.1f} images/s")
PYEOF
  done
done
