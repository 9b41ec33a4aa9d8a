#!/usr/bin/env bash
# Presence figures of issue 5: 10,000 users online, each watching 20 others, heartbeating
# every 5 s (the reference case), on one node with SQLite (twice: the box is noisy), one
# node on PostgreSQL, and three nodes on PostgreSQL + NATS. Starts its own postgres and
# nats-server and records bench/results/<date>-<commit>-presence.jsonl.
# Usage: bench/presence.sh [build-dir]     (needs an idle machine: numbers are per this box)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
out=$out_base-presence
start_services
: >"$out.jsonl"
ref=(presence --users 10000 --subscriptions 20 --duration 60)
run sqlite-1-node "${ref[@]}"
run sqlite-1-node-again "${ref[@]}"
run postgres-1-node --postgres "$pg_url" "${ref[@]}"
run postgres-nats-3-nodes --nodes 3 --postgres "$pg_url" --nats "$nats_urls" "${ref[@]}"
echo "wrote $out.jsonl" >&2
