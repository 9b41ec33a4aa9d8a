#!/usr/bin/env bash
# A local parley cluster on one machine, for trying cluster mode and for benchmarks:
# PostgreSQL, NATS (one server, or a NATS cluster) and N parleyd nodes on 127.0.0.1.
#
#   scripts/cluster.sh start [NODES] [NATS_SERVERS]   default 3 nodes, 1 NATS server
#   scripts/cluster.sh status                         nodes as the cluster sees them
#   scripts/cluster.sh stop
#
# Nodes listen on 127.0.0.1:8081, 8082, ... (PARLEY_CLUSTER_PORT sets the first); state,
# logs and node data live in ./cluster-data. PARLEY_CLUSTER_SETS adds --set options to
# every node, e.g. "limits.send_rate_per_s=1000000 limits.send_burst=1000000" for load. Needs a build (scripts/run.sh or
# scripts/test.sh makes one) and the packages of scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

cmd=${1:-start}
data=$PWD/cluster-data
state=$data/services.env
first_port=${PARLEY_CLUSTER_PORT:-8081}
secret_file=$data/admin-secret
parleyd=${PARLEYD:-$PWD/build/parleyd}

case $cmd in
  start)
    nodes=${2:-3}
    nats_servers=${3:-1}
    [[ -x $parleyd ]] || { echo "cluster: no $parleyd; build first (bash scripts/run.sh or scripts/test.sh)" >&2; exit 1; }
    [[ -f $state ]] && { echo "cluster: already running (scripts/cluster.sh stop first)" >&2; exit 1; }
    mkdir -p "$data"
    bash scripts/services.sh start "$state" "$nats_servers"
    source "$state"
    [[ -f $secret_file ]] || head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$secret_file"
    extra=()
    for s in ${PARLEY_CLUSTER_SETS:-}; do extra+=(--set "$s"); done
    for i in $(seq 0 $((nodes - 1))); do
      port=$((first_port + i))
      mkdir -p "$data/node-$i"
      setsid "$parleyd" --listen "127.0.0.1:$port" --data-dir "$data/node-$i" \
        --set store.kind=postgres --set "store.postgres_url=$pg_url" \
        --set bus.kind=nats --set "bus.nats_urls=$nats_urls" --set "bus.node_id=node-$i" \
        --set "auth.admin_secret=$(cat "$secret_file")" "${extra[@]}" \
        --port-file "$data/node-$i/port" </dev/null >"$data/node-$i.log" 2>&1 &
      echo $! >"$data/node-$i.pid"
    done
    for i in $(seq 0 $((nodes - 1))); do
      for _ in $(seq 1 600); do [[ -s $data/node-$i/port ]] && break; sleep 0.05; done
      [[ -s $data/node-$i/port ]] || { echo "cluster: node-$i did not start; see $data/node-$i.log" >&2; exit 1; }
      echo "cluster: node-$i on http://127.0.0.1:$((first_port + i)) (log $data/node-$i.log)"
    done
    echo "cluster: postgres $pg_url; nats $nats_urls; admin secret in $secret_file"
    ;;
  status)
    [[ -f $state ]] || { echo "cluster: not running"; exit 0; }
    for f in "$data"/node-*.pid; do
      i=${f##*node-}; i=${i%.pid}
      if kill -0 "$(cat "$f")" 2>/dev/null; then s=running; else s=stopped; fi
      echo "node-$i: $s, http://127.0.0.1:$(cat "$data/node-$i/port" 2>/dev/null || echo '?')"
    done
    port=$(cat "$data/node-0/port" 2>/dev/null || true)
    [[ -n $port ]] && curl -s -H "Authorization: Bearer $(cat "$secret_file")" "http://127.0.0.1:$port/v1/admin/nodes" && echo
    ;;
  stop)
    for f in "$data"/node-*.pid; do
      [[ -f $f ]] || continue
      pid=$(cat "$f")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      rm -f "$f"
    done
    bash scripts/services.sh stop "$state"
    ;;
  *) echo "usage: scripts/cluster.sh start [NODES] [NATS_SERVERS] | status | stop" >&2; exit 2 ;;
esac
