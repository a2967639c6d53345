#!/usr/bin/env bash
# Measures our contracts' gas on a local anvil the way reference/gas.csv describes; fails if any row is above it.
# Writes contracts/gas-report.csv (operation,ours,reference,ratio). Uses anvil's unlocked dev accounts.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=node_modules/@foundry-rs
ANVIL=$BIN/anvil-linux-amd64/bin/anvil CAST=$BIN/cast-linux-amd64/bin/cast
ART=${GAS_ARTIFACTS:-contracts/artifacts} REF=contracts/reference/gas.csv OUT=contracts/gas-report.csv

tmp=$(mktemp -d)
anvil_pid=""
cleanup() { [ -n "$anvil_pid" ] && kill "$anvil_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
$ANVIL --host 127.0.0.1 --port "$PORT" >"$tmp/anvil.log" 2>&1 &
anvil_pid=$!
export ETH_RPC_URL="http://127.0.0.1:$PORT"
for _ in $(seq 100); do $CAST chain-id >/dev/null 2>&1 && break; sleep 0.1; done
read -r A0 A1 A2 < <($CAST rpc eth_accounts | node -pe 'JSON.parse(require("fs").readFileSync(0)).slice(0,3).join(" ")')

code() { node -p "require(require('path').resolve('$ART/$1.json')).bytecode"; }
hexbytes() { node -p "'0x' + '$2'.repeat($1)"; } # hexbytes N BYTEHEX -> N copies of one non-zero byte
key() { node -p "'0x' + '$1'.repeat(32)"; }       # a bytes32 key with no zero byte

echo "operation,ours,reference,ratio" >"$OUT"
fail=0
row() { printf '%-62s %9s %9s %s\n' "$@"; } # the terminal table: a header, then one row per operation
echo "gas: ours = our contracts' gas, reference = contracts/reference/gas.csv, ratio = ours / reference; a row above 1 fails"
row operation ours reference ratio
record() { # record OPERATION GAS
  local ref ratio
  ref=$(awk -F, -v op="$1" '$1 == op { print $2 }' "$REF")
  [ -n "$ref" ] || { echo "gas: no reference row for $1" >&2; exit 1; }
  ratio=$(awk -v a="$2" -v b="$ref" 'BEGIN { printf "%.4f", a / b }')
  echo "$1,$2,$ref,$ratio" >>"$OUT"
  row "$1" "$2" "$ref" "$ratio"
  if [ "$2" -gt "$ref" ]; then echo "gas: ABOVE reference: $1" >&2; fail=1; fi
}
send() { # send OPERATION FROM cast-send-args... ; sets RECEIPT
  local op=$1 from=$2; shift 2
  RECEIPT=$($CAST send --unlocked --from "$from" --json "$@")
  [ "$(field status)" = 0x1 ] || { echo "gas: $op failed: $RECEIPT" >&2; exit 1; }
  record "$op" $(($(field gasUsed)))
}
field() { printf '%s' "$RECEIPT" | sed -n "s/.*\"$1\":\"\(0x[0-9a-fA-F]*\)\".*/\1/p"; }
estimate() { # estimate OPERATION TO SIG ARGS...
  local op=$1 gas; shift
  gas=$($CAST estimate --from "$A0" "$@") || { echo "gas: $op: estimate failed" >&2; exit 1; }
  record "$op" "$gas"
  if [ -n "${GAS_SEND_VIEWS:-}" ]; then # diagnostics: the same call as a transaction, its gasUsed
    RECEIPT=$($CAST send --unlocked --from "$A0" --json "$@"); echo "  gasUsed as a transaction: $(($(field gasUsed)))"
  fi
}

send deploy:DstackApp_impl "$A0" --create "$(code DstackApp)"; APP_IMPL=$(field contractAddress)
send deploy:DstackKms_impl "$A0" --create "$(code DstackKms)"; KMS_IMPL=$(field contractAddress)
init=$($CAST calldata "initialize(address,address)" "$A0" "$APP_IMPL")
send "deploy:ERC1967Proxy(DstackKms_impl;initialize(acct0;appImpl))" "$A0" \
  --create "$(code ERC1967Proxy)" "constructor(address,bytes)" "$KMS_IMPL" "$init"
KMS=$(field contractAddress)
send "deploy:TimelockController(86400;[acct1];[acct1];0x0)" "$A0" \
  --create "$(code TimelockController)" "constructor(uint256,address[],address[],address)" 86400 "[$A1]" "[$A1]" 0x0000000000000000000000000000000000000000

ZERO32=0x$(printf "00%.0s" $(seq 32)) K1=$(key 11) K2=$(key 22) D=$(key 33) C=$(key 44) OTHER=$(key 55) NOAPP=0x000000000000000000000000000000000000dEaD # never registered
send "kms.setKmsInfo(33B;33B;5000B;5000B)" "$A0" "$KMS" "setKmsInfo((bytes,bytes,bytes,bytes))" \
  "($(hexbytes 33 02),$(hexbytes 33 03),$(hexbytes 5000 aa),$(hexbytes 5000 bb))"
send "kms.setKmsQuote(5000B)" "$A0" "$KMS" "setKmsQuote(bytes)" "$(hexbytes 5000 cc)"
send "kms.setKmsEventlog(5000B)" "$A0" "$KMS" "setKmsEventlog(bytes)" "$(hexbytes 5000 dd)"
send "kms.setGatewayAppId(gw-test)" "$A0" "$KMS" "setGatewayAppId(string)" gw-test
send "kms.setAppImplementation(same)" "$A0" "$KMS" "setAppImplementation(address)" "$APP_IMPL"
for f in KmsAggregatedMr KmsDevice OsImageHash; do
  send "kms.add$f" "$A0" "$KMS" "add$f(bytes32)" "$K1"
  send "setup:kms.add$f(2nd)" "$A0" "$KMS" "add$f(bytes32)" "$K2"
  send "kms.remove$f" "$A0" "$KMS" "remove$f(bytes32)" "$K2"
done
send "kms.registerApp(eoa)" "$A0" "$KMS" "registerApp(address)" "$A2"
# The 6-argument app (requires an up-to-date TCB, one device) answers the isAppAllowed estimates;
# the 5-argument app takes the app.* management calls.
send "kms.deployAndRegisterApp(6-arg)" "$A0" "$KMS" \
  "deployAndRegisterApp(address,bool,bool,bool,bytes32,bytes32)" "$A0" false true false "$D" "$C"
APP6=0x$(printf '%s' "$RECEIPT" | node -pe 'JSON.parse(require("fs").readFileSync(0)).logs.at(-1).topics[1].slice(26)')
send "kms.deployAndRegisterApp(5-arg)" "$A0" "$KMS" \
  "deployAndRegisterApp(address,bool,bool,bytes32,bytes32)" "$A0" false false "$D" "$C"
APP=0x$(printf '%s' "$RECEIPT" | node -pe 'JSON.parse(require("fs").readFileSync(0)).logs.at(-1).topics[1].slice(26)')
send app.addComposeHash "$A0" "$APP" "addComposeHash(bytes32)" "$K1"
send app.removeComposeHash "$A0" "$APP" "removeComposeHash(bytes32)" "$C"
send app.addDevice "$A0" "$APP" "addDevice(bytes32)" "$K1"
send app.removeDevice "$A0" "$APP" "removeDevice(bytes32)" "$D"
send "app.setAllowAnyDevice(true)" "$A0" "$APP" "setAllowAnyDevice(bool)" true
send "app.setRequireTcbUpToDate(true)" "$A0" "$APP" "setRequireTcbUpToDate(bool)" true
send app.disableUpgrades "$A0" "$APP" "disableUpgrades()"
send "app.transferOwnership(acct1)" "$A0" "$APP" "transferOwnership(address)" "$A1"
send app.acceptOwnership "$A1" "$APP" "acceptOwnership()"

# Boot info: gas.csv fixes only advisoryIds=[]; the rest is ours, chosen like a webhook request
# without the optional fields: mrSystem zero, tcbStatus "" for the TCB denials, every other field
# non-zero with no zero byte (the costlier calldata). Each zero byte more or less moves a row by 12 gas.
BI="(address,bytes32,address,bytes32,bytes32,bytes32,bytes32,string,string[])"
boot() { # boot APPID COMPOSE DEVICE MR OSIMAGE TCB
  echo "($1,$2,$A2,$3,$4,$ZERO32,$5,$6,[])"
}
kapp() { estimate "estimate:kms.isAppAllowed:$1" "$KMS" "isAppAllowed($BI)" "$(boot "${@:2}")"; }
kapp allowed "$APP6" "$C" "$D" "$K1" "$K1" UpToDate
kapp deny_app_not_registered "$NOAPP" "$C" "$D" "$K1" "$K1" UpToDate
kapp deny_os_image "$APP6" "$C" "$D" "$K1" "$OTHER" UpToDate
kapp deny_app_not_deployed "$A2" "$C" "$D" "$K1" "$K1" UpToDate
kapp deny_app_tcb "$APP6" "$C" "$D" "$K1" "$K1" '""'
kapp deny_app_compose_hash "$APP6" "$OTHER" "$D" "$K1" "$K1" UpToDate
kapp deny_app_device "$APP6" "$C" "$OTHER" "$K1" "$K1" UpToDate
dapp() { estimate "estimate:app.isAppAllowed(direct):$1" "$APP6" "isAppAllowed($BI)" "$(boot "${@:2}")"; }
dapp allowed "$APP6" "$C" "$D" "$K1" "$K1" UpToDate
dapp deny_tcb "$APP6" "$C" "$D" "$K1" "$K1" '""'
dapp deny_compose_hash "$APP6" "$OTHER" "$D" "$K1" "$K1" UpToDate
dapp deny_device "$APP6" "$C" "$OTHER" "$K1" "$K1" UpToDate
kms() { estimate "estimate:kms.isKmsAllowed:$1" "$KMS" "isKmsAllowed($BI)" "$(boot "${@:2}")"; }
kms allowed "$APP6" "$C" "$K1" "$K1" "$K1" UpToDate
kms deny_tcb "$APP6" "$C" "$K1" "$K1" "$K1" '""'
kms deny_os_image "$APP6" "$C" "$K1" "$K1" "$OTHER" UpToDate
kms deny_aggregated_mr "$APP6" "$C" "$K1" "$OTHER" "$K1" UpToDate
kms deny_device "$APP6" "$C" "$OTHER" "$K1" "$K1" UpToDate

send "kms.transferOwnership(acct1)" "$A0" "$KMS" "transferOwnership(address)" "$A1"
send kms.acceptOwnership "$A1" "$KMS" "acceptOwnership()"
send "deploy:DstackKms_impl(2nd)" "$A0" --create "$(code DstackKms)"; KMS_IMPL2=$(field contractAddress)
send "kms.upgradeToAndCall(impl2;0x)" "$A1" "$KMS" "upgradeToAndCall(address,bytes)" "$KMS_IMPL2" 0x

rows=$(($(wc -l <"$OUT") - 1)) refrows=$(grep -c '^[a-z]' "$REF")
[ "$rows" = "$((refrows - 1))" ] || { echo "gas: measured $rows rows, reference has $((refrows - 1))" >&2; fail=1; }
if [ "$fail" = 0 ]; then echo "gas: ok, $rows rows at or below the reference ($OUT)"; else echo "gas: FAIL (see $OUT)" >&2; fi
exit "$fail"
