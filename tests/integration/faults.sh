#!/usr/bin/env bash
# tests/integration/faults.sh KMSCTL: deploy and governance through a JSON-RPC proxy that
# misbehaves on purpose (tests/support/rpc-proxy.mjs, its fault switched through /control):
#   - a deployment whose 4th broadcast meets garbage, truncated JSON, HTTP 500, no answer, a
#     connection reset mid-reply or a reply with another id stops with one sentence that names
#     the problem and the step (no libcurl text, no raw selector), exit 1, its journal left;
#     after the fault clears --resume ends with the manifest of an undisturbed reference run
#   - a resume on a node whose chain id changed is refused and leaves the journal as it was
#   - a nonce that jumps stops the deployment before anything is signed; run again, it gives
#     the reference manifest
#   - receipts that disappear for a while are waited out (the reference manifest); receipts
#     that never come end the wait at --wait-timeout, and --resume then gives the reference
#   - governance (model A: kms add-os-image-hash) under the same faults and a nonce that
#     jumps: one sentence, exit 1; once the fault clears the same command allows the image
# Every anvil and proxy started here is stopped on every exit path.
# shellcheck source=../support/suite.sh
. "$(dirname "$0")/../support/suite.sh" faults.sh "$@"

proxy_pid=""
proxy_stop() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
  proxy_pid=""
}
cleanup() {
  proxy_stop
  "$KMSCTL" devnet stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

printf '8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba\n' >"$tmp/dev5.key"
chmod 600 "$tmp/dev5.key"
printf '{"gatewayAppId": "gw", "osImages": ["0x%s"]}' "$(printf '44%.0s' {1..32})" >"$tmp/small.json"
# Fees pinned: every run signs the same transactions (same_manifest leaves out block numbers).
ARGS=(--model safe-timelock --safe-owners "$DEV1,$DEV2,$DEV3" --safe-threshold 2 --min-delay 1d
  --config "$tmp/small.json" --private-key-file "$tmp/dev5.key" --yes --gas-price 3gwei
  --priority-gas-price 1gwei)
RESUME=(--resume --private-key-file "$tmp/dev5.key" --yes)

devnet_restart() {
  "$KMSCTL" devnet stop >/dev/null 2>&1
  "$KMSCTL" devnet start --port 0 --json >"$tmp/devnet.json" 2>"$tmp/devnet.err" ||
    { echo "devnet start failed: $(cat "$tmp/devnet.err")"; exit 1; }
  URL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).url)' "$tmp/devnet.json")
}

# proxy_start: a fault proxy in front of the devnet; PROXY is its URL. Each proxy writes its
# port to a file of its own: a reused file could still show the last proxy's port.
proxies=0
proxy_start() {
  proxy_stop
  proxies=$((proxies + 1))
  local said="$tmp/proxy-$proxies.out"
  node "$ROOT/tests/support/rpc-proxy.mjs" --upstream "$URL" --lifetime 300 >"$said" &
  proxy_pid=$!
  for _ in $(seq 100); do grep -q port "$said" 2>/dev/null && break; sleep 0.1; done
  grep -q port "$said" || { echo "faults: the proxy did not start"; exit 1; }
  PROXY="http://127.0.0.1:$(awk '/port/ {print $2}' "$said")"
}

# fault JSON: switches the proxy's fault.
fault() {
  node -e 'fetch(process.argv[1], {method: "POST", body: process.argv[2]})
    .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$PROXY/control" "$1" ||
    bad "the proxy refused the fault $1"
}

# sentence NAME PATTERN: the last run failed (exit 1) with one error line matching PATTERN,
# worded for people.
sentence() {
  local lines
  lines=$(grep -cE -- "$2" <<<"$err")
  if [ "$rc" != 1 ]; then
    bad "$1: exit $rc, want 1 (stderr: ${err:0:2000})"
  elif [ "$lines" != 1 ]; then
    bad "$1: $lines lines match /$2/, want one: ${err:0:2000}"
  else
    ok
  fi
  plain "$1"
}

