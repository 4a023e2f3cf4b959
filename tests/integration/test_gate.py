"""Gate mode as a venue's manager and volunteer use it: personal QR cards and chip ID cards
(CCCD) scanned at POST /{province}/venues/{id}/gate/scans, answered as the JSON flash the
page's script shows (or as the page again without script); what is stored each time, and
that a garbled, unknown, replaced or half-read code stores nothing."""
import concurrent.futures
import hashlib
import hmac
import json
import os
import random
import re
import secrets
import signal
import subprocess
import threading
import time
import urllib.parse

import fixtures
from harness import Browser, check, logged_in

# A real-shaped CCCD QR: ID number|old ID|full name|birth date ddmmyyyy|gender|address|issue date.
CCCD = "{id}|012345678|Lê Thị Thu Hà|02011995|Nữ|Số 5 Hàng Bạc, Hoàn Kiếm, Hà Nội|10072021"
# The same card as a USB reader without Unicode output types it: every mark dropped.
CCCD_ASCII = "{id}|012345678|Le Thi Thu Ha|02011995|Nu|So 5 Hang Bac, Hoan Kiem, Ha Noi|10072021"


def flash_name(given, id_number):
    """The name every flash shows for an ID card: given name and the number's last 4 digits."""
    return f"{given} …{id_number[-4:]}"


# Simultaneous first scans tried per run: each round is one chance for the two to interleave.
ROUNDS_AT_ONCE = 6


def new_id_number():
    return "001" + "".join(random.choice("0123456789") for _ in range(9))


_venues = {}


def gate_venue(stack):
    """A venue of hn.manager with hn.volunteer at its gate, apart from the demo venue where the
    residents made here check themselves in (a gate scan within two minutes would repeat it)."""
    if stack.port not in _venues:
        venue = fixtures.add_venue(stack, "01", "Cổng Nhà thi đấu", "00070", category="event", verified=True)
        fixtures.make_manager(stack, "01", venue, "hn.manager")
        fixtures.make_manager(stack, "01", venue, "hn.volunteer", kind="volunteer")
        _venues[stack.port] = venue
    return _venues[stack.port]


class Gate:
    """A staff member's gate page at a venue, sending scans as its script does."""

    def __init__(self, stack, login="hn.manager", venue_id=None):
        self.stack = stack
        self.venue = venue_id or gate_venue(stack)
        self.staff = logged_in(stack, login)
        self.path = f"/ha-noi/venues/{self.venue}/gate"
        self.csrf = self.staff.csrf_from(self.path)

    def scan(self, code, key=None, reply="json", **fields):
        data = {"csrf": self.csrf, "code": code, "method": "gate-reader", "direction": "in",
                "declaration": "verbal", "consent": "1", "key": key or secrets.token_hex(12),
                "reply": reply, "pressed_at_ms": str(int(time.time() * 1000))}
        data.update(fields)
        r = self.staff.request("POST", self.path + "/scans", body=urllib.parse.urlencode(data))
        return r, (json.loads(r.body) if reply == "json" and r.status < 500 and r.body[:1] == b"{" else None)


