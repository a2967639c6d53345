#!/usr/bin/env bash
# tests/integration/policy.sh KMSCTL: the policy audit on a devnet.
#   show after each model's deployment, the summary lines checked (a Safe through a timelock,
#   a single EOA at once, an EOA through a timelock, an open ownership transfer, an app on an
#   EOA, an app whose code is not the KMS's app implementation); history after a governance
#   round through a 2-of-3 Safe and a 1-day timelock, naming the Safe's signers and the
#   operation with its schedule; diff between two blocks (and a date); pending with a scheduled
#   operation and a local proposal file; watch printing a schedule and a change as they land,
#   and --alert-unexpected stopping at a direct change where a timelock should own; a mapping
#   entry flipped with anvil_setStorageAt reported as a mismatch; the same history and state
#   through a node that refuses getLogs ranges over 8 blocks; compose-hash on dstack's vectors.
# Every anvil and proxy started here is stopped on every exit path.
# shellcheck source=../support/suite.sh
. "$(dirname "$0")/../support/suite.sh" policy.sh "$@"
proxy=""
bg=""
cleanup() {
  [ -n "$bg" ] && kill "$bg" 2>/dev/null
  [ -n "$proxy" ] && kill "$proxy" 2>/dev/null
  "$KMSCTL" devnet stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

head_block() { "$CAST" block-number --rpc-url "$URL"; }
short() { printf '%s..%s' "${1:0:6}" "${1:38:4}"; } # as kmsctl shortens an address

"$KMSCTL" devnet start --port 0 >/dev/null 2>&1 || { echo "policy: devnet start failed"; exit 1; }
URL=$(field "$KMSCTL_DEVNET_DIR/state.json" url)

# A Safe proposal signed by owners 1 and 2, then executed.
approve() {
  "$KMSCTL" safe sign "$1" --dev-account 2 --yes >/dev/null 2>&1 &&
    "$KMSCTL" safe exec "$1" --dev-account 0 >/dev/null 2>&1 || bad "Safe round of $1 failed"
}

# ===== model C: a 2-of-3 Safe proposes to a 1-day timelock =====
expect "deploy model C" 0 "Deployed" deploy --devnet --model safe-timelock \
  --safe-owners "$DEV1,$DEV2,$DEV3" --safe-threshold 2 --min-delay 1d
KMS=$(field kmsctl-deployment.json contracts.dstackKms.address)
TL=$(field kmsctl-deployment.json contracts.timelock.address)
SAFE=$(field kmsctl-deployment.json contracts.safe.address)
expect "show: a Safe through a timelock" 0 \
  "DstackKms: a 2-of-3 Safe $(short "$SAFE") through a 1 d timelock $(short "$TL")$" policy show
expect "show: nothing to warn about" 0 "no warnings" policy show
expect "show --json" 0 "" policy show --json
check "the owner is the timelock, its proposer the Safe and its owners" \
  'v.owner === "'"$TL"'" && v.control.kind === "timelock" && v.control.minDelay === 86400 &&
   v.control.proposers[0].kind === "safe" && v.control.proposers[0].threshold === 2 &&
   v.control.proposers[0].owners.map(o => o.address).join() === "'"$DEV1,$DEV2,$DEV3"'" &&
   v.warnings.length === 0 && v.osImages.members.length === 0'
B0=$(head_block)

# --- one image through Safe -> timelock, a second one left as a local proposal ---
"$KMSCTL" kms add-os-image-hash "$(h 11)" --dev-account 1 --out p1.json >/dev/null 2>&1
approve p1.json
ID=$("$KMSCTL" timelock list --json 2>/dev/null | node -e 'let s = "";
  process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).pop().id))')
B1=$(head_block)
"$KMSCTL" kms add-os-image-hash "$(h 22)" --dev-account 1 --out p2.json >/dev/null 2>&1
expect "pending: the scheduled operation, its ETA and effect" 0 \
  "operation $ID: waiting, ready at .* \(in (23 h 59 m|1 d)\)" policy pending
