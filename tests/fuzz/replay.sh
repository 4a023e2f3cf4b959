#!/bin/sh
# Replays every fuzz target's committed corpus under ASan/UBSan; a line per target, counts to $VAORA_RESULTS.
set -eu

cd "$(dirname "$0")/../.."

# Appends "name total failed" like the unit tests, for tests/run.sh's summary line.
record() {
  if [ -n "${VAORA_RESULTS:-}" ]; then
    echo "fuzz-replay-$1 1 $2" >>"$VAORA_RESULTS"
  fi
}

# A target that does not build is a failure the summary must show, not a silent stop.
if ! ${MAKE:-make} -s fuzz-replay-bins; then
  echo "fuzz-replay build: FAILED"
  record build 1
  exit 1
fi

failed=0
for src in tests/fuzz/fuzz-*.c; do
  target=$(basename "$src" .c)
  name=${target#fuzz-}
  corpus=tests/fuzz/corpus/$name
  bin=build/asan/replay/$target
  # A target without seeds would pass while testing nothing.
  if [ ! -d "$corpus" ]; then
    echo "fuzz-replay $name: FAILED (no corpus in $corpus)"
    record "$name" 1
    failed=1
    continue
  fi
  if out=$("$bin" "$corpus" 2>&1); then
    echo "fuzz-replay $name: ok (${out#replay $name: })"
    record "$name" 0
    continue
  fi
  echo "fuzz-replay $name: FAILED"
  # Replaying one file at a time names the input that fails.
  for f in "$corpus"/*; do
    [ -f "$f" ] || continue
    if ! "$bin" "$f" >/dev/null 2>&1; then
      echo "  fails on $f:"
      "$bin" "$f" 2>&1 | head -n 20 | sed 's/^/    /' || true
      break
    fi
  done
  record "$name" 1
  failed=1
done
exit $failed
