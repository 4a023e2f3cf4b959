"""The self check-in page through nginx as a phone's browser without JavaScript uses it: the
form, its one validation with messages beside the fields, exactly-once submission, the
remembered people and their one tap, the two-minute rule and queued times with the settable
clock, the confirmation, and "my data" (view, correct, delete, forget). Every test checks what
was stored, in the database or through `vaora people show`."""
import concurrent.futures
import difflib
import gzip
import os
import json
import re
import signal
import time
import urllib.parse

import fixtures
from harness import Browser, check, logged_in, poll

NAME = "Nguyễn Thị Ánh Tuyết"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
KEY = re.compile(r'name="key" value="([^"]+)"')
PERSON = re.compile(r'name="person" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')
ERRORS = re.compile(r'<p class="error" id="err-([a-z_]+)">([^<]+)</p>')


def rows(stack, where):
    return int(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01' AND {where}"))


def people(stack):
    return int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.people WHERE province = '01'"))


def set_clock(stack, seconds):
    with open(stack.clock_file, "w") as f:
        f.write(str(seconds))


class Venue:
    """A venue of its own per test, so counts of rows are the test's alone."""

    def __init__(self, stack, name, verified=False):
        self.stack = stack
        self.id = fixtures.add_venue(stack, "01", name, "00070", verified=verified)
        admin = logged_in(stack, "hn.admin")
        page = admin.get(f"/ha-noi/venues/{self.id}").text
        self.code = re.search(r'id="short-code">([A-Z2-7-]+)<', page).group(1).replace("-", "")
        self.path = f"/ha-noi/c/{self.code}"


# A new person's first check-in as a phone without JavaScript fills the form.
FIRST_CHECKIN_FIELDS = {"full_name": NAME, "phone": "0903 111 222", "birth_year": "1985", "gender": "female",
                        "area_code": "00070", "address": "12 Hàng Đào", "contact": "no", "travel": "no", "doses": "2",
                        "consent": "1", "remember": "1"}


class Phone(Browser):
    """A phone's browser without JavaScript: it fills the form of the page it was given."""

    def open(self, venue, query=""):
        r = self.get(venue.path + query)
        check(r.status == 200, (r.status, r.text[:300]))
        return r

    def submit(self, venue, page, fields, direction="in", form_index=0):
        csrf = re.findall(r'name="csrf" value="([^"]+)"', page.text)[form_index]
        data = {"csrf": csrf, "key": KEY.findall(page.text)[form_index], "direction": direction}
        data.update(fields)
        return self.request("POST", venue.path, body=urllib.parse.urlencode(data))

    def first_checkin(self, venue, direction="in", **extra):
        fields = dict(FIRST_CHECKIN_FIELDS, **extra)
        return self.submit(venue, self.open(venue, "?new=1"), fields, direction)


def confirmation(r):
    check(r.status == 200 and 'id="confirmation"' in r.text, (r.status, r.text[:500]))
    code = re.search(r'id="check-code">([A-Z0-9]{4})<', r.text).group(1)
    colour = re.search(r'class="confirm (green|amber)"', r.text).group(1)
    return code, colour


def person_id_of(stack, venue):
    return int(fixtures.sql(stack, f"SELECT MAX(person_id) FROM vaora_s1.checkins WHERE province = '01'"
                                   f" AND venue_id = {venue.id}"))


def test_form_page_is_small_and_labelled(stack):
    venue = Venue(stack, "Nhà văn hoá Tổ 5")
    r = Phone(stack).request("GET", venue.path, headers={"Accept-Encoding": "gzip"})
    body = gzip.decompress(r.body) if r.header("Content-Encoding") == "gzip" else r.body
    text = body.decode()
    check(r.status == 200 and "Nhà văn hoá Tổ 5" in text, r.status)
    for field in ("full_name", "phone", "id_number", "birth_year", "area_code", "address"):
        check(f'<label for="{field}">' in text and f'id="{field}"' in text, f"no label for {field}")
    check('name="gender" value="female"' in text and 'name="fever" value="yes"' in text, "gender or symptoms")
    check('name="contact" value="yes"' in text and 'name="doses" value="4+"' in text, "declaration questions")
    check('value="in"' in text and 'value="out"' in text and "Vào" in text and "Ra" in text, "in/out buttons")
    check("Nghị định 13/2023" in text and "30" in text, "privacy notice with retention days")
    css = stack.get("/static/style.css", headers={"Accept-Encoding": "gzip"}).body
    # The page's script and the shared helpers it runs on (vaora.js: the offline queue).
    js = b"".join(stack.get(f"/static/{name}", headers={"Accept-Encoding": "gzip"}).body
                  for name in ("vaora.js", "checkin.js"))
    total = len(r.body) + len(css) + len(js)
    print(f"    check-in page transfer: html {len(r.body)} B + css {len(css)} B + js {len(js)} B = {total} B")
    check(total <= 30 * 1024, f"{total} bytes over 30 KB")


def test_each_wrong_field_is_named_and_nothing_written(stack):
    venue = Venue(stack, "Quán phở Bát Đàn")
    phone = Phone(stack)
    before = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.people"))
    r = phone.first_checkin(venue, full_name="Trần Văn Bình", phone="12345", birth_year="1850", id_number="12",
                            gender="robot", area_code="99999", contact="maybe", travel="", consent="")
    check(r.status == 400, r.status)
    errors = dict(ERRORS.findall(r.text))
    for field in ("phone", "birth_year", "id_number", "gender", "area_code", "contact", "travel", "consent"):
        check(field in errors, f"no message beside {field}: {sorted(errors)}")
    check(errors["phone"].startswith("Số điện thoại không hợp lệ"), errors["phone"])
    check('value="Trần Văn Bình"' in r.text and 'value="12345"' in r.text, "typed values were not kept")
    check('name="contact" value="maybe"' not in r.text, "a bad answer came back as an option")
    check(rows(stack, f"venue_id = {venue.id}") == 0, "a refused check-in wrote a row")
    check(int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.people")) == before, "a person was half-written")
    # Only the consent missing: the form again, with everything typed kept.
    r = phone.first_checkin(venue, consent="")
    check(r.status == 400 and set(dict(ERRORS.findall(r.text))) == {"consent"}, dict(ERRORS.findall(r.text)))
    check(f'value="{NAME}"' in r.text and rows(stack, f"venue_id = {venue.id}") == 0, "consent")
    # A commune of another province is refused the same way (the one validation reads areas).
    r = phone.first_checkin(venue, area_code="26734")
    check(r.status == 400 and "area_code" in dict(ERRORS.findall(r.text)), "foreign commune")


def test_first_checkin_confirms_and_stores_once(stack):
    venue = Venue(stack, "Chợ Hàng Da")
    phone = Phone(stack)
    page = phone.open(venue, "?new=1")
    fields = {"full_name": "  Nguyễn   Thị Ánh Tuyết ", "phone": "+84 903 222 333", "birth_year": "1990",
              "gender": "female", "area_code": "00070", "cough": "yes", "contact": "no", "travel": "no",
              "doses": "3", "consent": "1", "remember": "1"}
    r = phone.submit(venue, page, fields)
    code, colour = confirmation(r)
    check(colour == "amber" and "Tuyết" in r.text and "Chợ Hàng Da" in r.text and "Đã VÀO" in r.text, colour)
    check(any(c.startswith("vaora_people_01=") and "HttpOnly" in c for c in r.headers_named("Set-Cookie")),
          "the phone was not asked to remember the person")
    cookie = phone.cookies["vaora_people_01"]
    check("0903222333" not in cookie and "Tuy" not in cookie, "personal data in the cookie")
    # The same form sent again (a double tap, a retry): the same confirmation, one row.
    again = phone.submit(venue, page, fields)
    check(confirmation(again)[0] == code, "a retry got another check code")
    check(rows(stack, f"venue_id = {venue.id}") == 1, "the retry added a row")
    stored = fixtures.sql(stack, f"SELECT method, direction, amber FROM vaora_s1.checkins"
                                 f" WHERE venue_id = {venue.id}").split("\t")
    [(_, answers)] = fixtures.stored_answers(stack, f"venue_id = {venue.id}").values()
    check(stored == ["self", "in", "1"] and "cough=yes" in answers and "doses=3" in answers, (stored, answers))
    r = stack.vaora("people", "show", "--province", "01", "--phone", "0903222333")
    out = r.stdout.decode()
    check(r.returncode == 0 and f"name: {NAME}\n" in out and "commune: 00070" in out and "gender: female" in out,
          out)


def test_simultaneous_double_submissions_are_one(stack):
    """A double tap on a slow network: the same form several times at once, on several workers."""
    venue = Venue(stack, "Cửa hàng Tạ Hiện")
    phone = Phone(stack)
    page = phone.open(venue, "?new=1")
    fields = {"full_name": "Bùi Thị Nga", "contact": "no", "travel": "no", "doses": "1", "consent": "1"}
    people_before = people(stack)
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: phone.submit(venue, page, fields), range(6)))
    codes = {confirmation(r)[0] for r in answers}
    check(len(codes) == 1, f"different confirmations: {codes}")
    check(rows(stack, f"venue_id = {venue.id}") == 1, f"{rows(stack, f'venue_id = {venue.id}')} rows")
    check(people(stack) == people_before + 1, "the duplicates that lost left people behind")


