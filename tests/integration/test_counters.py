"""The dashboard counters off the check-in's transaction (issue #14 point 3, schema/025): check-ins
queue their counting and the counters' folder folds the queue. Under load, with kill -9 of the
folder and of MariaDB in the middle, the counters and presence rows of a commune of their own end
equal to a recount from the checkins rows, folded by the folder alone (no dashboard read), and
the dashboard reads the same."""
import os
import re
import signal
import sys
import time

import fixtures
from harness import check, logged_in, poll

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "faults"))
import drill  # noqa: E402

AREA = "99902"
AREA_NAME = "Phường Đếm Lại"
CLIENTS = 4
# Loose bounds: a correctness test on a shared machine (the 5 s of the issue is a figure of
# `make bench`, not an assertion here).
LOAD_SECONDS = 2.0
RESPAWN_SECONDS = 30
FOLDED_SECONDS = 60


def rows(stack, statement):
    return sorted(fixtures.sql(stack, statement).splitlines())


def counted(stack, venue):
    """What the counters hold for the venue, its commune and its visitors, each beside the same
    figures recounted from checkins: (name, counters, recount)."""
    scope = f"c.province = '01' AND c.venue_id = {venue}"
    visitors = f"SELECT person_id FROM vaora_s1.checkins c WHERE {scope}"
    return [
        ("venue days",
         rows(stack, f"SELECT day, scans, ins, outs FROM vaora_s1.venue_day_counts WHERE province = '01'"
                     f" AND venue_id = {venue}"),
         rows(stack, f"SELECT day, COUNT(*), SUM(direction = 'in'), SUM(direction <> 'in') FROM vaora_s1.checkins c"
                     f" WHERE {scope} GROUP BY day")),
        ("commune days",
         rows(stack, f"SELECT day, SUM(scans), SUM(api_scans), SUM(ins), SUM(outs), SUM(active_venues), SUM(people)"
                     f" FROM vaora_s1.area_day_counts WHERE province = '01' AND area_code = '{AREA}' GROUP BY day"),
         rows(stack, f"SELECT c.day, COUNT(*), SUM(c.method = 'api'), SUM(c.direction = 'in'),"
                     f" SUM(c.direction <> 'in'), COUNT(DISTINCT c.venue_id), COUNT(DISTINCT c.person_id)"
                     f" FROM vaora_s1.checkins c JOIN vaora_s1.venues v ON v.province = c.province AND v.id = c.venue_id"
                     f" WHERE c.province = '01' AND v.area_code = '{AREA}' GROUP BY c.day")),
        ("presence",
         rows(stack, f"SELECT day, person_id, scans FROM vaora_s1.day_presence WHERE province = '01'"
                     f" AND person_id IN ({visitors})"),
         rows(stack, f"SELECT day, person_id, COUNT(*) FROM vaora_s1.checkins WHERE province = '01'"
                     f" AND person_id IN ({visitors}) GROUP BY day, person_id")),
        ("commune presence",
         rows(stack, f"SELECT day, person_id, scans FROM vaora_s1.area_day_presence WHERE province = '01'"
                     f" AND area_code = '{AREA}'"),
         rows(stack, f"SELECT c.day, c.person_id, COUNT(*) FROM vaora_s1.checkins c JOIN vaora_s1.venues v"
                     f" ON v.province = c.province AND v.id = c.venue_id WHERE c.province = '01'"
                     f" AND v.area_code = '{AREA}' GROUP BY c.day, c.person_id")),
        ("venue's last scan day",
         rows(stack, f"SELECT last_scan_day FROM vaora_s1.venues WHERE province = '01' AND id = {venue}"),
         rows(stack, f"SELECT MAX(day) FROM vaora_s1.checkins c WHERE {scope}")),
        ("visitors' last check-in day",
         rows(stack, f"SELECT id, last_checkin_day FROM vaora_s1.people WHERE province = '01' AND id IN ({visitors})"),
         rows(stack, f"SELECT person_id, MAX(day) FROM vaora_s1.checkins WHERE province = '01'"
                     f" AND person_id IN ({visitors}) GROUP BY person_id")),
    ]


