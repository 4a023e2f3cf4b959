# The benchmarks' programs. Included by the Makefile after CC, WARN, CPPFLAGS, CFLAGS, PKG_LIBS
# and LIB_SRC are set and after its first rule (`all`).
#
# build/rel/bench-render: the poster renderer's benchmark, linked from the release objects.
# build/bench/hello: the ceiling the `ceiling` part compares vaora with, a minimal libfcgi
# responder with a fixed body (tests/bench/hello.c); linked with libfcgi alone.
# build/bench/vaora: the release build with the settable clock (VAORA_CLOCK_FILE), for the
# benchmarks over the cached data set (tests/bench/bench_data.py): that data was made around
# one day, and the clock puts "today" back on it however long ago it was built. Not the test
# build: no sanitizers and no test routes, so the figures are the release code's.

.PHONY: bench-render bench-build

bench-render: build/rel/bench-render

build/rel/bench-render: tests/bench/bench-render.c build/rel/libvaora.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -o $@ $< build/rel/libvaora.a $(PKG_LIBS)

BENCH_OBJ := $(LIB_SRC:%.c=build/bench/%.o)

bench-build: build/bench/vaora build/bench/hello

build/bench/hello: tests/bench/hello.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_GNU_SOURCE $(CFLAGS) -o $@ $< -lfcgi

build/bench/vaora: build/bench/cgi/main.o $(BENCH_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

build/bench/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) -DVAORA_VERSION='"$(VERSION)"' $(CFLAGS) -DVAORA_SETTABLE_CLOCK -MMD -MP -c -o $@ $<
