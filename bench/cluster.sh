#!/usr/bin/env bash
# Cluster figures of issue 4: one-to-one on 1 node (SQLite, for reference), 1 node on
# PostgreSQL, 1 node on PostgreSQL + NATS, and 3 nodes on PostgreSQL + NATS, flat out
# and at a fixed rate; then cluster-crash. Starts its own postgres and nats-server
# (scripts/services.sh) and records bench/results/<date>-<commit>-cluster.jsonl.
# Usage: bench/cluster.sh [build-dir]     (needs an idle machine: numbers are per this box)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
out=$out_base-cluster
start_services
: >"$out.jsonl"
pg=(--postgres "$pg_url")
nats=(--nats "$nats_urls")
for mode in flat at-5k; do
  rate=(); [[ $mode == at-5k ]] && rate=(--rate 5000)
  run "sqlite-1-node-$mode" one-to-one --pairs 100 --duration 10 "${rate[@]}"
  run "postgres-1-node-$mode" "${pg[@]}" one-to-one --pairs 100 --duration 10 "${rate[@]}"
  run "postgres-nats-1-node-$mode" "${pg[@]}" "${nats[@]}" one-to-one --pairs 100 --duration 10 "${rate[@]}"
  run "postgres-nats-3-nodes-$mode" --nodes 3 "${pg[@]}" "${nats[@]}" one-to-one --pairs 100 --duration 10 "${rate[@]}"
done
run cluster-crash-3-nodes --nodes 3 "${pg[@]}" "${nats[@]}" cluster-crash --pairs 20 --duration 6
echo "wrote $out.jsonl" >&2
