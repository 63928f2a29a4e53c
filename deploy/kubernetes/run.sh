#!/usr/bin/env bash
# Runs the three steps in order: each starts only after the previous one has
# completed every task. Rerunning resumes: featurize skips committed shards.
# Usage: deploy/kubernetes/run.sh [namespace]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ns=(--namespace "${1:-default}")

kubectl "${ns[@]}" apply -f "$here/config.yaml"
for step in featurize fit project; do
  # A Job's spec is immutable: remove the previous run's Job of this step first.
  kubectl "${ns[@]}" delete job "orchard-$step" --ignore-not-found --wait=true
  kubectl "${ns[@]}" apply -f "$here/$step-job.yaml"
  # Either condition ends the wait; `Failed` is checked below.
  kubectl "${ns[@]}" wait "job/orchard-$step" --for=condition=Complete --timeout=24h &
  complete=$!
  kubectl "${ns[@]}" wait "job/orchard-$step" --for=condition=Failed --timeout=24h &
  failed=$!
  wait -n "$complete" "$failed" || true
  kill "$complete" "$failed" 2>/dev/null || true
  if ! kubectl "${ns[@]}" get "job/orchard-$step" \
      -o jsonpath='{.status.conditions[?(@.type=="Complete")].status}' | grep -q True; then
    echo "orchard-$step failed; see: kubectl logs -l app=orchard,step=$step --tail=50" >&2
    exit 1
  fi
done
echo "done: results under s3://my-results/orchard/run-1/"
