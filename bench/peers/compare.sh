#!/usr/bin/env bash
# orchard against its peers (issue 6), in one go on the same images: the first
# N_IMAGES of a sorted listing of ../shared/data/fruits-360-sample, 224×224,
# MobileNetV2 features, StandardScaler + PCA k = 50, written to a file.
#   orchard            build-bench/orchard run with its defaults (features + PCA Parquet, report;
#                      the CNN on oneDNN)
#   orchard-opencv     the same with --backend opencv (OpenCV DNN, the engine the peer below uses)
#   python-opencv-dnn  peer_opencv.py            (OpenCV DNN, ONNX file)
#   python-torch-script peer_torch.py --mode script (TorchScript optimize_for_inference, oneDNN)
#   python-torch-eager peer_torch.py --mode eager
# Systems run in turn, REPS rounds (default 3); the table shows median images/s
# of the whole process (start to exit: interpreter, imports, model load, decode,
# CNN, PCA, write) and of the job as each system times it itself (orchard:
# report.json total_seconds; peers: after imports and model load), orchard's
# ratio to each, and each peer's CNN alone at batch 16 on preprocessed batches.
#
#   bench/peers/compare.sh [N_IMAGES [REPS]]
# Environment: ORCHARD, DATA, MODEL_DIR, WORK (default /tmp/orchard-bench),
# SYSTEMS (subset of the names above), ORCHARD_FLAGS (extra flags for orchard run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
count=${1:-1000}
reps=${2:-3}
orchard=${ORCHARD:-$repo/build-bench/orchard}
data=${DATA:-$repo/../shared/data/fruits-360-sample}
model_dir=${MODEL_DIR:-$repo/../shared/models}
work=${WORK:-/tmp/orchard-bench}
py=/usr/bin/python3
[[ -x $orchard ]] || { echo "no orchard binary at $orchard (build: cmake --build build-bench --target orchard)" >&2; exit 2; }
default_systems="orchard orchard-opencv python-opencv-dnn python-torch-script python-torch-eager"
systems=${SYSTEMS:-$default_systems}

subset=$("$py" "$here/make_subset.py" "$data" "$count" "$work/subset-$count")
results=$work/compare-$count.jsonl
: >"$results"
now() { date +%s.%N; }

run_system() {  # name rep
  local name=$1 out=$work/compare-$1 start end load line
  load=$(cut -d' ' -f1 /proc/loadavg)
  rm -rf "$out" "$out.npz"
  start=$(now)
  case $name in
    orchard|orchard-opencv)
      local backend=()
      [[ $name == orchard-opencv ]] && backend=(--backend opencv)
      # shellcheck disable=SC2086
      "$orchard" run "$subset/images" --out "$out" --model-dir "$model_dir" --image-size 224 \
        --pca-components 50 --progress none "${backend[@]}" ${ORCHARD_FLAGS:-} >/dev/null
      line=$(jq -c --arg name "$name" '{system: $name, images: .counts.succeeded, seconds: .total_seconds}' \
        "$out/report.json") ;;
    python-opencv-dnn)
      line=$("$py" "$here/peer_opencv.py" --list "$subset/files.txt" --out "$out.npz" \
        --model "$model_dir/mobilenet_v2.onnx") ;;
    python-torch-script|python-torch-eager)
      line=$("$py" "$here/peer_torch.py" --mode "${name#python-torch-}" --list "$subset/files.txt" \
        --out "$out.npz" --model "$model_dir/mobilenet_v2.onnx" 2>/dev/null) ;;
  esac
  end=$(now)
  jq -c --arg t0 "$start" --arg t1 "$end" --arg load "$load" --argjson rep "$2" \
    '. + {wall_seconds: (($t1 | tonumber) - ($t0 | tonumber)), load_before: ($load | tonumber), rep: $rep}' \
    <<<"$line" | tee -a "$results" >&2
}

cnn_only() {  # name
  local name=$1
  case $name in
    python-opencv-dnn) "$py" "$here/peer_opencv.py" --cnn-only --list "$subset/files.txt" \
      --out /dev/null --model "$model_dir/mobilenet_v2.onnx" ;;
    python-torch-*) "$py" "$here/peer_torch.py" --cnn-only --mode "${name#python-torch-}" \
      --list "$subset/files.txt" --out /dev/null --model "$model_dir/mobilenet_v2.onnx" 2>/dev/null ;;
    *) return 0 ;;
  esac | jq -c --arg load "$(cut -d' ' -f1 /proc/loadavg)" '. + {load_before: ($load | tonumber)}' \
    | tee -a "$results" >&2
}

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $count images, $reps rounds; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for ((rep = 1; rep <= reps; rep++)); do
  for name in $systems; do run_system "$name" "$rep"; done
done
for name in $systems; do cnn_only "$name"; done
"$py" "$here/table.py" "$results"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
