# ks2progress — two set-up commands on a fresh Debian machine: `make run` and `make test`.
# Both install the system libraries they need first (libxlsxwriter, zlib, pkg-config).
SWIFT      ?= swift
JOBS       ?= 2
SYSTEM_DEPS = libxlsxwriter-dev libssl-dev zlib1g-dev pkg-config
# the tests read workbooks back with unzip
TEST_DEPS   = unzip
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN        := .build/release/ks2progress

.PHONY: all deps build release run test lint bench fuzz preview install clean

all: release

## Install the Debian packages the build links against, only when missing.
deps:
	@missing=""; for p in $(SYSTEM_DEPS) $(if $(filter test,$(MAKECMDGOALS)),$(TEST_DEPS)); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -j $(JOBS)

release: deps
	$(SWIFT) build -c release -j $(JOBS)

## The main job on the bundled data: Pipelines/demo.yml over Data/sample/.
run: release
	$(BIN) run Pipelines/demo.yml

## The formatter's check (.swift-format: line length 120): the whole tree must pass it.
lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Fuzz/Sources Package.swift

## Unit, end-to-end and real-file tests (debug build), after the formatter's check.
test: deps lint
	$(SWIFT) build --build-tests -j $(JOBS)
	$(SWIFT) test --skip-build --parallel --num-workers $(JOBS)

## Every workbook kind rendered with LibreOffice to PNG pages in Reports/preview/ (to look at).
preview: release
	bash scripts/preview.sh

## National-size benchmarks side by side with the polars reference (not part of `make test`).
bench: release
	bash scripts/bench.sh

## libFuzzer over the CSV reader and row cleaners (Fuzz/), seeded with the malformed-input corpus.
## New inputs go to Fuzz/corpus, crashes to Fuzz/findings (both ignored by git). Whole-module
## optimization drops the coverage instrumentation libFuzzer needs, so it is turned off.
FUZZ_SECONDS ?= 300
FUZZ_BIN     := Fuzz/.build/release/ks2fuzz
fuzz: deps
	# coverage is asked for explicitly: at -O, -sanitize=fuzzer alone leaves the code uninstrumented
	# (libFuzzer then warns "no interesting inputs" and mutates blind); whole-module optimization off
	cd Fuzz && $(SWIFT) build -c release -j $(JOBS) --sanitize=fuzzer --sanitize=address \
	  -Xswiftc -no-whole-module-optimization -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
	mkdir -p Fuzz/corpus Fuzz/findings
	$(FUZZ_BIN) Fuzz/corpus Tests/EndToEndTests/Corpus -max_total_time=$(FUZZ_SECONDS) -max_len=1024 \
	  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=Fuzz/findings/

## Installs the binary and its methodology data: PREFIX/bin/ks2progress runs from any folder.
PREFIX ?= /usr/local
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ks2progress/published
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/ks2progress
	rm -rf $(DESTDIR)$(PREFIX)/share/ks2progress/methodology
	cp -R Data/methodology $(DESTDIR)$(PREFIX)/share/ks2progress/methodology
	install -m 0644 Data/published/la_and_region_codes_meta.csv $(DESTDIR)$(PREFIX)/share/ks2progress/published/
	@echo "installed $(DESTDIR)$(PREFIX)/bin/ks2progress (data in $(DESTDIR)$(PREFIX)/share/ks2progress)"

clean:
	rm -rf .build
