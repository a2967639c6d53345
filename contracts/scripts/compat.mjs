// Compares our DstackKms/DstackApp ABI (selectors, topics, errors) and storage layout with the reference interface.
// Usage: node contracts/scripts/compat.mjs [--artifacts DIR] [--reference DIR]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { keccak256 } from "./keccak.mjs";

const contractsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (flag, def) => { const i = process.argv.indexOf(flag); return i > 0 ? path.resolve(process.argv[i + 1]) : def; };
const artifactsDir = arg("--artifacts", path.join(contractsDir, "artifacts"));
const referenceDir = arg("--reference", path.join(contractsDir, "reference"));
const CONTRACTS = ["DstackKms", "DstackApp"];
const readJson = (f) => JSON.parse(fs.readFileSync(f, "utf8"));

// Canonical ABI type: tuples expanded to (t1,t2,...) with their array suffix.
const canon = (p) => p.type.startsWith("tuple") ? `(${p.components.map(canon).join(",")})${p.type.slice(5)}` : p.type;
const sig = (e) => `${e.name}(${e.inputs.map(canon).join(",")})`;

// Everything about an ABI that callers and log readers depend on, keyed by selector/topic.
function abiKeys(abi) {
  const m = new Map();
  for (const e of abi) {
    if (e.type === "function") {
      const outs = (e.outputs || []).map(canon).join(",");
      m.set(`function ${keccak256(sig(e)).slice(0, 10)}`, `${sig(e)} ${e.stateMutability} returns (${outs})`);
    } else if (e.type === "event") {
      const idx = e.inputs.map((p) => (p.indexed ? "indexed" : "-")).join(",");
      m.set(`event ${keccak256(sig(e))}`, `${sig(e)} [${idx}]${e.anonymous ? " anonymous" : ""}`);
    } else if (e.type === "error") {
      m.set(`error ${keccak256(sig(e)).slice(0, 10)}`, sig(e));
    } else {
      m.set(e.type, `${e.type} ${(e.inputs || []).map(canon).join(",")} ${e.stateMutability || ""}`);
    }
  }
  return m;
}

// Storage entries with AST ids stripped from type names; struct members are listed too.
function storageKeys(layout) {
  const norm = (t) => t.replace(/\)\d+_/g, ")_");
  const m = new Map();
  const walk = (prefix, entries, base) => {
    for (const s of entries) {
      const slot = BigInt(base) + BigInt(s.slot);
      const t = layout.types[s.type];
      m.set(`${prefix}${s.label}`, `slot ${slot} offset ${s.offset} type ${norm(s.type)} bytes ${t.numberOfBytes}`);
      if (t.members) walk(`${prefix}${s.label}.`, t.members, slot);
    }
  };
  walk("", layout.storage, 0);
  return m;
}

function diff(what, ours, ref, problems) {
  for (const [k, v] of ref) {
    if (!ours.has(k)) problems.push(`${what}: missing ${k} ${v}`);
    else if (ours.get(k) !== v) problems.push(`${what}: ${k}: ours "${ours.get(k)}" vs reference "${v}"`);
  }
  for (const [k, v] of ours) if (!ref.has(k)) problems.push(`${what}: extra ${k} ${v}`);
}

const problems = [];
const count = { selectors: 0, topics: 0, errors: 0, slots: 0 };
for (const name of CONTRACTS) {
  const art = readJson(path.join(artifactsDir, `${name}.json`));
  const ours = abiKeys(art.abi);
  const ref = abiKeys(readJson(path.join(referenceDir, `${name}.abi.json`)));
  diff(`${name} abi`, ours, ref, problems);
  // Our keccak must agree with solc's own selectors.
  for (const [s, id] of Object.entries(art.methodIdentifiers || {})) {
    if (!ours.has(`function 0x${id}`)) problems.push(`${name}: solc selector 0x${id} ${s} not derived from the ABI`);
  }
  const ourStorage = storageKeys(art.storageLayout);
  diff(`${name} storage`, ourStorage, storageKeys(readJson(path.join(referenceDir, `${name}.storage.json`))), problems);
  for (const k of ours.keys()) {
    if (k.startsWith("function")) count.selectors++;
    else if (k.startsWith("event")) count.topics++;
    else if (k.startsWith("error")) count.errors++;
  }
  count.slots += ourStorage.size;
}

// The published selector list must agree with what we derive from the reference ABI.
const methods = path.join(referenceDir, "methods.txt");
if (fs.existsSync(methods)) {
  let section = null;
  const refKeys = Object.fromEntries(CONTRACTS.map((n) => [n, abiKeys(readJson(path.join(referenceDir, `${n}.abi.json`)))]));
  for (const line of fs.readFileSync(methods, "utf8").split("\n")) {
    const h = line.match(/^## (\w+)/);
    if (h) section = refKeys[h[1]] ? h[1] : null;
    const r = line.match(/^(0x[0-9a-f]{8}|0x[0-9a-f]{64})\s+(\S+)/);
    if (!section || !r) continue;
    const kind = r[1].length === 66 ? "event" : refKeys[section].has(`function ${r[1]}`) ? "function" : "error";
    if (!refKeys[section].has(`${kind} ${r[1]}`)) problems.push(`methods.txt: ${section} ${r[1]} ${r[2]} not in the reference ABI`);
  }
}

if (problems.length) {
  for (const p of problems) console.error(`compat: ${p}`);
  console.error(`compat: FAIL: ${problems.length} difference(s)`);
  process.exit(1);
}
console.log(`compat: ${CONTRACTS.length} contracts, ${count.selectors} selectors, ${count.topics} topics, ` +
  `${count.errors} errors, ${count.slots} storage entries match`);
