#!/usr/bin/env bash
# tests/integration/deploy.sh KMSCTL: kmsctl deploy and verify against a real devnet (anvil on a
# free loopback port, Safe v1.4.1 at its canonical addresses):
#   - each model (direct, timelock, safe-timelock with --config) deploys and verifies
#   - a delayed hand-over fails verify until time travel and --resume, then passes
#   - verify names the check when the deployment is altered afterwards (an extra proposer, a
#     new owner, an upgrade to other code)
#   - bad input stops with one sentence and sends nothing
#   - a deployment killed after each of its transactions in turn (and once between signing and
#     broadcasting), through a JSON-RPC proxy that kills kmsctl, resumes to the same manifest as
#     an uninterrupted run
# Every anvil and proxy started here is stopped on every exit path.
# shellcheck source=../support/suite.sh
. "$(dirname "$0")/../support/suite.sh" deploy.sh "$@"

proxy_pid=""
plain_pid=""
cleanup() {
  "$KMSCTL" devnet stop >/dev/null 2>&1
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  [ -n "$plain_pid" ] && kill "$plain_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# anvil's public dev account 4: a stranger to every deployment here
EVIL=0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65
printf '8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba\n' >"$tmp/dev5.key"
chmod 600 "$tmp/dev5.key"
PROPOSER_ROLE=$("$CAST" keccak PROPOSER_ROLE)

devnet_start() {
  "$KMSCTL" devnet start --port 0 --json >"$tmp/devnet.json" 2>"$tmp/devnet.err" ||
    { echo "devnet start failed: $(cat "$tmp/devnet.err")"; exit 1; }
  URL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).url)' "$tmp/devnet.json")
}
devnet_restart() { "$KMSCTL" devnet stop >/dev/null 2>&1; devnet_start; }

# field FILE PATH: a value of a JSON file, by a dotted path.

cat >"$tmp/config.json" <<'EOF'
{"gatewayAppId": "gw-app-1",
 "kmsInfo": {"k256Pubkey": "0x02aa", "caPubkey": "0x03bb", "quote": "0x0102030405", "eventlog": "0x"},
 "osImages": ["0x1111111111111111111111111111111111111111111111111111111111111111"],
 "kmsAggregatedMrs": ["0x2222222222222222222222222222222222222222222222222222222222222222"],
 "kmsDevices": ["0x3333333333333333333333333333333333333333333333333333333333333333"]}
EOF
SAFE_ARGS=(--model safe-timelock --safe-owners "$DEV1,$DEV2,$DEV3" --safe-threshold 2 --min-delay 1d)

devnet_start

# --- each model deploys and verifies ---
expect "model direct deploys" 0 "Deployed DstackKms on chain 31337 \(model direct\)" \
  deploy --devnet --model direct --manifest "$tmp/a.json"
expect "model direct verifies" 0 ", 0 failed" verify --devnet --manifest "$tmp/a.json"
expect "model timelock deploys" 0 "Owner: the timelock" \
  deploy --devnet --model timelock --min-delay 1h --manifest "$tmp/b.json"
expect "model timelock verifies" 0 ", 0 failed" verify --devnet --manifest "$tmp/b.json"
expect "model safe-timelock with --config deploys" 0 "Safe +0x" \
  deploy --devnet "${SAFE_ARGS[@]}" --config "$tmp/config.json" --manifest "$tmp/c.json"
expect "model safe-timelock verifies at once" 0 "config: gatewayAppId" \
  verify --devnet --manifest "$tmp/c.json"
expect "verify --json" 0 '"ok":true' verify --devnet --manifest "$tmp/c.json" --json
expect "verify --kms reads the governance off the chain" 0 ", 0 failed" \
  verify --devnet --kms "$(field "$tmp/c.json" contracts.dstackKms.address)"

# --- as a new user types it: defaults for the manifest, the deployer and the chain ---
expect "deploy with every default" 0 "Next: kmsctl verify --manifest kmsctl-deployment.json" \
  deploy --devnet --model safe-timelock --safe-owners "$DEV1,$DEV2,$DEV3" --safe-threshold 2 --min-delay 1d
