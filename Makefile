# Convenience targets; the build itself is CMake (CMakeLists.txt).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan
# Sub-makes (cmake --build) would print "Entering directory" lines that hide what matters.
MAKEFLAGS += --no-print-directory

.PHONY: all setup build build-asan test unit-test asan-test cli-test asan-cli-test diff-test asan-diff-test contracts-test bench clean
.PHONY: devnet-test asan-devnet-test integration-test demo serve-test asan-serve-test bench-serve hardening-test soak
.PHONY: policy-test bench-policy

all: build

setup:
	bash scripts/setup.sh

build: setup
	cmake -S . -B $(BUILD) -DCMAKE_C_COMPILER=gcc >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-asan: setup
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_C_COMPILER=clang -DKMSCTL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

unit-test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

asan-test: build-asan
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

diff-test: build
	bash tests/diff/run.sh $(BUILD)/kmsctl

# The same differential cases through the ASan+UBSan binary: memory errors in the command paths.
asan-diff-test: build-asan
	bash tests/diff/run.sh $(ASAN_BUILD)/kmsctl

# The command line's behaviour: usage errors, help, refused flags, stdin, FIFOs, safe messages.
cli-test: build
	bash tests/cli/run.sh $(BUILD)/kmsctl

asan-cli-test: build-asan
	CLI_NO_VALGRIND=1 bash tests/cli/run.sh $(ASAN_BUILD)/kmsctl

contracts-test: setup
	bash tests/contracts.sh

# kmsctl devnet and the chain flags against real anvils on free loopback ports (a few seconds).
devnet-test: build
	bash tests/cli/devnet.sh $(BUILD)/kmsctl

asan-devnet-test: build-asan
	bash tests/cli/devnet.sh $(ASAN_BUILD)/kmsctl

# On a devnet (tests/integration): deploy and verify (each model, a delayed hand-over, altered
# deployments, bad input, a deployment killed after each transaction and resumed), and
# governance (every model, Safe proposals signed offline and merged, timelock rounds, upgrades),
# and every owner-protected action under each model (govern_matrix.sh, about 25 s).
integration-test: build
	bash tests/integration/deploy.sh $(BUILD)/kmsctl
	bash tests/integration/govern.sh $(BUILD)/kmsctl
	bash tests/integration/govern_matrix.sh $(BUILD)/kmsctl

# kmsctl serve (the boot-authorization webhook) against a devnet and plain anvils: both routes,
# the bad-input table, a node killed and back, failover, a lying provider under quorum,
# --confirmations, SIGTERM (about 10 s).
serve-test: build
	bash tests/integration/serve.sh $(BUILD)/kmsctl

asan-serve-test: build-asan
	bash tests/integration/serve.sh $(ASAN_BUILD)/kmsctl

# On a devnet (tests/integration): no key or password in argv, the environment, core dumps,
# output or files (secrets.sh); deploy and governance through a proxy that injects faults,
# each stopping with one sentence and resuming to the undisturbed manifest (faults.sh); the
# policy audit and kmsctl serve through it: one sentence and then the undisturbed output, fail
# closed and allowed again within a second (faults_read.sh). About 80 s.
hardening-test: build
	bash tests/integration/secrets.sh $(BUILD)/kmsctl
	bash tests/integration/faults.sh $(BUILD)/kmsctl
	bash tests/integration/faults_read.sh $(BUILD)/kmsctl

# On a devnet (tests/integration/policy.sh): policy show|history|diff|pending|watch after each
# model's deployment and a governance round, a mismatch, a node that refuses wide getLogs,
# compose-hash; then (policy_model.sh) a scripted series of changes under model C checked
# against the suite's own model of the policy: show (now and at past blocks), history, diff,
# pending and watch; through the gcc and the ASan+UBSan binaries (about 55 s).
policy-test: build build-asan
	bash tests/integration/policy.sh $(BUILD)/kmsctl
	bash tests/integration/policy_model.sh $(BUILD)/kmsctl
	bash tests/integration/policy.sh $(ASAN_BUILD)/kmsctl
	bash tests/integration/policy_model.sh $(ASAN_BUILD)/kmsctl

# Everything but the long fuzz and benchmark runs.
test: unit-test asan-test cli-test asan-cli-test diff-test asan-diff-test contracts-test devnet-test \
      asan-devnet-test integration-test serve-test asan-serve-test hardening-test policy-test fuzz-smoke
	@echo "make test: all suites passed"

# libFuzzer targets (fuzz/, docs/fuzzing.md): FUZZ_SECONDS per target (or FUZZ_RUNS executions
# each, e.g. make fuzz FUZZ_RUNS=10000000), or a short smoke run.
FUZZ_SECONDS ?= 60
.PHONY: fuzz fuzz-smoke
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) JOBS=$(JOBS) bash scripts/fuzz.sh run

fuzz-smoke: setup
	JOBS=$(JOBS) bash scripts/fuzz.sh smoke

# The main job on a local chain, step by step: a devnet, a model C deployment, an app, one
# governance round, the app's boot denied then allowed. Leaves nothing running.
demo: build
	$(BUILD)/kmsctl demo

bench: build
	bash bench/cli.sh $(BUILD)/kmsctl

# kmsctl serve against raw eth_call to the same anvil, with wrk (installed by setup.sh --bench).
bench-serve: build
	bash scripts/setup.sh --bench
	bash bench/serve.sh $(BUILD)/kmsctl

# kmsctl policy show and history over 10000 changes in 100000 blocks, against cast scripts
# (POLICY_CHANGES to change the size; several minutes, most of it the cast side).
POLICY_CHANGES ?= 10000
bench-policy: build
	bash bench/policy.sh $(BUILD)/kmsctl $(POLICY_CHANGES)

# kmsctl serve for 10 minutes at steady load, the chain restarted twice, under LeakSanitizer:
# leaks, RSS, descriptors, fail-closed and recovery (SOAK_SECONDS, SOAK_RATE, SOAK_DOWN).
soak: build build-asan
	bash bench/soak.sh $(BUILD)/kmsctl $(ASAN_BUILD)/kmsctl

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
