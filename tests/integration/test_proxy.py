"""Proxy declarations ("khai hộ") at a venue's desk as a volunteer files them: the check-in's
method and filed_by, a person without a phone, wrong fields each with its message and nothing
written, audited look-ups by phone and ID number with a one-tap declaration for the person
found, and a sheet of the personal QR cards of the people declared for, every card read back
with zbarimg (pdftoppm at 150 dpi) and opening its /r/{card} page."""
import html
import json
import os
import re
import secrets

import fixtures
from fixtures import run, sql
from harness import Browser, check, logged_in

# No symptom ticked (an unticked box is "no"), the other questions answered.
ANSWERS = {"contact": "no", "travel": "no", "doses": "2"}
CARD_URL = re.compile(r"^HTTP://127\.0\.0\.1:\d+(/HA-NOI/R/[A-Z2-7]{24})$")


def new_phone():
    return "09" + "".join(secrets.choice("0123456789") for _ in range(8))


def new_id_number():
    return "001" + "".join(secrets.choice("0123456789") for _ in range(9))


class Desk:
    """hn.volunteer at the demo venue's proxy desk."""

    def __init__(self, stack, login="hn.volunteer"):
        self.stack = stack
        self.b = logged_in(stack, login)
        self.venue = fixtures.demo_venue_id(stack)
        self.path = f"/ha-noi/venues/{self.venue}/proxy"
        self.account = int(sql(stack, f"SELECT id FROM vaora_s1.accounts WHERE province = '01' AND login = '{login}'"))

    def key(self):
        return "proxy-" + secrets.token_hex(10)

    def declare(self, full_name, direction="in", **person):
        fields = dict(ANSWERS, key=self.key(), direction=direction, full_name=full_name, consent="1", **person)
        return self.b.post_form(self.path, fields)

    def find(self, **fields):
        return self.b.post_form(self.path + "/find", fields, csrf_page=self.path)


def checkins_of(stack, where):
    return sql(stack, f"SELECT method, filed_by, venue_id FROM vaora_s1.checkins WHERE province = '01' AND {where}")


def person_of_last_checkin(stack, venue):
    return int(sql(stack, f"SELECT person_id FROM vaora_s1.checkins WHERE province = '01' AND venue_id = {venue}"
                          " ORDER BY id DESC LIMIT 1"))


def test_desk_page_is_linked_and_starts_on_the_look_up(stack):
    desk = Desk(stack)
    r = desk.b.get(desk.path)
    check(r.status == 200, r.status)
    check(re.search(r'<input id="find_phone"[^>]* autofocus', r.text), "the look-up is not focused first")
    check(r.text.count(" autofocus") == 1, "more than one field asks for the focus")
    check(f'href="{desk.path}"' in desk.b.get("/ha-noi/desk").text, "the volunteer's desk does not link it")
    manager = logged_in(stack, "hn.manager")
    check(f'href="{desk.path}"' in manager.get(f"/ha-noi/venues/{desk.venue}").text, "the venue page does not link it")


def test_a_person_without_phone_is_recorded_as_a_proxy_check_in_filed_by_the_volunteer(stack):
    desk = Desk(stack)
    name = "Lò Thị Không Điện Thoại"
    r = desk.declare(name, birth_year="1941", gender="female", area_code="00070")
    check(r.status == 200 and "Đã ghi:" in r.text and "Thoại" in r.text, (r.status, r.text[:400]))
    # The same page comes back for the next resident: the form empty, the look-up focused.
    check(html.escape(name) not in r.text.split('id="proxy-form"')[1].split("</form>")[0], "the form kept the name")
    check(re.search(r'<input id="find_phone"[^>]* autofocus', r.text), "focus not back on the first field")
    person = person_of_last_checkin(stack, desk.venue)
    rows = checkins_of(stack, f"person_id = {person}").split("\t")
    check(rows == ["proxy", str(desk.account), str(desk.venue)], rows)
    phone = sql(stack, f"SELECT phone_enc IS NULL AND phone_index IS NULL FROM vaora_s1.people WHERE id = {person}")
    check(phone == "1", "a person without a phone got one")
    # The person is among those the volunteer declared for, with their card to print.
    check(f'name="person" value="{person}"' in desk.b.get(desk.path).text, "not listed for the card sheet")


