"""The daily report's own page (/{province}/reports): one form choosing the area and the day; what
it offers follows the actor's reach (an admin the whole province and every commune, an officer
only their own), and its fields, sent as the browser sends them, download the PDF."""
import re
import time
import urllib.parse

import fixtures
from harness import check, logged_in


def day(offset_days=0):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600 + offset_days * 86400))


def form_of(page):
    """The report form's action, its area options [(code, selected)] and its day input's attributes."""
    m = re.search(r'<form method="get" action="([^"]+)"[^>]*id="report">(.*?)</form>', page, re.S)
    check(m, page[:600])
    options = re.findall(r'<option value="([^"]*)"( selected)?>', m.group(2))
    day_input = re.search(r'<input id="day" name="day" type="date" value="([^"]*)" max="([^"]*)" required', m.group(2))
    check(day_input, m.group(2))
    return m.group(1), [(code, bool(sel)) for code, sel in options], day_input.groups()


def test_an_admin_is_offered_the_whole_province_and_every_commune_and_the_form_downloads_the_pdf(stack):
    admin = logged_in(stack, "hn.admin")
    r = admin.get("/ha-noi/reports")
    check(r.status == 200, (r.status, r.text[:300]))
    action, options, (value, latest) = form_of(r.text)
    check(action == "/ha-noi/dashboard/report.pdf", action)
    communes = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.areas WHERE province = '01'"))
    check(options[0] == ("", False) and len(options) == 1 + communes, (options[:3], len(options), communes))
    check(value == day(-1) and latest == day(), (value, latest))
    commune = options[1][0]
    r = admin.get(action + "?" + urllib.parse.urlencode({"area": commune, "day": value}))
    check(r.status == 200 and r.header("Content-Type") == "application/pdf" and r.body.startswith(b"%PDF"),
          (r.status, r.text[:300]))
    check(f'filename="report-ha-noi-{commune}-{value}.pdf"' in r.header("Content-Disposition"),
          r.header("Content-Disposition"))


def test_an_officer_is_offered_only_their_own_commune_and_no_whole_province(stack):
    admin = logged_in(stack, "hn.admin")
    _, options, _ = form_of(admin.get("/ha-noi/reports").text)
    own, other = options[1][0], options[2][0]
    _, otp = fixtures.add_account(stack, "01", "area-officer", "reportpage.officer", areas=own)
    officer = fixtures.login_with_new_password(stack, "ha-noi", "reportpage.officer", otp)
    r = officer.get("/ha-noi/reports")
    check(r.status == 200, r.status)
    _, offered, _ = form_of(r.text)
    check(offered == [(own, True)], offered)
    check(officer.get(f"/ha-noi/reports?area={other}").status == 404, "another commune")


def test_the_report_page_is_for_admins_and_officers_and_the_staff_desk_links_it(stack):
    for login in ("hn.volunteer", "hn.tracer"):
        check(logged_in(stack, login).get("/ha-noi/reports").status == 403, login)
    check(stack.get("/ha-noi/reports").status in (302, 303), "anonymous: to the login")
    desk = logged_in(stack, "hn.admin").get("/ha-noi/desk")
    check('href="/ha-noi/reports"' in desk.text, "the desk's link")
    check('href="/ha-noi/reports"' not in logged_in(stack, "hn.volunteer").get("/ha-noi/desk").text,
          "no link for a volunteer")
