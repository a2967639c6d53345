#!/usr/bin/env bash
# Rebuilds the contracts into a temporary directory and fails if the committed contracts/artifacts differ.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$tmp.diff"' EXIT
node contracts/scripts/build.mjs --out "$tmp" >/dev/null
if ! diff -r -q contracts/artifacts "$tmp" >"$tmp.diff" 2>&1; then
  sed "s#$tmp#<rebuild>#g" "$tmp.diff" >&2
  echo "check-artifacts: FAIL: contracts/artifacts is not what the sources build to;" \
       "run 'node contracts/scripts/build.mjs' and commit the result" >&2
  exit 1
fi
echo "check-artifacts: ok ($(ls contracts/artifacts | wc -l) files byte-identical to a fresh build)"
