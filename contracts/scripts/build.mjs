// Reproducible contract build: pinned solcjs (standard JSON) + Safe v1.4.1's published artifacts -> artifacts/*.json.
// Usage: node contracts/scripts/build.mjs [--out DIR]   (default DIR: contracts/artifacts)
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { keccak256 } from "./keccak.mjs";

const contractsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoDir = path.dirname(contractsDir);
const nodeModules = path.join(repoDir, "node_modules");
const solc = createRequire(path.join(repoDir, "package.json"))("solc");

const outArg = process.argv.indexOf("--out");
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(contractsDir, "artifacts");

// evmVersion cancun: Ethereum mainnet, Base and their testnets (Sepolia, Holesky, Base Sepolia) all run
// Cancun or later, so PUSH0/MCOPY/TSTORE are available; pinning it keeps the bytecode independent of
// the compiler's default.
const SETTINGS = {
  evmVersion: "cancun",
  metadata: { bytecodeHash: "none" },
  optimizer: { enabled: true, runs: 200 },
  viaIR: false,
};
// [artifact name, solc source name]; source names are relative so no local path reaches the output.
const COMPILED = [
  ["DstackKms", "src/DstackKms.sol"],
  ["DstackApp", "src/DstackApp.sol"],
  ["IAppAuth", "src/IAppAuth.sol"],
  ["IAppAuthBasicManagement", "src/IAppAuthBasicManagement.sol"],
  ["ERC1967Proxy", "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol"],
  ["TimelockController", "@openzeppelin/contracts/governance/TimelockController.sol"],
];
const SAFE_DIR = "@safe-global/safe-contracts/build/artifacts";
const SAFE = [
  ["Safe", "contracts/Safe.sol"],
  ["SafeL2", "contracts/SafeL2.sol"],
  ["SafeProxyFactory", "contracts/proxies/SafeProxyFactory.sol"],
  ["CompatibilityFallbackHandler", "contracts/handler/CompatibilityFallbackHandler.sol"],
  ["MultiSendCallOnly", "contracts/libraries/MultiSendCallOnly.sol"],
  ["SimulateTxAccessor", "contracts/accessors/SimulateTxAccessor.sol"],
  ["SafeProxy", "contracts/proxies/SafeProxy.sol"],
];

function resolveSource(name) {
  if (name.startsWith("@")) return path.join(nodeModules, name);
  return path.join(contractsDir, name);
}

function findImports(name) {
  const file = resolveSource(name);
  if (!file.startsWith(nodeModules + path.sep) && !file.startsWith(contractsDir + path.sep)) return { error: `outside the tree: ${name}` };
  try { return { contents: fs.readFileSync(file, "utf8") }; } catch { return { error: `not found: ${name}` }; }
}

// Recursively sorts object keys so JSON.stringify is stable.
function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  return v;
}

function hashes(hex) {
  const bytes = Buffer.from(hex.replace(/^0x/, ""), "hex");
  return { keccak256: keccak256(bytes), sha256: "0x" + crypto.createHash("sha256").update(bytes).digest("hex") };
}

function artifact(name, source, compiler, settings, c, extra = {}) {
  const bytecode = c.bytecode.startsWith("0x") ? c.bytecode : "0x" + c.bytecode;
  const deployed = c.deployedBytecode.startsWith("0x") ? c.deployedBytecode : "0x" + c.deployedBytecode;
  return sorted({
    name, source, compiler, settings, abi: c.abi,
    bytecode, deployedBytecode: deployed,
    immutableReferences: c.immutableReferences || {},
    storageLayout: c.storageLayout || null,
    hashes: { bytecode: hashes(bytecode), deployedBytecode: hashes(deployed) },
    bytecodeSize: (bytecode.length - 2) / 2, deployedBytecodeSize: (deployed.length - 2) / 2,
    ...extra,
  });
}

function compileOurs() {
  const sources = {};
  for (const [, src] of COMPILED) sources[src] = { content: fs.readFileSync(resolveSource(src), "utf8") };
  const outputSelection = {};
  for (const [name, src] of COMPILED) {
    outputSelection[src] = { [name]: ["abi", "evm.bytecode.object", "evm.deployedBytecode.object",
      "evm.deployedBytecode.immutableReferences", "evm.methodIdentifiers", "storageLayout"] };
  }
  const input = { language: "Solidity", sources, settings: { ...SETTINGS, outputSelection } };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (out.errors || []).filter((e) => e.severity === "error");
  for (const e of out.errors || []) process.stderr.write(e.formattedMessage || e.message);
  if (errors.length) throw new Error(`solc: ${errors.length} error(s)`);
  const version = solc.version();
  return COMPILED.map(([name, src]) => {
    const c = out.contracts[src][name];
    return artifact(name, src, version, SETTINGS, {
      abi: c.abi, bytecode: c.evm.bytecode.object, deployedBytecode: c.evm.deployedBytecode.object,
      immutableReferences: c.evm.deployedBytecode.immutableReferences, storageLayout: c.storageLayout,
    }, { methodIdentifiers: c.evm.methodIdentifiers });
  });
}

function safeArtifacts() {
  const buildInfos = new Map();
  return SAFE.map(([name, src]) => {
    const dir = path.join(nodeModules, SAFE_DIR, src);
    const a = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), "utf8"));
    const dbg = JSON.parse(fs.readFileSync(path.join(dir, `${name}.dbg.json`), "utf8"));
    const biPath = path.resolve(dir, dbg.buildInfo);
    if (!buildInfos.has(biPath)) buildInfos.set(biPath, JSON.parse(fs.readFileSync(biPath, "utf8")));
    const bi = buildInfos.get(biPath);
    const c = bi.output.contracts[src][name];
    if (("0x" + c.evm.bytecode.object) !== a.bytecode) throw new Error(`${name}: artifact and build-info disagree`);
    const { outputSelection, ...settings } = bi.input.settings;
    return artifact(name, `${SAFE_DIR}/${src}`, bi.solcLongVersion, settings, {
      abi: a.abi, bytecode: a.bytecode, deployedBytecode: a.deployedBytecode,
      immutableReferences: c.evm.deployedBytecode.immutableReferences, storageLayout: c.storageLayout,
    }, { methodIdentifiers: c.evm.methodIdentifiers });
  });
}

const all = [...compileOurs(), ...safeArtifacts()];
fs.mkdirSync(outDir, { recursive: true });
const index = [];
for (const a of all) {
  fs.writeFileSync(path.join(outDir, `${a.name}.json`), JSON.stringify(a, null, 2) + "\n");
  index.push({ name: a.name, file: `${a.name}.json`, source: a.source, compiler: a.compiler,
    bytecodeKeccak256: a.hashes.bytecode.keccak256, deployedBytecodeKeccak256: a.hashes.deployedBytecode.keccak256 });
}
fs.writeFileSync(path.join(outDir, "index.json"), JSON.stringify(sorted({ artifacts: index }), null, 2) + "\n");
console.log(`build: ${all.length} artifacts in ${path.relative(process.cwd(), outDir) || "."}`);
