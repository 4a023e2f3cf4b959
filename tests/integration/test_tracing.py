"""Contact tracing: a case and five others check in at two venues through the JSON API at
instants the settable clock gives (no sleeps), then a tracer lists the case's F1 candidates and
everyone at a venue in a window, on the page and as CSV; each query is audited with its reason,
and a tracer of another province gets 404 for all of it."""
import csv
import html
import io
import re
import time

import fixtures
from harness import check, logged_in
from test_checkins import Api, set_clock
from test_visits import MINUTE, VN_OFFSET, moved_clock, two_days_ago

CASE_PHONE = "0912 700 000"
# A name a spreadsheet would run as a formula, were the CSV not neutralized.
FORMULA_NAME = '=HYPERLINK("http://evil.example","Xem")'
REASON = "Ca bệnh BN-7001, quyết định 12/QĐ-CDC"
VENUE_REASON = "Ổ dịch chợ, công văn 34/CDC"
PERSON = re.compile(r'<section class="card trace-person".*?</section>', re.S)
NAME = re.compile(r'<span class="trace-name">(.*?)</span>')
TOTAL = re.compile(r'<span class="trace-total">[^:]*: (\d+) ')
OVERLAP = re.compile(r'<td class="trace-overlap">(\d+)</td>')
# The first characters a spreadsheet treats as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def vn_date(seconds):
    return time.strftime("%Y-%m-%d", time.gmtime(seconds + VN_OFFSET))


def vn_local(seconds):
    """As a datetime-local field sends it, in Vietnam time."""
    return time.strftime("%Y-%m-%dT%H:%M", time.gmtime(seconds + VN_OFFSET))


class World:
    """The known data set, recorded once: the case C and P1..P5 at a shop A (30 min stay) and a
    market B (60 min), around T.

        C   A in T, out T+60 (check-out);  B in T+120, no check-out (default stay to T+180)
        P1  A T+75..T+100: touches the case's A visit widened by 15 min (ends T+75): 0 min
        P2  A T+20..T+40 inside it: 20 min; B T+150..T+160: 10 min; one person, 30 min
        P3  A T-40..T-16: one minute outside the slack: not listed
        P4  A T-40..T-14: one minute inside it: 1 min
        P5  B in T+170, no check-out (stay to T+230) vs B widened to T+195: 25 min; its name
            starts with "="
    """

    def __init__(self, stack):
        self.stack = stack
        self.api = Api(stack)
        self.shop = self.api.code
        self.market_id = fixtures.add_venue(stack, "01", "Chợ Truy Vết", "00070", category="market", verified=True)
        self.market = self.api.venue_code(self.market_id)
        self.people = {}
        self.t = two_days_ago()
        t = self.t
        with moved_clock(stack):
            self.press("C", "Lê Thị Ca", CASE_PHONE, [(self.shop, t, "in"), (self.shop, t + 60 * MINUTE, "out"),
                                                      (self.market, t + 120 * MINUTE, "in")])
            self.press("P1", "Phạm Văn Chạm", "0912 700 001",
                       [(self.shop, t + 75 * MINUTE, "in"), (self.shop, t + 100 * MINUTE, "out")])
            self.press("P2", "Hoàng Thị Trong", "0912 700 002",
                       [(self.shop, t + 20 * MINUTE, "in"), (self.shop, t + 40 * MINUTE, "out"),
                        (self.market, t + 150 * MINUTE, "in"), (self.market, t + 160 * MINUTE, "out")])
            self.press("P3", "Vũ Văn Ngoài", "0912 700 003",
                       [(self.shop, t - 40 * MINUTE, "in"), (self.shop, t - 16 * MINUTE, "out")])
            self.press("P4", "Đỗ Thị Trong Biên", "0912 700 004",
                       [(self.shop, t - 40 * MINUTE, "in"), (self.shop, t - 14 * MINUTE, "out")])
            self.press("P5", FORMULA_NAME, "0912 700 005", [(self.market, t + 170 * MINUTE, "in")])
        self.tracer = logged_in(stack, "hn.tracer")

    def press(self, label, name, phone, presses):
        card = None
        for code, at, direction in presses:
            set_clock(self.stack, at)
            who = {"card": card, "person": None} if card else {
                "person": {"full_name": name, "phone": phone, "birth_year": 1980}}
            r, body = self.api.post(venue=code, direction=direction, pressed_at_ms=at * 1000, **who)
            check(r.status == 201 and not body["already_recorded"], (label, r.status, body))
            card = card or body["card"]
        self.people[label] = name

    def case_fields(self, **extra):
        fields = {"phone": CASE_PHONE, "from": vn_date(self.t - 3600), "to": vn_date(self.t + 5 * 3600),
                  "slack": "", "reason": REASON}
        fields.update(extra)
        return fields

    def venue_fields(self, **extra):
        fields = {"venue": self.shop, "from": vn_local(self.t + 10 * MINUTE), "to": vn_local(self.t + 30 * MINUTE),
                  "reason": VENUE_REASON}
        fields.update(extra)
        return fields


_world = None


def world(stack):
    global _world
    if _world is None:
        _world = World(stack)
    return _world


