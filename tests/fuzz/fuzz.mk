# libFuzzer targets: every tests/fuzz/fuzz-*.c, built with clang for fuzzing and with $(CC) as replay programs over the committed corpora.
# Included by the Makefile after LIB_SRC, WARN, CPPFLAGS, PKG_LIBS and ASAN_FLAGS are set and after its first rule (`all`).

$(if $(LIB_SRC),,$(error tests/fuzz/fuzz.mk: include it after LIB_SRC is set))

# libFuzzer ships with clang only.
FUZZ_CC    ?= clang
# Coverage instrumentation for the library objects; the fuzzer's main() comes in at link time.
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -DVAORA_TEST_BUILD
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz-*.c))
# Target names as built: fuzz-tmpl, fuzz-form, ...
FUZZ_TARGETS := $(FUZZ_SRC:tests/fuzz/%.c=%)
FUZZ_BIN     := $(FUZZ_TARGETS:%=build/fuzz/%)
FUZZ_OBJ     := $(LIB_SRC:%.c=build/fuzz/obj/%.o)
REPLAY_BIN   := $(FUZZ_TARGETS:%=build/asan/replay/%)

.PHONY: fuzz-bins fuzz-replay-bins

fuzz-bins: $(FUZZ_BIN)

fuzz-replay-bins: $(REPLAY_BIN)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(CPPFLAGS) -DVAORA_VERSION='"$(VERSION)"' $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

build/fuzz/libvaora.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c build/fuzz/libvaora.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_LDFLAGS) -MMD -MP -o $@ $< build/fuzz/libvaora.a $(PKG_LIBS)

# The same target as a plain program: replay.c supplies main() and walks the corpus.
build/asan/replay/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/replay.c build/asan/libvaora.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(ASAN_FLAGS) -o $@ $< tests/fuzz/replay.c build/asan/libvaora.a $(PKG_LIBS)
