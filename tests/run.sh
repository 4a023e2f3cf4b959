#!/bin/bash
# Runs every suite (unit, fuzz corpora replayed, integration and browser against a throw-away
# stack) and ends with one line "N passed, N failed". Exit status 0 only when nothing failed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VAORA_RESULTS=$(mktemp /tmp/vaora-results.XXXXXX)
export VAORA_RESULTS
# ASan's leak check runs when a test binary exits; UBSan stops at the first report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}

suite_crashed() { echo "$1 1 1" >> "$VAORA_RESULTS"; }

echo "== unit"
for t in build/asan/unit/test-*; do
	[ -x "$t" ] || continue
	before=$(wc -l < "$VAORA_RESULTS")
	"$t"
	rc=$?
	after=$(wc -l < "$VAORA_RESULTS")
	# A binary that died before recording its counts is one failure, not silence.
	if [ "$rc" -ne 0 ] && [ "$after" -eq "$before" ]; then
		suite_crashed "$(basename "$t")"
	fi
done

echo "== fuzz corpora (replayed)"
if [ -x tests/fuzz/replay.sh ]; then
	tests/fuzz/replay.sh || true
fi

echo "== integration"
python3 tests/integration/run.py || true
if ! grep -q '^integration' "$VAORA_RESULTS"; then
	suite_crashed integration
fi
# The browser suite runs inside run.py, against the same stack; silence from it is a failure.
if ! grep -q '^browser' "$VAORA_RESULTS"; then
	suite_crashed browser
fi

awk '{ total += $2; failed += $3 } END { printf "%d passed, %d failed\n", total - failed, failed; exit failed > 0 }' "$VAORA_RESULTS"
rc=$?
rm -f "$VAORA_RESULTS"
exit $rc
