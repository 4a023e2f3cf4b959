"""The data set of issue #7's scale targets: Hà Nội with 750,000 venues, 2,000,000 people and
10,000,000 check-ins over 30 days, about 10 % of the venues making 90 % of the scans. Built once
into a cache folder outside the throw-away stacks ($VAORA_BENCH_CACHE, default
~/.cache/vaora-bench/data-FINGERPRINT, the fingerprint covering the schema and this file, so a
schema change builds it anew) and copied into a throw-away stack for each benchmark run.

How it is made: a stack of the bench build (release code with the settable clock) migrates as
any install; the communes come from the official list by `vaora areas import`; 1,000 real
people come in through `vaora checkins import` (encrypted by the application, findable by
phone). Then the bulk: venues, the other people (copies of those 1,000 ciphertexts, which
decrypt as they carry no row id in their associated data, with blind indexes of their own)
and the check-ins are generated inside MariaDB by INSERT ... SELECT from sequence tables, one
day at a time, with the counters' trigger off: 10 million rows through a per-row trigger would
take hours. Their answers are generated in clear, as before schema/016, and then sealed to their
rows by `vaora migrate` as an upgraded install's are (a ciphertext names its row in its
associated data, so SQL cannot copy one). The counters are then filled by aggregate queries that count what the triggers
count (checked below against the check-ins), and the triggers are put back.

The clock of every stack on this data is the data's own day (ANCHOR_CLOCK_SECONDS past its
midnight), so the dashboards' "today" is the data's last day however long ago it was built."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))

import harness  # noqa: E402
import paper_file  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
COMMUNES = os.path.join(harness.ROOT, "..", "shared", "data", "communes-2025.csv")
VENUES = int(os.environ.get("BENCH_DATA_VENUES", "750000"))
PEOPLE = int(os.environ.get("BENCH_DATA_PEOPLE", "2000000"))
CHECKINS = int(os.environ.get("BENCH_DATA_CHECKINS", "10000000"))
DAYS = 30
# Every tenth venue is "hot" and takes this share of the scans, more of them the lower its rank.
HOT_SCAN_PERCENT = 90
HOT_EVERY = 10
# Share of check-ins followed by a check-out (the rest end at the category's default stay).
CHECKOUT_PERCENT = 80
# The people who came in through the application, whose ciphertexts the others copy.
REAL_PEOPLE = 1000
# The tracing case: real person 0 (phone paper_file.phone_of(0)) with one visit a day on the 20
# days before the last, at hot venues of these ranks (crowded to quiet).
CASE_VENUE_RANKS = [0, 1, 2, 4, 7, 12, 20, 33, 50, 75, 110, 160, 230, 330, 470, 660, 920, 1300, 1800, 2500]
# "Now" on the data's last day, Vietnam time: after its last scans (06:00-23:50).
ANCHOR_CLOCK_SECONDS = 23 * 3600 + 55 * 60
VN_OFFSET = 7 * 3600
DB = "vaora_s1"
# The InnoDB buffer pool of stacks on this data: a database server's share of memory.
BUFFER_POOL = os.environ.get("BENCH_DATA_BUFFER_POOL", "6G")
SQL_SECONDS_MAX = 3 * 3600
CHECK_CODE_LETTERS = "ACDEFHJKMNPRTUVWXY3479"
# The answers of every generated check-in, as declaration_validate writes them for
# templates/forms/declaration.json: nothing declared (their amber flag is 0).
GENERATED_ANSWERS = "fever=no;cough=no;breath=no;throat=no;taste=no;contact=no;travel=no;doses=2"


def cache_root():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.environ.get("VAORA_BENCH_CACHE") or os.path.join(base, "vaora-bench")


def fingerprint():
    h = hashlib.sha256()
    for name in sorted(os.listdir(os.path.join(harness.ROOT, "schema"))):
        path = os.path.join(harness.ROOT, "schema", name)
        if os.path.isfile(path):
            h.update(name.encode())
            with open(path, "rb") as f:
                h.update(f.read())
    with open(os.path.abspath(__file__), "rb") as f:
        h.update(f.read())
    h.update(f"{VENUES}/{PEOPLE}/{CHECKINS}".encode())
    return h.hexdigest()[:16]


class DataStack(harness.Stack):
    """A stack of the bench build on a data folder (var), its clock set on the data's day."""

    def __init__(self, var, anchor_day, fast_workers="4"):
        super().__init__()
        self.var = var or self.var
        self.binary = os.path.join(harness.ROOT, "build", "bench", "vaora")
        self.fast_workers = fast_workers
        self.anchor_day = anchor_day
        self.set_clock(0)

    def set_clock(self, days_after_anchor, seconds=ANCHOR_CLOCK_SECONDS):
        midnight_utc = time.mktime(time.strptime(self.anchor_day, "%Y-%m-%d")) - time.timezone - VN_OFFSET
        self.now = midnight_utc + days_after_anchor * 86400 + seconds
        with open(self.clock_file, "w") as f:
            f.write(f"{self.now:.0f}\n")

    def env(self):
        e = super().env()
        e.update(VAORA_FAST_WORKERS=self.fast_workers, VAORA_DB_BUFFER_POOL=BUFFER_POOL,
                 VAORA_CLOCK_FILE=self.clock_file, VAORA_S2_RETENTION_DAYS="30")
        return e

    def vaora(self, *args, env=None):
        return super().vaora(*args, env=dict(env or {}, VAORA_CLOCK_FILE=self.clock_file))

    def sql(self, statement, database=DB, raw=False):
        r = subprocess.run(["mariadb", f"--defaults-file={self.var}/my.cnf", "-u", "root", "-N", "-B",
                            *(["-r"] if raw else []), database],
                           input=statement.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=SQL_SECONDS_MAX)
        if r.returncode != 0:
            raise RuntimeError(f"SQL failed: {r.stderr.decode().strip()}\n{statement[:400]}")
        return r.stdout.decode().strip()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def uniform(tag, k):
    """A number in [0, 1) fixed by (tag, k): the same data on every build."""
    return f"(CRC32(CONCAT('{tag}', {k})) / 4294967296)"


