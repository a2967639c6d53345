// tests/integration/policy_model.js: the model of the policy that policy_model.sh keeps, and its
// comparisons with what kmsctl prints.
//
//   node policy_model.js MODEL.json COMMAND ARGS...   (env CAST: the pinned cast; URL: the node)
//
// The model is built only from the actions the suite takes (what it sent, from which account,
// in which block), never from kmsctl's output: the sets as ordered lists (a member joins at the
// end, leaves from where it is, as its Added / Removed events replay), every single value, and
// every change in chain order with its actor and the path it took (sent directly, through the
// factory, through the Safe and the timelock). Timelock operation ids, calldata and Safe
// transaction hashes are computed with cast and the Safe's own getTransactionHash. What only the
// chain knows (a block's transaction hash and time) is read from the node when comparing.
//
// Commands that change the model print nothing (or the operation id); the check-* commands
// print one line per comparison: "ok WHAT" or "FAIL WHAT: the differences".
'use strict';
const fs = require('fs');
const { execFileSync } = require('child_process');

const [file, cmd, ...args] = process.argv.slice(2);
const ZERO = '0x0000000000000000000000000000000000000000';
const Z32 = '0x' + '0'.repeat(64);
const EMPTY_KECCAK = '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470';

const cast = (...a) => execFileSync(process.env.CAST, a, { encoding: 'utf8' }).trim();
const short = (a) => a.slice(0, 6) + '..' + a.slice(38);
const pad = (a) => '0x' + '0'.repeat(24) + a.slice(2).toLowerCase();
const clone = (v) => JSON.parse(JSON.stringify(v));
const load = () => JSON.parse(fs.readFileSync(file, 'utf8'));
const save = (m) => fs.writeFileSync(file, JSON.stringify(m, null, 1));

// What each kmsctl action calls, and the set it changes (kms and app actions alike).
const ACTIONS = {
  'add-os-image-hash': ['addOsImageHash(bytes32)', 'osImages', 'os-image', true],
  'remove-os-image-hash': ['removeOsImageHash(bytes32)', 'osImages', 'os-image', false],
  'add-kms-aggregated-mr': ['addKmsAggregatedMr(bytes32)', 'mrs', 'kms-aggregated-mr', true],
  'remove-kms-aggregated-mr': ['removeKmsAggregatedMr(bytes32)', 'mrs', 'kms-aggregated-mr', false],
  'add-kms-device': ['addKmsDevice(bytes32)', 'devices', 'kms-device', true],
  'remove-kms-device': ['removeKmsDevice(bytes32)', 'devices', 'kms-device', false],
  'add-compose-hash': ['addComposeHash(bytes32)', 'composeHashes', 'compose-hash', true],
  'remove-compose-hash': ['removeComposeHash(bytes32)', 'composeHashes', 'compose-hash', false],
  'add-device': ['addDevice(bytes32)', 'devices', 'device', true],
  'remove-device': ['removeDevice(bytes32)', 'devices', 'device', false],
  'register-app': ['registerApp(address)'],
  'transfer-ownership': ['transferOwnership(address)'],
  'accept-ownership': ['acceptOwnership()'],
  'upgrade': ['upgradeToAndCall(address,bytes)'],
};

function calldata(action, arg) {
  const [sig] = ACTIONS[action];
  if (action === 'accept-ownership') return cast('calldata', sig);
  if (action === 'upgrade') return cast('calldata', sig, arg, '0x');
  return cast('calldata', sig, arg);
}

// ---- changes ----

function change(m, block, target, actor, path, fields) {
  m.changes.push(Object.assign({
    block, timestamp: { ts: '@block' }, tx: { tx: '@block' }, contract: target,
    onKms: target === m.kms, kind: 'policy', policy: null, value: Z32, enabled: false, actor,
    newOwner: null, detail: null, words: null, path,
  }, fields));
}

