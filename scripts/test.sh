#!/usr/bin/env bash
# One command for the whole test suite: install dependencies, build, run every
# CTest test (unit, integration, mpi). Extra arguments go to ctest, e.g. -L unit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "${ORCHARD_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j 2 "$@"
