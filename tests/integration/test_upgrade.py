"""A new binary taken under load: the master execs the binary now at its path on SIGUSR2, the
sockets stay open, the old workers drain; no request fails."""
import json
import os
import shutil
import signal
import sys
import time

from harness import check, poll
from test_resilience import Hammer, process_start

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "faults"))
import drill  # noqa: E402

# Loose bounds for a busy machine: correctness, not speed.
STOP_SECONDS = 60
UPGRADE_SECONDS = 60


def version_of(stack):
    r = stack.get("/healthz")
    return json.loads(r.body)["version"] if r.status == 200 else None


def marked_copy(binary, version):
    """The bytes of binary with its version string (as /healthz shows it) replaced by another
    of the same length, and that string: a rebuilt binary, told apart by what it answers."""
    marker = ("upgraded-" + "x" * len(version))[:len(version)]
    with open(binary, "rb") as f:
        data = f.read()
    old = version.encode() + b"\0"
    check(old in data, f"version {version} not found in {binary}")
    return data.replace(old, marker.encode() + b"\0"), marker


def installed_copy(stack):
    """The path of a copy of the stack's binary that the master now runs (restarted from it
    when needed): the file an upgrade replaces, never the checkout's build."""
    path = os.path.join(stack.dir, "bin", "vaora")
    master = stack.pid("vaora")
    if os.readlink(f"/proc/{master}/exe").removesuffix(" (deleted)") == path:
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    shutil.copy2(stack.binary, path)
    os.kill(master, signal.SIGTERM)
    check(poll(lambda: process_start(master) is None, STOP_SECONDS) is not None, "the master did not stop")
    original, stack.binary = stack.binary, path
    try:
        started = stack.stack("start")
    finally:
        stack.binary = original
    check(started.returncode == 0, started.stdout)
    return path


def replace_file(path, data):
    """As install(1) does: a new file renamed over the path (a running binary cannot be
    written in place)."""
    with open(path + ".new", "wb") as f:
        f.write(data)
    os.chmod(path + ".new", 0o755)
    os.rename(path + ".new", path)


def test_a_new_binary_is_taken_under_load_without_a_failed_request(stack):
    installed = installed_copy(stack)
    version = version_of(stack)
    check(version, "/healthz does not answer with a version")
    master = stack.pid("vaora")
    old_workers = {pid: process_start(pid) for pid in stack.worker_pids()}
    check(old_workers, "no workers before the upgrade")

    load = drill.Load(stack)
    pages = Hammer(stack, "/ha-noi/")
    load.start()
    pages.start()
    time.sleep(1.0)
    new_binary, marker = marked_copy(stack.binary, version)
    replace_file(installed, new_binary)
    os.kill(master, signal.SIGUSR2)
    signalled = pages.done
    took = poll(lambda: version_of(stack) == marker, UPGRADE_SECONDS)
    drained = poll(lambda: not [p for p, s in old_workers.items() if process_start(p) == s], UPGRADE_SECONDS)
    time.sleep(1.0)
    pages.stop()
    load.stop()

    check(took is not None, f"the new binary's version {marker} never answered")
    check(drained is not None, "old workers still running after the upgrade")
    acknowledged, lost, doubled, _, hangs = load.count()
    print(f"    new binary answered {took * 1000:.0f} ms after SIGUSR2; during the switch "
          f"{pages.done - signalled} page requests, {acknowledged} check-ins acknowledged in all "
          f"(lost {lost}, doubled {doubled}); refused tries {load.refusals() or 'none'}")
    check(pages.failures == [], f"failed page requests: {pages.failures[:5]}")
    check(load.refusals() == {}, f"failed check-in posts: {load.refusals()}")
    check(lost == 0 and doubled == 0 and hangs == 0 and acknowledged > 0, (acknowledged, lost, doubled, hangs))
    check(pages.done - signalled > 10, "too few requests during the switch to mean anything")
    # The same process now runs the new binary: the pid file and systemd's MainPID stay right.
    check(stack.pid("vaora") == master and process_start(master) is not None, "the master changed")
    check(stack.worker_pids() and not set(stack.worker_pids()) & set(old_workers), stack.worker_pids())


def test_an_upgrade_to_a_binary_that_cannot_start_keeps_the_running_one(stack):
    path = installed_copy(stack)
    master = stack.pid("vaora")
    workers = stack.worker_pids()
    log_mark = len(stack.log())
    with open(path, "rb") as f:
        running = f.read()
    replace_file(path, b"#!/bin/sh\nexit 1\n")
    try:
        os.kill(master, signal.SIGUSR2)
        check(poll(lambda: "upgrade refused" in stack.log()[log_mark:], UPGRADE_SECONDS) is not None,
              "no refusal in the log")
        check(stack.pid("vaora") == master and stack.worker_pids() == workers, "the running generation changed")
        for _ in range(10):
            check(stack.get("/ha-noi/").status == 200, "pages broke after a refused upgrade")
    finally:
        replace_file(path, running)