// Applies one call of action(arg) on target, sent by actor, to the state and the changes.
function apply(m, block, target, action, arg, actor, path) {
  const s = m.state, x = target === m.kms ? s : s.apps[target];
  const [, set, policy, on] = ACTIONS[action];
  if (set) {
    const at = x[set].indexOf(arg);
    if (on && at < 0) x[set].push(arg);
    if (!on && at >= 0) x[set].splice(at, 1);
    change(m, block, target, actor, path, { policy, value: arg, enabled: on,
      words: `${policy} ${arg} ${on ? 'allowed' : 'removed'}` });
  } else if (action === 'register-app') {
    if (!s.registered.includes(arg)) s.registered.push(arg);
    if (!s.apps[arg]) s.apps[arg] = { isApp: false };
    change(m, block, target, actor, path, { policy: 'registered-app', value: pad(arg),
      enabled: true, words: `app ${arg} registered` });
  } else if (action === 'transfer-ownership') {
    x.pendingOwner = arg;
    change(m, block, target, x.owner, path, { kind: 'owner-pending', policy: 'owner',
      newOwner: arg, words: `ownership transfer from ${x.owner} to ${arg} started` });
  } else if (action === 'accept-ownership') {
    change(m, block, target, x.owner, path, { kind: 'owner', policy: 'owner',
      newOwner: x.pendingOwner, words: `ownership passed from ${x.owner} to ${x.pendingOwner}` });
    x.owner = x.pendingOwner;
    x.pendingOwner = ZERO;
  } else if (action === 'upgrade') {
    x.implementation = arg;
    change(m, block, target, actor, path, { policy: 'implementation-upgrade', value: pad(arg),
      enabled: true, words: `upgraded to the implementation ${arg}` });
  } else throw new Error('no such action ' + action);
}

function snapshot(m, block) {
  m.snaps.push({ block, state: clone(m.state) });
}

const direct = (sender) => ({ tx: { tx: '@block' }, sender, hops: [] });
// (the model's Safe has only key owners: no owner Safe signs through a contract signature)
const safeHop = (m, hash, signers) => ({ kind: 'safe', address: m.safe, safeTxHash: hash,
  signers: [...signers].sort((a, b) => a.toLowerCase() < b.toLowerCase() ? -1 : 1),
  ownerSafeSigners: [] });

// The Safe's own hash of a call of to with data at nonce (every gas field zero, as kmsctl
// proposes).
function safeTxHash(m, to, data, nonce) {
  return cast('call', '--rpc-url', process.env.URL, m.safe,
    'getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,uint256)(bytes32)',
    to, '0', data, '0', '0', '0', '0', ZERO, ZERO, String(nonce));
}

// The calldata of a timelock call (schedule / execute, single or batch) on op.
function timelockCall(m, op, what) {
  const t = op.calls.map((c) => c.target), d = op.calls.map((c) => c.data);
  const v = op.calls.map(() => '0');
  const tail = what === 'schedule' ? [String(m.delay)] : [];
  if (!op.batch)
    return cast('calldata', `${what}(address,uint256,bytes,bytes32,bytes32${tail.length ? ',uint256' : ''})`,
      t[0], '0', d[0], Z32, op.salt, ...tail);
  return cast('calldata', `${what}Batch(address[],uint256[],bytes[],bytes32,bytes32${tail.length ? ',uint256' : ''})`,
    `[${t}]`, `[${v}]`, `[${d}]`, Z32, op.salt, ...tail);
}

function operationId(op) {
  const t = op.calls.map((c) => c.target), d = op.calls.map((c) => c.data);
  const enc = op.batch
    ? cast('abi-encode', 'f(address[],uint256[],bytes[],bytes32,bytes32)', `[${t}]`,
      `[${t.map(() => '0')}]`, `[${d}]`, Z32, op.salt)
    : cast('abi-encode', 'f(address,uint256,bytes,bytes32,bytes32)', t[0], '0', d[0], Z32, op.salt);
  return cast('keccak', enc);
}

// The controllers, as policy show describes them.
const eoa = (a) => ({ address: a, flags: ['instant', 'single-key'], kind: 'eoa',
  words: `a single EOA ${short(a)}` });
