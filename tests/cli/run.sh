#!/usr/bin/env bash
# tests/cli/run.sh KMSCTL: the command line's behaviour that people and scripts rely on: exit
# codes of usage errors, help of every command, refused flags, input read as bytes, files that
# never end, messages safe to print, key names. Prints "cli: N passed, M failed"; exits 1 on a
# failure. Every key here is a throwaway made for the test.
set -uo pipefail
KMSCTL=$(cd "$(dirname "${1:?usage: run.sh PATH/TO/kmsctl}")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" KMSCTL_KEYSTORE_DIR="$tmp/ks"
unset PRIVATE_KEY ETH_RPC_URL RPC_URL
mkdir -p "$HOME"

TEST_TIMEOUT=10
# shellcheck source=../support/testlib.sh
. "$(dirname "$0")/../support/testlib.sh"

# --- usage errors exit 2 and say what was expected ---
expect "sig without argument" 2 "kmsctl sig: expected SIGNATURE, got no argument" sig
refute "sig without argument names no DATA" "DATA"
expect "calldata with too few arguments" 2 "takes 2 arguments, got 1" calldata 'f(uint256,uint256)' 1
expect "abi-encode with too many arguments" 2 "takes 1 argument, got 2" abi-encode 'f(uint256)' 1 2
expect "abi-decode without DATA" 2 "expected SIGNATURE DATA" abi-decode 'f()(uint256)'
expect "wallet address without a key" 2 "no key given" wallet address
expect "wallet import without a key" 2 "no key to import" wallet import x
expect "--scrypt-n not a number" 2 "expected a power of two from 1024 to 524288" wallet new --scrypt-n abc
expect "--scrypt-n above the cap" 2 "524288" wallet new --scrypt-n 1048576
expect "--scrypt-n not a power of two" 2 "power of two" wallet new --scrypt-n 3000
expect "flag an action does not take" 2 "unknown option '--runtime'" contracts list --runtime
expect "switch given a value" 2 "takes no value" contracts list --json=yes
expect "flag given twice" 2 "given more than once" contracts bytecode DstackKms --runtime --runtime
expect "unknown command" 2 "unknown command 'nope'" nope
expect "unknown action" 2 "unknown action 'nope'" wallet nope
expect "two key sources" 2 "only one key source" wallet address --private-key-file a --keystore b
expect "no command" 2 "Usage: kmsctl COMMAND"

# --- help: the same shape everywhere ---
expect "--version" 0 "^kmsctl [0-9]+\.[0-9]+\.[0-9]+" --version
run --help
COMMANDS=(keccak sig calldata abi-encode abi-decode decode-calldata to-checksum decode-tx wallet
  contracts devnet balance deploy verify kms app timelock safe check-boot compose-hash policy
  serve demo)
for c in "${COMMANDS[@]}"; do
  grep -qE "^  $c " <<<"$out" && ok || bad "top-level help lacks $c"
done
[ "$(grep -cE '^  [a-z-]+ +' <<<"$out")" = "${#COMMANDS[@]}" ] && ok || bad "top-level help lists other commands: $out"
check_help() { # check_help CMD...: Usage, Options with --help, Example and a '$ kmsctl' line
  run "$@" --help
  local name="$*"
  [ "$rc" = 0 ] || bad "$name --help exits $rc"
  for part in '^Usage: kmsctl ' '^Options:' '^  -h, --help' '^Example:' '^  \$ kmsctl '; do
    grep -qE -- "$part" <<<"$out" || bad "$name --help lacks /$part/"
  done
  ok
}
for c in keccak sig calldata abi-encode abi-decode decode-calldata to-checksum decode-tx; do check_help "$c"; done
for a in address new import list; do check_help wallet "$a"; done
for a in list abi bytecode; do check_help contracts "$a"; done
for a in start status stop time-travel accounts; do check_help devnet "$a"; done
for c in balance deploy verify compose-hash serve demo; do check_help "$c"; done
for a in show history diff pending watch; do check_help policy "$a"; done
for a in add-os-image-hash remove-os-image-hash add-kms-aggregated-mr remove-kms-aggregated-mr \
  add-kms-device remove-kms-device set-kms-info set-kms-quote set-kms-eventlog set-gateway-app-id \
  set-app-implementation register-app deploy-app upgrade transfer-ownership accept-ownership \
  renounce-ownership; do check_help kms "$a"; done
for a in add-compose-hash remove-compose-hash add-device remove-device set-allow-any-device \
  set-require-tcb-up-to-date disable-upgrades upgrade transfer-ownership accept-ownership \
  renounce-ownership info; do check_help app "$a"; done
for a in status list schedule execute cancel hash; do check_help timelock "$a"; done
for a in create info propose sign status exec approve export import; do check_help safe "$a"; done
for a in app kms; do check_help check-boot "$a"; done
run keccak --help
grep -qE '^  --json +print \{"hash"' <<<"$out" && ok || bad "keccak --help does not say what --json prints"
expect "help COMMAND ACTION" 0 "^Usage: kmsctl wallet new" help wallet new
expect "group help" 0 "^Actions:" wallet --help
expect "-h" 0 "^Usage: kmsctl sig" sig -h

# --- values starting with '-' ---
expect "negative number is an argument" 0 "^0xf{64}$" abi-encode 'f(int256)' -1
expect "after --, a value may start with -" 0 "^0xf{46}" abi-encode 'f(int256)' -- -1ether
expect "unit glued to a number" 0 "^0x0{49}de0b6b3a7640000$" abi-encode 'f(uint256)' 1ether

# --- input is read as bytes; NUL is refused, not a silent end ---
printf '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\0junk' >"$tmp/nul-addr"
timeout 10 "$KMSCTL" to-checksum <"$tmp/nul-addr" >"$tmp/out" 2>"$tmp/err"
rc=$?; err=$(cat "$tmp/err"); out=""
[ "$rc" = 1 ] && grep -q "NUL byte at position 42" <<<"$err" && ok || bad "to-checksum with NUL on stdin: rc $rc, $err"
printf '\x00\x02' >"$tmp/nul-tx"
timeout 10 "$KMSCTL" decode-tx <"$tmp/nul-tx" >"$tmp/out" 2>"$tmp/err"
rc=$?; err=$(cat "$tmp/err")
[ "$rc" = 1 ] && grep -q "NUL byte at position 0" <<<"$err" && ok || bad "decode-tx with NUL on stdin: rc $rc, $err"
got=$(printf 'abc\0def' | "$KMSCTL" keccak 2>&1)
want=$("$KMSCTL" keccak 0x61626300646566 2>&1)
[ "$got" = "$want" ] && [ -n "$want" ] && ok || bad "keccak hashes stdin bytes past a NUL: $got vs $want"

# --- files that never end: a FIFO is refused at once ---
mkfifo "$tmp/fifo"
expect "FIFO as --keystore" 1 "not a regular file" wallet address --keystore "$tmp/fifo" --password-file "$tmp/fifo"
expect "FIFO as --private-key-file" 1 "not a regular file" wallet address --private-key-file "$tmp/fifo"
printf '%s\n' "$(printf '1%.0s' {1..64})" >"$tmp/key"; chmod 600 "$tmp/key"
expect "FIFO as --password-file" 1 "not a regular file" wallet import fifo-pw --private-key-file "$tmp/key" --password-file "$tmp/fifo"

# --- messages safe to print ---
run keccak $'0x\x01\x1b[31m'
[ "$rc" = 1 ] && grep -qF "'\\x01' at position 2" <<<"$err" && ok || bad "control byte in a message not escaped: $err"
refute "no raw escape byte in messages" $'\x1b'
long=$(head -c 100000 /dev/zero | tr '\0' 'z')
run keccak "0x$long"
[ "$rc" = 1 ] && [ "${#err}" -lt 2000 ] && ok || bad "100 KB value makes a ${#err}-byte message"
run sig "$long("
[ "${#err}" -lt 2000 ] && ok || bad "100 KB signature makes a ${#err}-byte message"
printf 'pw\n' >"$tmp/pw"; chmod 600 "$tmp/pw"
expect "name with a control character" 1 "control character" wallet new --name $'a\x01b' --password-file "$tmp/pw" --scrypt-n 1024
expect "name ." 1 "'\\.'" wallet new --name . --password-file "$tmp/pw" --scrypt-n 1024
expect "name .." 1 "'\\.\\.'" wallet new --name .. --password-file "$tmp/pw" --scrypt-n 1024
expect "name with /" 1 "/" wallet new --name a/b --password-file "$tmp/pw" --scrypt-n 1024
expect "wallet new" 0 "^Address: +0x[0-9a-fA-F]{40}$" wallet new --name good --password-file "$tmp/pw" --scrypt-n 1024
cp "$KMSCTL_KEYSTORE_DIR/good" "$KMSCTL_KEYSTORE_DIR/"$'\e[31mevil'
run wallet list
[ "$rc" = 0 ] && grep -qF '\x1b[31mevil (Local)' <<<"$out" && ok || bad "wallet list escapes names: $out"
refute "wallet list prints no raw escape" $'\x1b'

# --- valgrind: no uninitialised reads on these paths ---
if [ -z "${CLI_NO_VALGRIND:-}" ] && command -v valgrind >/dev/null; then
  vg() { valgrind -q --error-exitcode=99 --track-origins=yes "$KMSCTL" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; rc=$?; err=$(cat "$tmp/err"); }
  vg wallet import x --keystore-dir "" --private-key-file "$tmp/key" --password-file "$tmp/pw" --scrypt-n 1024
  [ "$rc" = 1 ] && grep -q "empty path" <<<"$err" && ok || bad "valgrind: import into an empty --keystore-dir: rc $rc, $err"
  node -e 'const fs = require("fs"); const k = JSON.parse(fs.readFileSync(process.argv[1]));
    delete k.address; fs.writeFileSync(process.argv[2], JSON.stringify(k));' \
    "$KMSCTL_KEYSTORE_DIR/good" "$KMSCTL_KEYSTORE_DIR/no-address"
  vg wallet list --json
  [ "$rc" = 0 ] && grep -q '"address":null,"name":"no-address"' "$tmp/out" && ok || bad "valgrind: wallet list --json: rc $rc, $err $(cat "$tmp/out")"
fi

summary cli