def rows(stack, where):
    return int(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01' AND {where}"))


def people(stack):
    return int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.people WHERE province = '01'"))


def resident_card(stack, name):
    """The URL in a new resident's personal QR, as a camera reads it."""
    admin = logged_in(stack, "hn.admin")
    phone = Browser(stack)
    check(fixtures.remember(stack, phone, name, fixtures.venue_code(admin, fixtures.demo_venue_id(stack))),
          "no self check-in")
    return fixtures.card_url(stack, phone), phone


def latest_person(stack):
    """The person of the latest check-in of the province."""
    return int(fixtures.sql(stack, "SELECT person_id FROM vaora_s1.checkins WHERE province = '01'"
                                   " ORDER BY id DESC LIMIT 1"))


def test_gate_page_and_links(stack):
    venue = gate_venue(stack)
    volunteer = logged_in(stack, "hn.volunteer")
    r = volunteer.get(f"/ha-noi/venues/{venue}/gate")
    check(r.status == 200 and 'id="code"' in r.text and "/gate/scans" in r.text and "Chế độ cổng" in r.text,
          r.status)
    check(re.search(r'src="/static/gate.js(\?v=[0-9a-f]+)?"', r.text) and 'name="declaration" value="verbal" checked' in r.text, "gate form")
    desk = volunteer.get("/ha-noi/desk").text
    check(f'href="/ha-noi/venues/{venue}/gate"' in desk, "the volunteer's desk has no gate link")
    manager = logged_in(stack, "hn.manager")
    check(f'href="/ha-noi/venues/{venue}/gate"' in manager.get(f"/ha-noi/venues/{venue}").text, "venue page link")
    r = logged_in(stack, "hn.manager").get(f"/ha-noi/venues/{venue}/gate?lang=en")
    check("Gate mode" in r.text and "Declared verbally" in r.text, "English gate page")
    check(stack.get("/static/vendor/jsqr/jsQR.js").status == 200, "jsQR is not served")


def test_card_scan_records_once_and_keeps_the_two_minute_rule(stack):
    url, _ = resident_card(stack, "Phạm Văn Cổng")
    gate = Gate(stack)
    venue = gate.venue
    before = rows(stack, f"venue_id = {venue} AND method = 'gate-reader'")
    key = "gate-card-" + secrets.token_hex(8)
    r, a = gate.scan(url, key=key)
    check(r.status == 200 and a["outcome"] == "recorded" and a["color"] == "green" and a["name"] == "Cổng", a)
    check(a["direction"] == "in" and re.fullmatch(r"[A-Z0-9]{4}", a["check_code"]), a)
    person = latest_person(stack)
    manager = fixtures.sql(stack, "SELECT id FROM vaora_s1.accounts WHERE login = 'hn.manager'")
    stored = fixtures.sql(stack, "SELECT method, filed_by, amber, id FROM vaora_s1.checkins"
                                 f" WHERE province = '01' AND person_id = {person} ORDER BY id DESC LIMIT 1").split("\t")
    check(stored[0] == "gate-reader" and stored[1] == manager and stored[2] == "0", stored)
    _, answers = fixtures.stored_answers(stack, f"id = {stored[3]}")[int(stored[3])]
    check(answers.endswith(";verbal=yes") and "fever=no" in answers and "doses" not in answers, answers)
    # The same key again (a retry) is the same check-in; a new scan within two minutes is shown only.
    _, again = gate.scan(url, key=key)
    check(again["outcome"] == "recorded" and again["check_code"] == a["check_code"], again)
    r, already = gate.scan(url.lower())
    check(r.status == 200 and already["outcome"] == "already" and already["check_code"] == a["check_code"], already)
    check(rows(stack, f"venue_id = {venue} AND method = 'gate-reader'") == before + 1, "rows after repeats")
    # Out is another check-in, by camera this time.
    _, out = gate.scan(url, direction="out", method="gate-camera")
    check(out["outcome"] == "recorded" and out["direction"] == "out", out)
    check(rows(stack, f"person_id = {person} AND method = 'gate-camera' AND direction = 'out'") == 1, "out row")
    # A verbal declaration is nobody's own answers: the phone's next check-in asks the questions.
    verbal = [a for _, a in fixtures.stored_answers(stack, f"person_id = {person}").values() if a.endswith("verbal=yes")]
    check(len(verbal) == 2, ("verbal rows", verbal))


def test_new_cccd_holder_is_created_then_found(stack):
    gate = Gate(stack)
    id_number = new_id_number()
    card = CCCD.format(id=id_number)
    before_people = people(stack)
    r, a = gate.scan(card)
    check(r.status == 200 and a["outcome"] == "recorded" and a["name"] == flash_name("Hà", id_number), a)
    check(a["read"]["id_number"] == id_number and a["read"]["gender"] == "female", a)
    check(people(stack) == before_people + 1, "no person created")
    shown = gate.stack.vaora("people", "show", "--province", "ha-noi", "--id-number", id_number).stdout.decode()
    for line in ("  name: Lê Thị Thu Hà", "  birth year: 1995", "  gender: female",
                 "  address: Số 5 Hàng Bạc, Hoàn Kiếm, Hà Nội"):
        check(line in shown.split("\n"), (line, shown))
    # The same card again: the same person, within two minutes shown only.
    _, again = gate.scan(card)
    check(again["outcome"] == "already", again)
    check(people(stack) == before_people + 1, "a second person for the same card")
    # A card of a known ID number shows the card's name, whatever is stored.
    _, other = gate.scan(f"{id_number}||Ai Đó Khác|02011995|Nữ|Hà Nội|10072021", direction="out")
    check(other["outcome"] == "recorded" and other["name"] == flash_name("Khác", id_number), other)


def test_a_holder_made_by_the_scan_is_audited_as_made_by_the_guard_and_dated_by_its_checkin(stack):
    """A new card's holder, made in the look-up's own call (schema/035), is stored as a new
    person of any other check-in is: one audit entry of its creation naming the guard, its
    notice agreed, its last check-in day the check-in's, its name sealed."""
    gate = Gate(stack)
    r, a = gate.scan(CCCD.format(id=new_id_number()))
    check(r.status == 200 and a["outcome"] == "recorded", a)
    person = latest_person(stack)
    audit = fixtures.sql(stack, "SELECT COUNT(*), MAX(actor_login), MAX(actor_role) FROM vaora_s1.audit_log"
                                f" WHERE province = '01' AND action = 'person-create' AND object = 'person:{person}'")
    check(audit.split("\t") == ["1", "hn.manager", "venue-manager"], audit)
    row = fixtures.sql(stack, "SELECT p.consent_version > 0, p.last_checkin_day = c.day,"
                              " LOCATE(CAST('Thu Hà' AS BINARY), p.full_name_enc) = 0"
                              " FROM vaora_s1.people p JOIN vaora_s1.checkins c ON c.province = p.province"
                              f" AND c.person_id = p.id WHERE p.province = '01' AND p.id = {person}")
    check(row.split("\t") == ["1", "1", "1"], row)


def test_two_gates_scanning_one_new_card_at_once_make_one_holder(stack):
    """Two guards scan the same new chip card in the same instant (the same time sent by both
    pages): the card's holder is made once, and the second scan is the two-minute repeat of
    the first, whichever comes first."""
    gates = [Gate(stack), Gate(stack, login="hn.volunteer")]
    for _ in range(ROUNDS_AT_ONCE):
        id_number = new_id_number()
        before = people(stack)
        start, answers = threading.Barrier(len(gates)), [None] * len(gates)
        instant = str(int(time.time() * 1000))

        def scan(i):
            start.wait()
            answers[i] = gates[i].scan(CCCD.format(id=id_number), pressed_at_ms=instant)

        threads = [threading.Thread(target=scan, args=(i,)) for i in range(len(gates))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(people(stack) == before + 1, f"{people(stack) - before} people made for one card")
        outcomes = sorted(a["outcome"] for r, a in answers)
        check(outcomes == ["already", "recorded"], [(r.status, a) for r, a in answers])
        check(int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.people WHERE province = '01'"
                                      f" AND id = {latest_person(stack)}")) == 1, "the check-in's holder")


