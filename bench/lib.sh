# Shared by bench/run.sh, bench/cluster.sh and bench/presence.sh, sourced from the repository root with the
# build directory as $1. Sets bench, parleyd, commit and out_base (bench/results/<date>-<commit>);
# `run LABEL ARGS...` runs parley-bench against a spawned parleyd and appends
# {"label","commit","args","result"} to $out.jsonl (the caller sets out).
build=${1:-build}
bench=$build/tools/parley-bench
parleyd=$build/parleyd
commit=$(git rev-parse --short HEAD)
out_base=bench/results/$(date -u +%Y-%m-%d)-$commit
run() {
  local label=$1; shift
  echo "== $label: parley-bench $*" >&2
  local line
  line=$("$bench" --spawn "$parleyd" "$@" | tail -n1)
  echo "{\"label\":\"$label\",\"commit\":\"$commit\",\"args\":\"$*\",\"result\":$line}" >>"$out.jsonl"
}

# Starts PostgreSQL and NATS for the run (scripts/services.sh), stops them on exit, and
# sources their state: pg_url, nats_urls.
start_services() {
  state=$(mktemp /tmp/parley-bench-services.XXXXXX)
  bash scripts/services.sh start "$state" >&2
  trap 'bash scripts/services.sh stop "$state" >&2' EXIT
  source "$state"
}
