#!/usr/bin/python3
"""tools/export_torchvision.py end to end: export random weights, run them in orchard, compare to torch.

Exports ARCH with --random-weights into DIR, checks the spec it writes (feature_dim, fixed_batch,
SHA-256 of the file), then runs orchard's OpenCvDnnBackend (the C++ helper `model_forward`) on
n = 1, 3 and 5 images (not multiples of efficientnet_b0's fixed batch of 4) and compares with the
same torch model rebuilt from the same seed. Tolerance: max |diff| <= 1e-4 * max(1, max |feature|)
(OpenCV and torch sum convolutions in different orders; measured about 4e-5 relative for resnet50).

usage: model_export_roundtrip.py --arch ARCH --tool model_forward --workdir DIR
"""

import argparse
import hashlib
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPORT_TOOL = os.path.join(ROOT, "tools", "export_torchvision.py")
RELATIVE_TOLERANCE = 1e-4
SEED = 7


def load_export_tool():
    module_spec = importlib.util.spec_from_file_location("export_torchvision", EXPORT_TOOL)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", required=True)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)

    subprocess.run([sys.executable, EXPORT_TOOL, args.arch, "--random-weights", "--seed", str(SEED),
                    "--out", args.workdir], check=True)
    onnx_path = os.path.join(args.workdir, args.arch + ".onnx")
    spec_path = os.path.join(args.workdir, args.arch + ".json")
    with open(spec_path) as f:
        spec = json.load(f)
    with open(onnx_path, "rb") as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()
    export_tool = load_export_tool()
    feature_dim, fixed_batch, _ = export_tool.ARCHS[args.arch]
    failures = 0
    for key, want in [("sha256", sha256), ("feature_dim", feature_dim),
                      ("fixed_batch", fixed_batch), ("onnx_file", args.arch + ".onnx")]:
        if spec[key] != want:
            print(f"spec {key} is {spec[key]!r}, expected {want!r}: FAIL")
            failures += 1

    model = export_tool.build_model(args.arch, "random", seed=SEED)
    rng = np.random.default_rng(11)
    for n in [1, 3, 5]:
        images = rng.standard_normal((n, 3, 224, 224)).astype(np.float32)
        images_path = os.path.join(args.workdir, f"{n}.images.f32")
        features_path = os.path.join(args.workdir, f"{n}.features.f32")
        images.tofile(images_path)
        subprocess.run([args.tool, spec_path, onnx_path, str(n), "224", "224", images_path,
                        features_path], check=True)
        ours = np.fromfile(features_path, dtype=np.float32).reshape(n, -1)
        with torch.no_grad():
            reference = model(torch.from_numpy(images)).numpy()
        scale = max(1.0, float(np.abs(reference).max()))
        diff = float(np.abs(ours - reference).max())
        # Vanishing features would make any comparison pass: insist on signal.
        signal = float(np.abs(reference).max()) > 1e-2 and (
            n == 1 or float(np.ptp(reference, 0).max()) > 1e-3)
        ok = ours.shape == (n, feature_dim) and diff <= RELATIVE_TOLERANCE * scale and signal
        print(f"{args.arch} n={n}: shape {ours.shape}, max|diff| {diff:.3g}, "
              f"max|feature| {float(np.abs(reference).max()):.3g} {'ok' if ok else 'FAIL'}")
        failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
