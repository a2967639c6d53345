#!/usr/bin/env bash
# tests/integration/secrets.sh KMSCTL: no private key or keystore password leaks from kmsctl.
# Two throwaway keys and a throwaway password, on a devnet:
#   - a key given in argv (--private-key) is gone from /proc/PID/cmdline, and a key given in env
#     PRIVATE_KEY from /proc/PID/environ, while kmsctl is alive holding the key (a JSON-RPC proxy
#     holds its eth_sendRawTransaction); a control run held at its first call, before the key is
#     read, shows both where they were, so the check can see them
#   - a kmsctl holding a key writes no core file when killed by SIGSEGV or SIGABRT with
#     `ulimit -c unlimited` (the control run, killed before it reads the key, writes one: the
#     check is skipped where the system writes no core files at all, e.g. under ASan)
#   - a keystore password typed at the prompt (a terminal from `script`, fed through a FIFO this
#     script holds open) is not echoed, nor in argv while kmsctl waits at the prompt or at the
#     question before signing, where a SIGSEGV writes no core file either
#   - neither key nor the password (hex with or without 0x, any case) is in the stdout or stderr
#     of any command run (wallet, deploy, governance, safe sign and exec) nor in any file they
#     wrote (manifests, journals, Safe proposals, keystores, the devnet's folder)
# Every anvil and proxy started here is stopped on every exit path.
# shellcheck source=../support/suite.sh
. "$(dirname "$0")/../support/suite.sh" secrets.sh "$@"
mkdir -p "$tmp/logs" "$tmp/secret"

proxy_pid=""
held_pid=""
script_pid=""
kms_pid=""
cleanup() {
  [ -n "$held_pid" ] && kill -KILL "$held_pid" 2>/dev/null
  [ -n "$kms_pid" ] && kill -KILL "$kms_pid" 2>/dev/null
  [ -n "$script_pid" ] && kill -KILL "$script_pid" 2>/dev/null
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  exec 7>&- 2>/dev/null
  "$KMSCTL" devnet stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The secrets, in $tmp/secret (the only files allowed to hold them; the scan skips it).
random_hex() { node -e 'console.log(require("crypto").randomBytes(+process.argv[1]).toString("hex"))' "$1"; }
KEY1=$(random_hex 32)
KEY2=$(random_hex 32)
PW="pw-$(random_hex 12)"
printf '%s\n' "$KEY1" >"$tmp/secret/key1"
printf '0x%s\n' "$KEY2" >"$tmp/secret/key2"
printf '%s\n' "$PW" >"$tmp/secret/pw"
chmod 600 "$tmp/secret/"*

# logged NAME RC PATTERN ARGS...: expect, keeping the command's stdout and stderr for the scan.
n=0
logged() {
  expect "$@"
  n=$((n + 1))
  cp "$tmp/out" "$tmp/logs/$n.out"
  cp "$tmp/err" "$tmp/logs/$n.err"
}

"$KMSCTL" devnet start --port 0 --json >"$tmp/devnet.json" 2>"$tmp/logs/devnet.err" ||
  { echo "secrets: devnet start failed: $(cat "$tmp/logs/devnet.err")"; exit 1; }
URL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).url)' "$tmp/devnet.json")
CHAIN=(--rpc-url "$URL")

# --- the keys' wallets, and funds ---
mkdir -m 700 "$tmp/ks"
logged "wallet import" 0 '"address"' wallet import k1 --private-key-file "$tmp/secret/key1" \
  --password-file "$tmp/secret/pw" --keystore-dir "$tmp/ks" --scrypt-n 1024 --json
ADDR1=$(js v.address)
logged "wallet new" 0 '"address"' wallet new "$tmp/ks" --name k3 --password-file "$tmp/secret/pw" \
  --scrypt-n 1024 --json
logged "wallet address of the keystore" 0 "$ADDR1" wallet address --keystore "$tmp/ks/k1" \
  --password-file "$tmp/secret/pw"