def test_in_then_out_from_one_page_is_two(stack):
    venue = Venue(stack, "Bưu điện Hàng Trống")
    phone = Phone(stack)
    page = phone.open(venue, "?new=1")
    fields = {"full_name": "Lê Văn Cường", "contact": "no", "travel": "no", "doses": "2", "consent": "1"}
    confirmation(phone.submit(venue, page, fields, "in"))
    r = phone.submit(venue, page, fields, "out")
    confirmation(r)
    check("Đã RA" in r.text, "out confirmation")
    check(rows(stack, f"venue_id = {venue.id}") == 2, "in and out are two rows")
    check("vaora_people_01" not in phone.cookies, "remembered without being asked")


def test_returning_resident_checks_in_with_one_tap(stack):
    venue, other = Venue(stack, "Siêu thị Hàng Bài"), Venue(stack, "Ngân hàng Tràng Tiền")
    phone = Phone(stack)
    confirmation(phone.first_checkin(venue, phone="0903444555"))
    person = person_id_of(stack, venue)
    page = phone.open(other)
    check(f"Bạn là <strong>{NAME}</strong>?" in page.text and "không thay đổi" in page.text, page.text[:2000])
    check('id="full_name"' not in page.text, "the full form was shown to a remembered person")
    form = re.search(r'<form method="post"[^>]*one-tap.*?</form>', page.text, re.S).group(0)
    data = dict(HIDDEN.findall(form), direction="in")
    confirmation(phone.request("POST", other.path, body=urllib.parse.urlencode(data)))
    check(rows(stack, f"venue_id = {other.id} AND person_id = {person}") == 1, "one tap did not record the person")
    [(_, answers)] = fixtures.stored_answers(stack, f"venue_id = {other.id}").values()
    [(_, first)] = fixtures.stored_answers(stack, f"venue_id = {venue.id}").values()
    check(answers == first and answers, ("declaration unchanged", answers, first))
    check(int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.people WHERE province = '01'"
                                  f" AND id = {person}")) == 1, "person")


def test_a_changed_privacy_notice_is_agreed_to_again(stack):
    """Someone who agreed to an earlier notice gets no one tap: the declaration form shows the
    notice as it reads now, a check-in without agreeing is refused with nothing written, and
    agreeing records the current version with the check-in."""
    first, venue = Venue(stack, "Bưu điện Hàng Trống"), Venue(stack, "Nhà sách Tràng Tiền")
    phone = Phone(stack)
    confirmation(phone.first_checkin(first, phone="0903444666"))
    person = person_id_of(stack, first)
    current = fixtures.sql(stack, f"SELECT consent_version FROM vaora_s1.people WHERE id = {person}")
    fixtures.sql(stack, f"UPDATE vaora_s1.people SET consent_version = {int(current) - 1},"
                        f" consent_at = '2026-01-02 03:04:05' WHERE id = {person}")
    page = phone.open(venue)
    check(f"Bạn là <strong>{NAME}</strong>?" in page.text, page.text[:2000])
    check('value="in" class="in"' not in page.text and 'href="?who=0"' in page.text, "one tap under an old notice")
    form_page = phone.open(venue, "?who=0")
    check('id="consent"' in form_page.text and 'id="full_name"' not in form_page.text, form_page.text[:3000])
    check("365" in form_page.text and 'id="remember"' not in form_page.text, "the notice of the card's validity")
    answers = {"contact": "no", "travel": "no", "doses": "2", "remember": "1"}
    token = dict(HIDDEN.findall(form_page.text))["person"]
    before = rows(stack, f"person_id = {person}")
    refused = phone.submit(venue, form_page, dict(answers, person=token))
    check(refused.status == 400 and 'id="err-consent"' in refused.text and 'id="consent"' in refused.text,
          (refused.status, refused.text[:2000]))
    check(rows(stack, f"person_id = {person}") == before, "a check-in without agreeing to the notice")
    check(fixtures.sql(stack, f"SELECT consent_version FROM vaora_s1.people WHERE id = {person}") != current, "renewed")
    confirmation(phone.submit(venue, refused, dict(answers, person=token, consent="1")))
    check(rows(stack, f"person_id = {person}") == before + 1, "the check-in after agreeing")
    stored = fixtures.sql(stack, f"SELECT consent_version, consent_at > '2026-01-02' FROM vaora_s1.people"
                                 f" WHERE id = {person}").split("\t")
    check(stored == [current, "1"], stored)
    again = phone.open(venue)
    check('value="in" class="in"' in again.text, "one tap once the notice is agreed to")


