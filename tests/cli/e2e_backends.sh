#!/usr/bin/env bash
# The CNN engines through the whole pipeline: OpenCV DNN and oneDNN give the
# same features; the default (auto) takes oneDNN, and falls back to OpenCV DNN
# for a model with an op oneDNN's backend cannot run, which --backend onednn
# refuses with a message naming the op.
source "$(dirname "$0")/lib.sh"
IN=$SHARED/data/fruits-demo
common=(--model-dir "$MODEL_DIR" --image-size native --pca-components 5 --progress none)
expect_exit 0 "$ORCHARD" run "$IN" --out "$WORK/opencv" "${common[@]}" --backend opencv
expect_exit 0 "$ORCHARD" run "$IN" --out "$WORK/auto" "${common[@]}" --inference-workers 2 --threads 2
parquet_rows "$WORK/opencv/features/*.parquet" "$WORK/opencv.jsonl"
parquet_rows "$WORK/auto/features/*.parquet" "$WORK/auto.jsonl"
$PY - "$WORK" <<'PYEOF'
import json, sys
import numpy as np
work = sys.argv[1]
def load(name):
    rows = [json.loads(l) for l in open(f"{work}/{name}.jsonl")]
    return [r["path"] for r in rows], np.array([r["features"] for r in rows])
p1, f1 = load("opencv")
p2, f2 = load("auto")
assert p1 == p2 and len(p1) == 100, "rows differ in order or number"
err = np.max(np.abs(f1 - f2))
assert err <= 1e-4, f"oneDNN features differ from OpenCV DNN's by {err}"
assert json.load(open(f"{work}/auto/report.json"))["backend"] == "onednn"
assert json.load(open(f"{work}/opencv/report.json"))["backend"] == "opencv"
print(f"max |onednn - opencv| = {err:.2e}")
PYEOF

# A small model with a LocalResponseNormalization layer, which only OpenCV DNN runs.
$PY - "$WORK" <<'PYEOF'
import json, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
work = sys.argv[1]
rng = np.random.default_rng(7)
weights = numpy_helper.from_array(rng.normal(0, 0.1, (8, 3, 3, 3)).astype(np.float32), "w")
nodes = [helper.make_node("Conv", ["input", "w"], ["conv"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("LRN", ["conv"], ["lrn"], size=3),
         helper.make_node("GlobalAveragePool", ["lrn"], ["pooled"]),
         helper.make_node("Flatten", ["pooled"], ["features"])]
graph = helper.make_graph(nodes, "lrn_net",
                          [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 32, 32])],
                          [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 8])],
                          initializer=[weights])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
onnx.checker.check_model(model)
onnx.save(model, f"{work}/lrn_net.onnx")
json.dump({"name": "lrn_net", "onnx_file": "lrn_net.onnx", "input_name": "input", "input_width": 32,
           "input_height": 32, "dynamic_size": False, "channel_order": "RGB", "scale": 1 / 255,
           "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25], "feature_output": "features",
           "feature_dim": 8, "fixed_batch": 0}, open(f"{work}/lrn_net.json", "w"))
PYEOF
lrn=(--model "$WORK/lrn_net.onnx" --model-spec "$WORK/lrn_net.json" --pca-components 3 --progress none)
expect_exit 0 "$ORCHARD" run "$IN" --out "$WORK/lrn-auto" "${lrn[@]}"
$PY -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['backend']=='opencv', r['backend']" \
  "$WORK/lrn-auto/report.json"
expect_exit 2 "$ORCHARD" run "$IN" --out "$WORK/lrn-onednn" "${lrn[@]}" --backend onednn
expect_log_contains "LRN"
expect_log_contains "--backend opencv"
echo PASS
