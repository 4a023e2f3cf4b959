"""Fault drill: kill -9 of the shard's MariaDB under check-in load, then its restart.

Clients post new people's check-ins through the JSON API, each with its own idempotency key,
and retry the same key (as the phone's queue does) until they get a confirmation. Afterwards
every confirmed check-in must be in the database (lost 0) and each key must have made one
row (doubled 0). Prints `acknowledged N, lost L, doubled D, stall S s` and exits 1 unless both
are 0. Run by `make drills` on the release build, against a throw-away stack.

    python3 tests/faults/checkin_crash.py [SECONDS_BEFORE_KILL] [SECONDS_AFTER_RESTART]
"""
import json
import os
import re
import signal
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))

import bench_load  # noqa: E402
import fixtures  # noqa: E402
from harness import logged_in, poll  # noqa: E402
from test_checkins import NO  # noqa: E402

CLIENTS = 8
FAST_WORKERS = "8"
# A retried request waits this long; a confirmation must come within RETRY_SECONDS of the first
# try once the database is back, or the drill fails (no hang).
RETRY_PAUSE = 0.2
RETRY_SECONDS = 120


class Client(threading.Thread):
    """Posts check-ins with fresh keys, each retried with its key until confirmed."""

    def __init__(self, stack, headers, code, n):
        super().__init__(daemon=True)
        self.stack, self.headers, self.code, self.n = stack, headers, code, n
        self.running = True
        self.confirmed = {}  # key -> check-in id
        self.errors = 0
        self.longest_wait = 0.0

    def post_until_confirmed(self, key, i):
        body = json.dumps({"venue": self.code, "direction": "in", "key": key, "consent": True, "answers": NO,
                           "person": {"full_name": f"Người Thử Lỗi {self.n} {i}",
                                      "phone": f"09{self.n:02d}{i:06d}", "birth_year": 1980}})
        first = time.monotonic()
        while time.monotonic() - first < RETRY_SECONDS:
            try:
                r = self.stack.post("/ha-noi/api/v1/checkins", body, headers=self.headers, timeout=30)
                if r.status in (200, 201):
                    self.longest_wait = max(self.longest_wait, time.monotonic() - first)
                    return json.loads(r.body)["id"]
                self.errors += 1
            except Exception:  # a reset connection is an unanswered request: try again
                self.errors += 1
            time.sleep(RETRY_PAUSE)
        raise RuntimeError(f"no confirmation for {key} in {RETRY_SECONDS} s")

    def run(self):
        i = 0
        while self.running:
            key = uuid.uuid4().hex
            self.confirmed[key] = self.post_until_confirmed(key, i)
            i += 1

    def stop(self):
        self.running = False
        self.join(RETRY_SECONDS + 30)


def drill(before_kill, after_restart):
    with bench_load.BenchStack(FAST_WORKERS).running() as stack:
        admin = logged_in(stack, "hn.admin")
        r = admin.post_form("/ha-noi/api-tokens", {"label": "Drill", "role": "volunteer"})
        token = re.search(r'id="new-token">([^<]+)<', r.text).group(1)
        headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        venue = fixtures.add_venue(stack, "01", "Điểm thử lỗi", "00070", verified=True)
        code = fixtures.venue_code(admin, venue)
        clients = [Client(stack, headers, code, n) for n in range(CLIENTS)]
        for c in clients:
            c.start()
        time.sleep(before_kill)
        db_pid = stack.pid("mariadb")
        os.kill(db_pid, signal.SIGKILL)
        killed = time.monotonic()
        poll(lambda: not os.path.exists(f"/proc/{db_pid}"), 30)
        started = stack.stack("start")
        if started.returncode != 0:
            raise RuntimeError(f"the stack did not start again: {started.stdout}")
        back = time.monotonic() - killed
        time.sleep(after_restart)
        for c in clients:
            c.stop()
        confirmed = {k: v for c in clients for k, v in c.confirmed.items()}
        ids = sorted(set(confirmed.values()))
        present = set()
        for start in range(0, len(ids), 1000):
            chunk = ",".join(str(i) for i in ids[start:start + 1000])
            present |= set(fixtures.sql(stack, f"SELECT id FROM vaora_s1.checkins WHERE province = '01'"
                                               f" AND venue_id = {venue} AND id IN ({chunk})").split())
        rows = int(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01'"
                                       f" AND venue_id = {venue}"))
        lost = len(ids) - len(present)
        # Every key was confirmed (clients retry until they are): one row each, no more.
        doubled = rows - len(confirmed)
        stall = max(c.longest_wait for c in clients)
        print(f"drill checkin-crash: acknowledged {len(confirmed)}, lost {lost}, doubled {doubled}, "
              f"stall {stall:.1f} s (MariaDB killed and started again in {back:.1f} s; "
              f"{sum(c.errors for c in clients)} refused or unanswered tries, all retried)")
        return lost == 0 and doubled == 0 and len(ids) == len(confirmed)


if __name__ == "__main__":
    args = [float(a) for a in sys.argv[1:3]]
    sys.exit(0 if drill(*(args + [5.0, 5.0][len(args):])) else 1)
