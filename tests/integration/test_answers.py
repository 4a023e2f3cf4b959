"""Health answers are health data (Decree 13/2023/NĐ-CP): stored sealed to their check-in row,
never in clear, shown decrypted where staff and the resident read them (tracing, my data, the
tracing CSVs), reported, not shown, when a row holds answers that are not its own; the amber
flag and the counters stay in clear. A resident checks in on the poster's form (fever) with a
phone that remembers them, a contact through the API (cough), a paper row by the command line.
The rows are read back with SQL and decrypted here, independently of the application."""
import os
import re
import tempfile
import time

import fixtures
from harness import Browser, check, logged_in, poll
from test_checkins import Api, NO
from test_imports import HEADER

# The counters' folder folds a check-in into the counters within seconds (schema/025); a loose
# bound for a shared machine.
FOLDED_SECONDS = 60

CASE_PHONE = "0912716001"
CONTACT_PHONE = "0912716002"
CASE_NAME = "Trần Văn Khai Báo"
CONTACT_NAME = "Lê Thị Tiếp Xúc"
CASE_ANSWERS = "fever=yes;cough=no;breath=no;throat=no;taste=no;contact=no;travel=no;doses=3"
CONTACT_ANSWERS = "fever=no;cough=yes;breath=no;throat=no;taste=no;contact=no;travel=no;doses=2"
# What an old binary wrote: the answers as text.
CLEAR_ANSWERS = "fever=no;cough=no;breath=no;throat=yes;taste=no;contact=no;travel=no;doses=1"
REASON = "Kiểm tra khai báo y tế đã mã hoá"
VN_OFFSET = 7 * 3600
PERSON = re.compile(r'<section class="card trace-person".*?</section>', re.S)
UNREADABLE = "Không đọc được khai báo y tế"
# Bytes that would give answers away: question ids, values, the "id=value;" shape.
CLEAR_SIGNS = [b"fever", b"cough", b"throat", b"doses", b"verbal", b"yes", b"c\xc3\xb3", b"kh\xc3\xb4ng"]
CLEAR_SHAPE = re.compile(rb"[a-z]{3,}=[a-z0-9+]+;")


def vn_local(seconds):
    return time.strftime("%Y-%m-%dT%H:%M", time.gmtime(seconds + VN_OFFSET))


def vn_date(seconds):
    return time.strftime("%Y-%m-%d", time.gmtime(seconds + VN_OFFSET))


class World:
    def __init__(self, stack):
        self.stack = stack
        self.api = Api(stack)
        self.venue_id, self.code = self.api.venue_id, self.api.code
        self.phone = Browser(stack)
        fields = {k: "no" for k in NO}
        fields.update(fever="yes", doses="3", key="answers-case-1", direction="in", full_name=CASE_NAME,
                      phone=CASE_PHONE, birth_year="1988", consent="1", remember="1")
        r = self.phone.post_form(f"/ha-noi/c/{self.code}", fields)
        check(r.status < 400 and "vaora_people_01" in self.phone.cookies, ("self check-in", r.status))
        self.case_row = int(fixtures.sql(stack, "SELECT MIN(id) FROM vaora_s1.checkins"
                                                f" WHERE venue_id = {self.venue_id}"))
        self.case = int(fixtures.sql(stack, f"SELECT person_id FROM vaora_s1.checkins WHERE id = {self.case_row}"))
        r, body = self.api.post(answers=dict(NO, cough="yes"), pressed_at_ms=int(time.time() * 1000),
                                person={"full_name": CONTACT_NAME, "phone": CONTACT_PHONE, "birth_year": 1990})
        check(r.status == 201 and body["amber"], (r.status, body))
        self.contact_row = body["id"] if "id" in body else int(fixtures.sql(
            stack, f"SELECT MAX(id) FROM vaora_s1.checkins WHERE venue_id = {self.venue_id}"))
        self.tracer = logged_in(stack, "hn.tracer")

    def case_fields(self):
        now = time.time()
        return {"phone": CASE_PHONE, "from": vn_date(now - 86400), "to": vn_date(now), "slack": "", "reason": REASON}

    def venue_fields(self):
        now = time.time()
        return {"venue": self.code, "from": vn_local(now - 3 * 3600), "to": vn_local(now + 600), "reason": REASON}


_world = None


def world(stack):
    global _world
    if _world is None:
        _world = World(stack)
    return _world


