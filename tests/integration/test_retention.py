"""Retention: `vaora purge` with the settable clock moved 31 days on. Hà Nội's shard (s1, 30
days) drops the day's partition of checkins and of the two presence tables, and the keys of
server-timed check-ins; Hồ Chí Minh's shard (s2, 45 days in the test stack) keeps the same day
untouched, and Cao Bằng (also on s1) keeps its next day. People without check-ins whose card
ran out go, a valid card keeps its holder; the report lists the counts; a second purge removes
nothing; a dry run changes nothing."""
import os
import re
import time

import fixtures
from harness import Browser, check, logged_in, poll
from test_checkins import Api, set_clock

DAY = 24 * 3600
# Vietnam is UTC+07:00 all year.
VN_OFFSET = 7 * 3600
# The test's day lies beyond every day earlier tests used (real time), so its partitions are
# its own; purges there drop those earlier days, which later tests do not need.
DAYS_AHEAD = 40
RETENTION_S1 = 30
# The tables partitioned by day, which a purge drops a day of together.
DAY_TABLES = ("checkins", "day_presence", "area_day_presence")
# The counters' folder fills the presence tables within seconds (schema/025); loose, for a shared
# machine.
FOLDED_SECONDS = 60
PURGE_LINE = re.compile(r"^(\d\d) \S+: (?:would remove )?checkins (\d+)(?: \((\d+) day partitions through (\S+)\))?,"
                        r" checkin_keys (\d+), people (\d+), sessions (\d+), login_throttle (\d+),"
                        r" day_presence (\d+), area_day_presence (\d+), desk_lookups (\d+)$", re.M)


def vn_day(seconds):
    return time.strftime("%Y-%m-%d", time.gmtime(seconds + VN_OFFSET))


def partitions(stack, database, table="checkins"):
    return set(fixtures.sql(stack, "SELECT PARTITION_NAME FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA ="
                                   f" '{database}' AND TABLE_NAME = '{table}'").split())


def count(stack, database, table, where):
    return int(fixtures.sql(stack, f"SELECT COUNT(*) FROM {database}.{table} WHERE {where}"))


def purge(stack, *args):
    """The purge's report lines by province code: (checkins, partitions, through, keys, people,
    sessions, login_throttle, day_presence, area_day_presence, desk_lookups)."""
    r = stack.vaora("purge", *args, env={"VAORA_CLOCK_FILE": stack.clock_file})
    check(r.returncode == 0, r.stderr)
    return {m[0]: (int(m[1]), int(m[2] or 0), m[3] or "", *map(int, m[4:])) for m in PURGE_LINE.findall(
        r.stdout.decode())}


def snapshot(stack):
    """Everything a purge could change, for "nothing changed"."""
    tables = ("checkins", "checkin_keys", "people", "sessions", "login_throttle", "day_presence", "area_day_presence",
              "desk_lookups", "deletion_reports", "audit_log")
    return {(db, t): count(stack, db, t, "1") for db in ("vaora_s1", "vaora_s2") for t in tables} | {
        (db, t): partitions(stack, db, t) for db in ("vaora_s1", "vaora_s2") for t in DAY_TABLES}


def add_person_at(stack, at, name, phone):
    """A person made by the command line with the clock at `at` (their card issued then): their
    id and card code."""
    set_clock(stack, at)
    r = stack.vaora("people", "add", "--province", "01", "--name", name, "--phone", phone,
                    env={"VAORA_CLOCK_FILE": stack.clock_file})
    check(r.returncode == 0, r.stderr)
    m = re.search(rb"person (\d+) added .*, card ([A-Z2-7]+)", r.stdout)
    return int(m.group(1)), m.group(2).decode()


def day_rows(stack, database, province, day):
    """Rows of one province's day in each day-partitioned table."""
    return tuple(count(stack, database, t, f"province = '{province}' AND day = '{day}'") for t in DAY_TABLES)


def add_checkin_rows(stack, province, venue, person, day):
    """A check-in written straight into the table (its trigger queues it for the counters' folder,
    which fills the presence tables)."""
    fixtures.sql(stack, "INSERT INTO vaora_s1.checkins (province, day, venue_id, person_id, direction, method, answers,"
                        " amber, form_version, pressed_at, received_at, check_code, idem_key) VALUES"
                        f" ('{province}', '{day}', {venue}, {person}, 'in', 'self', '{{}}', 0, 1,"
                        f" TIMESTAMP '{day} 05:00:00', TIMESTAMP '{day} 05:00:00', 'ACDE', UNHEX(MD5(RAND())))")


