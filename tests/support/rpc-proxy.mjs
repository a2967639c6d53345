#!/usr/bin/env node
// rpc-proxy.mjs (tests only): a JSON-RPC proxy on 127.0.0.1 between kmsctl and a real node,
// which injects faults: it kills the client process after (or just before) its Nth
// eth_sendRawTransaction. Prints "port N" on its first line once it listens; exits by itself
// after --lifetime seconds (default 600).
//
//   node rpc-proxy.mjs --upstream URL [--kill-after N | --kill-before N] [--pid-file F]
//                      [--lifetime S]
//
// --kill-after N   forwards the Nth eth_sendRawTransaction, returns the node's answer, then
//                  sends SIGKILL to the pid in --pid-file (the transaction is on chain, the
//                  client never saw more)
// --kill-before N  sends SIGKILL instead of forwarding the Nth one (signed, never broadcast)
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

// How many eth_sendRawTransaction calls the request holds (single or batch).
function countSends(text) {
  try {
    const j = JSON.parse(text);
    const calls = Array.isArray(j) ? j : [j];
    return calls.filter((c) => c && c.method === 'eth_sendRawTransaction').length;
  } catch (e) {
    return 0;
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const n = countSends(body.toString());
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
      const r = await forward(body);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(r.body);
    } catch (e) {
      res.writeHead(502);
      res.end();
    }
    if (n && killAfter && sends >= killAfter) killClient();
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
setTimeout(() => process.exit(0), lifetime * 1000).unref();
