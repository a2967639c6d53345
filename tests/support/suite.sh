# suite.sh: the prelude of the suites that run kmsctl against anvil (tests/integration/*.sh,
# tests/cli/devnet.sh), sourced first with the suite's name and arguments:
#
#   . "$(dirname "$0")/../support/suite.sh" deploy.sh "$@"
#
# The first argument must name the kmsctl binary (else "usage: NAME PATH/TO/kmsctl", exit 2).
# Sets bash's -u and pipefail, then
#   KMSCTL  the binary, as an absolute path
#   ROOT    the repository
#   ANVIL   the anvil binary: env KMSCTL_ANVIL, else the project's npm install (must exist)
#   CAST    the pinned cast
#   tmp     a new scratch folder, the current directory from here on (a default manifest or
#           journal lands there, never in the tree); the suite removes it on exit
#   DEV0..DEV3, DEV7  anvil's public dev accounts 0-3 and 7 (the "test test ... junk" mnemonic)
#   h XX              0xXXXX..XX, the byte XX 32 times (h 11: 0x1111...11)
#   field FILE PATH   a JSON file's value at a dotted path (field m.json contracts.safe.address)
# HOME and the devnet's state folder move into tmp, KMSCTL_ANVIL is exported, and PRIVATE_KEY,
# ETH_RPC_URL, RPC_URL and XDG_STATE_HOME are unset, so nothing of the caller's leaks in. Then
# testlib.sh (the checks) is sourced. A suite may define h or field its own way after this.
set -uo pipefail
suite_name=$1
[ $# -ge 2 ] && [ -n "$2" ] || { echo "usage: $suite_name PATH/TO/kmsctl" >&2; exit 2; }
KMSCTL=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ANVIL=${KMSCTL_ANVIL:-$ROOT/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}
CAST=$ROOT/node_modules/@foundry-rs/cast-linux-amd64/bin/cast
[ -x "$ANVIL" ] || { echo "$suite_name: no anvil at $ANVIL (run scripts/setup.sh)" >&2; exit 1; }
tmp=$(mktemp -d)
export HOME="$tmp/home" KMSCTL_DEVNET_DIR="$tmp/devnet" KMSCTL_ANVIL="$ANVIL"
unset PRIVATE_KEY ETH_RPC_URL RPC_URL XDG_STATE_HOME
mkdir -p "$HOME"
cd "$tmp" || exit 1
# shellcheck source=testlib.sh
. "$ROOT/tests/support/testlib.sh"
# shellcheck disable=SC2034 # each suite uses some of them
DEV0=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
DEV1=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
DEV2=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
DEV3=0x90F79bf6EB2c4f870365E785982E1f101E93b906
DEV7=0x14dC79964da2C08b23698B3D3cc7Ca32193d9955
h() { printf '0x%s' "$(printf "$1%.0s" {1..32})"; }
field() { node -e 'let v = JSON.parse(require("fs").readFileSync(process.argv[1]));
  for (const k of process.argv[2].split(".")) v = v[k]; console.log(v)' "$1" "$2"; }