logged "wallet address of a key file" 0 "0x" wallet address --private-key-file "$tmp/secret/key2" --json
ADDR2=$(js v.address)
for a in "$ADDR1" "$ADDR2"; do
  "$CAST" rpc --rpc-url "$URL" anvil_setBalance "$a" 0x56bc75e2d63100000 >/dev/null
done

# --- deploy and govern with them: model C (keystore), model A (env PRIVATE_KEY) ---
logged "deploy model C from the keystore" 0 "Deployed" deploy "${CHAIN[@]}" --model safe-timelock \
  --safe-owners "$ADDR1,$ADDR2,$DEV3" --safe-threshold 2 --min-delay 1h --keystore "$tmp/ks/k1" \
  --password-file "$tmp/secret/pw" --yes --manifest "$tmp/c.json"
PRIVATE_KEY=$KEY2 logged "deploy model A from env PRIVATE_KEY" 0 "Deployed" deploy "${CHAIN[@]}" \
  --model direct --yes --manifest "$tmp/a.json"
h() { printf '0x%064x' "$1"; }
logged "propose and sign with the keystore" 0 "Safe proposal" kms add-os-image-hash "$(h 1)" \
  "${CHAIN[@]}" --keystore "$tmp/ks/k1" --password-file "$tmp/secret/pw" --manifest "$tmp/c.json" \
  --out "$tmp/p1.json"
logged "safe sign with --private-key" 0 "signed as $ADDR2" safe sign "$tmp/p1.json" "${CHAIN[@]}" \
  --private-key "$KEY2" --yes --manifest "$tmp/c.json"
logged "safe exec with a key file" 0 "execTransaction: done" safe exec "$tmp/p1.json" "${CHAIN[@]}" \
  --private-key-file "$tmp/secret/key2" --yes
logged "model A sends with --private-key" 0 "" kms add-os-image-hash "$(h 2)" "${CHAIN[@]}" \
  --private-key "0x$KEY2" --yes --manifest "$tmp/a.json"
logged "an unsigned proposal for the prompt" 0 "Safe proposal" kms add-os-image-hash "$(h 3)" \
  "${CHAIN[@]}" --private-key-file "$tmp/secret/key2" --no-sign --manifest "$tmp/c.json" \
  --out "$tmp/p2.json"

# --- alive, holding the key: argv, environ, core dumps ---
node "$ROOT/tests/support/rpc-proxy.mjs" --upstream "$URL" --lifetime 300 >"$tmp/proxy.out" &
proxy_pid=$!
for _ in $(seq 100); do grep -q port "$tmp/proxy.out" 2>/dev/null && break; sleep 0.1; done
grep -q port "$tmp/proxy.out" || { echo "secrets: the proxy did not start"; exit 1; }
PROXY="http://127.0.0.1:$(awk '/port/ {print $2}' "$tmp/proxy.out")"
control() {
  node -e 'fetch(process.argv[1], process.argv[2] ? {method: "POST", body: process.argv[2]} : {})
    .then((r) => r.json()).then((j) => console.log(j.held), () => process.exit(1))' \
    "$PROXY/control" "${1:-}"
}
has() { grep -qi -- "$2" "$1" 2>/dev/null; }
core_in() { compgen -G "$1/core*" >/dev/null; }

