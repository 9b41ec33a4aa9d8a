#!/usr/bin/env bash
# Builds the browser client: installs its npm packages (exactly the lockfile's) and writes
# the production build to web/dist, which parleyd serves (server.web_root).
set -euo pipefail
cd "$(dirname "$0")/../web"
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
