#!/usr/bin/python3
"""Peers (b) and (c): Python + PyTorch 1.13 (Debian python3-torch,
python3-torchvision) with torchvision's mobilenet_v2 trunk, its features
global-average-pooled (1,280 values), then scikit-learn StandardScaler + PCA.

  --mode script : torch.jit.script + torch.jit.optimize_for_inference (freezes,
                  folds BatchNorm, converts convolutions to oneDNN/MKL-DNN)
  --mode eager  : the nn.Module as is, under torch.inference_mode()

Weights: shared/models/mobilenet_v2.onnx's initializers (the 52 convolutions in
graph order, BatchNorm already folded into their biases, ReLU activations), loaded
into torchvision's module: each conv gets its ONNX weight, the BatchNorm after it
becomes an exact bias-add (weight 1, mean 0, variance 1 − eps, bias = ONNX bias),
ReLU6 becomes ReLU. So the features equal OpenCV DNN's on the same file (checked
with --check). See common.py for the rest of the job.
"""
import time

T0 = time.perf_counter()
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnx.numpy_helper  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

import common  # noqa: E402


class FeatureNet(torch.nn.Module):
    """MobileNetV2 trunk + global average pool: the ONNX `features` output."""

    def __init__(self, trunk):
        super().__init__()
        self.trunk = trunk

    def forward(self, x):
        return torch.flatten(torch.nn.functional.adaptive_avg_pool2d(self.trunk(x), 1), 1)


def replace_relu6(module):
    for name, child in module.named_children():
        if isinstance(child, torch.nn.ReLU6):
            setattr(module, name, torch.nn.ReLU(inplace=True))
        else:
            replace_relu6(child)


def load_from_onnx(onnx_path):
    graph = onnx.load(onnx_path).graph
    initializers = {init.name: onnx.numpy_helper.to_array(init) for init in graph.initializer}
    onnx_convs = [(initializers[node.input[1]], initializers[node.input[2]])
                  for node in graph.node if node.op_type == "Conv"]
    model = torchvision.models.mobilenet_v2(weights=None)
    replace_relu6(model)
    modules = list(model.features.modules())
    pairs = [(conv, bn) for conv, bn in zip(modules, modules[1:])
             if isinstance(conv, torch.nn.Conv2d)]
    assert len(pairs) == len(onnx_convs) == 52, (len(pairs), len(onnx_convs))
    with torch.no_grad():
        for (conv, bn), (weight, bias) in zip(pairs, onnx_convs):
            assert isinstance(bn, torch.nn.BatchNorm2d) and tuple(conv.weight.shape) == weight.shape
            conv.weight.copy_(torch.tensor(weight))
            bn.weight.fill_(1.0)
            bn.bias.copy_(torch.tensor(bias))
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
    return FeatureNet(model.features).eval()


def main():
    parser_args = common.parse_args(__doc__)
    net = load_from_onnx(parser_args.model)
    torch.set_num_threads(parser_args.threads)
    if parser_args.mode == "script":
        with torch.no_grad():
            net = torch.jit.optimize_for_inference(torch.jit.script(net))

    def forward(batch):
        with torch.inference_mode():
            return net(torch.from_numpy(batch)).numpy().copy()

    if parser_args.check:
        import cv2
        reference = cv2.dnn.readNetFromONNX(parser_args.model)
        paths = common.read_list(parser_args.list)[:parser_args.batch_size]
        _, batch = next(common.batches(paths, parser_args.batch_size, parser_args.image_size))
        reference.setInput(batch, "input")
        expected = reference.forward("features").reshape(batch.shape[0], -1)
        got = forward(batch)
        print(f"max |torch - opencv| = {np.abs(got - expected).max():.2e} "
              f"(largest |feature| {np.abs(expected).max():.2f})")
        return
    common.run(f"python-torch-{parser_args.mode}", parser_args, forward)


if __name__ == "__main__":
    main()
