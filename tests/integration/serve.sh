#!/usr/bin/env bash
# tests/integration/serve.sh KMSCTL: `kmsctl serve` against a devnet with a deployed and
# configured KMS (model direct) and an app, checked with curl:
#   - allowed and every denial reason of both routes, hex with and without 0x, short (left-
#     padded) and upper case; GET / and GET /metrics
#   - a bad-input table with the exact status and body (bad hex, too long, missing fields, wrong
#     JSON types, duplicate keys, 129 advisory ids, non-JSON, empty body, a 2 MB body (with a
#     length, and chunked), a wrong content type, a wrong method, an unknown path); a slow-drip
#     body is cut off while other requests are answered; 200 requests on 16 connections
#   - --verify-app-code refuses a registered contract that is not a DstackApp proxy
#   - its anvil killed: every request fails closed; back: answers again within a second
#   - two --rpc-url with the first dead: every request answered correctly
#   - quorum 2 of 3 where one anvil holds another policy: never allowed on the liar's word
#   - --confirmations 3: a policy change is honoured three blocks later, not before
#   - SIGTERM: exit 0
# Every anvil and server started here is stopped on every exit path. Prints "serve: N passed, M
# failed"; exits 1 on a failure.
# shellcheck source=../support/suite.sh
. "$(dirname "$0")/../support/suite.sh" serve.sh "$@"
unset KMS_CONTRACT_ADDR PORT HOST ETH_CHAIN_ID \
  ETH_FINALITY_CONFIRMATIONS

pids=() # every server and plain anvil started here
cleanup() {
  for p in "${pids[@]}"; do { kill -9 "$p" && wait "$p"; } 2>/dev/null; done
  "$KMSCTL" devnet stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

h() { printf '%s' "$(printf "$1%.0s" {1..32})"; } # h 11: 1111...11 (32 bytes, no 0x)
printf 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n' >dev0.key
chmod 600 dev0.key
INVALID='{"isAllowed":false,"reason":"invalid authorization request","gatewayAppId":""}'
UNAVAILABLE='{"isAllowed":false,"reason":"authorization backend unavailable","gatewayAppId":""}'
NOT_FOUND='{"isAllowed":false,"reason":"not found","gatewayAppId":""}'
ALLOWED='{"isAllowed":true,"reason":"","gatewayAppId":"gw-app-1"}'
denied() { printf '{"isAllowed":false,"reason":"%s","gatewayAppId":"gw-app-1"}' "$1"; }

free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
rpc() { # rpc URL METHOD PARAMS: the JSON-RPC result
  curl -s -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":$3}" "$1" |
    node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      const r = JSON.parse(s).result; console.log(typeof r === "string" ? r : JSON.stringify(r)); })'
}
head_of() { printf '%d' "$(rpc "$1" eth_blockNumber '[]')"; }
mine() { rpc "$1" evm_mine '[]' >/dev/null; }

# start_anvil PORT [STATEFILE]: a plain anvil on 127.0.0.1:PORT (with the devnet's state).
start_anvil() {
  "$ANVIL" --host 127.0.0.1 --port "$1" --silent >/dev/null 2>&1 </dev/null &
  pids+=("$!")
  anvil_pid=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$1" -d '{}' && break; sleep 0.05; done
  [ -n "${2:-}" ] && node -e 'const fs = require("fs"); process.stdout.write(JSON.stringify({jsonrpc: "2.0",
    id: 1, method: "anvil_loadState", params: [fs.readFileSync(process.argv[1], "utf8").trim()]}))' "$2" |
    curl -s -H 'Content-Type: application/json' -d @- "http://127.0.0.1:$1" >/dev/null
}

# start_serve NAME ARGS...: kmsctl serve on a free port; sets port (and serve_pid).
start_serve() {
  local name=$1
  shift
  : >"$tmp/$name.log" # there before the first look for the port
  "$KMSCTL" serve --port 0 --head-poll 50ms --timeout 2s "$@" 2>"$tmp/$name.log" </dev/null &
  serve_pid=$!
  pids+=("$serve_pid")
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\) .*/\1/p' "$tmp/$name.log")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "serve $name did not start: $(cat "$tmp/$name.log")"; exit 1; }
}

