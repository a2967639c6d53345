#!/usr/bin/env bash
# bench/soak.sh [KMSCTL [KMSCTL_ASAN]]: `kmsctl serve` for SOAK_SECONDS (default 600) at a
# steady SOAK_RATE requests/s (default 50) per server, with the chain stopped for SOAK_DOWN
# seconds (default 5) and restarted, with its state, at a third and at two thirds of the run.
#
# Two servers take the same load from bench/soak-load.mjs: the release build (its RSS and open
# file descriptors are sampled every 5 s) and the ASan+UBSan build with LeakSanitizer (stopped
# with SIGTERM at the end, it must exit 0 with no sanitizer report). The mix: allowed and denied
# app boots, allowed KMS boots, GET /, invalid bodies; every answer is checked.
#
# Prints the figures and fails (exit 1) on: a leak or sanitizer report, an answer that is wrong
# outside the chain's down windows, an allowed answer while the chain was down, a recovery over
# 1 s after the chain is back, release RSS at the end over 1.1 x its value after warm-up
# (+ 1 MB), or more open descriptors at the end than after warm-up.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
abspath() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
KMSCTL=$(abspath "${1:-$ROOT/build/kmsctl}")
KMSCTL_ASAN=$(abspath "${2:-$ROOT/build-asan/kmsctl}")
SECS=${SOAK_SECONDS:-600}
RATE=${SOAK_RATE:-50}
DOWN=${SOAK_DOWN:-5}
ANVIL=${KMSCTL_ANVIL:-$ROOT/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}
export KMSCTL_ANVIL="$ANVIL"
[ "$SECS" -ge 30 ] || { echo "bench/soak.sh: SOAK_SECONDS must be at least 30" >&2; exit 2; }

tmp=$(mktemp -d)
anvil_pid="" rel_pid="" asan_pid="" load_pid="" sampler_pid=""
cleanup() {
  for p in $load_pid $sampler_pid $rel_pid $asan_pid $anvil_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
rpc_ok() {
  curl -s -m 1 -H 'Content-Type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' "$URL" | grep -q '"result"'
}

# start_chain: anvil on $PORT, a block a second, its state kept in chain.json across restarts.
start_chain() {
  "$ANVIL" --host 127.0.0.1 --port "$PORT" --silent --block-time 1 --state chain.json \
    >>anvil.log 2>&1 </dev/null &
  anvil_pid=$!
  for _ in $(seq 200); do rpc_ok && return 0; sleep 0.05; done
  echo "bench/soak.sh: anvil did not start: $(cat anvil.log)" >&2
  exit 1
}
stop_chain() {
  kill -TERM "$anvil_pid" && wait "$anvil_pid" 2>/dev/null || true
  anvil_pid=""
}

# start_server NAME BINARY: kmsctl serve on a free port; sets port and pid.
start_server() {
  "$2" serve --kms "$KMS" --rpc-url "$URL" --port 0 --timeout 2s 2>"$1.log" </dev/null &
  pid=$!
  port=""
  for _ in $(seq 200); do
    port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\) .*/\1/p' "$1.log")
    [ -n "$port" ] && return 0
    sleep 0.05
  done
  echo "bench/soak.sh: $1 did not start: $(cat "$1.log")" >&2
  exit 1
}

h() { printf '%s' "$(printf "$1%.0s" {1..32})"; }
PORT=$(free_port)
URL=http://127.0.0.1:$PORT
start_chain
# anvil's first dev account: a public test key, in a file (never in argv).
echo 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 >dev.key
chmod 600 dev.key
OWNER=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
printf '{"gatewayAppId":"soak","osImages":["0x%s"],"kmsAggregatedMrs":["0x%s"],"kmsDevices":["0x%s"]}\n' \
  "$(h 11)" "$(h 22)" "$(h 33)" >config.json
"$KMSCTL" deploy --rpc-url "$URL" --private-key-file dev.key --model direct --config config.json \
  --manifest M.json --yes >deploy.log 2>&1 || { echo "bench/soak.sh: deploy failed: $(cat deploy.log)" >&2; exit 1; }
KMS=$(node -e 'console.log(JSON.parse(require("fs").readFileSync("M.json")).contracts.dstackKms.address)')
APP=$("$KMSCTL" kms deploy-app --rpc-url "$URL" --private-key-file dev.key --manifest M.json --owner "$OWNER" \
  --compose-hash "0x$(h 44)" --allow-any-device --json --yes 2>>deploy.log |
  node -e 'let s = ""; process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).app))')

boot() { # boot COMPOSE_HASH: a boot of the app, on the allowed KMS image and device
  printf '{"mrAggregated":"%s","osImageHash":"%s","appId":"%s","composeHash":"%s","instanceId":"01","deviceId":"%s","tcbStatus":"UpToDate","advisoryIds":[]}' \
    "$(h 22)" "$(h 11)" "${APP#0x}" "$1" "$(h 33)"
}
node -e 'const [a, d] = process.argv.slice(1); console.log(JSON.stringify({app: a, denied: d, kms: a,
  invalid: JSON.stringify({mrAggregated: "zz"})}))' "$(boot "$(h 44)")" "$(boot "$(h 55)")" >spec.json

