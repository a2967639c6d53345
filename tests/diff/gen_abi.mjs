// gen_abi.mjs: generates ABI cases with a fixed seed and checks kmsctl against cast byte for byte.
// Env: KMSCTL, CAST; optional ABI_CASES (default 600), ABI_SEED, ABI_JOBS (default 4).
// For each valid case: sig, calldata, abi-encode, abi-decode (outputs), abi-decode --input and
// decode-calldata must print the same stdout and exit status; for invalid cases both must fail.
// Prints failures and one final line "abi: N passed, M failed".
import { spawn } from 'node:child_process';

const KMSCTL = process.env.KMSCTL;
const CAST = process.env.CAST;
const NCASES = Number(process.env.ABI_CASES || 600);
const JOBS = Number(process.env.ABI_JOBS || 4);
let seed = Number(process.env.ABI_SEED || 20240607) >>> 0;

// mulberry32: small deterministic PRNG.
function rnd() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const ri = (n) => Math.floor(rnd() * n);
const pick = (a) => a[ri(a.length)];
const chance = (p) => rnd() < p;
const hex = (nbytes) => Array.from({ length: nbytes }, () => ri(256).toString(16).padStart(2, '0')).join('');
const randBig = (bits) => {
  let v = 0n;
  for (let i = 0; i < bits; i += 8) v = (v << 8n) | BigInt(ri(256));
  return v & ((1n << BigInt(bits)) - 1n);
};

// ---- types ----
function genType(depth) {
  const r = rnd();
  if (depth < 3 && r < 0.12) return { k: 'array', e: genType(depth + 1) };
  if (depth < 3 && r < 0.22) return { k: 'fixed', e: genType(depth + 1), n: 1 + ri(3) };
  if (depth < 3 && r < 0.32) {
    const n = 1 + ri(3);
    return { k: 'tuple', f: Array.from({ length: n }, () => genType(depth + 1)) };
  }
  const e = rnd();
  if (e < 0.22) return { k: 'uint', n: pick([8, 16, 24, 32, 64, 128, 160, 248, 256, 8 * (1 + ri(32))]) };
  if (e < 0.40) return { k: 'int', n: pick([8, 16, 32, 64, 128, 256, 8 * (1 + ri(32))]) };
  if (e < 0.50) return { k: 'address' };
  if (e < 0.58) return { k: 'bool' };
  if (e < 0.70) return { k: 'bytesN', n: 1 + ri(32) };
  if (e < 0.80) return { k: 'bytes' };
  if (e < 0.97) return { k: 'string' };
  return { k: 'function' };
}

function canon(t) {
  switch (t.k) {
    case 'uint': return `uint${t.n}`;
    case 'int': return `int${t.n}`;
    case 'bytesN': return `bytes${t.n}`;
    case 'array': return `${canon(t.e)}[]`;
    case 'fixed': return `${canon(t.e)}[${t.n}]`;
    case 'tuple': return `(${t.f.map(canon).join(',')})`;
    default: return t.k;
  }
}

// A spelling cast accepts for the same type (aliases, tuple keyword, spaces).
function spell(t) {
  switch (t.k) {
    case 'uint': return t.n === 256 && chance(0.3) ? 'uint' : `uint${t.n}`;
    case 'int': return t.n === 256 && chance(0.3) ? 'int' : `int${t.n}`;
    case 'array': return `${spell(t.e)}[]`;
    case 'fixed': return `${spell(t.e)}[${t.n}]`;
    case 'tuple': return `${chance(0.2) ? 'tuple' : ''}(${t.f.map(spell).join(chance(0.3) ? ', ' : ',')})`;
    default: return canon(t);
  }
}

// ---- values ----
const STR_POOL = ['a', 'b', 'z', 'Q', '0', '9', ' ', ' ', '.', '-', '_', '/', ':', '!', '?', '#', '=', '+',
  '\\', '"', "'", 'é', 'ß', '中', '文', '😀', '👍🏽', 'е\u0301', '\u00a0', '\u200b', '\t', '\n', '\r', '\u0007', '\u007f',
  'ab cd', 'hello world', '{"k":1}', '%s', '$x'];

function genString() {
  const n = ri(8);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(STR_POOL);
  return s;
}

function uintText(v) {
  const r = rnd();
  if (r < 0.55) return v.toString();
  if (r < 0.85) return '0x' + v.toString(16);
  if (r < 0.92) return '0x' + v.toString(16).toUpperCase();
  return v.toString() + ' '; // trailing spaces are part of cast's number grammar
}

