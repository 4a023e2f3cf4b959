"""Check-ins through the JSON API: the one validation, exactly-once recording by idempotency
key, the two-minute rule and queued times, with the settable clock instead of sleeps; the
venue scope of the desk, returning people only by card or device token, answers that name
nobody the caller did not."""
import json
import os
import random
import re
import secrets
import time
import urllib.parse
import uuid

import fixtures
from harness import Browser, check, logged_in

NO = {"fever": "no", "cough": "no", "breath": "no", "throat": "no", "taste": "no", "contact": "no",
      "travel": "no", "doses": "2"}


def api_body(**fields):
    body = {"direction": "in", "key": uuid.uuid4().hex, "consent": True, "answers": NO,
            "person": {"full_name": "Nguyễn Thị Ánh Tuyết", "phone": "0903 111 222", "birth_year": 1985}}
    body.update(fields)
    return body


class Api:
    """A kiosk's API token and a venue of a province (Hà Nội's demo admin unless another
    province's admin is given)."""

    def __init__(self, stack, admin=None, slug="ha-noi", province="01", area="00070"):
        self.admin = admin or logged_in(stack, "hn.admin")
        self.slug = slug
        r = self.admin.post_form(f"/{slug}/api-tokens", {"label": "Kiosk", "role": "volunteer"})
        self.headers = {"Authorization": "Bearer " + re.search(r'id="new-token">([^<]+)<', r.text).group(1),
                        "Content-Type": "application/json"}
        self.stack = stack
        self.venue_id = fixtures.add_venue(stack, province, "Checkin venue", area, verified=True)
        self.code = self.venue_code(self.venue_id)

    def venue_code(self, venue_id):
        """The code a venue's poster carries, as its page shows it."""
        page = self.admin.get(f"/{self.slug}/venues/{venue_id}").text
        return re.search(r'id="short-code">([A-Z2-7-]+)<', page).group(1).replace("-", "")

    def post(self, **fields):
        body = api_body(venue=self.code)
        body.update(fields)
        r = self.stack.post(f"/{self.slug}/api/v1/checkins", json.dumps(body), headers=self.headers)
        return r, json.loads(r.body)


def person_of(stack, checkin_id):
    """The person a check-in recorded, read from the database (the API never says)."""
    return int(fixtures.sql(stack, f"SELECT person_id FROM vaora_s1.checkins WHERE id = {checkin_id}"))