# post PORT ROUTE BODY [CONTENT-TYPE]: sets code and body.
post() {
  body=$(curl -s -o - -w '\n%{http_code}' -H "Content-Type: ${4:-application/json}" \
    --data-binary "$3" "http://127.0.0.1:$1$2")
  code=${body##*$'\n'}
  body=${body%$'\n'*}
}

# answer NAME PORT ROUTE BODY STATUS WANT: the exact status and body.
answer() {
  post "$2" "$3" "$4"
  if [ "$code" = "$5" ] && [ "$body" = "$6" ]; then ok; else bad "$1: $code $body, want $5 $6"; fi
}

# synced PORT URL [BEHIND]: waits until the server's pinned block is the node's head - BEHIND.
synced() {
  local want=$(($(head_of "$2") - ${3:-0})) got=""
  for _ in $(seq 100); do
    got=$(curl -s "http://127.0.0.1:$1/metrics" | awk '/^kmsctl_serve_pinned_block/ {print $2}' | sort -n | tail -1)
    [ "${got:-0}" -ge "$want" ] && return 0
    sleep 0.02
  done
  bad "server on $1 never reached block $want (at ${got:-none})"
}

kms_body() { # kms_body OS MR DEVICE TCB
  printf '{"mrAggregated":"%s","osImageHash":"%s","appId":"00","composeHash":"00","instanceId":"01","deviceId":"%s","tcbStatus":"%s","advisoryIds":[]}' "$2" "$1" "$3" "$4"
}
app_body() { # app_body APP COMPOSE OS DEVICE TCB
  printf '{"mrAggregated":"%s","osImageHash":"%s","appId":"%s","composeHash":"%s","instanceId":"0x0a","deviceId":"%s","tcbStatus":"%s","advisoryIds":["INTEL-SA-00837"],"teeVariant":"tdx","keyProviderInfo":"x"}' "$(h 22)" "$3" "$1" "$2" "$4" "$5"
}

# ===== a devnet with a KMS and an app =====
"$KMSCTL" devnet start --port 0 >/dev/null 2>&1 || { echo "serve: devnet start failed"; exit 1; }
URL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).url)' "$KMSCTL_DEVNET_DIR/state.json")
printf '{"gatewayAppId":"gw-app-1","osImages":["0x%s"],"kmsAggregatedMrs":["0x%s"],"kmsDevices":["0x%s"]}\n' \
  "$(h 11)" "$(h 22)" "$(h 33)" >config.json
expect "deploy the KMS" 0 "Deployed" deploy --devnet --model direct --config config.json --manifest M.json
KMS=$(node -e 'console.log(JSON.parse(require("fs").readFileSync("M.json")).contracts.dstackKms.address)')
expect "deploy an app" 0 '"app"' kms deploy-app --owner "$DEV0" --compose-hash "0x$(h 44)" \
  --device "0x$(h 55)" --dev-account 4 --json --manifest M.json --yes
APP=$(js v.app)
APPLOW=$(printf '%s' "${APP#0x}" | tr 'A-F' 'a-f')
APPUP=$(printf '%s' "$APPLOW" | tr 'a-f' 'A-F')
NOCODE=0x000000000000000000000000000000000000bEEF
YES=0x000000000000000000000000000000000000dEaD # code that answers (true, "") to anything
rpc "$URL" anvil_setCode "[\"$YES\",\"0x6001600052604060205260606000f3\"]" >/dev/null
expect "register an address without code" 0 "" kms register-app "$NOCODE" --dev-account 0 --manifest M.json --yes
expect "register a contract that is not a DstackApp" 0 "" kms register-app "$YES" --dev-account 0 --manifest M.json --yes

start_serve main --kms "$KMS" --rpc-url "$URL" --request-timeout 1s
MAIN=$port
synced "$MAIN" "$URL"

# --- both routes: allowed, and every denial reason ---
answer "kms allowed" "$MAIN" /bootAuth/kms "$(kms_body "$(h 11)" "$(h 22)" "$(h 33)" UpToDate)" 200 "$ALLOWED"
answer "kms allowed, with 0x" "$MAIN" /bootAuth/kms "$(kms_body "0x$(h 11)" "0x$(h 22)" "$(h 33)" UpToDate)" 200 \
  "$ALLOWED"
