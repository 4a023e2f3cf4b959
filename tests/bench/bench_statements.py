"""The `statements` part (issue #14): what MariaDB spends per one-tap check-in, by how it is
sent, from one client (one `mariadb` process reading a file of statements) so that nothing but
the statements differs: the check-in's CALL as vaora sends it (checkin_record_at, one
check-in, one transaction and one commit each); a bare INSERT of the same row (autocommit: no
checks, the floor of recording one at a time); and checkin_record_batch_people (schema/040), which
the check-in writer sends, recording BATCH_ROWS check-ins in one CALL and one transaction, and
SMALL_BATCH_ROWS, about what a batch holds under load, where its cost per batch shows.
Interleaved over ROUNDS rounds; prints MariaDB's CPU per check-in (from /proc, so other load
does not count), the wall time per check-in, each way's ratio to the CALL, and the outcomes
and rows written against what was sent. The rows are written on today's partition by the
people and venues the ceiling part makes."""
import datetime
import hashlib
import json
import os
import subprocess
import time

import bench_ceiling
import bench_load
import fixtures

PARTS = ("statements",)
# What checkin_record_at and checkin_record_batch_people answer (the other columns hold sealed bytes).
OUTCOMES = {b"recorded", b"replayed", b"already", b"person_unknown", b"consent_required", b"venue_refused"}
ROWS = int(os.environ.get("BENCH_STATEMENTS_ROWS", "2048"))
ROUNDS = int(os.environ.get("BENCH_STATEMENTS_ROUNDS", "3"))
BATCH_ROWS = int(os.environ.get("BENCH_STATEMENTS_BATCH", "64"))
# About what a batch holds under the ceiling part's one-tap load: its fixed cost shows here.
SMALL_BATCH_ROWS = int(os.environ.get("BENCH_STATEMENTS_SMALL_BATCH", "8"))
PEOPLE = 1000
VENUES = 200
# The people's check-ins of one round start this far apart, past the two-minute rule.
ROUND_GAP = datetime.timedelta(hours=1)
COLUMNS = ("province, day, venue_id, person_id, direction, method, filed_by, answers, amber, form_version, "
           "pressed_at, received_at, time_note, check_code, idem_key")
WAYS = ("call", "insert", "batch", "small")
LABELS = {"call": "checkin_record_at, one CALL each", "insert": "bare INSERT, autocommit each",
          "batch": f"checkin_record_batch_people, {BATCH_ROWS} a CALL",
          "small": f"checkin_record_batch_people, {SMALL_BATCH_ROWS} a CALL"}
BATCH_SIZES = {"batch": BATCH_ROWS, "small": SMALL_BATCH_ROWS}


def vietnam_day(utc):
    return (utc + datetime.timedelta(hours=7)).date().isoformat()