def listed(page):
    """[(name, total minutes, [overlap minutes of each contact])] as the results page lists them."""
    out = []
    for block in PERSON.findall(page):
        out.append((html.unescape(NAME.search(block).group(1)), int(TOTAL.search(block).group(1)),
                    [int(m) for m in OVERLAP.findall(block)]))
    return out


def audit_rows(stack, action):
    rows = fixtures.sql(stack, "SELECT object, detail FROM vaora_s1.audit_log WHERE province = '01'"
                               f" AND action = '{action}' ORDER BY id")
    return [line.split("\t") for line in rows.splitlines()]


def test_f1_candidates_follow_the_overlap_rules(stack):
    w = world(stack)
    r = w.tracer.post_form("/ha-noi/tracing", w.case_fields())
    check(r.status == 200, (r.status, r.text[:500]))
    p = w.people
    want = [(p["P2"], 30, [20, 10]), (p["P5"], 25, [25]), (p["P4"], 1, [1]), (p["P1"], 0, [0])]
    got = listed(r.text)
    check(got == want, (got, want))
    check("Lê Thị Ca" in r.text, "the case's name")
    # The case's visits: ended by the check-out, and by the market's default stay.
    visits = re.search(r'<table tabindex="0" id="case-visits">(.*?)</table>', r.text, re.S).group(1)
    check(visits.count("<tr>") == 3 and "đã quét ra" in visits and "ước tính theo loại địa điểm" in visits, visits)
    # The name is escaped on the page like any user data.
    check("=HYPERLINK(&quot;http://evil.example&quot;" in r.text, "formula name not escaped")


def test_the_slack_is_configurable(stack):
    w = world(stack)
    # 16 minutes: P3's end now touches the widened visit (0 min) and P4 overlaps it by 2.
    got = dict((name, total) for name, total, _ in listed(
        w.tracer.post_form("/ha-noi/tracing", w.case_fields(slack="16")).text))
    check(got.get(w.people["P3"]) == 0 and got.get(w.people["P4"]) == 2, got)
    # No slack: only what overlaps the visits themselves (P1's start at T+75 is out).
    got = dict((name, total) for name, total, _ in listed(
        w.tracer.post_form("/ha-noi/tracing", w.case_fields(slack="0")).text))
    check(got == {w.people["P2"]: 30, w.people["P5"]: 10}, got)


def test_everyone_at_a_venue_in_a_window(stack):
    w = world(stack)
    r = w.tracer.post_form("/ha-noi/tracing/venue", w.venue_fields())
    check(r.status == 200, (r.status, r.text[:500]))
    got = listed(r.text)
    check(got == [("Lê Thị Ca", 20, [20]), (w.people["P2"], 10, [10])], got)
    # The venue by its number gives the same people.
    r = w.tracer.post_form("/ha-noi/tracing/venue", w.venue_fields(venue=str(w.market_id),
                                                                   to=vn_local(w.t + 175 * MINUTE)))
    got = [name for name, _, _ in listed(r.text)]
    check(got == ["Lê Thị Ca", w.people["P2"], w.people["P5"]], got)


def test_wrong_input_is_named_and_not_audited(stack):
    w = world(stack)
    before = len(audit_rows(stack, "trace-case"))
    r = w.tracer.post_form("/ha-noi/tracing", w.case_fields(reason="short", slack="999", to="2020-13-01"))
    check(r.status == 400, r.status)
    for message in ("ít nhất 10 ký tự", "từ 0 đến 240", "Ngày không hợp lệ"):
        check(message in r.text, message)
    r = w.tracer.post_form("/ha-noi/tracing", w.case_fields(phone="0912 799 999"))
    check(r.status == 400 and "Không có ai với số này" in r.text, r.status)
    r = w.tracer.post_form("/ha-noi/tracing/venue", w.venue_fields(venue="AAAAAAAAAAAAAAAAAA"))
    check(r.status == 400 and "Không có địa điểm nào" in r.text, r.status)
    check(len(audit_rows(stack, "trace-case")) == before, "a refused query was audited as a trace")


def test_a_pick_of_no_kind_is_no_pick_and_the_export_form_resends_it_as_typed(stack):
    w = world(stack)
    for pick in ("abc", "-1", "1e3", "9" * 30):
        r = w.tracer.post_form("/ha-noi/tracing", w.case_fields(person_id=pick))
        check(r.status == 200 and "Lê Thị Ca" in r.text, (pick, r.status))
        check(f'<input type="hidden" name="person_id" value="{pick}">' in r.text, (pick, "not resent as typed"))


def csv_rows(r):
    check(r.status == 200, (r.status, r.text[:300]))
    check(r.header("Content-Type").startswith("text/csv"), r.header("Content-Type"))
    check(r.header("Content-Disposition").startswith("attachment; filename=\"tracing-ha-noi-"),
          r.header("Content-Disposition"))
    check(r.body.startswith(b"\xef\xbb\xbf"), r.body[:10])
    return list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))