answer "kms: TCB" "$MAIN" /bootAuth/kms "$(kms_body "$(h 11)" "$(h 22)" "$(h 33)" OutOfDate)" 200 \
  "$(denied "TCB status is not up to date")"
answer "kms: OS image" "$MAIN" /bootAuth/kms "$(kms_body "$(h 99)" "$(h 22)" "$(h 33)" UpToDate)" 200 \
  "$(denied "OS image is not allowed")"
answer "kms: aggregated MR" "$MAIN" /bootAuth/kms "$(kms_body "$(h 11)" "$(h 98)" "$(h 33)" UpToDate)" 200 \
  "$(denied "Aggregated MR not allowed")"
answer "kms: device" "$MAIN" /bootAuth/kms "$(kms_body "$(h 11)" "$(h 22)" "$(h 97)" UpToDate)" 200 \
  "$(denied "KMS is not allowed to boot on this device")"
answer "app allowed (dstack-kms's form: no 0x)" "$MAIN" /bootAuth/app \
  "$(app_body "$APPLOW" "$(h 44)" "$(h 11)" "$(h 55)" OutOfDate)" 200 "$ALLOWED"
answer "app allowed: 0x, upper case" "$MAIN" /bootAuth/app \
  "$(app_body "0x$APPUP" "0x$(h 44)" "0x$(h 11)" "$(h 55)" UpToDate)" 200 "$ALLOWED"
answer "app: not registered (short hex, left-padded)" "$MAIN" /bootAuth/app \
  "$(app_body 1234 "$(h 44)" "$(h 11)" "$(h 55)" UpToDate)" 200 "$(denied "App not registered")"
answer "app: OS image" "$MAIN" /bootAuth/app "$(app_body "$APPLOW" "$(h 44)" "$(h 99)" "$(h 55)" UpToDate)" 200 \
  "$(denied "OS image is not allowed")"
answer "app: no code" "$MAIN" /bootAuth/app "$(app_body beef "$(h 44)" "$(h 11)" "$(h 55)" UpToDate)" 200 \
  "$(denied "App not deployed or invalid address")"
answer "app: compose hash" "$MAIN" /bootAuth/app "$(app_body "$APPLOW" "$(h 98)" "$(h 11)" "$(h 55)" UpToDate)" 200 \
  "$(denied "Compose hash not allowed")"
answer "app: device" "$MAIN" /bootAuth/app "$(app_body "$APPLOW" "$(h 44)" "$(h 11)" "$(h 97)" UpToDate)" 200 \
  "$(denied "Device not allowed")"
expect "the app requires an up-to-date TCB" 0 "" app set-require-tcb-up-to-date true --app "$APP" --dev-account 0 --yes
synced "$MAIN" "$URL"
answer "app: TCB" "$MAIN" /bootAuth/app "$(app_body "$APPLOW" "$(h 44)" "$(h 11)" "$(h 55)" OutOfDate)" 200 \
  "$(denied "TCB status is not up to date")"
answer "a contract that says yes is allowed without --verify-app-code" "$MAIN" /bootAuth/app \
  "$(app_body dead "$(h 44)" "$(h 11)" "$(h 55)" UpToDate)" 200 "$ALLOWED"
GOOD_APP=$(app_body "$APPLOW" "$(h 44)" "$(h 11)" "$(h 55)" UpToDate)

# --- GET / and GET /metrics ---
root=$(curl -s "http://127.0.0.1:$MAIN/")
[ "$root" = "{\"status\":\"ok\",\"kmsContractAddr\":\"$KMS\",\"ethRpcUrl\":\"$URL\",\"gatewayAppId\":\"gw-app-1\",\"chainId\":31337,\"appAuthImplementation\":\"$(node -e 'console.log(JSON.parse(require("fs").readFileSync("M.json")).contracts.dstackAppImplementation.address)')\",\"appImplementation\":$(node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync("M.json")).contracts.dstackAppImplementation.address))')}" ] &&
  ok || bad "GET /: $root"