function delayText(s) {
  for (const [n, u] of [[86400, 'd'], [3600, 'h'], [60, 'm']]) if (s % n === 0) return `${s / n} ${u}`;
  return `${s} s`;
}
function control(m, owner) {
  if (owner === ZERO) return { address: ZERO, flags: ['frozen'], kind: 'nobody',
    words: 'nobody (ownership renounced)' };
  if (owner !== m.tl) return eoa(owner);
  const safe = { address: m.safe, flags: ['instant'], kind: 'safe', owners: m.owners.map(eoa),
    threshold: m.threshold, words: `a ${m.threshold}-of-${m.owners.length} Safe ${short(m.safe)}` };
  return { address: m.tl, admins: [], cancellers: [m.safe], executors: [m.safe], flags: [],
    kind: 'timelock', minDelay: m.delay, proposers: [safe],
    words: `${safe.words} through a ${delayText(m.delay)} timelock ${short(m.tl)}` };
}

// ---- the commands that build the model ----

const COMMANDS = {
  // init DEPLOY_FROM DEPLOY_TO DEPLOYER KMS KMS_IMPL APP_IMPL TIMELOCK SAFE DELAY THRESHOLD OWNER...
  // A model C deployment in blocks DEPLOY_FROM..DEPLOY_TO, as `kmsctl deploy` makes it: the
  // proxy created and initialized by the deployer (owner, app implementation), ownership
  // offered to the timelock, and accepted by the timelock in an operation the deployer
  // scheduled and executed.
  init(from, to, deployer, kms, kmsImpl, appImpl, tl, safe, delay, threshold, ...owners) {
    const range = { range: [Number(from), Number(to)] };
    const m = { kms, tl, safe, delay: Number(delay), threshold: Number(threshold), owners,
      safeNonce: 0, ops: {}, changes: [], snaps: [],
      state: { owner: deployer, pendingOwner: ZERO, implementation: kmsImpl,
        appImplementation: appImpl, osImages: [], mrs: [], devices: [], registered: [], apps: {} } };
    const created = { tx: { tx: '@block' }, sender: deployer, hops: [{ kind: 'contract', address: ZERO }] };
    change(m, range, kms, ZERO, created, { kind: 'owner', policy: 'owner', newOwner: deployer,
      words: `owner set to ${deployer} (initialized)` });
    change(m, range, kms, deployer, created, { policy: 'app-implementation', value: pad(appImpl),
      enabled: true, words: `app implementation set to ${appImpl}` });
    apply(m, range, kms, 'transfer-ownership', tl, deployer, direct(deployer));
    // the hand-over operation's salt is kmsctl's own choice: its id is not modelled
    apply(m, range, kms, 'accept-ownership', '', deployer, { tx: { tx: '@block' }, sender: deployer,
      hops: [{ kind: 'timelock', address: tl, operation: { any: 'bytes32' }, scheduled: true,
        scheduledBlock: range, scheduledAt: { ts: '@scheduledBlock' }, delay: 0,
        scheduleTx: { tx: '@scheduledBlock' },
        schedule: { tx: { tx: '@scheduledBlock' }, sender: deployer, hops: [] } }] });
    snapshot(m, Number(to));
    save(m);
  },

  // direct BLOCK SENDER TARGET ACTION ARG: SENDER called TARGET itself.
  direct(block, sender, target, action, arg) {
    const m = load();
    apply(m, Number(block), target, action, arg, sender, direct(sender));
    snapshot(m, Number(block));
    save(m);
  },

  // deploy-app BLOCK CREATOR APP OWNER DEVICE COMPOSE_HASH: CREATOR called the KMS's
  // deployAndRegisterApp; the app's initializer (called by the KMS) allows the device, then
  // the compose hash, then sets the owner; then the KMS registers it.
  'deploy-app'(block, creator, app, owner, device, hash) {
    const m = load(), b = Number(block);
    const via = { tx: { tx: '@block' }, sender: creator, hops: [{ kind: 'contract', address: m.kms }] };
    m.state.apps[app] = { isApp: true, owner: ZERO, pendingOwner: ZERO,
      implementation: m.state.appImplementation, composeHashes: [], devices: [] };
    apply(m, b, app, 'add-device', device, m.kms, via);
    apply(m, b, app, 'add-compose-hash', hash, m.kms, via);
    change(m, b, app, ZERO, via, { kind: 'owner', policy: 'owner', newOwner: owner,
      words: `owner set to ${owner} (initialized)` });
    m.state.apps[app].owner = owner;
    apply(m, b, m.kms, 'register-app', app, creator, direct(creator));
    snapshot(m, b);
    save(m);
  },

  // scheduled NAME BLOCK SALT EXECUTOR SIGNERS TARGET ACTION ARG [ACTION ARG]...: the Safe
  // (signed by SIGNERS, comma-separated, executed by EXECUTOR) scheduled the calls on TARGET
  // with SALT. Prints the operation id.
  scheduled(name, block, salt, executor, signers, target, ...calls) {
    const m = load();
    const op = { salt, block: Number(block), executor, signers: signers.split(','), calls: [] };
    for (let i = 0; i < calls.length; i += 2)
      op.calls.push({ target, action: calls[i], arg: calls[i + 1], data: calldata(calls[i], calls[i + 1]) });
    op.batch = op.calls.length > 1;
    op.id = operationId(op);
    op.safeTxHash = safeTxHash(m, m.tl, timelockCall(m, op, 'schedule'), m.safeNonce++);
    m.ops[name] = op;
    save(m);
    console.log(op.id);
  },

  // executed NAME BLOCK EXECUTOR SIGNERS: the Safe executed the ready operation NAME.
  executed(name, block, executor, signers) {
    const m = load(), op = m.ops[name], b = Number(block);
    const hash = safeTxHash(m, m.tl, timelockCall(m, op, 'execute'), m.safeNonce++);
    const path = { tx: { tx: '@block' }, sender: executor, hops: [
      safeHop(m, hash, signers.split(',')),
      { kind: 'timelock', address: m.tl, operation: op.id, scheduled: true, scheduledBlock: op.block,
        scheduledAt: { ts: '@scheduledBlock' }, delay: m.delay, scheduleTx: { tx: '@scheduledBlock' },
        schedule: { tx: { tx: '@scheduledBlock' }, sender: op.executor,
          hops: [safeHop(m, op.safeTxHash, op.signers)] } }] };
    for (const c of op.calls) apply(m, b, c.target, c.action, c.arg, m.tl, path);
    op.done = b;
    snapshot(m, b);
    save(m);
  },

  // proposal FILE SALT ACTION ARG: a Safe proposal, in FILE, of scheduling ACTION(ARG) on the
  // KMS with SALT at the Safe's next nonce, signed by one owner and never executed.
  proposal(path, salt, action, arg) {
    const m = load();
    const op = { salt, batch: false,
      calls: [{ target: m.kms, action, arg, data: calldata(action, arg) }] };
    m.proposals = (m.proposals || []).concat([{ description: `DstackKms.${ACTIONS[action][0].split('(')[0]}(${arg})`,
      file: path, safe: m.safe, safeTxHash: safeTxHash(m, m.tl, timelockCall(m, op, 'schedule'), m.safeNonce),
      signatures: 1, nestedSignatures: 0, threshold: m.threshold }]);
    save(m);
  },

};