# --- the reference: an undisturbed deployment on a fresh devnet ---
devnet_restart
mkdir -p "$tmp/ref"
expect "undisturbed reference run" 0 "Deployed" deploy --rpc-url "$URL" "${ARGS[@]}" --manifest "$tmp/ref/m.json"

same_as_reference() {
  if same_manifest "$tmp/ref/m.json" "$1"; then ok; else
    bad "$2: the manifest differs from the reference: $(diff "$tmp/ref/m.json" "$1" | head -5)"
  fi
}

# broadcast_fault NAME PATTERN: a fresh devnet; the 4th eth_sendRawTransaction meets fault
# NAME; the deployment stops saying PATTERN and keeps its journal; resumed after the fault
# clears, it gives the reference manifest.
broadcast_fault() {
  local name=$1 pat=$2 d="$tmp/$1"
  mkdir -p "$d"
  devnet_restart
  proxy_start
  fault "{\"fault\": \"$name\", \"method\": \"eth_sendRawTransaction\", \"skip\": 3}"
  run deploy --rpc-url "$PROXY" "${ARGS[@]}" --timeout 1s --manifest "$d/m.json"
  sentence "deploy meets $name" "^kmsctl: .*: $pat"
  grep -q "run the same command with --resume" <<<"$err" && [ -s "$d/m.journal.json" ] && ok ||
    bad "deploy meets $name: no journal, or no word of --resume: $err"
  fault '{"fault": "none"}'
  expect "resume after $name" 0 "Deployed" deploy --rpc-url "$PROXY" "${RESUME[@]}" --manifest "$d/m.json"
  same_as_reference "$d/m.json" "resume after $name"
}

# the step is named: "<what>: <the node's URL>: <the problem>"
broadcast_fault garbage "http://127.0.0.1:[0-9]+: the reply is not JSON"
broadcast_fault truncated "the reply is not JSON \\(not valid JSON: premature end of input"
broadcast_fault http500 "the node answered HTTP 500"
broadcast_fault hang "no answer within 1000 ms \\(4 attempts\\)"
broadcast_fault reset "the connection broke before the whole reply arrived \\(4 attempts\\)"
broadcast_fault wrong-id "the reply answers another request \\(id\\)"

# --- a chain id that changes between the run and the resume ---
d="$tmp/chain-id"
mkdir -p "$d"
devnet_restart
proxy_start
fault '{"fault": "http500", "method": "eth_sendRawTransaction", "skip": 5}'
run deploy --rpc-url "$PROXY" "${ARGS[@]}" --manifest "$d/m.json"
cp "$d/m.journal.json" "$d/before.json"
fault '{"fault": "chain-id", "value": "0x1"}'
run deploy --rpc-url "$PROXY" "${RESUME[@]}" --manifest "$d/m.json"
sentence "resume on another chain id" "^kmsctl: the journal is for chain 31337, but the node is on chain 1"
cmp -s "$d/before.json" "$d/m.journal.json" && ok || bad "a refused resume changed the journal"
fault '{"fault": "none"}'
expect "resume once the chain id is back" 0 "Deployed" deploy --rpc-url "$PROXY" "${RESUME[@]}" --manifest "$d/m.json"
same_as_reference "$d/m.json" "resume once the chain id is back"

# --- a nonce that jumps: nothing is signed from it ---
d="$tmp/nonce"
mkdir -p "$d"
devnet_restart
proxy_start
fault '{"fault": "nonce-jump", "value": 5, "count": 1}'
run deploy --rpc-url "$PROXY" "${ARGS[@]}" --manifest "$d/m.json"
sentence "deploy on a nonce that jumps" "^kmsctl: the node gives the deployer 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc two next nonces: 5 with its pending transactions, 0 at the latest block"
[ ! -e "$d/m.journal.json" ] && ok || bad "a deployment stopped before signing left a journal"
expect "deploy again once the nonce is right" 0 "Deployed" deploy --rpc-url "$PROXY" "${ARGS[@]}" --manifest "$d/m.json"
same_as_reference "$d/m.json" "deploy again once the nonce is right"

