"""Drill: Hà Nội (01) moves from shard s1 to s2 under check-in load (`vaora province move`).

Clients keep checking in through the move and retry each check-in with its own key until
confirmed (as the phone's queue does); while the move takes its last copy they get vaora's 503
with Retry-After. The move is killed (kill -9) after its first pass and finished with --resume.
Afterwards every confirmed check-in must be on s2 once (lost 0, doubled 0),
nothing of 01 left on s1 (the counters' queue included), and the province must work from s2: a
venue's poster code, a person's encrypted details read back through vaora, the dashboard's
counters (equal to a recount of s2's check-ins once s2's folder folded), the audit log, a session
made before the move. Both shards keep check-ins 30 days here (a move between shards of other
retentions is refused: tests/integration/test_province_move.py). Prints `acknowledged N, lost L,
doubled D, stall S s` and the pause, and exits 1 on any failure.

    python3 tests/faults/province_move.py [--short | SECONDS_BEFORE_MOVE [SECONDS_AFTER_MOVE]]
"""
import os
import re
import subprocess
import sys
import time

import drill
import bench_load
import fixtures
from harness import logged_in, poll

FAST_WORKERS = "8"
# A bound on the resumed move, not a target: its passes take as long as the load they chase and
# the machine allow (1-6 s each on a quiet machine; 15-60 s each with the shared 2-core machine
# at load average 25-35).
MOVE_SECONDS = 600
# Loose bound for s2's counters' folder (it folds every second) on a busy machine.
FOLDED_SECONDS = 60
PERSON_PHONE = "0912000016"
PERSON_NAME = "Trần Thị Chuyển"
# Tables checked empty of 01 on the old shard afterwards (the move itself checks all of them).
OLD_SHARD_TABLES = ("checkins", "checkin_keys", "people", "venues", "accounts", "sessions", "audit_log",
                    "checkins_uncounted", "venue_day_counts", "area_day_counts", "day_presence", "areas")


class SameRetentionStack(bench_load.BenchStack):
    """The release stack with s2 keeping check-ins 30 days, as s1 does."""

    def env(self):
        e = super().env()
        e["VAORA_S2_RETENTION_DAYS"] = "30"
        return e


def failed(what):
    print(f"drill province-move: FAILED: {what}")
    return False


def run(before_move, after_move):
    with SameRetentionStack(FAST_WORKERS).running() as stack:
        load = drill.Load(stack)
        admin = logged_in(stack, "hn.admin")
        code = fixtures.venue_code(admin, load.venues[0])
        added = stack.vaora("people", "add", "--province", "01", "--name", PERSON_NAME, "--phone", PERSON_PHONE)
        if added.returncode != 0:
            return failed(f"people add: {added.stderr.decode()}")
        load.start()
        time.sleep(before_move)
        # The first move is killed after its first pass; a new one is refused while it is
        # recorded, and --resume finishes it.
        first = subprocess.Popen([stack.binary, "-c", os.path.join(stack.var, "vaora.conf"), "province", "move",
                                  "--province", "01", "--to", "s2"], stdout=subprocess.PIPE, text=True)
        line = first.stdout.readline()
        print(f"killed after: {line}", end="")
        first.kill()
        first.wait()
        again = stack.vaora("province", "move", "--province", "01", "--to", "s2")
        if again.returncode != 1 or b"is under way: --resume or --abort it" not in again.stderr:
            return failed(f"a second move while one is recorded: {again.returncode} {again.stderr.decode()}")
        moved = subprocess.Popen([stack.binary, "-c", os.path.join(stack.var, "vaora.conf"), "province", "move",
                                  "--province", "01", "--resume"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        try:
            out, err = moved.communicate(timeout=MOVE_SECONDS)
        except subprocess.TimeoutExpired:
            moved.kill()
            out, err = moved.communicate()
            print(out, end="")
            load.stop()
            return failed(f"the move took longer than {MOVE_SECONDS} s (its passes above)")
        print(out, end="")
        time.sleep(after_move)
        load.stop()
        if moved.returncode != 0 or not line.startswith("pass 1:"):
            return failed(f"the move: {err}")
        held = float(re.search(r"requests held ([0-9.]+) s", out).group(1))
        refusals = load.refusals()
        ok = drill.report("province-move", load, f"01 moved s1 -> s2, requests held {held:.1f} s; "
                          f"{refusals.get('503+Retry-After', 0)} answers 503 with Retry-After during the pause",
                          database="vaora_s2")

        left = {t: int(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.{t} WHERE province = '01'"))
                for t in OLD_SHARD_TABLES}
        if any(left.values()):
            ok = failed(f"rows of 01 left on s1: {left}")
        poster = stack.get(f"/ha-noi/c/{code}")
        if poster.status != 200 or "Điểm thử lỗi" not in poster.text:
            ok = failed(f"the moved venue's poster code answers {poster.status}")
        shown = stack.vaora("people", "show", "--province", "01", "--phone", PERSON_PHONE)
        if shown.returncode != 0 or PERSON_NAME not in shown.stdout.decode():
            ok = failed(f"the moved person does not read back: {shown.stdout.decode()} {shown.stderr.decode()}")
        # s2's counters' folder folds the last check-ins queued there (it folds every second);
        # then every counter of 01 on s2 equals a recount of s2's check-ins, and nothing is queued.
        poll(lambda: not fixtures.counter_differences(stack, "vaora_s2", "01"), FOLDED_SECONDS)
        differences = fixtures.counter_differences(stack, "vaora_s2", "01")
        if differences:
            ok = failed(f"s2's counters against a recount of its check-ins: {differences}")
        where = load.where()
        counted = fixtures.sql(stack, f"SELECT COALESCE(SUM(scans), 0) FROM vaora_s2.venue_day_counts WHERE {where}")
        rows = fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s2.checkins WHERE {where}")
        # The admin's session was made on s1 before the move.
        dashboard = admin.get("/ha-noi/dashboard")
        if dashboard.status != 200:
            ok = failed(f"the dashboard answers {dashboard.status} to a session made before the move")
        actions = fixtures.sql(stack, "SELECT DISTINCT action FROM vaora_s2.audit_log WHERE province = '01'").split()
        if "token-create" not in actions or "province-move" not in actions:
            ok = failed(f"the audit log on s2 lacks the entries from before or of the move: {actions}")
        print(f"drill province-move: poster {poster.status}, person read back "
              f"{'yes' if PERSON_NAME in shown.stdout.decode() else 'no'}, venue counted {counted} = rows {rows},"
              f" dashboard {dashboard.status}, audit on s2 {'ok' if 'province-move' in actions else 'missing'},"
              f" rows of 01 left on s1 {sum(left.values())}")
        return ok and refusals.get("503+Retry-After", 0) > 0


if __name__ == "__main__":
    sys.exit(0 if run(*drill.seconds_from_argv()) else 1)
