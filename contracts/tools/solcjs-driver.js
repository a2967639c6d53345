// Driver for tools/solc: runs the solcjs compiler (npm `solc`) in standard-JSON mode on a file and
// writes the result to a file. Usage:
//   node solcjs-driver.js --version
//   node solcjs-driver.js --standard-json IN OUT [--base-path P] [--include-path P]...
'use strict';
const fs = require('fs');
const path = require('path');

const modules = process.env.KMSCTL_NODE_MODULES || path.join(__dirname, '..', '..', 'node_modules');
let solc;
try {
  solc = require(path.join(path.resolve(modules), 'solc'));
} catch (e) {
  process.stderr.write(`solc wrapper: cannot load solcjs from ${modules} (run scripts/setup.sh): ${e.message}\n`);
  process.exit(1);
}

const argv = process.argv.slice(2);
if (argv[0] === '--version') {
  process.stdout.write('solc, the solidity compiler commandline interface\nVersion: ' + solc.version() + '\n');
  process.exit(0);
}
if (argv[0] !== '--standard-json' || argv.length < 3) {
  process.stderr.write('usage: solcjs-driver.js --standard-json IN OUT [--base-path P] [--include-path P]...\n');
  process.exit(2);
}
const inFile = argv[1];
const outFile = argv[2];
let basePath = '';
const includePaths = [];
for (let i = 3; i < argv.length; i += 2) {
  if (argv[i] === '--base-path') basePath = argv[i + 1];
  else if (argv[i] === '--include-path') includePaths.push(argv[i + 1]);
}

// Import callback, as native solc resolves source unit names: base path first, then each include
// path, then the name itself (forge usually passes every source's content, so this is a fallback).
function readImport(name) {
  const prefixes = [basePath || '.', ...includePaths];
  const candidates = prefixes.map((p) => path.resolve(p, name));
  if (path.isAbsolute(name)) candidates.push(name);
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) return { contents: fs.readFileSync(c, 'utf8') };
    } catch (_) { /* try the next one */ }
  }
  return { error: `File not found: ${name} (looked in ${prefixes.join(', ')})` };
}

const input = fs.readFileSync(inFile, 'utf8');
let output;
try {
  output = solc.compile(input, { import: readImport });
} catch (e) {
  output = JSON.stringify({ errors: [{ component: 'general', severity: 'error', type: 'InternalCompilerError',
    message: String(e), formattedMessage: String(e) }] });
}
fs.writeFileSync(outFile, output);