def paper_row(stack, code):
    """A paper declaration (fever: có) recorded by `vaora checkins import`."""
    line = (f"{code},{time.strftime('%d/%m/%Y %H:%M', time.gmtime(time.time() + VN_OFFSET - 3600))},Vào,"
            "Phạm Giấy Tờ,0912716003,,1970,Nam,,,có,không,không,không,không,không,không,1")
    fd, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(HEADER + "\n" + line + "\n")
    try:
        r = stack.vaora("checkins", "import", "--province", "ha-noi", "--file", path)
    finally:
        os.unlink(path)
    check(r.returncode == 0 and b"1 recorded" in r.stdout, (r.stdout, r.stderr))


def csv_text(r):
    check(r.status == 200 and r.header("Content-Type").startswith("text/csv"), (r.status, r.text[:300]))
    return r.body.decode("utf-8-sig")


def block_of(page, name):
    return next((b for b in PERSON.findall(page) if name in b), "")


def test_answers_are_not_stored_in_clear(stack):
    w = world(stack)
    paper_row(stack, w.code)
    stored = fixtures.stored_answers(stack, f"venue_id = {w.venue_id}")
    check(len(stored) == 3, stored.keys())
    for cid, (data, text) in stored.items():
        check(not any(sign in data for sign in CLEAR_SIGNS) and not CLEAR_SHAPE.search(data),
              ("answers readable in the row", cid, data))
        check(data[:1] in (b"\0", b"\1") and data[1] >= 1, ("not the sealed format", cid, data[:4]))
        check(text is not None, ("the row's answers do not decrypt with its own binding", cid))
    texts = sorted(text for _, text in stored.values())
    check(texts == sorted([CASE_ANSWERS, CONTACT_ANSWERS, CASE_ANSWERS.replace("doses=3", "doses=1")]), texts)


def test_answers_are_shown_decrypted_in_tracing_my_data_and_exports(stack):
    w = world(stack)
    r = w.tracer.post_form("/ha-noi/tracing", w.case_fields())
    check(r.status == 200, (r.status, r.text[:500]))
    visits = re.search(r'<table tabindex="0" id="case-visits">(.*?)</table>', r.text, re.S).group(1)
    check("Sốt: Có · Ho: Không" in visits and "Số mũi vắc-xin đã tiêm: 3" in visits, visits)
    check("Sốt: Không · Ho: Có" in block_of(r.text, CONTACT_NAME), block_of(r.text, CONTACT_NAME))
    text = csv_text(w.tracer.post_form("/ha-noi/tracing/export.csv", w.case_fields(), csrf_page="/ha-noi/tracing"))
    header, row = text.splitlines()[0], next(line for line in text.splitlines() if CONTACT_NAME in line)
    check(header.endswith("Khai báo y tế") and "Sốt: Không · Ho: Có" in row, text[:600])
    r = w.tracer.post_form("/ha-noi/tracing/venue", w.venue_fields())
    check("Sốt: Có" in block_of(r.text, CASE_NAME) and "Ho: Có" in block_of(r.text, CONTACT_NAME), r.text[-3000:])
    text = csv_text(w.tracer.post_form("/ha-noi/tracing/venue/export.csv", w.venue_fields(),
                                       csrf_page="/ha-noi/tracing/venue"))
    case_line = next(line for line in text.splitlines() if CASE_NAME in line)
    check("Sốt: Có · Ho: Không" in case_line, text[:600])
    me = w.phone.get("/ha-noi/me?lang=en").text
    check("Fever: Yes · Cough: No" in me and "Vaccine doses received: 3" in me, me[-2500:])


def test_migrate_encrypts_answers_left_in_clear(stack):
    w = world(stack)
    at = int(time.time()) - 2 * 3600
    utc = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at))
    fixtures.sql(stack, "INSERT INTO vaora_s1.checkins (province, day, venue_id, person_id, direction, method, answers,"
                        " amber, form_version, pressed_at, received_at, check_code) VALUES"
                        f" ('01', '{vn_date(at)}', {w.venue_id}, {w.case}, 'in', 'self', '{CLEAR_ANSWERS}', 1, 1,"
                        f" TIMESTAMP '{utc}', TIMESTAMP '{utc}', 'ACDE')")
    row = int(fixtures.sql(stack, f"SELECT id FROM vaora_s1.checkins WHERE venue_id = {w.venue_id}"
                                  f" AND pressed_at = TIMESTAMP '{utc}'"))
    check(fixtures.stored_answers(stack, f"id = {row}")[row][0] == CLEAR_ANSWERS.encode(), "the row is not in clear")
    # A database from before schema/016: the file is not in its ledger.
    for database in ("vaora_s1", "vaora_s2"):
        fixtures.sql(stack, f"DELETE FROM {database}.schema_migrations WHERE version = 16")
    r = stack.vaora("migrate")
    out = r.stdout.decode()
    check(r.returncode == 0 and "applied 016-sealed-answers.sql" in out, (out, r.stderr))
    sealed = re.search(r"^ha-noi: sealed the answers of (\d+) check-ins$", out, re.M)
    check(sealed and int(sealed.group(1)) >= 1, out)
    data, text = fixtures.stored_answers(stack, f"id = {row}")[row]
    check(data[:1] == b"\0" and b"throat" not in data and text == CLEAR_ANSWERS, (data, text))
    me = w.phone.get("/ha-noi/me?lang=en").text
    check("Sore throat: Yes" in me and UNREADABLE not in me, me[-2500:])
    # Again: nothing left to seal, nothing applied.
    r = stack.vaora("migrate")
    check(r.returncode == 0 and b"sealed" not in r.stdout and b"applied" not in r.stdout, r.stdout)


