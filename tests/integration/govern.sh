#!/usr/bin/env bash
# tests/integration/govern.sh KMSCTL: governance on a devnet, the same command lines for every
# model.
#   Model C (a 2-of-3 Safe proposes to a 1-day timelock): addOsImageHash proposed, signed by two
#   owners in separate files (one with no RPC), merged, executed (which schedules); an early
#   execute names the ready time; after time travel the execute (a Safe proposal of its own,
#   the Safe being the executor) runs and the image is allowed. The same for a batch (image, MR,
#   device), an upgrade of DstackKms that keeps every stored value, refused upgrades (the other
#   contract, an incompatible layout, unknown code), a cancel, an app's compose hash, a hand-over
#   of an app to the Safe, and a Transaction Builder round trip.
#   Models A and B run the same actions with the same command lines.
#   A Safe with a Safe among its owners (it owns an app): the inner Safe's owners sign with
#   --for-safe (one offline), status counts them, exec packs their contract signature
#   (EIP-1271) and runs; policy history names the inner Safe's signers.
#   Errors come out as sentences: not the owner, already scheduled, not ready, no change.
# Every anvil started here is stopped on every exit path.
# shellcheck source=../support/suite.sh
. "$(dirname "$0")/../support/suite.sh" govern.sh "$@"
trap '"$KMSCTL" devnet stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

printf '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a\n' >dev2.key
chmod 600 dev2.key

"$KMSCTL" devnet start --port 0 >/dev/null 2>&1 || { echo "govern: devnet start failed"; exit 1; }
URL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).url)' "$KMSCTL_DEVNET_DIR/state.json")
call() { "$CAST" call --rpc-url "$URL" "$@"; }

# sign_exec FILE: owners 1 and 2 sign (2 with no chain at all) in copies, merged by exec.
sign_exec() {
  local f=$1
  cp "$f" "$f.b"
  expect "sign $f as owner 1" 0 "signed as $DEV1" safe sign "$f" --dev-account 1 --yes
  KMSCTL_DEVNET_DIR="$tmp/none" expect "sign $f offline as owner 2" 0 "signed as $DEV2" \
    safe sign "$f.b" --private-key-file dev2.key --yes
  grep -q "no RPC" "$tmp/err" && ok || bad "the offline signer was not told the hash is unchecked"
  expect "status of the merged copies" 0 '"ready":true' safe status "$f" "$f.b" --json
  check "the Safe's own getTransactionHash agrees" 'v.hashCheckedOnChain === true'
  expect "exec $f" 0 "Safe.execTransaction: done" safe exec "$f" "$f.b" --dev-account 0
}