def test_purge_drops_the_expired_day_and_keeps_the_neighbours(stack):
    hanoi = Api(stack)
    _, otp = fixtures.add_account(stack, "79", "province-admin", "hcm.retention.admin")
    hcm_admin = fixtures.login_with_new_password(stack, "ho-chi-minh", "hcm.retention.admin", otp)
    hcm = Api(stack, hcm_admin, "ho-chi-minh", "79", "26734")
    # Noon in Vietnam of day D.
    noon = ((int(time.time()) + VN_OFFSET) // DAY + DAYS_AHEAD) * DAY - VN_OFFSET + 12 * 3600
    day = vn_day(noon)
    partition = "p" + day.replace("-", "")
    later = noon + (RETENTION_S1 + 1) * DAY
    next_day = vn_day(noon + DAY)
    # Phones send the time the button was pressed: their keys go in the check-in rows.
    pressed = str((noon - 60) * 1000)
    try:
        set_clock(stack, noon)
        purge(stack)
        for table in DAY_TABLES:
            check(partition in partitions(stack, "vaora_s1", table) and partition in partitions(stack, "vaora_s2", table),
                  f"the purge made no partition for the day in {table}")
        old_card, _ = add_person_at(stack, noon - 400 * DAY, "Lê Văn Thẻ Cũ", "0912 700 001")
        old_card_visitor, visitor_card = add_person_at(stack, noon - 400 * DAY, "Phạm Thị Khách Cũ", "0912 700 002")
        set_clock(stack, noon)
        r, fresh = hanoi.post(person={"full_name": "Đỗ Văn Thẻ Mới", "phone": "0912 700 003"}, pressed_at_ms=pressed)
        check(r.status == 201, (r.status, fresh))
        fresh_person = int(fixtures.sql(stack, f"SELECT person_id FROM vaora_s1.checkins WHERE id = {fresh['id']}"))
        # A kiosk that sends no time: checked in at the server's time, its key in checkin_keys.
        r, body = hanoi.post(card=visitor_card, person=None)
        check(r.status == 201, (r.status, body))
        check(count(stack, "vaora_s1", "checkins", f"province = '01' AND day = '{day}' AND idem_key IS NOT NULL") == 1
              and count(stack, "vaora_s1", "checkin_keys", f"province = '01' AND checkin_day = '{day}'") == 1,
              "where the keys went")
        r, neighbour = hcm.post(person={"full_name": "Võ Thị Sài Gòn", "phone": "0912 700 004"}, pressed_at_ms=pressed)
        check(r.status == 201, (r.status, neighbour))
        # Cao Bằng shares Hà Nội's shard: its day D goes with Hà Nội's, its next day stays.
        cao_bang = fixtures.add_venue(stack, "04", "Chợ Cao Bằng", "00001")
        add_checkin_rows(stack, "04", cao_bang, 900001, day)
        add_checkin_rows(stack, "04", cao_bang, 900002, next_day)
        # A session and a failed login of day D, both long over a month later.
        logged_in(stack, "hn.officer")
        Browser(stack).login("hn.officer", "not-the-password")
        # A desk's look-up count of day D goes with the day; one of the next day stays.
        for at in (noon, noon + DAY):
            fixtures.sql(stack, "INSERT INTO vaora_s1.desk_lookups (province, at, account_id, venue_id, refused)"
                                f" VALUES ('01', '{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(at))}', 1, 1, 0)")
        # Presence rows are the counters' folder's, within seconds of the check-ins (schema/025).
        poll(lambda: day_rows(stack, "vaora_s2", "79", day) == (1, 1, 1)
             and day_rows(stack, "vaora_s1", "01", day) == (2, 2, 2)
             and day_rows(stack, "vaora_s1", "04", next_day) == (1, 1, 1), FOLDED_SECONDS)
        hcm_rows = day_rows(stack, "vaora_s2", "79", day)
        check(hcm_rows == (1, 1, 1), hcm_rows)
        check(day_rows(stack, "vaora_s1", "01", day) == (2, 2, 2), "Hà Nội's rows")
        cao_bang_next = day_rows(stack, "vaora_s1", "04", next_day)
        check(cao_bang_next == (1, 1, 1), cao_bang_next)

        set_clock(stack, later)
        before = snapshot(stack)
        dry = purge(stack, "--dry-run")
        # Hà Nội's two check-ins and who was present (two people, one commune) by partition;
        # the server-timed check-in's key, long past any retry; the two people.
        check(dry["01"][:3] == (2, RETENTION_S1 + 1, day) and dry["01"][3:5] == (1, 2) and dry["01"][7:9] == (2, 2)
              and dry["01"][9] >= 1,
              dry.get("01"))
        check(dry["04"][:3] == (1, RETENTION_S1 + 1, day) and dry["04"][7:9] == (1, 1), dry.get("04"))
        check(snapshot(stack) == before, "a dry run changed something")

        done = purge(stack)
        check(done["01"][:5] == dry["01"][:5] and done["01"][7:] == dry["01"][7:], (dry["01"], done["01"]))
        check(done["01"][5] >= 1 and done["01"][6] >= 1, ("sessions and login counts", done["01"]))
        check(done["04"][:5] == dry["04"][:5] and done["04"][7:] == dry["04"][7:], (dry["04"], done["04"]))
        for table in DAY_TABLES:
            check(partition not in partitions(stack, "vaora_s1", table), f"the expired day of {table} is still listed")
            check(partition in partitions(stack, "vaora_s2", table), f"the other shard lost its day of {table}")
            check(count(stack, "vaora_s1", table, f"day <= '{day}'") == 0, f"{table} rows of the day are left")
        kept = {t: partitions(stack, "vaora_s1", t) for t in DAY_TABLES}
        check(kept["day_presence"] == kept["area_day_presence"] == kept["checkins"], kept)
        # Hồ Chí Minh's shard drops only its days older than 45 (earlier tests' days), not day D.
        check(done["79"][2] < day, done["79"])
        check(day_rows(stack, "vaora_s2", "79", day) == hcm_rows, "the neighbour's day changed")
        check(count(stack, "vaora_s2", "checkins", f"province = '79' AND day = '{day}' AND idem_key IS NOT NULL") == 1,
              "the neighbour's key went")
        check(day_rows(stack, "vaora_s1", "04", next_day) == cao_bang_next, "the next day on the same shard changed")
        check(count(stack, "vaora_s1", "checkin_keys", f"province = '01' AND checkin_day <= '{day}'") == 0,
              "the server-timed key is left")
        utc = lambda at: time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(at))
        check(count(stack, "vaora_s1", "desk_lookups", f"province = '01' AND at = '{utc(noon)}'") == 0
              and count(stack, "vaora_s1", "desk_lookups", f"province = '01' AND at = '{utc(noon + DAY)}'") == 1,
              "a desk's look-up count of the day is left, or the next day's went")
        people = set(fixtures.sql(stack, "SELECT id FROM vaora_s1.people WHERE province = '01' AND id IN"
                                         f" ({old_card}, {old_card_visitor}, {fresh_person})").split())
        check(people == {str(fresh_person)}, ("a valid card keeps only its holder", people))

        admin = logged_in(stack, "hn.admin")
        page = admin.get("/ha-noi/deletions")
        check(page.status == 200, page.status)
        newest = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page.text, re.S).group(1)
        cells = re.findall(r"<td>(.*?)</td>", newest)
        check(cells[1] == "2" and day in cells[2] and cells[4] == "2", cells)
        reports = fixtures.sql(stack, "SELECT table_name, rows_removed FROM vaora_s1.deletion_reports WHERE"
                                      " province = '01' AND run_at = (SELECT MAX(run_at) FROM vaora_s1.deletion_reports)"
                                      " ORDER BY id")
        check(reports.split("\n") == ["checkins\t2", "checkin_keys\t1", "people\t2", f"sessions\t{done['01'][5]}",
                                      f"login_throttle\t{done['01'][6]}", "day_presence\t2", "area_day_presence\t2",
                                      f"desk_lookups\t{done['01'][9]}"],
              reports)
        audit = fixtures.sql(stack, "SELECT detail FROM vaora_s1.audit_log WHERE province = '01' AND"
                                    " action = 'retention-purge' ORDER BY id DESC LIMIT 1")
        check(audit.startswith("checkins 2 ("), audit)

        again = purge(stack)
        check(again["01"] == (0, 0, "", 0, 0, 0, 0, 0, 0, 0), ("the second purge removed more", again["01"]))
        check({t: partitions(stack, "vaora_s1", t) for t in DAY_TABLES} == kept,
              "the second purge changed the partitions")
    finally:
        os.remove(stack.clock_file)


def test_privacy_notice_states_the_settings(stack):
    hanoi = Api(stack)
    page = stack.get(f"/ha-noi/c/{hanoi.code}?new=1").text
    check(f"xóa sau {RETENTION_S1} ngày" in page and "trong 365 ngày" in page, "the notice's numbers")
    _, otp = fixtures.add_account(stack, "79", "province-admin", "hcm.notice.admin")
    hcm = Api(stack, fixtures.login_with_new_password(stack, "ho-chi-minh", "hcm.notice.admin", otp), "ho-chi-minh",
              "79", "26734")
    check("xóa sau 45 ngày" in stack.get(f"/ho-chi-minh/c/{hcm.code}?new=1").text, "the other shard's retention")