# held WHERE SOURCE: starts model A's add-os-image-hash through the proxy with the key from
# SOURCE (argv or env), held at its first call (WHERE=first, before the key is read) or at its
# broadcast (WHERE=send, holding the signed key); held_pid is kmsctl, dir its working folder.
image=10
held() {
  local method=eth_chainId
  [ "$1" = send ] && method=eth_sendRawTransaction
  dir="$tmp/held-$1-$2"
  mkdir -p "$dir"
  control "{\"fault\": \"hang\", \"method\": \"$method\", \"count\": 1}" >/dev/null
  image=$((image + 1))
  local args=(kms add-os-image-hash "$(h "$image")" --rpc-url "$PROXY" --yes --manifest "$tmp/a.json")
  if [ "$2" = argv ]; then
    (ulimit -c unlimited; cd "$dir" && exec "$KMSCTL" "${args[@]}" --private-key "$KEY2") \
      >"$dir/out" 2>"$dir/err" </dev/null &
  else
    (ulimit -c unlimited; cd "$dir" && PRIVATE_KEY=$KEY2 exec "$KMSCTL" "${args[@]}") \
      >"$dir/out" 2>"$dir/err" </dev/null &
  fi
  held_pid=$!
  for _ in $(seq 100); do [ "$(control)" = 1 ] && return 0; sleep 0.1; done
  bad "kmsctl ($1, key in $2) never reached the held call: $(cat "$dir/err")"
  release KILL
  return 1
}
# release SIGNAL: kills the held kmsctl with SIGNAL and reaps it.
release() {
  kill "-$1" "$held_pid" 2>/dev/null
  wait "$held_pid" 2>/dev/null
  held_pid=""
  control '{"fault": "none"}' >/dev/null
}

cores=unknown
if held first argv; then
  tr '\0' '\n' <"/proc/$held_pid/cmdline" >"$dir/cmdline"
  has "$dir/cmdline" "$KEY2" && ok || bad "control: the key is not in argv before kmsctl reads it"
  rm -f "$dir/cmdline"
  release SEGV
  if core_in "$dir"; then cores=yes; else cores=no; fi
  rm -f "$dir"/core* # it holds the key (from argv): the point of the control
fi
if held send argv; then
  tr '\0' '\n' <"/proc/$held_pid/cmdline" >"$dir/cmdline"
  has "$dir/cmdline" "$KEY2" && bad "the key is still in /proc/PID/cmdline after it was read" || ok
  grep -qx -- '--private-key' "$dir/cmdline" && ok || bad "argv lost its shape: $(cat "$dir/cmdline")"
  release SEGV
  if [ "$cores" = yes ]; then
    core_in "$dir" && bad "kmsctl holding a key wrote a core file on SIGSEGV" || ok
  else
    echo "secrets: skipped the core dump checks: no core file even before a key is read (core_pattern: $(cat /proc/sys/kernel/core_pattern), or a sanitizer build)"
  fi
fi
if held first env; then
  tr '\0' '\n' <"/proc/$held_pid/environ" >"$dir/environ"
  has "$dir/environ" "PRIVATE_KEY=$KEY2" && ok || bad "control: PRIVATE_KEY is not in the environment before kmsctl reads it"
  rm -f "$dir/environ"
  release KILL
fi
if held send env; then
  tr '\0' '\n' <"/proc/$held_pid/environ" >"$dir/environ"
  has "$dir/environ" "$KEY2" && bad "the key is still in /proc/PID/environ after it was read" || ok
  has "$dir/environ" "PRIVATE_KEY" && bad "PRIVATE_KEY is still in /proc/PID/environ" || ok
  release ABRT
  [ "$cores" = yes ] && { core_in "$dir" && bad "kmsctl holding a key wrote a core file on SIGABRT" || ok; }
fi
rm -f "$tmp"/held-first-*/core* # the controls' cores hold the key

# --- the password prompt on a terminal (script), fed through a FIFO held open here ---
# prompted ANSWER...: safe sign p2.json with the keystore, typing each ANSWER when asked;
# waits at the question after the last one. Sets script_pid, kms_pid (kmsctl itself).
mkfifo "$tmp/tty.in"
exec 7<>"$tmp/tty.in"
mkdir -p "$tmp/pty"
(cd "$tmp/pty" && exec script -q -e -c "ulimit -c unlimited; exec '$KMSCTL' safe sign '$tmp/p2.json' \
  --rpc-url '$URL' --keystore '$tmp/ks/k1' --manifest '$tmp/c.json'" /dev/null) \
  <"$tmp/tty.in" >"$tmp/logs/pty.out" 2>&1 &
