// bench/soak-load.mjs: steady load on one or more `kmsctl serve` instances, for bench/soak.sh.
//
//   node soak-load.mjs SECONDS RATE SPEC_JSON DOWN_FILE OUT_JSON URL...
//
// Sends RATE requests per second to every URL for SECONDS, on keep-alive connections, as a mix
// of five kinds of request given by SPEC_JSON ({"app": body, "denied": body, "kms": body,
// "invalid": body}): 70 % an allowed app boot, 10 % a denied one, 10 % an allowed KMS boot,
// 5 % GET /, 5 % an invalid body. Every answer is checked against what its kind must get.
//
// DOWN_FILE holds the chain's down windows as soak.sh writes them, one line per event:
// "down MS" when it stops the chain, "up MS" when the chain answers again (epoch ms). An answer
// that says the backend is unavailable is expected ("provoked") when its request was in flight
// at some moment of a window [down, up + 1000 ms]; anywhere else it is an error. An allowed
// answer to a request sent and answered wholly inside [down, up] is an error (not fail-closed).
//
// Writes OUT_JSON: per URL the counts by kind and outcome, the errors (first 20 in full),
// the recovery after each window (ms from "up" to the first allowed answer to a request sent
// after it), and latency percentiles of the answers outside the windows.
import fs from "node:fs";
import http from "node:http";

const [seconds, rate, specFile, downFile, outFile, ...urls] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(specFile, "utf8"));
const ALLOWED = '{"isAllowed":true,"reason":"","gatewayAppId":"soak"}';
const UNAVAILABLE = '{"isAllowed":false,"reason":"authorization backend unavailable","gatewayAppId":""}';
const INVALID = '{"isAllowed":false,"reason":"invalid authorization request","gatewayAppId":""}';

// kind -> [method, path, body, check(status, body) -> "ok" | "unavailable" | "allowed_down" | "wrong"]
const KINDS = {
  app: ["POST", "/bootAuth/app", spec.app, (s, b) => (s === 200 && b === ALLOWED ? "ok" : classify(s, b))],
  denied: ["POST", "/bootAuth/app", spec.denied, (s, b) =>
    s === 200 && b === '{"isAllowed":false,"reason":"Compose hash not allowed","gatewayAppId":"soak"}'
      ? "ok" : classify(s, b)],
  kms: ["POST", "/bootAuth/kms", spec.kms, (s, b) => (s === 200 && b === ALLOWED ? "ok" : classify(s, b))],
  root: ["GET", "/", null, (s, b) =>
    s === 200 && b.startsWith('{"status":"ok",') ? "ok" : s === 503 ? "unavailable" : "wrong"],
  invalid: ["POST", "/bootAuth/app", spec.invalid, (s, b) => (s === 400 && b === INVALID ? "ok" : "wrong")],
};
const MIX = [...Array(14).fill("app"), "denied", "denied", "kms", "kms", "root", "invalid"];

function classify(status, body) {
  return status === 200 && body === UNAVAILABLE ? "unavailable" : "wrong";
}

function windows() {
  const w = [];
  for (const line of fs.readFileSync(downFile, "utf8").split("\n")) {
    const [what, ms] = line.split(" ");
    if (what === "down") w.push({ down: +ms, up: Infinity });
    if (what === "up" && w.length) w[w.length - 1].up = +ms;
  }
  return w;
}

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
}

function runOne(url) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const base = new URL(url);
  const records = []; // [kind, sent ms, answered ms, outcome, detail] of every answer
  const latencies = [];
  const counts = {};
  const okTimes = []; // answers "ok" of an allowed kind: [sent, answered]
  let inFlight = 0;
  let sent = 0;
  return {
    send(kind) {
      const [method, path, body] = KINDS[kind];
      const t0 = Date.now();
      inFlight++;
      sent++;
      const req = http.request({ host: base.hostname, port: base.port, method, path, agent,
        headers: body ? { "Content-Type": "application/json" } : {} }, res => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", d => (data += d));
        res.on("end", () => done(kind, t0, res.statusCode, data));
      });
      req.on("error", e => done(kind, t0, 0, String(e.code || e.message)));
      req.setTimeout(15000, () => req.destroy(new Error("no answer within 15 s")));
      req.end(body || undefined);
    },
    inFlight: () => inFlight,
    result(w) {
      agent.destroy();
      const errors = [];
      let provoked = 0;
      for (const r of records) {
        const [kind, t0, t1, outcome, detail] = r;
        const overlaps = w.some(x => t1 >= x.down && t0 <= x.up + 1000);
        const inside = w.some(x => t0 >= x.down && t1 <= x.up);
        if (outcome === "unavailable" && overlaps) provoked++;
        else if (outcome === "ok" && inside && kind !== "invalid") errors.push({ kind, t0, t1, what: "allowed while the chain was down" });
        else if (outcome !== "ok") errors.push({ kind, t0, t1, what: detail });
      }
      const recovery = w.map(x => {
        const first = okTimes.find(([t0]) => t0 >= x.up);
        return first ? first[1] - x.up : null;
      });
      latencies.sort((a, b) => a - b);
      return { url, sent, counts, provoked, errors: errors.length, first_errors: errors.slice(0, 20),
        recovery_ms: recovery, p50_ms: quantile(latencies, 0.5), p99_ms: quantile(latencies, 0.99),
        max_ms: latencies.length ? latencies[latencies.length - 1] : null };
    },
  };

  function done(kind, t0, status, body) {
    const t1 = Date.now();
    inFlight--;
    const outcome = status === 0 ? "wrong" : KINDS[kind][3](status, body);
    const key = `${kind}:${outcome}`;
    counts[key] = (counts[key] || 0) + 1;
    if (outcome === "ok" && kind !== "invalid" && kind !== "denied" && kind !== "root") okTimes.push([t0, t1]);
    if (outcome === "ok") latencies.push(t1 - t0);
    records.push([kind, t0, t1, outcome, outcome === "ok" ? "" : `${status} ${body.slice(0, 200)}`]);
  }
}

const targets = urls.map(runOne);
const start = Date.now();
const tickMs = 20;
let due = 0;
const timer = setInterval(() => {
  const elapsed = Date.now() - start;
  if (elapsed >= seconds * 1000) {
    clearInterval(timer);
    const wait = setInterval(() => {
      if (targets.every(t => t.inFlight() === 0) || Date.now() - start > seconds * 1000 + 20000) {
        clearInterval(wait);
        const w = windows();
        const out = targets.map(t => t.result(w));
        fs.writeFileSync(outFile, JSON.stringify({ seconds: +seconds, rate: +rate, windows: w, servers: out }, null, 1));
        process.exit(0);
      }
    }, 50);
    return;
  }
  const want = Math.floor((elapsed / 1000) * rate);
  for (; due < want; due++) {
    const kind = MIX[due % MIX.length];
    for (const t of targets) t.send(kind);
  }
}, tickMs);
