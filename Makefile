# h1spec front door. Every target installs what it needs first (ci/install-deps.sh is a
# no-op when everything is present).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# The build tree every script is pointed at (they take --build DIR; none names one itself).
# `make build` builds the CMake preset PRESET, whose tree is build/<preset>.
PRESET ?= release
BUILD ?= build/$(PRESET)
TSAN_BUILD ?= build/tsan
PORT ?= 8080
comma := ,

.PHONY: deps build run serve test lint test-release test-asan test-tsan test-fuzz-smoke soak fuzz fuzz-coverage \
	bench bench-models bench-parser compare compare-proxies fuzz-proxies peers fuzz-peers package test-package format format-check clean

deps:
	@bash ci/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

# Grades TARGET (host:port[=name]) with h1spec, or a freshly started h1ref when TARGET is empty.
TARGET ?=
run: build
	@bash ci/run-suite.sh $(BUILD) "$(TARGET)"

serve: build
	$(BUILD)/reference/h1ref --root $(BUILD)/html --port $(PORT)

# Every pass, even after one fails (ci/test-all.sh): format, lint of the changed files, the
# release, ASan+UBSan and TSan test runs, the fuzz smoke, `make run`, and last a check that
# nothing was written outside build/. Ends with a table of the passes; non-zero if any failed.
test: deps
	@bash ci/test-all.sh

test-release: build
	@ctest --preset release -j $(JOBS) -LE 'soak|tsan'

# The fault-injection runs and the browser test of the HTML report only judge h1spec, which the
# release pass already proves; the sanitizer pass spends its time on h1ref, the unit tests and
# the suite instead. The same goes for the fuzz-infra tests, which build their own clang
# binaries whatever the preset. The install test (label install) proves install rules, which
# the release pass already covers.
test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan -j $(JOBS) -LE 'faults|fuzz-infra|browser|soak|tsan|install'

# The threads model (one thread per connection, shared listener and docroot) under
# ThreadSanitizer: h1ref built with -fsanitize=thread (preset tsan), graded by the release
# h1spec at 8 concurrent cases (ctest label tsan). A race report halts the server, and the
# fixture's stop step fails on any sanitizer report in its log.
test-tsan: build
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	@cmake --preset release -DH1_TSAN_H1REF=$(abspath $(TSAN_BUILD))/reference/h1ref >/dev/null
	@ctest --preset release -L tsan

# A short fuzz of every target (ASan+UBSan libFuzzer build); a crash fails make test. Its
# output goes to build/fuzz/smoke/, apart from what `make fuzz` keeps.
FUZZ_SMOKE_SECONDS ?= 6
test-fuzz-smoke: deps
	@if command -v clang++ >/dev/null 2>&1; then \
	  bash ci/fuzz.sh --seconds $(FUZZ_SMOKE_SECONDS) --out-dir build/fuzz/smoke; \
	else \
	  echo "test-fuzz-smoke: SKIPPED: clang++ not found (make deps installs clang)"; \
	fi

# Soak and fault scenarios against the real h1ref (reference/tests/soak/soak.py, ctest label
# soak): verified load, pipelining, client faults, a connection flood, shutdown under load.
# Each prints its figures; about a minute in all. Not part of `make test`; the same scenarios
# are ctest tests too (`ctest --preset release -L soak`).
soak: build
	@python3 reference/tests/soak/soak.py --h1ref $(BUILD)/reference/h1ref

# Continuous fuzzing: FUZZ_SECONDS per target, every fuzz/<name>_fuzzer.cc unless FUZZ_TARGETS
# names some. Crashes land in build/fuzz/crashes/, the grown corpora in build/fuzz/merged/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	@bash ci/fuzz.sh --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Line coverage of reference/http/ and reference/core/ reached by the committed corpora.
fuzz-coverage: deps
	@bash ci/fuzz-coverage.sh

# h1ref against the bench peers of peers/*/ (nginx, lighttpd, h2o; one worker each, server on
# CPU 0, client on CPU 1):
# keep-alive, 1 MiB, Connection: close, pipelined, 10,000 idle connections and syscalls per
# request, 3 interleaved repetitions; then the parser against http-parser. Writes
# build/report/bench.{md,json}. BENCH_FLAGS go to ci/bench.py, e.g. BENCH_FLAGS='--reps 1'.
BENCH_FLAGS ?=
bench: deps
	@bash ci/bench.sh --build $(BUILD) $(BENCH_FLAGS)

