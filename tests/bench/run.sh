#!/bin/sh
# Benchmarks: starts a throw-away stack with the release build and prints its figures.
set -eu
cd "$(dirname "$0")/../.."
exec python3 tests/bench/bench.py "$@"