def test_a_card_scan_is_one_statement_under_any_lookup_key_once_its_worker_holds_the_session(stack):
    """Issue #14: a scan of a chip card sends the check-in writer's CALL alone, which finds the
    holder, or makes them under the card's lock (schema/041), with the check-ins of other scans;
    a known holder's scan the same. The session (with the staff check and the desk's trust at
    the route's venue) is read by a worker at most once a second (domain/session-cache.h), the
    venue comes from its cache. The fewest of three of each (a worker's once-a-second reads may
    fall into one request's window). After the lookup key has been rotated (an earlier module
    may have) as before: the writer looks the holder up under every key in the secret."""
    with open(os.path.join(stack.var, "secret")) as f:
        older_lookup_keys = sum(1 for line in f if line.startswith("lookup.")) - 1
    gate = Gate(stack)
    for _ in range(4):	# every worker has prepared its statements
        gate.scan(CCCD.format(id=new_id_number()))
    news, knowns, answers = [], [], []
    for _ in range(3):
        card = CCCD.format(id=new_id_number())
        news.append(fixtures.statements_sent(stack, lambda: answers.append(gate.scan(card))))
        knowns.append(fixtures.statements_sent(stack, lambda: answers.append(gate.scan(card, direction="out"))))
    check([a["outcome"] for _, a in answers] == ["recorded"] * 6, [a for _, a in answers])
    check(min(news) == 1 and min(knowns) == 1,
          f"statements sent: new holder {news}, known holder {knowns}, older lookup keys {older_lookup_keys}")


def scans_refused(gate, cookies, count):
    """The statuses of count scans sent with cookies (a session's, kept from before it ended),
    and whether none of them recorded anything. A refused scan is sent to the log-in (303)."""
    before = rows(gate.stack, "1")
    gate.staff.cookies = dict(cookies)
    statuses = [gate.scan(CCCD.format(id=new_id_number()))[0].status for _ in range(count)]
    return statuses, rows(gate.stack, "1") == before


def test_a_guards_session_ended_through_the_web_stops_their_scans_at_once(stack):
    """A worker answers a gate scan's session from what it read less than a second ago; an
    ending made through any worker of the host (here the guard's log-out) drops every worker's
    copy before its answer goes out: the very next scans with the old cookie, by whichever
    worker, are refused and record nothing."""
    gate = Gate(stack)
    for _ in range(8):	# every worker holds the session
        r, a = gate.scan(CCCD.format(id=new_id_number()))
        check(a and a["outcome"] == "recorded", (r.status, a))
    kept = dict(gate.staff.cookies)
    r = gate.staff.post_form("/ha-noi/logout", {}, csrf_page=gate.path)
    check(r.status in (200, 303), (r.status, r.text[:300]))
    statuses, nothing = scans_refused(gate, kept, 8)
    check(all(s == 303 for s in statuses) and nothing, (statuses, nothing))