# What each concurrency model costs as connections grow: wrk against h1ref --model M at
# 1, 10, 100 and 1,000 connections, keep-alive and a connection per request. Writes
# build/report/models.{md,json,svg}. BENCH_SECONDS per point (default 3).
BENCH_SECONDS ?= 3
bench-models: build
	@bash ci/bench-models.sh --no-build --build $(BUILD) --seconds $(BENCH_SECONDS)

# h1ref's request parser against Debian's http-parser on the same heads (Google Benchmark):
# 5 interleaved repetitions, then a table of medians and the ratio. BENCH_ARGS go to the
# binary, e.g. BENCH_ARGS='--benchmark_filter=browser --benchmark_repetitions=10'.
BENCH_ARGS ?=
bench-parser: build
	@bash ci/install-deps.sh libhttp-parser-dev libbenchmark-dev
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS) --target parser_bench
	$(BUILD)/reference/bench/parser_bench $(BENCH_ARGS)

# Grades h1ref and the peers of peers/*/ side by side (nginx, lighttpd and h2o from Debian,
# Python's http.server), or only those PEERS names (PEERS=nginx,h2o); writes
# build/report/compare.{html,json,xml}. `make peers` lists them.
PEERS ?=
compare: build
	@bash ci/compare.sh --no-build --build $(BUILD) --peers "$(PEERS)"

# Grades the reverse proxies of peers/*/ (ROLE=proxy: haproxy, varnish, squid, trafficserver,
# apache2, nginx, caddy, nghttpx, h2o, lighttpd and tinyproxy from Debian) beside h1fault
# --role proxy with all faults off, or only those PEERS names (PEERS=haproxy,squid), in one
# h1spec --proxy run; writes build/report/proxies.{html,json,xml} and proxies-peers.json
# (each proxy's package, version and whether it was graded, or why not). PROXY_FAULTS=a,b
# adds a column per h1fault proxy fault (h1fault-a, ...), which must show failing.
PROXY_FAULTS ?=
compare-proxies: build
	@bash ci/compare-proxies.sh --no-build --build $(BUILD) --peers "$(PEERS)" \
	  $(foreach f,$(subst $(comma), ,$(PROXY_FAULTS)),--fault $(f))

# h1spec fuzz --via through every proxy peer at once, FUZZ_SECONDS each (default 600);
# minimised findings as proxy cases in build/fuzz-via/<proxy>/findings/.
fuzz-proxies: build
	@bash ci/compare-proxies.sh --no-build --build $(BUILD) --peers "$(PEERS)" \
	  --fuzz $(or $(FUZZ_SECONDS),600)

# Every peer of peers/*/ with its role, runs, packages and version; fails on a broken manifest.
peers:
	@python3 ci/lib/peers.py table --build $(BUILD)

# `h1spec fuzz` for FUZZ_PEER_SECONDS (default 60) against each fuzz peer of peers/*/ (nginx,
# lighttpd, h2o) or those PEERS names, with h1ref as the oracle; findings in
# build/report/fuzz-peers/ (summary.md lists them).
fuzz-peers: build
	@bash ci/fuzz-peers.sh --no-build --build $(BUILD) $(subst $(comma), ,$(PEERS))

# clang-tidy with the checks of .clang-tidy over every compiled source (ci/lint.sh);
# LINT_BASE=COMMIT checks only what changed since that commit.
LINT_BASE ?=
lint: deps
	@bash ci/lint.sh $(if $(LINT_BASE),--changed $(LINT_BASE))

# build/package/h1spec_<version>_<arch>.deb of everything `cmake --install` puts in place
# (cmake/install.cmake, cmake/package.cmake), under /usr.
H1_PACKAGE_VERSION = $(shell grep -m 1 '^project' CMakeLists.txt | grep -o 'VERSION [0-9.]*' | cut -d ' ' -f 2)
H1_DEB = build/package/h1spec_$(H1_PACKAGE_VERSION)_$(shell dpkg --print-architecture).deb
package: build
	@cpack --config $(BUILD)/CPackConfig.cmake -B build/package >/dev/null
	@test -f $(H1_DEB) && echo "package: $(H1_DEB)"

# Checks the .deb, installs it with dpkg (root or sudo), grades the installed h1ref with the
# installed h1spec, then removes the package. Not part of `make test`: it changes /usr.
test-package: package
	@bash packaging/check-package.sh $(H1_DEB)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check: deps
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror
	@echo "format-check: clean"

clean:
	rm -rf build
