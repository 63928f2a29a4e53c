#!/usr/bin/env bash
# One command for a newcomer: install dependencies, build, and run orchard on the
# demo images (../shared/data/fruits-demo, 10 classes x 10 images) with the
# default model (MobileNetV2 from ../shared/models). Results go to out/demo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${ORCHARD_SHARED:-$root/../shared}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"$root/build/orchard" run "$shared/data/fruits-demo" --out "$root/out/demo" \
  --model-dir "$shared/models" "$@"
