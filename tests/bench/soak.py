"""`make soak` (issue #16): a steady mixed load for SOAK_MINUTES (default 30) on a throw-away
stack running the release build: check-in page GETs, one-tap check-ins of remembered people,
first check-ins of new people and gate scans, each from its own wrk at once, a dashboard every
few seconds and a purge in the middle. Prints per minute each row's rate and p99 and the
errors; at the end worker and MariaDB memory at start and end, the errors in all, and rows
written against confirmations. It judges and exits 1 on errors or a lost confirmation; memory
growth it prints for a person to judge (a cache filling up is not a leak)."""
import os
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import bench_ceiling  # noqa: E402
import bench_load  # noqa: E402
import fixtures  # noqa: E402
import harness  # noqa: E402

MINUTES = int(os.environ.get("SOAK_MINUTES", "30"))
PEOPLE = int(os.environ.get("SOAK_PEOPLE", "2000"))
FAST_WORKERS = "16"
# Connections per row: a steady load below saturation, in the mix a province's morning has.
CONNECTIONS = {"page": 6, "onetap": 4, "new": 2, "gate": 2}
DASHBOARD_EVERY_SECONDS = 5
MINUTE = 60


def rss_mib(pids):
    return sum(bench_load.rss_kib(p) for p in pids) / 1024


def memory(stack):
    workers = [bench_load.rss_kib(p) / 1024 for p in stack.worker_pids()]
    return {"workers_total": sum(workers), "workers_max": max(workers), "mariadb": rss_mib([stack.pid("mariadb")])}


class Dashboard(threading.Thread):
    """An officer's dashboard, fetched every few seconds: its answers that were not 200 and
    its times."""

    def __init__(self, stack):
        super().__init__(daemon=True)
        self.officer = harness.logged_in(stack, "hn.admin")
        self.running = True
        self.times, self.failures = [], 0

    def run(self):
        while self.running:
            start = time.monotonic()
            try:
                ok = self.officer.get("/ha-noi/dashboard").status == 200
            except Exception:
                ok = False
            self.failures += not ok
            self.times.append(time.monotonic() - start)
            time.sleep(DASHBOARD_EVERY_SECONDS)

    def take(self):
        times, self.times = self.times, []
        return times


def one_minute(c, starts):
    """Every row's wrk for a minute at once; {row: figures}."""
    results = {}

    def run(row):
        r = bench_load.wrk(c.stack.port, "/", CONNECTIONS[row], MINUTE, c.script[row],
                           dict(c.env[row], BENCH_START=str(starts[row])))
        starts[row] = r.get("next", starts[row] + 10_000_000)
        results[row] = r

    threads = [threading.Thread(target=run, args=(row,)) for row in CONNECTIONS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def errors_of(r):
    socket_errors = 0 if r["socket"] == "none" else sum(int(x) for x in r["socket"].replace(",", " ").split()
                                                         if x.isdigit())
    return r.get("lua_non2xx", 0) + socket_errors + (0 if "next" in r else 1)


def soak(stack):
    bench_ceiling.PEOPLE = PEOPLE
    c = bench_ceiling.Ceiling(stack)
    c.prepare()
    starts = {row: 0 for row in CONNECTIONS}
    rows_before = int(fixtures.sql(stack, bench_ceiling.CHECKINS))
    start_memory = memory(stack)
    dashboard = Dashboard(stack)
    dashboard.start()
    errors, confirmations, unanswered, purge = 0, 0, 0, None
    print(f"soak: {MINUTES} minutes, wrk connections {CONNECTIONS}, dashboard every {DASHBOARD_EVERY_SECONDS} s, "
          f"{PEOPLE} remembered people, {FAST_WORKERS} fast workers, release build")
    for minute in range(1, MINUTES + 1):
        if minute == MINUTES // 2 + 1:
            purge = stack.vaora("purge")
            print(f"soak: purge in the middle: exit {purge.returncode}: "
                  f"{purge.stdout.decode(errors='replace').strip()[-200:]}")
        results = one_minute(c, starts)
        minute_errors = sum(errors_of(r) for r in results.values())
        errors += minute_errors
        for row in ("onetap", "new", "gate"):
            confirmations += results[row].get("answered", 0)
            unanswered += sum(results[row].get("sent", [0])) - results[row].get("answered", 0) - results[row].get("refused", 0)
        times = dashboard.take()
        cells = " | ".join(f"{row} {r['rps']:.0f}/s p99 {r.get('p99_ms', 0):.0f} ms" for row, r in results.items())
        board = f"dashboard {len(times)} p99 {max(times) * 1000 if times else 0:.0f} ms"
        print(f"soak: minute {minute}: {cells} | {board} | errors {minute_errors}", flush=True)
    dashboard.running = False
    dashboard.join(60)
    rows = int(bench_load.settled(lambda: fixtures.sql(stack, bench_ceiling.CHECKINS))) - rows_before
    end_memory = memory(stack)
    for what, label in (("workers_total", "workers, all"), ("workers_max", "largest worker"), ("mariadb", "MariaDB")):
        print(f"soak: memory {label}: {start_memory[what]:.1f} MiB at start, {end_memory[what]:.1f} MiB at end")
    errors += dashboard.failures
    lost = rows < confirmations or rows - confirmations > unanswered
    print(f"soak: errors {errors} (dashboard failures {dashboard.failures}); rows written {rows}, confirmations "
          f"{confirmations}, unanswered when wrk stopped {unanswered}: {'lost or extra rows' if lost else 'match'}")
    return errors == 0 and not lost and purge is not None and purge.returncode == 0


def main():
    with bench_load.BenchStack(FAST_WORKERS).running() as stack:
        ok = soak(stack)
    print(f"soak: {'1 passed, 0 failed' if ok else '0 passed, 1 failed'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
