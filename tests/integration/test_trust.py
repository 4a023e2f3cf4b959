"""Desk trust (issue #13 points 1-3): a self-registered venue's desks touch nobody's data until
an area officer verifies the venue and approves its staff (audited); look-ups by phone or ID
number are limited per account and per venue, answer with a given name and birth year, and a
burst over the limit is refused and listed on the signals page; a hand-over code is made only
for someone the volunteer declared for there within the hour, and the phone that opens it sees
nothing until it types the last digits of the person's phone or ID number. Time moves with the
settable clock (VAORA_TEST_CLOCK), never with sleeps."""
import html
import json
import os
import re
import secrets
import time
import urllib.parse

import fixtures
from fixtures import sql
from harness import Browser, check, logged_in
from test_proxy import ANSWERS, Desk, new_id_number, new_phone, person_of_last_checkin

OFFICER_NAME = "Cán bộ phường Hoàn Kiếm (demo)"
UNVERIFIED = "chưa được cán bộ phường/xã xác minh"
UNAPPROVED = "chưa được cán bộ phường/xã phê duyệt"
LIMITED = "đã tra cứu quá nhiều lần trong một giờ qua"
PASSWORD = "mat-khau-rat-dai"


def register(stack, login, name):
    """A venue and its manager registered by an anonymous visitor, logged in as it; returns
    (browser, venue id)."""
    fields = {"name": name, "category": "shop", "address": "Số 9 Hàng Đào", "area_code": "00070",
              "contact_phone": "0912 000 111", "display_name": "Người Lạ", "login": login,
              "password": PASSWORD, "repeat": PASSWORD}
    r = Browser(stack).post_form("/ha-noi/register", fields)
    check(r.status == 303, ("registration", r.status))
    venue = int(sql(stack, f"SELECT id FROM vaora_s1.venues WHERE province = '01' AND name = '{name}'"))
    return logged_in(stack, login, PASSWORD), venue


def new_volunteer(stack, login):
    _, otp = fixtures.add_account(stack, "01", "volunteer", login)
    return fixtures.login_with_new_password(stack, "ha-noi", login, otp)


def resident(stack):
    """A resident with a phone and an ID number, declared for at the demo desk (a trusted one)."""
    desk = Desk(stack)
    phone, id_number = new_phone(), new_id_number()
    check(desk.declare("Trương Thị Mai Lan", phone=phone, id_number=id_number, birth_year="1962",
                       address="Số 7 ngõ Bí Mật").status == 200, "declare the resident")
    return phone, id_number, person_of_last_checkin(stack, desk.venue)


def desk_requests(b, venue, phone, person):
    """Every desk request of venue that touches residents' data, as (label, response)."""
    path = f"/ha-noi/venues/{venue}"
    csrf = b.csrf_from("/ha-noi/desk")
    post = lambda tail, fields: b.request("POST", path + tail, body=urllib.parse.urlencode(dict(fields, csrf=csrf)))
    return [("proxy page", b.get(path + "/proxy")),
            ("find", post("/proxy/find", {"find_phone": phone})),
            ("declare", post("/proxy", dict(ANSWERS, key="t-" + secrets.token_hex(8), direction="in",
                                            full_name="Người Mới", consent="1"))),
            ("cards", post("/proxy/cards", {"person": str(person)})),
            ("handover", post("/proxy/handover", {"person": str(person)})),
            ("gate page", b.get(path + "/gate")),
            ("gate scan", post("/gate/scans", {"code": f"{new_id_number()}|012345678|Lê Văn Cổng|02011995|Nam|"
                                                       "Số 5 Hàng Bạc|10072021", "method": "gate-reader",
                                               "direction": "in", "declaration": "verbal", "consent": "1",
                                               "key": secrets.token_hex(12), "reply": "json"}))]


def check_closed(b, venue, phone, person, reason):
    for label, r in desk_requests(b, venue, phone, person):
        check(r.status == 403, (label, r.status))
        text = json.loads(r.body)["message"] + json.loads(r.body)["who"] if label == "gate scan" else r.text
        check(reason in text and OFFICER_NAME in text, (label, "the refusal does not say why and who", text[:400]))
        check("Mai Lan" not in text and "1962" not in text, (label, "a resident's data in a refusal"))


