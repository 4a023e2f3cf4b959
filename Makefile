# vaora build, run and test. `make` builds ./vaora; see README.md for the two commands.

# Compiler and flags (override on the command line: make CC=clang).
CC       ?= cc
# Libraries found through pkg-config; libfcgi and libunistring have no .pc file and are
# linked by name.
PKGS     := libmariadb jansson libcrypto libqrencode cairo pangocairo fontconfig
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lfcgi -lunistring
# Warnings are errors. -Wmissing-prototypes: a function no header declares must be static;
# -Wvla: no variable-length arrays, so every buffer's size is a named constant.
WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2
CPPFLAGS := -D_GNU_SOURCE -Icgi $(PKG_CFLAGS)
CFLAGS   ?= -O2 -g
# The test build: sanitizers, and a clock tests can set (VAORA_TEST_CLOCK).
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DVAORA_TEST_BUILD -DVAORA_SETTABLE_CLOCK
# Version stamped into the binary: the git commit when there is one.
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

SRC      := $(sort $(shell find cgi -name '*.c'))
LIB_SRC  := $(filter-out cgi/main.c,$(SRC))
REL_OBJ  := $(LIB_SRC:%.c=build/rel/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/asan/unit/%)

# `make install`: deploy/install.sh with these (see its header; OPERATIONS.md).
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var
DESTDIR ?=

.PHONY: all asan unit run stop test install test-browser browser-deps bench drills ci-drills soak fuzz clean deps

all: vaora

vaora: build/rel/cgi/main.o build/rel/libvaora.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

# Made afresh: ar adds to an archive, and a renamed file's old object would stay in it.
build/rel/libvaora.a: $(REL_OBJ)
	rm -f $@
	ar rcs $@ $^

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) -DVAORA_VERSION='"$(VERSION)"' $(CFLAGS) -MMD -MP -c -o $@ $<

asan: build/asan/vaora

build/asan/vaora: build/asan/cgi/main.o build/asan/libvaora.a
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(PKG_LIBS)

build/asan/libvaora.a: $(ASAN_OBJ)
	rm -f $@
	ar rcs $@ $^

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) -DVAORA_VERSION='"$(VERSION)"' $(ASAN_FLAGS) -MMD -MP -c -o $@ $<

build/asan/unit/%: tests/unit/%.c tests/unit/unit.h tests/unit/unit-keyring.h build/asan/libvaora.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) -Itests/unit $(ASAN_FLAGS) -o $@ $< build/asan/libvaora.a $(PKG_LIBS) -lcmocka

unit: $(UNIT_BIN)

# libFuzzer targets and their replay programs (fuzz-bins, fuzz-replay-bins).
include tests/fuzz/fuzz.mk
# The benchmarks' programs (build/rel/bench-render, build/bench/vaora).
include tests/bench/bench.mk

deps:
	@./deploy/deps.sh

# The release binary, templates, schema, configuration, the vaora user and systemd units in
# FHS places; without DESTDIR also the secrets, each shard's databases and the migrations.
install: all
	@PREFIX='$(PREFIX)' SYSCONFDIR='$(SYSCONFDIR)' LOCALSTATEDIR='$(LOCALSTATEDIR)' DESTDIR='$(DESTDIR)' \
		./deploy/install.sh

# Starts the private stack in var/ and leaves it running; `make stop` stops it.
run: deps
	@$(MAKE) --no-print-directory all
	@./deploy/stack.sh start

stop:
	@./deploy/stack.sh stop

# The browser tests' npm packages (tests/browser/package-lock.json), when missing or changed.
browser-deps: deps
	@./tests/browser/install.sh

# Everything in a throw-away directory on free ports, then every suite. A failed npm install
# does not stop the other suites: the browser suite then counts it as its failure.
test: deps
	@./tests/browser/install.sh || echo "browser-deps: npm ci failed; the browser suite will fail"
	@$(MAKE) --no-print-directory all asan unit
	@./tests/run.sh

# Only the browser suite, against a fresh throw-away stack (quick iteration).
test-browser: browser-deps
	@$(MAKE) --no-print-directory asan
	@python3 tests/integration/run.py --only browser

# Fault drills on the release build, each against a throw-away stack, each printing
# "acknowledged N, lost L, doubled D, stall S s" (tests/faults/). DRILL_ARGS=--short is the
# short version .ci/run runs; DRILL_ARGS="10 10" runs longer.
DRILLS := $(wildcard tests/faults/*_crash.py) tests/faults/province_move.py
# The drills .ci/run runs short: the quick ones to set up (a Galera cluster or a tmpfs datadir
# takes minutes), so CI stays well under 15 minutes. hosts_crash short took 25–54 s here (the
# longer on a busier machine), the three together 66 s; writer_crash short about 40 s. province_move (1.5–2.5 min short, bound
# by how fast its passes catch up with the load) is left to make drills: make test's
# test_province_move already moves a province under load and counts every check-in.
CI_DRILLS := tests/faults/checkin_crash.py tests/faults/serve_crash.py tests/faults/hosts_crash.py \
	tests/faults/writer_crash.py
DRILL_ARGS ?=
drills: deps
	@$(MAKE) --no-print-directory all
	@failed=0; for d in $(DRILLS); do python3 $$d $(DRILL_ARGS) || failed=$$((failed + 1)); done; \
	echo "drills: $$(($(words $(DRILLS)) - failed)) passed, $$failed failed"; test $$failed -eq 0

# A steady mixed load for SOAK_MINUTES (default 30): memory at start and end, errors, p99 per
# minute (tests/bench/soak.py).
soak: deps
	@$(MAKE) --no-print-directory all
	@python3 tests/bench/soak.py

bench: deps
	@$(MAKE) --no-print-directory all bench-build
	@./tests/bench/run.sh

# Each libFuzzer target for FUZZ_SECONDS (default 60).
FUZZ_SECONDS ?= 60
fuzz: deps
	@./tests/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf build vaora

-include $(shell find build -name '*.d' 2>/dev/null)

# What .ci/run runs after make test: CI_DRILLS, short.
ci-drills:
	@$(MAKE) --no-print-directory drills DRILLS="$(CI_DRILLS)" DRILL_ARGS=--short
