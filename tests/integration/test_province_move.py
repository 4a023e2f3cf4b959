"""Moving a province between shards, the parts the shared stack can show without moving one:
a move between shards of different retention is refused and changes nothing, --resume and
--abort need a move under way, an unknown shard is refused, and a province whose move holds its
requests is answered 503 with a short Retry-After by every worker (they re-read the routing at
most a second apart), then served again. A move under load, on a stack of its own whose two shards
keep check-ins alike, ends with the new shard's dashboard counters equal to a recount of its
check-ins, folded by the new shard's folder. The move's drill (killed midway, resumed, counted)
is tests/faults/province_move.py (`make drills`)."""
import os
import re
import subprocess
import sys
import time

import fixtures
import harness
from harness import check, logged_in, poll

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "faults"))
import drill  # noqa: E402

# Workers re-read province_shards at most a second apart (ROUTING_REFRESH_MS); loose for a
# busy machine.
ROUTING_SECONDS = 10
# ROUTING_REFRESH_MS, and a little more.
ROUTING_REFRESH_SECONDS = 1.2
# Requests after the pause, enough to reach every worker of the test stack (4) behind nginx.
ANSWERS_AFTER = 20
# Check-ins before the move and after its switch (then on the new shard, for its folder).
LOAD_SECONDS = 3.0
# Loose bound for the new shard's folder (it folds every second) on a busy machine.
FOLDED_SECONDS = 60
# Tables of the dashboard's counters and its queue: none may keep a row of the moved province on
# the old shard.
COUNTER_TABLES = ("checkins_uncounted", "venue_day_counts", "area_day_counts", "area_hour_counts",
                  "province_day_people", "day_presence", "area_day_presence")


class SameRetentionStack(harness.Stack):
    """A test stack of its own whose s2 keeps check-ins 30 days, as s1 does: a move needs that
    (the shared stack's s2 keeps them 45, and its other modules count on Hà Nội staying on s1)."""

    def env(self):
        e = super().env()
        e["VAORA_S2_RETENTION_DAYS"] = "30"
        return e


def moves_recorded(stack):
    return fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.province_moves") + "/" + \
        fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.province_shards")


