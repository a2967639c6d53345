#!/usr/bin/env bash
# bench/deploy.sh [KMSCTL]: a Model C deployment with the hand-over (a new 2-of-3 Safe, a 1-day
# timelock, a small --config) by `kmsctl deploy`, against the same transactions sent the seed's
# way: one `cast send` at a time, each waiting for its receipt. Both on the same devnet, once
# with a block per transaction and once with `--block-time 2`. Prints wall time and blocks used
# for each, and the ratios.
#
# The seed's way here gets the exact calldata and init code of kmsctl's plan (from
# `deploy --dry-run --json`) and sends creations with `cast send --create`: it skips the
# compilation `forge create` would add, so the comparison favours it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KMSCTL=$(cd "$(dirname "${1:-$ROOT/build/kmsctl}")" && pwd)/$(basename "${1:-kmsctl}")
CAST=$ROOT/node_modules/@foundry-rs/cast-linux-amd64/bin/cast
tmp=$(mktemp -d)
export KMSCTL_DEVNET_DIR="$tmp/devnet" KMSCTL_ANVIL="$ROOT/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
trap '"$KMSCTL" devnet stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
cd "$tmp"

OWNERS=0x70997970C51812dc3A010C7d01b50e0d17dc79C8,0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,0x90F79bf6EB2c4f870365E785982E1f101E93b906
# anvil's public dev keys 5 and 6: one deployer each way, both at nonce 0.
KEY5=0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba
KEY6=0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e
printf '%s\n' "${KEY5#0x}" >key5
chmod 600 key5
printf '{"gatewayAppId": "bench", "osImages": ["0x%s"]}' "$(printf '55%.0s' {1..32})" >config.json
ARGS=(--model safe-timelock --safe-owners "$OWNERS" --safe-threshold 2 --min-delay 1d --config config.json)

now() { date +%s.%N; }
block() { "$CAST" block-number --rpc-url "$URL"; }

# The seed's way: every step of the plan (from the dry run), one cast send at a time.
seed_way() {
  "$KMSCTL" deploy --devnet --dev-account 6 "${ARGS[@]}" --dry-run --json --manifest seed.json \
    2>/dev/null >plan.json
  node -e 'for (const s of JSON.parse(require("fs").readFileSync("plan.json")).steps)
             console.log(s.create ? "create" : s.to, s.data, s.gas)' >steps.txt
  while read -r to data gas; do
    if [ "$to" = create ]; then
      "$CAST" send --rpc-url "$URL" --private-key "$KEY6" --gas-limit "$gas" --create "$data" >/dev/null
    else
      "$CAST" send --rpc-url "$URL" --private-key "$KEY6" --gas-limit "$gas" "$to" "$data" >/dev/null
    fi
  done <steps.txt
}

# measure NAME CMD...: prints seconds and blocks of one run.
measure() {
  local b0 t0 t1 b1
  b0=$(block)
  t0=$(now)
  "$@"
  t1=$(now)
  b1=$(block)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}') $((b1 - b0))"
}

ours() { "$KMSCTL" deploy --devnet --private-key-file key5 "${ARGS[@]}" --manifest ours.json >/dev/null 2>&1; }

printf '%-24s %12s %8s %12s %8s %10s %10s\n' mining "kmsctl s" blocks "seed way s" blocks "time x" "blocks x"
for bt in 0 2; do
  "$KMSCTL" devnet start --port 0 --block-time "$bt" >/dev/null 2>&1
  URL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).url)' "$KMSCTL_DEVNET_DIR/state.json")
  read -r ks kb < <(measure ours)
  read -r ss sb < <(measure seed_way)
  "$KMSCTL" devnet stop >/dev/null 2>&1
  rm -f ours.json ours.journal.json
  label=$([ "$bt" = 0 ] && echo "a block per transaction" || echo "a block every ${bt} s")
  awk -v l="$label" -v ks="$ks" -v kb="$kb" -v ss="$ss" -v sb="$sb" 'BEGIN {
    printf "%-24s %12.2f %8d %12.2f %8d %10.1f %10.1f\n", l, ks, kb, ss, sb, ss / ks, sb / (kb ? kb : 1) }'
done
