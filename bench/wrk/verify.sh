#!/usr/bin/env bash
# After a run of ingest.lua: how many batches of load-0..load-9 the history holds (raw points of
# series load_gauge_0 and load_gauge_199 over the last 5 minutes) and the node's own counters.
# Start the server with a raw retention longer than the run holds batches (e.g.
# -Dpipewatch.collector.history.raw.retention=30m) so that the raw tier keeps every batch.
# Usage: bench/wrk/verify.sh http://127.0.0.1:18200
set -euo pipefail
base="${1:-http://127.0.0.1:18200}"
total0=0
total199=0
for i in $(seq 0 9); do
  n0=$(curl -sf "$base/api/metrics/load-$i/load_gauge_0?range=5m" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["values"]))')
  n199=$(curl -sf "$base/api/metrics/load-$i/load_gauge_199?range=5m" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["values"]))')
  echo "load-$i: $n0 batches in history (load_gauge_0), $n199 (load_gauge_199)"
  total0=$((total0 + n0))
  total199=$((total199 + n199))
done
echo "batches in history: $total0 (load_gauge_0), $total199 (load_gauge_199)"
curl -sf "$base/metrics" | grep -E '^pipewatch_(ingest_samples_total|ingest_batches_total|refused_samples_total|refused_sources_total) '
