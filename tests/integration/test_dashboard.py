"""The dashboard: a small known set of check-ins fed through the real paths (JSON API, the self
check-in form, a gate scan of an ID card, the paper import CLI) in a commune of its own, then every count read back from
the page's table cells; an officer sees only their areas, another province's admin nothing; the
CSV exports (BOM, a neutralized cell), the operator's provinces side by side, and the nightly
merge of a closed day's counter buckets, which changes no figure. The desktop layout's parts
(tiles, charts with axis labels and hover values, scans by hour from their counters, communes as
bars, long tables collapsed) and the printed daily report (`vaora report` and the dashboard's
download, read back with pdfinfo and pdftotext) are checked against the same known day."""
import html
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.parse
import uuid

import fixtures
from harness import check, logged_in
from test_checkins import NO
from test_gate import CCCD, Gate, new_id_number
from test_imports import HEADER, NO as PAPER_NO, vn_time
from test_selfcheckin import Phone, confirmation

AREA = "99901"
AREA_NAME = "Phường Số Liệu"


def table(page, name):
    """The rows of one dashboard table as {first cell: [other cells]}."""
    m = re.search(rf'<section class="dash-table" id="{name}">(.*?)</section>', page, re.S)
    check(m, f"no table {name}")
    rows = {}
    for first, rest in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', m.group(1)):
        rows[html.unescape(first)] = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", rest)]
    return rows


def today():
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600))


class World:
    """A commune with three venues: two scanned today, one idle named "=cmd"."""

    def __init__(self, stack):
        self.stack = stack
        areas = os.path.join(stack.dir, "dashboard-areas.csv")
        with open(areas, "w", encoding="utf-8") as f:
            f.write(f"code,name\n{AREA},{AREA_NAME}\n")
        r = stack.vaora("areas", "import", "--province", "ha-noi", areas)
        check(r.returncode == 0, r.stderr)
        self.admin = logged_in(stack, "hn.admin")
        # Verified: its desk (the API, the gate) records only once an officer trusts it.
        self.scanned = fixtures.add_venue(stack, "01", "Dashboard shop", AREA, "shop", verified=True)
        self.form_venue = fixtures.add_venue(stack, "01", "Dashboard market", AREA, "market")
        r = self.admin.post_form("/ha-noi/venues", {"name": "=cmd", "category": "office", "address": "1 Phố Thử",
                                                    "contact_phone": "0243 999 111", "area_code": AREA},
                                 csrf_page="/ha-noi/venues/new")
        check(r.status == 303, (r.status, r.text[:300]))
        r = self.admin.post_form("/ha-noi/api-tokens", {"label": "Dashboard kiosk", "role": "volunteer"})
        token = re.search(r'id="new-token">([^<]+)<', r.text).group(1)
        self.api_headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def api(self, venue_id, name, phone, direction="in", card=None):
        """Records a check-in by the JSON API (a returning person by their card); returns the
        card of a person it made."""
        body = {"venue": fixtures.venue_code(self.admin, venue_id), "direction": direction,
                "key": uuid.uuid4().hex, "consent": True, "answers": NO,
                "pressed_at_ms": int(time.time() * 1000)}
        if card:
            body["card"] = card
        else:
            body["person"] = {"full_name": name, "phone": phone, "birth_year": 1980}
        r = self.stack.post("/ha-noi/api/v1/checkins", json.dumps(body), headers=self.api_headers)
        check(r.status in (200, 201), (r.status, r.body[:300]))
        return json.loads(r.body).get("card")

    def feed(self):
        # JSON API at the shop: A in, A out, B in.
        a = self.api(self.scanned, "Dash Người A", "0912 000 101")
        self.api(self.scanned, None, None, "out", card=a)
        self.api(self.scanned, "Dash Người B", "0912 000 102")
        # The self check-in form at the market: C in.
        phone = Phone(self.stack)
        venue = type("V", (), {"path": "/ha-noi/c/" + fixtures.venue_code(self.admin, self.form_venue)})
        confirmation(phone.first_checkin(venue, full_name="Dash Người C", phone="0912 000 103"))
        # A chip ID card of a new holder read at the shop's gate by the admin: E in.
        _, flash = Gate(self.stack, "hn.admin", self.scanned).scan(CCCD.format(id=new_id_number()))
        check(flash and flash.get("outcome") == "recorded", flash)
        # A paper form at the market, imported by the command line: D in.
        code = fixtures.venue_code(self.admin, self.form_venue)
        row = f"{code},{vn_time(-60)},Vào,Dash Người D,0912000104,,1970,Nam,,,{PAPER_NO}"
        fd, path = tempfile.mkstemp(suffix=".csv")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(HEADER + "\n" + row + "\n")
        try:
            r = self.stack.vaora("checkins", "import", "--province", "ha-noi", "--file", path)
            check(r.returncode == 0 and "1 recorded" in r.stdout.decode(), (r.stdout, r.stderr))
        finally:
            os.unlink(path)

    def page(self, browser=None, query=f"?area={AREA}"):
        r = (browser or self.admin).get("/ha-noi/dashboard" + query)
        check(r.status == 200, (r.status, r.text[:300]))
        return r.text


