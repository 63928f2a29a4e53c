# For the end-to-end tests against S3: starts this test's own S3 server
# (tests/node/s3rver_fixture.mjs: s3rver with bucket "orchard-test", a faulty
# proxy and a wrong-region server, all on free ports of 127.0.0.1) and gives
# orchard credentials through the environment only.
# Each test script is called as: SCRIPT ORCHARD_BIN SOURCE_DIR SHARED_DIR WORK_DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUCKET=orchard-test
# s3rver knows the access key S3RVER and does not check signatures, so any
# secret signs; this one is easy to grep for in everything orchard writes.
S3_SECRET="e2e-secret-$RANDOM$RANDOM-do-not-print"

# Nothing from the caller's AWS setup may leak into the test.
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_REGION AWS_DEFAULT_REGION AWS_SESSION_TOKEN \
  AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE
export HOME=$WORK/home AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=$S3_SECRET
mkdir -p "$HOME"

# start_s3rver: sets S3_ENDPOINT, PROXY_ENDPOINT, WRONG_REGION_ENDPOINT. The
# server stops when this script exits, however it exits: it reads stdin from a
# FIFO that only this shell holds open.
start_s3rver() {
  mkfifo "$WORK/s3rver.stdin"
  node --openssl-legacy-provider "$NODE_TOOLS/s3rver_fixture.mjs" < "$WORK/s3rver.stdin" \
    > "$WORK/s3rver.ports" 2> "$WORK/s3rver.log" &
  S3RVER_PID=$!
  exec {S3RVER_FD}> "$WORK/s3rver.stdin"
  trap stop_s3rver EXIT
  for _ in $(seq 300); do
    [ -s "$WORK/s3rver.ports" ] && break
    kill -0 "$S3RVER_PID" 2> /dev/null || { cat "$WORK/s3rver.log" >&2; fail "s3rver fixture did not start"; }
    sleep 0.1
  done
  [ -s "$WORK/s3rver.ports" ] || fail "s3rver fixture printed no ports within 30 s"
  port() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/s3rver.ports" "$1"; }
  S3_ENDPOINT=http://127.0.0.1:$(port s3)
  PROXY_ENDPOINT=http://127.0.0.1:$(port proxy)
  WRONG_REGION_ENDPOINT=http://127.0.0.1:$(port wrong_region)
}

stop_s3rver() {
  exec {S3RVER_FD}>&-
  wait "$S3RVER_PID" 2> /dev/null || true
}

# s3_upload DIR s3://bucket/prefix and s3_download s3://bucket/prefix DIR
# (test-side copies, not through orchard).
s3_upload() { node "$NODE_TOOLS/s3_copy.mjs" upload "$S3_ENDPOINT" "$1" "$2" > /dev/null || fail "cannot upload $1"; }
s3_download() { node "$NODE_TOOLS/s3_copy.mjs" download "$S3_ENDPOINT" "$1" "$2" > /dev/null || fail "cannot download $1"; }

# expect_no_secret FILE|DIR...: the secret access key appears in none of them.
expect_no_secret() {
  if grep -rlF -- "$S3_SECRET" "$@"; then fail "the secret access key appears in the files above"; fi
}

# same_rows A.jsonl B.jsonl WHAT: two DuckDB read-backs hold the same rows.
same_rows() {
  [ -s "$1" ] || fail "$3: no rows read from $1"
  cmp -s "$1" "$2" || { diff <(head -c 2000 "$1") <(head -c 2000 "$2") >&2 || true; fail "$3 differ"; }
}
