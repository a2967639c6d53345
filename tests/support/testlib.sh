# testlib.sh (sourced by the bash suites): counting checks and running kmsctl.
#
# The suite sets KMSCTL (the binary) and tmp (a scratch folder) before it calls these.
#   ok / bad MSG         count a passed / failed check (bad prints "FAIL MSG")
#   run ARGS...          runs kmsctl (limit TEST_TIMEOUT seconds, default 120, stdin from
#                        /dev/null); sets rc, out and err
#   expect NAME RC PATTERN ARGS...
#                        run, then the exit code must be RC and PATTERN (grep -E) must match
#                        stdout or stderr ("" matches anything)
#   refute NAME PATTERN  the last run's output must not match PATTERN
#   js EXPR              evaluates EXPR (JavaScript) on `v`, the JSON of the last run's stdout
#   check NAME EXPR      EXPR (on the last run's JSON) must be true
#   summary NAME         prints "NAME: N passed, M failed"; returns 1 on a failure
#   plain NAME           the last run's stderr has no libcurl phrase and no bare 4-byte
#                        selector: words for people (what jansson quotes of a cut reply after
#                        "near" is the reply's, not kmsctl's, and is left out)
#   same_manifest A B    true if the deployment manifests A and B are equal but for block
#                        numbers (anvil mines a block per arrival, and two transactions sent
#                        back to back sometimes arrive together and share one)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

run() {
  timeout "${TEST_TIMEOUT:-120}" "$KMSCTL" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  rc=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}

expect() {
  local name=$1 want=$2 pat=$3
  shift 3
  run "$@"
  if [ "$rc" != "$want" ]; then
    bad "$name: exit $rc, want $want (stdout: ${out:0:2000}; stderr: ${err:0:2000})"
  elif [ -n "$pat" ] && ! grep -qE -- "$pat" <<<"$out"$'\n'"$err"; then
    bad "$name: output lacks /$pat/: ${out:0:2000} ${err:0:2000}"
  else
    ok
  fi
}

refute() {
  if grep -qE -- "$2" <<<"$out"$'\n'"$err"; then bad "$1: output matches /$2/"; else ok; fi
}

js() {
  node -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const r = eval(process.argv[2]); console.log(typeof r === "object" ? JSON.stringify(r) : r);' \
    "$tmp/out" "$1"
}

check() {
  local got
  got=$(js "$2" 2>&1)
  [ "$got" = true ] && ok || bad "$1: $2 is $got (stdout: ${out:0:2000})"
}

summary() {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" = 0 ]
}

same_manifest() {
  node -e 'const fs = require("fs");
    const skip = (k, x) => (k === "block" || k === "executedInBlock" ? undefined : x);
    const [a, b] = process.argv.slice(1).map(f => JSON.stringify(JSON.parse(fs.readFileSync(f)), skip));
    process.exit(a === b ? 0 : 1)' "$1" "$2"
}

RAW_WORDS='curl|Failed to|Couldn.t|Recv failure|transfer closed|Empty reply|0x[0-9a-fA-F]{8}([^0-9a-fA-F]|$)'
plain() {
  if sed "s/ near '[^']*'//" <<<"$err" | grep -qE -- "$RAW_WORDS"; then
    bad "$1: libcurl text or a raw selector: ${err:0:1000}"
  else
    ok
  fi
}