def test_two_people_on_one_phone_and_the_two_minute_rule(stack):
    venue = Venue(stack, "Trạm y tế phường")
    phone = Phone(stack)
    confirmation(phone.first_checkin(venue, full_name="Phạm Văn Đức", phone="0911000111"))
    confirmation(phone.first_checkin(venue, full_name="Phạm Thị Hoa", phone="0911000222"))
    page = phone.open(venue)
    names = re.findall(r"Bạn là <strong>([^<]+)</strong>", page.text)
    check(names == ["Phạm Thị Hoa", "Phạm Văn Đức"], names)
    def forms_of(page):
        """The one-tap forms by the person's name (the last one to check in comes first)."""
        found = re.findall(r'<form method="post"[^>]*one-tap.*?</form>', page.text, re.S)
        return {re.search(r"<strong>([^<]+)</strong>", f).group(1): f for f in found}

    forms = forms_of(page)

    def tap(form_html, direction="in"):
        data = dict(HIDDEN.findall(form_html))
        data["direction"] = direction
        return phone.request("POST", venue.path, body=urllib.parse.urlencode(data))

    start = time.time()
    try:
        set_clock(stack, start + 30)
        r = tap(forms["Phạm Văn Đức"])
        check("Đức" in r.text and 'id="already"' in r.text, "a repeat within two minutes is not 'already recorded'")
        set_clock(stack, start + 200)
        # A later scan opens the page again: a new page, a new key.
        forms = forms_of(phone.open(venue))
        r = tap(forms["Phạm Văn Đức"])
        check("Đức" in r.text and 'id="already"' not in r.text, "three minutes later is a new check-in")
        r = tap(forms["Phạm Thị Hoa"], "out")
        check("Hoa" in r.text and "Đã RA" in r.text, "the second person")
    finally:
        os.remove(stack.clock_file)
    duc = fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.checkins c WHERE venue_id = {venue.id}"
                              " GROUP BY person_id ORDER BY person_id").split("\n")
    check(duc == ["2", "2"], duc)


def test_queued_time_too_old_is_flagged(stack):
    venue = Venue(stack, "Bến xe Gia Lâm")
    phone = Phone(stack)
    old = int((time.time() - 73 * 3600) * 1000)
    r = phone.first_checkin(venue, pressed_at_ms=str(old))
    confirmation(r)
    check("quá 72 giờ" in r.text, "the confirmation does not say the time was not kept")
    note = fixtures.sql(stack, f"SELECT time_note, pressed_at = received_at FROM vaora_s1.checkins"
                               f" WHERE venue_id = {venue.id}")
    check(note == "too-old\t1", note)
    recent = int((time.time() - 3600) * 1000)
    confirmation(phone.first_checkin(venue, full_name="Đỗ Thị Mai", pressed_at_ms=str(recent)))
    kept = fixtures.sql(stack, f"SELECT TIMESTAMPDIFF(SECOND, pressed_at, received_at), time_note"
                               f" FROM vaora_s1.checkins WHERE venue_id = {venue.id} ORDER BY id DESC LIMIT 1")
    seconds, flag = kept.split("\t") if "\t" in kept else (kept, "")
    check(3590 <= int(seconds) <= 3610 and flag == "", kept)


def test_unknown_and_replaced_posters(stack):
    venue = Venue(stack, "Cửa hàng Hàng Gai")
    phone = Phone(stack)
    check(phone.get("/ha-noi/c/AAAAAAAAAAAAAAAAAA").status == 404, "unknown code")
    page = phone.open(venue, "?new=1")
    admin = logged_in(stack, "hn.admin")
    admin.post_form(f"/ha-noi/venues/{venue.id}/reissue", {}, csrf_page="/ha-noi/desk")
    r = phone.submit(venue, page, {"full_name": NAME, "contact": "no", "travel": "no", "doses": "1", "consent": "1"})
    check(r.status == 410 and "đã được thay thế" in r.text, r.status)
    check(phone.get(venue.path).status == 410, "old poster page")
    check(rows(stack, f"venue_id = {venue.id}") == 0, "an old poster recorded a check-in")


# GETs of a page that every worker of the test stack (4) has already served: enough that one
# read per GET shows, and fast enough (at once, from threads) that the workers' once-a-second
# check of the venues' changes (schema/028) and the counters' folder stay far below one per GET.
PAGE_GETS = 200


def statements(stack):
    """MariaDB's count of the statements its clients sent."""
    return int(fixtures.sql(stack, "SHOW GLOBAL STATUS LIKE 'Questions'").split("\t")[1])


def test_the_page_of_a_venue_a_worker_already_showed_reads_no_statement(stack):
    venue = Venue(stack, "Chợ Hàng Da")
    phone = Phone(stack)
    for _ in range(20):
        phone.open(venue)
    before = statements(stack)
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: phone.get(venue.path).status, range(PAGE_GETS)))
    sent = statements(stack) - before
    check(answers == [200] * PAGE_GETS, set(answers))
    check(sent < PAGE_GETS / 2, f"{sent} statements for {PAGE_GETS} pages of one venue")