script_pid=$!
wait_for() { for _ in $(seq 100); do grep -q -- "$1" "$tmp/logs/pty.out" && return 0; sleep 0.1; done; return 1; }
if wait_for "Password for keystore"; then
  kms_pid=$(pgrep -P "$script_pid")
  tr '\0' '\n' <"/proc/$kms_pid/cmdline" >"$tmp/pty/cmdline"
  printf '%s\n' "$PW" >&7
  if wait_for "Sign this Safe transaction as $ADDR1"; then
    ok
    tr '\0' '\n' <"/proc/$kms_pid/cmdline" >>"$tmp/pty/cmdline"
    has "$tmp/pty/cmdline" "$PW" && bad "the password is in argv" || ok
    has "$tmp/pty/cmdline" "$KEY1" && bad "the key is in argv" || ok
    kill -SEGV "$kms_pid"
    wait "$script_pid" 2>/dev/null
    [ "$cores" = yes ] && { core_in "$tmp/pty" && bad "kmsctl at the question, holding the key, wrote a core file" || ok; }
  else
    bad "the password typed at the prompt was not taken: $(cat "$tmp/logs/pty.out")"
  fi
else
  bad "no password prompt on the terminal: $(cat "$tmp/logs/pty.out")"
fi
[ -n "$kms_pid" ] && kill -KILL "$kms_pid" 2>/dev/null
kill -KILL "$script_pid" 2>/dev/null
wait "$script_pid" 2>/dev/null
script_pid=""
kms_pid=""
exec 7>&-

# --- an API key in the RPC URL (given in env ETH_RPC_URL) reaches no command line, the
# simulation fork's included ---
TOKEN="apikey$(random_hex 8)"
printf '%s\n' "$TOKEN" >"$tmp/secret/token"
printf '%s\n' kmsctl-simulated-chain >"$tmp/fork-alias"
seen_token="" seen_fork=0
ETH_RPC_URL="$URL/?key=$TOKEN" PRIVATE_KEY=$KEY2 "$KMSCTL" deploy --model direct --yes \
  --manifest "$tmp/u.json" >"$tmp/logs/u.out" 2>"$tmp/logs/u.err" </dev/null &
dpid=$!
while kill -0 "$dpid" 2>/dev/null; do # the patterns come from files: grep's own argv holds neither
  seen_token+=$(grep -alF -f "$tmp/secret/token" /proc/[0-9]*/cmdline 2>/dev/null)
  grep -qaF -f "$tmp/fork-alias" /proc/[0-9]*/cmdline 2>/dev/null && seen_fork=1
done
wait "$dpid"
rc=$?
[ "$rc" = 0 ] && ok || bad "deploy through a URL with a key: rc $rc, $(cat "$tmp/logs/u.err")"
[ "$seen_fork" = 1 ] && ok || bad "the simulation fork was never seen running: the check saw nothing"
[ -z "$seen_token" ] && ok || bad "the URL's key was in a command line: $seen_token"
leaks=$(grep -rlF -f "$tmp/secret/token" "$tmp" --exclude-dir=secret 2>/dev/null)
[ -z "$leaks" ] && ok || bad "the URL's key is in: $leaks"

# --- no file written and no output holds a key or the password ---
# Everything under $tmp but the secrets' own folder and this suite's helpers' scratch files.
leaks=$(find "$tmp" -type f ! -path "$tmp/secret/*" ! -name tty.in -print0 |
  xargs -0 grep -il -e "$KEY1" -e "$KEY2" -e "$PW" 2>/dev/null)
[ -z "$leaks" ] && ok || bad "a key or the password is in: $leaks"
written=$(find "$tmp" -name '*.json' -newer "$tmp/secret/pw" ! -path "$tmp/logs/*" | wc -l)
[ "$written" -ge 6 ] && ok || bad "the scan saw only $written JSON files written"
for f in c.json c.journal.json a.json a.journal.json p1.json p2.json ks/k1 ks/k3; do
  [ -s "$tmp/$f" ] && ok || bad "$f was not written: the scan would miss it"
done

summary secrets