// Returns { text, ok } for value text of type t; inList says we are inside [] or ().
function genValue(t, inList) {
  switch (t.k) {
    case 'uint': {
      const max = (1n << BigInt(t.n)) - 1n;
      const v = pick([0n, 1n, max, max - 1n, randBig(t.n), randBig(Math.min(t.n, 16)), randBig(t.n)]);
      if (t.n >= 64 && chance(0.05)) return pick(['1 ether', '2gwei', '1.5 ether', '3e6', '7 wei', '0.25 gwei']);
      return uintText(v);
    }
    case 'int': {
      const half = 1n << BigInt(t.n - 1);
      const v = pick([0n, 1n, -1n, half - 1n, -half, randBig(t.n - 1), -randBig(t.n - 1), -randBig(Math.min(t.n - 1, 12))]);
      if (v < 0n) return '-' + (chance(0.2) ? '0x' + (-v).toString(16) : (-v).toString());
      return chance(0.1) ? '+' + v.toString() : uintText(v);
    }
    case 'address': {
      const h = hex(20);
      return '0x' + (chance(0.3) ? h.toUpperCase() : h);
    }
    case 'bool': return pick(['true', 'false']);
    case 'bytesN': return (chance(0.9) ? '0x' : '') + hex(t.n);
    case 'bytes': return '0x' + hex(pick([0, 1, 2, 31, 32, 33, ri(80)]));
    case 'function': return '0x' + hex(24);
    case 'string': return stringText(genString(), inList);
    case 'array':
    case 'fixed': {
      const n = t.k === 'fixed' ? t.n : ri(4);
      const items = Array.from({ length: n }, () => genValue(t.e, true));
      const sep = chance(0.3) ? ', ' : ',';
      return `[${items.join(sep)}${n && chance(0.1) ? ',' : ''}]`;
    }
    case 'tuple': {
      const items = t.f.map((f) => genValue(f, true));
      return `(${items.join(chance(0.3) ? ', ' : ',')})`;
    }
  }
  throw new Error('type ' + t.k);
}

