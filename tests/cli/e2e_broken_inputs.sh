#!/usr/bin/env bash
# Bad input never stops the run: each bad file becomes a line in errors/ with its
# reason, good images (including PNG and grayscale) get features; --max-failures
# ends the run with exit code 4.
source "$(dirname "$0")/lib.sh"
IN=$WORK/in
mkdir -p "$IN/good" "$IN/bad"
ls "$SHARED/data/fruits-demo/Banana" | head -3 | while read -r f; do cp "$SHARED/data/fruits-demo/Banana/$f" "$IN/good/"; done
$PY - "$SHARED/data/fruits-demo/Banana" "$IN" <<'PYEOF'
import cv2, numpy as np, os, struct, sys, zlib
src, out = sys.argv[1], sys.argv[2]
jpeg = open(os.path.join(src, sorted(os.listdir(src))[0]), "rb").read()
open(f"{out}/bad/truncated.jpg", "wb").write(jpeg[: len(jpeg) // 2])
open(f"{out}/bad/empty.jpg", "wb").close()
open(f"{out}/bad/notes.jpg", "w").write("this is a text file, not a picture\n")
img = cv2.imread(os.path.join(src, sorted(os.listdir(src))[1]))
cv2.imwrite(f"{out}/good/as_png.png", img)
cv2.imwrite(f"{out}/good/gray.jpg", cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))
# A PNG that declares 100000 x 100000 pixels in a tiny file: a decompression bomb.
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
open(f"{out}/bad/bomb.png", "wb").write(png)
open(f"{out}/README.txt", "w").write("not an image extension: skipped by the plan\n")
PYEOF
OUT=$WORK/out
expect_exit 0 "$ORCHARD" run "$IN" --out "$OUT" --model-dir "$MODEL_DIR" --pca-components 2 --progress none
expect_log_contains "5 images with features, 4 failed"
$PY - "$OUT" <<'PYEOF'
import glob, json, sys
out = sys.argv[1]
errors = {}
for part in sorted(glob.glob(f"{out}/errors/part-*.jsonl")):
    for line in open(part):
        e = json.loads(line)
        errors[e["path"]] = e
expected = {"bad/truncated.jpg": "corrupt", "bad/empty.jpg": "empty", "bad/notes.jpg": "not_an_image",
            "bad/bomb.png": "too_large"}
for path, reason in expected.items():
    assert path in errors, f"{path} missing from errors: {errors}"
    assert errors[path]["reason"] == reason, f"{path}: {errors[path]}"
    assert errors[path]["detail"], f"{path}: no detail"
assert len(errors) == 4, errors
report = json.load(open(f"{out}/report.json"))
assert report["failures_by_reason"] == {"corrupt": 1, "empty": 1, "not_an_image": 1, "too_large": 1}, report
plan = json.load(open(f"{out}/plan.json"))
assert plan["num_images"] == 9 and plan["num_skipped_files"] == 1, plan
print("errors OK:", sorted(errors))
PYEOF
parquet_rows "$OUT/features/*.parquet" "$WORK/features.jsonl"
grep -q '"good/as_png.png"' "$WORK/features.jsonl" || fail "PNG image has no features"
grep -q '"good/gray.jpg"' "$WORK/features.jsonl" || fail "grayscale image has no features"

expect_exit 4 "$ORCHARD" run "$IN" --out "$WORK/out-strict" --model-dir "$MODEL_DIR" --max-failures 1 --progress none
expect_log_contains "more than --max-failures 1"
echo PASS
