"""Moving a province between shards, the parts the shared stack can show without moving one:
a move between shards of different retention is refused and changes nothing, --resume and
--abort need a move under way, an unknown shard is refused, and a province whose move holds its
requests is answered 503 with a short Retry-After by every worker (they re-read the routing at
most a second apart), then served again. The move itself, under load, is the drill
tests/faults/province_move.py (`make drills`)."""
import subprocess
import time

import fixtures
from harness import check, poll

# Workers re-read province_shards at most a second apart (ROUTING_REFRESH_MS); loose for a
# busy machine.
ROUTING_SECONDS = 10
# ROUTING_REFRESH_MS, and a little more.
ROUTING_REFRESH_SECONDS = 1.2
# Requests after the pause, enough to reach every worker of the test stack (4) behind nginx.
ANSWERS_AFTER = 20


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
