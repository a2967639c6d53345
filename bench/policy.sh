#!/usr/bin/env bash
# bench/policy.sh [KMSCTL] [CHANGES]: the policy audit over a long history. On a local anvil, a
# model A (direct) deployment and one app get CHANGES policy changes (default 10000), one
# transaction each with 9 empty blocks mined after it (so 100000 blocks for the default): OS
# images, KMS aggregated MRs, KMS devices, the app's compose hashes and devices, each set
# rotated as a policy is over time (a value added, and once 100 are allowed, the oldest
# removed). Then it times
#   `kmsctl policy show` against a cast script that does the same: reads the events with `cast
#     logs`, replays the sets, and asks each member's getter with `cast call` (8 at a time, as a
#     script would with xargs -P 8), with the single values beside;
#   `kmsctl policy history` against a cast script that reads the PolicyChanged events with
#     `cast logs` and each change's transaction (`cast tx`, for its sender and input) and block
#     time (`cast block`), 8 at a time;
# and, as the floor of both, the raw eth_getLogs of the same events over the same blocks
# (kmsctl's own queries: from the deployment's first block to the head, for the KMS and every
# app address), sent as plain JSON-RPC by node, one request per query over the whole range,
# halved while the node refuses it, timed from the first request to the last reply parsed (the
# HTTP client warmed up first).
# It prints wall times and ratios: cast script / kmsctl, and kmsctl / raw getLogs (what kmsctl
# costs over fetching the events alone). The cast scripts print less than kmsctl does (no
# summary, no decoding, no paths through Safes or timelocks, which this model does not have),
# so that comparison favours them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KMSCTL=$(cd "$(dirname "${1:-$ROOT/build/kmsctl}")" && pwd)/$(basename "${1:-kmsctl}")
CHANGES=${2:-10000}
CAST=$ROOT/node_modules/@foundry-rs/cast-linux-amd64/bin/cast
ANVIL=$ROOT/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
tmp=$(mktemp -d)
anvil=""
trap '[ -n "$anvil" ] && kill "$anvil" 2>/dev/null; [ -z "${KEEP:-}" ] && rm -rf "$tmp"' EXIT
cd "$tmp"

# anvil 1.7.1 rebuilds its whole state trie and keeps a copy of the state for every block, and
# Prague's EIP-2935 makes that state grow by a slot a block: mining block N costs O(N), and
# 100000 blocks would take hours. Before Prague, without the per-block copies, a block costs the
# same at any height (100000 in about 3 s). kmsctl's reads here need neither (show reads the
# latest state; history reads events, transactions and blocks).
PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
  console.log(s.address().port); s.close(); })')
"$ANVIL" --port "$PORT" --hardfork cancun --prune-history --silent &
anvil=$!
URL=http://127.0.0.1:$PORT
for _ in $(seq 100); do "$CAST" chain-id --rpc-url "$URL" >/dev/null 2>&1 && break; sleep 0.1; done
# anvil's public dev key 0
printf 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n' >key0
chmod 600 key0
"$KMSCTL" deploy --rpc-url "$URL" --private-key-file key0 --model direct --manifest m.json --yes \
  --anvil "$ANVIL" >/dev/null 2>&1
KMS=$(node -e 'console.log(JSON.parse(require("fs").readFileSync("m.json")).contracts.dstackKms.address)')
APP=$("$KMSCTL" kms deploy-app --manifest m.json --rpc-url "$URL" --private-key-file key0 --json 2>/dev/null |
  node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).app))')
FROM=$("$CAST" block-number --rpc-url "$URL")

# ---- the history: CHANGES transactions from dev account 0, 9 empty blocks after each ----
sels=()
for f in addOsImageHash removeOsImageHash addKmsAggregatedMr removeKmsAggregatedMr addKmsDevice \
         removeKmsDevice addComposeHash removeComposeHash addDevice removeDevice; do
  sels+=("$("$CAST" sig "$f(bytes32)")")
done
echo "building $CHANGES policy changes over $((CHANGES * 10)) blocks ..." >&2
t0=$(date +%s.%N)
node - "$URL" "$KMS" "$APP" "$CHANGES" "${sels[@]}" <<'EOF'
const [url, kms, app, total, addImg, rmImg, addMr, rmMr, addDev, rmDev, addHash, rmHash,
       addAppDev, rmAppDev] = process.argv.slice(2);
const n = Number(total), window = 100;
const from = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const word = (kind, i) => kind + i.toString(16).padStart(62, '0');
// Five sets, each rotated as a policy is over time: values added one after another, and once
// `window` are allowed, each addition followed by the removal of the oldest. Their shares of
// the changes: OS images 40 %, KMS MRs 20 %, KMS devices 20 %, the app's compose hashes and
// devices 10 % each; the changes of the five are interleaved.
const streams = [[kms, addImg, rmImg, '01', 4], [kms, addMr, rmMr, '02', 2],
                 [kms, addDev, rmDev, '03', 2], [app, addHash, rmHash, '04', 1],
                 [app, addAppDev, rmAppDev, '05', 1]].map(([to, add, rm, kind, share]) => {
  const ops = [];
  for (let i = 0; ops.length < n * share / 10; i++) {
    ops.push([to, add + word(kind, i)]);
    if (i >= window) ops.push([to, rm + word(kind, i - window)]);
  }
  return ops;
});
const calls = [];
for (let i = 0; calls.length < n; i++)
  for (const ops of streams) if (i < ops.length && calls.length < n) calls.push(ops[i]);
