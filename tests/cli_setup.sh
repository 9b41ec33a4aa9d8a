# Sourced by the CLI tests (cli_test.sh, cli_messages_test.sh, cli_people_test.sh): starts a parleyd on a free
# port in a temporary directory `dir` (killed and removed on exit), `url` names it, and
# defines the helpers. Arguments: PARLEYD PARLEY [SERVICES-STATE]; with the state file of
# scripts/services.sh the server runs on PostgreSQL (a fresh database) instead of SQLite.
# PARLEYD_EXTRA (an array, optional) holds more parleyd options.
parleyd=$1 parley=$2
dir=$(mktemp -d)
trap 'kill $(cat "$dir/pid" "$dir"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$dir"' EXIT
store=()
if [[ -n ${3:-} ]]; then
  pg_url=$(source "$3" && echo "$pg_url")  # only this: the state file also sets `dir`
  db=cli_$$_$RANDOM
  psql -q "$pg_url" -c "CREATE DATABASE $db"
  store=(--set store.kind=postgres --set "store.postgres_url=$pg_url dbname=$db")
fi
"$parleyd" --listen 127.0.0.1:0 --data-dir "$dir/data" --port-file "$dir/port" "${store[@]}" \
  ${PARLEYD_EXTRA[@]+"${PARLEYD_EXTRA[@]}"} >"$dir/log" 2>&1 &
echo $! >"$dir/pid"
# Polls wait on a deadline (bash's SECONDS), not a count: a loaded machine only makes them longer.
until_done() { local end=$((SECONDS + $1)); shift; while ((SECONDS < end)); do "$@" && return 0; sleep 0.05; done; return 1; }
eventually() { until_done 10 "$@"; }  # at most 10 s
until_done 30 test -s "$dir/port"
url="http://127.0.0.1:$(cat "$dir/port")"

code_for() { grep -o "sign-in code for $1 is [0-9]*" "$dir/log" | tail -n1 | awk '{print $NF}'; }
codes_sent() { grep -c "sign-in code for $1 is" "$dir/log" || true; }
login() {  # phone profile: answers the code prompt once the code shows up in the log
  local before; before=$(codes_sent "$1")
  rm -f "$dir/fifo"; mkfifo "$dir/fifo"
  "$parley" --server "$url" --profile "$2" login "$1" <"$dir/fifo" >"$dir/out" 2>&1 &
  local pid=$!
  exec 3>"$dir/fifo"
  code_arrived() { [[ $(codes_sent "$1") -gt $2 ]]; }
  until_done 10 code_arrived "$1" "$before"
  code_for "$1" >&3
  exec 3>&-
  wait $pid
  cat "$dir/out"
}
# run: parley's output to a file (grep -q on a pipe may SIGPIPE parley); has / lacks: a line
# of it matches or none does; fails: parley exits non-zero and says PATTERN on stderr.
run() { "$parley" "$@" >"$dir/out"; }
has() { grep -q -- "$1" "$dir/out" || { echo "no line matches: $1" && cat "$dir/out" && return 1; }; }
lacks() { ! grep -q -- "$1" "$dir/out" || { echo "a line matches: $1" && cat "$dir/out" && return 1; }; }
fails() {
  local pattern=$1; shift
  ! "$parley" "$@" 2>"$dir/err" >/dev/null || { echo "parley $* succeeded" && return 1; }
  grep -q -- "$pattern" "$dir/err" || { echo "no error matches: $pattern" && cat "$dir/err" && return 1; }
}
count() { grep -c -- "$1" "$dir/out" || true; }
