#!/usr/bin/env bash
# tests/integration/policy_model.sh KMSCTL: the policy audit against a model of the policy.
#   Under model C (a 2-of-3 Safe proposing to a 60 s timelock) a scripted series of changes
#   runs through governance: OS images, KMS aggregated MRs and KMS devices added, removed and
#   re-added; an app deployed through the factory by its own account, whose compose hashes and
#   devices it changes directly, then handed to the timelock (transferOwnership, accepted
#   through governance) and changed through governance; a stranger registering a contract of
#   its own and the app again; the KMS and the app upgraded through governance; an operation
#   left scheduled and a Safe proposal left with one signature.
#   policy_model.js keeps the model from these actions alone, never from kmsctl's output (the
#   deployment's addresses come from its manifest, checked against the chain; the app's and
#   the new implementations' from the creators' nonces): every set in its order, every single
#   value, every change with its actor and path, the timelock operation ids (the suite
#   executes by the model's id) and Safe transaction hashes (computed with cast and the Safe's
#   own getTransactionHash). Then `policy show --json` (now and at three past blocks), `history
#   --json` (all, and since a block), `diff --json` (two spans), `pending --json` and `policy
#   watch --json` (started before the last round) must match it exactly. About 15 s (20 s
#   through the ASan+UBSan binary).
# Every anvil and background process started here is stopped on every exit path.
# shellcheck source=../support/suite.sh
. "$(dirname "$0")/../support/suite.sh" policy_model.sh "$@"
bg=""
cleanup() {
  [ -n "$bg" ] && kill "$bg" 2>/dev/null
  "$KMSCTL" devnet stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# anvil's dev accounts 0-6: 0 deploys and executes, 1-3 own the Safe, 4 owns the app at first,
# 5 is the stranger, 6 executes too
ADDR=(0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 0x70997970C51812dc3A010C7d01b50e0d17dc79C8
      0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC 0x90F79bf6EB2c4f870365E785982E1f101E93b906
      0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc
      0x976EA74026E726554dB657fA54763abd0C3a0aa9)
KEY5=0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba # anvil's public key 5
head_block() { "$CAST" block-number --rpc-url "$URL"; }
call() { "$CAST" call --rpc-url "$URL" "$@"; }
# next_address ADDR: where ADDR's next contract creation lands (its nonce now)
next_address() {
  "$CAST" compute-address "$1" --nonce "$("$CAST" nonce "$1" --rpc-url "$URL")" | sed 's/.*: //'
}

export CAST
m() { node "$ROOT/tests/integration/policy_model.js" "$tmp/model.json" "$@"; }
# mcheck COMMAND ARGS: one check per line the model's comparison prints
mcheck() {
  local line n=0
  while IFS= read -r line; do
    n=$((n + 1))
    case $line in "ok "*) ok ;; *) bad "$line" ;; esac
  done < <(m "$@" 2>&1)
  [ "$n" -gt 0 ] || bad "$1: the model compared nothing"
}

"$KMSCTL" devnet start --port 0 >/dev/null 2>&1 || { echo "policy_model: devnet start failed"; exit 1; }
URL=$(field "$KMSCTL_DEVNET_DIR/state.json" url)
export URL
mkdir props

# ===== the deployment: a 2-of-3 Safe proposes to a 60 s timelock =====
B=$(head_block)
expect "deploy model C" 0 "Deployed" deploy --devnet --model safe-timelock \
  --safe-owners "${ADDR[1]},${ADDR[2]},${ADDR[3]}" --safe-threshold 2 --min-delay 60s
BD=$(head_block)
KMS=$(field kmsctl-deployment.json contracts.dstackKms.address)
TL=$(field kmsctl-deployment.json contracts.timelock.address)
SAFE=$(field kmsctl-deployment.json contracts.safe.address)
KMSIMPL=$(field kmsctl-deployment.json contracts.dstackKmsImplementation.address)
APPIMPL=$(field kmsctl-deployment.json contracts.dstackAppImplementation.address)
# the manifest's addresses are what the chain says
[ "$(call "$KMS" 'owner()(address)')" = "$TL" ] && [ "$(call "$KMS" 'appImplementation()(address)')" = "$APPIMPL" ] &&
  [ "$("$CAST" storage --rpc-url "$URL" "$KMS" 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc)" = \
    "$(printf '0x%024d%s' 0 "$(echo "${KMSIMPL:2}" | tr 'A-F' 'a-f')")" ] &&
  [ "$(call "$TL" 'hasRole(bytes32,address)(bool)' "$("$CAST" keccak PROPOSER_ROLE)" "$SAFE")" = true ] &&
  [ "$(call "$SAFE" 'getOwners()(address[])')" = "[${ADDR[1]}, ${ADDR[2]}, ${ADDR[3]}]" ] &&
  ok || bad "the manifest's addresses do not match the chain"