def rows(stack, where="1"):
    return int(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01' AND {where}"))


def set_clock(stack, seconds):
    with open(stack.clock_file, "w") as f:
        f.write(str(seconds))


def test_validation_names_every_wrong_field(stack):
    api = Api(stack)
    before = rows(stack)
    r, body = api.post(direction="sideways", key="short", consent=False, answers={"fever": "maybe"},
                       person={"full_name": "", "phone": "123"})
    check(r.status == 400, (r.status, body))
    expected = {"direction", "key", "consent", "fever", "cough", "full_name", "phone"}
    check(expected <= set(body["errors"]), body["errors"])
    check(body["errors"]["consent"].startswith("Vui lòng đồng ý"), body["errors"]["consent"])
    check(rows(stack) == before, "a refused check-in wrote a row")
    check(api.post(venue="AAAAAAAAAAAAAAAAAA")[0].status == 404, "unknown venue code")


# A message beside a field of the resident's page.
PAGE_ERRORS = re.compile(r'<p class="error" id="err-([a-z_]+)">([^<]+)</p>')


def test_a_bad_value_is_refused_by_the_page_and_the_api_with_the_same_message(stack):
    """The page's form and the API read the person by one table: a value that is not of its
    field's kind is refused by both, with the one message, whether the JSON sends it as text or
    as another JSON kind (a number where a phone's text goes, an object where a year goes)."""
    api = Api(stack)
    path = f"/{api.slug}/c/{api.code}"
    phone = Browser(stack)

    def page_errors(**bad):
        page = phone.get(path + "?new=1")
        form = {"csrf": re.search(r'name="csrf" value="([^"]+)"', page.text).group(1),
                "key": re.search(r'name="key" value="([^"]+)"', page.text).group(1), "direction": "in",
                "full_name": "Lê Văn Lỗi", "phone": "0903 444 555", "birth_year": "1970", "contact": "no",
                "travel": "no", "doses": "2", "consent": "1"}
        form.update(bad)
        r = phone.request("POST", path, body=urllib.parse.urlencode(form))
        check(r.status == 400, (r.status, bad))
        return dict(PAGE_ERRORS.findall(r.text))

    def api_errors(**bad):
        person = {"full_name": "Lê Văn Lỗi", "phone": "0903 444 555", "birth_year": 1970}
        person.update(bad)
        r, body = api.post(person=person)
        check(r.status == 400, (r.status, bad, body))
        return body["errors"]

    before = rows(stack)
    year = page_errors(birth_year="19x0")["birth_year"]
    for sent in ("19x0", {"year": 1970}, True, -1970):
        check(api_errors(birth_year=sent).get("birth_year") == year, (sent, year))
    number = page_errors(phone="903444555")["phone"]
    for sent in ("903444555", 903444555):
        check(api_errors(phone=sent).get("phone") == number, (sent, number))
    gender = page_errors(gender="robot")["gender"]
    for sent in ("robot", 1, ["female"]):
        check(api_errors(gender=sent).get("gender") == gender, (sent, gender))
    check(rows(stack) == before, "a refused check-in wrote a row")


def test_a_retry_is_recorded_once(stack):
    api = Api(stack)
    key = uuid.uuid4().hex
    r1, first = api.post(key=key)
    check(r1.status == 201 and len(first["check_code"]) == 4 and first["given_name"] == "Tuyết", first)
    check(first["amber"] is False and first["already_recorded"] is False, first)
    count = rows(stack)
    r2, second = api.post(key=key)
    check(r2.status == 200 and second["already_recorded"] is True, second)
    check((second["id"], second["check_code"]) == (first["id"], first["check_code"]), (first, second))
    check(rows(stack) == count, "the retry added a row")
    method = fixtures.sql(stack, f"SELECT method FROM vaora_s1.checkins WHERE id = {first['id']}")
    check(method == "api", method)
    r = stack.vaora("people", "show", "--province", "01", "--phone", "0903111222")
    check(r.returncode == 0 and "Nguyễn Thị Ánh Tuyết".encode() in r.stdout, r.stdout)


def test_symptoms_make_it_amber(stack):
    api = Api(stack)
    _, body = api.post(answers=dict(NO, contact="yes"))
    check(body["amber"] is True, body)


def test_two_minute_rule(stack):
    api = Api(stack)
    _, first = api.post()
    person, card = person_of(stack, first["id"]), first["card"]
    start = time.time()
    try:
        set_clock(stack, start + 60)
        _, again = api.post(card=card, person=None)
        check(again["already_recorded"] is True and again["id"] == first["id"], ("within 2 min", again))
        _, out = api.post(card=card, person=None, direction="out")
        check(out["already_recorded"] is False and out["id"] != first["id"], ("in then out is two", out))
        set_clock(stack, start + 180)
        _, later = api.post(card=card, person=None)
        check(later["already_recorded"] is False and later["id"] != first["id"], ("after 3 min", later))
    finally:
        os.remove(stack.clock_file)
    check(rows(stack, f"person_id = {person}") == 3, "rows for the person")


def test_queued_times(stack):
    api = Api(stack)
    now_ms = int(time.time() * 1000)
    _, queued = api.post(pressed_at_ms=now_ms - 10 * 60 * 1000)
    check(queued["time_note"] == "" and queued["pressed_at"] < queued["received_at"], queued)
    pressed_s = time.mktime(time.strptime(queued["pressed_at"][:19], "%Y-%m-%d %H:%M:%S")) - time.timezone
    check(abs(pressed_s - (now_ms / 1000 - 600)) < 5, (queued["pressed_at"], now_ms))
    _, old = api.post(pressed_at_ms=now_ms - 73 * 3600 * 1000)
    check(old["time_note"] == "too-old" and old["pressed_at"] == old["received_at"], old)
    _, future = api.post(pressed_at_ms=str(now_ms + 3600 * 1000))
    check(future["time_note"] == "future" and future["pressed_at"] == future["received_at"], future)


def test_a_pressed_time_is_a_number_or_its_text_and_any_other_kind_is_its_error(stack):
    """The API reads pressed_at_ms by the body's table: a number, or text (text that is no time
    is a note on the check-in, not an error); true, an object or a fraction is the field's
    error, and nothing is written."""
    api = Api(stack)
    _, unreadable = api.post(pressed_at_ms="soon")
    check(unreadable["time_note"] == "unreadable", unreadable)
    before = rows(stack)
    for sent in (True, {"ms": 1}, 1.5):
        r, body = api.post(pressed_at_ms=sent)
        check(r.status == 400 and "pressed_at_ms" in body.get("errors", {}), (sent, r.status, body))
    check(rows(stack) == before, "a refused pressed time wrote a row")


DAY = 24 * 3600
# Vietnam is UTC+07:00 all year.
VN_OFFSET = 7 * 3600


def test_server_timed_retry_after_midnight_is_one(stack):
    """No pressed time: the server's time files it, and a retry after Vietnam midnight lands on
    the next day; checkin_keys still finds the first record."""
    api = Api(stack)
    key = uuid.uuid4().hex
    midnight = ((int(time.time()) + VN_OFFSET) // DAY + 1) * DAY - VN_OFFSET
    try:
        set_clock(stack, midnight - 30)
        r1, first = api.post(key=key)
        check(r1.status == 201 and first["already_recorded"] is False, first)
        count = rows(stack)
        set_clock(stack, midnight + 30)
        r2, second = api.post(key=key)
        check(r2.status == 200 and second["already_recorded"] is True and second["replayed"] is True, second)
        check((second["id"], second["check_code"]) == (first["id"], first["check_code"]), (first, second))
        check(rows(stack) == count, "the retry after midnight added a row")
    finally:
        os.remove(stack.clock_file)
    check(fixtures.sql(stack, f"SELECT idem_key IS NULL FROM vaora_s1.checkins WHERE id = {first['id']}") == "1",
          "a server-timed key in its row")
    check(int(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.checkin_keys WHERE checkin_id = {first['id']}")) == 1,
          "the server-timed key is not in checkin_keys")


def test_retry_whose_pressed_time_is_no_longer_believed_is_one(stack):
    """A queued check-in believed at first (71 hours old), its answer lost, retried when the same
    pressed time is too old (filed at the server's time): the retry finds the first record on
    the day of the time it sent. And one from a phone clock ahead (the future, filed at the
    server's time) retried once that time is believable."""
    api = Api(stack)
    start = int(time.time())
    key = uuid.uuid4().hex
    pressed = str((start - 71 * 3600) * 1000)
    try:
        set_clock(stack, start)
        _, first = api.post(key=key, pressed_at_ms=pressed)
        check(first["time_note"] == "" and first["already_recorded"] is False, first)
        count = rows(stack)
        set_clock(stack, start + 2 * 3600)
        r, again = api.post(key=key, pressed_at_ms=pressed)
        check(r.status == 200 and again["replayed"] is True and again["id"] == first["id"], (first, again))
        check(rows(stack) == count, "the too-old retry added a row")

        noon = ((start + VN_OFFSET) // DAY) * DAY - VN_OFFSET + 12 * 3600
        key = uuid.uuid4().hex
        ahead = str((noon + 60) * 1000)
        set_clock(stack, noon)
        _, future = api.post(key=key, pressed_at_ms=ahead)
        check(future["time_note"] == "future" and future["already_recorded"] is False, future)
        set_clock(stack, noon + 120)
        r, believed = api.post(key=key, pressed_at_ms=ahead)
        check(r.status == 200 and believed["replayed"] is True and believed["id"] == future["id"],
              (future, believed))
        check(rows(stack) == count + 1, "the believable retry added a row")
    finally:
        os.remove(stack.clock_file)


def test_revoked_venue_code_is_gone(stack):
    api = Api(stack)
    admin = logged_in(stack, "hn.admin")
    admin.post_form(f"/ha-noi/venues/{api.venue_id}/reissue", {}, csrf_page="/ha-noi/desk")
    r, _ = api.post()
    check(r.status == 410, r.status)


def test_a_venue_closed_behind_the_workers_backs_takes_no_api_checkin(stack):
    """A worker keeps a venue its kiosk checks in at; closed by SQL (another host, the command
    line), which tells no worker, the next check-ins there are gone and store nothing: the
    check-in's transaction checks the venue itself."""
    api = Api(stack)
    for _ in range(8):	# every worker has the venue in its cache
        r, _ = api.post()
        check(r.status == 201, r.status)
    before = rows(stack, f"venue_id = {api.venue_id}")
    fixtures.sql(stack, f"UPDATE vaora_s1.venues SET status = 'inactive' WHERE province = '01' AND id = {api.venue_id}")
    statuses = [api.post()[0].status for _ in range(8)]
    check(statuses == [410] * 8, statuses)
    check(rows(stack, f"venue_id = {api.venue_id}") == before, "a check-in was stored at the closed venue")


def session_post(browser, stack, body):
    """A check-in POSTed to the API with a browser's session (and its form token)."""
    headers = {"Content-Type": "application/json", "X-CSRF-Token": browser.csrf_from("/ha-noi/desk")}
    r = browser.request("POST", "/ha-noi/api/v1/checkins", body=json.dumps(body), headers=headers)
    return r, json.loads(r.body)


def test_api_checkin_outside_the_callers_venues_is_404(stack):
    """The desk's rule: a manager's own venues, an officer's areas, a token its owner's."""
    api = Api(stack)
    own = fixtures.add_venue(stack, "01", "Scope own shop", "00070", verified=True)
    other = fixtures.add_venue(stack, "01", "Scope other shop", "00256")
    manager_id, otp = fixtures.add_account(stack, "01", "venue-manager", "scope.api.manager", "00070")
    fixtures.make_manager(stack, "01", own, "scope.api.manager")
    manager = fixtures.login_with_new_password(stack, "ha-noi", "scope.api.manager", otp)
    before = rows(stack)
    body = dict(api_body(), venue=api.venue_code(other))
    r, answer = session_post(manager, stack, body)
    check(r.status == 404 and "given_name" not in answer, ("a manager's session at another venue", r.status, answer))
    r, answer = session_post(manager, stack, dict(api_body(), venue=api.venue_code(own)))
    check(r.status == 201, ("a manager's session at their own venue", r.status, answer))
    # A token has the venues of the account that owns it, whatever role it was given.
    fixtures.sql(stack, f"UPDATE vaora_s1.api_tokens SET created_by = {manager_id} WHERE province = '01'"
                        f" AND id = (SELECT MAX(id) FROM vaora_s1.api_tokens WHERE province = '01')")
    r, answer = api.post(venue=api.venue_code(other))
    check(r.status == 404 and "given_name" not in answer, ("a manager's token at another venue", r.status, answer))
    r, _ = api.post(venue=api.venue_code(own))
    check(r.status == 201, ("a manager's token at their own venue", r.status))
    check(rows(stack) == before + 2, "a check-in outside the caller's venues was recorded")


def test_api_checkin_at_an_unverified_venue_is_refused(stack):
    """The desk's trust holds for the API too: a venue no officer verified, or a manager no
    officer approved, records nothing through it and is told why and who can verify."""
    unverified = fixtures.add_venue(stack, "01", "Trust api shop", "00070")
    _, otp = fixtures.add_account(stack, "01", "venue-manager", "trust.api.manager", "00070")
    fixtures.make_manager(stack, "01", unverified, "trust.api.manager", approved=False)
    manager = fixtures.login_with_new_password(stack, "ha-noi", "trust.api.manager", otp)
    code = Api(stack).venue_code(unverified)
    before = rows(stack)
    r, answer = session_post(manager, stack, dict(api_body(), venue=code))
    check(r.status == 403 and "xác minh" in answer.get("message", "") and answer.get("who"),
          ("an unverified venue's manager through the API", r.status, answer))
    fixtures.sql(stack, f"UPDATE vaora_s1.venues SET verified = 1 WHERE province = '01' AND id = {unverified}")
    r, answer = session_post(manager, stack, dict(api_body(), venue=code))
    check(r.status == 403 and "phê duyệt" in answer.get("message", ""),
          ("a verified venue's unapproved manager through the API", r.status, answer))
    check(rows(stack) == before, "a check-in recorded by an untrusted desk")


def test_api_checkin_refuses_a_raw_person_id(stack):
    api = Api(stack)
    _, first = api.post()
    person = person_of(stack, first["id"])
    before = rows(stack)
    for value in (person, str(person), None):
        r, body = api.post(person_id=value, person=None)
        check(r.status == 400 and "given_name" not in body, (value, r.status, body))
        message = body["errors"]["person_id"]
        check("card" in message and "device_token" in message, message)
    check(rows(stack) == before, "a check-in by raw person_id was recorded")


def test_api_checkin_identifies_a_returning_person_by_card(stack):
    api = Api(stack)
    r, first = api.post()
    check(r.status == 201 and len(first["card"]) == 24, first)
    r, again = api.post(card=first["card"], person=None, direction="out")
    check(r.status == 201 and again["given_name"] == "Tuyết" and "card" not in again, (r.status, again))
    check(person_of(stack, again["id"]) == person_of(stack, first["id"]), "the card named someone else")
    # A card as a resident's phone shows it (self check-in), in lower case as typed.
    card = fixtures.card_token(stack, api.code)
    r, typed = api.post(card=card.lower(), person=None, direction="out")
    check(r.status == 201 and typed["given_name"] == "Trận", (r.status, typed))
    # A card replaced as lost no longer names anyone.
    fixtures.sql(stack, "UPDATE vaora_s1.people SET card_version = card_version + 1 WHERE province = '01'"
                        f" AND id = {person_of(stack, first['id'])}")
    r, old = api.post(card=first["card"], person=None)
    check(r.status == 400 and "card" in old["errors"] and "given_name" not in old, (r.status, old))


def test_api_checkin_by_device_token(stack):
    api = Api(stack)
    phone = Browser(stack)
    fixtures.remember(stack, phone, "Lý Thị Thiết Bị", api.code)
    token = phone.cookies["vaora_people_01"].split(".")[0]
    self_checkin = int(fixtures.sql(stack, "SELECT MAX(id) FROM vaora_s1.checkins WHERE province = '01'"
                                           " AND method = 'self'"))
    r, body = api.post(device_token=token, person=None, direction="out")
    check(r.status == 201 and body["given_name"] == "Bị" and "card" not in body, (r.status, body))
    check(person_of(stack, body["id"]) == person_of(stack, self_checkin), "the device token named someone else")
    # Phones forgotten at once (the device version moved on): the old token names nobody.
    fixtures.sql(stack, "UPDATE vaora_s1.people SET device_version = device_version + 1 WHERE province = '01'"
                        f" AND id = {person_of(stack, self_checkin)}")
    r, body = api.post(device_token=token, person=None)
    check(r.status == 400 and "given_name" not in body, (r.status, body))
    r, body = api.post(device_token=token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), person=None)
    check(r.status == 400 and "device_token" in body["errors"], (r.status, body))


def test_an_api_checkin_of_a_returning_person_sends_three_statements(stack):
    """Issue #14: a kiosk's check-in of someone its device token names sends the token's read,
    one read of the caller's standing at the venue (the desk's scope and its trust together)
    and the check-in's CALL, which checks the venue the worker keeps at the poster's version.
    The fewest of six (a worker's once-a-second reads may fall into one request's window: the
    test clock moves three minutes a request; of three, all three once had one more)."""
    api = Api(stack)
    phone = Browser(stack)
    fixtures.remember(stack, phone, "Lý Thị Đếm Lệnh", api.code)
    token = phone.cookies["vaora_people_01"].split(".")[0]
    start, sent, answers = time.time(), [], []
    try:
        # Each past the two-minute rule; the first twelve let every worker prepare its
        # statements and keep the venue.
        for n in range(18):
            set_clock(stack, start + 180 * (n + 1))
            sent.append(fixtures.statements_sent(
                stack, lambda: answers.append(api.post(device_token=token, person=None))))
    finally:
        os.remove(stack.clock_file)
    check([r.status for r, _ in answers] == [201] * 18, [(r.status, b) for r, b in answers])
    check(min(sent[12:]) == 3, f"statements sent: {sent}")


def test_walking_person_ids_and_cards_yields_nothing(stack):
    """Sequential and random person ids, made-up cards and device tokens: 4xx, no name, no row."""
    api = Api(stack)
    api.post()
    top = int(fixtures.sql(stack, "SELECT MAX(id) FROM vaora_s1.people WHERE province = '01'"))
    before = rows(stack)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    tries = [{"person_id": i} for i in range(max(1, top - 15), top + 1)]
    tries += [{"person_id": random.randint(1, 10 ** 9)} for _ in range(5)]
    tries += [{"card": "".join(random.choice(alphabet) for _ in range(24))} for _ in range(10)]
    tries += [{"device_token": "".join(random.choice(alphabet) for _ in range(37))} for _ in range(5)]
    tries += [{"device_token": secrets.token_urlsafe(27)}]
    for fields in tries:
        r, body = api.post(person=None, **fields)
        check(400 <= r.status < 500, (fields, r.status, body))
        check("given_name" not in body and "person_id" not in body, (fields, body))
        check("Tuyết" not in r.text and "Nguyễn" not in r.text, (fields, r.text))
    check(rows(stack) == before, "walking recorded check-ins")


def test_api_answer_carries_no_person_id(stack):
    api = Api(stack)
    r, first = api.post()
    check(r.status == 201 and "person_id" not in first, first)
    r, again = api.post(card=first["card"], person=None, direction="out")
    check(r.status == 201 and "person_id" not in again, again)
    # A replayed key answers with the first record, never with its person's name to a caller
    # who sent someone else's details.
    key = uuid.uuid4().hex
    api.post(key=key)
    r, replay = api.post(key=key, person={"full_name": "Kẻ Lạ Mặt", "phone": "0903 999 000", "birth_year": 1970})
    check(r.status == 200 and replay["replayed"] is True, (r.status, replay))
    check("person_id" not in replay and "Tuyết" not in r.text and "card" not in replay, replay)