def test_a_poster_revoked_or_a_venue_closed_by_no_worker_checks_nobody_in_and_its_page_follows(stack):
    # Changed by SQL, as another host's worker or the command line would: no worker of this
    # host was told, so the page may show the form until it reads the count of changes again
    # (within a second), but the submission reads the venue itself.
    fields = {"full_name": NAME, "contact": "no", "travel": "no", "doses": "1", "consent": "1"}
    for change, says in (("token_version = token_version + 1", "đã được thay thế"),
                         ("status = 'inactive'", "ngừng hoạt động")):
        venue = Venue(stack, "Quầy thuốc Hàng Bồ")
        phone = Phone(stack)
        for _ in range(12):
            page = phone.open(venue, "?new=1")
        fixtures.sql(stack, f"UPDATE vaora_s1.venues SET {change} WHERE province = '01' AND id = {venue.id}")
        r = phone.submit(venue, page, fields)
        check(r.status == 410 and says in r.text, (change, r.status))
        check(rows(stack, f"venue_id = {venue.id}") == 0, (change, "a check-in was recorded"))
        check(poll(lambda: all(phone.get(venue.path).status == 410 for _ in range(8)), 30) is not None,
              (change, "the page still shows the form"))


# Submissions sent at once after a change no worker was told of: more than the test stack's
# workers (4), each phone having opened the page a few times, so that every worker holds the
# venue and trusts it for up to a second (VENUE_CACHE_CHECK_US).
REVOKED_SUBMISSIONS = 8


def test_a_poster_revoked_behind_the_workers_backs_is_refused_by_the_checkin_itself(stack):
    """Issue #14: the submission takes the venue from the worker's cache; the check-in's own
    transaction (schema/033) refuses a venue no longer at the poster's version or closed, so
    however stale a cache, a revoked poster checks nobody in and no new person is stored."""
    fields = {"full_name": NAME, "contact": "no", "travel": "no", "doses": "1", "consent": "1"}
    for change, says in (("token_version = token_version + 1", "đã được thay thế"),
                         ("status = 'inactive'", "ngừng hoạt động")):
        venue = Venue(stack, "Cửa hàng Hàng Mã")
        phones = [Phone(stack) for _ in range(REVOKED_SUBMISSIONS)]
        pages = [[phone.open(venue, "?new=1") for _ in range(3)][-1] for phone in phones]
        before = people(stack)
        fixtures.sql(stack, f"UPDATE vaora_s1.venues SET {change} WHERE province = '01' AND id = {venue.id}")
        with concurrent.futures.ThreadPoolExecutor(max_workers=REVOKED_SUBMISSIONS) as pool:
            answers = list(pool.map(lambda pp: pp[0].submit(venue, pp[1], fields), zip(phones, pages)))
        check(all(r.status == 410 and says in r.text for r in answers), (change, [r.status for r in answers]))
        check(rows(stack, f"venue_id = {venue.id}") == 0, (change, "a check-in was recorded"))
        check(people(stack) == before, (change, "a refused check-in stored its new person"))


def test_a_one_tap_at_a_venue_the_workers_keep_is_one_statement(stack):
    """Issue #14: a remembered person's one tap at a venue its worker keeps sends one CALL (the
    venue's check, the key, the person, the two-minute rule, the row and the commit) and a new
    person's first check-in two; the fewest of three of each (a worker's once-a-second reads may
    fall into one request's window)."""
    venue = Venue(stack, "Hiệu may Hàng Gai")
    others = [Venue(stack, f"Quán phở Bát Đàn {n}") for n in range(3)]
    for _ in range(4):	# every worker has prepared its statements
        Phone(stack).first_checkin(venue, phone="")
    fields = {"full_name": "Đỗ Văn Hải", "contact": "no", "travel": "no", "doses": "2", "consent": "1",
              "remember": "1"}
    news, one_taps, answers = [], [], []
    for other in others:
        phone = Phone(stack)
        for _ in range(8):	# every worker keeps both venues
            phone.open(venue, "?new=1")
        page = phone.open(venue, "?new=1")
        news.append(fixtures.statements_sent(stack, lambda: answers.append(phone.submit(venue, page, fields))))
        confirmation(answers[-1])
        for _ in range(8):
            tap_page = phone.open(other)
        form = re.search(r'<form method="post"[^>]*one-tap.*?</form>', tap_page.text, re.S).group(0)
        data = dict(HIDDEN.findall(form), direction="in")
        one_taps.append(fixtures.statements_sent(stack, lambda: answers.append(
            phone.request("POST", other.path, body=urllib.parse.urlencode(data)))))
        confirmation(answers[-1])
    check(min(one_taps) == 1 and min(news) == 2, f"statements sent: one tap {one_taps}, new person {news}")


def test_a_poster_printed_with_the_old_18_character_code_still_checks_in(stack):
    venue = Venue(stack, "Hiệu thuốc Lãn Ông")
    old = fixtures.printed_venue_code(stack, "01", venue.id)
    check(len(old) == 18 and len(venue.code) < 18, (old, venue.code))
    # The old poster's QR (upper-case URL) and its printed code typed in groups of six.
    printed = type("V", (), {"path": f"/HA-NOI/C/{old}"})
    phone = Phone(stack)
    r = phone.first_checkin(printed, full_name="Lê Văn Thuốc", phone="0903 444 555")
    code, _ = confirmation(r)
    check("Hiệu thuốc Lãn Ông" in r.text and rows(stack, f"venue_id = {venue.id}") == 1, "old poster's check-in")
    typed = "-".join([old[:6], old[6:12], old[12:]]).lower()
    r = phone.get("/ha-noi/c?code=" + typed)
    check(r.status == 303 and r.header("Location") == f"/ha-noi/c/{old}", (r.status, r.header("Location")))
    # One changed character, or the old code of another province's key: refused.
    tampered = old[:10] + ("A" if old[10] != "A" else "B") + old[11:]
    check(phone.get(f"/ha-noi/c/{tampered}").status == 404, "a tampered old code opened")
    check(phone.get(f"/ha-noi/c/{fixtures.printed_venue_code(stack, '79', venue.id)}").status == 404,
          "an old code signed for another province opened")
    # A reissued venue's old printed code is a replaced poster, as before.
    logged_in(stack, "hn.admin").post_form(f"/ha-noi/venues/{venue.id}/reissue", {}, csrf_page="/ha-noi/desk")
    check(phone.get(f"/ha-noi/c/{old}").status == 410, "the old code after a reissue")


