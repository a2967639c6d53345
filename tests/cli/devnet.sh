#!/usr/bin/env bash
# tests/cli/devnet.sh KMSCTL: `kmsctl devnet` and the chain flags against real anvils: start
# (its --json), status, a second start refused, time travel, the dev accounts, stop leaving no
# anvil running, --devnet and --rpc-url errors, and --dev-account refused on a chain that is
# not the devnet (a plain anvil with chain id 5) while it works on the devnet. Every anvil
# started here is stopped on every exit path. Prints "devnet: N passed, M failed"; exits 1 on a
# failure.
# shellcheck source=../support/suite.sh
. "$(dirname "$0")/../support/suite.sh" devnet.sh "$@"

# The anvils this script may have started: the devnet's (as its state records it) and the
# plain one. Stopped whatever happens: normal end, a failed check, an error, ^C.
devnet_pid=""
other_pid=""
cleanup() {
  "$KMSCTL" devnet stop >/dev/null 2>&1
  # if stop failed, kill the devnet's anvil by its pid, but only if it is still that anvil
  if [ -n "$devnet_pid" ] && grep -qF "$KMSCTL_DEVNET_DIR" "/proc/$devnet_pid/cmdline" 2>/dev/null; then
    kill -9 "$devnet_pid" 2>/dev/null
  fi
  if [ -n "$other_pid" ]; then
    kill "$other_pid" 2>/dev/null
    wait "$other_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

TEST_TIMEOUT=60

# gone PID: the process runs no more (absent, or a zombie waiting for a parent that does not
# reap it: in a container whose PID 1 reaps nothing, a stopped devnet stays one).
gone() {
  ! kill -0 "$1" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# free_port: a loopback port nobody listens on now.
free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# anvil's first public test key: must never be printed
KEY0=ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80

# --- help: every action has Usage, Options, Example ---
for a in start status stop time-travel accounts; do
  run devnet "$a" --help
  for part in "^Usage: kmsctl devnet $a" '^Options:' '^  --json ' '^Example:' '^  \$ kmsctl devnet '; do
    grep -qE -- "$part" <<<"$out" && ok || bad "devnet $a --help lacks /$part/"
  done
done
run balance --help
for part in '^Usage: kmsctl balance \[ADDR\]' '^  --rpc-url URL' '^  --devnet ' '^  --timeout DUR' \
  '^  --dev-account N' '^Example:'; do
  grep -qE -- "$part" <<<"$out" && ok || bad "balance --help lacks /$part/"
done

# --- before any devnet ---
expect "status with no devnet" 1 'no devnet runs .*start one with `kmsctl devnet start`' devnet status
run devnet status --json
check "status --json with no devnet" 'v.running === false && v.stale_pid === null'
expect "--devnet with no devnet" 1 '^kmsctl: --devnet: no devnet runs .*start one with `kmsctl devnet start`' \
  balance "$DEV0" --devnet
expect "--dev-account with no devnet" 1 'start one with `kmsctl devnet start`' wallet address --dev-account 0
expect "stop with no devnet" 0 '^no devnet was running' devnet stop
expect "--rpc-url with --devnet" 2 'give one chain: --devnet or --rpc-url URL, not both' \
  balance "$DEV0" --devnet --rpc-url http://127.0.0.1:1
expect "no chain" 2 'no chain given: use --rpc-url URL, --devnet' balance "$DEV0"
expect "not an http URL" 2 '--rpc-url wss://host.example: expected an http:// or https:// URL' \
  balance "$DEV0" --rpc-url 'wss://user:pw@host.example/v3/SECRET'
grep -q SECRET <<<"$out$err" && bad "a bad URL's path is printed: $err" || ok
expect "bad --timeout" 2 "--timeout '0'" balance "$DEV0" --rpc-url http://127.0.0.1:1 --timeout 0
expect "ADDR and a key" 2 'give ADDR or a key' balance "$DEV0" --devnet --dev-account 0
expect "no ADDR and no key" 2 'no key given' balance --devnet
expect "bad --dev-account" 2 "--dev-account 'x'" balance --devnet --dev-account x
expect "bad DURATION" 2 "DURATION '1x'" devnet time-travel 1x
expect "bad --port" 2 "--port '70000'" devnet start --port 70000
run balance "$DEV0" --rpc-url 'http://127.0.0.1:1/v3/SECRET?apikey=SECRET' --timeout 2s
if [ "$rc" = 1 ] && grep -qF 'http://127.0.0.1:1: cannot reach the node' <<<"$err" &&
  ! grep -q SECRET <<<"$err" && [ "$(wc -l <<<"$err")" = 1 ]; then ok; else
  bad "unreachable node: rc $rc, want 1 and one line naming http://127.0.0.1:1 only: $err"; fi

# --- start ---
run devnet start --port 0 --json
devnet_pid=$(node -e 'try { console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).pid) } catch (e) {}' "$tmp/out")
if [ "$rc" != 0 ]; then
  bad "devnet start: exit $rc: $err"
  echo "devnet: $pass passed, $fail failed"
  exit 1
fi
ok
check "start --json: url" '/^http:\/\/127\.0\.0\.1:[0-9]+$/.test(v.url)'
check "start --json: chain id" 'v.chain_id === 31337'
check "start --json: pid" 'Number.isInteger(v.pid) && v.pid > 0'
check "start --json: port" 'v.url === "http://127.0.0.1:" + v.port'
check "start --json: block time" 'v.block_time === 0'
check "start --json: dir" "v.dir === '$KMSCTL_DEVNET_DIR'"
check "start --json: log" "v.log_file === '$KMSCTL_DEVNET_DIR/anvil.log'"
check "start --json: accounts" "v.accounts.length === 10 && v.accounts[0] === '$DEV0' && v.accounts[1] === '$DEV1'"
check "start --json: safe" 'v.safe.length === 6 && v.safe.every(s => s.ok) && v.safe[0].name === "Safe" &&
  v.safe[0].address === "0x41675C099F32341bf84BFc5382aF534df5C7461a"'
url=$(js v.url)
grep -qE '^kmsctl: starting anvil on 127\.0\.0\.1:[0-9]+ \.\.\.$' <<<"$err" && ok || bad "start's progress: $err"
grep -qi "$KEY0" <<<"$out$err" && bad "start prints a private key" || ok
kill -0 "$devnet_pid" 2>/dev/null && ok || bad "the devnet's anvil (pid $devnet_pid) does not run"

# --- status, a second start ---
expect "status" 0 "^devnet running at $url \\(chain id 31337, anvil pid $devnet_pid\\)" devnet status
grep -q 'Safe v1.4.1: all 6 contracts at their canonical addresses' <<<"$out" && ok || bad "status: Safe: $out"
run devnet status --json
check "status --json" "v.running === true && v.url === '$url' && v.pid === $devnet_pid && v.chain_id === 31337 && v.safe_ok === true"
t0=$(js v.timestamp)
expect "second start refused" 1 "^kmsctl: a devnet already runs at $url .*kmsctl devnet stop" devnet start --port 0
kill -0 "$devnet_pid" 2>/dev/null && ok || bad "a refused start stopped the devnet"

# --- time travel ---
run devnet time-travel 1h --json
[ "$rc" = 0 ] && ok || bad "time-travel 1h: exit $rc: $err"
check "time-travel --json" 'v.timestamp - v.before >= 3600 && v.time === new Date(v.timestamp * 1000).toISOString().replace(".000Z", "Z")'
run devnet status --json
t1=$(js v.timestamp)
[ "$((t1 - t0))" -ge 3600 ] && ok || bad "time-travel 1h moved the latest block from $t0 to $t1"
expect "time-travel human" 0 '^clock moved [0-9]+ s: block [0-9]+ at 20[0-9-]+ [0-9:]+ UTC \([0-9]+\)$' devnet time-travel 90s

# --- accounts ---
run devnet accounts --json
check "accounts --json" "v.length === 10 && v.every((a, i) => a.index === i) && v[1].address === '$DEV1' &&
  v.slice(1).every(a => a.balance_ether === '10000' && a.balance_wei === '10000000000000000000000')"
check "account 0 paid for the Safe" 'Number(v[0].balance_ether) > 9999 && Number(v[0].balance_ether) < 10000'
expect "accounts" 0 "^ 1  $DEV1  10000 ether$" devnet accounts
[ "$(wc -l <<<"$out")" = 10 ] && ok || bad "accounts lists other than 10: $out"
grep -qi "$KEY0" <<<"$out$err" && bad "accounts prints a private key" || ok

# --- the chain flags and --dev-account on the devnet ---
expect "balance --devnet --dev-account 1" 0 "^$DEV1: 10000 ether$" balance --devnet --dev-account 1
expect "balance --rpc-url DEVNET --dev-account 1" 0 "^$DEV1: 10000 ether$" balance --rpc-url "$url" --dev-account 1
run balance --devnet --dev-account 1 --json
check "balance --json" "v.address === '$DEV1' && v.chain_id === 31337 && v.balance_ether === '10000'"
export ETH_RPC_URL="$url"
expect "balance ADDR on env ETH_RPC_URL" 0 "^$DEV1: 10000 ether$" balance "$DEV1"
unset ETH_RPC_URL
expect "wallet address --dev-account" 0 "^$DEV0$" wallet address --dev-account 0
expect "--dev-account past the keys" 1 'it has 10 dev keys' balance --devnet --dev-account 10

# --- --dev-account refused on another chain: a plain anvil with chain id 5 ---
port=$(free_port)
"$ANVIL" --host 127.0.0.1 --port "$port" --chain-id 5 >"$tmp/other.log" 2>&1 </dev/null &
other_pid=$!
other="http://127.0.0.1:$port"
for _ in $(seq 100); do
  "$KMSCTL" balance "$DEV0" --rpc-url "$other" --timeout 1s >/dev/null 2>&1 && break
  sleep 0.1
done
expect "balance ADDR on chain 5" 0 "^$DEV1: 10000 ether$" balance "$DEV1" --rpc-url "$other"
expect "--dev-account on chain 5" 1 \
  "^kmsctl: --dev-account signs with a public test key: only on the devnet \\(chain 31337 at $url\\); this chain is 5 at $other$" \
  balance --rpc-url "$other" --dev-account 0

# --- stop ---
expect "stop" 0 "^devnet stopped \\(anvil pid $devnet_pid\\)$" devnet stop
grep -q "^kmsctl: stopping anvil (pid $devnet_pid) \.\.\.$" <<<"$err" && ok || bad "stop's progress: $err"
gone "$devnet_pid" && ok || bad "the devnet's anvil (pid $devnet_pid) still runs after stop"
expect "status after stop" 1 'no devnet runs' devnet status
expect "stop again" 0 '^no devnet was running' devnet stop
run devnet stop --json
check "stop --json when none runs" 'v.stopped === false && v.pid === null'
expect "--devnet after stop" 1 'start one with `kmsctl devnet start`' balance "$DEV0" --devnet
expect "--dev-account after stop" 1 '^kmsctl: --dev-account signs with a public test key: only on the devnet, and none runs' \
  balance --rpc-url "$other" --dev-account 0

summary devnet
