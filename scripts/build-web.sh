#!/usr/bin/env bash
# Builds the browser client: installs its npm packages (the lockfile's versions) and writes
# the production build to web/dist, which parleyd serves (server.web_root).
# `npm ci`, not `npm install`: it installs exactly the committed lockfile and never writes it
# (it fails instead if package.json and the lockfile disagree), so a build leaves git status clean.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
