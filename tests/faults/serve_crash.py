"""Fault drill: kill -9 of workers, a reload, and kill -9 of the `vaora serve` master, all under
check-in load, then a new start.

Clients retry each check-in with its own key until confirmed (nginx answers 502 while no
worker listens). Afterwards every confirmed check-in must be in the database (lost 0), each
key one row (doubled 0), and no process of the killed master's generation may be left.
Prints `acknowledged N, lost L, doubled D, stall S s` and exits 1 otherwise.

    python3 tests/faults/serve_crash.py [--short | SECONDS_BETWEEN_FAULTS [SECONDS_AFTER_RESTART]]
"""
import os
import signal
import sys
import time

import drill
import bench_load
from harness import alive, poll

FAST_WORKERS = "8"
WORKERS_KILLED = 3
# A worker whose master died notices at once (parent-death signal); loose for a busy machine.
ORPHAN_SECONDS = 10


def run(between, after_restart):
    with bench_load.BenchStack(FAST_WORKERS).running() as stack:
        load = drill.Load(stack)
        load.start()
        time.sleep(between)
        for pid in stack.worker_pids()[:WORKERS_KILLED]:
            os.kill(pid, signal.SIGKILL)
        time.sleep(between)
        os.kill(stack.pid("vaora"), signal.SIGHUP)
        time.sleep(between)
        old = [stack.pid("vaora")] + stack.worker_pids()
        os.kill(old[0], signal.SIGKILL)
        killed = time.monotonic()
        orphans_gone = poll(lambda: not any(alive(p) for p in old), ORPHAN_SECONDS)
        started = stack.stack("start")
        if started.returncode != 0:
            raise RuntimeError(f"the stack did not start again: {started.stdout}")
        back = time.monotonic() - killed
        time.sleep(after_restart)
        load.stop()
        left = [p for p in old if alive(p)]
        ok = drill.report("serve-crash", load, f"{WORKERS_KILLED} workers killed, a reload, then the master "
                          f"killed and a new one answering in {back:.1f} s; processes of the killed "
                          f"generation left: {len(left)}")
        return ok and orphans_gone is not None and not left


if __name__ == "__main__":
    sys.exit(0 if run(*drill.seconds_from_argv()) else 1)