// ---- what kmsctl should print ----

function stateAt(m, block) {
  let s = null;
  for (const snap of m.snaps) if (snap.block <= block) s = snap.state;
  if (!s) throw new Error('no model state at block ' + block);
  return s;
}

const set = (members) => ({ denied: [], members });

function appJson(m, s, a) {
  const x = s.apps[a];
  if (!x.isApp) return { address: a, isDstackApp: false };
  return { address: a, allowAnyDevice: false, composeHashes: set(x.composeHashes),
    control: control(m, x.owner), devices: set(x.devices), implementation: x.implementation,
    isDstackApp: true, owner: x.owner, pendingOwner: x.pendingOwner, requireTcbUpToDate: false,
    upgradesDisabled: false, version: 2 };
}

function summary(m, s) {
  const lines = [`DstackKms: ${control(m, s.owner).words}`];
  for (const a of s.registered) {
    const x = s.apps[a];
    lines.push(!x.isApp ? `app ${short(a)}: not a DstackApp (its policy cannot be read)`
      : `app ${short(a)}: ${control(m, x.owner).words}${x.owner !== m.tl ? ', at once' : ''}, upgradeable`);
  }
  return lines;
}

function warnings(m, s) {
  const w = [];
  const ownership = (who, x) => {
    if (x.owner !== m.tl) {
      w.push(`${who}: a change takes effect at once, with no notice (no timelock delay)`);
      w.push(`${who}: a single key is enough to change it`);
    }
    if (x.pendingOwner !== ZERO)
      w.push(`${who}: an ownership transfer to ${x.pendingOwner} is pending (not accepted yet)`);
  };
  ownership('DstackKms', s);
  for (const a of s.registered) {
    const x = s.apps[a], who = `app ${short(a)}`;
    if (!x.isApp) {
      w.push(`${who}: not a DstackApp (it does not answer version())`);
      continue;
    }
    ownership(who, x);
    if (x.implementation !== s.appImplementation)
      w.push(`${who}: its code ${x.implementation} is not the KMS's app implementation ${s.appImplementation}`);
  }
  return w;
}

