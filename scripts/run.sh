#!/usr/bin/env bash
# Installs dependencies, builds parleyd in Release and the browser client, and starts parleyd
# on 127.0.0.1:8080 with its embedded store in ./parley-data, serving the client at /.
# Extra arguments go to parleyd.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target parleyd parley parley-bench
bash scripts/build-web.sh
exec ./build/parleyd --listen 127.0.0.1:8080 --data-dir ./parley-data --set server.web_root="$PWD/web/dist" "$@"
