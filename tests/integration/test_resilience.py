"""The stack under stress: a killed worker, a reload, the database going away, a stop, a killed
master."""
import contextlib
import json
import os
import signal
import threading
import time

from harness import check, poll

# Loose bounds: these are correctness tests; `make bench` judges speed.
REPLACE_SECONDS = 30
RELOAD_SECONDS = 30
RECOVER_SECONDS = 60


class Hammer(threading.Thread):
    """Requests path over and over, counting answers that are not 200."""

    def __init__(self, stack, path):
        super().__init__(daemon=True)
        self.stack, self.path = stack, path
        self.running = True
        self.done = 0
        self.failures = []

    def run(self):
        while self.running:
            try:
                r = self.stack.get(self.path, timeout=30)
                if r.status != 200:
                    self.failures.append(r.status)
            except Exception as e:  # a reset connection is a failed request too
                self.failures.append(repr(e))
            self.done += 1

    def stop(self):
        self.running = False
        self.join(60)


def test_second_start_is_harmless(stack):
    pids = {part: stack.pid(part) for part in ("mariadb", "vaora", "nginx")}
    r = stack.stack("start")
    check(r.returncode == 0, r.stdout)
    check({part: stack.pid(part) for part in pids} == pids, "a second start replaced running servers")
    check(stack.get("/ha-noi/").status == 200, "pages broke after a second start")


def test_workers_follow_the_settable_clock(stack):
    # 2030-01-02T03:04:05Z: the test build's clock file moves "now" for running workers.
    with open(stack.clock_file, "w") as f:
        f.write("1893553445\n")
    try:
        stack.get("/healthz?clock-probe=1")
        line = [x for x in stack.log().splitlines() if "clock-probe" in x]
        check(line and line[-1].startswith("2030-01-02T03:04:05Z"), line[-1:] or "no log line")
    finally:
        os.remove(stack.clock_file)
    stack.get("/healthz?clock-probe=2")
    line = [x for x in stack.log().splitlines() if "clock-probe=*" in x][-1]
    check(not line.startswith("2030"), "the clock did not return to real time")


def test_killed_worker_is_replaced(stack):
    before = stack.worker_pids()
    check(len(before) >= 2, before)
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    took = poll(lambda: victim not in stack.worker_pids() and len(stack.worker_pids()) == len(before),
                REPLACE_SECONDS)
    check(took is not None, "no replacement worker")
    print(f"    replacement worker up {took * 1000:.0f} ms after kill -9")
    for _ in range(20):
        r = stack.get("/ha-noi/")
        check(r.status == 200, f"status {r.status} after the kill")


def test_reload_serves_new_template_without_failing_a_request(stack):
    marker = "reloaded-marker-7f3a"
    old_workers = stack.worker_pids()
    hammer = Hammer(stack, "/ha-noi/")
    hammer.start()
    time.sleep(0.3)
    path = os.path.join(stack.templates, "html", "province.html")
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"<p>{marker}</p>\n")
    os.kill(stack.pid("vaora"), signal.SIGHUP)
    took = poll(lambda: marker in stack.get("/ha-noi/").text, RELOAD_SECONDS)
    time.sleep(0.5)
    hammer.stop()
    check(took is not None, "new template text never served")
    print(f"    new template served {took * 1000:.0f} ms after SIGHUP; {hammer.done} requests during reload")
    check(hammer.failures == [], f"failed requests during reload: {hammer.failures[:5]}")
    check(hammer.done > 10, "the hammer made too few requests to mean anything")
    gone = poll(lambda: not set(old_workers) & set(stack.worker_pids()), RELOAD_SECONDS)
    check(gone is not None, "old workers still running after reload")


def test_database_down_gives_503_then_recovers(stack):
    workers = stack.worker_pids()
    db_pid = stack.pid("mariadb")
    os.kill(db_pid, signal.SIGTERM)
    check(poll(lambda: not os.path.exists(f"/proc/{db_pid}"), 60) is not None, "MariaDB did not stop")
    r = stack.get("/ha-noi/")
    check(r.status == 503, f"status {r.status}")
    check("Hệ thống tạm thời gián đoạn" in r.text, "not vaora's Vietnamese 503 page")
    check(r.header("Retry-After") is not None, "no Retry-After")
    r = stack.get("/healthz")
    check(r.status == 503, f"healthz status {r.status}")
    body = json.loads(r.body)
    check({s["name"]: s["status"] for s in body["shards"]} == {"s1": "down", "s2": "down"}, body)
    # The instance home needs no database and still answers.
    check(stack.get("/").status == 200, "home failed without the database")
    started = stack.stack("start")
    check(started.returncode == 0, started.stdout)
    took = poll(lambda: stack.get("/ha-noi/").status == 200, RECOVER_SECONDS)
    check(took is not None, "pages did not recover")
    print(f"    pages answered 200 {took * 1000:.0f} ms after MariaDB was back")
    check(stack.worker_pids() == workers, "workers were restarted to recover")