# op_id: the newest pending operation's id.
op_id() { "$KMSCTL" timelock list --json 2>/dev/null | node -e 'let s = "";
  process.stdin.on("data", d => s += d).on("end", () => { const a = JSON.parse(s); console.log(a[a.length - 1].id); })'; }

# execute_op ID: the Safe executes the ready operation (a proposal of its own).
execute_op() {
  expect "execute $1 (a Safe proposal: the Safe is the executor)" 0 "Safe proposal" \
    timelock execute "$1" --dev-account 0 --out "exec-$1.json"
  sign_exec "exec-$1.json"
}

# ===== Model C =====
expect "deploy model C" 0 "Deployed" deploy --devnet --model safe-timelock \
  --safe-owners "$DEV1,$DEV2,$DEV3" --safe-threshold 2 --min-delay 1d
KMS=$(field kmsctl-deployment.json contracts.dstackKms.address)
TL=$(field kmsctl-deployment.json contracts.timelock.address)
SAFE=$(field kmsctl-deployment.json contracts.safe.address)

# --- one image through Safe -> timelock ---
expect "propose addOsImageHash" 0 "Safe proposal p1.json .* 0 of 2 signatures" \
  kms add-os-image-hash "$(h 11)" --dev-account 0 --out p1.json
grep -q "schedule(" "$tmp/err" && ok || bad "the proposal was not shown decoded: $err"
sign_exec p1.json
ID=$(op_id)
expect "execute early names the ready time" 1 "is not ready: it is ready at .* \(in 23 h 59 m|\(in 1 d" \
  timelock execute "$ID" --dev-account 0
expect "status in words" 0 "waiting, ready at" timelock status "$ID"
expect "time travel" 0 "" devnet time-travel 1d
execute_op "$ID"
[ "$(call "$KMS" 'allowedOsImages(bytes32)(bool)' "$(h 11)")" = true ] && ok || bad "image 11 is not allowed"
expect "adding it again changes nothing" 0 "nothing to do" kms add-os-image-hash "$(h 11)" --dev-account 0
expect "done operations are listed" 0 "done +1 call" timelock list --state done

# --- a batch: image + MR + device ---
printf 'add-kms-aggregated-mr %s\n# a comment\nadd-kms-device %s\n' "$(h 22)" "$(h 33)" >batch.txt
expect "propose a batch" 0 "Safe proposal" kms add-os-image-hash "$(h 44)" --batch batch.txt \
  --dev-account 0 --out p2.json
grep -q "scheduleBatch" "$tmp/err" && ok || bad "the batch is not one scheduleBatch"
sign_exec p2.json
ID=$(op_id)
"$KMSCTL" devnet time-travel 1d >/dev/null
execute_op "$ID"
[ "$(call "$KMS" 'allowedOsImages(bytes32)(bool)' "$(h 44)")" = true ] &&
  [ "$(call "$KMS" 'kmsAllowedAggregatedMrs(bytes32)(bool)' "$(h 22)")" = true ] &&
  [ "$(call "$KMS" 'kmsAllowedDeviceIds(bytes32)(bool)' "$(h 33)")" = true ] && ok ||
  bad "the batch did not take effect"

# --- the same operation twice: said so, with its state ---
expect "propose removal" 0 "Safe proposal" kms remove-os-image-hash "$(h 44)" --dev-account 0 --out p3.json
sign_exec p3.json
expect "the same operation again is found, not duplicated" 1 "scheduled already: it is waiting, ready at" \
  kms remove-os-image-hash "$(h 44)" --dev-account 0 --out p3b.json

# --- cancel ---
ID=$(op_id)
expect "cancel (a Safe proposal: the Safe cancels)" 0 "Safe proposal" timelock cancel "$ID" \
  --dev-account 0 --out cancel.json
sign_exec cancel.json
expect "a cancelled operation is listed as cancelled" 0 "cancelled" timelock list --state cancelled

# --- upgrade keeping every stored value ---
call "$KMS" 'allowedOsImages(bytes32)(bool)' "$(h 11)" >before.txt
call "$KMS" 'appImplementation()(address)' >>before.txt
call "$KMS" 'owner()(address)' >>before.txt
expect "upgrade through governance" 0 "storage layout: compatible" kms upgrade --deploy --dev-account 0 \
  --out up.json
sign_exec up.json
ID=$(op_id)
"$KMSCTL" devnet time-travel 1d >/dev/null
execute_op "$ID"
IMPL=$("$CAST" storage --rpc-url "$URL" "$KMS" 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc)
[ "$IMPL" != "0x000000000000000000000000$(field kmsctl-deployment.json contracts.dstackKmsImplementation.address | tr 'A-F' 'a-f' | cut -c3-)" ] &&
  ok || bad "the implementation did not change"
call "$KMS" 'allowedOsImages(bytes32)(bool)' "$(h 11)" >after.txt
call "$KMS" 'appImplementation()(address)' >>after.txt
call "$KMS" 'owner()(address)' >>after.txt
cmp -s before.txt after.txt && ok || bad "the upgrade changed stored values: $(diff before.txt after.txt)"

# --- refused upgrades ---
APPIMPL=$(field kmsctl-deployment.json contracts.dstackAppImplementation.address)
expect "a DstackApp behind the KMS proxy is refused" 1 "is a DstackApp implementation, not a DstackKms" \
  kms upgrade --implementation "$APPIMPL" --dev-account 0
# a contract that answers proxiableUUID() like a UUPS implementation, with code kmsctl does not know
UUPS=$("$CAST" send --rpc-url "$URL" --private-key 0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba \
  --create 0x602980600b6000396000f37f360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc60005260206000f3 \
  --json | node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).contractAddress))')
expect "unknown code needs a layout" 1 "matches no contract built into kmsctl: give its storage layout" \
  kms upgrade --implementation "$UUPS" --dev-account 0
node -e 'const a = require(process.argv[1]); const l = JSON.parse(JSON.stringify(a.storageLayout));
  const s = l.storage; const t = s[4].slot; s[4].slot = s[5].slot; s[5].slot = t;
  require("fs").writeFileSync("bad-layout.json", JSON.stringify(l))' "$ROOT/contracts/artifacts/DstackKms.json"
expect "an incompatible layout is refused, the slots named" 1 "not an append-only extension" \
  kms upgrade --implementation "$UUPS" --layout bad-layout.json --dev-account 0
grep -qE "slot [0-9]+: was" "$tmp/err" && ok || bad "the differing slots are not named: $err"

# --- an app owned by the timelock: its compose hash through governance ---
expect "deploy an app owned by the timelock" 0 "\"app\":\"0x" \
  kms deploy-app --owner "$TL" --dev-account 4 --json
