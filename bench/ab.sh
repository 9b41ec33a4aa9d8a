#!/usr/bin/env bash
# A/B of two parleyd builds in one sitting, alternating, with one parley-bench: 1:1 flat
# out, 1:1 at 5,000 msg/s and the offline drain, ROUNDS times each. One JSON line per run:
# {"side":"old"|"new","round":N,"result":<the bench's own line>}.
# Usage: bench/ab.sh OLD_PARLEYD NEW_PARLEYD [ROUNDS] > results.jsonl   (nothing else running)
set -euo pipefail
old=$1 new=$2 rounds=${3:-2}
bench=${PARLEY_BENCH:-build/tools/parley-bench}
for round in $(seq 1 "$rounds"); do
  for side in old new; do
    bin=$new; [[ $side == old ]] && bin=$old
    for args in "one-to-one --pairs 100 --duration 10" "one-to-one --pairs 100 --duration 10 --rate 5000" "offline"; do
      # shellcheck disable=SC2086
      line=$("$bench" --spawn "$bin" $args 2>/dev/null | tail -1)
      echo "{\"side\":\"$side\",\"round\":$round,\"result\":$line}"
    done
  done
done
