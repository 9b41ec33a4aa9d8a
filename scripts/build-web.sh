#!/usr/bin/env bash
# Builds the browser client: installs its npm packages (the lockfile's versions) and writes
# the production build to web/dist, which parleyd serves (server.web_root).
# `npm install`, not `npm ci`: the lockfile this registry produces lacks rollup's packages
# for other platforms, which `npm ci` refuses as "out of sync"; `npm install` with the lock
# installs exactly its versions and leaves it unchanged.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm install --no-audit --no-fund --loglevel=error
fi
npm run --silent build