def test_a_guards_session_ended_elsewhere_stops_their_scans_within_a_second(stack):
    """An ending the host's workers are not told of (another host, the command line, SQL: here
    the session's row deleted in the database) reaches a worker's copy when it is a second
    old: the scans are refused soon after, and from then on. Polled with a loose bound; the
    figure is printed."""
    gate = Gate(stack, login="hn.volunteer")
    for _ in range(8):
        r, a = gate.scan(CCCD.format(id=new_id_number()))
        check(a and a["outcome"] == "recorded", (r.status, a))
    kept = dict(gate.staff.cookies)
    fixtures.sql(stack, "DELETE FROM vaora_s1.sessions WHERE province = '01' AND account_id = (SELECT id FROM"
                        " vaora_s1.accounts WHERE province = '01' AND login = 'hn.volunteer')")
    start = time.monotonic()
    while time.monotonic() - start < 10:
        statuses, _ = scans_refused(gate, kept, 4)
        if all(s == 303 for s in statuses):
            break
    took = time.monotonic() - start
    print(f"    scans refused {took:.2f} s after the session's row was deleted")
    statuses, nothing = scans_refused(gate, kept, 8)
    check(took < 10 and all(s == 303 for s in statuses) and nothing, (took, statuses, nothing))


def test_new_cards_scanned_together_are_one_batch_each_holder_made_once(stack):
    """Issue #14: first scans of new chip cards reaching the check-in writer while it is held are
    one procedure call; each makes one holder, audited as made by the guard, and one check-in;
    two scans of one card in the same instant (the same time sent by both pages) are never in
    one batch: its holder is made once, the second is the two-minute repeat of the first."""
    gates = [Gate(stack), Gate(stack, login="hn.volunteer")]
    numbers = [new_id_number() for _ in range(4)]
    before = people(stack)
    calls, answers = fixtures.sent_together(stack, [lambda n=n: gates[0].scan(CCCD.format(id=n)) for n in numbers])
    print(f"    4 first scans of new cards held together: {calls} procedure call(s)")
    check([a["outcome"] for _, a in answers] == ["recorded"] * 4, [a for _, a in answers])
    made = fixtures.sql(stack, "SELECT c.person_id FROM vaora_s1.checkins c WHERE c.province = '01'"
                               " ORDER BY c.id DESC LIMIT 4").split()
    audited = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.audit_log WHERE province = '01'"
                                      " AND action = 'person-create' AND actor_login = 'hn.manager' AND object IN (" +
                                      ", ".join(f"'person:{p}'" for p in made) + ")"))
    check(people(stack) - before == 4 and len(set(made)) == 4 and audited == 4,
          (people(stack) - before, made, audited))
    check(calls == 1, f"{calls} procedure calls for 4 new cards")
    for number in numbers:
        shown = stack.vaora("people", "show", "--province", "ha-noi", "--id-number", number).stdout.decode()
        check("  name: Lê Thị Thu Hà" in shown.split("\n"), shown)
    number, before, instant = new_id_number(), people(stack), str(int(time.time() * 1000))
    _, twice = fixtures.sent_together(stack, [lambda g=g: g.scan(CCCD.format(id=number), pressed_at_ms=instant)
                                              for g in gates])
    check(sorted(a["outcome"] for _, a in twice) == ["already", "recorded"], [a for _, a in twice])
    check(people(stack) - before == 1, f"{people(stack) - before} holders made of one card")


def test_a_holder_scanned_with_their_own_one_tap_in_one_batch_is_recorded_once(stack):
    """The writer finds a card's holder in its batch: when another check-in of the same batch is
    theirs (their phone's one tap at the same gate), the two-minute rule still holds: one is
    recorded, the other is its repeat."""
    from test_selfcheckin import Phone, Venue, confirmation, first_checkin_sender, one_tap_sender
    number = new_id_number()
    venue = Venue(stack, "Cổng Sân vận động one tap", verified=True)
    fixtures.make_manager(stack, "01", venue.id, "hn.manager")
    phone = Phone(stack)
    confirmation(first_checkin_sender(phone, Venue(stack, "Chợ Hàng Da first"), id_number=number)())
    gate = Gate(stack, venue_id=venue.id)
    _, (tap, (_, scan)) = fixtures.sent_together(stack, [one_tap_sender(phone, venue),
                                                         lambda: gate.scan(CCCD.format(id=number))])
    check(tap.status == 200 and scan["outcome"] in ("recorded", "already"), (tap.status, scan))
    stored = fixtures.sql(stack, "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM vaora_s1.checkins"
                                 f" WHERE province = '01' AND venue_id = {venue.id}")
    check(stored.split("\t") == ["1", "1"], f"rows, people at the gate: {stored}")