def test_the_attacker_walk_ends_at_the_first_look_up(stack):
    phone, _, person = resident(stack)
    attacker, venue = register(stack, "ke.la.mat", "Quầy Của Kẻ Lạ")
    r = attacker.post_form(f"/ha-noi/venues/{venue}/proxy/find", {"find_phone": phone}, csrf_page="/ha-noi/desk")
    check(r.status == 403 and UNVERIFIED in r.text and OFFICER_NAME in r.text, (r.status, r.text[:300]))
    check("Mai Lan" not in r.text and "1962" not in r.text, "the look-up answered")
    r = attacker.post_form(f"/ha-noi/venues/{venue}/proxy/handover", {"person": str(person)},
                           csrf_page="/ha-noi/desk")
    check(r.status == 403, ("hand-over", r.status))
    desk = attacker.get("/ha-noi/desk")
    check(UNVERIFIED in desk.text and OFFICER_NAME in desk.text, "the desk does not say why")


def test_an_unverified_venue_desk_cannot_look_up_people(stack):
    phone, _, person = resident(stack)
    venue = fixtures.add_venue(stack, "01", "Quầy Chưa Xác Minh", "00070")
    volunteer = new_volunteer(stack, "tnv.chua.xac.minh")
    fixtures.make_manager(stack, "01", venue, "tnv.chua.xac.minh", kind="volunteer")
    lookups = sql(stack, "SELECT COUNT(*) FROM vaora_s1.audit_log WHERE action = 'person-lookup'"
                         " AND actor_login = 'tnv.chua.xac.minh'")
    check_closed(volunteer, venue, phone, person, UNVERIFIED)
    check(lookups == "0", "a refused desk looked someone up")
    # An admin is no exception: the venue is verified first.
    admin = logged_in(stack, "hn.admin")
    r = admin.post_form(f"/ha-noi/venues/{venue}/proxy/find", {"find_phone": phone}, csrf_page="/ha-noi/desk")
    check(r.status == 403, ("admin at an unverified desk", r.status))


def test_a_verified_venue_with_unapproved_manager_cannot_look_up(stack):
    phone, _, person = resident(stack)
    manager, venue = register(stack, "quan.ly.cho.duyet", "Quầy Chờ Duyệt")
    officer = logged_in(stack, "hn.officer")
    r = officer.post_form(f"/ha-noi/venues/{venue}/verify", {}, csrf_page="/ha-noi/desk")
    check(r.status == 303, r.status)
    check_closed(manager, venue, phone, person, UNAPPROVED)
    staff = officer.get(f"/ha-noi/venues/{venue}/staff")
    check(staff.status == 200 and 'id="approve-quan.ly.cho.duyet"' in staff.text, "no approval on the staff page")
    # A manager cannot approve anyone, themselves included.
    account = sql(stack, "SELECT id FROM vaora_s1.accounts WHERE login = 'quan.ly.cho.duyet'")
    r = manager.post_form(f"/ha-noi/venues/{venue}/staff", {"action": "approve", "account": account},
                          csrf_page="/ha-noi/desk")
    check(r.status == 403, ("a manager approved", r.status))
    r = officer.post_form(f"/ha-noi/venues/{venue}/staff", {"action": "approve", "account": account},
                          csrf_page="/ha-noi/desk")
    check(r.status == 200 and "Đã phê duyệt." in r.text, r.status)
    r = manager.post_form(f"/ha-noi/venues/{venue}/proxy/find", {"find_phone": phone}, csrf_page="/ha-noi/desk")
    check(r.status == 200 and "Lan" in r.text and "1962" in r.text, ("approved manager's look-up", r.status))


