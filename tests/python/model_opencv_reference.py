#!/usr/bin/python3
"""orchard's OpenCvDnnBackend (C++) against OpenCV's Python binding (cv2.dnn) on the same inputs.

Runs the C++ helper `model_forward` on deterministic preprocessed images and compares its features
with cv2.dnn's `features` output for the same blob: max |diff| must be <= 1e-4 (both are OpenCV 4.6
DNN; the margin covers batch-size-dependent summation order). Checks 5 images at 224x224 and
2 at 100x100 (the GAP graph is size independent).

usage: model_opencv_reference.py --tool model_forward --spec SPEC.json --onnx MODEL.onnx --workdir DIR
"""

import argparse
import json
import os
import subprocess
import sys

import cv2
import numpy as np

TOLERANCE = 1e-4


def preprocessed_images(spec, n, size, seed):
    """n random 8-bit RGB images, preprocessed as the spec says, as float32 NCHW."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(n, size, size, 3)).astype(np.float32)
    mean = np.array(spec["mean"], np.float32)
    std = np.array(spec["std"], np.float32)
    normalised = (pixels * np.float32(spec["scale"]) - mean) / std
    return np.ascontiguousarray(normalised.transpose(0, 3, 1, 2))


def run_orchard(args, images, workdir, tag):
    n, _, height, width = images.shape
    images_path = os.path.join(workdir, f"{tag}.images.f32")
    features_path = os.path.join(workdir, f"{tag}.features.f32")
    images.tofile(images_path)
    subprocess.run([args.tool, args.spec, args.onnx, str(n), str(height), str(width),
                    images_path, features_path], check=True)
    return np.fromfile(features_path, dtype=np.float32).reshape(n, -1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tool", required=True)
    parser.add_argument("--spec", required=True)
    parser.add_argument("--onnx", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    with open(args.spec) as f:
        spec = json.load(f)
    net = cv2.dnn.readNetFromONNX(args.onnx)

    failures = 0
    for n, size in [(5, 224), (2, 100)]:
        images = preprocessed_images(spec, n, size, seed=n * 1000 + size)
        ours = run_orchard(args, images, args.workdir, f"{n}x{size}")
        net.setInput(images, spec["input_name"])
        reference = net.forward(spec["feature_output"]).reshape(n, -1)
        diff = float(np.abs(ours - reference).max())
        ok = ours.shape == (n, spec["feature_dim"]) and diff <= TOLERANCE
        print(f"{n} images at {size}x{size}: shape {ours.shape}, max|diff| {diff:.3g} "
              f"(max|feature| {float(np.abs(reference).max()):.3g}) {'ok' if ok else 'FAIL'}")
        failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