def test_half_read_cccd_writes_nothing_until_completed(stack):
    gate = Gate(stack)
    id_number = new_id_number()
    before_people, before_rows = people(stack), rows(stack, "1")
    # Cut short in the name: what could be read comes back for the guard.
    key = "gate-half-" + secrets.token_hex(8)
    r, a = gate.scan(f"{id_number}|012345678|Nguyễn Vă", key=key)
    check(r.status == 400 and a["outcome"] == "incomplete" and a["color"] == "amber", a)
    check(a["read"]["id_number"] == id_number and a["read"]["full_name"] == "", a)
    check(people(stack) == before_people and rows(stack, "1") == before_rows, "something was written")
    # The guard completes it from the card; the same key records it once.
    fields = {"completed": "1", "full_name": "Nguyễn Văn Bảo", "id_number": id_number, "birth_year": "1980",
              "gender": "male", "address": ""}
    r, done = gate.scan(f"{id_number}|012345678|Nguyễn Vă", key=key, **fields)
    check(r.status == 200 and done["outcome"] == "recorded" and done["name"] == flash_name("Bảo", id_number), done)
    check(people(stack) == before_people + 1 and rows(stack, "1") == before_rows + 1, "not recorded once")
    # A completion the validation refuses is still incomplete, and writes nothing.
    r, bad = gate.scan(f"{new_id_number()}|", completed="1", full_name="", birth_year="1700")
    check(r.status == 400 and bad["outcome"] == "incomplete" and "full_name" in bad["errors"]
          and "birth_year" in bad["errors"], bad)
    check(people(stack) == before_people + 1, "a refused completion stored a person")


def test_bad_codes_are_refused_and_store_nothing(stack):
    url, phone = resident_card(stack, "Đỗ Thị Mã Hỏng")
    gate = Gate(stack)
    before_people, before_rows = people(stack), rows(stack, "1")
    token = url.rsplit("/", 1)[1]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    for code, reason in (("", "gate_code_empty"), ("%%%garbage%%%", "gate_code_unknown"),
                         ("hello|world", "gate_code_unknown"), (url[:-5], "gate_code_unknown"),
                         (url.replace(token, forged), "gate_code_unknown"), ("A" * 2000, "gate_code_unknown"),
                         ("HTTP://127.0.0.1/HA-NOI/C/" + "A" * 18, "gate_code_unknown")):
        r, a = gate.scan(code)
        check(r.status == 400 and a["outcome"] == "refused" and a["color"] == "red", (code[:40], a))
        message = {"gate_code_empty": "Chưa có mã", "gate_code_unknown": "Mã không hợp lệ"}[reason]
        check(a["message"].startswith(message), (code[:40], a["message"]))
    # A card replaced as lost no longer checks anyone in.
    check(phone.post_form("/ha-noi/me/0/card/reissue", {}, csrf_page="/ha-noi/me").status < 400, "reissue")
    _, a = gate.scan(url)
    check(a["outcome"] == "refused" and "đã được thay" in a["message"], a)
    # A scan method we do not know is refused.
    _, a = gate.scan(CCCD.format(id=new_id_number()), method="self")
    check(a["outcome"] == "refused", a)
    check(people(stack) == before_people and rows(stack, "1") == before_rows, "a refused scan wrote something")


def test_questions_filled_at_the_gate(stack):
    gate = Gate(stack)
    answers = {"declaration": "ask", "fever": "yes", "contact": "no", "travel": "no", "doses": "2"}
    _, a = gate.scan(CCCD.format(id=new_id_number()), **answers)
    check(a["outcome"] == "recorded" and a["color"] == "amber", a)
    _, stored = fixtures.stored_answers(stack, "id = (SELECT MAX(id) FROM vaora_s1.checkins)").popitem()[1]
    check(stored == "fever=yes;cough=no;breath=no;throat=no;taste=no;contact=no;travel=no;doses=2", stored)
    _, a = gate.scan(CCCD.format(id=new_id_number()), declaration="ask")
    check(a["outcome"] == "refused" and a["message"] == "Vui lòng trả lời câu hỏi này.", a)


