"""Shared parts of the peer pipelines in bench/peers/: the image list, decoding
and MobileNetV2 preprocessing (as in models/mobilenet_v2.json and
shared/models/README.md), StandardScaler + PCA, the output file, and the JSON
line every peer prints. Each peer differs only in how it runs the CNN.
"""
import argparse
import json
import os
import time

import cv2
import numpy as np

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
FEATURE_DIM = 1280


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--list", required=True, help="files.txt from make_subset.py")
    parser.add_argument("--out", required=True, help="output .npz (path, label, pca)")
    parser.add_argument("--model", default=os.path.join(
        os.path.dirname(__file__), "../../../shared/models/mobilenet_v2.onnx"))
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--components", type=int, default=50)
    parser.add_argument("--cnn-only", action="store_true",
                        help="time only the CNN: 30 preprocessed batches after 5 warm-up calls")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--mode", choices=["script", "eager"], default="script",
                        help="peer_torch.py only")
    parser.add_argument("--check", action="store_true",
                        help="peer_torch.py only: compare one batch with OpenCV DNN")
    return parser.parse_args()


def read_list(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read().splitlines()


def load_preprocessed(path, size):
    """BGR file → RGB, bilinear resize to size×size, /255, ImageNet mean/std, CHW float32."""
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        return None
    image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    image = cv2.resize(image, (size, size), interpolation=cv2.INTER_LINEAR)
    image = (image.astype(np.float32) * np.float32(1.0 / 255.0) - MEAN) / STD
    return np.ascontiguousarray(image.transpose(2, 0, 1))


def batches(paths, batch_size, size):
    """Yields (paths, NCHW batch) in list order; unreadable files are skipped."""
    for first in range(0, len(paths), batch_size):
        kept, blobs = [], []
        for path in paths[first:first + batch_size]:
            blob = load_preprocessed(path, size)
            if blob is not None:
                kept.append(path)
                blobs.append(blob)
        if blobs:
            yield kept, np.stack(blobs)


def fit_and_write(paths, features, components, out):
    """StandardScaler + PCA(k) with scikit-learn, then one .npz file."""
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler
    scaled = StandardScaler().fit_transform(features.astype(np.float64))
    projected = PCA(n_components=components).fit_transform(scaled).astype(np.float32)
    labels = [os.path.basename(os.path.dirname(path)) for path in paths]
    np.savez(out, path=np.array(paths), label=np.array(labels), pca=projected)


def run(system, args, forward):
    """The whole job after imports: model already loaded by the caller's
    `forward` closure. Prints one JSON line with the timings."""
    paths = read_list(args.list)
    if args.cnn_only:
        prepared = [batch for _, batch in batches(paths[:30 * args.batch_size],
                                                   args.batch_size, args.image_size)]
        # Warm-up: TorchScript's profiling executor re-optimises the graph during
        # its first calls; five are enough for it to settle.
        for batch in prepared[:5]:
            forward(batch)
        start = time.perf_counter()
        count = 0
        for batch in prepared:
            forward(batch)
            count += batch.shape[0]
        seconds = time.perf_counter() - start
        print(json.dumps({"system": system, "cnn_only": True, "batch_size": args.batch_size,
                          "images": count, "seconds": seconds,
                          "images_per_second": count / seconds}))
        return
    start = time.perf_counter()
    decode_seconds = cnn_seconds = 0.0
    kept_paths, chunks = [], []
    mark = time.perf_counter()
    for kept, batch in batches(paths, args.batch_size, args.image_size):
        now = time.perf_counter()
        decode_seconds += now - mark
        chunks.append(forward(batch))
        mark = time.perf_counter()
        cnn_seconds += mark - now
        kept_paths.extend(kept)
    features = np.concatenate(chunks)
    assert features.shape == (len(kept_paths), FEATURE_DIM), features.shape
    fit_start = time.perf_counter()
    fit_and_write(kept_paths, features, args.components, args.out)
    end = time.perf_counter()
    print(json.dumps({"system": system, "images": len(kept_paths), "seconds": end - start,
                      "images_per_second": len(kept_paths) / (end - start),
                      "decode_seconds": decode_seconds, "cnn_seconds": cnn_seconds,
                      "pca_and_write_seconds": end - fit_start}))
