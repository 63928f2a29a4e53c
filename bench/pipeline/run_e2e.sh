#!/usr/bin/env bash
# End-to-end benchmark of `orchard run` (issue 3) on ../shared/data/fruits-360-sample:
# every image (7,205, Training + Test) and the first 1,000 of its sorted listing,
# MobileNetV2, k = 50, at 224×224 and at --image-size native; several repetitions.
# Prints, per configuration, the median images/s of every stage in report.json
# (plan, featurize, decode worker time, CNN, fit, project), end to end, and the
# median peak RSS. Not a test: the numbers go into docs/benchmarks.md.
#
#   bench/pipeline/run_e2e.sh [REPS_1000 [REPS_ALL [SIZES]]]
#   e.g. bench/pipeline/run_e2e.sh 3 3 "224 native"
#
# Environment: ORCHARD (binary, default build-bench/orchard), DATA, MODEL_DIR,
# WORK (scratch folder, default /tmp/orchard-bench), EXTRA_FLAGS (passed to run).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
reps_small=${1:-3}
reps_all=${2:-3}
sizes=${3:-"224 native"}
orchard=${ORCHARD:-$repo/build-bench/orchard}
data=${DATA:-$repo/../shared/data/fruits-360-sample}
model_dir=${MODEL_DIR:-$repo/../shared/models}
work=${WORK:-/tmp/orchard-bench}
[[ -x $orchard ]] || { echo "no orchard binary at $orchard (build: cmake --build build-bench --target orchard)" >&2; exit 2; }

/usr/bin/python3 "$repo/bench/peers/make_subset.py" "$data" 1000 "$work/subset-1000" >/dev/null
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores; orchard $("$orchard" --version 2>&1 | head -1)"
for size in $sizes; do
  for count in 1000 all; do
    if [[ $count == 1000 ]]; then input=$work/subset-1000/images reps=$reps_small
    else input=$data reps=$reps_all; fi
    reports=()
    for ((rep = 1; rep <= reps; rep++)); do
      out=$work/e2e-$size-$count
      rm -rf "$out"
      load=$(cut -d' ' -f1 /proc/loadavg)
      # shellcheck disable=SC2086
      "$orchard" run "$input" --out "$out" --model-dir "$model_dir" --image-size "$size" \
        --pca-components 50 --progress none ${EXTRA_FLAGS:-} >/dev/null
      jq --arg load "$load" '. + {load_before: ($load | tonumber)}' "$out/report.json" \
        >"$work/e2e-$size-$count-rep$rep.json"
      reports+=("$work/e2e-$size-$count-rep$rep.json")
    done
    /usr/bin/python3 "$repo/bench/pipeline/summarize.py" "size=$size images=$count" "${reports[@]}"
  done
done
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