def test_without_javascript_the_page_answers(stack):
    gate = Gate(stack, login="hn.volunteer")
    first, second = "gate-nojs-" + secrets.token_hex(8), "gate-nojs-" + secrets.token_hex(8)
    r, _ = gate.scan(CCCD.format(id=new_id_number()), reply="", key=first)
    check(r.status == 200 and 'class="flash green"' in r.text and "Thu Hà" not in r.text.split('id="gate-form"')[1],
          r.status)
    check(f'value="{first}"' not in r.text, "the next scan would reuse the key")
    id_number = new_id_number()
    r, _ = gate.scan(f"{id_number}|012345678|Trần Văn", reply="", key=second)
    check(r.status == 400 and 'class="flash amber"' in r.text and 'name="completed" value="1"' in r.text, r.status)
    check(f'value="{id_number}"' in r.text and f'value="{second}"' in r.text, "completion form")


def test_inactive_venue_refuses_scans(stack):
    venue = fixtures.add_venue(stack, "01", "Cổng đã đóng", "00070", verified=True)
    fixtures.make_manager(stack, "01", venue, "hn.manager")
    fixtures.sql(stack, f"UPDATE vaora_s1.venues SET status = 'inactive' WHERE id = {venue}")
    gate = Gate(stack, venue_id=venue)
    _, a = gate.scan(CCCD.format(id=new_id_number()))
    check(a["outcome"] == "refused" and a["message"] == "Địa điểm ngừng hoạt động", a)
    check(rows(stack, f"venue_id = {venue}") == 0, "a closed venue recorded")


def test_a_new_card_holders_scan_makes_no_temporary_table(stack):
    """Issue #14: the holder's CALL (schema/034) answers its one row without a temporary table
    (a derived one-row table would make one per scan, a share of MariaDB's time per scan); the
    fewest of three scans (a worker's once-a-second reads may fall into one's window)."""
    gate = Gate(stack)
    for _ in range(4):	# every worker has prepared its statements
        gate.scan(CCCD.format(id=new_id_number()))
    made, answers = [], []
    for _ in range(3):
        card = CCCD.format(id=new_id_number())
        made.append(fixtures.status_while(stack, ["Created_tmp_tables"],
                                          lambda: answers.append(gate.scan(card)))["Created_tmp_tables"])
    check([a["outcome"] for _, a in answers] == ["recorded"] * 3, [a for _, a in answers])
    check(min(made) == 0, f"temporary tables per scan: {made}")


# Scans sent at once after a change no worker was told of: more than the test stack's workers
# (4), after enough scans that every worker holds the venue and trusts it for up to a second.
CLOSED_SCANS = 8


def test_a_venue_closed_behind_the_workers_backs_records_no_scan(stack):
    """Issue #14: a scan takes its venue from the worker's cache; the check-in's own transaction
    refuses a venue closed since (or whose poster was replaced), so however stale a cache, a
    closed venue's gate records nobody and makes no new holder."""
    venue = fixtures.add_venue(stack, "01", "Cổng Sân vận động", "00070", category="event", verified=True)
    fixtures.make_manager(stack, "01", venue, "hn.manager")
    gate = Gate(stack, venue_id=venue)
    for _ in range(12):
        gate.scan(CCCD.format(id=new_id_number()))
    before_rows, before_people = rows(stack, f"venue_id = {venue}"), people(stack)
    fixtures.sql(stack, f"UPDATE vaora_s1.venues SET status = 'inactive' WHERE province = '01' AND id = {venue}")
    with concurrent.futures.ThreadPoolExecutor(max_workers=CLOSED_SCANS) as pool:
        answers = list(pool.map(lambda _: gate.scan(CCCD.format(id=new_id_number()))[1], range(CLOSED_SCANS)))
    check(all(a["outcome"] == "refused" and a["message"] == "Địa điểm ngừng hoạt động" for a in answers), answers)
    check(rows(stack, f"venue_id = {venue}") == before_rows, "a closed venue recorded")
    check(people(stack) == before_people, "a refused scan stored its new holder")


def test_a_new_holder_is_recorded_once_the_guard_confirms_the_notice_in_the_flash(stack):
    """Issue #17.13: no page-wide consent box; each new person's scan asks the guard, in the
    flash, to confirm the notice was read, and that confirmation records that one scan."""
    gate = Gate(stack)
    page = gate.staff.get(gate.path).text
    check('name="consent"' not in page, "the gate page still has a page-wide consent box")
    id_number = new_id_number()
    before_people, before_rows = people(stack), rows(stack, "1")
    key = "gate-consent-" + secrets.token_hex(8)
    r, a = gate.scan(CCCD.format(id=id_number), key=key, consent="")
    check(r.status == 400 and a["outcome"] == "consent" and a["color"] == "amber" and a["confirm"] is True, a)
    check("Đã đọc thông báo — ghi nhận" in a["message"] and "Vui lòng đồng ý" not in a["message"], a["message"])
    check(a["name"] == flash_name("Hà", id_number), a)
    check(people(stack) == before_people and rows(stack, "1") == before_rows, "recorded without the notice read")
    # The flash's button sends the same scan again with the consent: recorded once.
    r, done = gate.scan(CCCD.format(id=id_number), key=key, consent="1")
    check(r.status == 200 and done["outcome"] == "recorded" and done["confirm"] is False, done)
    check(people(stack) == before_people + 1 and rows(stack, "1") == before_rows + 1, "not recorded once")
    # Known now: the next scan needs no confirmation; nor does a personal card's holder.
    _, out = gate.scan(CCCD.format(id=id_number), consent="", direction="out")
    check(out["outcome"] == "recorded", out)
    url, _ = resident_card(stack, "Kiều Văn Thẻ")
    _, card = gate.scan(url, consent="")
    check(card["outcome"] == "recorded" and card["name"] == "Thẻ", card)