WORLD = {}


def world(stack):
    if "w" not in WORLD:
        WORLD["w"] = World(stack)
        WORLD["w"].feed()
    return WORLD["w"]


def test_counts_of_a_known_day(stack):
    w = world(stack)
    page = w.page()
    summary = table(page, "summary")
    check(summary["Địa điểm đã đăng ký"] == ["3"], summary)
    check(summary["Địa điểm chưa xác minh"] == ["1"], summary)
    check(summary["Địa điểm có lượt quét hôm nay"] == ["2"], summary)
    check(summary["Địa điểm có lượt quét trong 7 ngày"] == ["2"], summary)
    check(summary["Tỷ lệ hoạt động (7 ngày)"] == ["67%"], summary)
    # 5 ins, 1 out: 1 − 1/5.
    check(summary["Tỷ lệ lượt vào không quét ra"] == ["80%"], summary)
    days = table(page, "days")
    check(len(days) == 30 and days[today()] == ["6", "5", "5", "1", "1"], days.get(today()))
    methods = table(page, "methods")
    check(methods == {"tự quét": ["1"], "tại cổng (camera hoặc máy đọc)": ["1"], "khai hộ": ["0"],
                      "tờ khai giấy": ["1"], "tích hợp (API)": ["3"]}, methods)
    categories = table(page, "categories")
    check(categories["Cửa hàng"] == ["1"] and categories["Chợ"] == ["1"] and categories["Cơ quan, văn phòng"] == ["1"],
          categories)
    check(table(page, "communes") == {AREA_NAME: ["3", "2", "67%"]}, table(page, "communes"))
    idle = table(page, "idle")
    check(list(idle) == ["=cmd"] and idle["=cmd"][1] == "0243999111", idle)
    check(page.count("<caption>") == 7 and page.count('<svg class="chart"') == 4, "captions and charts")
    # The whole province holds these too.
    whole = table(w.page(query=""), "days")[today()]
    check(int(whole[0]) >= 5 and int(whole[1]) >= 4, whole)


def test_a_new_checkin_counts_at_once(stack):
    w = world(stack)
    w.api(w.scanned, "Dash Người E", "0912 000 105")
    check(table(w.page(), "days")[today()][:2] == ["7", "6"], table(w.page(), "days")[today()])


def test_reissued_poster_not_scanned_since(stack):
    w = world(stack)
    check(table(w.page(), "reissued") == {}, "nothing reissued yet")
    w.admin.post_form(f"/ha-noi/venues/{w.form_venue}/reissue", {}, csrf_page="/ha-noi/desk")
    check(list(table(w.page(), "reissued")) == ["Dashboard market"], table(w.page(), "reissued"))
    # A resident scans the new poster (the venue is unverified: its poster works, its desk not).
    venue = type("V", (), {"path": "/ha-noi/c/" + fixtures.venue_code(w.admin, w.form_venue)})
    confirmation(Phone(stack).first_checkin(venue, full_name="Dash Người F", phone="0912 000 106"))
    check(table(w.page(), "reissued") == {}, "scanned after the reissue")


