#!/usr/bin/env bash
# Coverage-guided fuzzing (docs/fuzzing.md): builds the libFuzzer targets of tests/fuzz/ with
# clang++ in a build directory of their own and runs each for a while.
#
#   scripts/fuzz.sh [--time SECONDS] [--build-dir DIR] [--build-only | --no-build] [TARGET...] [-- FLAG...]
#
# TARGETs: fuzz_client_frames, fuzz_http_bodies, fuzz_config, fuzz_phone (default: all, one
# after the other). Each runs SECONDS (default 60) from the saved crashes
# (tests/fuzz/crashes/TARGET, which must all pass), the committed seeds
# (tests/fuzz/corpus/TARGET) and what earlier runs found (DIR/corpus/TARGET, where new inputs
# go: the source tree is only read). A crash or broken invariant stops the target, its input
# is saved in DIR/artifacts/TARGET/, and the script exits 1. FLAGs go to libFuzzer (-jobs=2,
# -max_len=N, ...). DIR defaults to build-fuzz/. CXX names the compiler (default clang++);
# PARLEY_BUILD_LOCK=FILE holds flock on FILE while building, on a machine shared with other builds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
all_targets=(fuzz_client_frames fuzz_http_bodies fuzz_config fuzz_phone)

seconds=60 dir=$root/build-fuzz build=1 run=1 targets=() flags=()
while (($#)); do
  case $1 in
    --time) seconds=$2; shift 2 ;;
    --build-dir) dir=$2; shift 2 ;;
    --build-only) run=0; shift ;;
    --no-build) build=0; shift ;;
    --) shift; flags=("$@"); break ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    fuzz_*) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (--help)" >&2; exit 2 ;;
  esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if ((build)); then
  cxx=${CXX:-clang++}
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DPARLEY_FUZZ=ON -DPARLEY_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" >"$dir/configure.log" \
    || { cat "$dir/configure.log"; exit 1; }
  lock=()
  [[ -n ${PARLEY_BUILD_LOCK:-} ]] && lock=(flock "$PARLEY_BUILD_LOCK")
  "${lock[@]}" cmake --build "$dir" --target fuzz
fi
((run)) || exit 0

failed=()
for t in "${targets[@]}"; do
  bin=$dir/tests/fuzz/$t
  [[ -x $bin ]] || { echo "fuzz.sh: $bin is not built (run without --no-build)" >&2; exit 2; }
  mkdir -p "$dir/corpus/$t" "$dir/artifacts/$t"
  corpora=("$dir/corpus/$t" "$root/tests/fuzz/corpus/$t")
  [[ -d $root/tests/fuzz/crashes/$t ]] && corpora+=("$root/tests/fuzz/crashes/$t")
  log=$dir/artifacts/$t.log
  echo "== $t: ${seconds}s (log: $log)"
  set +e
  (cd "$dir/artifacts/$t" && "$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/$t/" "${flags[@]}" "${corpora[@]}") >"$log" 2>&1
  rc=$?
  set -e
  final() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -1 || true)
  if ((rc == 0)); then
    echo "$t: $(final number_of_executed_units) runs, $(final average_exec_per_sec)/s, ${cov:-cov: ?}," \
      "$(final new_units_added) new inputs (corpus: $dir/corpus/$t), no crash"
  else
    failed+=("$t")
    echo "$t: FAILED (libFuzzer exit $rc). What it found:"
    # From the first report line (sanitizer, broken invariant, timeout, leak) to the end.
    awk '/invariant broken|runtime error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|ALARM|Assertion/ {p=1} p' "$log" | head -60
    sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | while read -r input; do
      echo "reproduce: $bin $input"
    done
  fi
done
if ((${#failed[@]})); then
  echo "fuzz.sh: found something in: ${failed[*]} (docs/fuzzing.md: what to do with a crash)"
  exit 1
fi