def test_without_javascript_the_flash_button_confirms_the_notice(stack):
    gate = Gate(stack, login="hn.volunteer")
    id_number, key = new_id_number(), "gate-nojs-consent-" + secrets.token_hex(8)
    before = people(stack)
    r, _ = gate.scan(CCCD.format(id=id_number), reply="", key=key, consent="")
    check(r.status == 400 and 'class="flash amber"' in r.text, r.status)
    check('form="gate-form" name="consent" value="1"' in r.text and "Đã đọc thông báo — ghi nhận" in r.text,
          "no confirmation button in the flash")
    check(f'value="{key}"' in r.text and f'value="{id_number}|' in r.text, "the scan is not kept to send again")
    check(people(stack) == before, "a person was stored before the notice was read")
    r, _ = gate.scan(CCCD.format(id=id_number), reply="", key=key, consent="1")
    check(r.status == 200 and 'class="flash green"' in r.text and people(stack) == before + 1, r.status)


def test_every_flash_names_an_id_card_by_given_name_and_last_digits(stack):
    """Issue #17.14: red, amber and green flashes of an ID card name it the same way."""
    gate = Gate(stack)
    id_number = new_id_number()
    r, red = gate.scan(CCCD.format(id=id_number), declaration="ask")
    check(r.status == 400 and red["color"] == "red" and red["name"] == flash_name("Hà", id_number), red)
    _, amber = gate.scan(CCCD.format(id=id_number), consent="")
    check(amber["color"] == "amber" and amber["name"] == flash_name("Hà", id_number), amber)
    _, green = gate.scan(CCCD.format(id=id_number))
    check(green["color"] == "green" and green["name"] == flash_name("Hà", id_number), green)
    cut_id = new_id_number()
    _, cut = gate.scan(f"{cut_id}|012345678|Lê Th")
    check(cut["outcome"] == "incomplete" and cut["name"] == f"…{cut_id[-4:]}", cut)


def test_a_cccd_typed_as_plain_ascii_is_confirmed_by_the_guard_and_never_overwrites_a_stored_name(stack):
    """Issue #17.15: a reader that cannot type Vietnamese sends the card without its marks. A
    new holder is shown as read for the guard to correct; a known one is found by the ID number
    and keeps the stored name."""
    gate = Gate(stack)
    id_number = new_id_number()
    before_people, before_rows = people(stack), rows(stack, "1")
    key = "gate-ascii-" + secrets.token_hex(8)
    r, a = gate.scan(CCCD_ASCII.format(id=id_number), key=key, consent="")
    check(r.status == 400 and a["outcome"] == "incomplete" and a["confirm"] is True, a)
    check(a["read"]["full_name"] == "Le Thi Thu Ha" and a["read"]["gender"] == "female", a)
    check("không có dấu" in a["message"], a["message"])
    check(people(stack) == before_people and rows(stack, "1") == before_rows, "a stripped name was stored")
    # The guard corrects the name from the card and confirms the notice: recorded as corrected.
    fields = {"completed": "1", "full_name": "Lê Thị Thu Hà", "id_number": id_number, "birth_year": "1995",
              "gender": "female", "address": "Số 5 Hàng Bạc, Hoàn Kiếm, Hà Nội"}
    r, done = gate.scan(CCCD_ASCII.format(id=id_number), key=key, consent="1", **fields)
    check(r.status == 200 and done["outcome"] == "recorded" and done["name"] == flash_name("Hà", id_number), done)
    # The same card typed as ASCII again: the known holder, recorded without a question.
    _, out = gate.scan(CCCD_ASCII.format(id=id_number), direction="out", consent="")
    check(out["outcome"] == "recorded" and out["name"] == flash_name("Ha", id_number), out)
    check(people(stack) == before_people + 1 and rows(stack, "1") == before_rows + 2, "rows")
    stored = gate.stack.vaora("people", "show", "--province", "ha-noi", "--id-number", id_number).stdout.decode()
    check("  name: Lê Thị Thu Hà" in stored.split("\n"), stored)
    # Garbled rather than stripped ('?' for the letters the reader could not type): asked too.
    _, garbled = gate.scan(f"{new_id_number()}||Nguy?n V?n An|15081987|Nam|Số 12 Hàng Đào|20042021")
    check(garbled["outcome"] == "incomplete" and garbled["read"]["full_name"] == "Nguy?n V?n An", garbled)