def test_volunteer_of_unverified_venue_gets_nothing(stack):
    phone, _, person = resident(stack)
    manager, venue = register(stack, "quan.ly.tnv", "Quầy Có Tình Nguyện Viên")
    volunteer = new_volunteer(stack, "tnv.cua.quay.la")
    r = manager.post_form(f"/ha-noi/venues/{venue}/staff", {"action": "add", "login": "tnv.cua.quay.la"})
    check(r.status == 200, r.status)
    check_closed(volunteer, venue, phone, person, UNVERIFIED)
    check(UNVERIFIED in volunteer.get("/ha-noi/desk").text, "the volunteer's desk does not say why")
    # Verified, the manager approved: the volunteer the unapproved manager added still waits.
    officer = logged_in(stack, "hn.officer")
    officer.post_form(f"/ha-noi/venues/{venue}/verify", {}, csrf_page="/ha-noi/desk")
    ids = {login: sql(stack, f"SELECT id FROM vaora_s1.accounts WHERE login = '{login}'")
           for login in ("quan.ly.tnv", "tnv.cua.quay.la")}
    officer.post_form(f"/ha-noi/venues/{venue}/staff", {"action": "approve", "account": ids["quan.ly.tnv"]},
                      csrf_page="/ha-noi/desk")
    check_closed(volunteer, venue, phone, person, UNAPPROVED)
    r = officer.post_form(f"/ha-noi/venues/{venue}/staff", {"action": "approve", "account": ids["tnv.cua.quay.la"]},
                          csrf_page="/ha-noi/desk")
    check(r.status == 200, r.status)
    check(volunteer.get(f"/ha-noi/venues/{venue}/proxy").status == 200, "the approved volunteer's desk")
    # A volunteer an approved manager of a verified venue adds works at once.
    second = new_volunteer(stack, "tnv.them.sau")
    manager.post_form(f"/ha-noi/venues/{venue}/staff", {"action": "add", "login": "tnv.them.sau"})
    check(second.get(f"/ha-noi/venues/{venue}/gate").status == 200, "the trusted manager's volunteer")


def test_a_staff_form_of_the_wrong_kind_is_named_or_not_found_and_changes_nothing(stack):
    manager, venue = register(stack, "quan.ly.sai.mau", "Quầy Sai Mẫu")
    before = sql(stack, f"SELECT COUNT(*) FROM vaora_s1.venue_staff WHERE venue_id = {venue}")
    long_login = "tnv." + "a" * 300
    r = manager.post_form(f"/ha-noi/venues/{venue}/staff", {"action": "add", "login": long_login})
    check(r.status == 400 and "Tên đăng nhập chỉ gồm 3–64 ký tự" in r.text, r.status)
    check(f'value="{long_login}"' in r.text, "the login typed was not shown back")
    officer = logged_in(stack, "hn.officer")
    for account in ("abc", "-1", "99999999999999999999"):
        r = officer.post_form(f"/ha-noi/venues/{venue}/staff", {"action": "approve", "account": account},
                              csrf_page="/ha-noi/desk")
        check(r.status == 404, (account, r.status))
    check(sql(stack, f"SELECT COUNT(*) FROM vaora_s1.venue_staff WHERE venue_id = {venue}") == before, "staff changed")


def test_verification_and_approval_are_audited(stack):
    _, venue = register(stack, "quan.ly.kiem.toan", "Quầy Kiểm Toán")
    officer = logged_in(stack, "hn.officer")
    officer.post_form(f"/ha-noi/venues/{venue}/verify", {}, csrf_page="/ha-noi/desk")
    account = sql(stack, "SELECT id FROM vaora_s1.accounts WHERE login = 'quan.ly.kiem.toan'")
    officer.post_form(f"/ha-noi/venues/{venue}/staff", {"action": "approve", "account": account},
                      csrf_page="/ha-noi/desk")
    rows = sql(stack, "SELECT action, actor_login, object, detail FROM vaora_s1.audit_log WHERE province = '01'"
                      f" AND object = 'venue:{venue}' AND action IN ('venue-verify', 'staff-approve') ORDER BY id")
    check(rows.splitlines() == [f"venue-verify\thn.officer\tvenue:{venue}\t",
                                f"staff-approve\thn.officer\tvenue:{venue}\taccount:{account}"], rows)
    approved_by = sql(stack, f"SELECT approved_by FROM vaora_s1.venue_staff WHERE venue_id = {venue}")
    check(approved_by == sql(stack, "SELECT id FROM vaora_s1.accounts WHERE login = 'hn.officer'"), approved_by)