def test_a_ciphertext_moved_to_another_row_does_not_decrypt(stack):
    w = world(stack)
    # Someone with write access swaps the case's and the contact's answers.
    fixtures.sql(stack, f"SET @case = (SELECT answers FROM vaora_s1.checkins WHERE id = {w.case_row});"
                        f" SET @contact = (SELECT answers FROM vaora_s1.checkins WHERE id = {w.contact_row});"
                        f" UPDATE vaora_s1.checkins SET answers = @contact WHERE id = {w.case_row};"
                        f" UPDATE vaora_s1.checkins SET answers = @case WHERE id = {w.contact_row};")
    r = w.tracer.post_form("/ha-noi/tracing/venue", w.venue_fields())
    contact = block_of(r.text, CONTACT_NAME)
    check(UNREADABLE in contact and "Sốt: Có" not in contact and "Ho: Có" not in contact, contact)
    check(UNREADABLE in block_of(r.text, CASE_NAME) and "Ho: Có" not in block_of(r.text, CASE_NAME),
          block_of(r.text, CASE_NAME))
    text = csv_text(w.tracer.post_form("/ha-noi/tracing/venue/export.csv", w.venue_fields(),
                                       csrf_page="/ha-noi/tracing/venue"))
    contact_line = next(line for line in text.splitlines() if CONTACT_NAME in line)
    check(UNREADABLE in contact_line and "Sốt: Có" not in contact_line, contact_line)
    # The one tap repeats nothing it cannot read: the phone is asked the questions again.
    page = w.phone.get(f"/ha-noi/c/{w.code}?lang=vi").text
    check("không thay đổi" not in page and 'name="fever"' not in page and "Khai báo y tế</a>" in page, page[-3000:])
    with open(os.path.join(stack.var, "log", "vaora.log"), encoding="utf-8", errors="replace") as f:
        log = f.read()
    for row in (w.contact_row, w.case_row):
        check(f"01 check-in {row}: its answers do not decrypt in their row" in log, f"no log line for {row}")


def test_amber_flag_and_counters_still_work(stack):
    w = world(stack)
    r, body = w.api.post(person={"full_name": "Ngô Văn Khoẻ", "phone": "0912716004", "birth_year": 1975})
    check(r.status == 201 and not body["amber"], (r.status, body))
    person = fixtures.sql(stack, f"SELECT person_id FROM vaora_s1.checkins WHERE id = {body['id']}")
    amber = [fixtures.sql(stack, f"SELECT amber FROM vaora_s1.checkins WHERE {where}")
             for where in (f"id = {w.case_row}", f"id = {w.contact_row}", f"person_id = {person}")]
    check(amber == ["1", "1", "0"], amber)
    # The flag is in clear beside answers that are not.
    stored = fixtures.stored_answers(stack, f"venue_id = {w.venue_id} AND person_id = {person}")
    check(all(data[:1] == b"\0" and b"fever" not in data for data, _ in stored.values()), stored)
    # Every day of the module's venue: its paper row is dated an hour back, which in the first
    # hour after Vietnam's midnight is yesterday.
    def counted():
        return (fixtures.sql(stack, "SELECT SUM(scans) FROM vaora_s1.venue_day_counts WHERE province = '01'"
                                    f" AND venue_id = {w.venue_id}"),
                fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01'"
                                    f" AND venue_id = {w.venue_id}"))
    # Counted by the counters' folder within seconds (schema/025), not in the check-in's commit.
    poll(lambda: counted()[0] == counted()[1], FOLDED_SECONDS)
    scans, rows = counted()
    check(scans == rows and int(rows) >= 4, (scans, rows))
