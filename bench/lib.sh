# Shared by bench/run.sh and bench/cluster.sh: `run LABEL ARGS...` runs parley-bench against
# a spawned parleyd and appends {"label","commit","args","result"} to $out.jsonl.
# Needs $bench, $parleyd, $commit and $out set by the caller.
run() {
  local label=$1; shift
  echo "== $label: parley-bench $*" >&2
  local line
  line=$("$bench" --spawn "$parleyd" "$@" | tail -n1)
  echo "{\"label\":\"$label\",\"commit\":\"$commit\",\"args\":\"$*\",\"result\":$line}" >>"$out.jsonl"
}
