#!/bin/sh
# Fuzzes every libFuzzer target for SECONDS each and prints one line per target; exits 1 if any crashed.
# Usage: tests/fuzz/run.sh SECONDS   (MAKE may name the make command, as make itself does)
set -eu

secs=${1:-}
case "$secs" in
  ''|*[!0-9]*) echo "usage: $0 SECONDS" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/../.."
${MAKE:-make} -s fuzz-bins

# New inputs go to a scratch corpus (libFuzzer writes to the first directory
# only), so the committed seeds stay small and reviewed.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vaora-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
artifacts=build/fuzz/artifacts
mkdir -p "$artifacts"

# Slack past -max_total_time for start-up and the final merge, before timeout(1) steps in.
grace=60
failed=0
for src in tests/fuzz/fuzz-*.c; do
  target=$(basename "$src" .c)
  name=${target#fuzz-}
  corpus=tests/fuzz/corpus/$name
  log=$scratch/$name.log
  mkdir -p "$scratch/$name"
  dirs="$scratch/$name"
  [ -d "$corpus" ] && dirs="$dirs $corpus"

  rc=0
  # -timeout: one input running this long is a hang worth reporting.
  timeout -k 10 $((secs + grace)) "build/fuzz/$target" \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$name-" $dirs >"$log" 2>&1 || rc=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  crashes=$(grep -c 'Test unit written to' "$log" || true)
  # A failure that wrote no artifact (killed by timeout(1), sanitizer at exit) still counts.
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes=1
  fi
  echo "fuzz $name: ${execs:-0} execs, cov ${cov:-0}, ft ${ft:-0}, crashes $crashes"
  if [ "$crashes" -ne 0 ]; then
    failed=1
    echo "--- $target exited $rc; end of its log (inputs in $artifacts/):"
    tail -n 40 "$log"
  fi
done
exit $failed
