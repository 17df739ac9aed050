# The README's two commands: `make run` and `make test`.
.PHONY: all deps build run test unit-asan fuzz-smoke bench clean

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 20

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build build/release -j $(JOBS)

# Serves the bundled default configuration on 127.0.0.1:8080 (curl it at once).
run: build
	./build/release/src/ringwall $(if $(CONFIG),-c $(CONFIG),)

# Every test: unit and integration tests on the release build, the unit tests once more
# under ASan+UBSan, then each fuzzer for a short run from its corpus.
test: build
	@$(MAKE) --no-print-directory unit-asan fuzz-smoke
	@cd build/release && ctest --output-on-failure -j 2

unit-asan: deps
	@cmake --preset asan-ubsan >/dev/null
	@cmake --build build/asan-ubsan -j $(JOBS)
	@cd build/asan-ubsan && ctest --output-on-failure -L unit -j $(JOBS)

fuzz-smoke: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build build/fuzz -j $(JOBS)
	@scripts/run-fuzzers $(FUZZ_SECONDS)

bench: build
	python3 bench/run-bench.py

clean:
	rm -rf build
