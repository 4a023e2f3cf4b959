#!/bin/sh
# Benchmarks, in named parts (BENCH_PARTS, comma-separated; default all): render (poster
# rendering inside one process), then against a throw-away stack running the release build:
# pages, weight, checkin, gate, import (see bench.py); ceiling (vaora against a minimal libfcgi
# hello behind the same nginx, see bench_ceiling.py); then on the cached data set of issue #7
# (built once, see bench_data.py): data, dashboard, tracing, purge (see bench_scale.py).
set -eu
cd "$(dirname "$0")/../.."
parts=",${BENCH_PARTS:-render,pages,weight,checkin,gate,import,ceiling,profile,statements,data,dashboard,tracing,purge},"
case "$parts" in
*,render,*)
	make --no-print-directory build/rel/bench-render && build/rel/bench-render ||
		echo "bench: render benchmark failed or missed a target" ;;
esac
stack_parts=$(echo "$parts" | sed 's/,render,/,/; s/^,*//; s/,*$//')
[ -n "$stack_parts" ] || exit 0
BENCH_PARTS=$stack_parts exec python3 tests/bench/bench.py "$@"
