#!/usr/bin/env bash
# Starts and stops the real PostgreSQL and NATS servers that cluster mode needs, and an
# S3-compatible object store (s3rver, tools/s3rver) for media, on free 127.0.0.1 ports, with
# their data in a private directory under /tmp. Used by the test suite (a ctest fixture), by
# tests that restart them, and by scripts/cluster.sh.
#
#   services.sh start STATE [NATS_SERVERS]  start postgres, NATS (a cluster of
#                                           NATS_SERVERS servers, default 1) and s3rver; write STATE
#   services.sh stop STATE                  stop everything, remove the directory
#   services.sh pg-stop STATE | pg-start STATE      stop / start postgres (same port, same data)
#   services.sh nats-stop STATE | nats-start STATE  the same for every NATS server
#   services.sh s3-stop STATE | s3-start STATE      the same for s3rver (its objects kept)
#
# STATE is a shell file others read: dir, pg_port, pg_url (a libpq string for the
# `parley` database), nats_ports, nats_urls (comma-separated nats:// URLs), s3_url
# (http://127.0.0.1:PORT), s3_bucket (made at start), s3_access_key, s3_secret_key.
# PostgreSQL refuses to run as root: as root, it runs as the `postgres` user.
set -euo pipefail

cmd=${1:?usage: services.sh start|stop|pg-stop|pg-start|nats-stop|nats-start|s3-stop|s3-start STATE}
state=${2:?STATE file required}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$pg_bin/postgres" ]] || { echo "services: postgres not installed (run scripts/install-deps.sh)" >&2; exit 1; }
command -v nats-server >/dev/null || { echo "services: nats-server not installed (run scripts/install-deps.sh)" >&2; exit 1; }
s3rver_run="$(cd "$(dirname "$0")/.." && pwd)/tools/s3rver/run.mjs"

as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
taken=" "
# Below the ephemeral range: a port some client socket uses as its source port answers no
# connect probe, yet cannot be bound.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
  local span=$((ephemeral_low > 13000 ? ephemeral_low - 12000 : 1000))
  local p=$((10000 + RANDOM % span))
  while port_open "$p" || [[ $taken == *" $p "* ]]; do p=$((p + 1)); done
  taken+="$p "
  echo "$p"
}
wait_port() {  # bounded: 20 s
  for _ in $(seq 1 400); do port_open "$1" && return 0; sleep 0.05; done
  echo "services: nothing listens on 127.0.0.1:$1 after 20 s" >&2
  return 1
}

pg_start() {
  as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 30 -s \
    -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400" start
}
pg_stop() { as_pg "$pg_bin/pg_ctl" -D "$dir/pg" -m "${1:-fast}" -w -s stop || true; }

nats_start() {
  local i=0 routes="" p
  local -a ports=($nats_ports) cports=($nats_cluster_ports)
  for p in "${cports[@]}"; do routes+="${routes:+,}nats://127.0.0.1:$p"; done
  for p in "${ports[@]}"; do
    local args=(-a 127.0.0.1 -p "$p" -P "$dir/nats-$i.pid" -l "$dir/nats-$i.log")
    if ((${#ports[@]} > 1)); then
      args+=(--cluster_name parley --cluster "nats://127.0.0.1:${cports[$i]}" --routes "$routes")
    fi
    setsid nats-server "${args[@]}" </dev/null >/dev/null 2>&1 &
    i=$((i + 1))
  done
  for p in "${ports[@]}"; do wait_port "$p"; done
}
nats_stop() {
  local f
  for f in "$dir"/nats-*.pid; do
    [[ -f $f ]] || continue
    local pid; pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

# s3rver checks SigV4 signatures for the keys S3RVER/S3RVER (tools/s3rver/run.mjs).
s3_start() {
  [[ -d $(dirname "$s3rver_run")/node_modules/s3rver ]] && command -v node >/dev/null ||
    { echo "services: s3rver not installed in tools/s3rver (run scripts/install-deps.sh)" >&2; return 1; }
  setsid node "$s3rver_run" --dir "$dir/s3" --port "$s3_port" --bucket "$s3_bucket" \
    </dev/null >>"$dir/s3rver.log" 2>&1 &
  echo $! >"$dir/s3rver.pid"
  wait_port "$s3_port" || { cat "$dir/s3rver.log" >&2; return 1; }
}
s3_stop() {
  [[ -f $dir/s3rver.pid ]] || return 0
  local pid; pid=$(cat "$dir/s3rver.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/s3rver.pid"
}

case $cmd in
  start)
    servers=${3:-1}
    dir=$(mktemp -d /tmp/parley-services.XXXXXX)
    chmod 755 "$dir"
    [[ $(id -u) == 0 ]] && chown postgres "$dir"
    pg_port=$(free_port)
    nats_ports="" nats_cluster_ports="" nats_urls=""
    for _ in $(seq 1 "$servers"); do
      p=$(free_port); nats_ports+="${nats_ports:+ }$p"; nats_urls+="${nats_urls:+,}nats://127.0.0.1:$p"
      nats_cluster_ports+="${nats_cluster_ports:+ }$(free_port)"
    done
    as_pg "$pg_bin/initdb" -D "$dir/pg" -U parley --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    pg_start
    as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U parley parley
    nats_start
    s3_port=$(free_port) s3_bucket=parley-media
    s3_start
    cat >"$state" <<STATE
dir=$dir
pg_port=$pg_port
pg_url="host=127.0.0.1 port=$pg_port user=parley dbname=parley"
nats_ports="$nats_ports"
nats_cluster_ports="$nats_cluster_ports"
nats_urls=$nats_urls
s3_port=$s3_port
s3_url=http://127.0.0.1:$s3_port
s3_bucket=$s3_bucket
s3_access_key=S3RVER
s3_secret_key=S3RVER
STATE
    echo "services: postgres on 127.0.0.1:$pg_port, nats on $nats_urls, s3rver on 127.0.0.1:$s3_port (state in $state)"
    ;;
  stop)
    [[ -f $state ]] || exit 0
    source "$state"
    nats_stop
    s3_stop
    pg_stop immediate  # the data goes away next: skip the shutdown checkpoint
    # Removed in the background: after a test suite the directory holds a database per test
    # (gigabytes), and removing it held the suite's end for 10-15 s.
    mv "$dir" "$dir.gone" && (setsid rm -rf "$dir.gone" </dev/null >/dev/null 2>&1 &)
    rm -f "$state"
    echo "services: stopped"
    ;;
  pg-stop) source "$state"; pg_stop ;;
  pg-start) source "$state"; pg_start ;;
  nats-stop) source "$state"; nats_stop ;;
  nats-start) source "$state"; nats_start ;;
  s3-stop) source "$state"; s3_stop ;;
  s3-start) source "$state"; s3_start ;;
  *) echo "services: unknown command $cmd" >&2; exit 2 ;;
esac