let id = 0;
async function rpc(body) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
                               body: JSON.stringify(body) });
  const j = await r.json();
  for (const a of Array.isArray(j) ? j : [j]) if (a.error) throw new Error(JSON.stringify(a.error));
  return j;
}
const call = (method, params) => rpc({ jsonrpc: '2.0', id: id++, method, params });
(async () => {
  // one at a time: anvil answers a batch's requests concurrently, and a transaction that
  // arrives before its nonce's turn may be lost
  const first = Number((await call('eth_blockNumber', [])).result);
  for (const [to, data] of calls) {
    await call('eth_sendTransaction', [{ from, to, data, gas: '0x30000' }]);
    await call('anvil_mine', ['0x9']);
  }
  const last = Number((await call('eth_blockNumber', [])).result), want = first + 10 * n;
  if (last < want) await call('anvil_mine', ['0x' + (want - last).toString(16)]);
})().catch((e) => { console.error(e); process.exit(1); });
EOF
TO=$("$CAST" block-number --rpc-url "$URL")
echo "built in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s: blocks $FROM..$TO" >&2

now() { date +%s.%N; }
# seconds CMD...: runs CMD, prints its wall time in seconds.
seconds() {
  local t0
  t0=$(now)
  "$@" >/dev/null
  awk -v a="$t0" -v b="$(now)" 'BEGIN {print b - a}'
}

# ---- the cast scripts ----
topic() { "$CAST" keccak "$1"; }
logs() { "$CAST" logs --rpc-url "$URL" --from-block "$FROM" --to-block "$TO" --address "$1" --json; }

# Replays the sets of the logs in $1 (kinds in $2: "added-topic removed-topic getter ...") and
# prints "getter value" for each member.
replay() {
  node -e 'const logs = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const spec = process.argv.slice(2); const sets = [];
    for (let i = 0; i < spec.length; i += 3) sets.push({ add: spec[i], rm: spec[i + 1], get: spec[i + 2], m: new Set() });
    for (const l of logs) for (const s of sets) {
      if (l.topics[0] === s.add) s.m.add(l.data); else if (l.topics[0] === s.rm) s.m.delete(l.data); }
    for (const s of sets) for (const v of s.m) console.log(s.get, v);' "$@"
}

cast_show() {
  logs "$KMS" >kms.json
  logs "$APP" >app.json
  replay kms.json "$(topic 'OsImageHashAdded(bytes32)')" "$(topic 'OsImageHashRemoved(bytes32)')" \
    'allowedOsImages(bytes32)(bool)' "$(topic 'KmsAggregatedMrAdded(bytes32)')" \
    "$(topic 'KmsAggregatedMrRemoved(bytes32)')" 'kmsAllowedAggregatedMrs(bytes32)(bool)' \
    "$(topic 'KmsDeviceAdded(bytes32)')" "$(topic 'KmsDeviceRemoved(bytes32)')" \
    'kmsAllowedDeviceIds(bytes32)(bool)' | sed "s/^/$KMS /" >members.txt
  replay app.json "$(topic 'ComposeHashAdded(bytes32)')" "$(topic 'ComposeHashRemoved(bytes32)')" \
    'allowedComposeHashes(bytes32)(bool)' "$(topic 'DeviceAdded(bytes32)')" \
    "$(topic 'DeviceRemoved(bytes32)')" 'allowedDeviceIds(bytes32)(bool)' | sed "s/^/$APP /" >>members.txt
  xargs -P 8 -L 1 "$CAST" call --rpc-url "$URL" <members.txt | sort | uniq -c
  for sig in 'owner()(address)' 'pendingOwner()(address)' 'appImplementation()(address)' \
             'gatewayAppId()(string)' 'kmsInfo()(bytes,bytes,bytes,bytes)'; do
    "$CAST" call --rpc-url "$URL" "$KMS" "$sig"
  done
  for sig in 'owner()(address)' 'pendingOwner()(address)' 'allowAnyDevice()(bool)' \
             'requireTcbUpToDate()(bool)' 'version()(uint256)'; do
    "$CAST" call --rpc-url "$URL" "$APP" "$sig"
  done
  "$CAST" code --rpc-url "$URL" "$("$CAST" call --rpc-url "$URL" "$KMS" 'owner()(address)')" | wc -c
}

cast_history() {
  "$CAST" logs --rpc-url "$URL" --from-block "$FROM" --to-block "$TO" --json \
    'PolicyChanged(address indexed,bytes32 indexed,bytes32 indexed,bool)' >changes.json
  node -e 'const l = JSON.parse(require("fs").readFileSync("changes.json"));
    require("fs").writeFileSync("txs.txt", [...new Set(l.map(x => x.transactionHash))].join("\n") + "\n");
    require("fs").writeFileSync("blocks.txt", [...new Set(l.map(x => Number(x.blockNumber)))].join("\n") + "\n");'
  xargs -P 8 -L 1 "$CAST" tx --rpc-url "$URL" --json <txs.txt | wc -l
  xargs -P 8 -L 1 "$CAST" block --rpc-url "$URL" --field timestamp <blocks.txt | wc -l
}