grep -q "addOsImageHash(bytes32 osImageHash = $(h 11))" "$tmp/out" && ok ||
  bad "pending does not decode the operation: $out"
grep -qE "Safe proposal ./p2.json: Safe $SAFE, nonce 1, .* 1 of 2 signatures" "$tmp/out" && ok ||
  bad "pending does not list the local proposal: $out"
expect "pending --json" 0 "" policy pending --json
check "one operation and one proposal" 'v.operations.length === 1 && v.operations[0].id === "'"$ID"'" &&
  v.proposals.length === 1 && v.proposals[0].signatures === 1 && v.proposals[0].threshold === 2'
expect "pending reads another folder" 0 "operation $ID" policy pending --proposals "$HOME"
refute "no proposal file there" "Safe proposal"
"$KMSCTL" devnet time-travel 1d >/dev/null 2>&1
"$KMSCTL" timelock execute "$ID" --dev-account 1 --out exec.json >/dev/null 2>&1
approve exec.json
B2=$(head_block)

expect "history names the Safe's signers and the operation" 0 \
  "os-image $(h 11) allowed" policy history
line=$(grep -A1 "os-image $(h 11) allowed" "$tmp/out" | tail -1)
for want in "through the Safe $(short "$SAFE") \(transaction 0x[0-9a-f]{64}, signed by $(short "$DEV2"), $(short "$DEV1")\) through the timelock $(short "$TL") \(operation $ID, scheduled " \
            "schedule sent by 0xf39F..2266 through the Safe $(short "$SAFE") \(transaction 0x[0-9a-f]{64}, signed by" \
            "actor $TL"; do
  grep -qE -- "$want" <<<"$line" && ok || bad "history lacks /$want/: $line"
done
grep -qE "ownership passed from 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 to $TL" "$tmp/out" && ok ||
  bad "history lacks the hand-over: $out"
expect "history --json" 0 "" policy history --since "$B1" --json
check "the path: a Safe with two signers, the timelock operation, its schedule through the Safe" \
  'const c = v.find(c => c.policy === "os-image"); const [s, t] = c.path.hops;
   s.kind === "safe" && s.address === "'"$SAFE"'" && s.signers.join() === "'"$DEV2,$DEV1"'" &&
   s.safeTxHash === "'"$(field exec.json hashes.safeTxHash)"'" &&
   t.kind === "timelock" && t.operation === "'"$ID"'" && t.scheduled && t.delay === 86400 &&
   t.schedule.hops[0].kind === "safe" && t.schedule.hops[0].signers.length === 2 &&
   t.schedule.hops[0].safeTxHash === "'"$(field p1.json hashes.safeTxHash)"'" &&
   c.actor === "'"$TL"'" && c.timestamp > t.scheduledAt'
expect "history --since a date" 0 "os-image $(h 11) allowed" policy history --since 1970-01-02
expect "history --since after --until" 2 "comes after" policy history --since "$B2" --until "$B1"

expect "diff: the image was added" 0 "1 difference" policy diff --from "$B1" --to "$B2"
grep -q "+ DstackKms: os-image $(h 11)" "$tmp/out" && ok || bad "diff lacks the image: $out"
expect "diff: nothing before the execution" 0 "0 differences" policy diff --from "$B0" --to "$B1"
expect "diff --json" 0 "" policy diff --from "$B0" --json
check "one set member added" 'v.differences.length === 1 && v.differences[0].kind === "added" &&
  v.differences[0].what === "os-image" && v.to > v.from'
expect "diff from before the chain's first block" 1 "no block is at or before" \
  policy diff --from 2000-01-01
expect "diff needs --from" 2 "give the earlier point" policy diff

# --- apps: one on an EOA, one upgraded to other code ---
"$KMSCTL" kms deploy-app --dev-account 3 --json >app.json 2>/dev/null
APP=$(field app.json app)
expect "show: an app on a single EOA, at once" 0 \
  "app $(short "$APP"): a single EOA $(short "$DEV3"), at once, upgradeable" policy show
grep -q "! app $(short "$APP"): a single key is enough to change it" "$tmp/out" && ok ||
  bad "show does not warn about the app's single key: $out"
