#!/usr/bin/env bash
# `mpirun -n 3 orchard run` gives the features of a single-process run and the
# same PCA (merged in shard order, so independent of the rank count), writes one
# report, resumes like a single process, and a failing rank ends the whole job
# with its exit code instead of hanging.
source "$(dirname "$0")/lib.sh"
MPIRUN=(mpirun -n 3 --oversubscribe)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
IN=$SHARED/data/fruits-demo
args=(--model-dir "$MODEL_DIR" --shard-size 10 --pca-components 8 --image-size native)

expect_exit 0 "$ORCHARD" run "$IN" --out "$WORK/one" "${args[@]}" --progress none
expect_exit 0 "${MPIRUN[@]}" "$ORCHARD" run "$IN" --out "$WORK/three" "${args[@]}"
[ "$(grep -c 'orchard run: 100 images with features' "$WORK/last.log")" = 1 ] || fail "expected one summary, from rank 0"
for rank in 0 1 2; do expect_log_contains "(rank $rank of 3)"; done
expect_file "$WORK/three/_SUCCESS"

parquet_rows "$WORK/one/features/*.parquet" "$WORK/one-features.jsonl"
parquet_rows "$WORK/three/features/*.parquet" "$WORK/three-features.jsonl"
cmp "$WORK/one-features.jsonl" "$WORK/three-features.jsonl" || fail "features under mpirun differ from one process"
parquet_rows "$WORK/one/pca/part-*.parquet" "$WORK/one-pca.jsonl"
parquet_rows "$WORK/three/pca/part-*.parquet" "$WORK/three-pca.jsonl"
$PY - "$WORK" <<'PYEOF'
import json, sys
import numpy as np
work = sys.argv[1]
def model(name):
    return json.load(open(f"{work}/{name}/pca/model.json"))
one, three = model("one"), model("three")
for key in ("mean", "scale", "explained_variance", "components"):
    a, b = np.asarray(one[key], float), np.asarray(three[key], float)
    assert a.shape == b.shape and a.size > 0, key
    err = np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(a)))
    assert err <= 1e-9, f"PCA {key} differs by {err}"
def rows(name):
    return [json.loads(l) for l in open(f"{work}/{name}-pca.jsonl")]
r1, r3 = rows("one"), rows("three")
assert [r["path"] for r in r1] == [r["path"] for r in r3] and len(r1) == 100
p1, p3 = np.array([r["pca"] for r in r1]), np.array([r["pca"] for r in r3])
assert np.max(np.abs(p1 - p3)) <= 1e-9 * max(1.0, np.max(np.abs(p1))), "projections differ"
report = json.load(open(f"{work}/three/report.json"))
assert report["ranks"] == 3, report["ranks"]
assert report["counts"]["succeeded"] == 100 and report["counts"]["shards"] == 10, report["counts"]
stages = {s["name"]: s for s in report["stages"]}
assert stages["featurize"]["items"] == 100 and stages["project"]["items"] == 100, stages
print("mpi run matches the single-process run")
PYEOF

# Resume under MPI: as if two shards had not been committed.
rm "$WORK/three/moments/part-00003.bin" "$WORK/three/moments/part-00007.bin" "$WORK/three/_SUCCESS"
expect_exit 0 "${MPIRUN[@]}" "$ORCHARD" run "$IN" --out "$WORK/three" "${args[@]}"
expect_log_contains "8 shards already done, skipped"
parquet_rows "$WORK/three/features/*.parquet" "$WORK/again-features.jsonl"
cmp "$WORK/one-features.jsonl" "$WORK/again-features.jsonl" || fail "resumed features differ"

# A rank that fails ends the job: --max-failures 0 on a folder with a bad file.
BAD=$WORK/bad-in
mkdir -p "$BAD/Apple"
cp "$IN"/Banana/* "$BAD/Apple/"
echo "not a picture" > "$BAD/Apple/zz_broken.jpg"
start=$(date +%s)
expect_exit 4 timeout 120 "${MPIRUN[@]}" "$ORCHARD" run "$BAD" --out "$WORK/bad-out" "${args[@]}" --max-failures 0
expect_log_contains "of 3): "
expect_log_contains "max-failures"
[ $(( $(date +%s) - start )) -lt 60 ] || fail "the failed MPI job took too long to end"
[ ! -e "$WORK/bad-out/_SUCCESS" ] || fail "a failed job wrote _SUCCESS"

# The subcommands of array jobs refuse to run under mpirun.
expect_exit 2 "${MPIRUN[@]}" "$ORCHARD" fit "$WORK/three"
expect_log_contains "under mpirun use \`orchard run\`"
echo PASS
