#!/usr/bin/env bash
# An array job: featurize shards out of order (one twice, one by the index from
# the environment as Kubernetes/AWS Batch/Slurm set it), fit, project per index:
# the same output as `orchard run`, and the last project step writes the report.
source "$(dirname "$0")/lib.sh"
IN=$SHARED/data/fruits-demo
common=(--model-dir "$MODEL_DIR" --shard-size 10 --image-size native --progress none)
expect_exit 0 "$ORCHARD" run "$IN" --out "$WORK/run" "${common[@]}" --pca-components 6

A=$WORK/array
expect_exit 2 "$ORCHARD" fit "$A"
expect_log_contains "plan.json does not exist"
expect_exit 0 "$ORCHARD" featurize "$IN" --out "$A" "${common[@]}" --shard-index 2 --shard-count 3
expect_exit 0 "$ORCHARD" featurize "$IN" --out "$A" "${common[@]}" --shard-index 0 --shard-count 3
expect_exit 0 "$ORCHARD" featurize "$IN" --out "$A" "${common[@]}" --shard-index 2 --shard-count 3
expect_log_contains "shards already done, skipped"
expect_exit 0 env JOB_COMPLETION_INDEX=1 "$ORCHARD" featurize "$IN" --out "$A" "${common[@]}" --shard-count 3
expect_exit 0 "$ORCHARD" fit "$A" --pca-components 6
expect_exit 0 "$ORCHARD" project "$A" --shard-index 1 --shard-count 3 --progress none
[ ! -e "$A/report.json" ] || fail "a report before every shard was projected"
expect_exit 0 env SLURM_ARRAY_TASK_ID=2 "$ORCHARD" project "$A" --shard-count 3 --progress none
[ ! -e "$A/_SUCCESS" ] || fail "_SUCCESS before every shard was projected"
expect_exit 0 env AWS_BATCH_JOB_ARRAY_INDEX=0 "$ORCHARD" project "$A" --shard-count 3 --progress none
expect_log_contains "report:"
expect_file "$A/_SUCCESS"
expect_file "$A/report.html"

for part in "features/*.parquet" "pca/part-*.parquet"; do
  parquet_rows "$WORK/run/$part" "$WORK/run.jsonl"
  parquet_rows "$A/$part" "$WORK/array.jsonl"
  cmp "$WORK/run.jsonl" "$WORK/array.jsonl" || fail "$part of the array job differs from orchard run"
done
$PY - "$WORK" <<'PYEOF'
import json, sys
work = sys.argv[1]
run, array = json.load(open(f"{work}/run/pca/model.json")), json.load(open(f"{work}/array/pca/model.json"))
for key in ("mean", "scale", "components", "explained_variance"):
    assert run[key] == array[key], key
report = json.load(open(f"{work}/array/report.json"))
assert report["counts"]["succeeded"] == 100 and report["counts"]["failed"] == 0, report["counts"]
PYEOF

# A new fit makes the projections stale: they are removed with the report.
expect_exit 0 "$ORCHARD" fit "$A" --pca-components 4
[ -z "$(ls "$A/pca" | grep part-)" ] || fail "stale projections kept after a new fit"
[ ! -e "$A/_SUCCESS" ] || fail "stale _SUCCESS kept after a new fit"
echo PASS
