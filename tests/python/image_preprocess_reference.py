#!/usr/bin/env python3
"""Checks orchard's decode + preprocess against an independent cv2 + numpy reference.

For real images of the fruits demo set and for images made here (grayscale,
alpha, 16-bit, EXIF-rotated, WebP, BMP, non-square), runs orchard's image_dump
and compares its float32 CHW tensor with

    cv2.imread(IMREAD_COLOR) -> cvtColor(BGR2RGB) -> cv2.resize(INTER_LINEAR)
    -> / 255 -> (x - mean) / std -> CHW

to 1e-5, for several preprocess specs (224x224, native size, non-square BGR).
Run by CTest (label unit); exits non-zero on any mismatch.
"""
import argparse
import os
import subprocess
import sys

import cv2
import numpy as np

TOLERANCE = 1e-5
IMAGENET = dict(scale=1.0 / 255.0, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
# (name, width, height, order, scale, mean, std); 0x0 keeps the native size.
SPECS = [
    ("224-rgb", 224, 224, "rgb", IMAGENET["scale"], IMAGENET["mean"], IMAGENET["std"]),
    ("native-rgb", 0, 0, "rgb", IMAGENET["scale"], IMAGENET["mean"], IMAGENET["std"]),
    ("160x96-bgr-caffe", 160, 96, "bgr", 1.0, (103.94, 116.78, 123.68), (58.4, 57.1, 57.4)),
    ("37x53-rgb", 37, 53, "rgb", IMAGENET["scale"], IMAGENET["mean"], IMAGENET["std"]),
]


def exif_orientation_app1(orientation):
    """An APP1 Exif segment with one Orientation tag (little-endian TIFF)."""
    tiff = (b"II*\x00" + (8).to_bytes(4, "little") + (1).to_bytes(2, "little")
            + (0x0112).to_bytes(2, "little") + (3).to_bytes(2, "little")
            + (1).to_bytes(4, "little") + orientation.to_bytes(2, "little") + b"\x00\x00"
            + (0).to_bytes(4, "little"))
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body


def make_images(work):
    """Writes the synthetic inputs into `work` and returns their paths."""
    rng = np.random.default_rng(7)
    paths = []

    def write(name, data):
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)

    def encode(ext, mat, params=()):
        ok, buf = cv2.imencode(ext, mat, list(params))
        assert ok, ext
        return buf.tobytes()

    # Smooth content so lossy codecs and resizing both matter.
    yy, xx = np.mgrid[0:90, 0:150]
    smooth = np.stack([(xx * 255 // 149), (yy * 255 // 89), ((xx + yy) * 255 // 238)], axis=2)
    smooth = smooth.astype(np.uint8)
    noise = rng.integers(0, 256, size=(40, 60, 3), dtype=np.uint8)
    write("smooth.jpg", encode(".jpg", smooth, (cv2.IMWRITE_JPEG_QUALITY, 90)))
    write("noise.png", encode(".png", noise))
    write("gray.jpg", encode(".jpg", smooth[:, :, 0]))
    write("gray.png", encode(".png", noise[:, :, 1]))
    rgba = np.dstack([noise, rng.integers(0, 256, size=(40, 60), dtype=np.uint8)])
    write("alpha.png", encode(".png", rgba))
    deep = rng.integers(0, 65536, size=(40, 60, 3), dtype=np.uint16)
    write("deep16.png", encode(".png", deep))
    write("lossless.webp", encode(".webp", noise, (cv2.IMWRITE_WEBP_QUALITY, 101)))
    write("lossy.webp", encode(".webp", smooth, (cv2.IMWRITE_WEBP_QUALITY, 80)))
    write("noise.bmp", encode(".bmp", noise))
    jpeg = encode(".jpg", smooth)
    for orientation in (3, 6, 8):
        write("exif%d.jpg" % orientation, jpeg[:2] + exif_orientation_app1(orientation) + jpeg[2:])
    return paths


def real_images(data_dir, count):
    """The first image of each class folder, sorted, up to `count`."""
    paths = []
    for cls in sorted(os.listdir(data_dir)):
        folder = os.path.join(data_dir, cls)
        files = sorted(f for f in os.listdir(folder) if f.lower().endswith(".jpg"))
        if files:
            paths.append(os.path.join(folder, files[0]))
    return paths[:count]


def reference(path, width, height, order, scale, mean, std):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    assert bgr is not None, path
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    if width:
        rgb = cv2.resize(rgb, (width, height), interpolation=cv2.INTER_LINEAR)
    if scale == IMAGENET["scale"]:
        x = rgb.astype(np.float32) / np.float32(255.0)
    else:
        x = rgb.astype(np.float32) * np.float32(scale)
    if order == "bgr":
        x = x[:, :, ::-1]
    x = (x - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def run_ours(image_dump, work, jobs):
    """Runs image_dump once over `jobs` (path, spec...) and returns its tensors."""
    lines, outs = [], []
    for index, (path, width, height, order, scale, mean, std) in enumerate(jobs):
        out = os.path.join(work, "tensor-%03d.f32" % index)
        fields = [path, out, str(width), str(height), order, repr(scale)]
        fields += [repr(v) for v in mean] + [repr(v) for v in std]
        lines.append("\t".join(fields))
        outs.append(out)
    job_file = os.path.join(work, "jobs.tsv")
    with open(job_file, "w") as f:
        f.write("\n".join(lines) + "\n")
    proc = subprocess.run([image_dump, job_file], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("image_dump failed: %s%s" % (proc.stdout, proc.stderr))
    results = []
    for out, reply in zip(outs, proc.stdout.splitlines()):
        if reply.startswith("error"):
            results.append(reply)
            continue
        w, h = (int(v) for v in reply.split())
        results.append(np.fromfile(out, dtype="<f4").reshape(3, h, w))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--image-dump", required=True)
    parser.add_argument("--data", required=True, help="fruits-demo folder")
    parser.add_argument("--work", required=True, help="scratch folder")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    images = real_images(args.data, 5) + make_images(args.work)
    jobs = [(path,) + spec[1:] for path in images for spec in SPECS]
    names = [spec[0] for path in images for spec in SPECS]
    failures = 0
    for job, name, got in zip(jobs, names, run_ours(args.image_dump, args.work, jobs)):
        label = "%s [%s]" % (os.path.basename(job[0]), name)
        if isinstance(got, str):
            print("FAIL %s: %s" % (label, got))
            failures += 1
            continue
        want = reference(*job)
        if got.shape != want.shape:
            print("FAIL %s: shape %s, reference %s" % (label, got.shape, want.shape))
            failures += 1
            continue
        diff = float(np.max(np.abs(got - want)))
        failures += diff > TOLERANCE
        print("%s %s: shape %s, max |diff| %.3g"
              % ("ok  " if diff <= TOLERANCE else "FAIL", label, got.shape, diff))
    print("%d comparisons, %d failed" % (len(jobs), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
