#!/usr/bin/env bash
# tests/integration/faults_read.sh KMSCTL: the reads (the policy audit and the webhook) through
# a JSON-RPC proxy that misbehaves on purpose (tests/support/rpc-proxy.mjs, its fault switched
# through /control), on a devnet with a model B deployment (a timelock), an app, a change
# through the timelock and an operation still scheduled:
#   - policy show, history and pending, each hit in the middle of its work (a request of a
#     method it makes several of, after some went through) by garbage, truncated JSON, HTTP 500,
#     no answer (--timeout 1s), a connection reset mid-reply and a reply with another id, and
#     run against a node that says another chain than the manifest's: exit 1, one sentence on
#     stderr that names the problem (no libcurl text, no raw selector), nothing on stdout; once
#     the fault clears, the same command prints exactly what the undisturbed reference printed
#   - one HTTP 500 at any single request of any method of those three commands (every position
#     in turn, the calls after it answered): exit 1, never an answer with a call left out (a
#     timelock read as "a contract kmsctl cannot read", an operation left out of pending)
#   - kmsctl serve through the proxy (--timeout 500ms, --head-poll 100ms): allowed before each
#     fault; during it (on every call, or on the decision's eth_call alone) every request gets
#     200 with the fail-closed body, never allowed; a node that suddenly says another chain fails
#     closed within a second; after the fault clears, allowed again within 1000 ms
# Every anvil, proxy and server started here is stopped on every exit path.
# shellcheck source=../support/suite.sh
. "$(dirname "$0")/../support/suite.sh" faults_read.sh "$@"
unset KMS_CONTRACT_ADDR PORT HOST ETH_CHAIN_ID ETH_FINALITY_CONFIRMATIONS

proxy_pid=""
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && { kill -9 "$serve_pid" && wait "$serve_pid"; } 2>/dev/null
  [ -n "$proxy_pid" ] && { kill "$proxy_pid" && wait "$proxy_pid"; } 2>/dev/null
  "$KMSCTL" devnet stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

t_start=$(date +%s)
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
h() { printf '%s' "$(printf "$1%.0s" {1..32})"; } # h 11: 1111...11 (32 bytes, no 0x)
UNAVAILABLE='{"isAllowed":false,"reason":"authorization backend unavailable","gatewayAppId":""}'
ALLOWED='{"isAllowed":true,"reason":"","gatewayAppId":"gw-read"}'

# ===== a devnet: model B, an app, one change through the timelock, one operation pending =====
"$KMSCTL" devnet start --port 0 >/dev/null 2>&1 || { echo "faults_read: devnet start failed"; exit 1; }
URL=$(field "$KMSCTL_DEVNET_DIR/state.json" url)
printf '{"gatewayAppId":"gw-read","osImages":["0x%s"],"kmsAggregatedMrs":["0x%s"],"kmsDevices":["0x%s"]}\n' \
  "$(h 11)" "$(h 22)" "$(h 33)" >config.json
expect "deploy model B" 0 "Deployed" deploy --devnet --model timelock --min-delay 1h --config config.json \
  --manifest m.json --yes
KMS=$(field m.json contracts.dstackKms.address)
expect "deploy an app" 0 '"app"' kms deploy-app --dev-account 3 --manifest m.json --json --yes
APP=$(js v.app)
expect "the app allows a compose hash" 0 "" app add-compose-hash "0x$(h 55)" --app "$APP" --dev-account 3 --yes
expect "schedule an image" 0 "scheduled operation" kms add-os-image-hash "0x$(h 44)" --dev-account 0 \
  --manifest m.json --yes
ID=$(sed -n 's/^scheduled operation \(0x[0-9a-f]*\) .*/\1/p' <<<"$out")
expect "an hour later" 0 "" devnet time-travel 1h
expect "execute it" 0 "" timelock execute "$ID" --manifest m.json --dev-account 0 --yes
expect "schedule another image (left pending)" 0 "scheduled operation" kms add-os-image-hash "0x$(h 66)" \
  --dev-account 0 --manifest m.json --yes