expect "verify with no flag at all" 0 "using the devnet at .*|, 0 failed" verify
grep -q ", 0 failed" <<<"$out" && ok || bad "verify with no flag at all: $out"

# --- bad input: one sentence, nothing sent ---
expect "unknown model" 2 "unknown model 'bogus'" deploy --devnet --model bogus
expect "timelock without a delay" 2 "needs --min-delay" deploy --devnet --model timelock
expect "safe-timelock without a Safe" 2 "needs a Safe" deploy --devnet --model safe-timelock --min-delay 1h
expect "threshold above the owners" 2 "--safe-threshold 4" \
  deploy --devnet --model safe-timelock --safe-owners "$DEV1,$DEV2" --safe-threshold 4 --min-delay 1h
printf '{"osImages": ["0x12"], "extra": 1}' >"$tmp/bad.json"
expect "config with an unknown key" 1 "unknown field 'extra'" \
  deploy --devnet --model direct --config "$tmp/bad.json" --manifest "$tmp/x.json"
printf '{"osImages": ["0x12"]}' >"$tmp/bad.json"
expect "config with a short hash" 1 "osImages\[0\]" \
  deploy --devnet --model direct --config "$tmp/bad.json" --manifest "$tmp/x.json"
expect "a journal that exists is not overwritten" 1 "use --resume|continue it with --resume" \
  deploy --devnet --model direct --manifest "$tmp/a.json"
expect "nothing to resume" 1 "nothing to resume" deploy --devnet --resume --manifest "$tmp/none.json"
expect "--resume with plan flags" 2 "leave out --model" deploy --devnet --resume --model direct
expect "unreachable node" 1 "127.0.0.1:9" deploy --rpc-url http://127.0.0.1:9 --model direct \
  --private-key-file "$tmp/dev5.key"
before=$("$CAST" nonce --rpc-url "$URL" 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc)
expect "dry run" 0 '"steps"' deploy --devnet "${SAFE_ARGS[@]}" --dry-run --json \
  --private-key-file "$tmp/dev5.key" --manifest "$tmp/dry.json"
after=$("$CAST" nonce --rpc-url "$URL" 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc)
[ "$before" = "$after" ] && [ ! -e "$tmp/dry.journal.json" ] && ok || bad "dry run sent something"
printf 'aa%.0s' {1..32} >"$tmp/poor.key" # a key nobody funded
expect "a deployer without funds" 1 "holds 0 ETH.*send it at least" \
  deploy --rpc-url "$URL" --model direct --private-key-file "$tmp/poor.key" --yes \
  --manifest "$tmp/poor.json"

expect "an app implementation with no code" 1 "--app-implementation .* is not a UUPS implementation" \
  deploy --devnet --model direct --app-implementation "$EVIL" --manifest "$tmp/x.json"
expect "a Safe that is not one" 1 "--safe .*: not a Safe" \
  deploy --devnet --model safe-timelock --safe "$EVIL" --min-delay 1h --manifest "$tmp/x.json"
node -e 'const fs = require("fs"); const m = JSON.parse(fs.readFileSync(process.argv[1]));
  m.chainId = 5; fs.writeFileSync(process.argv[2], JSON.stringify(m))' "$tmp/a.json" "$tmp/wrong.json"
expect "a manifest of another chain fails verify" 1 "FAIL +chain id +expected 5; found 31337" \
  verify --devnet --manifest "$tmp/wrong.json"
node -e 'const fs = require("fs"); const m = JSON.parse(fs.readFileSync(process.argv[1]));
  m.chainId = 1; fs.writeFileSync(process.argv[2], JSON.stringify(m))' "$tmp/a.journal.json" \
  "$tmp/wrong.journal.json"
expect "a journal of another chain is not resumed" 1 "the journal is for chain 1, but the node is on chain 31337" \
  deploy --devnet --resume --manifest "$tmp/wrong.json"

expect "a journal resumed with another key is refused" 1 "the journal's deployer is .* but the key given is" \
  deploy --devnet --resume --manifest "$tmp/a.json" --dev-account 1

