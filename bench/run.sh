#!/usr/bin/env bash
# Runs the reference scenarios of issue 3 against a spawned parleyd and records them in
# bench/results/<date>-<commit>.json (one JSON object per line) and a Markdown table.
# Usage: bench/run.sh [build-dir]     (needs an idle machine: numbers are per this box)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
out=$out_base
: >"$out.jsonl"
run one-to-one-100-flat one-to-one --pairs 100 --duration 10
run one-to-one-1000-flat one-to-one --pairs 1000 --duration 10
run one-to-one-100-flat-library-client one-to-one --pairs 100 --duration 10 --library-client
run one-to-one-100-flat-no-receipts --no-receipts one-to-one --pairs 100 --duration 10
run one-to-one-100-at-20k one-to-one --pairs 100 --rate 20000 --duration 10
run one-to-one-100-at-5k one-to-one --pairs 100 --rate 5000 --duration 10
run offline-20000 offline --count 20000
run connections-10000 connections --conns 10000 --hold 5
run connections-18000 connections --conns 18000 --hold 5   # this box: 20,000 open files per process
run crash-20-pairs crash --pairs 20 --duration 6
echo "wrote $out.jsonl" >&2