def differences(stack, venue):
    return [(name, got[:3], want[:3]) for name, got, want in counted(stack, venue) if got != want]


def test_counters_equal_a_recount_after_kill_9_of_the_folder_and_of_mariadb_mid_load(stack):
    areas = os.path.join(stack.dir, "counters-areas.csv")
    with open(areas, "w", encoding="utf-8") as f:
        f.write(f"code,name\n{AREA},{AREA_NAME}\n")
    r = stack.vaora("areas", "import", "--province", "ha-noi", areas)
    check(r.returncode == 0, r.stderr)
    admin = logged_in(stack, "hn.admin")
    venue = fixtures.add_venue(stack, "01", "Quầy đếm lại", AREA, verified=True)
    r = admin.post_form("/ha-noi/api-tokens", {"label": "Counters kiosk", "role": "volunteer"})
    token = re.search(r'id="new-token">([^<]+)<', r.text).group(1)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    codes = [fixtures.venue_code(admin, venue)]
    clients = [drill.RetryingClient(stack, headers, codes, 90 + n) for n in range(CLIENTS)]
    for c in clients:
        c.start()
    try:
        time.sleep(LOAD_SECONDS)
        folder = fixtures.folder_pid(stack)
        check(folder, "no counters' folder among the workers")
        os.kill(folder, signal.SIGKILL)
        check(poll(lambda: fixtures.folder_pid(stack) not in (None, folder), RESPAWN_SECONDS) is not None,
              "the folder was not replaced")
        time.sleep(LOAD_SECONDS)
        db = stack.pid("mariadb")
        os.kill(db, signal.SIGKILL)
        poll(lambda: not os.path.exists(f"/proc/{db}"), RESPAWN_SECONDS)
        started = stack.stack("start")
        check(started.returncode == 0, started.stdout)
        time.sleep(LOAD_SECONDS)
    finally:
        for c in clients:
            c.stop()
    confirmed = sum(len(c.confirmed) for c in clients)
    check(confirmed > CLIENTS, f"only {confirmed} check-ins confirmed under the load")
    # The folder alone brings the counters to the recount: nothing here reads the dashboard.
    poll(lambda: not differences(stack, venue), FOLDED_SECONDS)
    check(not differences(stack, venue), differences(stack, venue))
    queued = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins_uncounted WHERE province = '01'")
    check(queued == "0", f"{queued} check-ins still queued")
    scans = int(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01' AND venue_id = {venue}"))
    check(scans >= confirmed, (scans, confirmed))
    page = logged_in(stack, "hn.admin").get(f"/ha-noi/dashboard?area={AREA}").text
    today = [cells for cells in re.findall(r'<tr><th scope="row">\d{4}-\d\d-\d\d</th><td>(\d+)</td>', page)]
    check(sum(map(int, today)) == scans, (today, scans))


def test_a_fold_with_nothing_queued_makes_no_temporary_table(stack):
    """Issue #14 (schema/026): the folder folds every province each second; a province with
    nothing queued makes no temporary table (each one made MariaDB reload the stored procedures
    of every other connection, the check-ins' among them). Folding itself is the other tests'."""
    def temporary_tables(statement):
        count = "SHOW GLOBAL STATUS LIKE 'Com_create_temporary_table'"
        out = fixtures.sql(stack, f"{count}; {statement}; {count}").splitlines()
        return int(out[-1].split("\t")[1]) - int(out[0].split("\t")[1])

    with fixtures.folder_paused(stack):
        fixtures.sql(stack, "CALL vaora_s1.counters_fold('01', 5000, 1)")
        check(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins_uncounted WHERE province = '01'") == "0",
              "the queue is not empty after a fold")
        idle = temporary_tables("CALL vaora_s1.counters_fold('01', 5000, 0)")
        reader = temporary_tables("CALL vaora_s1.counters_fold('01', 5000, 1)")
    check(idle == 0 and reader == 0, f"temporary tables made by folds of an empty queue: {idle}, {reader}")