def test_a_move_to_a_shard_that_keeps_check_ins_longer_is_refused_and_changes_nothing(stack):
    before = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s2.venues WHERE province = '01'")
    r = stack.vaora("province", "move", "--province", "01", "--to", "s2")
    err = r.stderr.decode()
    check(r.returncode == 1, f"exit {r.returncode}: {err}")
    check("shard s2 keeps check-ins 45 days, province 01 keeps them 30 days" in err and "retention_days" in err, err)
    check(moves_recorded(stack) == "0/0", moves_recorded(stack))
    check(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s2.venues WHERE province = '01'") == before == "0", before)


def test_resume_and_abort_without_a_move_under_way_are_refused(stack):
    for flag in ("--resume", "--abort"):
        r = stack.vaora("province", "move", "--province", "ha-noi", flag)
        check(r.returncode == 1 and "no move of 01 is under way" in r.stderr.decode(), r.stderr.decode())


def test_a_move_to_a_shard_vaora_conf_lacks_is_refused(stack):
    r = stack.vaora("province", "move", "--province", "01", "--to", "s9")
    check(r.returncode == 1 and "--to must name a shard" in r.stderr.decode(), r.stderr.decode())
    r = stack.vaora("province", "move", "--province", "01")
    check(r.returncode == 2, f"without --to: exit {r.returncode}")


def test_requests_of_a_province_whose_move_holds_them_get_503_with_a_short_retry_after_then_are_served(stack):
    held = {}

    def answer():
        r = stack.get("/ha-noi/")
        held["status"], held["retry"], held["text"] = r.status, r.header("Retry-After"), r.text
        return r

    fixtures.sql(stack, "INSERT INTO vaora_s1.province_shards (province, shard, writes_paused, changed_at)"
                        " VALUES ('01', 's1', 1, '2026-01-01')")
    try:
        check(poll(lambda: answer().status == 503, ROUTING_SECONDS) is not None, f"still {held}")
        check(held["retry"] == "2", f"Retry-After {held['retry']}")
        check("đang được chuyển sang máy chủ dữ liệu khác" in held["text"], held["text"][:300])
        # Another province is not held.
        check(stack.get("/ho-chi-minh/").status == 200, "Hồ Chí Minh held too")
    finally:
        fixtures.sql(stack, "DELETE FROM vaora_s1.province_shards WHERE province = '01'")
        # A worker that read the pause less than a second ago answers from it until its next
        # read: past that second, every worker serves the province again.
        time.sleep(ROUTING_REFRESH_SECONDS)
    statuses = [answer().status for _ in range(ANSWERS_AFTER)]
    check(statuses == [200] * ANSWERS_AFTER, f"after the pause: {statuses}")


def test_the_audit_log_refuses_deletes_marked_for_another_province(stack):
    r = subprocess.run(["mariadb", f"--defaults-file={stack.var}/my.cnf", "-u", "root", "-e",
                        "SET @vaora_province_move = '79'; DELETE FROM vaora_s1.audit_log WHERE province = '01'"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(r.returncode != 0 and b"append-only" in r.stderr, f"allowed: {r.stderr}")


def test_abort_removes_the_copies_and_lets_the_province_serve_where_it_is(stack):
    # A move of 01 to s2 stopped in its pause, with a copied row on s2 (as a crash leaves it).
    fixtures.sql(stack, "INSERT INTO vaora_s1.province_moves (province, from_shard, to_shard, phase, started_at)"
                        " VALUES ('01', 's1', 's2', 'copying', '2026-01-01');"
                        " INSERT INTO vaora_s1.province_shards (province, shard, writes_paused, changed_at)"
                        " VALUES ('01', 's1', 1, '2026-01-01');"
                        " INSERT INTO vaora_s2.areas SELECT * FROM vaora_s1.areas WHERE province = '01' LIMIT 1")
    try:
        r = stack.vaora("province", "move", "--province", "01", "--abort")
        check(r.returncode == 0 and b"aborted: the copies of 01 are gone from s2; it stays on s1" in r.stdout,
              f"{r.stdout} {r.stderr}")
        check(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s2.areas WHERE province = '01'") == "0", "copy left")
        check(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.province_moves") == "0", "move still recorded")
        check(fixtures.sql(stack, "SELECT shard, writes_paused FROM vaora_s1.province_shards") == "s1\t0",
              "routing not back")
    finally:
        fixtures.sql(stack, "DELETE FROM vaora_s1.province_moves; DELETE FROM vaora_s1.province_shards;"
                            " DELETE FROM vaora_s2.areas WHERE province = '01'")
    time.sleep(ROUTING_REFRESH_SECONDS)
    check(stack.get("/ha-noi/").status == 200, "Hà Nội not served after the abort")


def test_after_a_move_under_load_the_new_shards_counters_equal_a_recount_of_its_check_ins(stack):
    with SameRetentionStack().running() as own:
        load = drill.Load(own)
        load.start()
        try:
            time.sleep(LOAD_SECONDS)
            moved = own.vaora("province", "move", "--province", "01", "--to", "s2")
            # Check-ins go on after the switch: s2's own, for s2's folder to fold.
            time.sleep(LOAD_SECONDS)
        finally:
            load.stop()
        check(moved.returncode == 0 and b"switched: 01 now on s2" in moved.stdout,
              f"{moved.stdout.decode()} {moved.stderr.decode()}")
        acknowledged, lost, doubled, _, hangs = load.count("vaora_s2")
        check(acknowledged > drill.CLIENTS and lost == 0 and doubled == 0 and hangs == 0,
              f"acknowledged {acknowledged}, lost {lost}, doubled {doubled}, hangs {hangs}")
        # The folder alone brings s2's counters to the recount: nothing here reads the dashboard.
        poll(lambda: not fixtures.counter_differences(own, "vaora_s2", "01"), FOLDED_SECONDS)
        differences = fixtures.counter_differences(own, "vaora_s2", "01")
        check(not differences, f"s2's counters against a recount of its check-ins: {differences}")
        left = {t: fixtures.sql(own, f"SELECT COUNT(*) FROM vaora_s1.{t} WHERE province = '01'")
                for t in ("checkins",) + COUNTER_TABLES}
        check(set(left.values()) == {"0"}, f"rows of 01 left on s1: {left}")
        scans = int(fixtures.sql(own, "SELECT COUNT(*) FROM vaora_s2.checkins WHERE province = '01'"))
        page = logged_in(own, "hn.admin").get("/ha-noi/dashboard").text
        days = re.findall(r'<tr><th scope="row">\d{4}-\d\d-\d\d</th><td>(\d+)</td>', page)
        check(sum(map(int, days)) == scans >= acknowledged, (days, scans, acknowledged))