# --- a chain without Safe v1.4.1: the command says what is missing ---
plain_port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
  console.log(s.address().port); s.close(); })')
"$ANVIL" --host 127.0.0.1 --port "$plain_port" --chain-id 5 >/dev/null 2>&1 &
plain_pid=$!
for _ in $(seq 100); do "$CAST" chain-id --rpc-url "http://127.0.0.1:$plain_port" >/dev/null 2>&1 && break; sleep 0.1; done
expect "no canonical Safe on the chain" 1 "has no Safe v1.4.1.s SafeL2 at its canonical address" \
  deploy --rpc-url "http://127.0.0.1:$plain_port" "${SAFE_ARGS[@]}" --private-key-file "$tmp/dev5.key" \
  --yes --manifest "$tmp/x.json"
kill "$plain_pid" 2>/dev/null
wait "$plain_pid" 2>/dev/null

# --- delayed hand-over ---
expect "delayed hand-over deploys" 0 "Hand-over pending" \
  deploy --devnet "${SAFE_ARGS[@]:0:6}" --min-delay 1h --handover delayed --manifest "$tmp/d.json"
expect "verify fails until the delay has passed" 1 "FAIL +hand-over operation executed" \
  verify --devnet --manifest "$tmp/d.json"
expect "resume before the ETA changes nothing" 0 "Hand-over pending" \
  deploy --devnet --resume --manifest "$tmp/d.json"
expect "time travel" 0 "" devnet time-travel 1h
expect "resume after the delay finishes the hand-over" 0 "Owner: the timelock" \
  deploy --devnet --resume --manifest "$tmp/d.json"
expect "delayed deployment verifies" 0 ", 0 failed" verify --devnet --manifest "$tmp/d.json"

# --- verify names what was altered afterwards ---
TL=$(field "$tmp/c.json" contracts.timelock.address)
KMS=$(field "$tmp/c.json" contracts.dstackKms.address)
APP=$(field "$tmp/c.json" contracts.dstackAppImplementation.address)
as() { # as ADDR SIG ARGS...: sends from ADDR, impersonated
  local from=$1
  shift
  "$CAST" rpc --rpc-url "$URL" anvil_impersonateAccount "$from" >/dev/null &&
    "$CAST" rpc --rpc-url "$URL" anvil_setBalance "$from" 0x56bc75e2d63100000 >/dev/null &&
    "$CAST" send --rpc-url "$URL" --unlocked --from "$from" "$@" >/dev/null
}
snap=$("$CAST" rpc --rpc-url "$URL" evm_snapshot | tr -d '"')
as "$TL" "$TL" "grantRole(bytes32,address)" "$PROPOSER_ROLE" "$EVIL"
expect "an extra proposer fails verify" 1 "FAIL +timelock PROPOSER_ROLE holders" \
  verify --devnet --manifest "$tmp/c.json"
"$CAST" rpc --rpc-url "$URL" evm_revert "$snap" >/dev/null
snap=$("$CAST" rpc --rpc-url "$URL" evm_snapshot | tr -d '"')
as "$TL" "$KMS" "transferOwnership(address)" "$EVIL" && as "$EVIL" "$KMS" "acceptOwnership()"
expect "a new owner fails verify" 1 "FAIL +DstackKms owner" verify --devnet --manifest "$tmp/c.json"
"$CAST" rpc --rpc-url "$URL" evm_revert "$snap" >/dev/null
as "$TL" "$KMS" "upgradeToAndCall(address,bytes)" "$APP" 0x
expect "an upgrade to other code fails verify" 1 "FAIL +DstackKms proxy: EIP-1967 implementation slot" \
  verify --devnet --manifest "$tmp/c.json"

# --- killed after each transaction, resumed: the same manifest as an uninterrupted run ---
# Fees are pinned so that every run signs the same transactions. Block numbers are not compared:
# anvil mines a block per arrival, and two transactions broadcast back to back sometimes arrive
# together and share one, in either run.
KILL_ARGS=("${SAFE_ARGS[@]}" --private-key-file "$tmp/dev5.key" --yes --gas-price 3gwei
  --priority-gas-price 1gwei)
