#!/usr/bin/env bash
# Installs everything parley needs to build, run and test, from Debian 12 packages only.
# Idempotent: safe to run again. Must run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-thread1.81-dev
  libsqlite3-dev
  libjemalloc-dev
  libssl-dev
  libspdlog-dev libfmt-dev
  libtomlplusplus-dev
  libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev  # libFuzzer: the fuzz_* tests (docs/fuzzing.md)
  procps
  libpq-dev postgresql nats-server libnats-dev
  libvips-dev  # media: images resized, turned upright, metadata stripped (docs/media.md)
  libmagic-dev  # media: an upload's type from its bytes
  libcurl4-openssl-dev  # push notifications: HTTP/2 for APNs (libcurl with nghttp2)
  # media: a video's duration and poster frame, a voice note's waveform (FFmpeg)
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libswresample-dev
  chromium fonts-dejavu-core
  fonts-noto-color-emoji  # colour emoji in the browser client's e2e tests (and its screenshots)
)
# The browser client builds with Node.js and npm (web/). A machine that already has a
# Node.js (20 here) keeps it; otherwise Debian's nodejs 18 and npm are installed.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# s3rver (npm), the S3-compatible server the S3 media store's tests run against
# (tools/s3rver): `npm ci` installs the committed lockfile's versions, and only when
# node_modules is missing or older than the lockfile (as scripts/build-web.sh does for web/).
npm_s3rver() {
  local d
  d="$(dirname "$0")/../tools/s3rver"
  if [[ ! -d $d/node_modules ]] || [[ $d/package-lock.json -nt $d/node_modules/.package-lock.json ]]; then
    (cd "$d" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

missing=()
for p in "${packages[@]}" libphonenumber-dev; do installed "$p" || missing+=("$p"); done
if ((${#missing[@]} == 0)); then
  npm_s3rver
  echo "install-deps: all packages present"
  exit 0
fi

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"

# Debian 12's libphonenumber-dev depends on the unversioned libboost-thread-dev, which
# points at Boost 1.74 and conflicts with the Boost 1.81 we build against. A local
# meta package of that name that depends on libboost-thread1.81-dev (what boost-defaults
# does in later releases) lets apt install libphonenumber-dev with a consistent state.
if ! installed libboost-thread-dev; then
  meta=$(mktemp -d)
  mkdir -p "$meta/DEBIAN"
  cat >"$meta/DEBIAN/control" <<CONTROL
Package: libboost-thread-dev
Version: 1.81.0.1+parley
Architecture: all
Maintainer: parley <root@localhost>
Depends: libboost-thread1.81-dev
Description: Boost.Thread default development files (points at Boost 1.81 for parley)
CONTROL
  dpkg-deb --build "$meta" "$meta/libboost-thread-dev.deb" >/dev/null
  dpkg -i "$meta/libboost-thread-dev.deb"
  rm -rf "$meta"
fi
apt-get install -y -qq --no-install-recommends libphonenumber-dev
npm_s3rver
echo "install-deps: done"
