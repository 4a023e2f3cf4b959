#!/bin/sh
# Benchmarks: starts a throw-away stack with the release build and prints its figures.
set -eu
cd "$(dirname "$0")/../.."
# Poster rendering inside one process (the cost a request pays), then the stack under wrk.
make --no-print-directory build/rel/bench-render && build/rel/bench-render ||
	echo "bench: render benchmark failed or missed a target"
exec python3 tests/bench/bench.py "$@"
