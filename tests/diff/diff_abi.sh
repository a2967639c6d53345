#!/usr/bin/env bash
# diff_abi.sh: ABI encoding and decoding (sig, calldata, abi-encode, abi-decode, decode-calldata)
# checked byte for byte against cast on generated cases (fixed seed); see gen_abi.mjs.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${KMSCTL:?set KMSCTL}" "${CAST:?set CAST}"
exec node "$here/gen_abi.mjs"