function showJson(m, block) {
  const s = stateAt(m, block);
  return { appImplementation: s.appImplementation, apps: s.registered.map((a) => appJson(m, s, a)),
    block, control: control(m, s.owner), gatewayAppId: '', implementation: s.implementation,
    kms: m.kms, kmsAggregatedMrs: set(s.mrs), kmsDevices: set(s.devices),
    kmsInfo: { caPubkey: '0x', eventlogKeccak256: EMPTY_KECCAK, eventlogSize: 0, k256Pubkey: '0x',
      quoteKeccak256: EMPTY_KECCAK, quoteSize: 0 },
    mismatches: 0, osImages: set(s.osImages), owner: s.owner, pendingOwner: s.pendingOwner,
    registeredApps: set(s.registered), summary: summary(m, s), timestamp: { ts: '@block' },
    warnings: warnings(m, s) };
}

// The differences policy diff documents between the model's states at two blocks.
function diffJson(m, from, to) {
  const a = stateAt(m, from), b = stateAt(m, to), out = [];
  const value = (where, what, x, y) => {
    if (x !== y) out.push({ after: y, before: x, kind: 'changed', what, where });
  };
  const sets = (where, what, x, y) => {
    for (const v of x) if (!y.includes(v)) out.push({ after: null, before: v, kind: 'removed', what, where });
    for (const v of y) if (!x.includes(v)) out.push({ after: v, before: null, kind: 'added', what, where });
  };
  const owned = (where, x, y) => {
    value(where, 'owner', x.owner, y.owner);
    value(where, 'control', control(m, x.owner).words, control(m, y.owner).words);
    value(where, 'pending-owner', x.pendingOwner, y.pendingOwner);
    value(where, 'implementation', x.implementation, y.implementation);
  };
  owned('DstackKms', a, b);
  value('DstackKms', 'app-implementation', a.appImplementation, b.appImplementation);
  sets('DstackKms', 'os-image', a.osImages, b.osImages);
  sets('DstackKms', 'kms-aggregated-mr', a.mrs, b.mrs);
  sets('DstackKms', 'kms-device', a.devices, b.devices);
  sets('DstackKms', 'registered-app', a.registered, b.registered);
  for (const app of b.registered) {
    const where = `app ${short(app)}`, x = a.apps[app], y = b.apps[app];
    if (x && x.isApp && y.isApp) {
      owned(where, x, y);
      sets(where, 'compose-hash', x.composeHashes, y.composeHashes);
      sets(where, 'device', x.devices, y.devices);
    } else if (!x) {
      out.push({ after: y.isApp ? `controlled by ${control(m, y.owner).words}`
        : 'not a DstackApp (its policy cannot be read)', before: null, kind: 'added', what: 'app', where });
      if (y.isApp) {
        sets(where, 'compose-hash', [], y.composeHashes);
        sets(where, 'device', [], y.devices);
      }
    }
  }
  return out;
}