printf '{"gatewayAppId": "gw", "osImages": ["0x%s"]}' "$(printf '44%.0s' {1..32})" >"$tmp/small.json"
devnet_restart
mkdir -p "$tmp/ref"
expect "uninterrupted reference run" 0 "Deployed" \
  deploy --rpc-url "$URL" "${KILL_ARGS[@]}" --config "$tmp/small.json" --manifest "$tmp/ref/m.json"
ntx=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).transactions.length)' "$tmp/ref/m.json")
[ "$ntx" -ge 10 ] && ok || bad "reference run sent $ntx transactions"

# killed_run MODE N: a fresh devnet, a deployment through the proxy killed per MODE N, then
# --resume straight to the devnet; the manifest must equal the reference.
killed_run() {
  local mode=$1 n=$2 dir="$tmp/kill-$1-$2"
  mkdir -p "$dir"
  devnet_restart
  node "$ROOT/tests/support/rpc-proxy.mjs" --upstream "$URL" "--$mode" "$n" \
    --pid-file "$dir/pid" --lifetime 300 >"$dir/proxy.out" &
  proxy_pid=$!
  for _ in $(seq 50); do grep -q port "$dir/proxy.out" 2>/dev/null && break; sleep 0.1; done
  local port
  port=$(awk '/port/ {print $2}' "$dir/proxy.out")
  "$KMSCTL" deploy --rpc-url "http://127.0.0.1:$port" "${KILL_ARGS[@]}" --config "$tmp/small.json" \
    --manifest "$dir/m.json" >"$dir/out" 2>"$dir/err" </dev/null &
  local pid=$!
  echo "$pid" >"$dir/pid"
  wait "$pid"
  local killed_rc=$?
  kill "$proxy_pid" 2>/dev/null
  wait "$proxy_pid" 2>/dev/null
  proxy_pid=""
  if [ "$killed_rc" != 137 ]; then
    bad "$mode $n: kmsctl was not killed (exit $killed_rc): $(cat "$dir/err")"
    return
  fi
  run deploy --rpc-url "$URL" --resume --private-key-file "$tmp/dev5.key" --yes --manifest "$dir/m.json"
  if [ "$rc" != 0 ]; then
    bad "$mode $n: resume failed: $err"
  elif ! same_manifest "$tmp/ref/m.json" "$dir/m.json"; then
    bad "$mode $n: the resumed manifest differs: $(diff "$tmp/ref/m.json" "$dir/m.json" | head -12 | tr '\n' '|')"
  else
    ok
  fi
}
killed_run kill-before 1

# A nonce of the plan taken by another transaction: resume stops and says so.
dir="$tmp/kill-kill-before-1"
devnet_restart
node "$ROOT/tests/support/rpc-proxy.mjs" --upstream "$URL" --kill-before 1 --pid-file "$dir/pid2" \
  --lifetime 300 >"$dir/proxy2.out" &
proxy_pid=$!
for _ in $(seq 50); do grep -q port "$dir/proxy2.out" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/port/ {print $2}' "$dir/proxy2.out")
rm -f "$dir/m.json" "$dir/m.journal.json"
"$KMSCTL" deploy --rpc-url "http://127.0.0.1:$port" "${KILL_ARGS[@]}" --config "$tmp/small.json" \
  --manifest "$dir/m.json" >/dev/null 2>&1 </dev/null &
echo $! >"$dir/pid2"
wait $! 2>/dev/null
kill "$proxy_pid" 2>/dev/null
wait "$proxy_pid" 2>/dev/null
proxy_pid=""
"$CAST" send --rpc-url "$URL" --private-key "0x$(cat "$tmp/dev5.key")" "$EVIL" --value 1 >/dev/null
expect "a nonce taken by another transaction stops the resume" 1 "nonce 0 .*another transaction|another transaction.*nonce" \
  deploy --rpc-url "$URL" --resume --private-key-file "$tmp/dev5.key" --yes --manifest "$dir/m.json"
for i in $(seq 1 "$ntx"); do
  killed_run kill-after "$i"
done

summary deploy
