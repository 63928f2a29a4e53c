#!/usr/bin/python3
"""Export a torchvision ImageNet backbone to an ONNX file orchard can run, plus its spec JSON.

The ONNX graph has one input `input` (float32 NCHW, torchvision preprocessing already applied) and an
output `features`: the global average pool of the last feature map, with the classifier removed
(mobilenet_v2 and efficientnet_b0: 1280, resnet50: 2048, vgg16: 512). `--logits` adds the ImageNet
logits as a second output `logits`.

Weights (pick one):
  --pretrained          torchvision's DEFAULT ImageNet weights (downloads into the torch hub cache)
  --weights FILE.pth    a local torchvision state_dict for the same architecture
  --random-weights      torchvision's random initialisation, seeded by --seed (for tests only)

The export uses opset 11 and works around two limits of OpenCV 4.6's ONNX importer:
  * torch.onnx emits `Identity` nodes for de-duplicated constants, which OpenCV rejects; they are
    rewritten into plain initializers (or bypassed) before saving.
  * EfficientNet-B0 runs batch > 1 only from a fixed-batch export, so efficientnet_b0 is exported with a
    fixed batch (default 4) and the spec records it as `fixed_batch`; orchard pads short batches.

Writes DIR/NAME.onnx and DIR/NAME.json (NAME defaults to ARCH); the spec carries the file's SHA-256.
Run it with Debian's python (/usr/bin/python3 with python3-torch, python3-torchvision, python3-onnx):

  /usr/bin/python3 tools/export_torchvision.py resnet50 --pretrained --out ~/.cache/orchard/models
"""

import argparse
import hashlib
import json
import os
import sys

import onnx
import torch
import torchvision
from onnx import numpy_helper

OPSET = 11
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]

# arch -> feature dimension, default fixed batch (0 = dynamic), weights note for the spec.
ARCHS = {
    "mobilenet_v2": (1280, 0, "MobileNet_V2_Weights"),
    "efficientnet_b0": (1280, 4, "EfficientNet_B0_Weights"),
    "resnet50": (2048, 0, "ResNet50_Weights"),
    "vgg16": (512, 0, "VGG16_Weights"),
}


class ReLU6AsRelu(torch.nn.Module):
    """min(max(x, 0), 6) written as relu(x) - relu(x - 6).

    torch exports ReLU6 as a 3-input Clip at opset 11, which OpenCV 4.6 cannot import; two Relu and
    two Sub nodes compute the same values (exactly for x <= 6, within one ulp of 6 above).
    """

    def forward(self, x):
        return torch.relu(x) - torch.relu(x - 6.0)


def replace_relu6(module):
    for name, child in module.named_children():
        if isinstance(child, torch.nn.ReLU6):
            setattr(module, name, ReLU6AsRelu())
        else:
            replace_relu6(child)


def recalibrate_batchnorm(model, seed):
    """Sets every BatchNorm's running mean/var to the statistics of seeded noise images.

    Random initialisation alone makes EfficientNet's features vanish (about 1e-14: PyTorch's
    kaiming init over-counts a depthwise conv's fan-out), and any comparison then passes trivially.
    With recalibrated statistics each BatchNorm output has unit scale again.
    """
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    if not norms:
        return
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # cumulative average over the calibration batch
    generator = torch.Generator().manual_seed(seed)
    model.train()
    with torch.no_grad():
        model(torch.randn(8, 3, 224, 224, generator=generator))
    model.eval()


class Backbone(torch.nn.Module):
    """A torchvision classifier split into `features` (GAP of the last feature map) and `logits`."""

    def __init__(self, arch, net, with_logits):
        super().__init__()
        self.arch = arch
        self.net = net
        self.with_logits = with_logits
        self.pool = torch.nn.AdaptiveAvgPool2d(1)  # exported as GlobalAveragePool: any input size

    def feature_map(self, x):
        net = self.net
        if self.arch == "resnet50":
            x = net.maxpool(net.relu(net.bn1(net.conv1(x))))
            return net.layer4(net.layer3(net.layer2(net.layer1(x))))
        return net.features(x)

    def logits(self, fmap, features):
        net = self.net
        if self.arch == "resnet50":
            return net.fc(features)
        if self.arch == "vgg16":
            # VGG's classifier wants the 7x7 map, not the GAP vector.
            return net.classifier(torch.flatten(net.avgpool(fmap), 1))
        return net.classifier(features)

    def forward(self, x):
        fmap = self.feature_map(x)
        features = torch.flatten(self.pool(fmap), 1)
        if not self.with_logits:
            return features
        return features, self.logits(fmap, features)


def build_model(arch, weights="random", weights_file=None, seed=0, with_logits=False):
    """Returns the eval-mode Backbone. weights: "random" (seeded), "pretrained" or "file"."""
    constructor = getattr(torchvision.models, arch)
    if weights == "pretrained":
        net = constructor(weights="DEFAULT")
    else:
        torch.manual_seed(seed)
        net = constructor(weights=None)
        if weights == "file":
            state = torch.load(weights_file, map_location="cpu")
            if isinstance(state, dict) and "state_dict" in state:
                state = state["state_dict"]
            net.load_state_dict(state, strict=True)
    replace_relu6(net)
    model = Backbone(arch, net, with_logits)
    if weights == "random":
        recalibrate_batchnorm(model, seed)
    return model.eval()


