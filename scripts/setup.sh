#!/usr/bin/env bash
# Installs everything kmsctl needs on Debian 12: C libraries, build tools, and the pinned npm
# toolchain (anvil, cast, forge, solcjs, OpenZeppelin, Safe). Idempotent: a second run that
# finds everything present does nothing but check. --bench also installs what the benchmarks
# use and the tests do not (wrk, for bench/serve.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake clang pkg-config
  libsecp256k1-dev libssl-dev libcurl4-openssl-dev libjansson-dev libmicrohttpd-dev libcmocka-dev
  libsodium-dev
  libclang-rt-14-dev valgrind
)
if [ "${1:-}" = "--bench" ]; then
  APT_PACKAGES+=(wrk)
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages: exactly what package-lock.json pins.
stamp=node_modules/.kmsctl-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

for t in anvil cast forge; do
  bin="node_modules/@foundry-rs/$t-linux-amd64/bin/$t"
  [ -x "$bin" ] || { echo "setup: $bin is missing after npm ci" >&2; exit 1; }
done
echo "setup: ok"
