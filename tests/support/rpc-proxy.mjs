#!/usr/bin/env node
// rpc-proxy.mjs (tests only): a JSON-RPC proxy on 127.0.0.1 between kmsctl and a real node,
// which injects faults. Prints "port N" on its first line once it listens; exits by itself
// after --lifetime seconds (default 600).
//
//   node rpc-proxy.mjs --upstream URL [--kill-after N | --kill-before N] [--pid-file F]
//                      [--lifetime S]
//
// --kill-after N   forwards the Nth eth_sendRawTransaction, returns the node's answer, then
//                  sends SIGKILL to the pid in --pid-file (the transaction is on chain, the
//                  client never saw more)
// --kill-before N  sends SIGKILL instead of forwarding the Nth one (signed, never broadcast)
//
// Faults switched at run time: POST /control with a JSON object (every other path is proxied)
//   {"fault": NAME, "method": M, "after": A, "skip": K, "count": N, "value": V}
// sets the fault for the calls of method M (default: every call; the per-method faults below
// have their own default), from the first call of method A on (default: at once; a client's
// own anvil fork asks the node too, "after": "eth_sendRawTransaction" waits for the client's
// first broadcast), after letting K of them through (default 0), for N of them (default 0:
// until the next POST); {"fault": "none"} clears it. GET /control answers the counters:
//   {"fault": NAME, "requests": all HTTP requests, "methods": {method: calls seen},
//    "faulted": requests the fault hit, "held": requests "hang" holds now}
// A request (single call or batch) is hit when one of its calls matches. Faults:
//   garbage       HTTP 200 with a body that is not JSON (and holds a terminal escape)
//   truncated     the node's answer cut in half (a complete HTTP reply of invalid JSON)
//   http500       HTTP 500 with an HTML page
//   hang          no answer at all: the connection stays open until the fault changes, then
//                 it is closed
//   reset         the headers and half the node's answer, then the connection is reset
//   wrong-id      the node's answer with 1000 added to every id (single calls and batches)
//   chain-id      eth_chainId answers V (default "0x1")
//   receipt-null  eth_getTransactionReceipt answers null (the receipt disappears)
//   nonce-jump    eth_getTransactionCount answers the node's count plus V (default 5)
import http from 'node:http';
import fs from 'node:fs';

const args = process.argv.slice(2);
function opt(name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}
const upstream = new URL(opt('--upstream'));
const killAfter = Number(opt('--kill-after', 0));
const killBefore = Number(opt('--kill-before', 0));
const pidFile = opt('--pid-file', '');
const lifetime = Number(opt('--lifetime', 600));
let sends = 0;
let killed = false;

// The method each per-method fault rewrites unless the control names another.
const METHOD_OF = {
  'chain-id': 'eth_chainId',
  'receipt-null': 'eth_getTransactionReceipt',
  'nonce-jump': 'eth_getTransactionCount',
};
const FAULTS = new Set(['none', 'garbage', 'truncated', 'http500', 'hang', 'reset', 'wrong-id',
  ...Object.keys(METHOD_OF)]);
let fault = { fault: 'none' };
let matched = 0; // calls of the fault's method seen since it was set (and armed)
let armed = false; // a call of fault.after was seen
const stats = { requests: 0, methods: {}, faulted: 0 };
const held = new Set();

function killClient() {
  if (killed || !pidFile) return;
  killed = true;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  try { process.kill(pid, 'SIGKILL'); } catch (e) { /* already gone */ }
}

