"""Posters through the web and the command line, checked with real tools: zbarimg decodes
the QR to a URL that opens the venue, pdffonts finds only embedded fonts, pdfimages no
raster image, pdftotext the exact Vietnamese name."""
import os
import re
import tempfile

import fixtures
from fixtures import decode_qr, run
from harness import check, logged_in

NAME = "Chợ Đầm — Quầy số 12, Nguyễn Thị Ánh Tuyết"




def test_every_poster_format_decodes_to_the_venue(stack):
    officer = logged_in(stack, "hn.officer")
    venue_id = fixtures.add_venue(stack, "01", NAME, "00070")
    work = tempfile.mkdtemp(dir=stack.dir)
    urls = set()
    for layout, fmt, width in [("a4", "pdf", None), ("a5", "pdf", None), ("a6", "pdf", None),
                               ("tent", "pdf", None), ("a4", "png", None), ("a4", "png", "1080"),
                               ("a4", "svg", None)]:
        query = f"layout={layout}&format={fmt}" + (f"&width={width}" if width else "")
        r = officer.get(f"/ha-noi/venues/{venue_id}/poster?{query}")
        check(r.status == 200, (query, r.status))
        path = os.path.join(work, f"{layout}-{width or 'print'}.{fmt}")
        with open(path, "wb") as f:
            f.write(r.body)
        if fmt == "svg":
            check(b"<svg" in r.body[:400] and r.header("Content-Type") == "image/svg+xml", "not an SVG")
            # Rasterized as a browser or print shop would, then decoded like the others.
            png = path + ".png"
            check(run("rsvg-convert", "-w", "1240", "-b", "white", "-o", png, path).returncode == 0, "rsvg-convert")
            path, fmt = png, "png"
        decoded = set(decode_qr(path, fmt == "pdf").split())
        # The table tent carries the code on both halves: the same URL twice.
        check(len(decoded) == 1, (query, decoded))
        url = decoded.pop()
        check(url.startswith(f"HTTP://127.0.0.1:{stack.port}/HA-NOI/C/"), (query, url))
        urls.add(url)
        if fmt == "pdf":
            fonts = run("pdffonts", path).stdout.decode().splitlines()[2:]
            check(fonts and all(line.split()[-5] == "yes" for line in fonts), ("fonts not embedded", fonts))
            images = run("pdfimages", "-list", path).stdout.decode().splitlines()[2:]
            check(images == [], ("raster images in the PDF", images))
            text = run("pdftotext", path, "-").stdout.decode()
            check(NAME in " ".join(text.split()), ("name not found exactly", text[:300]))
    check(len(urls) == 1, urls)
    url = urls.pop()
    # The scanned URL opens the venue's page.
    r = stack.get(url.split(f":{stack.port}", 1)[1])
    check(r.status == 200 and NAME in r.text, r.status)


def test_each_poster_download_is_named_after_its_venue_layout_and_size(stack):
    officer = logged_in(stack, "hn.officer")
    venue_id = fixtures.add_venue(stack, "01", 'Cà phê "Giảng" / Đinh Tiên Hoàng; 39', "00070")
    names = {}
    for query, want in [("layout=a4&format=pdf", "ca-phe-giang-dinh-tien-hoang-39-a4-print.pdf"),
                        ("layout=a6&format=pdf", "ca-phe-giang-dinh-tien-hoang-39-a6-print.pdf"),
                        ("layout=tent&format=pdf", "ca-phe-giang-dinh-tien-hoang-39-tent-print.pdf"),
                        ("layout=a4&format=png", "ca-phe-giang-dinh-tien-hoang-39-a4-print.png"),
                        ("layout=a4&format=png&width=1080", "ca-phe-giang-dinh-tien-hoang-39-a4-1080px.png"),
                        ("layout=a4&format=svg", "ca-phe-giang-dinh-tien-hoang-39-a4-vector.svg")]:
        r = officer.get(f"/ha-noi/venues/{venue_id}/poster?{query}")
        check(r.status == 200, (query, r.status))
        names[query] = r.header("Content-Disposition")
        check(names[query] == f'attachment; filename="{want}"', (query, names[query]))
    check(len(set(names.values())) == len(names), names)
    # A name with nothing a file name can keep still names the file.
    venue_id = fixtures.add_venue(stack, "01", "咖啡 ☕", "00070")
    r = officer.get(f"/ha-noi/venues/{venue_id}/poster?layout=a5&format=pdf")
    check(r.header("Content-Disposition") == 'attachment; filename="venue-a5-print.pdf"', r.header("Content-Disposition"))