def test_a_refused_correction_shows_only_its_own_person_as_typed(stack):
    """Two people on one phone: when a correction of one is refused, that one's form shows what
    was typed and the other one's what is stored."""
    venue = Venue(stack, "Nhà sách Tràng Tiền")
    phone = Phone(stack)
    confirmation(phone.first_checkin(venue, full_name="Đỗ Văn Một", phone="0912444001"))
    confirmation(phone.submit(venue, phone.open(venue, "?new=1"),
                              {"full_name": "Đỗ Thị Hai", "phone": "0912444002", "contact": "no", "travel": "no",
                               "doses": "2", "consent": "1", "remember": "1"}))
    me = phone.get("/ha-noi/me")
    check('value="0912444001"' in me.text and 'value="0912444002"' in me.text, "both people listed")
    csrf = re.search(r'name="csrf" value="([^"]+)"', me.text).group(1)
    r = phone.request("POST", "/ha-noi/me/0/update", body=urllib.parse.urlencode(
        {"csrf": csrf, "full_name": "", "phone": "0912444999"}))
    check(r.status == 400, r.status)
    check(r.text.count('value="0912444999"') == 1, "what was typed shows beyond its own person's form")
    stored = [n for n in ("0912444001", "0912444002") if f'value="{n}"' in r.text]
    check(len(stored) == 1, f"the other person's stored phone is not shown: {stored}")


def test_a_refused_deletion_shows_the_persons_stored_details(stack):
    """A deletion sent without its box ticked is refused; the person's correction form beside it
    shows what is stored (nothing was typed into it)."""
    venue = Venue(stack, "Nhà văn hoá Hoàn Kiếm")
    phone = Phone(stack)
    confirmation(phone.first_checkin(venue, full_name="Trịnh Văn Giữ", phone="0912555006"))
    me = phone.get("/ha-noi/me")
    csrf = re.search(r'name="csrf" value="([^"]+)"', me.text).group(1)
    r = phone.request("POST", "/ha-noi/me/0/delete", body=urllib.parse.urlencode({"csrf": csrf}))
    check(r.status == 400 and "đánh dấu ô xác nhận" in r.text, r.status)
    form = r.text.split("me-update")[1].split("</form>")[0]
    check('value="0912555006"' in form and 'value="Trịnh Văn Giữ"' in form, form[:1500])


def test_an_empty_new_is_not_an_ask_for_someone_new(stack):
    """?new=1 opens the form for someone new on a phone that remembers a person; ?new= (empty,
    as every empty value: not sent) offers the remembered person as without it."""
    venue = Venue(stack, "Bưu điện Hà Nội")
    phone = Phone(stack)
    confirmation(phone.first_checkin(venue, full_name="Lý Thị Nhớ", phone="0912555007"))
    check('id="full_name"' in phone.open(venue, "?new=1").text, "?new=1 is the form for someone new")
    for query in ("", "?new="):
        page = phone.open(venue, query)
        check("Lý Thị Nhớ" in page.text and 'id="full_name"' not in page.text, (query, page.text[:1500]))


