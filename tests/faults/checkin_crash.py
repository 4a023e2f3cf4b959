"""Fault drill: kill -9 of the shard's MariaDB under check-in load, then its restart.

While the database is down every check-in must be answered at once with vaora's 503 and a
Retry-After (the phone's queue keeps it), never hang; the workers reconnect by themselves.
Afterwards every confirmed check-in must be in the database (lost 0), each key one row
(doubled 0). Prints `acknowledged N, lost L, doubled D, stall S s` and exits 1 otherwise.

    python3 tests/faults/checkin_crash.py [--short | SECONDS_BEFORE_KILL [SECONDS_AFTER_RESTART]]
"""
import os
import signal
import sys
import time

import drill
import bench_load
from harness import poll

FAST_WORKERS = "8"


def run(before_kill, after_restart):
    with bench_load.BenchStack(FAST_WORKERS).running() as stack:
        load = drill.Load(stack)
        workers = stack.worker_pids()
        load.start()
        time.sleep(before_kill)
        db_pid = stack.pid("mariadb")
        os.kill(db_pid, signal.SIGKILL)
        killed = time.monotonic()
        poll(lambda: not os.path.exists(f"/proc/{db_pid}"), 30)
        # The outage, seen by the clients: only vaora's 503 with Retry-After (or a request
        # cut when the connection died) before the database is started again.
        time.sleep(1.0)
        during = load.refusals()
        started = stack.stack("start")
        if started.returncode != 0:
            raise RuntimeError(f"the stack did not start again: {started.stdout}")
        back = time.monotonic() - killed
        time.sleep(after_restart)
        load.stop()
        unexpected = {kind: n for kind, n in during.items() if kind not in ("503+Retry-After", "no answer")}
        same_workers = stack.worker_pids() == workers
        ok = drill.report("checkin-crash", load, f"MariaDB killed and started again in {back:.1f} s; "
                          f"workers reconnected by themselves: {'yes' if same_workers else 'no'}; "
                          f"during the outage: {during.get('503+Retry-After', 0)} 503 with Retry-After, "
                          f"other answers {unexpected or 'none'}")
        return ok and not unexpected and during.get("503+Retry-After", 0) > 0 and same_workers


if __name__ == "__main__":
    sys.exit(0 if run(*drill.seconds_from_argv()) else 1)
