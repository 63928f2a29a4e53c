#!/usr/bin/env bash
# What a user sees when S3 says no: an unknown access key, a missing bucket, a
# bucket in another region, an endpoint where nothing listens. Each is one clear
# message and exit code 3, within seconds, and the secret is printed nowhere.
source "$(dirname "$0")/s3_lib.sh"
start_s3rver
s3_upload "$SHARED/data/fruits-demo/Avocado" "s3://$BUCKET/in/Avocado"
run_s3() {  # run_s3 ENDPOINT INPUT: `orchard run INPUT` into the bucket, timed into $ELAPSED
  local start=$SECONDS
  expect_exit 3 "$ORCHARD" run "$2" --out "s3://$BUCKET/out" --s3-endpoint "$1" --model-dir "$MODEL_DIR" \
    --progress plain
  ELAPSED=$((SECONDS - start))
  expect_no_secret "$WORK/last.log"
  cat "$WORK/last.log"
}

# Unknown access key: named by its first characters only.
AWS_ACCESS_KEY_ID=AKIAE2EUNKNOWNKEY1 run_s3 "$S3_ENDPOINT" "s3://$BUCKET/in"
expect_log_contains "access denied"
expect_log_contains "AKIA"
! grep -qF AKIAE2EUNKNOWNKEY1 "$WORK/last.log" || fail "the whole access key id is printed"
s3_download "s3://$BUCKET/out" "$WORK/out-denied"
[ -z "$(ls -A "$WORK/out-denied" 2> /dev/null)" ] || fail "a denied run wrote to OUT"

# Missing bucket.
run_s3 "$S3_ENDPOINT" "s3://no-such-bucket-e2e/in"
expect_log_contains "S3 bucket 'no-such-bucket-e2e' does not exist"

# A bucket in another region: the region S3 names, and what to set.
run_s3 "$WRONG_REGION_ENDPOINT" "s3://$BUCKET/in"
expect_log_contains "is in region 'eu-west-1'"
expect_log_contains "AWS_REGION=eu-west-1"

# Nothing listens: a port the OS just handed out and that was closed again.
closed_port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_s3 "http://127.0.0.1:$closed_port" "s3://$BUCKET/in"
expect_log_contains "cannot reach S3 endpoint http://127.0.0.1:$closed_port"
[ "$ELAPSED" -le 15 ] || fail "an unreachable endpoint took $ELAPSED s to report (limit 15 s)"
echo "unreachable endpoint reported after $ELAPSED s"
echo PASS