def test_idle_days_are_bounded(stack):
    w = world(stack)
    for days in ("100000", "91", "0", "-3", "abc", "1e1"):
        page = w.page(query=f"?area={AREA}&idle_days={days}")
        check('name="idle_days" type="number" min="1" max="90" value="7"' in page, (days, "not the default"))
    page = w.page(query=f"?area={AREA}&idle_days=90")
    check('name="idle_days" type="number" min="1" max="90" value="90"' in page, "the largest bound refused")


def test_officer_sees_only_own_areas_and_foreign_admin_nothing(stack):
    w = world(stack)
    _, otp = fixtures.add_account(stack, "01", "area-officer", "dash.officer", areas=AREA)
    officer = fixtures.login_with_new_password(stack, "ha-noi", "dash.officer", otp)
    page = w.page(officer, "")
    check(re.findall(r'<option value="([^"]*)"', page) == [AREA], re.findall(r'<option value="([^"]*)"', page))
    check(table(page, "days")[today()][0] != "0", "an officer's default area is theirs")
    for query in ("?area=00070", "?area=", "?area=" + "9" * 40):
        check(officer.get("/ha-noi/dashboard" + query).status == 404, query)
    check(officer.get("/ha-noi/dashboard/export.csv?table=days&area=00070").status == 404, "export elsewhere")
    _, otp = fixtures.add_account(stack, "79", "province-admin", "dash.hcm.admin")
    foreign = fixtures.login_with_new_password(stack, "ho-chi-minh", "dash.hcm.admin", otp)
    check(foreign.get("/ha-noi/dashboard").status == 404, "another province's admin")
    check(foreign.get("/ha-noi/dashboard/export.csv?table=days").status == 404, "another province's export")


def test_csv_exports(stack):
    w = world(stack)
    r = w.admin.get(f"/ha-noi/dashboard/export.csv?table=idle&area={AREA}")
    check(r.status == 200 and r.header("Content-Type").startswith("text/csv"), r.status)
    check(r.body.startswith(b"\xef\xbb\xbf"), r.body[:10])
    check(b"\r\n'=cmd," in r.body and b"\n=cmd" not in r.body, r.body[:300])
    r = w.admin.get(f"/ha-noi/dashboard/export.csv?table=days&area={AREA}")
    check(f"{today()},8,7,7,1,1".encode() in r.body, r.body[-200:])
    for name in ("summary", "methods", "categories", "communes", "reissued"):
        check(w.admin.get(f"/ha-noi/dashboard/export.csv?table={name}").status == 200, name)
    check(w.admin.get("/ha-noi/dashboard/export.csv?table=people").status == 404, "unknown table")


def test_operator_compares_provinces_without_personal_data(stack):
    world(stack)
    operator = logged_in(stack, "operator", province=None)
    r = operator.get("/admin/provinces")
    check(r.status == 200 and "Hà Nội" in r.text and "<caption>" in r.text, (r.status, r.text[:300]))
    for personal in ("Dash Người", "0912", "0243999111", "=cmd"):
        check(personal not in r.text, personal)
    row = re.search(r"<td>01</td><th scope=\"row\">[^<]*</th><td>[^<]*</td><td>(\d+)</td><td>([^<]+)</td>"
                    r"<td>(\d+)</td><td>(\d+)</td>", r.text)
    check(row and int(row.group(3)) >= 5 and int(row.group(4)) >= int(row.group(3)), row and row.groups())


def hours(page):
    """The hour chart's hover texts as {hour: scans}."""
    m = re.search(r'<svg class="chart"[^>]*aria-label="(?:Lượt quét theo giờ|Scans by hour)[^"]*".*?</svg>', page, re.S)
    check(m, "no hour chart")
    return {int(h): int(n) for h, n in re.findall(r"<title>(\d\d): (\d+)</title>", m.group(0))}


def test_scans_by_hour_of_day_are_the_last_7_days_scans_at_their_vietnam_hour(stack):
    w = world(stack)
    page = w.page()
    by_hour = hours(page)
    check(sorted(by_hour) == list(range(24)), sorted(by_hour))
    week = sorted(table(page, "days").items())[-7:]
    check(sum(by_hour.values()) == sum(int(cells[0]) for _, cells in week), (by_hour, week))
    # The API's three check-ins were pressed just now: this Vietnam hour holds them.
    check(by_hour[int(time.strftime("%H", time.gmtime(time.time() + 7 * 3600)))] >= 3, by_hour)
    # Read from the hour counters the check-in trigger keeps, not from the check-ins.
    counted = fixtures.sql(stack, "SELECT COALESCE(SUM(scans), 0) FROM vaora_s1.area_hour_counts"
                                  f" WHERE province = '01' AND area_code = '{AREA}'")
    check(int(counted) == sum(by_hour.values()), (counted, by_hour))