# --- the bad-input table: exact status and body ---
T='"composeHash":"00","instanceId":"00","deviceId":"00","mrAggregated":"00","osImageHash":"00"'
answer "bad hex" "$MAIN" /bootAuth/app "{\"appId\":\"0xzz\",$T}" 400 "$INVALID"
answer "0X prefix" "$MAIN" /bootAuth/app "{\"appId\":\"0X01\",$T}" 400 "$INVALID"
answer "too long" "$MAIN" /bootAuth/app "{\"appId\":\"00$(h 11 | cut -c1-40)\",$T}" 400 "$INVALID"
answer "missing appId" "$MAIN" /bootAuth/app "{$T}" 400 "$INVALID"
answer "missing deviceId" "$MAIN" /bootAuth/kms "{\"appId\":\"00\",\"composeHash\":\"00\",\"instanceId\":\"00\",\"mrAggregated\":\"00\",\"osImageHash\":\"00\"}" 400 "$INVALID"
answer "a number for a hex field" "$MAIN" /bootAuth/app "{\"appId\":12,$T}" 400 "$INVALID"
answer "an array for an address" "$MAIN" /bootAuth/app "{\"appId\":[\"01\"],$T}" 400 "$INVALID"
answer "a number for tcbStatus" "$MAIN" /bootAuth/app "{\"appId\":\"01\",$T,\"tcbStatus\":1}" 400 "$INVALID"
answer "a string for advisoryIds" "$MAIN" /bootAuth/app "{\"appId\":\"01\",$T,\"advisoryIds\":\"x\"}" 400 "$INVALID"
answer "duplicate keys" "$MAIN" /bootAuth/app "{\"appId\":\"01\",\"appId\":\"$APPLOW\",$T}" 400 "$INVALID"
many=$(node -e 'console.log(JSON.stringify(Array(129).fill("INTEL-SA-00837")))')
answer "129 advisory ids" "$MAIN" /bootAuth/app "{\"appId\":\"01\",$T,\"advisoryIds\":$many}" 400 "$INVALID"
answer "non-JSON" "$MAIN" /bootAuth/app "hello" 400 "$INVALID"
answer "truncated JSON" "$MAIN" /bootAuth/app "{\"appId\":" 400 "$INVALID"
answer "empty body" "$MAIN" /bootAuth/kms "" 400 "$INVALID"
body=$(curl -s -o - -w '\n%{http_code}' -H 'Content-Type: text/plain' --data-binary "$GOOD_APP" "http://127.0.0.1:$MAIN/bootAuth/app")
[ "$body" = "$INVALID"$'\n400' ] && ok || bad "wrong content type: $body"
head -c 2000000 /dev/zero | tr '\0' ' ' >big.json
body=$(curl -s -o - -w '\n%{http_code}' -H 'Content-Type: application/json' --data-binary @big.json "http://127.0.0.1:$MAIN/bootAuth/app")
[ "$body" = "$INVALID"$'\n413' ] && ok || bad "2 MB body: $body"
body=$(curl -s -o - -w '\n%{http_code}' -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @big.json "http://127.0.0.1:$MAIN/bootAuth/app")
[ "$body" = "$INVALID"$'\n413' ] && ok || bad "2 MB chunked body: $body"
body=$(curl -s -o - -w '\n%{http_code}' "http://127.0.0.1:$MAIN/bootAuth/app")
[ "$body" = "$NOT_FOUND"$'\n404' ] && ok || bad "GET /bootAuth/app: $body"
answer "unknown path" "$MAIN" /bootAuth/other "$GOOD_APP" 404 "$NOT_FOUND"
answer "trailing slash" "$MAIN" /bootAuth/app/ "$GOOD_APP" 404 "$NOT_FOUND"
# slow drip: one byte every 300 ms against --request-timeout 1s: cut off without an answer
# (libmicrohttpd cannot answer before the body is complete), others answered meanwhile
exec 3<>"/dev/tcp/127.0.0.1/$MAIN"
printf 'POST /bootAuth/app HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n' >&3
(trap '' PIPE; for _ in $(seq 12); do printf ' ' >&3 2>/dev/null || break; sleep 0.3; done) &
drip=$!
timeout 6 cat <&3 >drip.out &
reader=$!
sleep 0.5
answer "answered while a client drips" "$MAIN" /bootAuth/app "$GOOD_APP" 200 "$ALLOWED"
wait "$reader"
exec 3<&-
wait "$drip"
[ ! -s drip.out ] && grep -q 'path="/bootAuth/app" status=0 decision=too_slow' "$tmp/main.log" && ok ||
  bad "slow drip: $(cat drip.out) $(grep too_slow "$tmp/main.log")"