m init $((B + 1)) "$BD" "${ADDR[0]}" "$KMS" "$KMSIMPL" "$APPIMPL" "$TL" "$SAFE" 60 2 \
  "${ADDR[1]}" "${ADDR[2]}" "${ADDR[3]}" || bad "model init failed"

nsalt=0
declare -A OPID
# schedule NAME PROPOSER COSIGNER EXECUTOR TARGET ACTION ARG [ACTION ARG]...: dev account
# PROPOSER proposes the calls on TARGET (the KMS or an app) as one timelock operation with a
# salt of its own (a batch when there are several), COSIGNER signs, EXECUTOR executes the Safe
# transaction, which schedules it. ACTION upgrade takes the address the new implementation
# will have (deployed by PROPOSER); accept-ownership takes "".
schedule() {
  local name=$1 p=$2 c=$3 x=$4 target=$5 salt cmd
  shift 5
  salt=$(printf '0x%064x' $((nsalt += 1)))
  if [ "$target" = "$KMS" ]; then cmd=(kms); else cmd=(app); fi
  if [ "$1" = upgrade ]; then cmd+=(upgrade --deploy); else cmd+=("$1" ${2:+"$2"}); fi
  [ "$target" != "$KMS" ] && cmd+=(--app "$target")
  if [ $# -gt 2 ]; then
    printf '%s %s\n' "${@:3}" >"$name.batch"
    cmd+=(--batch "$name.batch")
  fi
  expect "$name: proposed" 0 "Safe proposal" "${cmd[@]}" --salt "$salt" --dev-account "$p" --out "props/$name.json"
  expect "$name: signed" 0 "signed as ${ADDR[$c]}" safe sign "props/$name.json" --dev-account "$c" --yes
  expect "$name: scheduled" 0 "Safe.execTransaction: done" safe exec "props/$name.json" --dev-account "$x"
  OPID[$name]=$(m scheduled "$name" "$(head_block)" "$salt" "${ADDR[$x]}" "${ADDR[$p]},${ADDR[$c]}" \
    "$target" "$@") || bad "$name: the model could not compute the operation: ${OPID[$name]}"
}

# execute NAME PROPOSER COSIGNER EXECUTOR: the Safe executes operation NAME (its id as the
# model computed it), proposed, signed and executed by those dev accounts.
execute() {
  local name=$1 p=$2 c=$3 x=$4
  expect "$name: execution proposed" 0 "Safe proposal" timelock execute "${OPID[$name]}" \
    --dev-account "$p" --out "props/x-$name.json"
  expect "$name: execution signed" 0 "signed as ${ADDR[$c]}" safe sign "props/x-$name.json" \
    --dev-account "$c" --yes
  expect "$name: executed" 0 "Safe.execTransaction: done" safe exec "props/x-$name.json" --dev-account "$x"
  m executed "$name" "$(head_block)" "${ADDR[$x]}" "${ADDR[$p]},${ADDR[$c]}" || bad "$name: model failed"
}

# direct ACCOUNT TARGET ACTION ARG: dev account ACCOUNT sends ACTION itself (the app's owner,
# or anyone for register-app).
direct() {
  local a=$1 target=$2 action=$3 arg=$4
  if [ "$target" = "$KMS" ]; then
    expect "$action $arg by $a" 0 "done: DstackKms" kms "$action" "$arg" --dev-account "$a"
  else
    expect "$action $arg by $a" 0 "done: DstackApp" app "$action" "$arg" --app "$target" --dev-account "$a"
  fi
  m direct "$(head_block)" "${ADDR[$a]}" "$target" "$action" "$arg" || bad "$action: model failed"
}

travel() { expect "time travel" 0 "clock moved" devnet time-travel 61s; }

I1=$(h 11) I2=$(h 12) I3=$(h 13) I4=$(h 14) I5=$(h 15)
M1=$(h a1) M2=$(h a2) D1=$(h d1) D2=$(h d2) D3=$(h d3)
C1=$(h c1) C2=$(h c2) E1=$(h e1) E2=$(h e2) E3=$(h e3)

# ===== round 1: the KMS's sets filled; an app from the factory; a stranger =====
schedule op1 1 2 0 "$KMS" add-os-image-hash "$I1" add-os-image-hash "$I2" add-os-image-hash "$I3" \
  add-kms-aggregated-mr "$M1" add-kms-aggregated-mr "$M2" add-kms-device "$D1" add-kms-device "$D2"
APP=$(next_address "$KMS")
expect "deploy an app through the factory" 0 "" kms deploy-app --dev-account 4 --device "$E1" \
  --compose-hash "$C1" --json
check "the app is where the KMS's nonce puts it" 'v.app === "'"$APP"'"'
m deploy-app "$(head_block)" "${ADDR[4]}" "$APP" "${ADDR[4]}" "$E1" "$C1" || bad "deploy-app: model failed"
direct 4 "$APP" add-compose-hash "$C2"
direct 4 "$APP" add-device "$E2"
direct 4 "$APP" remove-compose-hash "$C1"
# a stranger registers a contract of its own (its code: STOP), then the app again by hand
XC=$(next_address "${ADDR[5]}")
"$CAST" send --rpc-url "$URL" --private-key "$KEY5" --create 0x6001600c60003960016000f300 >/dev/null &&
  [ "$("$CAST" code --rpc-url "$URL" "$XC")" = 0x00 ] && ok || bad "the stranger's contract is not at $XC"
direct 5 "$KMS" register-app "$XC"
"$CAST" send --rpc-url "$URL" --private-key "$KEY5" "$KMS" 'registerApp(address)' "$APP" >/dev/null &&
  ok || bad "the stranger could not register the app again"
m direct "$(head_block)" "${ADDR[5]}" "$KMS" register-app "$APP" || bad "register: model failed"
travel
execute op1 2 3 6
B_R1=$(head_block)

# ===== round 2: removals; the app handed to the timelock =====
direct 4 "$APP" transfer-ownership "$TL"
B_T=$(head_block) # the hand-over is pending here
schedule op2 1 3 6 "$KMS" remove-os-image-hash "$I1" remove-kms-aggregated-mr "$M1" \
  remove-kms-device "$D2" add-os-image-hash "$I4"
schedule op3 2 3 0 "$APP" accept-ownership ""
travel
execute op2 1 2 0
execute op3 3 1 6
B_MID=$(head_block)

# ===== round 3, watched: re-adds, the app through governance, upgrades =====
OP4=(add-os-image-hash "$I1" add-kms-aggregated-mr "$M1" add-kms-device "$D2" remove-os-image-hash "$I3")
OP5=(add-compose-hash "$C1" remove-device "$E1" add-device "$E3")
OP8=(add-device "$E1" remove-compose-hash "$C2")
changes=$(((${#OP4[@]} + ${#OP5[@]} + ${#OP8[@]}) / 2 + 2)) # and the two upgrades
timeout 100 "$KMSCTL" policy watch --json --interval 1 --max-changes "$changes" >watch.out 2>watch.err &
bg=$!
for _ in $(seq 100); do grep -qs "watching" watch.err && break; sleep 0.1; done
grep -q "from block $((B_MID + 1)) " watch.err && ok || bad "watch did not start at block $((B_MID + 1)): $(cat watch.err)"
schedule op4 2 1 0 "$KMS" "${OP4[@]}"
schedule op5 3 2 6 "$APP" "${OP5[@]}"
schedule op6 1 2 0 "$KMS" upgrade "$(next_address "${ADDR[1]}")"
schedule op7 1 3 0 "$APP" upgrade "$(next_address "${ADDR[1]}")"
travel
execute op4 1 2 0
execute op5 2 3 6
execute op6 3 2 0
execute op7 1 2 0
schedule op8 2 3 0 "$APP" "${OP8[@]}"
travel
execute op8 3 1 0
# left scheduled, and a proposal with one signature of two
schedule op9 1 2 0 "$KMS" remove-os-image-hash "$I2" add-kms-device "$D3"
expect "a proposal left unsigned by a second owner" 0 "1 of 2 signatures" kms add-os-image-hash "$I5" \
  --salt "$(printf '0x%064x' 99)" --dev-account 3 --out props/open.json
m proposal props/open.json "$(printf '0x%064x' 99)" add-os-image-hash "$I5" || bad "proposal: model failed"
wait "$bg"
rc=$?
bg=""
[ "$rc" = 0 ] && ok || bad "watch exited $rc: $(cat watch.err)"
B_END=$(head_block)

# ===== kmsctl against the model =====
expect "show --json" 0 "" policy show --json
mcheck check-show "$tmp/out" "$B_END"
for at in "$B_R1" "$B_T" "$B_MID"; do
  expect "show --at-block $at" 0 "" policy show --at-block "$at" --json
  mcheck check-show "$tmp/out" "$at"
done
expect "history --json" 0 "" policy history --json
mcheck check-history "$tmp/out"
expect "history --since" 0 "" policy history --since $((B_MID + 1)) --json
mcheck check-history "$tmp/out" $((B_MID + 1))
expect "diff from the middle" 0 "" policy diff --from "$B_MID" --json
mcheck check-diff "$tmp/out" "$B_MID" "$B_END"
expect "diff up to the middle" 0 "" policy diff --from "$BD" --to "$B_MID" --json
mcheck check-diff "$tmp/out" "$BD" "$B_MID"
expect "diff for people: the stranger's contract" 0 \
  "^  \+ app ${XC:0:6}\.\.${XC:38:4}: app not a DstackApp \(its policy cannot be read\)$" \
  policy diff --from "$BD" --to "$B_MID"
expect "pending --json" 0 "" policy pending --json --proposals props
mcheck check-pending "$tmp/out"
mcheck check-watch "$tmp/watch.out" "$B_MID"

summary policy_model