def test_the_desktop_layout_has_tiles_labelled_charts_and_collapsed_long_tables(stack):
    w = world(stack)
    page = w.page()
    tiles = dict((html.unescape(label), value) for value, label in re.findall(
        r'<li class="tile"><span class="tile-value">([^<]*)</span> <span class="tile-label">([^<]*)</span>', page))
    check(len(tiles) == 7 and tiles["Lượt quét hôm nay"] == table(page, "days")[today()][0]
          and tiles["Địa điểm đã đăng ký"] == "3", tiles)
    check('<main class="wide">' in page, "the dashboard takes a desktop's width")
    charts = re.findall(r'<svg class="chart".*?</svg>', page, re.S)
    check(len(charts) == 4, len(charts))
    for chart in charts:
        check('class="axis-label"' in chart and "<title>" in chart, chart[:200])
    day_bars = re.findall(r"<title>(\d\d-\d\d): (\d+)</title>", charts[0])
    check(len(day_bars) == 30 and day_bars[-1] == (today()[5:], table(page, "days")[today()][0]), day_bars[-3:])
    # Communes as bars: the commune's ratio, as its table says.
    check(f"<title>{AREA_NAME}: 67%</title>" in charts[3], charts[3][:600])
    # The 30 days are collapsed behind "show all"; the 6-row summary is not.
    days = re.search(r'<section class="dash-table" id="days">(.*?)</section>', page, re.S).group(1)
    check(re.search(r'<details class="show-all"><summary>Hiện tất cả các dòng \(30\)</summary></details>\s*<table', days),
          days[:300])
    summary = re.search(r'<section class="dash-table" id="summary">(.*?)</section>', page, re.S).group(1)
    check("show-all" not in summary, summary[:200])


def pdf_text(path):
    """(pages, text) of a PDF, read by poppler's pdfinfo and pdftotext."""
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    return pages, text


def figures_of(stack, day):
    """The area's figures of day straight from the counters: scans, people, ins, outs, venues scanned."""
    row = fixtures.sql(stack, "SELECT SUM(scans), SUM(people), SUM(ins), SUM(outs), SUM(active_venues)"
                              " FROM vaora_s1.area_day_counts"
                              f" WHERE province = '01' AND area_code = '{AREA}' AND day = '{day}'")
    return row.split("\t")


def test_vaora_report_prints_one_page_with_the_days_figures_from_the_database(stack):
    w = world(stack)
    out = os.path.join(stack.dir, "report.pdf")
    r = stack.vaora("report", "--province", "ha-noi", "--area", AREA, "--day", today(), "-o", out)
    check(r.returncode == 0 and out in r.stdout.decode(), (r.stdout, r.stderr))
    pages, text = pdf_text(out)
    check(pages == 1, pages)
    scans, people, ins, outs, active = figures_of(stack, today())
    check(f"Báo cáo ngày {today()}" in text and AREA_NAME in text, text[:400])
    # The six tiles' values in a row, in the layout's order: scans, people, ins, outs, venues
    # scanned, new venues.
    check(re.search(rf"^\s*{scans}\s+{people}\s+{ins}\s+{outs}\s+{active}\s+\d+\s*$", text, re.M), (scans, text[:800]))
    check("Địa điểm đã đăng ký (hiện nay): 3" in text, text)
    check(re.search(rf"{AREA_NAME} — {active}/3", text), text)
    check(f"=cmd · {AREA_NAME} · 0243999111 · chưa có" in text, text)
    # The 30 days' chart starts 29 days before the day (its first label).
    first = time.strftime("%m-%d", time.gmtime(time.time() + 7 * 3600 - 29 * 86400))
    check(re.search(rf"^\s+{first}\s+\d\d-\d\d", text, re.M), text)


