"""Objects the permission tests need beyond the demo seed: accounts, venues and tokens in
Hà Nội (01) and in Hồ Chí Minh (79, another shard), made through the CLI and, where the
product has no way yet (venues before the venue issue), by SQL as test set-up; and a phone
that remembers a resident, made as a resident makes one."""
import base64
import concurrent.futures
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import subprocess
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from harness import Browser, check, DEMO_PASSWORD, ROOT

OTP = re.compile(rb"one-time password: (\S+)")


def sql(stack, statement):
    r = subprocess.run(["mariadb", *stack.mariadb_options(), "-u", "root", "-N", "-B", "-e", statement],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(r.returncode == 0, r.stderr)
    return r.stdout.decode().strip()


def province_key(stack, purpose, province, version):
    """A province's key of purpose as cgi/domain/keys.c derives it from the secret file."""
    with open(os.path.join(stack.var, "secret"), encoding="ascii") as f:
        material = dict(re.findall(rf"^{purpose}\.(\d+) = (\S+)$", f.read(), re.M))
    info = f"vaora/{purpose}/{version}/{province}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        base64.b64decode(material[str(version)]))


def health_key(stack, province, version):
    return province_key(stack, "health-data", province, version)


def printed_venue_code(stack, province, venue_id, version=1):
    """The 18-character code posters carried before the compact one, made here as they were
    made: id (4 bytes), poster version, key version 1, the first 5 bytes of the HMAC of those
    6 bytes under the province's poster key, in base32."""
    payload = venue_id.to_bytes(4, "big") + bytes([version, 1])
    mac = hmac.new(province_key(stack, "poster", province, 1), payload, hashlib.sha256).digest()[:5]
    return base64.b32encode(payload + mac).decode().rstrip("=")


def stored_answers(stack, where, database="vaora_s1"):
    """{check-in id: (raw bytes, answers decrypted as cgi/domain/answers.c does, or None when they
    do not decrypt in their row)}, read straight from the table: an independent check of the
    format (marker byte 0, key version, nonce, text, tag) and of the row binding (marker byte 1:
    sealed before a new person had an id, bound to the row by its key and not to its person)."""
    out = {}
    rows = sql(stack, "SELECT id, province, person_id, venue_id, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', pressed_at),"
                      f" LOWER(HEX(idem_key)), HEX(answers) FROM {database}.checkins WHERE {where} ORDER BY id")
    for line in rows.splitlines():
        cid, province, person, venue, pressed, idem, raw = line.split("\t")
        data = bytes.fromhex(raw)
        by_key = len(data) >= 1 and data[0] == 1 and idem != "NULL"
        bound = 0 if by_key else person
        aad = f"vaora/answers/{province}/{bound}/{venue}/{pressed}/{idem if idem != 'NULL' else '-'}".encode()
        text = None
        if len(data) >= 30 and (data[0] == 0 or by_key):
            try:
                text = AESGCM(health_key(stack, province, data[1])).decrypt(data[2:14], data[14:], aad).decode()
            except Exception:  # InvalidTag: not this row's
                text = None
        out[int(cid)] = (data, text)
    return out


def separate_id_ranges(stack):
    """Ids are per shard, so an object of another province could share its id with one here and
    a test of "another province's object" would hit a local one. Start Hồ Chí Minh's shard far
    above anything Hà Nội has."""
    for table in ("accounts", "venues", "api_tokens"):
        sql(stack, f"ALTER TABLE vaora_s2.{table} AUTO_INCREMENT = 1000000")


def add_account(stack, province, role, login, areas=None):
    args = ["account", "add", "--province", province, "--role", role, "--login", login]
    if areas:
        args += ["--areas", areas]
    r = stack.vaora(*args)
    check(r.returncode == 0, r.stderr)
    password = OTP.search(r.stdout).group(1).decode()
    db = "vaora_s2" if province == "79" else "vaora_s1"
    code = "00" if role == "operator" else province
    account_id = int(sql(stack, f"SELECT id FROM {db}.accounts WHERE province = '{code}' AND login = '{login}'"))
    return account_id, password


def login_with_new_password(stack, slug, login, one_time):
    """Logs in with a one-time password and sets DEMO_PASSWORD, as a new staff member would."""
    b = Browser(stack)
    r = b.login(login, one_time, slug)
    check(r.status == 303 and r.header("Location").endswith("/password"), (r.status, r.header("Location")))
    r = b.post_form(f"/{slug}/password", {"current": one_time, "password": DEMO_PASSWORD, "repeat": DEMO_PASSWORD})
    check(r.status == 200 and "Đã đổi mật khẩu" in r.text, (r.status, r.text[:300]))
    return b


def add_venue(stack, province, name, area, category="shop", verified=False):
    """A venue as an officer would make it (verified, its desks may work) or as one registered
    by itself looks before an officer's visit (verified False)."""
    db = "vaora_s2" if province == "79" else "vaora_s1"
    sql(stack, f"INSERT INTO {db}.venues (province, name, address, area_code, category, verified, created_at,"
               f" token_issued_at) VALUES ('{province}', '{name}', 'test address', '{area}', '{category}',"
               f" {int(verified)}, '2026-01-01', '2026-01-01')")
    return int(sql(stack, f"SELECT MAX(id) FROM {db}.venues WHERE province = '{province}'"))


def make_manager(stack, province, venue_id, login, kind="manager", approved=True):
    """Puts login on the venue's staff: its manager, or (kind "volunteer") one of its volunteers,
    approved by an officer (or, approved False, waiting for one)."""
    db = "vaora_s2" if province == "79" else "vaora_s1"
    account = sql(stack, f"SELECT id FROM {db}.accounts WHERE province = '{province}' AND login = '{login}'")
    approved_at = "'2026-01-01'" if approved else "NULL"
    sql(stack, f"INSERT INTO {db}.venue_staff (province, venue_id, account_id, kind, approved_at)"
               f" VALUES ('{province}', {venue_id}, {account}, '{kind}', {approved_at})")


def add_token_row(stack, province, label):
    db = "vaora_s2" if province == "79" else "vaora_s1"
    sql(stack, f"INSERT INTO {db}.api_tokens (province, token_hash, role, label, created_by, created_at, expires_at)"
               f" VALUES ('{province}', RANDOM_BYTES(32), 'tracer', '{label}', 1, '2026-01-01', '2027-01-01')")
    return int(sql(stack, f"SELECT MAX(id) FROM {db}.api_tokens WHERE province = '{province}'"))


def demo_venue_id(stack):
    return int(sql(stack, "SELECT id FROM vaora_s1.venues WHERE province = '01' AND name = 'Chợ Đồng Xuân (demo)'"))


def run(*args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def decode_qr(path, is_pdf):
    """What zbarimg reads in a PNG, or on a PDF's first page rasterized at 150 dpi."""
    if is_pdf:
        prefix = path + "-page"
        check(run("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", path, prefix).returncode == 0, "pdftoppm")
        path = [os.path.join(os.path.dirname(prefix), f) for f in sorted(os.listdir(os.path.dirname(prefix)))
                if f.startswith(os.path.basename(prefix))][0]
    r = run("zbarimg", "--nodbus", "--raw", "-q", path)
    return r.stdout.decode().strip()


def venue_code(admin, venue_id, slug="ha-noi"):
    """The short code (poster token) of a venue, as its page shows it to staff, without the
    dashes between its groups."""
    page = admin.get(f"/{slug}/venues/{venue_id}").text
    return re.search(r'id="short-code">([A-Z2-7-]+)<', page).group(1).replace("-", "")


# The self check-in form that sets the cookie of remembered people; it comes with issue #5.
SELF_CHECKIN = ["POST", "/{province}/c/{token}"]


def remember(stack, phone, full_name, code):
    """Makes phone (a Browser) remember a new resident of Hà Nội the only way a phone can: by
    checking in on the venue's form with "remember me" ticked. The device token in the cookie
    is signed by the server, so a test cannot make one. Returns False when this build has no
    self check-in form yet."""
    routes = stack.vaora("routes").stdout.decode().splitlines()
    if not any(line.split()[:2] == SELF_CHECKIN for line in routes):
        return False
    with open(os.path.join(ROOT, "templates", "forms", "declaration.json"), encoding="utf-8") as f:
        questions = json.load(f)["questions"]
    fields = {q["id"]: "no" for q in questions if q["kind"] == "yesno"}
    fields.update(key="remember-" + secrets.token_hex(8), direction="in", full_name=full_name, phone="0912345678",
                  birth_year="1990", consent="1", remember="1", doses="2")
    r = phone.post_form(f"/ha-noi/c/{code}", fields)
    check(r.status < 400 and "vaora_people_01" in phone.cookies, ("self check-in did not remember", r.status))
    return True


def card_url(stack, phone):
    """The URL in the QR image of the first person phone remembers, as zbarimg reads it."""
    r = phone.get("/ha-noi/me/0/qr.png")
    check(r.status == 200 and r.header("Content-Type") == "image/png", ("qr.png", r.status))
    path = os.path.join(stack.dir, f"card-{secrets.token_hex(4)}.png")
    with open(path, "wb") as f:
        f.write(r.body)
    return decode_qr(path, False)


def card_token(stack, code):
    """The card token of a new resident remembered by a phone of its own, or None when this
    build cannot remember people yet."""
    phone = Browser(stack)
    if not remember(stack, phone, "Trần Văn Ma Trận", code):
        return None
    return card_url(stack, phone).rsplit("/", 1)[1]


# The process names of the counters' folder and the check-in writer (cgi/serve.c).
FOLDER_NAME = "vaora-folder"
WRITER_NAME = "vaora-writer"


def child_pid_named(pid, name):
    """Whether process pid is named name (and alive: not a child its master has yet to reap)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.index("(") + 1:stat.rindex(")")] == name and stat[stat.rindex(")") + 2] != "Z"


def child_pid(stack, name):
    """The pid of the stack's live child process of that name, or None."""
    return next((pid for pid in stack.worker_pids() if child_pid_named(pid, name)), None)


def folder_pid(stack):
    """The pid of the stack's counters' folder (schema/025), or None."""
    return child_pid(stack, FOLDER_NAME)


def only_folder_pid(stack, seconds=30):
    """The pid of the stack's one counters' folder: just after a reload the old one may still
    be finishing its fold beside the new one, and is waited for."""
    deadline = time.monotonic() + seconds
    while True:
        pids = [pid for pid in stack.worker_pids() if child_pid_named(pid, FOLDER_NAME)]
        if len(pids) == 1:
            return pids[0]
        check(time.monotonic() < deadline, f"{len(pids)} counters' folders after {seconds} s")
        time.sleep(0.1)


@contextlib.contextmanager
def folder_paused(stack):
    """The counters' folder stopped (SIGSTOP) between two folds, for a test that counts the
    statements of one command in MariaDB's global counters; continued afterwards."""
    pid = only_folder_pid(stack)
    while True:
        os.kill(pid, signal.SIGSTOP)
        # Not stopped in the middle of a fold: its lock is free.
        free = subprocess.run(["mariadb", f"--defaults-file={stack.var}/my.cnf", "-u", "root", "-e",
                               "SET SESSION innodb_lock_wait_timeout = 1; START TRANSACTION;"
                               " SELECT id FROM vaora_s1.counters_fold_lock FOR UPDATE NOWAIT; ROLLBACK"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60).returncode == 0
        if free:
            break
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.1)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def statements_sent(stack, action):
    """The statements the database was sent while action ran, besides the counting's own;
    a statement prepared for a worker's connection the first time is not counted again. The
    counters' folder (a fold a second) is paused meanwhile: its statements are not the
    request's."""
    def counters():
        out = sql(stack, "SHOW GLOBAL STATUS WHERE Variable_name IN"
                         " ('Questions', 'Com_stmt_prepare', 'Com_stmt_close')")
        return {k: int(v) for k, v in (line.split("\t") for line in out.splitlines())}

    def sent(before, after):
        return after["Questions"] - before["Questions"] - sum(after[k] - before[k] for k in after if k != "Questions")

    with folder_paused(stack):
        idle = counters()
        own = sent(idle, counters())
        before = counters()
        action()
        return sent(before, counters()) - own


def status_while(stack, names, action):
    """How much MariaDB's global counters names grew while action ran, less what reading them
    costs (SHOW STATUS makes temporary tables of its own), with the counters' folder paused."""
    def read():
        out = sql(stack, "SHOW GLOBAL STATUS WHERE Variable_name IN (" +
                  ", ".join(f"'{n}'" for n in names) + ")")
        return {k: int(v) for k, v in (line.split("\t") for line in out.splitlines())}

    with folder_paused(stack):
        idle = read()
        own = read()
        before = read()
        action()
        after = read()
    return {n: after[n] - before[n] - (own[n] - idle[n]) for n in names}


def counter_differences(stack, database, province):
    """The dashboard's counters and presence rows of a province on a shard's database that differ
    from the same figures recounted from its checkins rows (schema/008, 010, 024, 025: every
    counter a check-in moves), and its check-ins still queued for the fold, as (name, counters,
    recount), the first rows of each. Empty when the counters are exact and the queue is empty."""
    p = f"'{province}'"
    c = f"{database}.checkins c"
    by_area = f"{c} JOIN {database}.venues v ON v.province = c.province AND v.id = c.venue_id WHERE c.province = {p}"

    def rows(statement):
        return sorted(sql(stack, statement).splitlines())

    pairs = [
        ("venue_day_counts",
         f"SELECT venue_id, day, scans, ins, outs, last_pressed_at FROM {database}.venue_day_counts"
         f" WHERE province = {p}",
         f"SELECT venue_id, day, COUNT(*), SUM(direction = 'in'), SUM(direction <> 'in'), MAX(pressed_at)"
         f" FROM {c} WHERE province = {p} GROUP BY venue_id, day"),
        ("area_day_counts",
         f"SELECT area_code, day, SUM(scans), SUM(self_scans), SUM(gate_scans), SUM(proxy_scans), SUM(paper_scans),"
         f" SUM(api_scans), SUM(ins), SUM(outs), SUM(active_venues), SUM(people) FROM {database}.area_day_counts"
         f" WHERE province = {p} GROUP BY area_code, day",
         f"SELECT v.area_code, c.day, COUNT(*), SUM(c.method = 'self'), SUM(c.method IN ('gate-camera', 'gate-reader')),"
         f" SUM(c.method = 'proxy'), SUM(c.method = 'paper'), SUM(c.method = 'api'), SUM(c.direction = 'in'),"
         f" SUM(c.direction <> 'in'), COUNT(DISTINCT c.venue_id), COUNT(DISTINCT c.person_id)"
         f" FROM {by_area} GROUP BY v.area_code, c.day"),
        ("area_hour_counts",
         f"SELECT area_code, day, hour, SUM(scans) FROM {database}.area_hour_counts WHERE province = {p}"
         f" GROUP BY area_code, day, hour",
         f"SELECT v.area_code, c.day, HOUR(c.pressed_at + INTERVAL 7 HOUR), COUNT(*) FROM {by_area}"
         f" GROUP BY v.area_code, c.day, HOUR(c.pressed_at + INTERVAL 7 HOUR)"),
        ("province_day_people",
         f"SELECT day, SUM(people) FROM {database}.province_day_people WHERE province = {p} GROUP BY day",
         f"SELECT day, COUNT(DISTINCT person_id) FROM {c} WHERE province = {p} GROUP BY day"),
        ("day_presence",
         f"SELECT day, person_id, scans FROM {database}.day_presence WHERE province = {p}",
         f"SELECT day, person_id, COUNT(*) FROM {c} WHERE province = {p} GROUP BY day, person_id"),
        ("area_day_presence",
         f"SELECT day, area_code, person_id, scans FROM {database}.area_day_presence WHERE province = {p}",
         f"SELECT c.day, v.area_code, c.person_id, COUNT(*) FROM {by_area} GROUP BY c.day, v.area_code, c.person_id"),
        ("venues.last_scan_day",
         f"SELECT id, last_scan_day FROM {database}.venues WHERE province = {p} AND last_scan_day IS NOT NULL",
         f"SELECT venue_id, MAX(day) FROM {c} WHERE province = {p} GROUP BY venue_id"),
        ("people.last_checkin_day",
         f"SELECT id, last_checkin_day FROM {database}.people WHERE province = {p} AND last_checkin_day IS NOT NULL",
         f"SELECT person_id, MAX(day) FROM {c} WHERE province = {p} GROUP BY person_id"),
        ("checkins_uncounted",
         f"SELECT COUNT(*) FROM {database}.checkins_uncounted WHERE province = {p}",
         "SELECT 0"),
    ]
    out = []
    for name, counters, recount in pairs:
        got, want = rows(counters), rows(recount)
        if got != want:
            out.append((name, len(got), got[:3], len(want), want[:3]))
    return out


@contextlib.contextmanager
def writer_stopped(stack):
    """The stack's check-in writer stopped (SIGSTOP), continued afterwards."""
    pid = child_pid(stack, WRITER_NAME)
    check(pid, "no check-in writer")
    os.kill(pid, signal.SIGSTOP)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGCONT)


# How long sent_together holds the writer while the workers' check-ins reach it: far less than
# the age past which the writer no longer begins a check-in (WRITER_MAX_AGE_MS, 500 ms).
WRITER_HOLD_SECONDS = 0.3


def sent_together(stack, senders):
    """Each sender's request sent at once while the writer is held, so that all reach it before
    it goes on: (procedure calls MariaDB counted meanwhile, the answers)."""
    answers = []

    def send_together():
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(senders)) as pool:
            with writer_stopped(stack):
                futures = [pool.submit(send) for send in senders]
                time.sleep(WRITER_HOLD_SECONDS)
            answers.extend(f.result() for f in futures)

    calls = status_while(stack, ("Com_call_procedure",), send_together)["Com_call_procedure"]
    return calls, answers
