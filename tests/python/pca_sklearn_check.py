#!/usr/bin/python3
"""Cross-checks orchard_stats against scikit-learn (StandardScaler + PCA).

For each case this script generates float32 rows, runs pca_tool (the C++ fit:
moments parts -> merge -> FitPca -> model.json -> Transform) and fits
sklearn's StandardScaler() + PCA(svd_solver="full") on the same values in
float64. It checks:
  * explained_variance_ratio_ and explained_variance_ to 1e-6 relative,
    and the full spectrum (explained_variance_ratio_all) to 1e-6 relative
    + 1e-9 absolute (tiny eigenvalues have only absolute accuracy);
  * k chosen by a variance fraction equals sklearn's;
  * mean_, scale_ (population std, 1 for constant features) to 1e-9 relative;
  * components and projections to 1e-5 relative, up to sign per component;
  * every moments part, parsed here independently of the C++ reader: layout,
    CRC-32 (zlib), count, mean and co-moment against numpy.
Run by CTest (stats_pca_sklearn_check). Exits non-zero on the first failure.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

import numpy as np
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

RTOL = 1e-6        # explained variance (ratio)
PROJ_RTOL = 1e-5   # components, projections


def low_rank_rows(rng, n, d, strengths, noise):
    """Rank-len(strengths) signal with distinct strengths plus noise, offsets and scales."""
    basis = np.linalg.qr(rng.standard_normal((d, len(strengths))))[0].T
    latent = rng.standard_normal((n, len(strengths))) * np.asarray(strengths)
    x = latent @ basis + noise * rng.standard_normal((n, d))
    x = x * rng.uniform(0.5, 3.0, d) + rng.uniform(-5.0, 5.0, d)
    return x


def make_cases():
    rng = np.random.default_rng(20240601)
    cases = []
    # Realistic shape: 500 x 64, rank-6 structure + noise, one constant column,
    # one feature with a large mean and small spread.
    x = low_rank_rows(rng, 500, 64, [9.0, 7.0, 5.5, 4.0, 3.0, 2.2], 0.5)
    x[:, 5] = 0.1
    x[:, 17] = 1000.0 + 0.01 * x[:, 17]
    x = x.astype(np.float32)
    cases.append(("lowrank_500x64_by_variance", x, "variance=0.6", 3))
    cases.append(("lowrank_500x64_by_count", x, "components=6", 4))
    # k = D on a small, strongly correlated set.
    y = low_rank_rows(rng, 2000, 5, [4.0, 2.5, 1.5], 0.7).astype(np.float32)
    cases.append(("tall_2000x5_all_components", y, "components=5", 2))
    # Fewer rows than features: rank n - 1, the tail of the spectrum is zero.
    z = low_rank_rows(rng, 40, 100, [6.0, 4.5, 3.0, 2.0], 0.3).astype(np.float32)
    cases.append(("wide_40x100", z, "components=4", 3))
    return cases


def fail(case, message):
    print(f"FAIL [{case}]: {message}")
    sys.exit(1)


def check_close(case, name, ours, theirs, rtol, atol=0.0):
    ours = np.asarray(ours, dtype=np.float64)
    theirs = np.asarray(theirs, dtype=np.float64)
    if ours.shape != theirs.shape:
        fail(case, f"{name}: shape {ours.shape} != sklearn {theirs.shape}")
    err = np.abs(ours - theirs)
    bound = rtol * np.abs(theirs) + atol
    if not np.all(err <= bound):
        worst = int(np.argmax(err - bound))
        fail(case, f"{name}[{worst}] = {ours.flat[worst]!r}, sklearn {theirs.flat[worst]!r}")
    return float(np.max(err / np.maximum(np.abs(theirs), 1e-300)))


def check_part(case, path, rows):
    """Parses one ORCHMOMS part with struct/zlib and compares it to numpy."""
    data = open(path, "rb").read()
    magic, version, dim, count = struct.unpack_from("<8sIIq", data, 0)
    if magic != b"ORCHMOMS" or version != 1:
        fail(case, f"{path}: header {magic!r} version {version}")
    tri = dim * (dim + 1) // 2
    if len(data) != 24 + 8 * (dim + tri) + 4:
        fail(case, f"{path}: {len(data)} bytes for dim {dim}")
    (stored_crc,) = struct.unpack_from("<I", data, len(data) - 4)
    if stored_crc != zlib.crc32(data[:-4]):
        fail(case, f"{path}: CRC-32 mismatch")
    if count != rows.shape[0] or dim != rows.shape[1]:
        fail(case, f"{path}: count {count} dim {dim}, expected {rows.shape}")
    mean = np.frombuffer(data, "<f8", dim, 24)
    upper = np.frombuffer(data, "<f8", tri, 24 + 8 * dim)
    x = rows.astype(np.float64)
    ref_mean = x.mean(axis=0)
    centred = x - ref_mean
    ref_m2 = centred.T @ centred
    check_close(case, f"{os.path.basename(path)} mean", mean, ref_mean, 1e-12, 1e-12)
    iu = np.triu_indices(dim)
    diag = np.sqrt(np.outer(np.diag(ref_m2), np.diag(ref_m2)))[iu]
    if not np.all(np.abs(upper - ref_m2[iu]) <= 1e-10 * diag + 1e-12):
        fail(case, f"{path}: co-moment differs from numpy")


def run_case(tool, workdir, case, x, choice, parts):
    out = os.path.join(workdir, case)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    n, d = x.shape
    x.tofile(os.path.join(out, "rows.f32"))
    result = subprocess.run([tool, os.path.join(out, "rows.f32"), str(n), str(d), out, choice,
                             str(parts)], capture_output=True, text=True)
    if result.returncode != 0:
        fail(case, f"pca_tool failed: {result.stderr.strip()}")
    model = json.load(open(os.path.join(out, "model.json")))
    k = model["k"]

    for part in range(parts):
        first, last = part * n // parts, (part + 1) * n // parts
        check_part(case, os.path.join(out, f"part-{part:05d}.bin"), x[first:last])

    x64 = x.astype(np.float64)  # the exact values the C++ side read
    scaler = StandardScaler().fit(x64)
    standard = scaler.transform(x64)
    full = PCA(svd_solver="full").fit(standard)
    if choice.startswith("variance="):
        ref = PCA(n_components=float(choice.split("=")[1]), svd_solver="full").fit(standard)
        if ref.n_components_ != k:
            fail(case, f"k = {k}, sklearn chose {ref.n_components_}")
    else:
        ref = PCA(n_components=int(choice.split("=")[1]), svd_solver="full").fit(standard)

    if model["input_dim"] != d or model["n_samples"] != n or len(model["components"]) != k:
        fail(case, "model.json shape fields")
    check_close(case, "mean", model["mean"], scaler.mean_, 1e-12, 1e-12)
    check_close(case, "scale", model["scale"], scaler.scale_, 1e-9)
    # The compared components must be well separated, else sign and rotation
    # inside a near-degenerate eigenspace would make the comparison meaningless.
    gaps = np.abs(np.diff(full.explained_variance_[: k + 1])) / full.explained_variance_[0]
    if len(gaps) and gaps.min() < 1e-3:
        fail(case, f"test data has a near-degenerate spectrum (gap {gaps.min():.2e})")
    worst_ratio = check_close(case, "explained_variance_ratio", model["explained_variance_ratio"],
                              ref.explained_variance_ratio_, RTOL)
    check_close(case, "explained_variance", model["explained_variance"], ref.explained_variance_,
                RTOL)
    spectrum = np.zeros(d)
    spectrum[: len(full.explained_variance_ratio_)] = full.explained_variance_ratio_
    check_close(case, "explained_variance_ratio_all", model["explained_variance_ratio_all"],
                spectrum, RTOL, 1e-9)

    components = np.asarray(model["components"])
    signs = np.sign(np.sum(components * ref.components_, axis=1))
    check_close(case, "components", components, signs[:, None] * ref.components_, 0.0, PROJ_RTOL)
    ours = np.fromfile(os.path.join(out, "projections.f32"), np.float32).reshape(n, k)
    theirs = ref.transform(standard) * signs
    scale = np.max(np.abs(theirs), axis=0)
    worst_proj = float(np.max(np.abs(ours - theirs) / scale))
    if worst_proj > PROJ_RTOL:
        fail(case, f"projections differ by {worst_proj:.2e} of the component's range")
    print(f"ok [{case}] k={k} worst ratio rel err {worst_ratio:.1e}, "
          f"worst projection err {worst_proj:.1e} of range")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tool", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    for case, x, choice, parts in make_cases():
        run_case(args.tool, args.workdir, case, x, choice, parts)


if __name__ == "__main__":
    main()
