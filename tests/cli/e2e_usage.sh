#!/usr/bin/env bash
# Usage errors exit 2 with a message naming the problem; a missing input exits 3.
source "$(dirname "$0")/lib.sh"
expect_exit 0 "$ORCHARD" --version
expect_log_contains "orchard "
expect_exit 0 "$ORCHARD" --help
expect_log_contains "orchard run INPUT --out OUT"
expect_exit 2 "$ORCHARD"
expect_exit 2 "$ORCHARD" frobnicate
expect_log_contains "unknown command 'frobnicate'"
expect_exit 2 "$ORCHARD" run "$SHARED/data/fruits-demo"
expect_log_contains "needs --out"
expect_exit 2 "$ORCHARD" run "$SHARED/data/fruits-demo" --out "$WORK/o" --batch-size zero
expect_log_contains "--batch-size expects a whole number"
expect_exit 2 "$ORCHARD" run "$SHARED/data/fruits-demo" --out "$WORK/o" --pca-components 5 --pca-variance 0.9
expect_exit 3 "$ORCHARD" run "$WORK/does-not-exist" --out "$WORK/o" --model-dir "$MODEL_DIR"
expect_log_contains "does-not-exist"
expect_exit 2 "$ORCHARD" fit "$WORK/never-ran"
expect_log_contains "plan.json does not exist"
expect_exit 2 "$ORCHARD" run "$SHARED/data/fruits-demo" --out "$WORK/o2" --model-dir "$MODEL_DIR" --pca-components 5000 --progress none
expect_log_contains "--pca-components 5000"
expect_exit 0 "$ORCHARD" models --model-dir "$MODEL_DIR"
expect_log_contains "mobilenet_v2"
echo PASS
