#!/usr/bin/python3
"""Independent checks of orchard's outputs, run by CTest.

features:  recompute CNN features with OpenCV's Python binding (cv2.dnn) and the
           preprocessing of the model's README; compare with orchard's rows.
pca:       fit scikit-learn StandardScaler + PCA on orchard's features; compare
           with orchard's pca/model.json and pca rows.
classify:  train a logistic regression on one split's PCA rows and score it on
           another's.
Rows are JSON lines written by tests/node/read_parquet.mjs (DuckDB).
"""
import argparse
import json
import os
import sys

import numpy as np

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def load_rows(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def check_features(args):
    import cv2

    rows = load_rows(args.rows)
    if len(rows) != args.expect_rows:
        fail(f"{len(rows)} feature rows, expected {args.expect_rows}")
    net = cv2.dnn.readNetFromONNX(args.model)
    worst = 0.0
    for row in rows:
        image = cv2.imread(os.path.join(args.images, row["path"]), cv2.IMREAD_COLOR)
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        if args.size != "native":
            size = int(args.size)
            image = cv2.resize(image, (size, size), interpolation=cv2.INTER_LINEAR)
        tensor = (image.astype(np.float32) / 255.0 - MEAN) / STD
        blob = tensor.transpose(2, 0, 1)[np.newaxis].copy()
        net.setInput(blob, "input")
        reference = net.forward("features")[0]
        ours = np.array(row["features"], dtype=np.float32)
        if ours.shape != reference.shape:
            fail(f"{row['path']}: {ours.shape[0]} features, reference has {reference.shape[0]}")
        worst = max(worst, float(np.max(np.abs(ours - reference))))
        expected_label = os.path.basename(os.path.dirname(row["path"]))
        if row["label"] != expected_label:
            fail(f"{row['path']}: label {row['label']!r}, expected {expected_label!r}")
    print(f"features: {len(rows)} rows, max |orchard - cv2.dnn| = {worst:.3g}")
    if worst > 1e-4:
        fail(f"features differ from the OpenCV Python reference by {worst} > 1e-4")


def check_pca(args):
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    features = load_rows(args.features)
    projected = load_rows(args.pca_rows)
    with open(args.model, encoding="utf-8") as f:
        model = json.load(f)
    x = np.array([r["features"] for r in features], dtype=np.float32).astype(np.float64)
    k = model["k"]
    scaler = StandardScaler().fit(x)
    pca = PCA(n_components=k, svd_solver="full").fit(scaler.transform(x))
    ratio = np.array(model["explained_variance_ratio"])
    rel = np.max(np.abs(ratio - pca.explained_variance_ratio_) / pca.explained_variance_ratio_)
    print(f"pca: k={k}, n={x.shape[0]}, max relative error of explained_variance_ratio = {rel:.3g}")
    if rel > 1e-6:
        fail(f"explained_variance_ratio differs from scikit-learn by {rel} (relative) > 1e-6")
    var_rel = np.max(np.abs(np.array(model["explained_variance"]) - pca.explained_variance_)
                     / pca.explained_variance_)
    if var_rel > 1e-6:
        fail(f"explained_variance differs from scikit-learn by {var_rel} (relative) > 1e-6")
    reference = pca.transform(scaler.transform(x))
    ours = np.array([r["pca"] for r in projected], dtype=np.float64)
    if [r["path"] for r in projected] != [r["path"] for r in features]:
        fail("pca rows are not in the order of the feature rows")
    if ours.shape != reference.shape:
        fail(f"pca rows have shape {ours.shape}, scikit-learn gives {reference.shape}")
    scale = np.max(np.abs(reference), axis=0)
    worst = 0.0
    for c in range(k):
        sign = 1.0 if np.dot(ours[:, c], reference[:, c]) >= 0 else -1.0
        worst = max(worst, float(np.max(np.abs(sign * ours[:, c] - reference[:, c])) / max(scale[c], 1.0)))
    print(f"pca: max |projection difference| / max(1, |component range|) = {worst:.3g}")
    if worst > 1e-5:
        fail(f"projections differ from scikit-learn by {worst} > 1e-5 (up to sign)")


def check_classify(args):
    from sklearn.linear_model import LogisticRegression

    train = load_rows(args.train)
    test = load_rows(args.test)
    clf = LogisticRegression(max_iter=3000)
    clf.fit(np.array([r["pca"] for r in train]), [r["label"] for r in train])
    accuracy = clf.score(np.array([r["pca"] for r in test]), [r["label"] for r in test])
    print(f"classify: logistic regression on {len(train)} training rows, accuracy on "
          f"{len(test)} test rows = {accuracy:.4f}")
    if accuracy < args.min_accuracy:
        fail(f"accuracy {accuracy:.4f} < {args.min_accuracy}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("features")
    f.add_argument("--rows", required=True)
    f.add_argument("--images", required=True)
    f.add_argument("--model", required=True)
    f.add_argument("--size", default="224")
    f.add_argument("--expect-rows", type=int, required=True)
    p = sub.add_parser("pca")
    p.add_argument("--features", required=True)
    p.add_argument("--pca-rows", required=True)
    p.add_argument("--model", required=True)
    c = sub.add_parser("classify")
    c.add_argument("--train", required=True)
    c.add_argument("--test", required=True)
    c.add_argument("--min-accuracy", type=float, default=0.95)
    args = parser.parse_args()
    {"features": check_features, "pca": check_pca, "classify": check_classify}[args.mode](args)
    print("OK")


if __name__ == "__main__":
    main()
