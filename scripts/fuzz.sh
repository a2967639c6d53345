#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*.c) into build-fuzz/ and runs them: "smoke" (seeds + 2000
# runs each) or "run" (FUZZ_SECONDS each, or FUZZ_RUNS executions each when that is set).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE="${1:-smoke}"
BUILD="${FUZZ_BUILD:-build-fuzz}"
JOBS="${JOBS:-2}"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
SMOKE_RUNS="${FUZZ_SMOKE_RUNS:-2000}"

# Lists target names (fuzz/fuzz_NAME.c -> NAME), or those given in FUZZ_TARGETS.
targets() {
  if [ -n "${FUZZ_TARGETS:-}" ]; then
    # shellcheck disable=SC2086 # a space-separated list
    printf '%s\n' $FUZZ_TARGETS
    return
  fi
  for f in fuzz/fuzz_*.c; do
    n="$(basename "$f" .c)"
    echo "${n#fuzz_}"
  done
}

# Configures and builds every fuzz target with clang.
build() {
  cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DKMSCTL_FUZZ=ON -DKMSCTL_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  if ! cmake --build "$BUILD" --target fuzzers -j "$JOBS" >"$BUILD/build.log" 2>&1; then
    cat "$BUILD/build.log" >&2
    echo "fuzz: building the targets failed" >&2
    return 1
  fi
}

# Extra libFuzzer flags for target $1: fuzz/NAME.dict, else fuzz/abi.dict for the abi_* targets.
dict_flag() {
  if [ -f "fuzz/$1.dict" ]; then
    echo "-dict=fuzz/$1.dict"
  elif [ "${1#abi_}" != "$1" ] && [ -f fuzz/abi.dict ]; then
    echo "-dict=fuzz/abi.dict"
  fi
}

# Extra libFuzzer flags for target $1 from fuzz/NAME.flags (one line), if there is one.
extra_flags() {
  if [ -f "fuzz/$1.flags" ]; then
    cat "fuzz/$1.flags"
  fi
}

# Prints one summary line from a libFuzzer log: inputs run, coverage, and (long runs, where it
# means something) executions per second; a smoke run is too short for a rate.
summary() {
  local log="$1" runs rate cov
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}' | tail -1)"
  rate="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{print $2}' | tail -1)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | awk '{print $2}' | tail -1)"
  if [ "$MODE" = smoke ]; then
    echo "${runs:-?} inputs (seeds and mutations), ${cov:-?} coverage edges"
  else
    echo "${runs:-?} inputs, ${rate:-?} per second, ${cov:-?} coverage edges"
  fi
}

# Runs target $1 with corpus dir $2 (new inputs go there) and the given libFuzzer flags; logs to $BUILD/$LOGS.
run_one() {
  local t="$1" work="$2"; shift 2
  local crashes="$BUILD/crashes/$t" log="$BUILD/$LOGS/$t.log"
  mkdir -p "$work" "$crashes" "$BUILD/$LOGS"
  # shellcheck disable=SC2046
  if "$BUILD/fuzz_$t" "$@" $(dict_flag "$t") $(extra_flags "$t") -print_final_stats=1 -timeout=20 \
      -artifact_prefix="$crashes/" "$work" "fuzz/corpus/$t" >"$log" 2>&1; then
    echo "fuzz $t: ok ($(summary "$log"))"
  else
    echo "fuzz $t: FAILED, see $log; reproducer in $crashes/" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

# Smoke mode: every target runs its seeds plus SMOKE_RUNS mutations, one after another.
smoke() {
  local rc=0
  local tmp seeds
  tmp="$(mktemp -d -t kmsctl-fuzz.XXXXXX)"
  for t in $(targets); do
    seeds="$(find "fuzz/corpus/$t" -type f | wc -l)"
    mkdir -p "$tmp/$t"
    run_one "$t" "$tmp/$t" -runs="$((seeds + SMOKE_RUNS))" -seed=1 || rc=1
  done
  rm -rf "$tmp"
  return $rc
}

# Long mode: every target for FUZZ_SECONDS (or FUZZ_RUNS executions), JOBS at a time; the corpus
# grows in $BUILD/corpus/NAME.
long() {
  local rc=0 pids=() names=() limit="-max_total_time=$FUZZ_SECONDS"
  [ -n "${FUZZ_RUNS:-}" ] && limit="-runs=$FUZZ_RUNS"
  for t in $(targets); do
    run_one "$t" "$BUILD/corpus/$t" "$limit" &
    pids+=("$!"); names+=("$t")
    if [ "${#pids[@]}" -ge "$JOBS" ]; then
      wait "${pids[0]}" || rc=1
      pids=("${pids[@]:1}"); names=("${names[@]:1}")
    fi
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return $rc
}

build
case "$MODE" in
  smoke) LOGS=logs-smoke smoke ;;
  run) LOGS=logs long ;;
  *) echo "usage: scripts/fuzz.sh smoke|run" >&2; exit 2 ;;
esac