def set_clock(stack, seconds):
    with open(stack.clock_file, "w") as f:
        f.write(str(seconds))


def test_lookups_over_the_hourly_limit_are_refused_and_signalled(stack):
    venue = fixtures.add_venue(stack, "01", "Quầy Tra Cứu Nhiều", "00070", verified=True)
    first, second = new_volunteer(stack, "tnv.tra.nhieu"), new_volunteer(stack, "tnv.tra.them")
    for login in ("tnv.tra.nhieu", "tnv.tra.them"):
        fixtures.make_manager(stack, "01", venue, login, kind="volunteer")
    path = f"/ha-noi/venues/{venue}/proxy/find"
    find = lambda b, csrf: b.request("POST", path, body=urllib.parse.urlencode(
        {"find_phone": new_phone(), "csrf": csrf}))
    now = int(time.time())
    try:
        set_clock(stack, now)
        csrf = first.csrf_from("/ha-noi/desk")
        for n in range(30):
            r = find(first, csrf)
            check(r.status == 200, ("look-up within the limit", n, r.status))
        r = find(first, csrf)
        check(r.status == 429 and LIMITED in r.text and 'id="find-limited"' in r.text, (r.status, r.text[:300]))
        # The venue's share is spent too: another volunteer there is refused as well.
        r = find(second, second.csrf_from("/ha-noi/desk"))
        check(r.status == 429, ("the venue's limit", r.status))
        # A typed ID card at the gate is a look-up by ID number too (403: the gate's queue would
        # send a 429 again and again).
        gate = f"/ha-noi/venues/{venue}/gate/scans"
        r = first.request("POST", gate, body=urllib.parse.urlencode(
            {"csrf": csrf, "code": f"{new_id_number()}|012345678|Trần Văn", "method": "gate-reader",
             "direction": "in", "declaration": "verbal", "consent": "1", "key": secrets.token_hex(12),
             "reply": "json"}))
        check(r.status == 403 and LIMITED in json.loads(r.body)["message"], (r.status, r.body[:200]))
        refused = sql(stack, f"SELECT COUNT(*) FROM vaora_s1.desk_lookups WHERE venue_id = {venue} AND refused = 1")
        check(refused == "3", refused)
        # The ward's officer sees the burst on the signals page, by venue and account.
        page = logged_in(stack, "hn.officer").get("/ha-noi/signals?area=00070")
        section = page.text.split('id="lookups"')[1].split("</section>")[0]
        check("Quầy Tra Cứu Nhiều" in section and "tnv.tra.nhieu" in section and "tnv.tra.them" in section,
              section[:600])
        # An hour later the desk looks people up again.
        set_clock(stack, now + 61 * 60)
        # The session went idle with the clock: log in again.
        b = logged_in(stack, "tnv.tra.nhieu")
        r = find(b, b.csrf_from("/ha-noi/desk"))
        check(r.status == 200, ("an hour later", r.status))
    finally:
        os.remove(stack.clock_file)


def test_lookup_answers_given_name_and_birth_year_only(stack):
    phone, id_number, _ = resident(stack)
    desk = Desk(stack, "hn.manager")
    for by, typed, hidden in (("find_phone", phone, id_number), ("find_id_number", id_number, phone)):
        r = desk.find(**{by: typed})
        check(r.status == 200 and "<strong>Lan</strong> · 1962" in r.text, (by, r.status))
        for secret in ("Trương Thị Mai Lan", "Mai Lan", hidden, "Bí Mật"):
            check(html.escape(secret) not in r.text, (by, "the answer shows", secret))
        # Declaring for the person found names them by the given name too.
        card = re.search(r'name="person" value="([A-Z2-7]+)"', r.text).group(1)
        r = desk.b.post_form(desk.path + "/find", {"declare": "1", "person": card}, csrf_page=desk.path)
        check(r.status == 200 and "Trương Thị Mai Lan" not in r.text, (by, "declare form", r.status))


def handover(b, path, person):
    return b.post_form(path + "/handover", {"person": str(person)}, csrf_page=path)


