#!/usr/bin/env bash
# Differential part "tx": kmsctl keccak / to-checksum / decode-tx against cast keccak /
# to-check-sum-address / decode-tx, byte-for-byte on stdout, over deterministic pseudo-random
# cases (transactions made with `cast mktx` and anvil's public dev keys). Needs KMSCTL and CAST.
set -uo pipefail
: "${KMSCTL:?set KMSCTL to the kmsctl binary}" "${CAST:?set CAST to the cast binary}"

pass=0; fail=0
# anvil's first three dev accounts: public test keys.
KEYS=(0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
      0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
      0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a5d928b43ca6)

# Deterministic generator (64-bit LCG, fixed seed) so every run checks the same cases.
seed=20240601
next() { seed=$(( (seed * 6364136223846793005 + 1442695040888963407) & 0x7fffffffffffffff )); r=$(( seed >> 16 )); }
rand_below() { next; echo $(( r % $1 )); }
rand_hex() { # rand_hex NBYTES: 2*NBYTES lower-case hex digits
  local out="" i
  for ((i = 0; i < $1; i++)); do next; out+=$(printf '%02x' $(( r & 255 ))); done
  printf '%s' "$out"
}
rand_text() { # rand_text LEN: printable ASCII, spaces included
  local chars='abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.,:;!?()[]{}#%&*+=/' out="" i
  for ((i = 0; i < $1; i++)); do next; out+=${chars:$(( r % ${#chars} )):1}; done
  printf '%s' "$out"
}
rand_quantity() { # rand_quantity MAXBYTES: 0x hex of up to MAXBYTES bytes (sometimes 0)
  local n; n=$(rand_below $(( $1 + 1 )))
  if [ "$n" = 0 ]; then printf '0'; else printf '0x%s' "$(rand_hex "$n")"; fi
}

# check NAME KMSCTL_ARGS... :: CAST_ARGS...: same stdout byte-for-byte, both exit 0 or both non-zero.
check() {
  local name=$1; shift
  local k=() c=()
  while [ "$1" != "::" ]; do k+=("$1"); shift; done; shift
  c=("$@")
  local ko co krc crc
  ko=$("$KMSCTL" "${k[@]}" 2>/dev/null; echo "rc=$?"); krc=${ko##*rc=}; ko=${ko%rc=*}
  co=$("$CAST" "${c[@]}" 2>/dev/null; echo "rc=$?"); crc=${co##*rc=}; co=${co%rc=*}
  if [ "$ko" == "$co" ] && [ "$((krc == 0))" = "$((crc == 0))" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: kmsctl ${k[*]:0:3} (rc $krc) vs cast (rc $crc)"
    diff <(printf '%s' "$ko") <(printf '%s' "$co") | head -5
  fi
}

# keccak over random hex (some upper-case, some with trailing space) and random text.
for i in $(seq 1 12); do
  h=0x$(rand_hex "$(rand_below 80)")
  case $(rand_below 4) in 0) h=${h^^}; h=0x${h:2} ;; 1) h="$h " ;; esac
  check "keccak hex $i" keccak -- "$h" :: keccak -- "$h"
done
for i in $(seq 1 12); do
  t=$(rand_text "$(rand_below 60)")
  check "keccak text $i" keccak -- "$t" :: keccak -- "$t"
done
for t in "" "0x" "0x1" "0xzz" "0X12" " 0x12" "héllo wörld" "0x0x12"; do
  check "keccak edge '$t'" keccak -- "$t" :: keccak -- "$t"
done

# to-checksum over random addresses: lower, upper, no prefix, and EIP-1191 with a chain id.
for i in $(seq 1 16); do
  a=$(rand_hex 20)
  case $(rand_below 4) in
    0) check "checksum $i" to-checksum "0x$a" :: to-check-sum-address "0x$a" ;;
    1) check "checksum $i" to-checksum "${a^^}" :: to-check-sum-address "${a^^}" ;;
    2) check "checksum $i" to-checksum "$a" :: to-check-sum-address "$a" ;;
    3) c=$(rand_below 100000)
       check "checksum $i" to-checksum "0x$a" "$c" :: to-check-sum-address "0x$a" "$c" ;;
  esac
done
check "checksum short" to-checksum 0x1234 :: to-check-sum-address 0x1234

# decode-tx over transactions made by cast mktx: legacy/EIP-155 and EIP-1559, to and create.
chains=(1 5 10 137 31337 11155111 4294967295)
for i in $(seq 1 30); do
  key=${KEYS[$(rand_below 3)]}
  chain=${chains[$(rand_below ${#chains[@]})]}
  nonce=$(rand_below 100000)
  [ "$(rand_below 5)" = 0 ] && nonce=18446744073709551614
  gas=$(( 21000 + $(rand_below 10000000) ))
  value=$(rand_quantity 32); price=$(rand_quantity 15); tip=$(rand_quantity 8)
  data=0x$(rand_hex "$(rand_below 200)")
  args=(mktx --private-key "$key" --chain "$chain" --nonce "$nonce" --gas-limit "$gas"
        --gas-price "$price" --value "$value")
  if [ "$(rand_below 2)" = 0 ]; then args+=(--legacy); else args+=(--priority-gas-price "$tip"); fi
  if [ "$(rand_below 4)" = 0 ]; then args+=(--create "$data")
  else args+=("0x$(rand_hex 20)" "$data"); fi
  raw=$("$CAST" "${args[@]}" 2>/dev/null)
  if [ -z "$raw" ]; then fail=$((fail + 1)); echo "FAIL mktx $i: cast mktx ${args[*]:3} made nothing"; continue; fi
  check "decode-tx $i" decode-tx "$raw" :: decode-tx "$raw"
  [ $((i % 10)) = 0 ] && check "decode-tx --json $i" decode-tx --json "$raw" :: decode-tx --json "$raw"
done
# an EIP-1559 transaction with an access list, an EIP-2930 one, and a pre-EIP-155 one (v = 27).
al='[{"address":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","storageKeys":["0x0000000000000000000000000000000000000000000000000000000000000001","0x00000000000000000000000000000000000000000000000000000000000000ff"]},{"address":"0x0000000000000000000000000000000000000001","storageKeys":[]}]'
for extra in --priority-gas-price=1 --legacy; do
  raw=$("$CAST" mktx --private-key "${KEYS[0]}" --chain 5 --nonce 1 --gas-limit 100000 --gas-price 3 \
        "$extra" --access-list "$al" 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 0xa9059cbb 2>/dev/null)
  check "decode-tx access list $extra" decode-tx "$raw" :: decode-tx "$raw"
done
pre155=0xf85503843b9aca0082c3508082303984600060001ba04b2e4056161f0eb7e2d70957926b5f267229b979f884b9933ecad350d3ab980da0428626ec02a776d6338af4993b447da17b77ec445e9e14471e647785de7715db
check "decode-tx pre-155" decode-tx "$pre155" :: decode-tx "$pre155"
for bad in 0x 0xzz 0xf8 0x03c0 0x02c0; do
  check "decode-tx bad $bad" decode-tx "$bad" :: decode-tx "$bad"
done

echo "tx: $pass passed, $fail failed"
[ "$fail" = 0 ]