# --- 200 requests on 16 connections at once: all answered, all right ---
mkdir par
seq 200 | xargs -P 16 -I{} curl -s -o par/{} -H 'Content-Type: application/json' --data-binary "$GOOD_APP" \
  "http://127.0.0.1:$MAIN/bootAuth/app"
n=$(cat par/* | grep -o -F "$ALLOWED" | wc -l)
[ "$n" = 200 ] && ok || bad "parallel: $n of 200 answers right"
metrics=$(curl -s "http://127.0.0.1:$MAIN/metrics")
grep -q '^kmsctl_serve_requests_total{route="app",decision="allowed"} 20[0-9]$' <<<"$metrics" &&
  grep -q '^kmsctl_serve_requests_total{route="app",decision="too_large"} 2$' <<<"$metrics" &&
  grep -q '^kmsctl_serve_request_duration_seconds_count ' <<<"$metrics" &&
  grep -q "^kmsctl_serve_head_age_seconds{provider=\"$URL\"} " <<<"$metrics" && ok || bad "metrics: $metrics"
grep -q 'method=POST path="/bootAuth/kms" status=200 decision=denied reason="Aggregated MR not allowed" block=[0-9]* upstream_ms=' "$tmp/main.log" &&
  ! grep -q 'INTEL-SA' "$tmp/main.log" && ok || bad "log lines: $(head -c 1500 "$tmp/main.log")"

# --- --verify-app-code ---
start_serve verify --kms "$KMS" --rpc-url "$URL" --verify-app-code
synced "$port" "$URL"
answer "verify: a contract that says yes but is not a proxy" "$port" /bootAuth/app \
  "$(app_body dead "$(h 44)" "$(h 11)" "$(h 55)" UpToDate)" 200 \
  "$(denied "App code is not an ERC1967 proxy of the KMS's app implementation")"
answer "verify: the real app" "$port" /bootAuth/app "$GOOD_APP" 200 "$ALLOWED"
answer "verify: the contract's own reason first" "$port" /bootAuth/app \
  "$(app_body "$APPLOW" "$(h 98)" "$(h 11)" "$(h 55)" UpToDate)" 200 "$(denied "Compose hash not allowed")"

# --- its node killed, then back ---
rpc "$URL" anvil_dumpState '[]' >state.hex
P1=$(free_port)
start_anvil "$P1" state.hex
a1=$anvil_pid
start_serve killed --kms "$KMS" --rpc-url "http://127.0.0.1:$P1"
KILLED=$port
answer "before the kill" "$KILLED" /bootAuth/app "$GOOD_APP" 200 "$ALLOWED"
{ kill -9 "$a1" && wait "$a1"; } 2>/dev/null
closed=0
for _ in $(seq 10); do post "$KILLED" /bootAuth/app "$GOOD_APP"; [ "$code $body" = "200 $UNAVAILABLE" ] && closed=$((closed + 1)); done
[ "$closed" = 10 ] && ok || bad "node killed: $closed of 10 requests failed closed ($code $body)"
start_anvil "$P1" state.hex
t0=$(date +%s%N)
back=""
while [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 3000 ]; do
  post "$KILLED" /bootAuth/app "$GOOD_APP"
  [ "$body" = "$ALLOWED" ] && { back=$(( ($(date +%s%N) - t0) / 1000000 )); break; }
  [ "$body" = "$UNAVAILABLE" ] || { bad "while coming back: $body"; break; }
  sleep 0.02
done
[ -n "$back" ] && [ "$back" -le 1000 ] && ok || bad "node back: answers again after ${back:-more than 3000} ms"
grep -q "is down" "$tmp/killed.log" && grep -q "answers: block" "$tmp/killed.log" && ok || bad "no down/back lines"

# --- failover: the first provider dead ---
start_serve failover --kms "$KMS" --rpc-url "http://127.0.0.1:$(free_port)" --rpc-url "$URL"
right=0
for _ in $(seq 20); do post "$port" /bootAuth/app "$GOOD_APP"; [ "$body" = "$ALLOWED" ] && right=$((right + 1)); done
[ "$right" = 20 ] && ok || bad "failover: $right of 20 right"

# --- quorum 2 of 3 with a lying provider ---
rpc "$URL" anvil_dumpState '[]' >state.hex
P2=$(free_port)
P3=$(free_port)
start_anvil "$P2" state.hex
b_pid=$anvil_pid
start_anvil "$P3" state.hex
expect "the liar allows image 66" 0 "" kms add-os-image-hash "0x$(h 66)" --rpc-url "http://127.0.0.1:$P3" \
  --kms "$KMS" --private-key-file dev0.key --yes
mine "$URL"
mine "http://127.0.0.1:$P2"
start_serve quorum --kms "$KMS" --rpc-url "$URL" --rpc-url "http://127.0.0.1:$P2" \
  --rpc-url "http://127.0.0.1:$P3" --rpc-mode quorum --quorum 2
Q=$port
synced "$Q" "$URL"
LIE=$(app_body "$APPLOW" "$(h 44)" "$(h 66)" "$(h 55)" UpToDate)
answer "quorum: the liar is outvoted" "$Q" /bootAuth/app "$LIE" 200 "$(denied "OS image is not allowed")"
answer "quorum: all agree" "$Q" /bootAuth/app "$GOOD_APP" 200 "$ALLOWED"
grep -q "^kmsctl_serve_quorum_disagreements_total 1$" <<<"$(curl -s "http://127.0.0.1:$Q/metrics")" && ok ||
  bad "quorum disagreement not counted"
grep -q "quorum disagreement at block .*127.0.0.1:$P3: (true" "$tmp/quorum.log" && ok ||
  bad "the liar is not named: $(grep disagreement "$tmp/quorum.log")"
{ kill -9 "$b_pid" && wait "$b_pid"; } 2>/dev/null
answer "quorum: the liar and one honest provider never allow" "$Q" /bootAuth/app "$LIE" 200 "$UNAVAILABLE"
answer "quorum: still 2 of 3 for what both say" "$Q" /bootAuth/app "$GOOD_APP" 200 "$ALLOWED"

# --- --confirmations 3 ---
start_serve confirm --kms "$KMS" --rpc-url "$URL" --confirmations 3
C=$port
NEW=$(app_body "$APPLOW" "$(h 44)" "$(h 77)" "$(h 55)" UpToDate)
expect "allow image 77" 0 "" kms add-os-image-hash "0x$(h 77)" --dev-account 0 --manifest M.json --yes
for k in 0 1 2; do
  synced "$C" "$URL" 3
  answer "confirmations: $k blocks after the change, not yet" "$C" /bootAuth/app "$NEW" 200 "$(denied "OS image is not allowed")"
  mine "$URL"
done
synced "$C" "$URL" 3
answer "confirmations: 3 blocks after, honoured" "$C" /bootAuth/app "$NEW" 200 "$ALLOWED"
answer "without confirmations: at once" "$MAIN" /bootAuth/app "$NEW" 200 "$ALLOWED"

# --- usage errors and SIGTERM ---
expect "no KMS address" 2 "give the DstackKms proxy" serve --rpc-url "$URL"
expect "quorum above the providers" 2 "--quorum '3': expected a number from 1 to 1" serve --kms "$KMS" --rpc-mode quorum --quorum 3
expect "confirmations with finalized" 2 "leave out --block-tag finalized" serve --kms "$KMS" --confirmations 2 --block-tag finalized
ETH_CHAIN_ID=5 TEST_TIMEOUT=10 expect "a node on another chain" 1 "is not on chain 5" serve --kms "$KMS" --rpc-url "$URL" --port 0
kill -TERM "$serve_pid"
wait "$serve_pid"
rc=$?
[ "$rc" = 0 ] && grep -q "stopped" "$tmp/confirm.log" && ok || bad "SIGTERM: exit $rc, $(tail -2 "$tmp/confirm.log")"

summary serve
