#!/usr/bin/env bash
# tests/integration/govern_matrix.sh KMSCTL: every owner-protected action of DstackKms and
# DstackApp under each governance model, with the same command line, its effect read back with
# cast:
#   model A (direct: the deployer's key sends), model B (a 1 h timelock: the deployer schedules,
#   time passes, it executes), model C (a 2-of-3 Safe proposing to a 1 h timelock: a proposal
#   signed by two owners and executed schedules, time passes, the execute is a Safe proposal of
#   its own, signed and executed).
#   KMS: add/remove OS image, aggregated MR and device; set-kms-info, set-kms-quote,
#   set-kms-eventlog, set-gateway-app-id, set-app-implementation, upgrade, transfer-ownership
#   (then the new owner accepts and renounces with its key). App (deployed owned by the model's
#   owner): add/remove compose hash and device, set-allow-any-device, set-require-tcb-up-to-date,
#   upgrade, disable-upgrades, renounce-ownership.
# About 60 s. Every anvil started here is stopped on every exit path.
# shellcheck source=../support/suite.sh
. "$(dirname "$0")/../support/suite.sh" govern_matrix.sh "$@"
trap '"$KMSCTL" devnet stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP


"$KMSCTL" devnet start --port 0 >/dev/null 2>&1 || { echo "govern_matrix: devnet start failed"; exit 1; }
URL=$(field "$KMSCTL_DEVNET_DIR/state.json" url)
call() { "$CAST" call --rpc-url "$URL" "$@"; }
lower() { tr 'A-F' 'a-f'; }

expect "deploy model A" 0 "Deployed" deploy --devnet --model direct --manifest A.json
expect "deploy model B" 0 "Deployed" deploy --devnet --model timelock --min-delay 1h --manifest B.json
expect "deploy model C" 0 "Deployed" deploy --devnet --model safe-timelock \
  --safe-owners "$DEV1,$DEV2,$DEV3" --safe-threshold 2 --min-delay 1h --manifest C.json

# newest_op M: the id of model M's newest operation.
newest_op() {
  "$KMSCTL" timelock list --manifest "$1.json" --json 2>/dev/null | node -e 'let s = "";
    process.stdin.on("data", (d) => s += d).on("end", () => { const a = JSON.parse(s);
    console.log(a.length ? a[a.length - 1].id : "none"); })'
}

# signed_exec FILE: owners 1 and 2 sign, account 0 executes.
signed_exec() {
  "$KMSCTL" safe sign "$1" --dev-account 1 --yes >/dev/null 2>&1 &&
    "$KMSCTL" safe sign "$1" --dev-account 2 --yes >/dev/null 2>&1 &&
    "$KMSCTL" safe exec "$1" --dev-account 0 >"$tmp/exec.out" 2>&1
}

# govern M GROUP ACTION ARGS...: runs the action through model M's governance to the end (the
# owner read from the chain; kms actions take the model's manifest, app actions --app).
govern() {
  local m=$1 name="$1: $2 $3" mf=()
  shift
  [ "$1" = kms ] && mf=(--manifest "$m.json")
  case $m in
    A)
      expect "$name" 0 "done: " "$@" "${mf[@]}" --dev-account 0 ;;
    B)
      expect "$name (scheduled)" 0 "scheduled operation" "$@" "${mf[@]}" --dev-account 0
      local id
      id=$(newest_op B)
      "$KMSCTL" devnet time-travel 1h >/dev/null 2>&1
      expect "$name (executed)" 0 "done: " timelock execute "$id" --manifest B.json --dev-account 0 ;;
    C)
      rm -f "$tmp/p.json" "$tmp/e.json"
      expect "$name (proposed)" 0 "Safe proposal" "$@" "${mf[@]}" --dev-account 0 --out "$tmp/p.json"
      signed_exec "$tmp/p.json" && ok || bad "$name: the schedule did not execute: $(cat "$tmp/exec.out")"
      local id
      id=$(newest_op C)
      "$KMSCTL" devnet time-travel 1h >/dev/null 2>&1
      expect "$name (execute proposed)" 0 "Safe proposal" timelock execute "$id" --manifest C.json \
        --dev-account 0 --out "$tmp/e.json"
      signed_exec "$tmp/e.json" && ok || bad "$name: the execute did not run: $(cat "$tmp/exec.out")" ;;
  esac
}

# is NAME WANT CALL...: cast call CALL... prints WANT (several values: on one line, a space
# between).
is() {
  local name=$1 want=$2 got
  shift 2
  got=$(call "$@" 2>&1 | lower | paste -sd ' ')
  [ "$got" = "$(lower <<<"$want")" ] && ok || bad "$name: $* is $got, want $want"
}