def test_my_data_view_correct_delete_and_forget(stack):
    venue = Venue(stack, "Thư viện Hà Nội")
    phone = Phone(stack)
    confirmation(phone.first_checkin(venue, full_name="Vũ Thị Lan", phone="0912777888", id_number="001190012345"))
    person = person_id_of(stack, venue)
    me = phone.get("/ha-noi/me")
    check(me.status == 200 and "Vũ Thị Lan" in me.text and 'value="0912777888"' in me.text, me.status)
    check('value="001190012345"' in me.text and "đồng ý" in me.text, "details and consent")
    check('src="/ha-noi/me/0/qr.png"' in me.text and 'href="/ha-noi/me/0/card.pdf"' in me.text, "personal QR")
    visits = re.search(r'<table class="visits">.*?</table>', me.text, re.S)
    check(visits and "<td>Thư viện Hà Nội</td>" in visits.group(0) and "ước tính" in visits.group(0),
          "the check-in is not among the visits")
    check(Browser(stack).get("/ha-noi/me").text.count("Vũ Thị Lan") == 0, "another phone sees the person")
    csrf = re.search(r'name="csrf" value="([^"]+)"', me.text).group(1)
    r = phone.request("POST", "/ha-noi/me/0/update", body=urllib.parse.urlencode(
        {"csrf": csrf, "full_name": "Vũ Thị Lan Anh", "phone": "0912 777 999", "birth_year": "1990",
         "gender": "female", "area_code": "00070"}))
    check(r.status == 303, r.status)
    out = stack.vaora("people", "show", "--province", "01", "--phone", "0912777999").stdout.decode()
    check("name: Vũ Thị Lan Anh\n" in out and "id number: \n" in out, out)
    r = phone.request("POST", "/ha-noi/me/0/update", body=urllib.parse.urlencode(
        {"csrf": csrf, "full_name": "", "phone": "0912777999"}))
    check(r.status == 400 and "Vũ Thị Lan Anh" not in r.text.split("me-update")[1][:2000], "bad correction")
    check("name: Vũ Thị Lan Anh" in stack.vaora("people", "show", "--province", "01", "--phone",
                                                 "0912777999").stdout.decode(), "a refused correction changed it")
    for unticked in ({}, {"confirm": ""}):
        r = phone.request("POST", "/ha-noi/me/0/delete", body=urllib.parse.urlencode({"csrf": csrf, **unticked}))
        check(r.status == 400 and "đánh dấu ô xác nhận" in r.text, ("delete without confirmation", unticked))
        check(rows(stack, f"person_id = {person}") == 1, ("deleted without confirmation", unticked))
    r = phone.request("POST", "/ha-noi/me/0/delete", body=urllib.parse.urlencode({"csrf": csrf, "confirm": "1"}))
    check(r.status == 303 and "vaora_people_01" not in phone.cookies, (r.status, phone.cookies))
    check(rows(stack, f"person_id = {person}") == 0, "check-ins survived the deletion")
    check(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.people WHERE id = {person}") == "0", "person")
    check(stack.vaora("people", "show", "--province", "01", "--phone", "0912777999").returncode == 1, "still found")
    audit = fixtures.sql(stack, f"SELECT detail FROM vaora_s1.audit_log WHERE action = 'person-delete'"
                                f" AND object = 'person:{person}'")
    check(audit == "with 1 check-ins", audit)
    # Forget: the phone no longer offers the one tap, the data stays.
    confirmation(phone.first_checkin(venue, full_name="Hoàng Văn Nam", phone="0912000333"))
    check("Hoàng Văn Nam" in phone.open(venue).text, "remembered")
    me = phone.get("/ha-noi/me")
    csrf = re.search(r'name="csrf" value="([^"]+)"', me.text).group(1)
    r = phone.request("POST", "/ha-noi/me/0/forget", body=urllib.parse.urlencode({"csrf": csrf}))
    check(r.status == 303 and "vaora_people_01" not in phone.cookies, "forget")
    check('id="full_name"' in phone.open(venue).text, "a forgotten person still gets one tap")
    check(stack.vaora("people", "show", "--province", "01", "--phone", "0912000333").returncode == 0, "data kept")


def test_a_province_asks_its_own_questions(stack):
    """declaration-{slug}.json beside the default file: Hồ Chí Minh adds a question, Hà Nội
    keeps the default; a reload (SIGHUP) takes it, no rebuild."""
    forms = os.path.join(stack.templates, "forms")
    with open(os.path.join(forms, "declaration.json"), encoding="utf-8") as f:
        own = json.load(f)
    own["version"] = 7
    own["questions"].append({"id": "market", "kind": "yesno", "amber": False,
                             "vi": "Đi chợ đầu mối Bình Điền trong 14 ngày qua", "en": "Went to Bình Điền market"})
    path = os.path.join(forms, "declaration-ho-chi-minh.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(own, f, ensure_ascii=False)
    hcm = fixtures.add_venue(stack, "79", "Chợ Bến Thành", "26734")
    _, otp = fixtures.add_account(stack, "79", "province-admin", "hcm.forms.admin")
    admin = fixtures.login_with_new_password(stack, "ho-chi-minh", "hcm.forms.admin", otp)
    code = fixtures.venue_code(admin, hcm, "ho-chi-minh")
    try:
        os.kill(stack.pid("vaora"), signal.SIGHUP)
        took = poll(lambda: "Bình Điền" in stack.get(f"/ho-chi-minh/c/{code}").text, 10)
        check(took is not None, "Hồ Chí Minh's own question never showed")
        check("Bình Điền" not in Phone(stack).open(Venue(stack, "Chợ Long Biên")).text, "Hà Nội got it too")
        phone = Phone(stack)
        page = phone.get(f"/ho-chi-minh/c/{code}?new=1")
        data = {"csrf": CSRF.search(page.text).group(1), "key": KEY.search(page.text).group(1), "direction": "in",
                "full_name": "Trương Văn Tài", "contact": "no", "travel": "no", "doses": "2", "consent": "1"}
        r = phone.request("POST", f"/ho-chi-minh/c/{code}", body=urllib.parse.urlencode(data))
        check(r.status == 400 and "market" in dict(ERRORS.findall(r.text)), "its own question was not required")
        data["market"] = "no"
        data["csrf"] = CSRF.search(r.text).group(1)
        confirmation(phone.request("POST", f"/ho-chi-minh/c/{code}", body=urllib.parse.urlencode(data)))
        version = fixtures.sql(stack, f"SELECT form_version FROM vaora_s2.checkins WHERE venue_id = {hcm}")
        [(_, stored)] = fixtures.stored_answers(stack, f"venue_id = {hcm}", "vaora_s2").values()
        check("market=no" in stored and version == "7", (stored, version))
    finally:
        os.remove(path)
        os.kill(stack.pid("vaora"), signal.SIGHUP)


def test_a_recorded_one_tap_runs_one_procedure_and_makes_no_temporary_table(stack):
    """Issue #14 (schema/027): a recorded check-in answers from what its one CALL holds, with no
    nested CALL and no temporary table per check-in (both were a share of MariaDB's time per
    check-in); a new person's first check-in runs the procedure that stores them and this one."""
    venue, other = Venue(stack, "Tiệm bánh Hàng Than"), Venue(stack, "Quán chè Hàng Bạc")
    phone = Phone(stack)
    for _ in range(4):	# every worker has prepared its statements
        Phone(stack).first_checkin(venue, phone="")
    names = ("Com_call_procedure", "Created_tmp_tables", "Com_create_temporary_table")
    page = phone.open(venue, "?new=1")
    fields = {"full_name": "Lý Thị Hoa", "contact": "no", "travel": "no", "doses": "2", "consent": "1",
              "remember": "1"}
    answers = []
    new = fixtures.status_while(stack, names, lambda: answers.append(phone.submit(venue, page, fields)))
    confirmation(answers[-1])
    form = re.search(r'<form method="post"[^>]*one-tap.*?</form>', phone.open(other).text, re.S).group(0)
    data = dict(HIDDEN.findall(form), direction="in")
    one_tap = fixtures.status_while(stack, names, lambda: answers.append(
        phone.request("POST", other.path, body=urllib.parse.urlencode(data))))
    confirmation(answers[-1])
    check(one_tap == {"Com_call_procedure": 1, "Created_tmp_tables": 0, "Com_create_temporary_table": 0},
          f"one tap: {one_tap}")
    check(new == {"Com_call_procedure": 2, "Created_tmp_tables": 0, "Com_create_temporary_table": 0},
          f"new person: {new}")


def test_a_checkin_is_one_call_to_the_database(stack):
    """Issue #14: a remembered person's one tap sends the venue's look-up and one CALL (the key,
    the person, the two-minute rule, the row and the commit); a new person's first check-in one
    more, which stores them. Each is still recorded once and durably (the other tests). The
    fewest of three of each count: a worker's once-a-second reads (the province routing, the
    venues' change count) may fall into one request's window, but they are no request's cost."""
    venue = Venue(stack, "Nhà thuốc Hàng Buồm")
    others = [Venue(stack, f"Hiệu sách Đinh Lễ {n}") for n in range(3)]
    for _ in range(4):	# every worker has prepared its statements
        Phone(stack).first_checkin(venue, phone="")
    fields = {"full_name": "Đỗ Văn Hùng", "contact": "no", "travel": "no", "doses": "2", "consent": "1",
              "remember": "1"}
    news, one_taps, answers = [], [], []
    for other in others:
        phone = Phone(stack)
        page = phone.open(venue, "?new=1")
        news.append(fixtures.statements_sent(stack, lambda: answers.append(phone.submit(venue, page, fields))))
        confirmation(answers[-1])
        form = re.search(r'<form method="post"[^>]*one-tap.*?</form>', phone.open(other).text, re.S).group(0)
        data = dict(HIDDEN.findall(form), direction="in")
        one_taps.append(fixtures.statements_sent(stack, lambda: answers.append(
            phone.request("POST", other.path, body=urllib.parse.urlencode(data)))))
        confirmation(answers[-1])
    check(min(one_taps) <= 2 and min(news) <= 3, f"statements sent: one tap {one_taps}, new person {news}")


def one_tap_sender(phone, venue):
    """A function that sends the phone's one-tap check-in at venue (its remembered person, the
    page's key, the time of the tap as the page's script adds it) and returns the answer."""
    form = re.search(r'<form method="post"[^>]*one-tap.*?</form>', phone.open(venue).text, re.S).group(0)
    fields = dict(HIDDEN.findall(form), direction="in", pressed_at_ms=str(int(time.time() * 1000)))
    body = urllib.parse.urlencode(fields)
    return lambda: phone.request("POST", venue.path, body=body)


def remembered_phones(stack, venue, n):
    """n phones that each remember a person of their own, made by a first check-in at venue."""
    phones = [Phone(stack) for _ in range(n)]
    for phone in phones:
        confirmation(phone.first_checkin(venue))
    return phones


def test_one_taps_sent_together_are_recorded_in_one_batch_each_once(stack):
    """Issue #14: the check-in writer records what the workers hand it meanwhile in one CALL
    (schema/039, 040): four one-taps reaching it while it is held are one procedure call, and each is
    confirmed with its own code and stored once."""
    venue, other = Venue(stack, "Chợ Đồng Xuân batch"), Venue(stack, "Chợ Hôm batch")
    phones = remembered_phones(stack, venue, 4)
    calls, answers = fixtures.sent_together(stack, [one_tap_sender(phone, other) for phone in phones])
    codes = {confirmation(r)[0] for r in answers}
    print(f"    4 one-taps held together: {calls} procedure call(s)")
    check(len(codes) == 4, f"check codes {codes}")
    check(rows(stack, f"venue_id = {other.id}") == 4, "rows at the venue")
    check(calls == 1, f"{calls} procedure calls for 4 one-taps")


def first_checkin_sender(phone, venue, **extra):
    """A function that sends the phone's first check-in at venue, the full form of a new person
    with the time of the tap as the page's script adds it, and returns the answer."""
    page = phone.open(venue, "?new=1")
    fields = dict(FIRST_CHECKIN_FIELDS, csrf=re.findall(r'name="csrf" value="([^"]+)"', page.text)[0],
                  key=KEY.findall(page.text)[0], direction="in", fever="yes",
                  pressed_at_ms=str(int(time.time() * 1000)), **extra)
    body = urllib.parse.urlencode(fields)
    return lambda: phone.request("POST", venue.path, body=body)


def test_new_peoples_first_checkins_sent_together_are_one_batch_each_person_stored_once(stack):
    """Issue #14: a new person's first check-in goes through the writer too, the people of a
    batch stored together in its transaction (schema/042): four first check-ins reaching it
    while it is held are one procedure call; each makes one person with their audit entry and
    one check-in whose answers open in their row; each confirmation greets its own person, and
    each phone is remembered, its next tap a one-tap of the person its first check-in made."""
    venue = Venue(stack, "Chợ Bưởi new people")
    names = ["Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Hoa", "Phạm Văn Đức"]
    phones = [Phone(stack) for _ in names]
    people_before = people(stack)
    calls, answers = fixtures.sent_together(stack, [first_checkin_sender(phone, venue, full_name=name)
                                                    for phone, name in zip(phones, names)])
    print(f"    4 new people's first check-ins held together: {calls} procedure call(s)")
    codes = [confirmation(r)[0] for r in answers]
    greeted = [re.search(r'class="confirm-name">([^<]*)<', r.text).group(1) for r in answers]
    made = fixtures.sql(stack, f"SELECT person_id FROM vaora_s1.checkins WHERE province = '01'"
                                 f" AND venue_id = {venue.id}").split()
    audited = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.audit_log WHERE province = '01'"
                                      " AND action = 'person-create' AND object IN (" +
                                      ", ".join(f"'person:{p}'" for p in made) + ")"))
    people_after = people(stack)
    check(len(set(codes)) == 4 and len(made) == 4 and len(set(made)) == 4, (codes, made))
    check(people_after - people_before == 4 and audited == 4, (people_after - people_before, audited))
    check(greeted == [name.split()[-1] for name in names], greeted)
    stored = fixtures.stored_answers(stack, f"venue_id = {venue.id}")
    check(all(data[:1] == b"\1" and text and "fever=yes" in text for data, text in stored.values()), stored)
    check(calls == 1, f"{calls} procedure calls for 4 new people")
    other = Venue(stack, "Chợ Bưởi new people, next")
    for phone, code in zip(phones, codes):
        first = fixtures.sql(stack, f"SELECT person_id FROM vaora_s1.checkins WHERE venue_id = {venue.id}"
                                    f" AND check_code = '{code}'")
        again = confirmation(one_tap_sender(phone, other)())[0]
        tapped = fixtures.sql(stack, f"SELECT person_id FROM vaora_s1.checkins WHERE venue_id = {other.id}"
                                     f" AND check_code = '{again}'")
        check(tapped == first, f"the phone's one-tap is person {tapped}, its first check-in made {first}")