# ===== the proxy =====
node "$ROOT/tests/support/rpc-proxy.mjs" --upstream "$URL" --lifetime 300 >"$tmp/proxy.out" &
proxy_pid=$!
for _ in $(seq 100); do grep -q port "$tmp/proxy.out" 2>/dev/null && break; sleep 0.1; done
grep -q port "$tmp/proxy.out" || { echo "faults_read: the proxy did not start"; exit 1; }
PROXY="http://127.0.0.1:$(awk '/port/ {print $2}' "$tmp/proxy.out")"

# fault JSON: switches the proxy's fault.
fault() {
  curl -s -f -o /dev/null -X POST --data-binary "$1" "$PROXY/control" || bad "the proxy refused the fault $1"
}
# counters: the proxy's counters as "METHOD N" lines, and "faulted N".
counters() {
  curl -s "$PROXY/control" | node -e 'let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
    const j = JSON.parse(s); for (const m in j.methods) console.log(m, j.methods[m]);
    console.log("faulted", j.faulted); })'
}
faulted() { curl -s "$PROXY/control" | sed -n 's/.*"faulted":\([0-9]*\).*/\1/p'; }

# ===== 1. the policy audit =====
declare -A ARGS=([show]="--kms $KMS --manifest m.json" [history]="--manifest m.json" [pending]="--manifest m.json")
# The request each command meets its fault at: a method it calls several times, half of its
# calls let through first (pending: its second eth_getLogs, the timelock's events, after the
# KMS's and the apps' were read and the owners asked).
declare -A AT=([show]=eth_call [history]=eth_getTransactionByHash [pending]=eth_getLogs)
CMDS=(show history pending)

# audit CMD: runs `policy CMD` through the proxy, with --timeout 1s.
audit() {
  # shellcheck disable=SC2086 # ARGS holds words
  run policy "$1" --rpc-url "$PROXY" ${ARGS[$1]} --timeout 1s
}

# --- the references: undisturbed runs through the proxy, and the calls each one makes ---
for c in "${CMDS[@]}"; do
  counters >"$tmp/before"
  audit "$c"
  counters >"$tmp/after"
  [ "$rc" = 0 ] && [ -n "$out" ] && ok || bad "reference policy $c: exit $rc: $err"
  cp "$tmp/out" "$tmp/ref-$c.out"
  cp "$tmp/err" "$tmp/ref-$c.err"
  # calls-$c: "METHOD N" for each method the run called
  join -a 2 -e 0 -o 2.1,1.2,2.2 <(sort "$tmp/before") <(sort "$tmp/after") |
    awk '$1 != "faulted" && $3 > $2 {print $1, $3 - $2}' >"$tmp/calls-$c"
done
grep -q "DstackKms: a single EOA 0xf39F..2266 through a 1 h timelock" "$tmp/ref-show.out" &&
  grep -q "os-image 0x$(h 44) allowed" "$tmp/ref-history.out" &&
  grep -q "operation $ID" "$tmp/ref-history.out" &&
  grep -q "addOsImageHash(bytes32 osImageHash = 0x$(h 66))" "$tmp/ref-pending.out" && ok ||
  bad "the references lack the timelock, the change or the pending operation"

# one_sentence NAME PATTERN: the last run failed (exit 1) with one line on stderr matching
# PATTERN, worded for people, and nothing on stdout.
one_sentence() {
  local lines
  lines=$(printf '%s\n' "$err" | grep -c .)
  if [ "$rc" != 1 ]; then
    bad "$1: exit $rc, want 1 (stdout: ${out:0:300}; stderr: ${err:0:1000})"
  elif [ "$lines" != 1 ] || ! grep -qE -- "$2" <<<"$err"; then
    bad "$1: stderr is not one line matching /$2/: ${err:0:1000}"
  elif [ -n "$out" ]; then
    bad "$1: something on stdout: ${out:0:300}"
  else
    ok
  fi
  plain "$1"
}

