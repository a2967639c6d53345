#!/usr/bin/env bash
# Builds the contracts and runs their forge tests with the pinned toolchain (real forge binary,
# solcjs through tools/solc, offline), then checks the committed gas snapshot.
#
#   scripts/forge-test.sh                    build, test, snapshot --check
#   scripts/forge-test.sh --update-snapshot  build, test, rewrite .gas-snapshot
#   FORGE_ARGS="--match-contract DstackKms" scripts/forge-test.sh   extra `forge test` arguments
#
# Exits non-zero when the build fails, any test fails, or gas differs from .gas-snapshot.
# The invariant suite is left out of the snapshot (its numbers are call counts, not gas).
set -euo pipefail
cd "$(dirname "$0")/.."   # contracts/

FORGE="${FORGE:-../node_modules/@foundry-rs/forge-linux-amd64/bin/forge}"
if [ ! -x "$FORGE" ]; then
  echo "forge-test: $FORGE not found; run scripts/setup.sh at the repository root" >&2
  exit 1
fi
update=0
case "${1:-}" in
  --update-snapshot) update=1 ;;
  "") ;;
  *) echo "usage: $0 [--update-snapshot]" >&2; exit 2 ;;
esac

SNAPSHOT_FILTER=(--no-match-contract PolicyInvariantTest)
log="$(mktemp "${TMPDIR:-/tmp}/forge-test.XXXXXX")"
trap 'rm -f "$log"' EXIT

start=$(date +%s)
echo "forge-test: build"
"$FORGE" build

echo "forge-test: test"
set +e
# shellcheck disable=SC2086
"$FORGE" test ${FORGE_ARGS:-} 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
summary="$(grep -E '^Ran [0-9]+ test suites? ' "$log" | tail -1 || true)"
passed="$(sed -nE 's/.*: ([0-9]+) tests passed, ([0-9]+) failed.*/\1/p' <<<"$summary")"
failed="$(sed -nE 's/.*: ([0-9]+) tests passed, ([0-9]+) failed.*/\2/p' <<<"$summary")"
if [ "$rc" -ne 0 ] || [ -z "$passed" ]; then
  echo "forge-test: forge test failed (exit $rc)" >&2
  echo "forge: ${passed:-0} passed, ${failed:-1} failed"
  exit 1
fi

if [ "$update" = 1 ]; then
  echo "forge-test: writing .gas-snapshot"
  "$FORGE" snapshot "${SNAPSHOT_FILTER[@]}" > /dev/null
else
  echo "forge-test: snapshot --check"
  if ! "$FORGE" snapshot --check "${SNAPSHOT_FILTER[@]}" > "$log" 2>&1; then
    grep -vE '^\[PASS\]' "$log" | tail -40 >&2
    echo "forge-test: gas differs from .gas-snapshot (if intended: $0 --update-snapshot)" >&2
    echo "forge: $passed passed, 1 failed"
    exit 1
  fi
fi
echo "forge-test: ok in $(( $(date +%s) - start ))s"
echo "forge: $passed passed, $failed failed"