def test_handover_only_for_people_declared_here_within_the_hour(stack):
    desk = Desk(stack)
    check(desk.declare("Người Vừa Khai", phone=new_phone()).status == 200, "declare")
    fresh = person_of_last_checkin(stack, desk.venue)
    check(handover(desk.b, desk.path, fresh).status == 200, "a person declared a minute ago")
    # Found by a look-up, declared here by someone else: not this volunteer's to hand over.
    phone, _, _ = resident(stack)
    manager = Desk(stack, "hn.manager")
    check(manager.declare("Người Của Người Khác", phone=new_phone()).status == 200, "manager declares")
    foreign = person_of_last_checkin(stack, desk.venue)
    r = handover(desk.b, desk.path, foreign)
    check(r.status == 403 and "trong một giờ qua" in r.text, (r.status, r.text[:300]))
    check("Người Của Người Khác" not in r.text, "the refusal names the person")
    looked_up = int(sql(stack, "SELECT id FROM vaora_s1.people ORDER BY id DESC LIMIT 1"))
    check(handover(desk.b, desk.path, looked_up).status == 403, "someone never declared here")
    # An hour later even one's own declaration is too old.
    try:
        set_clock(stack, int(time.time()) + 61 * 60)
        later = logged_in(stack, "hn.volunteer")
        r = handover(later, desk.path, fresh)
        check(r.status == 403, ("an hour later", r.status))
    finally:
        os.remove(stack.clock_file)


def handover_code(desk, **person):
    check(desk.declare(person.pop("full_name"), **person).status == 200, "declare")
    r = handover(desk.b, desk.path, person_of_last_checkin(desk.stack, desk.venue))
    check(r.status == 200, r.status)
    return re.search(r'id="handover-code">([A-Z2-7-]+)<', r.text).group(1).replace("-", "")


def take(phone, code, **fields):
    csrf = re.search(r'name="csrf" value="([^"]+)"', phone.get("/ha-noi/login").text).group(1)
    return phone.request("POST", f"/ha-noi/h/{code}", body=urllib.parse.urlencode(dict(fields, csrf=csrf)))


def test_redeemed_handover_shows_data_only_after_the_last_digits(stack):
    desk = Desk(stack)
    number = new_phone()
    code = handover_code(desk, full_name="Vũ Thị Bốn Số", phone=number, birth_year="1958")
    phone = Browser(stack)
    page = phone.get(f"/ha-noi/h/{code}")
    check(page.status == 200 and 'id="digits"' in page.text, page.status)
    check("Bốn Số" not in page.text and "1958" not in page.text, "the page shows the person before the digits")
    r = take(phone, code, digits="0000" if number[-4:] != "0000" else "1111")
    check(r.status == 400 and 'id="err-digits"' in r.text and "vaora_people_01" not in phone.cookies, r.status)
    check("Bốn Số" not in r.text, "wrong digits showed the person")
    r = take(phone, code, digits=number[-4:])
    check(r.status == 303 and "vaora_people_01" in phone.cookies, r.status)
    check("Vũ Thị Bốn Số" in phone.get("/ha-noi/me").text, "the phone does not show the person")

    # Five wrong tries burn the code: the right digits come too late.
    code = handover_code(desk, full_name="Đỗ Văn Đoán Mò", id_number=new_id_number())
    guesser = Browser(stack)
    for n in range(5):
        r = take(guesser, code, digits=f"{n:04d}")
        check(r.status == (410 if n == 4 else 400), (n, r.status))
    check("khóa" in r.text, "the burnt code does not say so")
    burnt = sql(stack, "SELECT COUNT(*) FROM vaora_s1.handovers WHERE used_at IS NOT NULL AND wrong_tries = 5")
    check(burnt == "1", burnt)
    check(guesser.get(f"/ha-noi/h/{code}").status == 410, "a burnt code opens")

    # A person with neither phone nor ID number has no digits to confirm.
    code = handover_code(desk, full_name="Lò Văn Không Số", birth_year="1940")
    bare = Browser(stack)
    page = bare.get(f"/ha-noi/h/{code}")
    check(page.status == 200 and 'id="digits"' not in page.text, page.status)
    r = take(bare, code)
    check(r.status == 303 and "vaora_people_01" in bare.cookies, r.status)