def test_through_the_writer_a_new_person_of_a_commune_not_the_provinces_is_refused_and_not_stored(stack):
    """A commune the province does not have stops the row in the batch; its worker records it
    alone, which answers the field error as before, and nothing of the person is stored."""
    venue = Venue(stack, "Chợ Mơ wrong commune")
    people_before = people(stack)
    r = first_checkin_sender(Phone(stack), venue, area_code="79999")()
    people_after = people(stack)
    check(r.status == 400 and "area_code" in dict(ERRORS.findall(r.text)), (r.status, r.text[:300]))
    check(people_after == people_before and rows(stack, f"venue_id = {venue.id}") == 0,
          (people_after - people_before, rows(stack, f"venue_id = {venue.id}")))


def test_through_the_writer_a_key_sent_again_and_a_second_tap_are_the_first_checkin(stack):
    """The writer's batch applies the one-by-one checks: the same submission sent again (its key)
    and a new tap of the same person at the same venue within two minutes store nothing and show
    the first check-in's code; a venue closed meanwhile takes nothing."""
    venue, other = Venue(stack, "Chợ Long Biên writer"), Venue(stack, "Chợ Châu Long writer")
    phone = remembered_phones(stack, venue, 1)[0]
    send = one_tap_sender(phone, other)
    first = confirmation(send())[0]
    again = confirmation(send())[0]
    second_tap = confirmation(one_tap_sender(phone, other)())[0]
    check(first == again == second_tap, (first, again, second_tap))
    check(rows(stack, f"venue_id = {other.id}") == 1, "rows at the venue")
    closed = one_tap_sender(phone, venue)
    fixtures.sql(stack, f"UPDATE vaora_s1.venues SET status = 'inactive' WHERE province = '01' AND id = {venue.id}")
    before = rows(stack, f"venue_id = {venue.id}")
    answer = closed()
    check(answer.status == 410 and rows(stack, f"venue_id = {venue.id}") == before, (answer.status, answer.text[:300]))