start_server release "$KMSCTL"
rel_pid=$pid rel_port=$port
ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  start_server asan "$KMSCTL_ASAN"
asan_pid=$pid asan_port=$port

: >down.log
echo "soak: ${SECS} s at ${RATE} requests/s per server (release :$rel_port, asan :$asan_port), chain $URL"
node "$ROOT/bench/soak-load.mjs" "$SECS" "$RATE" spec.json down.log load.json \
  "http://127.0.0.1:$rel_port" "http://127.0.0.1:$asan_port" &
load_pid=$!

# Every 5 s: seconds since start, release RSS (kB), release fds, asan RSS (kB).
t_start=$(now_ms)
( while :; do
    echo "$(( ($(now_ms) - t_start) / 1000 )) $(awk '/VmRSS/ {print $2}' /proc/$rel_pid/status) \
$(ls /proc/$rel_pid/fd | wc -l) $(awk '/VmRSS/ {print $2}' /proc/$asan_pid/status)"
    sleep 5
  done ) >samples.txt 2>/dev/null &
sampler_pid=$!

for third in 1 2; do
  while [ "$(now_ms)" -lt $(( t_start + third * SECS * 1000 / 3 )) ]; do sleep 0.2; done
  echo "down $(now_ms)" >>down.log
  stop_chain
  echo "soak: chain stopped at $(( ($(now_ms) - t_start) / 1000 )) s for ${DOWN} s"
  sleep "$DOWN"
  start_chain
  echo "up $(now_ms)" >>down.log
  echo "soak: chain back at $(( ($(now_ms) - t_start) / 1000 )) s"
done
wait "$load_pid"
load_pid=""
kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""
fds_end=$(ls /proc/$rel_pid/fd | wc -l)
kill -TERM "$rel_pid" "$asan_pid"
rel_rc=0 asan_rc=0
wait "$rel_pid" || rel_rc=$?
wait "$asan_pid" || asan_rc=$?
rel_pid="" asan_pid=""

failed=0
fail() { echo "FAIL $*"; failed=1; }
# Warm-up: the first sample at or after 30 s.
read -r _ rss0 fd0 arss0 < <(awk '$1 >= 30' samples.txt | head -1)
read -r _ rss1 _ arss1 < <(tail -1 samples.txt)
rss_peak=$(awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' samples.txt)
fd_peak=$(awk 'BEGIN {m = 0} $3 > m {m = $3} END {print m}' samples.txt)
arss_peak=$(awk 'BEGIN {m = 0} $4 > m {m = $4} END {print m}' samples.txt)
mb() { awk "BEGIN {printf \"%.1f MB\", $1 / 1024}"; }
echo "release RSS: after warm-up $(mb "$rss0"), peak $(mb "$rss_peak"), end $(mb "$rss1")"
echo "asan RSS:    after warm-up $(mb "$arss0"), peak $(mb "$arss_peak"), end $(mb "$arss1")"
echo "release open fds: after warm-up $fd0, peak $fd_peak, end $fds_end"
[ "$rss1" -le $(( rss0 * 11 / 10 + 1024 )) ] || fail "release RSS grew: $rss0 kB -> $rss1 kB"
[ "$fds_end" -le "$fd0" ] || fail "open descriptors grew: $fd0 -> $fds_end"
[ "$rel_rc" = 0 ] || fail "release server exited $rel_rc after SIGTERM"
[ "$asan_rc" = 0 ] || fail "asan server exited $asan_rc after SIGTERM"
if grep -qE "LeakSanitizer|AddressSanitizer|runtime error" asan.log; then
  fail "sanitizer report:"
  grep -A30 -E "LeakSanitizer|AddressSanitizer|runtime error" asan.log | head -60
fi
node -e '
  const r = JSON.parse(require("fs").readFileSync("load.json"));
  let bad = 0;
  for (const s of r.servers) {
    const name = s.url;
    console.log(`${name}: ${s.sent} requests, p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms, max ${s.max_ms} ms; ` +
      `${s.provoked} fail-closed answers while the chain was down; recovery after restart: ` +
      s.recovery_ms.map(m => m === null ? "never" : m + " ms").join(", "));
    console.log("  by kind:outcome " + JSON.stringify(s.counts));
    if (s.errors) { bad = 1; console.log(`FAIL ${s.errors} unexpected answers; first:`, JSON.stringify(s.first_errors.slice(0, 5))); }
    for (const m of s.recovery_ms) if (m === null || m > 1000) { bad = 1; console.log(`FAIL recovery ${m} ms (goal 1000)`); }
  }
  process.exit(bad);' || failed=1
if [ "$failed" = 0 ]; then echo "soak: passed"; else echo "soak: FAILED"; exit 1; fi