def test_wrong_fields_each_get_their_message_with_values_kept_and_nothing_written(stack):
    desk = Desk(stack)
    before = sql(stack, "SELECT (SELECT COUNT(*) FROM vaora_s1.people), (SELECT COUNT(*) FROM vaora_s1.checkins)")
    fields = dict(key=desk.key(), direction="in", full_name="Phạm Văn Sai", phone="12345", birth_year="3000",
                  doses="2")
    r = desk.b.post_form(desk.path, fields)
    check(r.status == 400, r.status)
    for field in ("phone", "birth_year", "consent", "contact", "travel"):
        check(f'id="err-{field}"' in r.text, f"no message beside {field}")
    check('value="Phạm Văn Sai"' in r.text and 'value="12345"' in r.text and 'value="3000"' in r.text,
          "typed values not kept")
    check(re.search(r'value="2"( required)? checked', r.text), "the answer given not kept")
    after = sql(stack, "SELECT (SELECT COUNT(*) FROM vaora_s1.people), (SELECT COUNT(*) FROM vaora_s1.checkins)")
    check(before == after, ("something was written", before, after))


def lookups(stack, login):
    return int(sql(stack, "SELECT COUNT(*) FROM vaora_s1.audit_log WHERE province = '01'"
                          f" AND action = 'person-lookup' AND actor_login = '{login}'"))


