#!/usr/bin/env bash
# The dependency rule of docs/architecture.md, checked on the includes: each module under
# src/ may include only the modules below it, and only app names a concrete adapter.
# Prints every include that breaks the rule and exits 1 if there is one. Run by ctest
# (architecture_dependency_rule_holds).
set -euo pipefail
cd "$(dirname "$0")/../src"

# module -> the modules its files may include ("self" is always allowed).
declare -A allowed=(
  [core]=""
  [model]="core"
  [proto]="core model"
  [store]="core model"
  [store/sqlite]="core model store"
  [store/postgres]="core model store"
  [bus]="core model"
  [media]="core model store"
  [media/fs]="core model media"
  [media/s3]="core model media"
  [auth]="core model store bus"
  [chat]="core model proto store bus"
  [presence]="core model proto store bus"
  [people]="core model proto store bus"
  [push]="core model store"
  [push/providers]="core model push"
  [net]="core model proto auth chat presence people push bus media"
  [app]="core model proto store store/sqlite store/postgres bus media media/fs media/s3 auth chat presence people push push/providers net"
)
# The adapters: only app (and the adapter itself) may include these.
adapters='^(store/sqlite/|store/postgres/|media/fs/|media/s3/|push/providers/|bus/nats_bus\.h|bus/local_bus\.h|net/webhook_code_sender\.h)'

module_of() {  # src-relative path -> its module
  case $1 in
    store/sqlite/*) echo store/sqlite ;;
    store/postgres/*) echo store/postgres ;;
    media/fs/*) echo media/fs ;;
    media/s3/*) echo media/s3 ;;
    push/providers/*) echo push/providers ;;
    *) echo "${1%%/*}" ;;
  esac
}

bad=0
while IFS= read -r file; do
  from=$(module_of "$file")
  [[ -n ${allowed[$from]+set} ]] || { echo "$file: module '$from' is not in scripts/check-deps.sh"; bad=1; continue; }
  while IFS= read -r inc; do
    to=$(module_of "$inc")
    [[ $to == "$from" ]] && continue
    if [[ " ${allowed[$from]} " != *" $to "* ]]; then
      echo "$file: includes $inc ($from may not use $to)"
      bad=1
    elif [[ $from != app && $inc =~ $adapters ]]; then
      echo "$file: includes $inc (only app names a concrete adapter)"
      bad=1
    fi
  done < <(sed -n 's/^#include "\([a-z_]*\/[^"]*\)".*/\1/p' "$file")
done < <(find . -name '*.h' -o -name '*.cc' | sed 's|^\./||' | sort)
if ((bad)); then
  echo "dependency rule broken (docs/architecture.md)"
  exit 1
fi
echo "dependency rule holds: $(find . -name '*.h' -o -name '*.cc' | wc -l) files"
