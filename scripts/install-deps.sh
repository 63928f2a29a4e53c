#!/usr/bin/env bash
# Installs everything orchard needs to build and test on Debian 12, idempotently:
# Debian packages (compiler libraries, OpenCV, MPI, Python reference tools) and
# the npm packages the tests run against (DuckDB, hyparquet, s3rver), pinned by
# tests/node/package-lock.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake pkg-config git ca-certificates
  libgtest-dev libgmock-dev libbenchmark-dev
  libopencv-dev libeigen3-dev libopenblas-dev liblapacke-dev
  libzstd-dev libsnappy-dev libcurl4-openssl-dev libssl-dev nlohmann-json3-dev zlib1g-dev jq
  libopenmpi-dev openmpi-bin libdnnl-dev
  python3 python3-numpy python3-opencv python3-sklearn python3-torch python3-torchvision
  python3-onnx python3-botocore
)
# node and npm usually come with the machine (not always from Debian): add Debian's only when absent.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "orchard: installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -d "$root/tests/node/node_modules" ] || \
   [ "$root/tests/node/package-lock.json" -nt "$root/tests/node/node_modules/.package-lock.json" ]; then
  # `npm install` with the committed lockfile installs the locked versions; `npm ci` in npm 11
  # refuses this lockfile because it lists DuckDB's other-platform bindings without versions.
  echo "orchard: installing npm test tools (locked versions)"
  (cd "$root/tests/node" && npm install --no-audit --no-fund --loglevel=error)
fi