function opJson(m, op) {
  return { batch: op.batch, calls: op.calls.map((c) => ({ data: c.data, target: c.target, value: '0' })),
    id: op.id, readyAt: { ts: '@scheduledBlock', plus: m.delay }, scheduledBlock: op.block,
    state: 'waiting', timelock: m.tl };
}

// ---- comparing ----

let blocks = null; // number -> {hash of its one transaction, timestamp}

async function readBlocks() {
  const r = await fetch(process.env.URL, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }) });
  const head = Number((await r.json()).result), batch = [];
  for (let i = 0; i <= head; i++)
    batch.push({ jsonrpc: '2.0', id: i, method: 'eth_getBlockByNumber', params: ['0x' + i.toString(16), false] });
  const all = await (await fetch(process.env.URL, { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) })).json();
  blocks = {};
  for (const b of all) blocks[b.id] = { txs: b.result.transactions, time: Number(b.result.timestamp) };
}

// The expected value want made concrete against got: a block range takes got's block when
// inside it; {tx: '@KEY'} and {ts: '@KEY'} are the transaction (the only one) and time of the
// block named by the nearest KEY above; {any: 'bytes32'} is any 32-byte hex.
function bind(want, got, up) {
  if (Array.isArray(want)) return want.map((w, i) => bind(w, Array.isArray(got) ? got[i] : undefined, up));
  if (!want || typeof want !== 'object') return want;
  if (want.range) {
    const [lo, hi] = want.range;
    return Number.isInteger(got) && got >= lo && got <= hi ? got : `a block in ${lo}..${hi}`;
  }
  if (want.any) return typeof got === 'string' && /^0x[0-9a-f]{64}$/.test(got) ? got : 'any bytes32';
  // plain values (blocks among them) first, then what holds them, then what refers to them
  const ref = (w) => typeof w.tx === 'string' || typeof w.ts === 'string';
  const o = {}, rank = (w) => !w || typeof w !== 'object' || w.range || w.any ? 0 : ref(w) ? 2 : 1;
  const keys = Object.keys(want).sort((x, y) => rank(want[x]) - rank(want[y]));
  const later = keys.filter((k) => rank(want[k]) === 2);
  for (const k of keys.filter((k) => rank(want[k]) < 2))
    o[k] = bind(want[k], got && typeof got === 'object' ? got[k] : undefined, [o, ...up]);
  for (const k of later) {
    const ref = (want[k].tx || want[k].ts).slice(1), scope = [o, ...up].find((s) => ref in s);
    const n = scope ? scope[ref] : undefined, b = blocks[n];
    if (!b) o[k] = `the ${want[k].tx ? 'transaction' : 'time'} of block ${n}`;
    else if (want[k].tx) o[k] = b.txs.length === 1 ? b.txs[0] : `block ${n} holds ${b.txs.length} transactions`;
    else o[k] = b.time + (want[k].plus || 0);
  }
  return o;
}

// The differences between want and got, as "path: want X, got Y" (at most a few).
function differences(want, got, path = '', out = []) {
  if (out.length >= 4) return out;
  const show = (v) => JSON.stringify(v) === undefined ? 'nothing' : JSON.stringify(v).slice(0, 300);
  if (Array.isArray(want) && Array.isArray(got)) {
    if (want.length !== got.length) out.push(`${path}: ${want.length} entries, got ${got.length}: want ${show(want)}, got ${show(got)}`);
    else want.forEach((w, i) => differences(w, got[i], `${path}[${i}]`, out));
  } else if (want && got && typeof want === 'object' && typeof got === 'object' && !Array.isArray(want) && !Array.isArray(got)) {
    for (const k of new Set([...Object.keys(want), ...Object.keys(got)]))
      if (!(k in got)) out.push(`${path}.${k}: missing (want ${show(want[k])})`);
      else if (!(k in want)) out.push(`${path}.${k}: not expected (got ${show(got[k])})`);
      else differences(want[k], got[k], `${path}.${k}`, out);
  } else if (JSON.stringify(want) !== JSON.stringify(got)) out.push(`${path || 'value'}: want ${show(want)}, got ${show(got)}`);
  return out;
}