def test_case_export_is_neutralized_csv(stack):
    w = world(stack)
    r = w.tracer.post_form("/ha-noi/tracing/export.csv", w.case_fields(), csrf_page="/ha-noi/tracing")
    rows = csv_rows(r)
    check(rows[0][0] == "Họ và tên" and len(rows[0]) == 10 and rows[0][9] == "Khai báo y tế", rows[0])
    body = rows[1:]
    check([row[0] for row in body] == [w.people["P2"], w.people["P2"], "'" + FORMULA_NAME, w.people["P4"],
                                       w.people["P1"]], [row[0] for row in body])
    check(all(not cell.startswith(FORMULA_STARTS) for row in rows for cell in row), rows)
    p5 = body[2]
    check(p5[1] == "0912700005" and p5[2] == "Chợ Truy Vết" and p5[7] == "25" and p5[8] == "25", p5)
    # The raw bytes quote the neutralized cell, with the quotes inside doubled.
    check(b'"\'=HYPERLINK(""http://evil.example"",""Xem"")"' in r.body, r.body[:400])


def test_venue_export(stack):
    w = world(stack)
    r = w.tracer.post_form("/ha-noi/tracing/venue/export.csv", w.venue_fields(), csrf_page="/ha-noi/tracing/venue")
    rows = csv_rows(r)
    check([(row[0], row[7]) for row in rows[1:]] == [("Lê Thị Ca", "20"), (w.people["P2"], "10")], rows)


def test_every_query_and_export_is_audited_with_its_reason(stack):
    w = world(stack)
    w.tracer.post_form("/ha-noi/tracing", w.case_fields())
    w.tracer.post_form("/ha-noi/tracing/export.csv", w.case_fields(), csrf_page="/ha-noi/tracing")
    w.tracer.post_form("/ha-noi/tracing/venue", w.venue_fields())
    w.tracer.post_form("/ha-noi/tracing/venue/export.csv", w.venue_fields(), csrf_page="/ha-noi/tracing/venue")
    for action, reason in (("trace-case", REASON), ("trace-case-export", REASON), ("trace-venue", VENUE_REASON),
                           ("trace-venue-export", VENUE_REASON)):
        rows = audit_rows(stack, action)
        check(rows and rows[-1][1].startswith(reason + " | "), (action, rows[-1:]))
        check(rows[-1][0].startswith("person:" if "case" in action else "venue:"), rows[-1])
        actor = fixtures.sql(stack, "SELECT actor_login FROM vaora_s1.audit_log WHERE province = '01'"
                                    f" AND action = '{action}' ORDER BY id DESC LIMIT 1")
        check(actor == "hn.tracer", actor)
    # No personal data in the audit log: neither the case's phone nor anyone's name.
    details = fixtures.sql(stack, "SELECT GROUP_CONCAT(detail, object) FROM vaora_s1.audit_log"
                                  " WHERE province = '01' AND action LIKE 'trace-%'")
    for secret in ("0912700000", "0912 700 000", "Lê Thị Ca", "Hoàng Thị Trong", "HYPERLINK"):
        check(secret not in details, secret)


def test_a_tracer_of_another_province_gets_404(stack):
    w = world(stack)
    _, otp = fixtures.add_account(stack, "79", "tracer", "hcm.tracing.tracer")
    hcm = fixtures.login_with_new_password(stack, "ho-chi-minh", "hcm.tracing.tracer", otp)
    check(hcm.get("/ho-chi-minh/tracing").status == 200, "own province's tracing page")
    for path in ("/ha-noi/tracing", "/ha-noi/tracing/venue"):
        check(hcm.get(path).status == 404, path)
    for path, fields in (("/ha-noi/tracing", w.case_fields()), ("/ha-noi/tracing/export.csv", w.case_fields()),
                         ("/ha-noi/tracing/venue", w.venue_fields()),
                         ("/ha-noi/tracing/venue/export.csv", w.venue_fields())):
        r = hcm.post_form(path, fields, csrf_page="/ha-noi/login")
        check(r.status == 404 and "Lê Thị Ca" not in r.text, (path, r.status))


def test_a_crowded_window_lists_everyone(stack):
    """Thirty people at a hall within ten minutes, each staying on: all listed with their names
    (read 24 to a query, so more than one query's worth)."""
    w = world(stack)
    hall = w.api.venue_code(fixtures.add_venue(stack, "01", "Hội trường Truy Vết", "00070", category="event",
                                                     verified=True))
    t = w.t + 10 * 3600
    names = {f"Khách Hội Trường {i:02d}" for i in range(30)}
    with moved_clock(stack):
        for i, name in enumerate(sorted(names)):
            set_clock(stack, t + i * 20)
            r, body = w.api.post(venue=hall, direction="in", pressed_at_ms=(t + i * 20) * 1000,
                                 person={"full_name": name, "phone": f"0912 71{i:04d}", "birth_year": 1990})
            check(r.status == 201, (r.status, body))
    r = w.tracer.post_form("/ha-noi/tracing/venue", w.venue_fields(venue=hall, **{
        "from": vn_local(t + 30 * MINUTE), "to": vn_local(t + 40 * MINUTE)}))
    got = {name for name, _, _ in listed(r.text)}
    check(got == names, sorted(names - got))