# How long the workers may take to pick a rotated key up after the master's SIGHUP.
RELOAD_SECONDS = 20


def test_a_holder_indexed_under_an_older_lookup_key_is_found_in_the_writers_batch(stack):
    """After the lookup key is rotated, a card whose holder was indexed under the older key is
    found in the check-in writer's batch by that key's index (schema/041 is sent the index under
    every key in the secret): the scan is that holder's check-in, in the batch's one CALL, and no
    second holder is made."""
    gate = Gate(stack)
    card = CCCD.format(id=new_id_number())
    _, first = gate.scan(card)
    check(first["outcome"] == "recorded", first)
    holder = latest_person(stack)
    indexed = int(fixtures.sql(stack, f"SELECT index_version FROM vaora_s1.people WHERE id = {holder}"))
    r = stack.vaora("secret", "rotate", "--purpose", "lookup")
    check(r.returncode == 0, r.stdout + r.stderr)
    os.kill(stack.pid("vaora"), signal.SIGHUP)
    deadline = time.time() + RELOAD_SECONDS
    while True:	# the workers index a new card's holder under the new key once reloaded
        gate.scan(CCCD.format(id=new_id_number()))
        newest = int(fixtures.sql(stack, f"SELECT index_version FROM vaora_s1.people WHERE id = {latest_person(stack)}"))
        if newest > indexed:
            break
        check(time.time() < deadline, f"no worker indexes under the new lookup key after {RELOAD_SECONDS} s")
    before, answers = people(stack), []
    calls = fixtures.status_while(stack, ("Com_call_procedure",),
                                  lambda: answers.append(gate.scan(card, direction="out")))["Com_call_procedure"]
    (_, again), = answers
    check(again["outcome"] == "recorded" and latest_person(stack) == holder, (again, latest_person(stack), holder))
    check(people(stack) == before, f"{people(stack) - before} holders made of a known card")
    check(calls == 1, f"{calls} procedure calls for the scan (the gate's own look-up and the check-in's: 2)")


def holder_lock(stack, id_number):
    """The named lock of an ID number's holder as people.c names it: by the number's blind index
    under the current lookup key (its first 20 bytes in hex)."""
    with open(os.path.join(stack.var, "secret")) as f:
        current = sum(1 for line in f if line.startswith("lookup."))
    key = fixtures.province_key(stack, "lookup", "01", current)
    index = hmac.new(key, f"id_number:{id_number}".encode(), hashlib.sha256).digest()
    return f"vaora_holder_01_{index[:20].hex()}"


# How long the test below holds a card's lock from a connection of its own.
LOCK_HELD_SECONDS = 2


def test_a_card_whose_lock_is_held_elsewhere_waits_for_it_and_makes_one_holder(stack):
    """The writer takes a card's lock without waiting; held by another connection (a gate's own
    look-up making that card's holder), the scan goes back to its worker, whose look-up waits
    for the lock as before: the scan is answered once the lock is given back, with one holder."""
    number, gate = new_id_number(), Gate(stack)
    holder = subprocess.Popen(["mariadb", *stack.mariadb_options(), "-u", "root", "-N", "-B", "--unbuffered", "-e",
                               f"SELECT GET_LOCK('{holder_lock(stack, number)}', 10); SELECT 'held';"
                               f" SELECT SLEEP({LOCK_HELD_SECONDS}); SELECT RELEASE_LOCK('{holder_lock(stack, number)}')"],
                              stdout=subprocess.PIPE, text=True)
    check(holder.stdout.readline().strip() == "1" and holder.stdout.readline().strip() == "held", "lock not taken")
    before, started = people(stack), time.monotonic()
    r, a = gate.scan(CCCD.format(id=number))
    waited = time.monotonic() - started
    holder.wait(timeout=30)
    print(f"    scan answered after {waited:.1f} s with the card's lock held {LOCK_HELD_SECONDS} s elsewhere")
    check(r.status == 200 and a["outcome"] == "recorded", (r.status, a))
    check(people(stack) == before + 1, f"{people(stack) - before} holders made")
    check(waited >= LOCK_HELD_SECONDS - 0.5, f"answered after {waited:.1f} s while the lock was held")
