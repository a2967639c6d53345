#!/usr/bin/env bash
# Differential tests: runs every tests/diff/diff_*.sh part against the pinned cast and sums up.
# Each part gets KMSCTL and CAST in its environment and prints one line "part: N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export KMSCTL=$(cd "$(dirname "${1:?usage: run.sh PATH/TO/kmsctl}")" && pwd)/$(basename "$1")
export CAST="$root/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
[ -x "$CAST" ] || { echo "diff: cast not found at $CAST (run scripts/setup.sh)" >&2; exit 1; }

total_pass=0; total_fail=0; broken=0
for part in "$here"/diff_*.sh; do
  [ -e "$part" ] || continue
  out=$(bash "$part" 2>&1); rc=$?
  summary=$(printf '%s\n' "$out" | grep -E '^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  if [ -z "$summary" ]; then
    printf '%s\n' "$out" | tail -n 20; echo "diff: $(basename "$part") printed no summary (rc $rc)"; broken=1; continue
  fi
  [ "$rc" = 0 ] || printf '%s\n' "$out" | grep -v -E '^[a-z0-9_-]+: [0-9]+ passed' | tail -n 40
  echo "$summary"
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$summary"); f=$(sed -E 's/.*, ([0-9]+) failed/\1/' <<<"$summary")
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  [ "$rc" = 0 ] || [ "$f" != 0 ] || broken=1
done
echo "diff: $total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ] && [ "$broken" = 0 ] && [ "$total_pass" -gt 0 ]
