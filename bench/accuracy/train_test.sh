#!/usr/bin/env bash
# Downstream accuracy and throughput of each featurization setting, the way a
# user would check them: `orchard run` fits PCA on the Training split of
# fruits-360-sample, `orchard run --pca-model` projects the Test split, and a
# logistic regression (scikit-learn) trained on Training is scored on Test.
# Prints one line per setting: images/s of featurize on Training and accuracy.
#
# Usage: bench/accuracy/train_test.sh [ORCHARD] [PCA_K]
#   settings: 224x224 and native size, each with fp32 and --bf16 (oneDNN)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
orchard=${1:-$root/build/orchard}
k=${2:-50}
data=$root/../shared/data/fruits-360-sample
models=$root/../shared/models
work=$(mktemp -d /tmp/orchard-accuracy.XXXXXX)
trap 'rm -rf "$work"' EXIT

printf "%-10s %-5s %16s %10s\n" size prec "featurize img/s" accuracy
for size in 224 native; do
  for precision in fp32 bf16; do
    flags=(--model-dir "$models" --image-size "$size" --progress none)
    [ "$precision" = bf16 ] && flags+=(--bf16)
    rm -rf "$work/train" "$work/test"
    "$orchard" run "$data/Training" --out "$work/train" "${flags[@]}" --pca-components "$k" > /dev/null
    "$orchard" run "$data/Test" --out "$work/test" "${flags[@]}" --pca-model "$work/train/pca/model.json" > /dev/null
    node "$root/tests/node/read_parquet.mjs" "$work/train/pca/part-*.parquet" "$work/train.jsonl"
    node "$root/tests/node/read_parquet.mjs" "$work/test/pca/part-*.parquet" "$work/test.jsonl"
    rate=$(/usr/bin/python3 -c 'import json,sys; s={x["name"]: x for x in json.load(open(sys.argv[1]))["stages"]}["featurize"]; print("%.1f" % (s["items"] / s["seconds"]))' "$work/train/report.json")
    accuracy=$(/usr/bin/python3 "$root/tests/python/pipeline_check.py" classify --train "$work/train.jsonl" \
                 --test "$work/test.jsonl" --min-accuracy 0 | sed -n 's/.*= \([0-9.]*\)$/\1/p')
    printf "%-10s %-5s %16s %10s\n" "$size" "$precision" "$rate" "$accuracy"
  done
done
