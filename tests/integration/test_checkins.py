"""Check-ins through the JSON API: the one validation, exactly-once recording by idempotency
key, the two-minute rule and queued times, with the settable clock instead of sleeps."""
import json
import os
import re
import time
import uuid

import fixtures
from harness import check, logged_in

NO = {"fever": "no", "cough": "no", "breath": "no", "throat": "no", "taste": "no", "contact": "no",
      "travel": "no", "doses": "2"}


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
        self.venue_id = fixtures.add_venue(stack, province, "Checkin venue", area)
        self.code = self.venue_code(self.venue_id)

    def venue_code(self, venue_id):
        """The code a venue's poster carries, as its page shows it."""
        page = self.admin.get(f"/{self.slug}/venues/{venue_id}").text
        return re.search(r'id="short-code">([A-Z2-7]+)<', page).group(1)

    def post(self, **fields):
        body = {"venue": self.code, "direction": "in", "key": uuid.uuid4().hex, "consent": True, "answers": NO,
                "person": {"full_name": "Nguyễn Thị Ánh Tuyết", "phone": "0903 111 222", "birth_year": 1985}}
        body.update(fields)
        r = self.stack.post(f"/{self.slug}/api/v1/checkins", json.dumps(body), headers=self.headers)
        return r, json.loads(r.body)


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
    person = first["person_id"]
    start = time.time()
    try:
        set_clock(stack, start + 60)
        _, again = api.post(person_id=person)
        check(again["already_recorded"] is True and again["id"] == first["id"], ("within 2 min", again))
        _, out = api.post(person_id=person, direction="out")
        check(out["already_recorded"] is False and out["id"] != first["id"], ("in then out is two", out))
        set_clock(stack, start + 180)
        _, later = api.post(person_id=person)
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