# same_as_reference NAME CMD: the last run printed exactly what the reference run of CMD did.
same_as_reference() {
  if [ "$rc" = 0 ] && cmp -s "$tmp/ref-$2.out" "$tmp/out" && cmp -s "$tmp/ref-$2.err" "$tmp/err"; then ok
  else bad "$1: exit $rc, not the reference: $(diff "$tmp/ref-$2.out" "$tmp/out" | head -5) ${err:0:300}"; fi
}

# audit_fault FAULT PATTERN: each command meets FAULT in the middle of its work, then runs again
# once it cleared.
audit_fault() {
  local c m n hit
  for c in "${CMDS[@]}"; do
    m=${AT[$c]}
    n=$(awk -v m="$m" '$1 == m {print $2}' "$tmp/calls-$c")
    [ "${n:-0}" -ge 2 ] || { bad "policy $c makes ${n:-0} $m calls: no middle to hit"; continue; }
    hit=$(faulted)
    fault "{\"fault\": \"$1\", \"method\": \"$m\", \"skip\": $((n / 2))}"
    audit "$c"
    one_sentence "policy $c meets $1 at $m $((n / 2 + 1)) of $n" "^kmsctl: .*$2"
    [ "$(faulted)" -gt "$hit" ] && ok || bad "policy $c: the $1 fault never hit $m"
    fault '{"fault": "none"}'
    audit "$c"
    same_as_reference "policy $c after $1" "$c"
  done
}

t0=$(date +%s%N)
audit_fault garbage "http://127.0.0.1:[0-9]+: the reply is not JSON \\(not valid JSON: "
audit_fault truncated "http://127.0.0.1:[0-9]+: the reply is not JSON \\(not valid JSON: "
audit_fault http500 "http://127.0.0.1:[0-9]+: the node answered HTTP 500$"
audit_fault hang "http://127.0.0.1:[0-9]+: no answer within 1000 ms \\(4 attempts\\)$"
audit_fault reset "http://127.0.0.1:[0-9]+: the connection broke before the whole reply arrived \\(4 attempts\\)$"
audit_fault wrong-id "http://127.0.0.1:[0-9]+: the reply answers another request \\(id\\)$"

# --- a node on another chain than the manifest's: its addresses mean nothing there ---
for c in "${CMDS[@]}"; do
  fault '{"fault": "chain-id", "value": "0x1"}'
  audit "$c"
  one_sentence "policy $c on a node that says chain 1" \
    "^kmsctl: the manifest is for chain 31337, but the node at http://127.0.0.1:[0-9]+ is on chain 1: check --rpc-url$"
  fault '{"fault": "none"}'
  audit "$c"
  same_as_reference "policy $c once the chain id is back" "$c"
done
echo "faults_read: the audit under faults: $(ms_since "$t0") ms"

# --- one HTTP 500 at each request in turn: every call counts ---
t0=$(date +%s%N)
for c in "${CMDS[@]}"; do
  while read -r m n; do
    wrong=""
    for k in $(seq 0 $((n - 1))); do
      fault "{\"fault\": \"http500\", \"method\": \"$m\", \"skip\": $k, \"count\": 1}"
      audit "$c"
      lines=$(printf '%s\n' "$err" | grep -c .)
      [ "$rc" = 1 ] && [ "$lines" = 1 ] && [ -z "$out" ] && grep -q "the node answered HTTP 500" <<<"$err" ||
        wrong+=" $((k + 1)) (exit $rc: ${err:0:200}$([ "$rc" = 0 ] && ! cmp -s "$tmp/ref-$c.out" "$tmp/out" &&
          echo "printed what differs from the reference: $(diff "$tmp/ref-$c.out" "$tmp/out" | head -3 | tr '\n' ' ')"))"
    done
    [ -z "$wrong" ] && ok || bad "policy $c, one HTTP 500 at $m call$wrong of $n"
  done <"$tmp/calls-$c"
done
fault '{"fault": "none"}'
echo "faults_read: one failed call at every position: $(ms_since "$t0") ms"

# ===== 2. kmsctl serve through the proxy =====
"$KMSCTL" serve --kms "$KMS" --rpc-url "$PROXY" --port 0 --timeout 500ms --head-poll 100ms \
  2>"$tmp/serve.log" </dev/null &
