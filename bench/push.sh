#!/usr/bin/env bash
# Push figures of issue 18, in one sitting; records bench/results/<date>-<commit>-push.jsonl.
# - push-jobs: 200 offline recipients with webhook targets, 20,000 messages flat out,
#   push.collapse_ms 0, with 1, 4 and 8 push workers, and the same messages with no target
#   (the message path's own CPU), ROUNDS_JOBS times; then 4 workers at 1,000 msg/s (the
#   delay when the workers keep up), and 2,000 recipients with 1, 4 and 8 workers (enough due
#   jobs that the workers never wait for work: their capacity).
# - one-to-one at 5,000 msg/s for 60 s (the p99 figure of bench/results/README.md): no push
#   targets, every receiver with a webhook target at a healthy sink, at a stalled one;
#   alternating, ROUNDS times; then healthy and stalled again with push.collapse_ms 0.
# - a slow gateway (answers in 1 s) with a short lease: who gets notified at all.
# Usage: bench/push.sh [build-dir] [ROUNDS] [ROUNDS_JOBS]   (needs an idle machine)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rounds=${2:-2}
rounds_jobs=${3:-3}
out=$out_base-push
: >"$out.jsonl"
for round in $(seq 1 "$rounds_jobs"); do
  run "push-jobs-no-targets-r$round" push-jobs --messages 20000 --no-targets
  for w in 1 4 8; do
    run "push-jobs-$w-workers-r$round" push-jobs --messages 20000 --workers "$w"
  done
done
run push-jobs-4-workers-rate-1000 push-jobs --messages 20000 --workers 4 --rate 1000
for round in $(seq 1 "$rounds"); do
  for w in 1 4 8; do
    run "push-jobs-2000-recipients-$w-workers-r$round" push-jobs --recipients 2000 --messages 40000 --workers "$w"
  done
done
one=(one-to-one --pairs 100 --rate 5000 --duration 60)
for round in $(seq 1 "$rounds"); do
  run "one-to-one-5k-no-push-r$round" "${one[@]}"
  run "one-to-one-5k-push-healthy-r$round" "${one[@]}" --push healthy
  run "one-to-one-5k-push-stalled-r$round" "${one[@]}" --push stalled
done
run one-to-one-5k-collapse-0-push-healthy --server-set push.collapse_ms=0 "${one[@]}" --push healthy
run one-to-one-5k-collapse-0-push-stalled --server-set push.collapse_ms=0 "${one[@]}" --push stalled
run slow-gateway-1s-lease-5s --server-set push.timeout_ms=3000 --server-set push.lease_s=5 \
  one-to-one --pairs 50 --rate 500 --duration 60 --push healthy --push-answer-ms 1000
echo "wrote $out.jsonl" >&2