def test_deactivated_venue_has_no_poster_and_bad_requests_are_refused(stack):
    admin = logged_in(stack, "hn.admin")
    venue_id = fixtures.add_venue(stack, "01", "Quầy tạm ngừng", "00070")
    check(admin.get(f"/ha-noi/venues/{venue_id}/poster?layout=a9&format=pdf").status == 400, "unknown layout")
    check(admin.get(f"/ha-noi/venues/{venue_id}/poster?layout=a4&format=gif").status == 400, "unknown format")
    check(admin.get(f"/ha-noi/venues/{venue_id}/poster?format=png&width=99999").status == 400, "huge PNG")
    admin.post_form(f"/ha-noi/venues/{venue_id}/deactivate", {"confirm": "yes"}, csrf_page="/ha-noi/desk")
    r = admin.get(f"/ha-noi/venues/{venue_id}/poster?layout=a4&format=pdf")
    check(r.status == 410 and "Không còn hiệu lực" in r.text, r.status)


def test_a_poster_address_of_the_wrong_kind_is_a_400_and_a_good_one_is_served(stack):
    admin = logged_in(stack, "hn.admin")
    venue_id = fixtures.add_venue(stack, "01", "Quầy sai địa chỉ", "00070")
    poster = f"/ha-noi/venues/{venue_id}/poster?"
    for query in ("format=png&width=abc", "format=png&width=299", "format=png&width=4962", "format=png&width=-5",
                  "format=png&width=1e3", "layout=a4", "layout=../a4&format=pdf", "layout=A4&format=pdf",
                  "format=PDF", "format=pdf&layout=" + "a" * 300):
        check(admin.get(poster + query).status == 400, query)
    r = admin.get(poster + "format=png&width=300")
    check(r.status == 200 and r.header("Content-Type") == "image/png", r.status)
    for query in ("layout=a9", "area=bad", "layout=a4&area=" + "0" * 300):
        check(admin.get("/ha-noi/posters?" + query).status == 400, query)


def test_bulk_posters_through_the_slow_pool_and_the_command_line(stack):
    officer = logged_in(stack, "hn.officer")
    for i in range(3):
        fixtures.add_venue(stack, "01", f"Bulk venue {i}", "00082")
    r = officer.get("/ha-noi/posters?area=00082&layout=a6")
    check(r.status == 200 and r.body.startswith(b"%PDF") and r.header("Content-Type") == "application/pdf", r.status)
    expected = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.venues WHERE province = '01'"
                                       " AND area_code = '00082' AND status = 'active'"))
    path = os.path.join(stack.dir, "bulk.pdf")
    with open(path, "wb") as f:
        f.write(r.body)
    pages = re.search(rb"Pages:\s+(\d+)", run("pdfinfo", path).stdout)
    check(pages and int(pages.group(1)) == expected, (pages, expected))
    check(" slow " in [x for x in stack.log().splitlines() if "/ha-noi/posters" in x][-1] + " ", "not the slow pool")
    check(officer.get("/ha-noi/posters?area=99999").status == 404, "empty bulk")
    out = os.path.join(stack.dir, "cli.pdf")
    r = stack.vaora("posters", "bulk", "--province", "ha-noi", "--area", "00070", "-o", out)
    check(r.returncode == 0 and b"posters: " in r.stderr, r.stderr)
    total = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.venues WHERE province = '01'"
                                    " AND area_code = '00070' AND status = 'active'"))
    pages = re.search(rb"Pages:\s+(\d+)", run("pdfinfo", out).stdout)
    check(pages and int(pages.group(1)) == total, (pages, total))