def strip_identity_nodes(model):
    """Removes every Identity node: OpenCV 4.6 cannot import them.

    An Identity of an initializer becomes a copy of that initializer under the Identity's output
    name; any other Identity is bypassed by renaming its output to its input in every consumer.
    """
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    graph_outputs = {out.name for out in graph.output}
    renames = {}
    kept = []
    for node in graph.node:
        if node.op_type != "Identity":
            kept.append(node)
            continue
        source, target = node.input[0], node.output[0]
        source = renames.get(source, source)
        if source in initializers:
            copy = numpy_helper.from_array(numpy_helper.to_array(initializers[source]), target)
            graph.initializer.append(copy)
            initializers[target] = copy
        elif target in graph_outputs:
            kept.append(node)  # a graph output must keep its name; never produced by our models
        else:
            renames[target] = source
    for node in kept:
        for index, name in enumerate(node.input):
            if name in renames:
                node.input[index] = renames[name]
    del graph.node[:]
    graph.node.extend(kept)
    return model


def export_onnx(model, path, fixed_batch, size=224):
    """Exports `model` to `path` (opset 11). fixed_batch 0 makes the batch dimension dynamic."""
    batch = fixed_batch if fixed_batch > 0 else 1
    dummy = torch.zeros(batch, 3, size, size)
    output_names = ["features", "logits"] if model.with_logits else ["features"]
    dynamic_axes = None
    if fixed_batch == 0:
        dynamic_axes = {name: {0: "N"} for name in ["input"] + output_names}
    with torch.no_grad():
        torch.onnx.export(model, dummy, path, opset_version=OPSET, input_names=["input"],
                          output_names=output_names, dynamic_axes=dynamic_axes,
                          do_constant_folding=True)
    onnx_model = strip_identity_nodes(onnx.load(path))
    onnx.checker.check_model(onnx_model)
    onnx.save(onnx_model, path)


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_spec(name, arch, onnx_file, sha256, source, fixed_batch, dynamic_size):
    feature_dim = ARCHS[arch][0]
    return {
        "name": name,
        "onnx_file": onnx_file,
        "sha256": sha256,
        "source": source,
        "license": "BSD-3-Clause (torchvision weights and code)",
        "input_name": "input",
        "input_width": 224,
        "input_height": 224,
        "dynamic_size": dynamic_size,
        "channel_order": "RGB",
        "scale": 1.0 / 255.0,
        "mean": IMAGENET_MEAN,
        "std": IMAGENET_STD,
        "feature_output": "features",
        "feature_dim": feature_dim,
        "fixed_batch": fixed_batch,
    }


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="See docs/models.md for where orchard looks for the files.")
    parser.add_argument("arch", choices=sorted(ARCHS), help="torchvision architecture")
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    weights = parser.add_mutually_exclusive_group(required=True)
    weights.add_argument("--pretrained", action="store_true",
                         help="torchvision DEFAULT ImageNet weights (downloaded by torchvision)")
    weights.add_argument("--weights", metavar="FILE.pth", help="local torchvision state_dict")
    weights.add_argument("--random-weights", action="store_true",
                         help="seeded random initialisation; features are meaningless (tests)")
    parser.add_argument("--seed", type=int, default=0, help="seed for --random-weights (default 0)")
    parser.add_argument("--fixed-batch", type=int, default=None,
                        help="export a fixed batch size instead of a dynamic one "
                             "(default: 4 for efficientnet_b0, dynamic otherwise)")
    parser.add_argument("--logits", action="store_true",
                        help="also output ImageNet `logits` (vgg16: the graph then needs 224x224)")
    parser.add_argument("--name", help="model name and file stem (default: ARCH)")
    args = parser.parse_args(argv)
    if args.fixed_batch is not None and args.fixed_batch < 0:
        parser.error("--fixed-batch must be >= 0")
    return args


def main(argv):
    args = parse_args(argv)
    name = args.name or args.arch
    fixed_batch = ARCHS[args.arch][1] if args.fixed_batch is None else args.fixed_batch
    if args.pretrained:
        mode, source = "pretrained", f"torchvision {args.arch} {ARCHS[args.arch][2]}.DEFAULT"
    elif args.weights:
        mode = "file"
        source = f"torchvision {args.arch}, state_dict {os.path.basename(args.weights)}"
    else:
        mode = "random"
        source = f"torchvision {args.arch}, RANDOM weights (seed {args.seed}), tests only"
    source += (f"; exported by tools/export_torchvision.py "
               f"(torch {torch.__version__}, opset {OPSET})")

    os.makedirs(args.out, exist_ok=True)
    onnx_file = name + ".onnx"
    onnx_path = os.path.join(args.out, onnx_file)
    model = build_model(args.arch, mode, args.weights, args.seed, args.logits)
    export_onnx(model, onnx_path, fixed_batch)

    # VGG's logits path traces a fixed 7x7 pool, so with logits only 224x224 inputs work.
    dynamic_size = not (args.logits and args.arch == "vgg16")
    spec = make_spec(name, args.arch, onnx_file, sha256_file(onnx_path), source, fixed_batch,
                     dynamic_size)
    spec_path = os.path.join(args.out, name + ".json")
    with open(spec_path, "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    print(f"wrote {onnx_path} and {spec_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