def pick(tag, k, n):
    return f"(CRC32(CONCAT('{tag}', {k})) MOD {n})"


def load_venues(stack, base):
    """VENUES venues with ids base+1.., in communes drawn at random, a fifth unverified, a
    hundredth with a reissued poster, created over the last year (some in the last 30 days)."""
    areas = int(stack.sql("SELECT COUNT(*) FROM areas WHERE province = '01'"))
    categories = "ELT(1 + {}, 'market', 'shop', 'restaurant', 'office', 'school', 'hospital', 'transport', " \
                 "'checkpoint', 'other')".format(pick("c", "s.seq", 9))
    created = f"TIMESTAMP '{stack.anchor_day} 00:00:00' - INTERVAL {pick('t', 's.seq', 365 * 86400)} SECOND"
    stack.sql(f"""
CREATE TEMPORARY TABLE area_numbers (n INT PRIMARY KEY, code VARCHAR(10)) AS
  SELECT ROW_NUMBER() OVER (ORDER BY code) - 1 AS n, code FROM areas WHERE province = '01';
INSERT INTO venues (province, id, name, address, area_code, category, contact_phone, opening_hours, status,
                    verified, token_version, token_issued_at, created_at)
SELECT '01', {base} + s.seq, CONCAT('Địa điểm ', s.seq), CONCAT(1 + s.seq MOD 300, ' phố ', s.seq MOD 997),
       a.code, {categories}, CONCAT('09', LPAD(s.seq, 8, '0')),
       IF(s.seq MOD 4 = 0, '07:00-22:00', ''), 'active', {pick('v', 's.seq', 5)} <> 0,
       IF(s.seq MOD 100 = 7, 2, 1), {created}, {created}
FROM seq_1_to_{VENUES} s JOIN area_numbers a ON a.n = {pick('a', 's.seq', areas)};
""")


