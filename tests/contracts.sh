#!/usr/bin/env bash
# Contract checks for `make test`: artifacts are fresh, ABI and storage match the reference,
# the forge suite and gas snapshot pass, and gas stays at or below the reference figures.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=0; passed=0
step() {
  local name=$1; shift
  echo "== contracts: $name"
  if "$@"; then passed=$((passed + 1)); else echo "contracts: $name FAILED"; failed=$((failed + 1)); fi
}
step "artifacts are fresh" bash contracts/scripts/check-artifacts.sh
step "ABI and storage match the reference" node contracts/scripts/compat.mjs
step "forge tests and gas snapshot" bash contracts/scripts/forge-test.sh
step "gas at or below the reference" bash contracts/scripts/gas.sh
echo "contracts: $passed passed, $failed failed"
[ "$failed" = 0 ]