def one_tap_fields(page):
    """The fields of the first one-tap form a look-up shows."""
    form = page.split('class="checkin one-tap card match"')[1].split("</form>")[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_look_ups_are_audited_and_a_returning_person_is_declared_with_one_tap(stack):
    desk = Desk(stack)
    phone, id_number, name = new_phone(), new_id_number(), "Đặng Văn Quay Lại"
    check(desk.declare(name, phone=phone, id_number=id_number, birth_year="1950").status == 200, "first visit")
    person = person_of_last_checkin(stack, desk.venue)
    count = lookups(stack, "hn.volunteer")

    # The answer tells people apart by given name and birth year, no more (issue #13).
    r = desk.find(find_phone=phone)
    check(r.status == 200 and "<strong>Lại</strong> · 1950" in r.text, ("not found by phone", r.status))
    check(lookups(stack, "hn.volunteer") == count + 1, "look-up by phone not audited")
    check(re.search(r'<button type="submit" name="direction" value="in" class="in" autofocus', r.text),
          "the found person's button is not focused")
    r = desk.find(find_id_number=id_number)
    check(r.status == 200 and "<strong>Lại</strong> · 1950" in r.text, ("not found by ID number", r.status))
    check(lookups(stack, "hn.volunteer") == count + 2, "look-up by ID number not audited")

    # Unchanged answers, one tap; "out" (an "in" again within two minutes is the same check-in).
    fields = one_tap_fields(r.text)
    fields.update(direction="out")
    r = desk.b.post_form(desk.path, fields)
    check(r.status == 200 and "Đã ghi:" in r.text, (r.status, r.text[:300]))
    rows = checkins_of(stack, f"person_id = {person}").splitlines()
    check(rows == [f"proxy\t{desk.account}\t{desk.venue}"] * 2, rows)

    # Nobody found: the new person's form starts with what was looked up, and has the focus.
    other = new_phone()
    r = desk.find(find_phone=other)
    check(r.status == 200 and 'id="find-none"' in r.text and f'value="{other}"' in r.text, r.status)
    check(re.search(r'<input id="full_name"[^>]* autofocus', r.text), "the new person's name is not focused")
    # A phone number that is none: its message beside the look-up field, nothing looked up.
    r = desk.find(find_phone="12")
    check(r.status == 400 and 'id="err-find_phone"' in r.text, r.status)
    check(lookups(stack, "hn.volunteer") == count + 3, "a refused look-up was audited, or a good one was not")


def test_a_sheet_of_cards_decodes_to_cards_that_open(stack):
    desk = Desk(stack)
    # Twelve people: a full sheet of ten and a second page.
    names = [f"Người Được Khai Hộ Số {n}" for n in range(12)]
    ids = []
    for name in names:
        check(desk.declare(name, phone=new_phone()).status == 200, name)
        ids.append(person_of_last_checkin(stack, desk.venue))
    # Somebody the manager declared for is not the volunteer's to print.
    manager = Desk(stack, "hn.manager")
    check(manager.declare("Người Của Quản Lý").status == 200, "manager's declaration")
    foreign = person_of_last_checkin(stack, desk.venue)

    r = desk.b.post_form(desk.path + "/cards", {"person": "x"}, csrf_page=desk.path)
    check(r.status == 400 and 'id="cards-error"' in r.text, ("nobody picked", r.status))
    audits = int(sql(stack, "SELECT COUNT(*) FROM vaora_s1.audit_log WHERE province = '01' AND action = 'cards-print'"))
    body = "&".join(f"person={i}" for i in ids + [foreign])
    body += "&csrf=" + desk.b.csrf_from(desk.path)
    r = desk.b.request("POST", desk.path + "/cards", body=body)
    check(r.status == 200 and r.header("Content-Type") == "application/pdf" and r.body.startswith(b"%PDF"), r.status)
    check("no-store" in (r.header("Cache-Control") or ""), r.header("Cache-Control"))
    after = int(sql(stack, "SELECT COUNT(*) FROM vaora_s1.audit_log WHERE province = '01' AND action = 'cards-print'"))
    check(after == audits + 1, "the card sheet was not audited")

    folder = os.path.join(stack.dir, "card-sheet")
    os.makedirs(folder, exist_ok=True)
    pdf = os.path.join(folder, "sheet.pdf")
    with open(pdf, "wb") as f:
        f.write(r.body)
    # Each card cut out as the layout places it (at 150 dpi, as a cheap printer or scanner sees
    # it) and read alone, as a gate reads one card: ten codes on one image are not a gate's job.
    with open(os.path.join(stack.templates, "posters", "card-sheet.json"), encoding="utf-8") as f:
        panels = [p["box"] for p in json.load(f)["panels"]]
    pages = run("pdfinfo", pdf).stdout.decode()
    check(re.search(r"^Pages:\s+2$", pages, re.M), pages)
    urls = []
    for n in range(12):
        page, (x, y, w, h) = n // len(panels) + 1, panels[n % len(panels)]
        px = [str(round(v / 25.4 * 150)) for v in (x, y, w, h)]
        out = os.path.join(folder, f"card-{n}")
        check(run("pdftoppm", "-r", "150", "-f", str(page), "-l", str(page), "-x", px[0], "-y", px[1], "-W", px[2],
                  "-H", px[3], "-png", "-singlefile", pdf, out).returncode == 0, "pdftoppm")
        urls += run("zbarimg", "--nodbus", "--raw", "-q", out + ".png").stdout.decode().split()
    check(len(urls) == 12 and len(set(urls)) == 12, ("cards decoded", len(urls), len(set(urls))))
    text = " ".join(run("pdftotext", pdf, "-").stdout.decode().split())
    check(all(name in text for name in names) and "Người Của Quản Lý" not in text, "the names on the cards")
    stranger = Browser(stack)
    for url in urls:
        m = CARD_URL.match(url)
        check(m, ("not a card URL", url))
        check(stranger.get(m.group(1)).status == 200, ("card does not open", url))


def test_a_person_is_handed_over_to_their_own_phone_once(stack):
    desk = Desk(stack)
    name, number = "Hà Thị Chuyển Máy", new_phone()
    check(desk.declare(name, phone=number).status == 200, "declare")
    person = person_of_last_checkin(stack, desk.venue)
    r = desk.b.post_form(desk.path + "/handover", {"person": str(person)}, csrf_page=desk.path)
    check(r.status == 200 and "Máy" in r.text, (r.status, r.text[:300]))
    code = re.search(r'id="handover-code">([A-Z2-7-]+)<', r.text).group(1)
    qr = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', r.text)
    check(qr, "no QR on the hand-over page")
    # The QR holds the phone's URL, in upper case; its SVG is drawn by the poster renderer.
    svg = os.path.join(stack.dir, "handover.svg")
    with open(svg, "wb") as f:
        f.write(__import__("base64").b64decode(qr.group(1)))
    png = os.path.join(stack.dir, "handover.png")
    run("rsvg-convert", "-w", "400", "-b", "white", "-o", png, svg)
    url = run("zbarimg", "--nodbus", "--raw", "-q", png).stdout.decode().strip()
    check(re.match(r"^HTTP://127\.0\.0\.1:\d+/HA-NOI/H/[A-Z2-7]{10}$", url) and url.endswith(code.replace("-", "")), url)
    path = url.split(str(stack.port), 1)[1]
    # An id the volunteer did not declare for here within the hour is refused (issue #13: 403).
    other = desk.b.post_form(desk.path + "/handover", {"person": "999999999"}, csrf_page=desk.path)
    check(other.status == 403, other.status)

    # The phone sees nobody until it types the last digits of the person's phone.
    phone = Browser(stack)
    page = phone.get(path)
    check(page.status == 200 and "Chuyển Máy" not in page.text and 'id="digits"' in page.text, page.status)
    check("vaora_people_01" not in phone.cookies, "a GET remembered the person")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = phone.request("POST", path, body=f"csrf={csrf}&digits={number[-4:]}")
    check(r.status == 303 and r.header("Location") == "/ha-noi/me" and "vaora_people_01" in phone.cookies, r.status)
    check(name in phone.get("/ha-noi/me").text, "the phone does not show the person's data")
    # Once only: a second phone gets "used".
    second = Browser(stack)
    page = second.get(path)
    check(page.status == 410 and "đã được dùng" in page.text, page.status)
    csrf = re.search(r'name="csrf" value="([^"]+)"', second.get("/ha-noi/login").text).group(1)
    r = second.request("POST", path, body=f"csrf={csrf}")
    check(r.status == 410 and "vaora_people_01" not in second.cookies, r.status)
    check(Browser(stack).get("/ha-noi/h/AAAAAAAAAA").status == 404, "a made-up code")
    audit = sql(stack, f"SELECT GROUP_CONCAT(action ORDER BY id) FROM vaora_s1.audit_log WHERE object = 'person:{person}'"
                       " AND action LIKE 'handover-%'")
    check(audit == "handover-create,handover-redeem", audit)


def test_a_hand_over_code_expires(stack):
    desk = Desk(stack)
    check(desk.declare("Đinh Văn Hết Hạn", phone=new_phone()).status == 200, "declare")
    person = person_of_last_checkin(stack, desk.venue)
    r = desk.b.post_form(desk.path + "/handover", {"person": str(person)}, csrf_page=desk.path)
    code = re.search(r'id="handover-code">([A-Z2-7-]+)<', r.text).group(1)
    import time
    try:
        with open(stack.clock_file, "w") as f:
            f.write(str(int(time.time()) + 16 * 60))
        page = Browser(stack).get(f"/ha-noi/h/{code}")
        check(page.status == 410 and "hết hạn" in page.text, page.status)
    finally:
        os.remove(stack.clock_file)