def test_stop_lets_a_slow_request_finish(stack):
    result = {}

    def slow():
        try:
            result["r"] = stack.get("/_test/sleep?ms=2000", timeout=60)
        except Exception as e:
            result["e"] = e

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.5)
    master = stack.pid("vaora")
    os.kill(master, signal.SIGTERM)
    t.join(60)
    check("r" in result, f"slow request failed: {result.get('e')}")
    check(result["r"].status == 200 and b"slept_ms" in result["r"].body, result["r"].status)
    check(poll(lambda: not os.path.exists(f"/proc/{master}"), 60) is not None, "master did not exit")
    # With no workers, nginx answers with vaora's static page, not its own.
    r = stack.get("/ha-noi/")
    check(r.status == 502, f"status {r.status}")
    check("Hệ thống tạm thời không phản hồi" in r.text, "nginx's own 502 page")
    check(r.header("Retry-After") == "30", r.header("Retry-After"))
    started = stack.stack("start")
    check(started.returncode == 0, started.stdout)
    check(stack.get("/ha-noi/").status == 200, "the stack did not come back")


# A worker whose master died notices at once (parent-death signal); loose for a busy machine.
ORPHAN_SECONDS = 10


def generation(stack):
    """The running master and its workers, as {pid: start time}: a pid the kernel reuses later
    has another start time, so it is never mistaken for one of these."""
    pids = [stack.pid("vaora")] + stack.worker_pids()
    return {pid: start for pid in pids if (start := process_start(pid)) is not None}


def process_start(pid):
    """A live (not zombie) process's start time in clock ticks, None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else int(fields[19])


def survivors(old):
    return sorted(pid for pid, start in old.items() if process_start(pid) == start)


@contextlib.contextmanager
def killed_master(stack):
    """kill -9 of the master for a with block, given its generation as it was and the log's
    length at that moment. Afterwards, even when the block failed, what the block left of
    that generation is killed by pid and the stack is started again, so the next test
    finds a stack."""
    old = generation(stack)
    check(len(old) >= 3, f"no workers to orphan: {old}")
    log_mark = len(stack.log())
    os.kill(stack.pid("vaora"), signal.SIGKILL)
    try:
        yield old, log_mark
    finally:
        for pid in survivors(old):
            os.kill(pid, signal.SIGKILL)
        if process_start(stack.pid("vaora") or 0) is None:
            stack.stack("start")


def healthz_answerers(stack, log_mark):
    """Pids of the workers that answered /healthz since log_mark, from the access log."""
    lines = stack.log()[log_mark:].splitlines()
    return [int(x.split()[2]) for x in lines if " access " in x and " /healthz " in x]


def check_new_generation_answers(stack, old):
    master = stack.pid("vaora")
    check(master not in old and process_start(master) is not None, f"no new master: {master}")
    workers = stack.worker_pids()
    check(workers, "the new master has no workers")
    for _ in range(20):
        r = stack.get("/ha-noi/")
        check(r.status == 200, f"status {r.status} after the restart")
    check(survivors(old) == [], f"processes of the killed generation still running: {survivors(old)}")
    print(f"    new master {master} with {len(workers)} workers; "
          f"{len(survivors(old))} of the {len(old)} old processes remain")


def test_no_worker_outlives_a_master_killed_with_sigkill(stack):
    with killed_master(stack) as (old, _):
        took = poll(lambda: survivors(old) == [], ORPHAN_SECONDS)
        check(took is not None, f"workers of the killed master still running after {ORPHAN_SECONDS} s: "
                                f"{survivors(old)}")
        print(f"    all {len(old) - 1} workers gone {took * 1000:.0f} ms after kill -9 of their master")
        started = stack.stack("start")
        check(started.returncode == 0, started.stdout)
        check_new_generation_answers(stack, old)


def test_start_after_a_killed_master_is_ready_only_when_the_new_master_answers(stack):
    with killed_master(stack) as (old, log_mark):
        # At once: the killed master's socket files are still there, and its workers may be too.
        started = stack.stack("start")
        check(started.returncode == 0, started.stdout)
        master = stack.pid("vaora")
        answerers = healthz_answerers(stack, log_mark)
        check(answerers, "start did not ask /healthz through nginx")
        check(answerers[-1] in stack.worker_pids(),
              f"start's readiness /healthz was answered by {answerers[-1]}, not a worker of the new "
              f"master {master} (old generation {sorted(old)})")
        poll(lambda: survivors(old) == [], ORPHAN_SECONDS)
        check_new_generation_answers(stack, old)