"$KMSCTL" app upgrade --app "$APP" --deploy --dev-account 3 >/dev/null 2>&1
expect "show: the app's code is not the KMS's app implementation" 0 \
  "! app $(short "$APP"): its code 0x[0-9a-fA-F]{40} is not the KMS's app implementation" policy show

# --- watch: a schedule and a change as they land ---
B3=$(head_block)
timeout 60 "$KMSCTL" policy watch --interval 1 --max-changes 1 >watch.out 2>watch.err &
bg=$!
for _ in $(seq 50); do grep -qs "watching" watch.err && break; sleep 0.1; done
"$KMSCTL" kms add-kms-device "$(h 33)" --dev-account 1 --out p3.json >/dev/null 2>&1
approve p3.json
"$KMSCTL" app add-compose-hash "$(h 55)" --app "$APP" --dev-account 3 >/dev/null 2>&1
wait "$bg"
rc=$?
bg=""
[ "$rc" = 0 ] && ok || bad "watch exited $rc: $(cat watch.out watch.err)"
grep -qE "scheduled: timelock $TL operation 0x[0-9a-f]{64}: waiting, ready at" watch.out && ok ||
  bad "watch did not print the schedule: $(cat watch.out)"
grep -q "addKmsDevice(bytes32 deviceId = $(h 33))" watch.out && ok ||
  bad "watch did not decode the schedule: $(cat watch.out)"
grep -qE "block [0-9]+  app $(short "$APP"): compose-hash $(h 55) allowed" watch.out && ok ||
  bad "watch did not print the change: $(cat watch.out)"
expect "watch --since replays as JSON lines" 0 '"change":' policy watch --since "$B3" --max-changes 1 --json

# --- a mapping entry flipped under the events: a mismatch ---
"$CAST" rpc --rpc-url "$URL" anvil_setStorageAt "$KMS" "$("$CAST" index bytes32 "$(h 11)" 8)" \
  0x0000000000000000000000000000000000000000000000000000000000000000 >/dev/null
expect "show reports the mismatch" 0 \
  "mismatch: the events allow os-image $(h 11), but allowedOsImages says false" policy show
expect "show --json lists it as denied" 0 "" policy show --json
check "denied, not a member" 'v.osImages.denied.join() === "'"$(h 11)"'" && v.osImages.members.length === 0 &&
  v.mismatches === 1'

# --- a node that refuses getLogs over 8 blocks: the same answers ---
cat >proxy.js <<'EOF'
const http = require('http');
const up = new URL(process.argv[2]), limit = Number(process.argv[3]), fs = require('fs');
let refused = 0;
const tooWide = (r) => r && r.method === 'eth_getLogs' &&
  parseInt(r.params[0].toBlock, 16) - parseInt(r.params[0].fromBlock, 16) + 1 > limit;
http.createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c)).on('end', () => {
    const body = Buffer.concat(parts);
    let j = null;
    try { j = JSON.parse(body); } catch (e) { /* forwarded as it is */ }
    if (tooWide(j)) {
      fs.writeFileSync('refused', String(++refused));
      res.end(JSON.stringify({ jsonrpc: '2.0', id: j.id,
        error: { code: -32005, message: 'query exceeds the limit of ' + limit + ' blocks' } }));
      return;
    }
    const f = http.request({ host: up.hostname, port: up.port, method: 'POST',
      headers: { 'content-type': 'application/json' } }, (r) => r.pipe(res));
    f.end(body);
  });
}).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });
setTimeout(() => process.exit(0), 300000);
EOF
node proxy.js "$URL" 8 >proxy.port &
proxy=$!
for _ in $(seq 50); do grep -qs port proxy.port && break; sleep 0.1; done
PROXY=http://127.0.0.1:$(cut -d' ' -f2 proxy.port)
"$KMSCTL" policy history --json >direct.json 2>/dev/null
expect "history through the refusing node" 0 "" policy history --json --rpc-url "$PROXY" --threads 4 --range 5
cmp -s direct.json "$tmp/out" && ok || bad "history through the refusing node differs"
[ "$(cat refused 2>/dev/null || echo 0)" -gt 0 ] && ok || bad "the proxy refused nothing: no range was split"
"$KMSCTL" policy show --json >direct.json 2>/dev/null
expect "show through the refusing node" 0 "" policy show --json --rpc-url "$PROXY" --range 50
cmp -s direct.json "$tmp/out" && ok || bad "show through the refusing node differs"
kill "$proxy" 2>/dev/null
proxy=""

