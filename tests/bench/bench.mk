# The poster renderer's benchmark, build/rel/bench-render, linked from the release objects.
# Included by the Makefile after CC, WARN, CPPFLAGS, CFLAGS and PKG_LIBS are set and after its first rule (`all`).

.PHONY: bench-render

bench-render: build/rel/bench-render

build/rel/bench-render: tests/bench/bench-render.c build/rel/libvaora.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -o $@ $< build/rel/libvaora.a $(PKG_LIBS)