class Sent:
    """One round's check-ins of one way: the i-th is person i % PEOPLE at a venue that person
    has not been to in the round, pressed 1 ms after the one before."""

    def __init__(self, people, venues, answers, start, tag):
        self.people, self.venues, self.answers, self.start, self.tag = people, venues, answers, start, tag

    def row(self, i):
        person, device_version, consent_version = self.people[i % len(self.people)]
        pressed = self.start + datetime.timedelta(milliseconds=i)
        recent_from = pressed - datetime.timedelta(minutes=2)
        return {"venue": self.venues[(i // len(self.people)) % len(self.venues)], "person": person, "device_version": device_version,
                "consent_version": consent_version, "key": hashlib.md5(f"{self.tag}-{i}".encode()).hexdigest(),
                "pressed": pressed.isoformat(sep=" "), "recent_from": recent_from.isoformat(sep=" "),
                "recent_day": vietnam_day(recent_from), "day": vietnam_day(pressed)}

    def call(self, r):
        return (f"CALL checkin_record_at('01', 1, 1, UNHEX('{r['key']}'), 1, NULL, 1, {r['device_version']}, 0, "
                f"{r['consent_version']}, '{r['recent_from']}', '{r['recent_day']}', '{r['day']}', {r['venue']}, "
                f"{r['person']}, 'in', 'self', NULL, UNHEX('{self.answers}'), 0, 1, '{r['pressed']}', "
                f"'{r['pressed']}', '', 'ABCD');")

    def insert(self, r):
        return (f"INSERT INTO checkins ({COLUMNS}) VALUES ('01', '{r['day']}', {r['venue']}, {r['person']}, 'in', "
                f"'self', NULL, UNHEX('{self.answers}'), 0, 1, '{r['pressed']}', '{r['pressed']}', '', 'ABCD', "
                f"UNHEX('{r['key']}'));")

    def batch(self, rows, first):
        items = [[first + n, r["venue"], 1, r["key"], r["person"], r["device_version"], r["consent_version"],
                  r["recent_from"], r["recent_day"], r["day"], "in", "self", None, self.answers, 0, 1, r["pressed"],
                  r["pressed"], "", "ABCD"] for n, r in enumerate(rows)]
        return f"CALL checkin_record_batch_people('01', '{json.dumps(items)}', '[]');"

    def script(self, way):
        rows = [self.row(i) for i in range(ROWS)]
        if way in BATCH_SIZES:
            size = BATCH_SIZES[way]
            return "\n".join(self.batch(rows[i:i + size], i) for i in range(0, ROWS, size)) + "\n"
        return "\n".join(getattr(self, way)(r) for r in rows) + "\n"


def mariadb(stack, script):
    """Runs script through one client on vaora_s1; its output lines (bytes: names are sealed)."""
    r = subprocess.run(["mariadb", *stack.mariadb_options(), "-u", "root", "-N", "-B", "vaora_s1"],
                       input=script.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"bench: statements: mariadb failed: {r.stderr.decode(errors='replace')[:500]}")
    return r.stdout.splitlines()


def outcomes(way, lines):
    """Outcome -> count, from the answers' rows (the CALL's first column, the batch's second)."""
    counted = {}
    if way == "insert":
        return counted
    column = 1 if way in BATCH_SIZES else 0
    for line in lines:
        cells = line.split(b"\t")
        if len(cells) > column and cells[column] in OUTCOMES:
            name = cells[column].decode()
            counted[name] = counted.get(name, 0) + 1
    return counted


def run_way(stack, way, sent):
    script = sent.script(way)
    before = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins"))
    cpu_before, start = bench_load.cpu_us([stack.pid("mariadb")]), time.monotonic()
    lines = mariadb(stack, script)
    wall, cpu = time.monotonic() - start, bench_load.cpu_us([stack.pid("mariadb")]) - cpu_before
    written = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins")) - before
    return {"cpu": cpu / ROWS, "wall": wall * 1e6 / ROWS, "written": written, "outcomes": outcomes(way, lines)}


def batch_checks(stack, people, venues, answers, start):
    """The batch's checks at work, so that its figure is of a batch that checks: a batch sent
    twice answers "replayed" the second time; the same people at the same venues a second later
    with new keys, "already"."""
    first = Sent(people, venues, answers, start, "checks")
    again = Sent(people, venues, answers, start + datetime.timedelta(seconds=1), "checks-again")
    rows = [first.row(i) for i in range(BATCH_ROWS)]
    sent = [first.batch(rows, 0), first.batch(rows, 0), again.batch([again.row(i) for i in range(BATCH_ROWS)], 0)]
    return [outcomes("batch", mariadb(stack, line + "\n")) for line in sent]


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def run():
    with bench_load.BenchStack("4").running() as stack:
        bench_ceiling.PEOPLE, bench_ceiling.VENUES = PEOPLE, VENUES
        ceiling = bench_ceiling.Ceiling(stack, ("onetap",))
        ceiling.prepare()
        people = [tuple(int(x) for x in line.split("\t")) for line in fixtures.sql(
            stack, "SELECT id, device_version, consent_version FROM vaora_s1.people"
                   f" WHERE province = '01' ORDER BY id LIMIT {PEOPLE}").splitlines()]
        venues = [int(v) for v in fixtures.sql(stack, "SELECT id FROM vaora_s1.venues WHERE province = '01'"
                                                      " AND name LIKE 'Ceiling venue %' AND token_version = 1").split()]
        answers = fixtures.sql(stack, "SELECT HEX(answers) FROM vaora_s1.checkins ORDER BY id DESC LIMIT 1")
        now = datetime.datetime.utcnow().replace(microsecond=0)
        print(f"bench: statements: {ROWS} one-tap check-ins a way and round, one client, {ROUNDS} rounds interleaved;"
              f" {len(people)} people, {len(venues)} venues, a fresh idempotency key each")
        figures = {way: [] for way in WAYS}
        for n in range(ROUNDS):
            for k, way in enumerate(WAYS):
                start = now - ROUND_GAP * (1 + n * len(WAYS) + k)
                f = run_way(stack, way, Sent(people, venues, answers, start, f"{way}-{n}"))
                figures[way].append(f)
                shown = f["outcomes"] or {"(no answer: a bare insert)": ROWS}
                print(f"bench: statements: round {n + 1} {way:<6} mariadbd {f['cpu']:6.0f} us/check-in, "
                      f"wall {f['wall']:6.0f} us, rows written {f['written']} of {ROWS} sent, answers {shown}")
        checks = batch_checks(stack, people, venues, answers, now - ROUND_GAP * (1 + ROUNDS * len(WAYS)))
        print(f"bench: statements: the batch's checks: a batch {checks[0]}, sent again {checks[1]}, "
              f"the same people and venues a second later {checks[2]}")
        call_cpu = median([f["cpu"] for f in figures["call"]])
        print("bench: statements: medians of the rounds (MariaDB CPU per check-in, one client)")
        print(f"bench:   {'way':<42} {'us':>6} {'x CALL':>7} {'wall us':>8}")
        for way in WAYS:
            cpu, wall = median([f["cpu"] for f in figures[way]]), median([f["wall"] for f in figures[way]])
            print(f"bench:   {LABELS[way]:<42} {cpu:6.0f} {cpu / max(call_cpu, 1):7.2f} {wall:8.0f}")
        complete = all(f["written"] == ROWS for way in WAYS for f in figures[way]) and all(
            f["outcomes"] == {"recorded": ROWS} for way in ("call", *BATCH_SIZES) for f in figures[way])
        checked = checks == [{"recorded": BATCH_ROWS}, {"replayed": BATCH_ROWS}, {"already": BATCH_ROWS}]
        print(f"bench: statements: every check-in sent recorded once, every way and round: {'yes' if complete else 'NO'};"
              f" the batch's checks answered as the CALL would: {'yes' if checked else 'NO'}")
