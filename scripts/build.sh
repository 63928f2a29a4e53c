#!/usr/bin/env bash
# Configures and builds orchard into build/ (Release, warnings as errors).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ORCHARD_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" > /dev/null
cmake --build "$build" -j "$(nproc)"
