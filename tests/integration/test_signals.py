"""Abuse signals: check-ins fed through the real JSON API with pressed_at_ms in two communes of
their own — one person at both within 5 minutes (listed) and another 30 minutes apart (not), a
venue with declared hours scanned outside and inside them, a fresh venue's burst of 35 scans in
one hour — read back from the page's tables of the check-ins' own Vietnam day; people only as
"người #id"; an officer of another area and another province's admin see none of it."""
import json
import os
import re
import time
import uuid

import fixtures
from harness import check, logged_in
from test_checkins import NO
from test_dashboard import table

AREA_A, AREA_B = "99911", "99912"
NAMES = {AREA_A: "Phường Tín Hiệu Một", AREA_B: "Xã Tín Hiệu Hai"}
MINUTE_MS = 60 * 1000
BURST = 35


def vn_day(ms):
    return time.strftime("%Y-%m-%d", time.gmtime(ms / 1000 + 7 * 3600))


def vn_hhmm(ms):
    return time.strftime("%H:%M", time.gmtime(ms / 1000 + 7 * 3600))


class World:
    def __init__(self, stack):
        self.stack = stack
        path = os.path.join(stack.dir, "signals-areas.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("code,name\n" + "".join(f"{c},{n}\n" for c, n in NAMES.items()))
        r = stack.vaora("areas", "import", "--province", "ha-noi", path)
        check(r.returncode == 0, r.stderr)
        self.admin = logged_in(stack, "hn.admin")
        r = self.admin.post_form("/ha-noi/api-tokens", {"label": "Signals kiosk", "role": "volunteer"})
        token = re.search(r'id="new-token">([^<]+)<', r.text).group(1)
        self.headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        self.venue_a = fixtures.add_venue(stack, "01", "Signal shop A", AREA_A, verified=True)
        self.venue_b = fixtures.add_venue(stack, "01", "Signal market B", AREA_B, "market", verified=True)
        self.hours_venue = fixtures.add_venue(stack, "01", "Signal cafe H", AREA_A, "restaurant", verified=True)
        self.burst_venue = fixtures.add_venue(stack, "01", "Signal copied poster", AREA_B, verified=True)
        self.night_venue = fixtures.add_venue(stack, "01", "Signal night bar N", AREA_B, "restaurant", verified=True)
        self.codes = {}
        self.cards = {}
        self.now_ms = int(time.time() * 1000)

    def api(self, venue_id, pressed_ms, phone=None, person_id=None):
        """Records a check-in by the JSON API, of a new person or (person_id) of one it made
        before, named by their card; returns the person's id, read from the database."""
        if venue_id not in self.codes:
            self.codes[venue_id] = fixtures.venue_code(self.admin, venue_id)
        body = {"venue": self.codes[venue_id], "direction": "in", "key": uuid.uuid4().hex, "consent": True,
                "answers": NO, "pressed_at_ms": pressed_ms}
        if person_id:
            body["card"] = self.cards[person_id]
        else:
            body["person"] = {"full_name": "Khách Nghi Vấn " + phone[-3:], "phone": phone, "birth_year": 1990}
        r = self.stack.post("/ha-noi/api/v1/checkins", json.dumps(body), headers=self.headers)
        check(r.status == 201, (r.status, r.body[:300]))
        answer = json.loads(r.body)
        person = int(fixtures.sql(self.stack, f"SELECT person_id FROM vaora_s1.checkins WHERE id = {answer['id']}"))
        if "card" in answer:
            self.cards[person] = answer["card"]
        return person

    def page(self, ms, browser=None, area=None):
        query = f"?day={vn_day(ms)}" + (f"&area={area}" if area is not None else "")
        r = (browser or self.admin).get("/ha-noi/signals" + query)
        check(r.status == 200, (r.status, r.text[:300]))
        return r.text


WORLD = {}


def world(stack):
    if "w" not in WORLD:
        WORLD["w"] = World(stack)
    return WORLD["w"]


def test_two_communes_within_minutes(stack):
    w = world(stack)
    t = w.now_ms - 20 * MINUTE_MS
    near = w.api(w.venue_a, t, "0912 555 001")
    w.api(w.venue_b, t + 5 * MINUTE_MS, person_id=near)
    far_t = w.now_ms - 60 * MINUTE_MS
    far = w.api(w.venue_a, far_t, "0912 555 002")
    w.api(w.venue_b, far_t + 30 * MINUTE_MS, person_id=far)
    page = w.page(t)
    rows = table(page, "travel")
    check(rows.get(f"người #{near}") == ["Signal shop A", NAMES[AREA_A], time.strftime(
        "%Y-%m-%d %H:%M", time.gmtime(t / 1000 + 7 * 3600)), "Signal market B", NAMES[AREA_B],
        time.strftime("%Y-%m-%d %H:%M", time.gmtime(t / 1000 + 300 + 7 * 3600))], rows)
    check(f"người #{far}" not in rows and f"người #{far}" not in w.page(far_t), "30 minutes apart is no signal")
    for personal in ("Khách Nghi Vấn", "0912555001", "0912 555 001"):
        check(personal not in page, personal)
    check(page.count("<caption>") == 4, "four captioned tables (the look-ups over the limit: issue #13)")
    # The officer of one of the two communes sees the pair; the dashboard links here.
    _, otp = fixtures.add_account(stack, "01", "area-officer", "sig.officer.a", areas=AREA_A)
    officer = fixtures.login_with_new_password(stack, "ha-noi", "sig.officer.a", otp)
    check(f"người #{near}" in table(w.page(t, officer), "travel"), "the commune's own officer")
    check('href="/ha-noi/signals?area=' in w.admin.get("/ha-noi/dashboard").text, "linked from the dashboard")
    r = w.admin.get(f"/ha-noi/signals/export.csv?kind=travel&day={vn_day(t)}")
    check(r.status == 200 and r.header("Content-Type").startswith("text/csv"), r.status)
    check(r.body.startswith(b"\xef\xbb\xbf") and f"người #{near},Signal shop A".encode() in r.body, r.body[:400])
    check(w.admin.get("/ha-noi/signals/export.csv?kind=names").status == 404, "unknown kind")
    for kind in ("TRAVEL", "travel%20", "x" * 300):
        check(w.admin.get("/ha-noi/signals/export.csv?kind=" + kind).status == 404, kind[:20])
    # A day of no kind is today, as no day is.
    today = re.search(r'name="day" type="date" value="([^"]+)"', w.admin.get("/ha-noi/signals").text).group(1)
    for day in ("2026-13-99", "yesterday", "2026-1-1", "x" * 300):
        r = w.admin.get("/ha-noi/signals?day=" + day)
        check(r.status == 200 and f'name="day" type="date" value="{today}"' in r.text, (day[:20], r.status))


def test_outside_declared_hours(stack):
    w = world(stack)
    inside = w.now_ms - 10 * MINUTE_MS
    outside = inside - 180 * MINUTE_MS
    # Two hours around the inside check-in: past midnight ("23:30-01:30") when it falls so.
    hours = f"{vn_hhmm(inside - 60 * MINUTE_MS)}-{vn_hhmm(inside + 60 * MINUTE_MS)}"
    fixtures.sql(stack, f"UPDATE vaora_s1.venues SET opening_hours = '{hours}' WHERE id = {w.hours_venue}")
    late = w.api(w.hours_venue, outside, "0912 555 011")
    ok = w.api(w.hours_venue, inside, "0912 555 012")
    rows = table(w.page(outside), "off-hours")
    check(rows.get(f"người #{late}", [None])[0] == "Signal cafe H" and rows[f"người #{late}"][-1] == hours, rows)
    check(f"người #{ok}" not in table(w.page(inside), "off-hours"), "inside the hours is no signal")


def test_hours_past_midnight(stack):
    w = world(stack)
    # The latest 00:30 Vietnam time whose 02:00 has passed: 23:30-01:30 runs past midnight.
    day_ms = 24 * 3600 * 1000
    vn_midnight = ((w.now_ms + 7 * 3600 * 1000) // day_ms) * day_ms - 7 * 3600 * 1000
    inside = vn_midnight + 30 * MINUTE_MS
    while inside + 90 * MINUTE_MS > w.now_ms - MINUTE_MS:
        inside -= day_ms
    fixtures.sql(stack, f"UPDATE vaora_s1.venues SET opening_hours = '23:30-01:30' WHERE id = {w.night_venue}")
    before = w.api(w.night_venue, inside - 180 * MINUTE_MS, "0912 555 021")   # 21:30 the day before
    late_evening = w.api(w.night_venue, inside - 45 * MINUTE_MS, "0912 555 022")   # 23:45, open
    ok = w.api(w.night_venue, inside, "0912 555 023")   # 00:30, open
    after = w.api(w.night_venue, inside + 90 * MINUTE_MS, "0912 555 024")   # 02:00, closed
    evening = table(w.page(inside - 180 * MINUTE_MS), "off-hours")
    night = table(w.page(inside), "off-hours")
    check(f"người #{before}" in evening and f"người #{late_evening}" not in evening, evening)
    check(f"người #{after}" in night and f"người #{ok}" not in night, night)


def test_burst_at_a_fresh_venue(stack):
    w = world(stack)
    hour_ms = 3600 * 1000
    start = (w.now_ms // hour_ms - 1) * hour_ms
    for i in range(BURST):
        w.api(w.burst_venue, start + i * MINUTE_MS + 1000, f"0912 556 {i:03d}")
    rows = table(w.page(start), "bursts")
    hour = time.strftime("%Y-%m-%d %H:%M", time.gmtime(start / 1000 + 7 * 3600))
    check(rows.get("Signal copied poster") == [NAMES[AREA_B], hour, str(BURST), "0.0"], rows)
    check("Signal shop A" not in rows, "two scans are no burst")


def test_other_area_and_other_province_see_nothing(stack):
    w = world(stack)
    _, otp = fixtures.add_account(stack, "01", "area-officer", "sig.officer.other", areas="00070")
    officer = fixtures.login_with_new_password(stack, "ha-noi", "sig.officer.other", otp)
    for ms in (w.now_ms, w.now_ms - 20 * MINUTE_MS, w.now_ms - 190 * MINUTE_MS, w.now_ms - 3600 * 1000):
        page = w.page(ms, officer)
        check("Signal " not in page, "another area's officer sees our venues")
    check(re.findall(r'<option value="([^"]*)"', page) == ["00070"], "an officer picks among their areas")
    for query in (f"?area={AREA_A}", f"?area={AREA_B}", "?area="):
        check(officer.get("/ha-noi/signals" + query).status == 404, query)
        check(officer.get("/ha-noi/signals/export.csv?kind=travel&" + query[1:]).status == 404, query)
    _, otp = fixtures.add_account(stack, "79", "province-admin", "sig.hcm.admin")
    foreign = fixtures.login_with_new_password(stack, "ho-chi-minh", "sig.hcm.admin", otp)
    check(foreign.get("/ha-noi/signals").status == 404, "another province's admin")
    check(foreign.get("/ha-noi/signals/export.csv?kind=bursts").status == 404, "another province's export")
