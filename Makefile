# h1spec front door. Every target installs what it needs first (ci/install-deps.sh is a
# no-op when everything is present).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
H1REF_RELEASE := build/release/reference/h1ref
PORT ?= 8080

.PHONY: deps build run serve test test-release test-asan format format-check clean

deps:
	@bash ci/install-deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# Grades TARGET (host:port[=name]) with h1spec, or a freshly started h1ref when TARGET is empty.
TARGET ?=
run: build
	@bash ci/run-suite.sh build/release "$(TARGET)"

serve: build
	$(H1REF_RELEASE) --root html --port $(PORT)

test: format-check test-release test-asan
	@echo "make test: all suites passed (release and ASan+UBSan)"

test-release: build
	@ctest --preset release -j $(JOBS)

# The fault-injection runs only judge h1spec, which the release pass already proves; the
# sanitizer pass spends its time on h1ref, the unit tests and the suite instead.
test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan -j $(JOBS) -LE faults

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check: deps
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror
	@echo "format-check: clean"

clean:
	rm -rf build
