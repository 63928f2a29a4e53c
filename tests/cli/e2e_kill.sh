#!/usr/bin/env bash
# A run killed with SIGKILL after some shards are committed: the rerun skips
# them, says how many, and its output equals an uninterrupted run.
source "$(dirname "$0")/lib.sh"
IN=$WORK/in
# 480 images from 12 classes: long enough to kill in the middle.
mapfile -t classes < <(ls "$SHARED/data/fruits-360-sample/Training")
for class in "${classes[@]:0:12}"; do
  mkdir -p "$IN/$class"
  cp "$SHARED/data/fruits-360-sample/Training/$class"/*.jpg "$IN/$class/"
done
args=(--model-dir "$MODEL_DIR" --shard-size 25 --pca-components 10 --image-size native --threads 1 --progress none)
run() { "$ORCHARD" run "$IN" --out "$1" "${args[@]}"; }
total_shards=$(( ($(find "$IN" -name '*.jpg' | wc -l) + 24) / 25 ))

"$ORCHARD" run "$IN" --out "$WORK/killed" "${args[@]}" > "$WORK/killed.log" 2>&1 &
pid=$!
for _ in $(seq 1200); do
  done_shards=$( (ls "$WORK/killed/moments" 2>/dev/null || true) | wc -l)
  [ "$done_shards" -ge 3 ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
done
kill -9 $pid 2>/dev/null || fail "the run ended before it could be killed; give it more images"
wait $pid 2>/dev/null || true
done_before=$(ls "$WORK/killed/moments" | wc -l)
[ "$done_before" -ge 3 ] && [ "$done_before" -lt "$total_shards" ] || fail "killed with $done_before of $total_shards shards done"
[ ! -e "$WORK/killed/_SUCCESS" ] || fail "_SUCCESS after a kill"

expect_exit 0 run "$WORK/killed"
expect_log_contains "($done_before shards already done, skipped)"
expect_exit 0 run "$WORK/clean"
for part in "features/*.parquet" "pca/part-*.parquet"; do
  parquet_rows "$WORK/killed/$part" "$WORK/killed.jsonl"
  parquet_rows "$WORK/clean/$part" "$WORK/clean.jsonl"
  cmp "$WORK/killed.jsonl" "$WORK/clean.jsonl" || fail "$part after kill + rerun differs from a clean run"
done
$PY - "$WORK" "$done_before" <<'PYEOF'
import json, sys
report = json.load(open(f"{sys.argv[1]}/killed/report.json"))
assert report["counts"]["shards_skipped"] == int(sys.argv[2]), report["counts"]
# The kill leaves no partial part under a final name; at most the hidden
# temporary file of the part being written (which readers skip: it starts
# with '.'; another task's live temporary must not be deleted, see docs).
import os
leftovers = [f for d, _, fs in os.walk(f"{sys.argv[1]}/killed") for f in fs if not
             (f.startswith("part-") or f in ("plan.json", "model.json", "report.json", "report.html", "_SUCCESS"))]
assert all(f.startswith(".part-") and ".orchard-tmp-" in f for f in leftovers), leftovers
PYEOF
echo PASS