ours_show() { "$KMSCTL" policy show --manifest m.json --rpc-url "$URL"; }
ours_history() { "$KMSCTL" policy history --manifest m.json --rpc-url "$URL"; }

count() { node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).length))'; }
n=$("$KMSCTL" policy history --manifest m.json --rpc-url "$URL" --json 2>/dev/null | count)
events=$("$CAST" logs --rpc-url "$URL" --from-block "$FROM" --to-block "$TO" --json \
  'PolicyChanged(address indexed,bytes32 indexed,bytes32 indexed,bool)' | count)
echo "history: kmsctl reads $n changes (the app's creation included), cast logs $events PolicyChanged" >&2

# ---- the raw eth_getLogs reference ----
# The events kmsctl asks for, over the blocks it reads (the manifest's first block to the head):
#   show: the KMS's set events (OS images, KMS MRs, KMS devices, AppRegistered), and the apps'
#     set events (compose hashes, devices);
#   history: the KMS's AppRegistered (which apps there are), then PolicyChanged, GatewayAppIdSet,
#     KmsInfoSet and both ownership events of the KMS and every app.
ORIGIN=$(node -e 'console.log(Math.min(...JSON.parse(require("fs").readFileSync("m.json"))
  .transactions.map((t) => t.block)))')
topics() { local t="" sig; for sig in "$@"; do t+=${t:+,}$(topic "$sig"); done; echo "$t"; }
KMS_SETS=$(topics 'OsImageHashAdded(bytes32)' 'OsImageHashRemoved(bytes32)' 'KmsAggregatedMrAdded(bytes32)' \
  'KmsAggregatedMrRemoved(bytes32)' 'KmsDeviceAdded(bytes32)' 'KmsDeviceRemoved(bytes32)' 'AppRegistered(address)')
APP_SETS=$(topics 'ComposeHashAdded(bytes32)' 'ComposeHashRemoved(bytes32)' 'DeviceAdded(bytes32)' \
  'DeviceRemoved(bytes32)')
REGISTERED=$(topics 'AppRegistered(address)')
CHANGE_EVENTS=$(topics 'PolicyChanged(address,bytes32,bytes32,bool)' 'GatewayAppIdSet(string)' \
  'KmsInfoSet(bytes)' 'OwnershipTransferStarted(address,address)' 'OwnershipTransferred(address,address)')

# raw_getlogs show|history: prints the seconds the queries took and the number of logs.
raw_getlogs() {
  node - "$URL" "$ORIGIN" "$TO" "$1" "$KMS" "$APP" "$KMS_SETS" "$APP_SETS" "$REGISTERED" \
    "$CHANGE_EVENTS" <<'EOF'
const [url, from, to, what, kms, app, kmsSets, appSets, registered, changes] = process.argv.slice(2);
const queries = {
  show: [[kms, kmsSets], [[app], appSets]],
  history: [[kms, registered], [[kms, app], changes]],
}[what];
let id = 0;
async function getLogs(address, topics, lo, hi) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'eth_getLogs', params: [{ address,
    topics: [topics.split(',')], fromBlock: '0x' + lo.toString(16), toBlock: '0x' + hi.toString(16) }] });
  const r = await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
                                      body })).json();
  if (!r.error) return r.result;
  if (lo === hi) throw new Error(JSON.stringify(r.error));
  const mid = lo + Math.floor((hi - lo) / 2); // a range the node refuses: its halves, in turn
  return (await getLogs(address, topics, lo, mid)).concat(await getLogs(address, topics, mid + 1, hi));
}
(async () => {
  // node's HTTP client warms up on its first request (about 50 ms): not part of the reference
  await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
                     body: JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'eth_chainId', params: [] }) });
  const t0 = performance.now();
  let n = 0;
  for (const [address, topics] of queries)
    n += (await getLogs(address, topics, Number(from), Number(to))).length;
  console.log(((performance.now() - t0) / 1000).toFixed(4), n);
})().catch((e) => { console.error(e); process.exit(1); });
EOF
}

printf '%-16s %12s %12s %8s %12s %16s\n' "" "kmsctl s" "cast s" "x" "getLogs s" "kmsctl/getLogs"
for what in show history; do
  k=$(seconds "ours_$what")
  c=$(seconds "cast_$what")
  read -r r logs < <(raw_getlogs "$what") || true
  [ -n "${r:-}" ] || { echo "the raw eth_getLogs for $what failed" >&2; exit 1; }
  echo "raw eth_getLogs for $what: $logs logs in blocks $ORIGIN..$TO" >&2
  awk -v w="policy $what" -v k="$k" -v c="$c" -v r="$r" \
    'BEGIN { printf "%-16s %12.2f %12.2f %8.1f %12.3f %16.1f\n", w, k, c, c / k, r, k / r }'
done