function compare(what, want, got, bound) {
  const d = differences(bound ? want : bind(want, got, []), got);
  console.log(d.length ? `FAIL ${what}: ${d.join('; ')}` : `ok ${what}`);
}

// Compares lists entry by entry (each entry one check), and their lengths.
function compareList(what, want, got, label) {
  if (!Array.isArray(got)) return console.log(`FAIL ${what}: not a list: ${JSON.stringify(got).slice(0, 300)}`);
  console.log(want.length === got.length ? `ok ${what}: ${want.length} entries`
    : `FAIL ${what}: ${got.length} entries, the model has ${want.length}`);
  for (let i = 0; i < Math.max(want.length, got.length); i++)
    if (i < want.length && i < got.length) compare(`${what} #${i} (${label(want[i])})`, want[i], got[i]);
}

const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const changeLabel = (c) => c.words;

const CHECKS = {
  // check-show FILE BLOCK: policy show --json as of BLOCK, one check per part.
  'check-show'(f, block) {
    const m = load(), got = readJson(f), want = bind(showJson(m, Number(block)), got, []);
    const { apps, ...kms } = want, { apps: gotApps, ...gotKms } = got;
    for (const k of Object.keys(kms)) compare(`show ${block} ${k}`, kms[k], gotKms[k], true);
    for (const k of Object.keys(gotKms)) if (!(k in kms)) console.log(`FAIL show ${block}: ${k} not expected`);
    compareList(`show ${block} apps`, apps, gotApps, (a) => a.address);
  },
  // check-history FILE [SINCE]: policy history --json (from SINCE on).
  'check-history'(f, since) {
    const m = load(), s = since ? Number(since) : 0;
    const want = m.changes.filter((c) => (c.block.range ? c.block.range[1] : c.block) >= s);
    compareList(`history${since ? ' --since ' + since : ''}`, want, readJson(f), changeLabel);
  },
  // check-diff FILE FROM TO: policy diff --json --from FROM --to TO, order aside.
  'check-diff'(f, from, to) {
    const m = load(), got = readJson(f), key = (d) => JSON.stringify(d, Object.keys(d).sort());
    compare(`diff ${from}..${to} blocks`, { from: Number(from), to: Number(to) }, { from: got.from, to: got.to });
    const want = diffJson(m, Number(from), Number(to)).map(key).sort().map(JSON.parse);
    compareList(`diff ${from}..${to}`, want, (got.differences || []).map(key).sort().map(JSON.parse),
      (d) => `${d.kind} ${d.where} ${d.what}`);
  },
  // check-pending FILE: policy pending --json: the operations scheduled and not executed, and
  // the proposal files not executed.
  'check-pending'(f) {
    const m = load(), got = readJson(f);
    compareList('pending operations', Object.values(m.ops).filter((o) => !o.done).map((o) => opJson(m, o)),
      got.operations, (o) => o.id);
    compareList('pending proposals', m.proposals || [], got.proposals, (p) => p.file);
  },
  // check-watch FILE AFTER: policy watch --json started after block AFTER: each change after it
  // and each operation scheduled before the last of them, in block order.
  'check-watch'(f, after) {
    const m = load(), from = Number(after);
    const changes = m.changes.filter((c) => typeof c.block === 'number' && c.block > from);
    const last = changes.length ? changes[changes.length - 1].block : from;
    const want = changes.map((c) => ({ at: c.block, line: { change: c } }));
    for (const op of Object.values(m.ops))
      if (op.block > from && op.block < last) want.push({ at: op.block, line: { scheduled: opJson(m, op) } });
    want.sort((x, y) => x.at - y.at);
    const got = fs.readFileSync(f, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
    compareList('watch', want.map((w) => w.line), got,
      (l) => l.change ? l.change.words : `scheduled ${l.scheduled.id}`);
  },
};

(async () => {
  if (COMMANDS[cmd]) return COMMANDS[cmd](...args);
  if (!CHECKS[cmd]) throw new Error('no such command ' + cmd);
  await readBlocks();
  CHECKS[cmd](...args);
})().catch((e) => { console.log(`FAIL ${cmd}: ${e.stack || e}`); process.exitCode = 1; });
