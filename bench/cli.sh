#!/usr/bin/env bash
# Whole-process time of kmsctl against the pinned cast on the same inputs: median of N runs each,
# interleaved so machine noise hits both alike; prints medians and the cast/kmsctl ratio. The last
# row times /bin/true against itself: the cost of starting any process here.
# Usage: bench/cli.sh PATH/TO/kmsctl [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
KMSCTL=${1:?usage: bench/cli.sh PATH/TO/kmsctl [RUNS]}
RUNS=${2:-101}
CAST="$root/node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
[ -x "$CAST" ] || { echo "bench: cast missing: run scripts/setup.sh" >&2; exit 1; }

SIG='f(address,uint256[],(bytes32,string)[],bytes)'
ARGS=(0x5FbDB2315678afecb367f032d93F642f64180aa3 "[1,2,340282366920938463463374607431768211455]"
      "[(0x0101010101010101010101010101010101010101010101010101010101010101,hello),(0x0202020202020202020202020202020202020202020202020202020202020202,world)]" 0xdeadbeef)
DATA=0x$(head -c 4096 /dev/zero | tr '\0' '\252' | od -An -v -tx1 | tr -d ' \n')

# Prints the median wall time in microseconds of RUNS runs of each of two commands, interleaved.
measure() {
  local label=$1; shift
  local -a a b; local i t0 t1 t2
  local split=0; for x in "$@"; do [ "$x" = "--vs" ] && break; split=$((split + 1)); done
  local -a cmd1=("${@:1:$split}") cmd2=("${@:$((split + 2))}")
  "${cmd1[@]}" >/dev/null; "${cmd2[@]}" >/dev/null   # warm the page cache
  for ((i = 0; i < RUNS; i++)); do
    t0=${EPOCHREALTIME/./}; "${cmd1[@]}" >/dev/null; t1=${EPOCHREALTIME/./}
    "${cmd2[@]}" >/dev/null; t2=${EPOCHREALTIME/./}
    a+=($((10#$t1 - 10#$t0))); b+=($((10#$t2 - 10#$t1)))
  done
  local ma mb
  ma=$(printf '%s\n' "${a[@]}" | sort -n | sed -n "$((RUNS / 2 + 1))p")
  mb=$(printf '%s\n' "${b[@]}" | sort -n | sed -n "$((RUNS / 2 + 1))p")
  local na nb; na=$(basename "${cmd1[0]}"); nb=$(basename "${cmd2[0]}")
  printf '%-12s %-6s %6d us   %-6s %6d us   %s/%s %5.1fx\n' "$label" "$na" "$ma" "$nb" "$mb" "$nb" "$na" \
    "$(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.1f", b / a }')"
}

[ "$("$KMSCTL" calldata "$SIG" "${ARGS[@]}")" = "$("$CAST" calldata "$SIG" "${ARGS[@]}")" ] ||
  { echo "bench: kmsctl and cast disagree on the calldata input" >&2; exit 1; }
echo "bench: median of $RUNS whole-process runs each (interleaved)"
measure calldata "$KMSCTL" calldata "$SIG" "${ARGS[@]}" --vs "$CAST" calldata "$SIG" "${ARGS[@]}"
measure keccak "$KMSCTL" keccak "$DATA" --vs "$CAST" keccak "$DATA"
measure spawn-floor /bin/true --vs /bin/true