def test_a_writer_that_does_not_answer_leaves_each_checkin_to_its_worker(stack):
    """A held writer (as a stalled or dead one): the worker stops waiting after its bound and
    records the one-tap alone, once; the writer, continued, does not record it again (too old to
    begin), and the next one-tap goes through it."""
    venue, other, third = (Venue(stack, f"Phố sách {n}") for n in range(3))
    phone = remembered_phones(stack, venue, 1)[0]
    send = one_tap_sender(phone, other)
    with fixtures.writer_stopped(stack):
        started = time.time()
        answer = send()
        waited = time.time() - started
    confirmation(answer)
    print(f"    answered after {waited:.1f} s with the writer held")
    time.sleep(1)
    check(rows(stack, f"venue_id = {other.id}") == 1, "rows at the venue after the writer went on")
    calls = fixtures.status_while(stack, ("Com_call_procedure",), lambda: confirmation(
        one_tap_sender(phone, third)()))["Com_call_procedure"]
    check(rows(stack, f"venue_id = {third.id}") == 1 and calls == 1, (calls, rows(stack, f"venue_id = {third.id}")))


def test_a_killed_writer_is_replaced_and_its_checkins_are_recorded_once(stack):
    """kill -9 of the writer while it holds one-taps: each is recorded once (its batch never
    began, and its worker records it alone), and the master starts a new writer that takes the
    next ones."""
    venue, other, third = (Venue(stack, f"Bến xe {n}") for n in range(3))
    phones = remembered_phones(stack, venue, 3)
    senders = [one_tap_sender(phone, other) for phone in phones]
    pid = fixtures.child_pid(stack, fixtures.WRITER_NAME)
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(senders)) as pool:
        os.kill(pid, signal.SIGSTOP)
        futures = [pool.submit(send) for send in senders]
        time.sleep(fixtures.WRITER_HOLD_SECONDS)
        os.kill(pid, signal.SIGKILL)
        answers = [f.result() for f in futures]
    codes = {confirmation(r)[0] for r in answers}
    stored = rows(stack, f"venue_id = {other.id}")
    check(len(codes) == 3 and stored == 3, (codes, stored))

    def new_writers():
        return {p for p in stack.worker_pids() if fixtures.child_pid_named(p, fixtures.WRITER_NAME)} - {pid}
    check(poll(new_writers, 10) is not None, "no new writer")
    for phone in phones:
        confirmation(one_tap_sender(phone, third)())
    check(rows(stack, f"venue_id = {third.id}") == 3, "rows after the new writer")


def test_a_fresh_form_shows_every_time_its_own_venue_escaped_and_a_new_key(stack):
    """A worker keeps the fresh form's page whole per province and language and fills in, per
    request, the venue's name and address, the form's action, its key and the form token, escaped
    as the template escapes them: two venues asked in turn, more times than there are workers,
    each page names its own venue, escaped, with a key of its own, and is otherwise the same page."""
    admin = logged_in(stack, "hn.admin")
    venues = []
    for name in ('Quán <Cô Ba> & "Bạn"', "Tiệm sách Đinh Lễ"):
        venue = fixtures.add_venue(stack, "01", name, "00070")
        venues.append((name, f"/ha-noi/c/{fixtures.venue_code(admin, venue)}"))
    escape = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    keys, shapes = set(), set()
    for i in range(40):
        name, path = venues[i % 2]
        r = stack.get(path)
        page = r.text
        check(r.status == 200, (path, r.status))
        check(f"<h1>{escape(name)}</h1>" in page and f"<title>{escape(name)} · " in page, page[:800])
        check(f'action="{path}"' in page and "test address" in page and "\x01" not in page and "\x02" not in page,
              page[:800])
        key = re.search(r'name="key" value="([^"]+)"', page).group(1)
        csrf = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
        keys.add(key)
        shapes.add(page.replace(key, "KEY").replace(csrf, "CSRF").replace(escape(name), "NAME").replace(path, "PATH"))
    check(len(keys) == 40, f"{len(keys)} distinct keys in 40 pages")
    check(len(shapes) == 1, f"{len(shapes)} different pages besides the venue and the keys")


def test_a_confirmation_from_the_kept_page_is_the_page_rendered_afresh_with_its_values_escaped(stack):
    """A worker keeps the confirmation's page whole per province, language and colour and
    escapes the check-in's values into it (the venue, the direction, the given name, the time,
    the check code). The same person tapping again within two minutes gets the same check-in's
    confirmation with an "already" note, a page the templates render afresh: without that note
    it is byte for byte the kept page's, for a venue and a name full of what escaping changes,
    in green and in amber, more times than there are workers."""
    venue = Venue(stack, 'Quán <Cô Ba> & "Bạn" — Đình Hàng Đào')
    escaped = "Quán &lt;Cô Ba&gt; &amp; &quot;Bạn&quot; — Đình Hàng Đào"
    already = re.compile(r'<p class="confirm-note" id="already">[^<]*</p>')
    start = time.time()
    try:
        for i in range(6):
            phone = Phone(stack)
            set_clock(stack, start + 200 * i)
            cough = "yes" if i % 2 else "no"
            first = phone.first_checkin(venue, full_name="Nguyễn Thị O'Lan", phone=f"0912 000 {i:03d}", cough=cough)
            code, colour = confirmation(first)
            check(colour == ("amber" if i % 2 else "green"), colour)
            check(f'<p class="confirm-venue">{escaped}</p>' in first.text and f"<title>{escaped} · " in first.text
                  and '<p class="confirm-name">O&#39;Lan</p>' in first.text and 'id="already"' not in first.text
                  and "\x01" not in first.text and "\x02" not in first.text, first.text[:2000])
            set_clock(stack, start + 200 * i + 30)
            form = re.search(r'<form method="post"[^>]*one-tap.*?</form>', phone.open(venue).text, re.S).group(0)
            again = phone.request("POST", venue.path, body=urllib.parse.urlencode(dict(HIDDEN.findall(form),
                                                                                      direction="in")))
            check(confirmation(again)[0] == code and 'id="already"' in again.text, again.text[:2000])
            afresh = already.sub("", again.text)
            check(afresh == first.text, "\n".join(difflib.unified_diff(first.text.split("\n"), afresh.split("\n"),
                                                                       "kept", "afresh", lineterm="")))
    finally:
        os.remove(stack.clock_file)
