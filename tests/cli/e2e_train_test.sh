#!/usr/bin/env bash
# Fit PCA on the Training split, project the Test split with --pca-model, and
# check a logistic regression on the PCA features scores >= 95% on Test.
source "$(dirname "$0")/lib.sh"
DATA=$SHARED/data/fruits-360-sample
expect_exit 0 "$ORCHARD" run "$DATA/Training" --out "$WORK/train" --model-dir "$MODEL_DIR" \
  --pca-components 100 --progress none
expect_exit 0 "$ORCHARD" run "$DATA/Test" --out "$WORK/test" --model-dir "$MODEL_DIR" \
  --pca-model "$WORK/train/pca/model.json" --progress none
cmp "$WORK/train/pca/model.json" "$WORK/test/pca/model.json" || fail "--pca-model was not used as given"
parquet_rows "$WORK/train/pca/part-*.parquet" "$WORK/train.jsonl"
parquet_rows "$WORK/test/pca/part-*.parquet" "$WORK/test.jsonl"
$PY "$SRC/tests/python/pipeline_check.py" classify --train "$WORK/train.jsonl" --test "$WORK/test.jsonl" \
  --min-accuracy 0.95
echo PASS