# --- receipts that disappear for a while are waited out ---
d="$tmp/receipts"
mkdir -p "$d"
devnet_restart
proxy_start
fault '{"fault": "receipt-null", "after": "eth_sendRawTransaction", "count": 20}'
expect "deploy while receipts disappear" 0 "Deployed" deploy --rpc-url "$PROXY" "${ARGS[@]}" --manifest "$d/m.json"
grep -q "not mined yet" <<<"$err" && ok || bad "the wait for a missing receipt was not shown: $err"
same_as_reference "$d/m.json" "deploy while receipts disappear"

# --- receipts that never come: --wait-timeout ends the wait, --resume the deployment ---
d="$tmp/receipts-gone"
mkdir -p "$d"
devnet_restart
proxy_start
fault '{"fault": "receipt-null", "after": "eth_sendRawTransaction", "count": 1000000}'
t0=$(date +%s%N)
run deploy --rpc-url "$PROXY" "${ARGS[@]}" --wait-timeout 2s --manifest "$d/m.json"
t=$((($(date +%s%N) - t0) / 1000000))
sentence "deploy whose receipts never come" "^kmsctl: .* is not mined after 2000 ms"
[ "$t" -lt 15000 ] && ok || bad "--wait-timeout 2s: the deployment stopped after $t ms"
grep -q "run the same command with --resume" <<<"$err" && [ -s "$d/m.journal.json" ] && ok ||
  bad "a deployment that stopped waiting left no journal, or no word of --resume: $err"
fault '{"fault": "none"}'
expect "resume once receipts come" 0 "Deployed" deploy --rpc-url "$PROXY" "${RESUME[@]}" --manifest "$d/m.json"
same_as_reference "$d/m.json" "resume once receipts come"

# --- governance, model A: the owner's key sends at once ---
expect "model direct for governance" 0 "Deployed" deploy --rpc-url "$URL" --model direct \
  --private-key-file "$tmp/dev5.key" --yes --manifest "$tmp/a.json"
KMS=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).contracts.dstackKms.address)' "$tmp/a.json")
image=1
# govern_fault NAME PATTERN [FAULT_JSON]: add-os-image-hash meets the fault; after it clears the
# same command gets the image allowed (sent again, or found allowed: the first one got through).
govern_fault() {
  local h
  h=0x$(printf '%064x' "$image")
  image=$((image + 1))
  fault "${3:-{\"fault\": \"$1\", \"method\": \"eth_sendRawTransaction\"\}}"
  run kms add-os-image-hash "$h" --rpc-url "$PROXY" --private-key-file "$tmp/dev5.key" --yes \
    --timeout 1s --manifest "$tmp/a.json"
  sentence "add-os-image-hash meets $1" "$2"
  fault '{"fault": "none"}'
  run kms add-os-image-hash "$h" --rpc-url "$PROXY" --private-key-file "$tmp/dev5.key" --yes \
    --manifest "$tmp/a.json"
  [ "$rc" = 0 ] && [ "$("$CAST" call --rpc-url "$URL" "$KMS" "allowedOsImages(bytes32)(bool)" "$h")" = true ] &&
    ok || bad "add-os-image-hash after $1: exit $rc, the image is not allowed: $err"
}
govern_fault garbage "the reply is not JSON"
govern_fault http500 "the node answered HTTP 500"
govern_fault hang "no answer within 1000 ms"
govern_fault reset "the connection broke before the whole reply arrived"
govern_fault wrong-id "the reply answers another request"
govern_fault nonce-jump "has nonce [0-9]+, but the node counts [0-9]+ transactions .* will not be mined" \
  '{"fault": "nonce-jump", "value": 3, "count": 1}'

summary faults