def load_people(stack, base, real):
    """The people beyond the real ones: copies of their ciphertexts, blind indexes of their own
    (so a look-up finds only the real person), cards issued over the last year."""
    issued = f"TIMESTAMP '{stack.anchor_day} 00:00:00' - INTERVAL {pick('t', 's.seq', 365 * 86400)} SECOND"
    stack.sql(f"""
CREATE TEMPORARY TABLE real_people AS
  SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS n, key_version, full_name_enc, phone_enc, id_number_enc,
         address_enc, index_version, birth_year, gender, area_code, consent_version
  FROM people WHERE province = '01';
INSERT INTO people (province, id, key_version, full_name_enc, phone_enc, id_number_enc, address_enc, index_version,
                    phone_index, id_number_index, birth_year, gender, area_code, consent_version, consent_at,
                    created_at, card_version, device_version, card_issued_at)
SELECT '01', {base} + s.seq, r.key_version, r.full_name_enc, r.phone_enc, r.id_number_enc, r.address_enc,
       r.index_version, UNHEX(SHA2(CONCAT('phone', s.seq), 256)),
       IF(r.id_number_enc IS NULL, NULL, UNHEX(SHA2(CONCAT('id', s.seq), 256))), r.birth_year, r.gender,
       r.area_code, r.consent_version, {issued}, {issued}, 1, 1, {issued}
FROM seq_1_to_{PEOPLE - real} s JOIN real_people r ON r.n = s.seq MOD {real};
""")


def load_day(stack, d, day, venue_base, people_ids, checkin_base, form, volunteer):
    """One day's check-ins: pairs k (a check-in, and for CHECKOUT_PERCENT of them a check-out
    10-120 minutes later at the same venue), between 06:00 and 23:50, each with its idempotency
    key in its row as a phone's pressed time puts it there."""
    pairs = CHECKINS * 100 // (100 + CHECKOUT_PERCENT) // DAYS
    k = f"(s.seq + {d * pairs})"
    venue = (f"IF({pick('h', k, 100)} < {HOT_SCAN_PERCENT}, "
             f"{venue_base} + 1 + {HOT_EVERY} * FLOOR(POW({uniform('u', k)}, 2) * {VENUES // HOT_EVERY}), "
             f"{venue_base} + 1 + FLOOR({uniform('u', k)} * {VENUES}))")
    first_person, last_person = people_ids
    # Never the case (the first real person): its visits are its own.
    person = f"{first_person + 1} + {pick('p', k, last_person - first_person)}"
    m = pick("m", k, 100)
    method = (f"CASE WHEN {m} < 78 THEN 'self' WHEN {m} < 88 THEN 'gate-reader' WHEN {m} < 91 THEN 'gate-camera' "
              f"WHEN {m} < 96 THEN 'proxy' ELSE 'paper' END")
    pressed = (f"TIMESTAMP '{day} 00:00:00' - INTERVAL 7 HOUR + INTERVAL (p.t_in + o.out_row * p.stay) SECOND"
               " + INTERVAL p.us MICROSECOND")
    code = " , ".join(f"SUBSTR('{CHECK_CODE_LETTERS}', 1 + (CRC32(CONCAT('c{i}', {k})) MOD 22), 1)"
                      for i in range(4))
    stack.sql(f"""
INSERT INTO checkins (province, day, id, venue_id, person_id, direction, method, filed_by, answers, amber,
                      form_version, pressed_at, received_at, time_note, check_code, idem_key)
SELECT '01', '{day}', {checkin_base} + 2 * p.k + o.out_row, p.venue, p.person, IF(o.out_row = 1, 'out', 'in'),
       p.method, IF(p.method = 'self', NULL, {volunteer}), '{form['answers']}', 0, {form['version']},
       {pressed}, {pressed}, '', p.code, UNHEX(MD5(CONCAT('key', 2 * p.k + o.out_row)))
FROM (SELECT {k} AS k, {venue} AS venue, {person} AS person, {method} AS method, CONCAT({code}) AS code,
             6 * 3600 + {pick('t', k, 15 * 3600 + 50 * 60)} AS t_in, 600 + {pick('d', k, 6600)} AS stay,
             {pick('us', k, 1000000)} AS us, {pick('o', k, 100)} < {CHECKOUT_PERCENT} AS checks_out
      FROM seq_0_to_{pairs - 1} s) p
JOIN (SELECT 0 AS out_row UNION ALL SELECT 1) o ON o.out_row = 0 OR p.checks_out;
""")