function stringText(s, inList) {
  if (!inList) {
    if (/^["']/.test(s) || /^-/.test(s)) return `"${s.replace(/"/g, '')}"`;
    return chance(0.2) && !s.includes('"') ? `"${s}"` : s;
  }
  const needsQuote = s === '' || /[,)\]]/.test(s) || /^[\s"']/.test(s) || /\s$/.test(s);
  if (!needsQuote && chance(0.7)) return s;
  if (!s.includes('"')) return `"${s}"`;
  if (!s.includes("'")) return `'${s}'`;
  return `"${s.replace(/"/g, '')}"`;
}

// Invalid values: each must make both tools fail.
function badValue(t) {
  switch (t.k) {
    case 'uint': return pick([(1n << BigInt(t.n)).toString(), '-1', '0x', '12abc', '1.5', 'x']);
    case 'int': return pick([(1n << BigInt(t.n - 1)).toString(), '0x', '1-', '1e', 'abc']);
    case 'address': return pick(['0x' + hex(19), '0x' + hex(21), '0x' + hex(20).slice(1), '0xzz' + hex(19)]);
    case 'bool': return pick(['1', 'True', 'yes', '']);
    case 'bytesN': return '0x' + hex(t.n === 32 ? 31 : t.n + 1);
    case 'bytes': return pick(['0x123', '0xgg', '']);
    case 'function': return '0x' + hex(23);
    case 'string': return pick(['"unterminated', "'x", '"a"b']);
    case 'array': return pick(['[1,2', '1,2]', '[,]']);
    case 'fixed': return '[' + Array.from({ length: t.n + 1 }, () => genValue(t.e, true)).join(',') + ']';
    case 'tuple': return pick(['(', '()', '(1,2,3,4,5)']);
  }
  return 'x';
}

function genCase(i) {
  const n = ri(4) + (i % 7 === 0 ? 0 : 1);
  const types = Array.from({ length: n }, () => genType(0));
  const name = pick(['f', 'transfer', 'setUp_1', 'g$', 'doThing']);
  const spelled = types.map((t) => spell(t) + (chance(0.15) ? ' ' + pick(['x', 'memory data', 'calldata y', 'amount']) : ''));
  const sig = (chance(0.1) ? 'function ' : '') + `${name}(${spelled.join(chance(0.3) ? ', ' : ',')})`;
  const values = types.map((t) => genValue(t, false));
  const j = ri(Math.max(n, 1));
  // a string accepts nearly any text, so bad values go only to other types
  const bad = n > 0 && types[j].k !== 'string' && chance(0.14);
  if (bad) values[j] = badValue(types[j]);
  return { sig, outSig: `${name}()(${types.map(canon).join(',')})`, values, bad, types };
}

// ---- running ----
function run(bin, args) {
  return new Promise((resolve) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

let passed = 0;
let failed = 0;
const shown = [];

function report(what, args, a, b) {
  failed++;
  if (shown.length < 30)
    shown.push(`FAIL ${what}: ${JSON.stringify(args)}\n  cast   rc=${a.code} ${JSON.stringify(a.out || a.err.slice(0, 300))}\n  kmsctl rc=${b.code} ${JSON.stringify(b.out || b.err.slice(0, 300))}`);
}

async function check(what, args, expectFail) {
  const [a, b] = await Promise.all([run(CAST, args), run(KMSCTL, args)]);
  if (expectFail) {
    // kmsctl: 1 with one line for a bad value; 2 (a usage error and its --help hint) for a
    // wrong number of arguments, where cast says 1.
    const oneLine = b.err.trim().split('\n').length === 1;
    const usage = b.code === 2 && /takes \d+ arguments?, got \d+/.test(b.err);
    if (a.code !== 0 && ((b.code === 1 && oneLine) || usage)) passed++;
    else report(what + ' (must fail)', args, a, b);
    return a;
  }
  if (a.code === b.code && a.out === b.out) passed++;
  else report(what, args, a, b);
  return a;
}

async function runCase(c) {
  await check('sig', ['sig', c.sig]);
  if (c.bad) {
    await check('calldata', ['calldata', c.sig, ...c.values], true);
    return;
  }
  const cd = await check('calldata', ['calldata', c.sig, ...c.values]);
  const enc = await check('abi-encode', ['abi-encode', c.sig, ...c.values]);
  if (cd.code !== 0 || enc.code !== 0) return;
  const data = enc.out.trim();
  if (c.types.length > 0) {
    await check('abi-decode', ['abi-decode', c.outSig, data]);
    await check('abi-decode --input', ['abi-decode', '--input', c.sig, data]);
    await check('decode-calldata', ['decode-calldata', c.sig, cd.out.trim()]);
  }
}

// Fixed cases: spec vectors, malformed data, signature forms.
function fixedChecks() {
  const w = (x) => x.toString(16).padStart(64, '0');
  return [
    ['sig', 'baz(uint32,bool)'], ['sig', 'bar(bytes3[2])'], ['sig', 'sam(bytes,bool,uint256[])'],
    ['sig', 'f(uint256,uint32[],bytes10,bytes)'], ['sig', 'g(uint256[][],string[])'],
    ['sig', 'balanceOf(address)(uint256)'], ['sig', 'f(uint256) external view returns (uint256)'],
    ['sig', 'f(uint7)'], ['sig', 'f(Lib.Enum,uint)'], ['sig', 'f(uint256 indexed a, string memory s)'],
    ['calldata', 'baz(uint32,bool)', '69', 'true'], ['calldata', 'bar(bytes3[2])', '[0x616263,0x646566]'],
    ['calldata', 'sam(bytes,bool,uint256[])', '0x64617665', 'true', '[1,2,3]'],
    ['calldata', 'f(uint256,uint32[],bytes10,bytes)', '0x123', '[0x456,0x789]', '0x31323334353637383930', '0x48656c6c6f2c20776f726c6421'],
    ['calldata', 'g(uint256[][],string[])', '[[1,2],[3]]', '[one,two,three]'],
    ['abi-decode', 'f()(uint256)', '0x' + w(10000n)], ['abi-decode', 'f()(int256)', '0x' + 'f'.repeat(64)],
    ['abi-decode', 'f()(string)', '0x' + w(32n) + w(3n) + 'ff4142' + '0'.repeat(58)],
    ['abi-decode', 'f()(bool,uint8,address)', '0x' + w(2n) + w(511n) + 'ff'.repeat(32)],
    ['abi-decode', 'f()(bytes)', '0x' + w(32n) + w(3n) + '414243'],
  ];
}

function badDataChecks() {
  const w = (x) => x.toString(16).padStart(64, '0');
  return [
    ['abi-decode', 'f()(uint256)', '0x00'], ['abi-decode', 'f()(uint256)', '0x0'], ['abi-decode', 'f()(uint256)', '0xzz'],
    ['abi-decode', 'f()(bytes)', '0x' + w(32n) + w(3n)], ['abi-decode', 'f()(uint256[])', '0x' + w(32n) + 'ffff' + '0'.repeat(60)],
    ['abi-decode', 'f()(uint256[])', '0x' + w(64n)], ['abi-decode', 'f()(string[])', '0x' + w(32n) + w(1n) + w(32n)],
    ['abi-decode', 'f()(uint8[])', '0x' + w(32n) + w(2n) + w(1n)], ['decode-calldata', 'f(uint8)', '0x1234'],
    ['decode-calldata', 'f()', '0x12345678'], ['abi-decode', 'f(uint8)', '0x' + w(1n)],
    ['sig', 'f(uint256'], ['sig', 'f'], ['sig', 'f(uint256[0])'], ['sig', 'f(,)'], ['sig', 'f(uint256) xyz'],
    ['calldata', 'f(uint7)', '1'], ['calldata', 'f(uint8,uint8)', '1'], ['calldata', 'f(uint8)', '1', '2'],
    ['calldata', 'f(uint8)', '256'], ['abi-encode', 'f(bytes)', '0x123'], ['abi-encode', 'f(address)', '0x1234'],
  ];
}

async function main() {
  if (!KMSCTL || !CAST) {
    console.error('gen_abi.mjs: set KMSCTL and CAST');
    process.exit(2);
  }
  const cases = Array.from({ length: NCASES }, (_, i) => genCase(i));
  let next = 0;
  const worker = async () => {
    while (next < cases.length) await runCase(cases[next++]);
  };
  await Promise.all(Array.from({ length: JOBS }, worker));
  for (const args of fixedChecks()) await check('fixed', args);
  for (const args of badDataChecks()) await check('bad', args, true);
  for (const s of shown) console.log(s);
  console.log(`abi: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