# ===== model A: a single EOA, at once =====
expect "deploy model A" 0 "Deployed" deploy --devnet --model direct --manifest a.json
expect "show model A" 0 "DstackKms: a single EOA 0xf39F..2266, at once$" policy show --manifest a.json
grep -q "! DstackKms: a change takes effect at once" "$tmp/out" && ok || bad "model A: no warning: $out"

# ===== model B: an EOA through a timelock; a delayed hand-over still open =====
expect "deploy model B" 0 "Deployed" deploy --devnet --model timelock --min-delay 1h --manifest b.json
BTL=$(field b.json contracts.timelock.address)
expect "show model B" 0 "DstackKms: a single EOA 0xf39F..2266 through a 1 h timelock $(short "$BTL")$" \
  policy show --manifest b.json
grep -q "! DstackKms: a single key is enough to change it" "$tmp/out" && ok || bad "model B: no warning"
expect "deploy model B, delayed hand-over" 0 "Deployed" deploy --devnet --model timelock \
  --min-delay 1h --handover delayed --manifest d.json
DTL=$(field d.json contracts.timelock.address)
expect "show: the transfer to the timelock is pending" 0 \
  "! DstackKms: an ownership transfer to $DTL is pending" policy show --manifest d.json
timeout 60 "$KMSCTL" policy watch --manifest d.json --alert-unexpected --interval 1 >alert.out 2>alert.err &
bg=$!
for _ in $(seq 50); do grep -qs "watching" alert.err && break; sleep 0.1; done
"$KMSCTL" kms add-os-image-hash "$(h 44)" --manifest d.json --dev-account 0 >/dev/null 2>&1
wait "$bg"
rc=$?
bg=""
[ "$rc" = 1 ] && ok || bad "watch --alert-unexpected exited $rc: $(cat alert.out alert.err)"
grep -q "unexpected: os-image $(h 44) allowed (DstackKms) came from 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266, not through $DTL" alert.err &&
  ok || bad "the alert does not say what and who: $(cat alert.err)"
grep -q "sent directly by 0xf39F..2266" alert.out && ok || bad "watch did not print the change: $(cat alert.out)"

# ===== usage =====
expect "--threads out of range" 2 "--threads: expected 1 to 16" policy show --threads 0
expect "--since neither a block nor a date" 2 "expected a block number or a UTC date" \
  policy history --since yesterday
expect "--at-block past the head" 2 "the latest block is" policy show --at-block 999999

# ===== compose-hash: dstack's vectors =====
printf '{"runner":"docker-compose"}' >c1.json
expect "compose-hash of the minimal compose" 0 \
  "^0x1120e42a7b5f2ca50128696ea414771441b4fa92373427108a7173181cc80b55$" compose-hash c1.json
[ -z "$err" ] && ok || bad "a canonical file got a warning: $err"
printf '{\n  "runner": "docker-compose"\n}\n' >c2.json
expect "a re-formatted file: another hash, and a warning" 0 "not in the form the dstack SDKs write" \
  compose-hash c2.json
[ "$out" = "0x$(sha256sum c2.json | cut -c1-64)" ] && ok || bad "compose-hash is not SHA-256 of the bytes: $out"
expect "compose-hash --json" 0 "" compose-hash c1.json --json
check "the app id is the hash's first 20 bytes" \
  'v.appId.toLowerCase() === "0x1120e42a7b5f2ca50128696ea414771441b4fa92" && v.canonical === true'
printf '[1]' >c3.json
expect "compose-hash of a non-object" 1 "not an app-compose.json" compose-hash c3.json

summary policy