def load_case(stack, case_id, venue_base, checkin_base, form):
    """The case's 20 visits: an hour from 18:00 on each of the 20 days before the last."""
    rows = []
    for i, rank in enumerate(CASE_VENUE_RANKS):
        day = day_add(stack.anchor_day, i - len(CASE_VENUE_RANKS))
        for out in (0, 1):
            rows.append(f"('01', '{day}', {checkin_base + 2 * i + out}, {venue_base + 1 + HOT_EVERY * rank}, {case_id},"
                        f" '{'out' if out else 'in'}', 'self', NULL, '{form['answers']}', 0, {form['version']},"
                        f" TIMESTAMP '{day} 11:00:00' + INTERVAL {out} HOUR,"
                        f" TIMESTAMP '{day} 11:00:00' + INTERVAL {out} HOUR, '', 'CASE',"
                        f" UNHEX(MD5('case-{i}-{out}')))")
    stack.sql("INSERT INTO checkins (province, day, id, venue_id, person_id, direction, method, filed_by, answers,"
              " amber, form_version, pressed_at, received_at, time_note, check_code, idem_key) VALUES "
              + ", ".join(rows))


def count_day(stack, day):
    """The counters of one day, as the trigger of schema/008-counters.sql keeps them: the area
    rows spread over the 32 buckets by check-in id, the day's first-of counts in bucket 0."""
    where = f"c.province = '01' AND c.day = '{day}'"
    join = "JOIN venues v ON v.province = c.province AND v.id = c.venue_id"
    stack.sql(f"""
INSERT INTO venue_day_counts (province, venue_id, day, scans, ins, outs, last_pressed_at)
  SELECT c.province, c.venue_id, c.day, COUNT(*), SUM(c.direction = 'in'), SUM(c.direction <> 'in'), MAX(c.pressed_at)
  FROM checkins c WHERE {where} GROUP BY c.venue_id;
INSERT INTO day_presence (province, day, person_id, scans)
  SELECT c.province, c.day, c.person_id, COUNT(*) FROM checkins c WHERE {where} GROUP BY c.person_id;
INSERT INTO province_day_people (province, day, bucket, people)
  SELECT province, day, person_id MOD 32, COUNT(*) FROM day_presence
  WHERE province = '01' AND day = '{day}' GROUP BY person_id MOD 32;
INSERT INTO area_day_presence (province, day, area_code, person_id, scans)
  SELECT c.province, c.day, v.area_code, c.person_id, COUNT(*) FROM checkins c {join}
  WHERE {where} GROUP BY v.area_code, c.person_id;
INSERT INTO area_day_counts (province, area_code, day, bucket, scans, self_scans, gate_scans, proxy_scans,
                             paper_scans, api_scans, ins, outs, active_venues, people)
  SELECT c.province, v.area_code, c.day, c.id MOD 32, COUNT(*), SUM(c.method = 'self'),
         SUM(c.method IN ('gate-camera', 'gate-reader')), SUM(c.method = 'proxy'), SUM(c.method = 'paper'),
         SUM(c.method = 'api'), SUM(c.direction = 'in'), SUM(c.direction <> 'in'), 0, 0
  FROM checkins c {join} WHERE {where} GROUP BY v.area_code, c.id MOD 32;
INSERT INTO area_day_counts (province, area_code, day, bucket, active_venues, people)
  SELECT d.province, v.area_code, d.day, 0, COUNT(*), 0 FROM venue_day_counts d
  JOIN venues v ON v.province = d.province AND v.id = d.venue_id
  WHERE d.province = '01' AND d.day = '{day}' GROUP BY v.area_code
  ON DUPLICATE KEY UPDATE active_venues = VALUES(active_venues);
INSERT INTO area_day_counts (province, area_code, day, bucket, people)
  SELECT province, area_code, day, 0, COUNT(*) FROM area_day_presence
  WHERE province = '01' AND day = '{day}' GROUP BY area_code
  ON DUPLICATE KEY UPDATE people = VALUES(people);
""")


def check_counts(stack):
    """The counters against the check-ins they count: any difference is a generator bug."""
    pairs = stack.sql("SELECT (SELECT COUNT(*) FROM checkins WHERE province = '01'),"
                      " (SELECT SUM(scans) FROM venue_day_counts WHERE province = '01'),"
                      " (SELECT SUM(scans) FROM area_day_counts WHERE province = '01'),"
                      " (SELECT SUM(scans) FROM day_presence WHERE province = '01')").split()
    if len(set(pairs)) != 1:
        raise RuntimeError(f"counters differ from the check-ins: {pairs}")


