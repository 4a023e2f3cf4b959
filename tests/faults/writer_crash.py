"""Fault drill: kill -9 of the check-in writer (cgi/domain/checkin-writer.h) under check-in load,
again and again, and a stop (SIGSTOP) longer than the workers wait for it.

Each batch the writer had begun rolls back with its connection, and its workers record those
check-ins alone; the master starts a new writer, which the workers find by themselves. A held
writer's workers stop waiting and record alone, and the writer, continued, begins nothing that
old. Afterwards every confirmed check-in must be in the database (lost 0), each key one row
(doubled 0), and the new writer must be recording batches again. Prints `acknowledged N, lost L,
doubled D, stall S s` and exits 1 otherwise.

    python3 tests/faults/writer_crash.py [--short | SECONDS_BETWEEN_FAULTS [SECONDS_AFTER]]
"""
import os
import re
import signal
import sys
import time

import drill
import bench_load
import fixtures
from harness import poll

FAST_WORKERS = "8"
KILLS = 5
# Longer than a worker waits for the writer's answer (WRITER_WAIT_MS, 2 s).
HOLD_SECONDS = 3
# A new writer is forked at once (after a second's pause in a crash loop); loose for a busy machine.
RESTART_SECONDS = 10


def batches_recorded(stack):
    """The writers' batches recorded so far, from /metrics."""
    found = re.search(r'^vaora_checkin_batches_total\{outcome="recorded"\} (\d+)$', stack.get("/metrics").text, re.M)
    return int(found.group(1)) if found else 0


def writer(stack):
    return fixtures.child_pid(stack, fixtures.WRITER_NAME)


def run(between, after):
    with bench_load.BenchStack(FAST_WORKERS).running() as stack:
        load = drill.Load(stack)
        load.start()
        time.sleep(between)
        killed, restarted = 0, 0
        for _ in range(KILLS):
            pid = writer(stack)
            if pid:
                os.kill(pid, signal.SIGKILL)
                killed += 1
                restarted += poll(lambda: writer(stack) not in (None, pid), RESTART_SECONDS) is not None
            time.sleep(between / 2)
        pid = writer(stack)
        os.kill(pid, signal.SIGSTOP)
        time.sleep(HOLD_SECONDS)
        os.kill(pid, signal.SIGCONT)
        time.sleep(after)
        before = batches_recorded(stack)
        time.sleep(1)
        batching = batches_recorded(stack) - before
        load.stop()
        ok = drill.report("writer-crash", load, f"writer killed {killed} times and started again {restarted} "
                          f"times, then held {HOLD_SECONDS} s; batches recorded in the last second: {batching}")
        return ok and killed == KILLS and restarted == KILLS and batching > 0


if __name__ == "__main__":
    sys.exit(0 if run(*drill.seconds_from_argv()) else 1)