def poster_text(browser, venue_id):
    """The words of a venue's A4 poster, as pdftotext reads them, spaces folded."""
    r = browser.get(f"/ha-noi/venues/{venue_id}/poster?layout=a4&format=pdf")
    check(r.status == 200, r.status)
    path = os.path.join(tempfile.mkdtemp(dir=browser.stack.dir), "poster.pdf")
    with open(path, "wb") as f:
        f.write(r.body)
    return " ".join(run("pdftotext", path, "-").stdout.decode().split())


def test_the_poster_prints_its_code_as_the_venue_page_shows_it_and_its_qr_carries_that_code(stack):
    officer = logged_in(stack, "hn.officer")
    venue_id = fixtures.add_venue(stack, "01", "Nhà thuốc Mã Ngắn", "00070")
    page = officer.get(f"/ha-noi/venues/{venue_id}").text
    shown = re.search(r'id="short-code">([A-Z2-7-]+)<', page).group(1)
    text = poster_text(officer, venue_id)
    printed = re.search(r"Nhập mã địa điểm: ([A-Z2-7-]+)", text)
    check(printed and printed.group(1) == shown, (shown, text))
    check(re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4})*(-[A-Z2-7]{1,3})?", shown), shown)
    code = shown.replace("-", "")
    check(10 <= len(code) <= 12, code)
    r = officer.get(f"/ha-noi/venues/{venue_id}/poster?layout=a4&format=png")
    path = os.path.join(tempfile.mkdtemp(dir=stack.dir), "poster.png")
    with open(path, "wb") as f:
        f.write(r.body)
    url = decode_qr(path, False)
    check(url == f"HTTP://127.0.0.1:{stack.port}/HA-NOI/C/{code}", (url, code))
    # What the QR holds and what a person types both open the venue.
    check("Nhà thuốc Mã Ngắn" in stack.get(url.split(f":{stack.port}", 1)[1]).text, url)
    r = stack.get("/ha-noi/c?code=" + shown.lower())
    check(r.status == 303 and r.header("Location") == f"/ha-noi/c/{code}", r.status)


def test_every_venue_has_an_issue_day_and_its_poster_prints_it(stack):
    # The demo venue is inserted by seed-demo, the path that left the day empty.
    text = poster_text(logged_in(stack, "hn.officer"), fixtures.demo_venue_id(stack))
    check("00/00/0000" not in text, ("empty issue day", text))
    check(re.search(r"cấp ngày \d\d/\d\d/20\d\d", text), ("no issue day", text))
    nulls = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.venues WHERE token_issued_at IS NULL")
    check(nulls == "0", ("venues without an issue day", nulls))
    nullable = fixtures.sql(stack, "SELECT IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA ="
                                   " 'vaora_s1' AND TABLE_NAME = 'venues' AND COLUMN_NAME = 'token_issued_at'")
    check(nullable == "NO", ("token_issued_at may be NULL", nullable))


def test_the_poster_names_the_commune_once_however_the_address_spells_it(stack):
    officer = logged_in(stack, "hn.officer")
    # The demo's own address, as it was seeded before the fix, then typed in lower case and
    # without marks: the commune is already there and is not appended again.
    for address in ["Phố Đồng Xuân, Phường Hoàn Kiếm", "Số 3 phố Hàng Bạc, phường Hoàn Kiếm",
                    "So 3 pho Hang Bac, PHUONG HOAN KIEM"]:
        venue_id = fixtures.add_venue(stack, "01", "Quầy một phường", "00070")
        fixtures.sql(stack, f"UPDATE vaora_s1.venues SET address = '{address}' WHERE id = {venue_id}")
        text = poster_text(officer, venue_id)
        check(address in text and text.lower().count("hoàn kiếm") + text.lower().count("hoan kiem") == 1,
              ("commune not printed once", address, text))
    # An address without its commune gets it appended, once.
    venue_id = fixtures.add_venue(stack, "01", "Quầy không phường", "00070")
    fixtures.sql(stack, f"UPDATE vaora_s1.venues SET address = 'Phố Huế' WHERE id = {venue_id}")
    check("Phố Huế, Phường Hoàn Kiếm" in poster_text(officer, venue_id), "commune not appended")
    # The demo poster itself.
    text = poster_text(officer, fixtures.demo_venue_id(stack))
    check(text.count("Hoàn Kiếm") == 1, ("demo poster", text))