def checkin_triggers(stack):
    """The triggers on checkins, in their order, as (name, CREATE statement)."""
    names = stack.sql("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()"
                      " AND EVENT_OBJECT_TABLE = 'checkins' ORDER BY ACTION_TIMING, EVENT_MANIPULATION,"
                      " ACTION_ORDER").split()
    triggers = []
    for name in names:
        timing, event, body = (stack.sql(f"SELECT {column} FROM information_schema.TRIGGERS"
                                         f" WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME = '{name}'", raw=True)
                               for column in ("ACTION_TIMING", "EVENT_MANIPULATION", "ACTION_STATEMENT"))
        triggers.append((name, f"CREATE TRIGGER {name} {timing} {event} ON checkins FOR EACH ROW\n{body}"))
    return triggers


def day_add(day, n):
    return time.strftime("%Y-%m-%d", time.gmtime(time.mktime(time.strptime(day, "%Y-%m-%d")) - time.timezone
                                                 + n * 86400 + 43200))


def declaration_form(stack):
    """The answers the generated check-ins carry, in clear as an install before schema/016 kept
    them (sealed afterwards by seal_answers), and the form version of a real check-in."""
    version = stack.sql("SELECT form_version FROM checkins WHERE province = '01' ORDER BY id LIMIT 1")
    return {"answers": GENERATED_ANSWERS, "version": int(version)}


def seal_answers(stack):
    """Seals the generated answers as `vaora migrate` seals those of an install from before
    schema/016 (its file again, a no-op, then answers_seal_clear): each row's ciphertext is bound
    to the row, so it cannot be copied by SQL like the people's fields."""
    stack.sql("DELETE FROM schema_migrations WHERE version = 16")
    r = stack.vaora("migrate")
    if r.returncode != 0 or b"sealed the answers" not in r.stdout:
        raise RuntimeError(f"sealing the answers failed: {r.stdout.decode()} {r.stderr.decode()}")


def import_real_people(stack):
    """REAL_PEOPLE people through `vaora checkins import`, at the demo venue."""
    code = venue_code(stack, int(stack.sql("SELECT id FROM venues WHERE province = '01' ORDER BY id LIMIT 1")))
    path = os.path.join(stack.dir, "real-people.csv")
    paper_file.write(path, code, REAL_PEOPLE, now=stack.now, spread_days=DAYS - 1)
    r = stack.vaora("checkins", "import", "--province", "ha-noi", "--as", "hn.volunteer", "--file", path)
    if r.returncode != 0:
        raise RuntimeError(f"import of the real people failed: {r.stderr.decode()}")
    ids = stack.sql("SELECT MIN(id), MAX(id), COUNT(*) FROM people WHERE province = '01'").split()
    if int(ids[2]) != REAL_PEOPLE or int(ids[1]) - int(ids[0]) + 1 != REAL_PEOPLE:
        raise RuntimeError(f"expected {REAL_PEOPLE} people with consecutive ids, found {ids}")
    return int(ids[0])


def venue_code(stack, venue_id):
    """A venue's short code as its page shows it to the province admin."""
    import re
    admin = harness.logged_in(stack, "hn.admin")
    page = admin.get(f"/ha-noi/venues/{venue_id}").text
    return re.search(r'id="short-code">([A-Z2-7-]+)<', page).group(1).replace("-", "")