def test_vaora_report_refuses_a_future_day_an_unknown_commune_and_leaves_no_file(stack):
    world(stack)
    out = os.path.join(stack.dir, "refused.pdf")
    tomorrow = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600 + 86400))
    for args, says in ((["--day", tomorrow], "--day"), (["--day", "2026-02-30"], "--day"),
                       (["--day", today(), "--area", "00000"], "no commune")):
        r = stack.vaora("report", "--province", "ha-noi", *args, "-o", out)
        check(r.returncode == 1 and says in r.stderr.decode() and not os.path.exists(out), (args, r.stderr))
    r = stack.vaora("report", "--province", "ha-noi", "-o", out)
    check(r.returncode == 2 and "usage: vaora report" in r.stderr.decode(), r.stderr)


def test_the_report_downloads_from_the_dashboard_for_its_area_only(stack):
    w = world(stack)
    check(f'action="/ha-noi/dashboard/report.pdf"' in w.page() and f'name="day" type="date"' in w.page(), "the form")
    r = w.admin.get(f"/ha-noi/dashboard/report.pdf?area={AREA}&day={today()}")
    check(r.status == 200 and r.header("Content-Type") == "application/pdf", (r.status, r.text[:300]))
    check(f'filename="report-ha-noi-{AREA}-{today()}.pdf"' in r.header("Content-Disposition"),
          r.header("Content-Disposition"))
    path = os.path.join(stack.dir, "download.pdf")
    with open(path, "wb") as f:
        f.write(r.body)
    pages, text = pdf_text(path)
    check(pages == 1 and AREA_NAME in text and f"Báo cáo ngày {today()}" in text, text[:300])
    check(w.admin.get(f"/ha-noi/dashboard/report.pdf?area={AREA}&day=not-a-day").status == 400, "bad day")
    _, otp = fixtures.add_account(stack, "01", "area-officer", "report.officer", areas=AREA)
    officer = fixtures.login_with_new_password(stack, "ha-noi", "report.officer", otp)
    check(officer.get(f"/ha-noi/dashboard/report.pdf?day={today()}").status == 200, "the officer's own commune")
    for query in ("area=00070", "area="):
        check(officer.get(f"/ha-noi/dashboard/report.pdf?{query}&day={today()}").status == 404, query)
    _, otp = fixtures.add_account(stack, "79", "province-admin", "report.hcm.admin")
    foreign = fixtures.login_with_new_password(stack, "ho-chi-minh", "report.hcm.admin", otp)
    check(foreign.get(f"/ha-noi/dashboard/report.pdf?day={today()}").status == 404, "another province's admin")
    for login in ("hn.volunteer", "hn.tracer"):
        check(logged_in(stack, login).get(f"/ha-noi/dashboard/report.pdf?day={today()}").status == 403, login)


def test_a_closed_day_is_merged_into_one_row_per_commune(stack):
    """`vaora purge` on the next day merges the 32 buckets of the fed day into one row of the
    commune, and the day's figures read the same."""
    w = world(stack)
    day = today()
    before = table(w.page(), "days")[day]
    rows = f"SELECT COUNT(*) FROM vaora_s1.area_day_counts WHERE province = '01' AND area_code = '{AREA}' AND day = '{day}'"
    check(int(fixtures.sql(stack, rows)) > 1, "the fed check-ins went to one bucket only")
    with open(stack.clock_file, "w") as f:
        f.write(str(time.time() + 86400))
    try:
        r = stack.vaora("purge", env={"VAORA_CLOCK_FILE": stack.clock_file})
        # Other suites' days may close with it.
        check(r.returncode == 0 and re.search(r"^01 ha-noi: counters of \d+ closed days merged$", r.stdout.decode(),
                                              re.M), (r.stdout[-300:], r.stderr))
        check(fixtures.sql(stack, rows) == "1", fixtures.sql(stack, rows))
        hour_buckets = rows.replace("area_day_counts", "area_hour_counts") + " AND bucket <> 0"
        check(fixtures.sql(stack, hour_buckets) == "0", fixtures.sql(stack, hour_buckets))
        # A day later, the session of the day before has expired.
        after = table(w.page(logged_in(stack, "hn.admin")), "days")
        check(after[day] == before, (after.get(day), before))
    finally:
        os.remove(stack.clock_file)
    check(table(w.page(logged_in(stack, "hn.admin")), "days")[day] == before, "today's figures after the merge")