serve_pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\) .*/\1/p' "$tmp/serve.log")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "faults_read: serve did not start: $(cat "$tmp/serve.log")"; exit 1; }
BOOT=$(printf '{"mrAggregated":"%s","osImageHash":"%s","appId":"00","composeHash":"00","instanceId":"01","deviceId":"%s","tcbStatus":"UpToDate","advisoryIds":[]}' \
  "$(h 22)" "$(h 11)" "$(h 33)")

# post: one boot; sets code and body.
post() {
  body=$(curl -s -o - -w '\n%{http_code}' -H 'Content-Type: application/json' --data-binary "$BOOT" \
    "http://127.0.0.1:$port/bootAuth/kms")
  code=${body##*$'\n'}
  body=${body%$'\n'*}
}

# serve_fault NAME FAULT_JSON [GRACE]: allowed before; during the fault every one of 6 requests
# fails closed (after up to GRACE ms for the tracker to see it, 0 unless given); allowed again
# within 1000 ms once it clears.
serve_fault() {
  local name=$1 grace=${3:-0} closed=0 allowed=0 t back=""
  post
  [ "$code $body" = "200 $ALLOWED" ] && ok || bad "serve before $name: $code $body"
  fault "$2"
  t=$(date +%s%N)
  while [ "$grace" -gt 0 ] && [ "$(ms_since "$t")" -le "$grace" ]; do
    post
    [ "$code $body" = "200 $UNAVAILABLE" ] && break
    [ "$code $body" = "200 $ALLOWED" ] || { bad "serve, $name coming: $code $body"; break; }
    sleep 0.01
  done
  [ "$grace" -gt 0 ] && { [ "$code $body" = "200 $UNAVAILABLE" ] && ok ||
    bad "serve, $name: not closed after $(ms_since "$t") ms: $code $body"; }
  for _ in $(seq 6); do
    post
    [ "$code $body" = "200 $UNAVAILABLE" ] && closed=$((closed + 1))
    [ "$body" = "$ALLOWED" ] && allowed=$((allowed + 1))
  done
  [ "$closed" = 6 ] && ok || bad "serve, $name: $closed of 6 requests failed closed, $allowed allowed (last: $code $body)"
  fault '{"fault": "none"}'
  t=$(date +%s%N)
  while [ "$(ms_since "$t")" -lt 3000 ]; do
    post
    [ "$body" = "$ALLOWED" ] && { back=$(ms_since "$t"); break; }
    [ "$code $body" = "200 $UNAVAILABLE" ] || { bad "serve, $name clearing: $code $body"; break; }
    sleep 0.01
  done
  [ -n "$back" ] && [ "$back" -le 1000 ] && ok || bad "serve after $name: allowed again after ${back:-more than 3000} ms"
  echo "faults_read: serve, $name: allowed again after ${back:-more than 3000} ms"
}

t0=$(date +%s%N)
for f in garbage truncated http500 hang reset wrong-id; do
  serve_fault "$f on every call" "{\"fault\": \"$f\"}"
  serve_fault "$f on the decision's eth_call" "{\"fault\": \"$f\", \"method\": \"eth_call\"}"
done
serve_fault "a node that says chain 1" '{"fault": "chain-id", "value": "0x1"}' 1000
grep -q "provider $PROXY is on chain 1, not 31337" "$tmp/serve.log" &&
  grep -q "provider $PROXY is on chain 31337 again" "$tmp/serve.log" && ok ||
  bad "serve: no log line for the chain change: $(grep -v 'decision=' "$tmp/serve.log" | tail -5)"
grep -q 'decision=unavailable .* why="http://127.0.0.1:[0-9]*: on another chain"' "$tmp/serve.log" && ok ||
  bad "serve: the log does not say why the requests on another chain failed closed"
echo "faults_read: serve under faults: $(ms_since "$t0") ms"
kill -TERM "$serve_pid"
wait "$serve_pid"
rc=$?
serve_pid=""
[ "$rc" = 0 ] && ok || bad "serve: SIGTERM: exit $rc"

echo "faults_read: $(($(date +%s) - t_start)) s"
summary faults_read
