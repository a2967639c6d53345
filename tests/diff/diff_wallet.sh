#!/usr/bin/env bash
# diff_wallet.sh: kmsctl wallet against cast wallet: addresses of random keys, keystores written
# by kmsctl and read by cast, keystores written by cast and read by kmsctl, and wallet list.
# Needs env KMSCTL and CAST (see run.sh). Every key here is a throwaway made for the test.
set -uo pipefail
: "${KMSCTL:?set KMSCTL to the kmsctl binary}" "${CAST:?set CAST to the cast binary}"
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data/keystore"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Neither tool may touch the real ~/.foundry: both see a temporary HOME and keystore dir.
export HOME="$tmp/home"
export KMSCTL_KEYSTORE_DIR="$tmp/kmsctl-ks"
unset PRIVATE_KEY ETH_KEYSTORE ETH_KEYSTORE_ACCOUNT ETH_PASSWORD CAST_PASSWORD CAST_UNSAFE_PASSWORD
mkdir -p "$HOME" "$KMSCTL_KEYSTORE_DIR" "$tmp/cast-ks"

pass=0
fail=0
check() { # check NAME WANT GOT
  if [ "$2" = "$3" ] && [ -n "$2" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $1: want '$2', got '$3'"
  fi
}

rand_key() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }

# write_secret FILE TEXT: a 0600 file holding TEXT and a newline.
write_secret() { (umask 077 && printf '%s\n' "$2" >"$1"); }

# --- 1. wallet address of 50 random keys (key file, 0x or not, and --private-key) ---
for i in $(seq 1 50); do
  key=$(rand_key)
  want=$("$CAST" wallet address --private-key "0x$key" 2>&1)
  case $((i % 3)) in
    0) write_secret "$tmp/key" "0x$key"; got=$("$KMSCTL" wallet address --private-key-file "$tmp/key" 2>&1) ;;
    1) write_secret "$tmp/key" "  $key  "; got=$("$KMSCTL" wallet address --private-key-file "$tmp/key" 2>&1) ;;
    2) got=$("$KMSCTL" wallet address --private-key "$key" 2>/dev/null) ;;
  esac
  check "address of random key $i" "$want" "$got"
done

# --- 2. keystores written by kmsctl, read by cast ---
# kmsctl_to_cast CASE PASSWORD [kmsctl import flags...]
kmsctl_to_cast() {
  local name=$1 pw=$2
  shift 2
  local key want got
  key=$(rand_key)
  want=$("$CAST" wallet address --private-key "0x$key")
  write_secret "$tmp/key" "$key"
  write_secret "$tmp/pw" "$pw"
  "$KMSCTL" wallet import "$name" --private-key-file "$tmp/key" --password-file "$tmp/pw" "$@" \
    >/dev/null 2>"$tmp/err" || { echo "kmsctl wallet import $name failed:"; cat "$tmp/err"; }
  got=$("$CAST" wallet address --keystore "$KMSCTL_KEYSTORE_DIR/$name" --password-file "$tmp/pw" 2>&1)
  check "cast reads kmsctl keystore $name" "$want" "$got"
  got=$("$CAST" wallet decrypt-keystore -k "$KMSCTL_KEYSTORE_DIR" "$name" --unsafe-password "$pw" 2>&1 |
    sed -n 's/.*private key is: //p')
  check "cast decrypts kmsctl keystore $name to the same key" "0x$key" "$got"
}
kmsctl_to_cast k-default 'correct horse battery staple'
kmsctl_to_cast k-cast-n 'pw' --scrypt-n 8192
kmsctl_to_cast k-unicode 'pässwörd with  spaces' --scrypt-n 1024
kmsctl_to_cast k-empty '' --scrypt-n 1024

# wallet new: the address it prints is the one cast decrypts
write_secret "$tmp/pw" 'new-password'
out=$("$KMSCTL" wallet new --name k-new --password-file "$tmp/pw" --scrypt-n 8192 --json)
want=$(sed -n 's/.*"address":"\(0x[0-9a-fA-F]*\)".*/\1/p' <<<"$out")
got=$("$CAST" wallet address --keystore "$KMSCTL_KEYSTORE_DIR/k-new" --password-file "$tmp/pw" 2>&1)
check "cast reads kmsctl wallet new keystore" "$want" "$got"

# --- 3. keystores written by cast, read by kmsctl ---
# cast_import CASE PASSWORD: cast wallet import, then kmsctl --keystore and --account
cast_import() {
  local name=$1 pw=$2 key want got
  key=$(rand_key)
  want=$("$CAST" wallet address --private-key "0x$key")
  "$CAST" wallet import -k "$tmp/cast-ks" "$name" --private-key "0x$key" --unsafe-password "$pw" >/dev/null ||
    echo "cast wallet import $name failed"
  write_secret "$tmp/pw" "$pw"
  got=$("$KMSCTL" wallet address --keystore "$tmp/cast-ks/$name" --password-file "$tmp/pw" 2>&1)
  check "kmsctl reads cast keystore $name" "$want" "$got"
  got=$(KMSCTL_KEYSTORE_DIR="$tmp/cast-ks" "$KMSCTL" wallet address --account "$name" --password-file "$tmp/pw" 2>&1)
  check "kmsctl --account reads cast keystore $name" "$want" "$got"
}
cast_import c-one 'testpassword'
cast_import c-unicode 'pässwörd with  spaces'
cast_import c-empty ''

# cast_new CASE PASSWORD [NAME]: cast wallet new DIR [NAME], kmsctl reads it
cast_new() {
  local case=$1 pw=$2 out path want got
  shift 2
  out=$("$CAST" wallet new "$tmp/cast-ks" "$@" --unsafe-password "$pw" 2>&1)
  path=$(sed -n 's/^Created new encrypted keystore file: //p' <<<"$out")
  want=$(sed -n 's/^Address: *//p' <<<"$out")
  write_secret "$tmp/pw" "$pw"
  got=$("$KMSCTL" wallet address --keystore "$path" --password-file "$tmp/pw" 2>&1)
  check "kmsctl reads cast wallet new keystore $case" "$want" "$got"
}
cast_new uuid-name 'pw1'
cast_new named 'pw2' c-named

# a wrong password is refused with the MAC message and exit 1
write_secret "$tmp/pw" 'not-the-password'
"$KMSCTL" wallet address --keystore "$tmp/cast-ks/c-one" --password-file "$tmp/pw" >/dev/null 2>"$tmp/err"
rc=$?
check "wrong password exits 1" 1 "$rc"
check "wrong password message" 1 "$(grep -c 'wrong password (MAC mismatch)' "$tmp/err")"

# the spec's pbkdf2 vector: both read it to the same address
want=$("$CAST" wallet address --keystore "$data/spec-pbkdf2.json" --password-file "$data/password.txt" 2>&1)
got=$("$KMSCTL" wallet address --keystore "$data/spec-pbkdf2.json" --password-file "$data/password.txt" 2>&1)
check "spec pbkdf2 vector" "$want" "$got"

# wallet list: the same names as cast wallet list (cast 1.7.1 prefixes each name with 0x)
want=$("$CAST" wallet list --dir "$tmp/cast-ks" 2>&1 | sed 's/^0x//' | sort | tr '\n' ' ')
got=$("$KMSCTL" wallet list --dir "$tmp/cast-ks" 2>&1 | sort | tr '\n' ' ')
check "wallet list" "$want" "$got"

echo "wallet: $pass passed, $fail failed"
[ "$fail" = 0 ]
