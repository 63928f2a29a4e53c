# Shared by the end-to-end tests: paths, and small assertions that say what failed.
# Each test script is called as: SCRIPT ORCHARD_BIN SOURCE_DIR SHARED_DIR WORK_DIR
set -euo pipefail
ORCHARD=$1
SRC=$2
SHARED=$3
WORK=$4
PY=/usr/bin/python3
NODE_TOOLS=$SRC/tests/node
MODEL_DIR=$SHARED/models
rm -rf "$WORK"
mkdir -p "$WORK"

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE CMD...: runs CMD, fails unless it exits with CODE. Output goes to $WORK/last.log.
expect_exit() {
  local want=$1; shift
  set +e
  "$@" > "$WORK/last.log" 2>&1
  local got=$?
  set -e
  if [ "$got" != "$want" ]; then
    cat "$WORK/last.log" >&2
    fail "expected exit $want, got $got: $*"
  fi
}

expect_file() { [ -f "$1" ] || fail "missing file $1"; }

expect_log_contains() {
  grep -qF -- "$1" "$WORK/last.log" || { cat "$WORK/last.log" >&2; fail "output lacks '$1'"; }
}

# parquet_rows GLOB OUT.jsonl: rows read back by DuckDB.
parquet_rows() { node "$NODE_TOOLS/read_parquet.mjs" "$1" "$2"; }
