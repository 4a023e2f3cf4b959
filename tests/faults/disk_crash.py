"""Fault drill: the shard's MariaDB up but unable to write, under check-in load: first made
read-only (SET GLOBAL read_only), then with its data directory's disk full (a small tmpfs
mounted for the drill, filled up), each then repaired.

While writes are refused every check-in must be answered at once with vaora's 503 and a
Retry-After (the phone's queue keeps it), never a 500, never a hang; once writes or space
return the same workers take check-ins again by themselves. Afterwards every confirmed check-in
must be in the database (lost 0), each key one row (doubled 0). Prints `acknowledged N, lost L,
doubled D, stall S s` per fault and exits 1 otherwise. Needs root (it mounts the tmpfs, and
unmounts it by its mount point at the end).

    python3 tests/faults/disk_crash.py [--short | SECONDS_BEFORE_FAULT [SECONDS_AFTER_REPAIR]]
"""
import errno
import os
import re
import subprocess
import sys
import time

import drill
import bench_load
import fixtures
from harness import poll

FAST_WORKERS = "8"
# The data directory's tmpfs: room for a fresh server (system tablespace, redo log, undo) and
# the drill's rows, small enough to fill in a moment.
DATADIR_MB = 400
# How long the refused writes last once the first 503 was seen, and how long to wait for it:
# InnoDB fails a write only when a table must grow into the full disk.
OUTAGE_SECONDS = 2.0
FIRST_REFUSAL_SECONDS = 60
FILLER_CHUNK = 1 << 20
# Seconds SET GLOBAL read_only may wait for the global read lock per try.
READ_ONLY_WAIT = 1
# The stack keeps a binary log in its data directory, as production does: on a full disk
# MariaDB then makes a commit wait for space ("Retry in 60 secs") instead of failing it, and what
# bounds a check-in's wait is the workers' db_io_timeout (then 503 + Retry-After; the client's
# retry under the same key is answered from the commit that went through, if it did). The
# drill's is short, well under drill.HANG_SECONDS; production's default is 30 s (OPERATIONS.md).
IO_TIMEOUT = "5"


class DiskStack(bench_load.BenchStack):
    def env(self):
        e = super().env()
        e["VAORA_DB_IO_TIMEOUT"] = IO_TIMEOUT
        return e


def fill(path):
    """Writes path until the disk is full."""
    chunk = b"\0" * FILLER_CHUNK
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                return


def set_read_only(stack):
    """SET GLOBAL read_only = 1, waiting at most READ_ONLY_WAIT per try: the statement takes a
    global read lock that waits for the commits in flight while every new one waits behind it,
    so a long wait would stall the whole server, which is not the fault under test."""
    started = time.monotonic()
    while subprocess.run(["mariadb", f"--defaults-file={stack.var}/my.cnf", "-u", "root", "-e",
                          f"SET SESSION lock_wait_timeout = {READ_ONLY_WAIT}; SET GLOBAL read_only = 1"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        if time.monotonic() - started > FIRST_REFUSAL_SECONDS:
            raise RuntimeError("MariaDB could not be made read-only")


def read_only(stack):
    return lambda: set_read_only(stack), lambda: fixtures.sql(stack, "SET GLOBAL read_only = 0")


def disk_full(stack):
    filler = os.path.join(stack.var, "db", "filler")
    return lambda: fill(filler), lambda: os.remove(filler)


def restart_if_crashed(stack):
    """None while MariaDB runs; else what its log says of the crash, after starting it again as
    its service manager would (MariaDB 10.11 has been seen to abort in a ROLLBACK on a full
    disk: a fault of its own, after which no acknowledged check-in may be missing either)."""
    pid = stack.pid("mariadb")
    if pid and os.path.exists(f"/proc/{pid}"):
        return None
    why = [x for x in stack.log("mariadb.log").splitlines() if "got signal" in x or "ssertion" in x]
    started = stack.stack("start")
    if started.returncode != 0:
        raise RuntimeError(f"the stack did not start again: {started.stdout}")
    return (why[-1] if why else "no reason in its log") + "; started again"


def phase(stack, name, fault, repair, before, after):
    """One fault under a fresh load; returns whether it passed, after printing its line."""
    load = drill.Load(stack)
    workers = stack.worker_pids()
    log_mark = len(stack.log())
    load.start()
    time.sleep(before)
    refused_before = load.refusals().get("503+Retry-After", 0)
    fault()
    first = poll(lambda: load.refusals().get("503+Retry-After", 0) > refused_before, FIRST_REFUSAL_SECONDS)
    time.sleep(OUTAGE_SECONDS)
    during = load.refusals()
    repair()
    crash = restart_if_crashed(stack)
    time.sleep(after)
    load.stop()
    # A request cut when MariaDB crashed is unanswered, and retried like a 503.
    unexpected = {kind: n for kind, n in during.items() if kind not in ("503+Retry-After", "no answer")}
    # What MariaDB said, as vaora logged it: the refusals are its own, not a lost connection.
    said = sorted(set(re.findall(r"writes refused: (.{0,60})", stack.log()[log_mark:])))
    same_workers = stack.worker_pids() == workers
    ok = drill.report(name, load, f"first 503 {'after %.1f s' % first if first is not None else 'never'}; "
                      f"during the fault: {during.get('503+Retry-After', 0)} 503 with Retry-After, other answers "
                      f"{unexpected or 'none'}; MariaDB said {said or 'nothing'}; MariaDB crashed: {crash or 'no'}; workers recovered by themselves: {'yes' if same_workers else 'no'}")
    return ok and first is not None and not unexpected and same_workers


def run(before, after):
    stack = DiskStack(FAST_WORKERS)
    datadir = os.path.join(stack.var, "db")
    os.makedirs(datadir)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DATADIR_MB}m,mode=0755", "tmpfs", datadir], check=True)
    passed = []
    try:
        stack.start()
        passed.append(phase(stack, "disk-read-only", *read_only(stack), before, after))
        passed.append(phase(stack, "disk-full", *disk_full(stack), before, after))
        return all(passed)
    finally:
        if passed != [True, True]:  # what MariaDB said about it, before the folder goes
            errors = [x for x in stack.log("mariadb.log").splitlines() if "is full" not in x and "error 28" not in x]
            print("\n".join(["MariaDB's log, last lines:"] + errors[-25:]), flush=True)
        stack.stop()
        subprocess.run(["umount", datadir])
        stack.cleanup()


if __name__ == "__main__":
    sys.exit(0 if run(*drill.seconds_from_argv()) else 1)