function forward(body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: upstream.hostname, port: upstream.port, path: upstream.pathname,
      method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// The calls of a request body (an array for a batch), or [] if it is not JSON.
function callsOf(text) {
  try {
    const j = JSON.parse(text);
    return (Array.isArray(j) ? j : [j]).filter((c) => c && typeof c === 'object');
  } catch (e) {
    return [];
  }
}

// True when the current fault hits a request with these calls (and counts it).
function hits(calls) {
  if (fault.fault === 'none') return false;
  armed = armed || !fault.after || calls.some((c) => c.method === fault.after);
  if (!armed) return false;
  const method = fault.method || METHOD_OF[fault.fault];
  const n = calls.filter((c) => !method || c.method === method).length;
  if (n === 0) return false;
  matched += n;
  const skip = fault.skip || 0;
  if (matched <= skip || (fault.count && matched - n >= skip + fault.count)) return false;
  stats.faulted++;
  return true;
}

function releaseHeld() {
  for (const res of held) res.socket?.destroy();
  held.clear();
}

// The node's answer rewritten per the fault: ids shifted, or the faulted method's results.
function rewrite(body, calls) {
  let j;
  try { j = JSON.parse(body.toString()); } catch (e) { return body; }
  const method = fault.method || METHOD_OF[fault.fault];
  const byId = new Map(calls.map((c) => [c.id, c.method]));
  for (const a of Array.isArray(j) ? j : [j]) {
    if (!a || typeof a !== 'object') continue;
    if (fault.fault === 'wrong-id') {
      if (typeof a.id === 'number') a.id += 1000;
      continue;
    }
    if (byId.get(a.id) !== method || !('result' in a)) continue;
    if (fault.fault === 'chain-id') a.result = fault.value || '0x1';
    if (fault.fault === 'receipt-null') a.result = null;
    if (fault.fault === 'nonce-jump' && typeof a.result === 'string')
      a.result = '0x' + (BigInt(a.result) + BigInt(fault.value || 5)).toString(16);
  }
  return Buffer.from(JSON.stringify(j));
}

// Answers a request the current fault hit.
async function answerFaulted(res, body, calls) {
  const f = fault.fault;
  if (f === 'garbage') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('upstream said: \u001b[31mno\u001b[0m <this is not JSON>');
  } else if (f === 'http500') {
    res.writeHead(500, { 'content-type': 'text/html' });
    res.end('<html><body><h1>500 Internal Server Error</h1></body></html>');
  } else if (f === 'hang') {
    held.add(res);
    res.on('close', () => held.delete(res));
  } else {
    const r = await forward(body);
    if (f === 'truncated' || f === 'reset') {
      const half = r.body.subarray(0, r.body.length >> 1);
      const length = f === 'reset' ? r.body.length : half.length;
      res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': length });
      if (f === 'truncated') return res.end(half);
      res.write(half, () => res.socket?.resetAndDestroy());
    } else {
      const out = rewrite(r.body, calls);
      res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': out.length });
      res.end(out);
    }
  }
}

function control(req, res, body) {
  if (req.method === 'POST') {
    let f;
    try { f = JSON.parse(body.toString()); } catch (e) { f = null; }
    if (!f || !FAULTS.has(f.fault)) {
      res.writeHead(400);
      return res.end(`unknown fault; one of ${[...FAULTS].join(', ')}\n`);
    }
    releaseHeld();
    fault = f;
    matched = 0;
    armed = false;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ fault: fault.fault, ...stats, held: held.size }) + '\n');
}

async function proxy(res, body) {
  const calls = callsOf(body.toString());
  stats.requests++;
  for (const c of calls) stats.methods[c.method] = (stats.methods[c.method] || 0) + 1;
  const n = calls.filter((c) => c.method === 'eth_sendRawTransaction').length;
  if (killed || (killAfter && sends >= killAfter)) { // nothing more reaches the node
    killClient();
    res.destroy();
    return;
  }
  if (n && killBefore && sends + n >= killBefore) {
    killClient();
    res.destroy();
    return;
  }
  sends += n;
  try {
    if (hits(calls)) {
      await answerFaulted(res, body, calls);
    } else {
      const r = await forward(body);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(r.body);
    }
  } catch (e) {
    res.writeHead(502);
    res.end();
  }
  if (n && killAfter && sends >= killAfter) killClient();
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url === '/control') control(req, res, body);
    else proxy(res, body);
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
setTimeout(() => process.exit(0), lifetime * 1000).unref();
