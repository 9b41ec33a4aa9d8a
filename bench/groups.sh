#!/usr/bin/env bash
# Group and room figures of issue 6: ten 256-member groups (flat out, with and without
# delivered receipts, and at a fixed rate for latency), on SQLite, PostgreSQL and three
# nodes on PostgreSQL + NATS; and one room of 70,000 members on one node, as many of them
# online as this box's open-file limit allows. Starts its own postgres and nats-server and
# records bench/results/<date>-<commit>-groups.jsonl.
# Usage: bench/groups.sh [build-dir]     (needs an idle machine: numbers are per this box)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
out=$out_base-groups
start_services
: >"$out.jsonl"
group=(group --groups 10 --members 256 --duration 20)
run sqlite-group-256 "${group[@]}"
run sqlite-group-256-no-receipts --no-receipts "${group[@]}"
run sqlite-group-256-rate-100 group --groups 10 --members 256 --rate 100 --duration 20
run postgres-group-256 --postgres "$pg_url" "${group[@]}"
run postgres-nats-3-nodes-group-256 --nodes 3 --postgres "$pg_url" --nats "$nats_urls" "${group[@]}"
run sqlite-room-70000 room --members 70000 --duration 20
run sqlite-room-70000-rate-2 room --members 70000 --rate 2 --duration 20
echo "wrote $out.jsonl" >&2