APP=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).app)' "$tmp/out")
expect "propose a compose hash" 0 "Safe proposal" app add-compose-hash "$(h 55)" --app "$APP" \
  --dev-account 0 --out app1.json
sign_exec app1.json
ID=$(op_id)
"$KMSCTL" devnet time-travel 1d >/dev/null
execute_op "$ID"
[ "$(call "$APP" 'allowedComposeHashes(bytes32)(bool)' "$(h 55)")" = true ] && ok || bad "compose hash 55 not allowed"
expect "app info lists it" 0 "$(h 55)" app info --app "$APP"

# --- hand-over of an app to the Safe ---
expect "deploy an app owned by account 3" 0 "\"app\":\"0x" kms deploy-app --dev-account 3 --json
APP2=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).app)' "$tmp/out")
expect "transfer it to the Safe (sent by its owner)" 0 "done: DstackApp.transferOwnership" \
  app transfer-ownership "$SAFE" --app "$APP2" --dev-account 3
expect "the Safe accepts (a proposal: the pending owner is the Safe)" 0 "Safe proposal" \
  app accept-ownership --app "$APP2" --dev-account 0 --out accept.json
sign_exec accept.json
[ "$(call "$APP2" 'owner()(address)' | tr 'A-F' 'a-f')" = "$(echo "$SAFE" | tr 'A-F' 'a-f')" ] && ok || bad "the Safe does not own the app"
expect "the Safe's app: a compose hash is a Safe proposal of the call itself" 0 "Safe proposal" \
  app add-compose-hash "$(h 66)" --app "$APP2" --dev-account 0 --out app2.json
sign_exec app2.json
[ "$(call "$APP2" 'allowedComposeHashes(bytes32)(bool)' "$(h 66)")" = true ] && ok || bad "compose hash 66 not allowed"

# --- Transaction Builder round trip ---
expect "propose for export" 0 "Safe proposal" kms add-os-image-hash "$(h 77)" --batch batch.txt \
  --dev-account 0 --out tb.json --force
expect "export" 0 "wrote tbx.json" safe export tb.json --tx-builder tbx.json
expect "import" 0 "Safe proposal back.json" safe import tbx.json --safe "$SAFE" --out back.json
[ "$(field tb.json hashes.safeTxHash)" = "$(field back.json hashes.safeTxHash)" ] && ok ||
  bad "the round trip changed the transaction"

# ===== Model B: the same command lines, the deployer proposes =====
expect "deploy model B" 0 "Deployed" deploy --devnet --model timelock --min-delay 1h --manifest b.json
expect "model B: schedule" 0 "scheduled operation .* ready at" kms add-os-image-hash "$(h 88)" \
  --manifest b.json --dev-account 0
expect "model B: the same operation again" 1 "scheduled already" kms add-os-image-hash "$(h 88)" \
  --manifest b.json --dev-account 0
BID=$("$KMSCTL" timelock list --manifest b.json --json 2>/dev/null | node -e 'let s = "";
  process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s)[0].id))')
expect "model B: execute early" 1 "not ready" timelock execute "$BID" --manifest b.json --dev-account 0
timeout 60 "$KMSCTL" timelock execute "$BID" --manifest b.json --dev-account 0 --wait >wait.out 2>wait.err &
waiter=$!
sleep 3
"$KMSCTL" devnet time-travel 1h >/dev/null
wait "$waiter"
rc=$?
[ "$rc" = 0 ] && grep -q "done: timelock.execute" wait.out && grep -q "waiting: the operation is ready in" wait.err &&
  ok || bad "model B: --wait (exit $rc): $(cat wait.out wait.err)"
BKMS=$(field b.json contracts.dstackKms.address)
[ "$(call "$BKMS" 'allowedOsImages(bytes32)(bool)' "$(h 88)")" = true ] && ok || bad "model B: image not allowed"

# ===== Model A: the owner's key sends at once =====
expect "deploy model A" 0 "Deployed" deploy --devnet --model direct --manifest a.json
expect "model A: sent at once" 0 "done: DstackKms.addOsImageHash" kms add-os-image-hash "$(h 99)" \
  --manifest a.json --dev-account 0
expect "model A: not the owner's key" 1 "answers to the account .* not to the key given" \
  kms add-os-image-hash "$(h 98)" --manifest a.json --dev-account 5
expect "renounce needs its flag" 2 "i-understand-this-freezes-the-policy" kms renounce-ownership \
  --manifest a.json --dev-account 0