for M in A B C; do
  KMS=$(field $M.json contracts.dstackKms.address)
  OWNER=$(call "$KMS" 'owner()(address)')
  # ---- DstackKms ----
  govern $M kms add-os-image-hash "$(h 11)"
  is "$M: image allowed" true "$KMS" 'allowedOsImages(bytes32)(bool)' "$(h 11)"
  govern $M kms remove-os-image-hash "$(h 11)"
  is "$M: image revoked" false "$KMS" 'allowedOsImages(bytes32)(bool)' "$(h 11)"
  govern $M kms add-kms-aggregated-mr "$(h 22)"
  is "$M: MR allowed" true "$KMS" 'kmsAllowedAggregatedMrs(bytes32)(bool)' "$(h 22)"
  govern $M kms remove-kms-aggregated-mr "$(h 22)"
  is "$M: MR revoked" false "$KMS" 'kmsAllowedAggregatedMrs(bytes32)(bool)' "$(h 22)"
  govern $M kms add-kms-device "$(h 33)"
  is "$M: device allowed" true "$KMS" 'kmsAllowedDeviceIds(bytes32)(bool)' "$(h 33)"
  govern $M kms remove-kms-device "$(h 33)"
  is "$M: device revoked" false "$KMS" 'kmsAllowedDeviceIds(bytes32)(bool)' "$(h 33)"
  govern $M kms set-kms-info 0x02aa 0x03bb 0xcc01 0xdd02
  is "$M: kms info" "0x02aa 0x03bb 0xcc01 0xdd02" "$KMS" 'kmsInfo()(bytes,bytes,bytes,bytes)'
  govern $M kms set-kms-quote 0xcc03
  govern $M kms set-kms-eventlog 0xdd04
  is "$M: quote and event log" "0x02aa 0x03bb 0xcc03 0xdd04" "$KMS" 'kmsInfo()(bytes,bytes,bytes,bytes)'
  govern $M kms set-gateway-app-id "gateway-$M"
  is "$M: gateway app id" "\"gateway-$M\"" "$KMS" 'gatewayAppId()(string)'
  OTHER_IMPL=$(field "$([ $M = A ] && echo B || echo A).json" contracts.dstackAppImplementation.address)
  govern $M kms set-app-implementation "$OTHER_IMPL"
  is "$M: app implementation" "$OTHER_IMPL" "$KMS" 'appImplementation()(address)'
  govern $M kms upgrade --deploy
  # ---- an app owned by the model's owner ----
  expect "$M: an app owned by $OWNER" 0 '"app":"0x' kms deploy-app --owner "$OWNER" --manifest $M.json \
    --dev-account 4 --json
  APP=$(field "$tmp/out" app)
  govern $M app add-compose-hash "$(h 44)" --app "$APP"
  is "$M: compose hash allowed" true "$APP" 'allowedComposeHashes(bytes32)(bool)' "$(h 44)"
  govern $M app remove-compose-hash "$(h 44)" --app "$APP"
  is "$M: compose hash revoked" false "$APP" 'allowedComposeHashes(bytes32)(bool)' "$(h 44)"
  govern $M app add-device "$(h 55)" --app "$APP"
  is "$M: app device allowed" true "$APP" 'allowedDeviceIds(bytes32)(bool)' "$(h 55)"
  govern $M app remove-device "$(h 55)" --app "$APP"
  is "$M: app device revoked" false "$APP" 'allowedDeviceIds(bytes32)(bool)' "$(h 55)"
  govern $M app set-allow-any-device true --app "$APP"
  is "$M: any device" true "$APP" 'allowAnyDevice()(bool)'
  govern $M app set-require-tcb-up-to-date true --app "$APP"
  is "$M: TCB up to date required" true "$APP" 'requireTcbUpToDate()(bool)'
  govern $M app upgrade --deploy --app "$APP"
  govern $M app disable-upgrades --app "$APP"
  expect "$M: an upgrade after disable-upgrades is refused" 1 "" app upgrade --deploy --app "$APP" \
    --dev-account 0
  govern $M app renounce-ownership --i-understand-this-freezes-the-policy --app "$APP"
  is "$M: the app has no owner" 0x0000000000000000000000000000000000000000 "$APP" 'owner()(address)'
  # ---- the KMS handed to account 7, which accepts and renounces with its key ----
  govern $M kms transfer-ownership "$DEV7"
  is "$M: pending owner" "$DEV7" "$KMS" 'pendingOwner()(address)'
  expect "$M: account 7 accepts" 0 "done: " kms accept-ownership --manifest $M.json --dev-account 7
  is "$M: account 7 owns the KMS" "$DEV7" "$KMS" 'owner()(address)'
  expect "$M: account 7 renounces" 0 "done: " kms renounce-ownership \
    --i-understand-this-freezes-the-policy --manifest $M.json --dev-account 7
  is "$M: the KMS has no owner" 0x0000000000000000000000000000000000000000 "$KMS" 'owner()(address)'
done

summary govern_matrix
