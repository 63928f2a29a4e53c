#!/usr/bin/python3
"""Copies the first N image files of a sorted listing of SRC into DEST, keeping
their relative paths (so labels = parent folder names stay the same), and writes
DEST/files.txt with the copied paths, one per line, in that sorted order.

Every system in bench/peers/compare.sh and bench/pipeline/run_e2e.sh reads the
same DEST, so they all process the same images. Idempotent: DEST is rebuilt
only when its files.txt does not list exactly the requested images.

  make_subset.py SRC N DEST        (N = 0 or 'all': every image)
"""
import os
import shutil
import sys

EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}


def sorted_images(src):
    found = []
    for root, _dirs, files in os.walk(src):
        for name in files:
            if os.path.splitext(name)[1].lower() in EXTENSIONS:
                found.append(os.path.relpath(os.path.join(root, name), src))
    # Byte order of the UTF-8 relative paths, as orchard's plan sorts keys.
    return sorted(found, key=lambda rel: rel.encode("utf-8"))


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, count, dest = sys.argv[1], sys.argv[2], sys.argv[3]
    images = sorted_images(src)
    if count not in ("0", "all"):
        images = images[: int(count)]
    listing = os.path.join(dest, "files.txt")
    wanted = [os.path.join(dest, "images", rel) for rel in images]
    if os.path.exists(listing):
        with open(listing, encoding="utf-8") as handle:
            if handle.read().splitlines() == wanted:
                print(dest)
                return
    shutil.rmtree(dest, ignore_errors=True)
    for rel, target in zip(images, wanted):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(src, rel), target)
    with open(listing, "w", encoding="utf-8") as handle:
        handle.write("".join(path + "\n" for path in wanted))
    print(dest)


if __name__ == "__main__":
    main()
