#!/usr/bin/env bash
# bench/serve.sh [KMSCTL]: `kmsctl serve` (POST /bootAuth/app, an allowed boot) against the
# equivalent raw eth_call (isAppAllowed at "latest", the same calldata) sent by wrk straight to
# the same anvil: BENCH_SECONDS (default 10) each at 1, 16 and 64 connections. Prints
# requests/s, p50 and p99 of both, the ratio serve/raw of each, and the server's peak RSS, then
# the goals (0.9x the requests/s and p99 within 2x of raw at 64 connections, 0.8x at 1, RSS
# under 20 MB) and the Node reference's figures from ../shared/reference/CONTRACTS.md (the
# reference service is not published on npm, so it is not run here).
#
# Needs wrk (`bash scripts/setup.sh --bench`). The server logs to a file, as under systemd.
# SERVE_ARGS adds flags to kmsctl serve (e.g. "--threads 16").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KMSCTL=$(cd "$(dirname "${1:-$ROOT/build/kmsctl}")" && pwd)/$(basename "${1:-kmsctl}")
SECONDS_EACH=${BENCH_SECONDS:-10}
command -v wrk >/dev/null || { echo "bench/serve.sh: wrk is missing: bash scripts/setup.sh --bench" >&2; exit 1; }
tmp=$(mktemp -d)
export KMSCTL_DEVNET_DIR="$tmp/devnet" KMSCTL_ANVIL="$ROOT/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  "$KMSCTL" devnet stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp"

h() { printf '%s' "$(printf "$1%.0s" {1..32})"; }
DEV0=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
"$KMSCTL" devnet start --port 0 >/dev/null 2>&1
URL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).url)' "$KMSCTL_DEVNET_DIR/state.json")
printf '{"gatewayAppId":"bench","osImages":["0x%s"],"kmsAggregatedMrs":["0x%s"],"kmsDevices":["0x%s"]}\n' \
  "$(h 11)" "$(h 22)" "$(h 33)" >config.json
"$KMSCTL" deploy --devnet --model direct --config config.json --manifest M.json >/dev/null 2>&1
KMS=$(node -e 'console.log(JSON.parse(require("fs").readFileSync("M.json")).contracts.dstackKms.address)')
APP=$("$KMSCTL" kms deploy-app --owner "$DEV0" --compose-hash "0x$(h 44)" --allow-any-device \
  --dev-account 4 --json --manifest M.json --yes 2>/dev/null | node -e 'let s = "";
  process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).app))')

# The same boot both ways.
printf '{"mrAggregated":"%s","osImageHash":"%s","appId":"%s","composeHash":"%s","instanceId":"01","deviceId":"%s","tcbStatus":"UpToDate","advisoryIds":[]}' \
  "$(h 22)" "$(h 11)" "${APP#0x}" "$(h 44)" "$(h 33)" >boot.json
CD=$("$KMSCTL" calldata "isAppAllowed((address,bytes32,address,bytes32,bytes32,bytes32,bytes32,string,string[]))" \
  "($APP,0x$(h 44),0x0000000000000000000000000000000000000001,0x$(h 33),0x$(h 22),0x$(h 00),0x$(h 11),UpToDate,[])")
printf '{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"to":"%s","data":"%s"},"latest"]}' "$KMS" "$CD" >call.json
for f in boot call; do
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n' >"$f.lua"
  printf 'local f = io.open("%s/%s.json"); wrk.body = f:read("*a"); f:close()\n' "$tmp" "$f" >>"$f.lua"
done

# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
"$KMSCTL" serve --kms "$KMS" --rpc-url "$URL" --port 0 ${SERVE_ARGS:-} 2>serve.log &
serve_pid=$!
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\) .*/\1/p' serve.log)
  [ -n "$PORT" ] && break
  sleep 0.05
done
SERVE=http://127.0.0.1:$PORT/bootAuth/app
grep -q '"isAllowed":true' <(curl -s -H 'Content-Type: application/json' --data-binary @boot.json "$SERVE") ||
  { echo "bench/serve.sh: the boot is not allowed: $(cat serve.log)" >&2; exit 1; }
grep -q '0x0000000000000000000000000000000000000000000000000000000000000001' <(curl -s \
  -H 'Content-Type: application/json' --data-binary @call.json "$URL") ||
  { echo "bench/serve.sh: the raw call does not answer true" >&2; exit 1; }

# run URL SCRIPT CONNS: "requests/s p50_ms p99_ms" of one wrk run.
run() {
  local threads=$(($3 < 2 ? 1 : 2))
  wrk -t "$threads" -c "$3" -d "${SECONDS_EACH}s" --latency -s "$2" "$1" 2>&1 | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
    /Non-2xx|Socket errors/ { errs = errs " " $0 }
    END { printf "%.0f %.3f %.3f%s\n", rps, p50, p99, errs ? " ERRORS:" errs : "" }'
}

printf '%-6s | %-26s | %-26s | %-22s\n' "conns" "raw eth_call rps p50 p99" "kmsctl serve rps p50 p99" "serve/raw rps, p99"
for c in 1 16 64; do
  read -r rr rp50 rp99 rerr <<<"$(run "$URL" call.lua "$c")"
  read -r sr sp50 sp99 serr <<<"$(run "$SERVE" boot.lua "$c")"
  printf '%-6s | %6s %8s ms %8s ms | %6s %8s ms %8s ms | %5.2fx, %5.2fx %s%s\n' "$c" "$rr" "$rp50" "$rp99" \
    "$sr" "$sp50" "$sp99" "$(awk "BEGIN {print $sr / $rr}")" "$(awk "BEGIN {print $sp99 / $rp99}")" \
    "${rerr:-}" "${serr:-}"
done
echo "kmsctl serve peak RSS: $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$serve_pid/status")"
echo "goals: at 64 connections >= 0.90x the requests/s and p99 <= 2x of raw; at 1 connection >= 0.80x; RSS < 20 MB"
echo "Node reference (CONTRACTS.md, this machine): ~40 requests/s at 1 connection, 700-800 at 64, 75-175 MB RSS"
