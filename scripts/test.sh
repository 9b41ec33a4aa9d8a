#!/usr/bin/env bash
# Installs dependencies, builds everything (tests and the browser client included) and runs
# the whole suite.
# PARLEY_SANITIZE=1 builds with ASan+UBSan in build-asan/ instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if [[ ${PARLEY_SANITIZE:-0} == 1 ]]; then
  dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARLEY_SANITIZE=ON)
else
  dir=build; flags=(-DCMAKE_BUILD_TYPE=Release)
fi
export CCACHE_DIR=${CCACHE_DIR:-$PWD/.cache/ccache}
bash scripts/build-web.sh          # the browser client, for the web_* tests
cmake -S . -B "$dir" -G Ninja "${flags[@]}"
cmake --build "$dir"
cd "$dir"
ctest --output-on-failure -j2 --timeout 300