def build(folder):
    """Makes the data set in folder (var/ and data.json); prints progress."""
    start = time.monotonic()
    anchor = time.strftime("%Y-%m-%d", time.gmtime(time.time() + VN_OFFSET))
    with DataStack(os.path.join(folder, "var"), anchor).running() as stack:
        r = stack.vaora("areas", "import", "--province", "ha-noi", COMMUNES)
        if r.returncode != 0:
            raise RuntimeError(f"areas import failed: {r.stderr.decode()}")
        first_real = import_real_people(stack)
        form = declaration_form(stack)
        volunteer = int(stack.sql("SELECT id FROM accounts WHERE province = '01' AND login = 'hn.volunteer'"))
        venue_base = int(stack.sql("SELECT COALESCE(MAX(id), 0) FROM venues"))
        people_base = int(stack.sql("SELECT COALESCE(MAX(id), 0) FROM people"))
        checkin_base = int(stack.sql("SELECT COALESCE(MAX(id), 0) FROM checkins"))
        triggers = checkin_triggers(stack)
        print(f"bench: data: venues ({VENUES})", flush=True)
        load_venues(stack, venue_base)
        print(f"bench: data: people ({PEOPLE})", flush=True)
        load_people(stack, people_base, REAL_PEOPLE)
        stack.sql("".join(f"DROP TRIGGER {name};" for name, _ in triggers)
                  + "TRUNCATE venue_day_counts; TRUNCATE area_day_counts; TRUNCATE province_day_people;"
                  " TRUNCATE day_presence; TRUNCATE area_day_presence;")
        pairs = CHECKINS * 100 // (100 + CHECKOUT_PERCENT) // DAYS
        for d in range(DAYS):
            day = day_add(anchor, d - DAYS + 1)
            print(f"bench: data: check-ins of {day} ({d + 1}/{DAYS}, {time.monotonic() - start:.0f} s)", flush=True)
            load_day(stack, d, day, venue_base, (first_real, people_base + PEOPLE - REAL_PEOPLE),
                     checkin_base + 100, form, volunteer)
        load_case(stack, first_real, venue_base, checkin_base + 100 + 2 * pairs * DAYS + 2, form)
        print(f"bench: data: sealing the answers ({time.monotonic() - start:.0f} s)", flush=True)
        seal_answers(stack)
        for d in range(DAYS + 1):
            day = day_add(anchor, d - DAYS)
            print(f"bench: data: counters of {day}", flush=True)
            count_day(stack, day)
        # The venues' newest days, as checkins_venue_day keeps them; their update trigger counts them.
        stack.sql("UPDATE venues v JOIN (SELECT venue_id, MAX(day) AS last_day FROM venue_day_counts"
                  " WHERE province = '01' GROUP BY venue_id) d ON d.venue_id = v.id"
                  " SET v.last_scan_day = d.last_day WHERE v.province = '01'")
        # The people's newest days, as checkins_person_day keeps them.
        stack.sql("UPDATE people p JOIN (SELECT person_id, MAX(day) AS last_day FROM day_presence"
                  " WHERE province = '01' GROUP BY person_id) d ON d.person_id = p.id"
                  " SET p.last_checkin_day = d.last_day WHERE p.province = '01'")
        # In their old order: each new one comes after those already there.
        stack.sql("DELIMITER //\n" + "".join(f"{create}//\n" for _, create in triggers) + "DELIMITER ;\n")
        check_counts(stack)
        # As the nightly timer leaves them: closed days' counter buckets merged.
        r = stack.vaora("purge")
        if r.returncode != 0:
            raise RuntimeError(f"purge failed: {r.stderr.decode()}")
        print("bench: data: ANALYZE", flush=True)
        stack.sql("ANALYZE TABLE venues, people, checkins, venue_day_counts, area_day_counts, day_presence,"
                  " area_day_presence, province_day_people")
        info = {"anchor": anchor, "case_phone": paper_file.phone_of(0), "case_id": first_real,
                "hot_venue": venue_base + 1, "venue_base": venue_base,
                "checkins": int(stack.sql("SELECT COUNT(*) FROM checkins")),
                "build_seconds": round(time.monotonic() - start)}
    with open(os.path.join(folder, "data.json"), "w") as f:
        json.dump(info, f)
    print(f"bench: data: built in {info['build_seconds']} s", flush=True)


def ensure():
    """The cached data set's folder, built first when missing; older data sets are removed."""
    root = cache_root()
    folder = os.path.join(root, "data-" + fingerprint())
    if os.path.exists(os.path.join(folder, "data.json")):
        return folder
    if not os.path.exists(COMMUNES):
        raise RuntimeError(f"the official communes list is missing: {COMMUNES}")
    os.makedirs(root, exist_ok=True)
    for name in os.listdir(root):
        if name.startswith("data-"):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    print(f"bench: data: building the data set in {folder} (once; {VENUES} venues, {PEOPLE} people, "
          f"{CHECKINS} check-ins)", flush=True)
    build(folder)
    return folder


def open_copy(fast_workers="4"):
    """A stack on a fresh copy of the cached data set; the caller starts, stops and cleans it."""
    folder = ensure()
    with open(os.path.join(folder, "data.json")) as f:
        info = json.load(f)
    start = time.monotonic()
    stack = DataStack(None, info["anchor"], fast_workers)
    stack.var = os.path.join(stack.dir, "var")
    shutil.copytree(os.path.join(folder, "var"), stack.var, symlinks=True,
                    ignore=shutil.ignore_patterns("run", "sockdir", "*.pid"))
    stack.info = info
    stack.copy_seconds = time.monotonic() - start
    return stack