# ===== a Safe with a Safe among its owners (EIP-1271 contract signatures) =====
printf '7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6\n' >dev3.key # anvil's public key 3
chmod 600 dev3.key
expect "an inner Safe: 2 of owners 1-3" 0 '"safe"' safe create --owners "$DEV1,$DEV2,$DEV3" \
  --threshold 2 --salt-nonce 7 --dev-account 0 --json
INNER=$(field "$tmp/out" safe)
expect "an outer Safe: 2 of owner 1 and the inner Safe" 0 '"safe"' safe create \
  --owners "$DEV1,$INNER" --threshold 2 --salt-nonce 8 --dev-account 0 --json
OUTER=$(field "$tmp/out" safe)
expect "safe info tells an owner Safe from a key" 0 "owner     $INNER \\(a Safe: 2 of 3 owners" \
  safe info --safe "$OUTER"
grep -q "owner     $DEV1\$" "$tmp/out" && ok || bad "a key owner was described: $(cat "$tmp/out")"
expect "an app owned by the outer Safe" 0 "\"app\":\"0x" kms deploy-app --owner "$OUTER" \
  --dev-account 4 --json
APP3=$(field "$tmp/out" app)
expect "its compose hash: a proposal on the outer Safe" 0 "Safe proposal" app add-compose-hash \
  "$(h 67)" --app "$APP3" --dev-account 0 --out nested.json
cp nested.json nested.b.json
expect "owner 1 signs the outer Safe's transaction" 0 "signed as $DEV1" safe sign nested.json \
  --dev-account 1 --yes
expect "owner 2 signs for the inner Safe" 0 "signed for Safe $INNER as $DEV2" safe sign \
  nested.json --dev-account 2 --for-safe "$INNER" --yes
expect "status counts the inner Safe's signatures" 0 \
  "$INNER  a Safe: 1 of the 2 signatures of its owners it needs" safe status nested.json
expect "exec refused while the inner Safe lacks one" 1 "1 of 2 signatures: not enough" safe exec \
  nested.json --dev-account 0
expect "an account that is no owner of the inner Safe" 1 "is not an owner of Safe $INNER" safe sign \
  nested.b.json --dev-account 5 --for-safe "$INNER" --yes
expect "a Safe that is no owner of the outer one" 1 "is not an owner of Safe $OUTER" safe sign \
  nested.b.json --dev-account 2 --for-safe "$KMS" --yes
KMSCTL_DEVNET_DIR="$tmp/none" expect "owner 3 signs for the inner Safe offline" 0 \
  "signed for Safe $INNER as $DEV3" safe sign nested.b.json --private-key-file dev3.key \
  --for-safe "$INNER" --yes
expect "status of the merged copies: ready" 0 '"ready":true' safe status nested.json nested.b.json --json
check "the inner Safe has 2 of its 2" 'v.ownerSafes.length === 1 && v.ownerSafes[0].signatures === 2 &&
  v.ownerSafes[0].threshold === 2'
expect "exec: the inner Safe signs as a contract" 0 "Safe.execTransaction: done" safe exec \
  nested.json nested.b.json --dev-account 0
[ "$(call "$APP3" 'allowedComposeHashes(bytes32)(bool)' "$(h 67)")" = true ] && ok ||
  bad "compose hash 67 not allowed"
expect "history names the inner Safe's signers" 0 \
  "${INNER:0:6}..${INNER: -4} \\(its owners 0x3C44..93BC, 0x90F7..b906\\)" policy history
expect "history --json" 0 "" policy history --json
check "the change's path carries the inner Safe's signers" 'v.some((c) =>
  c.value === "'"$(h 67)"'" &&
  JSON.stringify(c.path.hops[0].ownerSafeSigners.map((x) => [x.safe, x.signer])) ===
  JSON.stringify([["'"$INNER"'", "'"$DEV2"'"], ["'"$INNER"'", "'"$DEV3"'"]]))'

# ===== the demo: the main job end to end, nothing left running =====
TMPDIR="$tmp" expect "kmsctl demo" 0 "allowed: the app may boot" demo
grep -q "27 checks, 0 failed" "$tmp/out" && ok || bad "the demo's verify did not pass"
grep -q "DstackKms: a 2-of-3 Safe 0x.* through a 1 d timelock" "$tmp/out" && ok ||
  bad "the demo's policy show has no summary line"
grep -q "os-image 0x0505.* allowed" "$tmp/out" && grep -q "signed by 0x3C44..93BC, 0x7099..79C8" "$tmp/out" &&
  ok || bad "the demo's policy history lacks the change and its signers"
ls -d "$tmp"/kmsctl-demo-* >/dev/null 2>&1 && bad "the demo left its folder" || ok
pgrep -f "$tmp/kmsctl-demo-" >/dev/null && bad "the demo left a process running" || ok

summary govern
