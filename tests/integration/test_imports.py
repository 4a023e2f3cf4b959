"""The paper import: a CSV of paper declarations uploaded by a volunteer (multipart, slow pool)
or run by `vaora checkins import`; good rows recorded once however often the file comes, bad
rows listed with line and reason, a wrong header refused as a whole, an oversized upload 413."""
import os
import re
import subprocess
import unicodedata
import zipfile
import tempfile
import time
import uuid

import fixtures
from harness import check, logged_in, poll

# The header before 2026-12 (Vietnamese without marks, English question ids): still read.
HEADER = ("ma_dia_diem,ngay_gio,vao_ra,ho_ten,so_dien_thoai,so_giay_to,nam_sinh,gioi_tinh,ma_xa,dia_chi,"
          "fever,cough,breath,throat,taste,contact,travel,doses")
# The header the template and the page give: all in Vietnamese.
VI_HEADER = ("Mã địa điểm,Ngày giờ,Vào/Ra,Họ tên,Số điện thoại,Số giấy tờ,Năm sinh,Giới tính,Mã xã,Địa chỉ,"
             "Sốt,Ho,Khó thở,Đau họng,Mất vị giác/khứu giác,Tiếp xúc gần ca bệnh,Từ tỉnh khác về,Số mũi vắc-xin")
NO = "không,không,không,không,không,không,không,2"
# The route's body limit (BODY_UPLOAD in cgi/web/routes.c).
UPLOAD_LIMIT = 4 * 1024 * 1024


def vn_time(offset_seconds):
    """dd/mm/yyyy HH:MM in Vietnam time, offset from now."""
    return time.strftime("%d/%m/%Y %H:%M", time.gmtime(time.time() + 7 * 3600 + offset_seconds))


def multipart(fields, filename, data):
    boundary = "----vaora" + uuid.uuid4().hex
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").encode()
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def upload(browser, data, venue=""):
    csrf = browser.csrf_from("/ha-noi/imports")
    body, ctype = multipart({"csrf": csrf, "venue": venue}, "to-khai.csv", data)
    return browser.request("POST", "/ha-noi/imports", body=body, headers={"Content-Type": ctype})


def counts(r):
    return {k: int(re.search(rf'id="import-{k}">(\d+)<', r.text).group(1))
            for k in ("rows", "recorded", "already", "rejected")}


def reject_lines(text):
    return sorted({int(m) for m in re.findall(r"<tr><td>(\d+)</td>", text)})


def paper_rows(stack, where="1"):
    return int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01'"
                                   f" AND method = 'paper' AND {where}"))


class World:
    def __init__(self, stack):
        self.stack = stack
        self.admin = logged_in(stack, "hn.admin")
        self.volunteer = logged_in(stack, "hn.volunteer")
        self.venue = fixtures.venue_code(self.admin, fixtures.demo_venue_id(stack))
        self.other = fixtures.venue_code(self.admin, fixtures.add_venue(stack, "01", "Import other venue", "00256"))
        self.volunteer_id = int(fixtures.sql(stack, "SELECT id FROM vaora_s1.accounts WHERE login = 'hn.volunteer'"))

    def file(self, tag, bom=True, crlf=True):
        """Three good rows (phone, ID number, neither) and five bad ones, lines 2 to 9; tag
        makes the people distinct between files."""
        v, day = self.venue, vn_time(-86400)
        rows = [
            f"{v},{day},Vào,Nguyễn Văn An {tag},0912{tag:0>6},,1980,Nam,00070,12 Hàng Bạc,{NO}",
            f"{v},{day},Ra,Trần Thị Bình {tag},,0010850{tag:0>5},1985,Nữ,,\"5, ngõ 3 Phố Huế\",{NO}",
            f"{v},{day},Vào,Phạm Văn Sai {tag},12345,,1970,Nam,,,{NO}",
            f"{self.other},{day},Vào,Lê Thị Xa {tag},0913{tag:0>6},,1990,Nữ,,,{NO}",
            f"{v},32/01/2026 08:00,Vào,Đỗ Văn Ngày {tag},0914{tag:0>6},,1960,Nam,,,{NO}",
            f"{v},{day},Vào,Hoàng Thị Thiếu {tag},0915{tag:0>6},,1975,Nữ,,,,không,không,không,không,không,không,2",
            f"{v},{vn_time(2 * 86400)},Vào,Vũ Văn Mai {tag},0916{tag:0>6},,1982,Nam,,,{NO}",
            f"{v},{day},in,Lê Văn Cường {tag},,,1950,,,,có,no,no,no,no,no,yes,0",
        ]
        nl = "\r\n" if crlf else "\n"
        return (("\ufeff" if bom else "") + nl.join([HEADER] + rows) + nl).encode()


BAD_LINES = [4, 5, 6, 7, 8]


def test_upload_records_good_rows_once_and_lists_bad_ones(stack):
    w = World(stack)
    before = paper_rows(stack)
    r = upload(w.volunteer, w.file("1"))
    check(r.status == 200, (r.status, r.text[:500]))
    check(counts(r) == {"rows": 8, "recorded": 3, "already": 0, "rejected": 5}, counts(r))
    check(reject_lines(r.text) == BAD_LINES, reject_lines(r.text))
    for column in ("so_dien_thoai", "ma_dia_diem", "ngay_gio", "fever"):
        check(f"<td>{column}</td>" in r.text, f"no reason for column {column}")
    check("Ngày giờ ở tương lai." in r.text and "Ngày giờ phải có dạng" in r.text, "date reasons in Vietnamese")
    check(paper_rows(stack) == before + 3, "good rows stored with method paper")
    check(paper_rows(stack, f"filed_by = {w.volunteer_id}") >= 3, "filed_by is the volunteer")
    amber = fixtures.sql(stack, "SELECT amber FROM vaora_s1.checkins WHERE method = 'paper' ORDER BY id DESC LIMIT 1")
    check(amber == "1", "a 'có' to fever turns the row amber")
    audit = fixtures.sql(stack, "SELECT detail FROM vaora_s1.audit_log WHERE action = 'paper-import'"
                                " ORDER BY id DESC LIMIT 1")
    check(audit.startswith("8 rows: 3 recorded, 0 already, 5 rejected"), audit)

    again = upload(w.volunteer, w.file("1"))
    check(again.status == 200 and counts(again) == {"rows": 8, "recorded": 0, "already": 3, "rejected": 5},
          counts(again))
    check(paper_rows(stack) == before + 3, "a repeated upload added rows")
    people = int(fixtures.sql(stack, "SELECT COUNT(DISTINCT person_id) FROM vaora_s1.checkins WHERE method = 'paper'"))
    check(people >= 3, people)


def test_english_reasons_and_plain_lf_file(stack):
    w = World(stack)
    w.volunteer.get("/ha-noi/imports?lang=en")
    r = upload(w.volunteer, w.file("2", bom=False, crlf=False))
    w.volunteer.get("/ha-noi/imports?lang=vi")
    check(r.status == 200 and counts(r)["recorded"] == 3, (r.status, r.text[:300]))
    check("The date and time are in the future." in r.text, "reasons in the user's language")


def test_wrong_header_is_one_clear_error(stack):
    w = World(stack)
    before = paper_rows(stack)
    data = ("\ufeffname,phone,time\r\n" + "Nguyễn Văn A,0912345678,01/01/2026 08:00\r\n").encode()
    r = upload(w.volunteer, data)
    check(r.status == 400 and 'id="import-error"' in r.text, r.status)
    check(f'<code id="expected-header">{VI_HEADER}</code>' in r.text, "the expected header is named")
    check(paper_rows(stack) == before, "nothing recorded")
    check(upload(w.volunteer, b"").status == 400, "no file")
    check(upload(w.volunteer, b"\xff\xfe" + HEADER.encode("utf-16-le")).status == 400, "a UTF-16 header, no rows")


def test_venue_chosen_on_the_page(stack):
    w = World(stack)
    header = HEADER.replace("ma_dia_diem,", "")
    data = f"{header}\r\n{vn_time(-3600)},Vào,Ngô Thị Chọn,0917000001,,1999,Nữ,,,{NO}\r\n".encode()
    check(upload(w.volunteer, data).status == 400, "no venue column and no venue chosen")
    r = upload(w.volunteer, data, venue=w.venue)
    check(r.status == 200 and counts(r)["recorded"] == 1, (r.status, r.text[:300]))
    check(f'name="venue" value="{w.venue}"' in r.text, "the venue chosen is not kept for the next file")
    r = upload(w.volunteer, b"", venue=w.venue)
    check(r.status == 400 and f'name="venue" value="{w.venue}"' in r.text, "the venue chosen is lost without a file")


def test_oversized_upload_gets_413(stack):
    w = World(stack)
    csrf = w.volunteer.csrf_from("/ha-noi/imports")
    body, ctype = multipart({"csrf": csrf}, "big.csv", b"x" * (UPLOAD_LIMIT + 1))
    r = w.volunteer.request("POST", "/ha-noi/imports", body=body, headers={"Content-Type": ctype})
    check(r.status == 413 and "<html" in r.text, r.status)


def test_template_download(stack):
    w = World(stack)
    r = w.volunteer.get("/ha-noi/imports/template.csv")
    check(r.status == 200 and r.header("Content-Type").startswith("text/csv"), r.status)
    check(r.body.startswith(b"\xef\xbb\xbf" + VI_HEADER.encode() + b"\r\n"), r.body[:300].decode(errors="replace"))
    check("attachment" in r.header("Content-Disposition"), r.header("Content-Disposition"))


def test_cli_gives_the_same_result(stack):
    w = World(stack)
    fd, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "wb") as f:
        f.write(w.file("3"))
    try:
        before = paper_rows(stack)
        r = stack.vaora("checkins", "import", "--province", "ha-noi", "--as", "hn.volunteer", "--file", path)
        out = r.stdout.decode()
        check(r.returncode == 0, (r.returncode, r.stderr))
        check("8 rows, 3 recorded, 0 already recorded, 5 rejected" in out, out)
        check(sorted({int(x) for x in re.findall(r"^line (\d+):", out, re.M)}) == BAD_LINES, out)
        check("import: 3 of 3 rows" in r.stderr.decode(), r.stderr)
        check(paper_rows(stack, f"filed_by = {w.volunteer_id}") >= 3 and paper_rows(stack) == before + 3, "stored")
        r = stack.vaora("checkins", "import", "--province", "ha-noi", "--as", "hn.volunteer", "--file", path)
        check(r.returncode == 0 and "3 already recorded" in r.stdout.decode(), r.stdout)
        check(paper_rows(stack) == before + 3, "the CLI re-run added rows")
        # Without --as the operator at the shell may use every venue: the other venue's row
        # is recorded now, the three others are still there once.
        r = stack.vaora("checkins", "import", "--province", "ha-noi", "--file", path)
        check(r.returncode == 0 and "1 recorded, 3 already recorded, 4 rejected" in r.stdout.decode(), r.stdout)
        check(paper_rows(stack) == before + 4, "the operator's run")
        with open(path, "wb") as f:
            f.write(b"a,b\n1,2\n")
        r = stack.vaora("checkins", "import", "--province", "ha-noi", "--file", path)
        check(r.returncode == 1 and VI_HEADER.encode() in r.stderr, r.stderr)
    finally:
        os.remove(path)


# Rows of the concurrent double upload: enough that the two imports overlap.
CONCURRENT_ROWS = 400


def test_concurrent_double_upload_records_each_row_once(stack):
    """The same file imported twice at once: each row once, whichever import got it first, and no
    person left behind by the import that lost a row (its other rows stay)."""
    w = World(stack)
    day = vn_time(-3600)
    lines = [HEADER] + [f"{w.venue},{day},Vào,Người Nhập Đôi {i},0917{i:0>6},,1980,Nam,,,{NO}"
                        for i in range(CONCURRENT_ROWS)]
    fd, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "wb") as f:
        f.write(("\n".join(lines) + "\n").encode())
    people = "SELECT COUNT(*) FROM vaora_s1.people WHERE province = '01'"
    try:
        rows_before, people_before = paper_rows(stack), int(fixtures.sql(stack, people))
        args = [stack.binary, "-c", os.path.join(stack.var, "vaora.conf"), "checkins", "import", "--province",
                "ha-noi", "--as", "hn.volunteer", "--file", path]
        runs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]
        outs = [r.communicate(timeout=300) for r in runs]
        for r, (out, err) in zip(runs, outs):
            check(r.returncode == 0, (r.returncode, err))
        got = [re.search(rb"(\d+) recorded, (\d+) already recorded", out) for out, _ in outs]
        check(all(got), outs)
        recorded = sum(int(m.group(1)) for m in got)
        already = sum(int(m.group(2)) for m in got)
        check((recorded, already) == (CONCURRENT_ROWS, CONCURRENT_ROWS), (recorded, already))
        check(paper_rows(stack) == rows_before + CONCURRENT_ROWS, "rows recorded twice or lost")
        check(int(fixtures.sql(stack, people)) == people_before + CONCURRENT_ROWS, "people left behind")
    finally:
        os.remove(path)


def statements_executed(stack):
    return int(fixtures.sql(stack, "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'").split("\t")[1])


# Statements a 500-row batch of new people may take: a few look-ups and inserts for the whole
# batch, not several per row (the per-row import took about 2,000).
BATCH_STATEMENTS_MAX = 40


def test_a_batch_of_new_people_is_a_handful_of_statements_not_several_per_row(stack):
    w = World(stack)
    day = vn_time(-7200)
    lines = [HEADER] + [f"{w.venue},{day},Vào,Người Lô {i},0918{i:0>6},{'' if i % 2 else f'00109{i:0>7}'},1980,"
                        f"Nam,,,{NO}" for i in range(500)]
    fd, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "wb") as f:
        f.write(("\n".join(lines) + "\n").encode())
    try:
        # The folder's own statements (a fold a second) are not the import's.
        with fixtures.folder_paused(stack):
            before, rows = statements_executed(stack), paper_rows(stack)
            r = stack.vaora("checkins", "import", "--province", "ha-noi", "--as", "hn.volunteer", "--file", path)
            used = statements_executed(stack) - before
        check(r.returncode == 0 and "500 recorded" in r.stdout.decode(), r.stdout)
        check(paper_rows(stack) == rows + 500, "rows stored")
        check(used <= BATCH_STATEMENTS_MAX, f"{used} statements for 500 rows")
    finally:
        os.remove(path)


def test_rows_of_one_file_find_the_person_an_earlier_row_made_and_repeat_nothing_within_two_minutes(stack):
    """Within one batch, as row by row: the same phone and name, or the same ID number, is the
    person an earlier row made; the same visit again within two minutes writes nothing; a
    shared phone with another name is another person."""
    w = World(stack)
    t1, t2, t3 = vn_time(-5400), vn_time(-5340), vn_time(-3600)
    v = w.venue
    rows = [
        f"{v},{t1},Vào,Đinh Văn Một,0919000001,,1980,Nam,,,{NO}",
        f"{v},{t2},Vào,Đinh Văn Một,0919000001,,1980,Nam,,,{NO}",      # the same visit a minute later
        f"{v},{t3},Vào,Đinh Văn Một,0919000001,,1980,Nam,,,{NO}",      # the same person later on
        f"{v},{t3},Vào,Đinh Thị Hai,0919000001,,1982,Nữ,,,{NO}",       # the phone shared: someone else
        f"{v},{t1},Ra,Cao Văn Ba,,001090000003,1970,Nam,,,{NO}",
        f"{v},{t3},Ra,Cao Văn Ba,0919000003,001090000003,1970,Nam,,,{NO}",  # the card again
        f"{v},{t3},Ra,Cao Văn Ba,0919000003,001090000003,1970,Nam,,,{NO}",  # the very row again
    ]
    fd, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "wb") as f:
        f.write(("\n".join([HEADER] + rows) + "\n").encode())
    try:
        before = paper_rows(stack)
        r = stack.vaora("checkins", "import", "--province", "ha-noi", "--as", "hn.volunteer", "--file", path)
        out = r.stdout.decode()
        check(r.returncode == 0 and "7 rows, 5 recorded, 2 already recorded, 0 rejected, 3 new people" in out, out)
        check(paper_rows(stack) == before + 5, "rows stored")
        r = stack.vaora("checkins", "import", "--province", "ha-noi", "--as", "hn.volunteer", "--file", path)
        check("0 recorded, 7 already recorded" in r.stdout.decode() and "0 new people" in r.stdout.decode(), r.stdout)
    finally:
        os.remove(path)


def windows_1258(text):
    """text as Excel on Vietnamese Windows saves "CSV (Comma delimited)": Windows-1258, whose
    letters with a tone mark are mostly a base letter (ê, ơ, ư, ă, â, ô precomposed) followed
    by a combining tone mark byte."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return out


def vi_rows(w, tag, sep):
    """Three good rows of new people (one with a comma in its quoted address), by sep, names with
    every kind of Vietnamese mark."""
    v, day = w.venue, vn_time(-86400)
    no = sep.join(NO.split(","))
    rows = [[v, day, "Vào", f"Nguyễn Thị Ngọc Ánh {tag}", f"0921{tag:0>6}", "", "1980", "Nữ", "00070",
             '"12 Hàng Bạc, Hoàn Kiếm"'],
            [v, day, "Ra", f"Trương Văn Hưởng {tag}", f"0922{tag:0>6}", "", "1975", "Nam", "", "Ngõ Huyện"],
            [v, day, "VÀO", f"Đặng Thuỳ Dương {tag}", f"0923{tag:0>6}", "", "1990", "Nữ", "", ""]]
    return [sep.join(r) + sep + no for r in rows]


def stored_name(stack, phone):
    r = stack.vaora("people", "show", "--province", "01", "--phone", phone)
    m = re.search(r"^ *name: (.*)$", r.stdout.decode(), re.M)
    return m.group(1) if m else None


def test_a_semicolon_file_with_vietnamese_headers_from_excel_is_read(stack):
    """Excel on Vietnamese Windows separates fields with ';' (the locale's list separator, as
    ',' is its decimal mark), under the header the template gives."""
    w = World(stack)
    before = paper_rows(stack)
    data = "\ufeff" + "\r\n".join([VI_HEADER.replace(",", ";")] + vi_rows(w, "31", ";")) + "\r\n"
    r = upload(w.volunteer, data.encode())
    check(r.status == 200 and counts(r) == {"rows": 3, "recorded": 3, "already": 0, "rejected": 0},
          (r.status, r.text[:400]))
    check(paper_rows(stack) == before + 3, "rows stored")
    check(stored_name(stack, "0921000031") == "Nguyễn Thị Ngọc Ánh 31", stored_name(stack, "0921000031"))


def test_a_tab_separated_file_with_headers_typed_any_way_is_read(stack):
    """Tab-separated (Excel's "Unicode Text" is UTF-16 with tabs; a paste into a text editor is
    UTF-8 with tabs); headers in capitals or without marks, a question by its English id."""
    w = World(stack)
    before = paper_rows(stack)
    header = VI_HEADER.upper().replace("SỐT", "fever").replace("HỌ TÊN", "Ho ten").replace(",", "\t")
    rows = vi_rows(w, "32", "\t")
    r = upload(w.volunteer, ("\n".join([header] + rows[:2]) + "\n").encode())
    check(r.status == 200 and counts(r)["recorded"] == 2 and counts(r)["rejected"] == 0, (r.status, r.text[:400]))
    r = upload(w.volunteer, b"\xff\xfe" + ("\r\n".join([header] + rows) + "\r\n").encode("utf-16-le"))
    check(r.status == 200 and counts(r) == {"rows": 3, "recorded": 1, "already": 2, "rejected": 0},
          (r.status, r.text[:400]))
    check(paper_rows(stack) == before + 3, "rows stored")
    check(stored_name(stack, "0923000032") == "Đặng Thuỳ Dương 32", stored_name(stack, "0923000032"))


def test_a_windows_1258_file_is_converted_to_nfc_instead_of_refused(stack):
    w = World(stack)
    before = paper_rows(stack)
    text = "\r\n".join([VI_HEADER] + vi_rows(w, "33", ",")) + "\r\n"
    data = windows_1258(text)
    # The bytes really are Windows-1258 with combining tone marks (0xDE tilde, 0xEC acute,
    # 0xF2 dot below), and not UTF-8.
    check(b"\xde" in data and b"\xec" in data and b"\xf2" in data, data[:200])
    try:
        data.decode("utf-8")
        check(False, "the test file is valid UTF-8")
    except UnicodeDecodeError:
        pass
    r = upload(w.volunteer, data)
    check(r.status == 200 and counts(r) == {"rows": 3, "recorded": 3, "already": 0, "rejected": 0},
          (r.status, r.text[:400]))
    check(paper_rows(stack) == before + 3, "rows stored")
    for phone, name in (("0921000033", "Nguyễn Thị Ngọc Ánh 33"), ("0922000033", "Trương Văn Hưởng 33"),
                        ("0923000033", "Đặng Thuỳ Dương 33")):
        got = stored_name(stack, phone)
        check(got == name and got == unicodedata.normalize("NFC", got), (phone, got, name))
    # The same file through the command line: the same rows, already recorded.
    fd, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    try:
        r = stack.vaora("checkins", "import", "--province", "ha-noi", "--as", "hn.volunteer", "--file", path)
        check(r.returncode == 0 and "3 rows, 0 recorded, 3 already recorded, 0 rejected" in r.stdout.decode(),
              (r.stdout, r.stderr))
    finally:
        os.remove(path)


def test_an_excel_workbook_is_refused_with_how_to_save_it_as_csv(stack):
    w = World(stack)
    path = os.path.join(tempfile.mkdtemp(), "to-khai.xlsx")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    with open(path, "rb") as f:
        r = upload(w.volunteer, f.read())
    check(r.status == 400 and "CSV UTF-8" in r.text and ".xlsx" in r.text, (r.status, r.text[:400]))


def test_the_template_filled_in_is_imported_as_it_is(stack):
    w = World(stack)
    template = w.volunteer.get("/ha-noi/imports/template.csv").body.decode("utf-8-sig").splitlines()
    check(template[0] == VI_HEADER, template[0])
    # The example row leaves the venue empty (the page's choice): the clerk fills it in.
    check(template[1].startswith(","), template[1])
    example = (w.venue + template[1]).replace("15/03/2026 08:30", vn_time(-7200)).replace("0912345678", "0924000034")
    r = upload(w.volunteer, ("\r\n".join([template[0], example]) + "\r\n").encode())
    check(r.status == 200 and counts(r)["recorded"] == 1, (r.status, r.text[:400], example))


def import_file(stack, lines, args=()):
    """Runs `vaora checkins import` as the volunteer on a file of lines (with HEADER); returns
    the finished process."""
    fd, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "wb") as f:
        f.write(("\n".join([HEADER] + lines) + "\n").encode())
    try:
        return stack.vaora("checkins", "import", "--province", "ha-noi", "--as", "hn.volunteer", "--file", path,
                           *args)
    finally:
        os.remove(path)


# People of the 2,000-row file: each checks in twice, an hour apart, so every batch after the
# first finds people made by earlier batches (more of them than MariaDB's 200 index dives).
LARGE_PEOPLE = 800
LARGE_REPEATS = 200      # rows repeating a visit a minute later: nothing new (two-minute rule)
LARGE_SHARED = 200       # rows of another person on a phone-only person's phone: a new person


def test_a_2000_row_file_records_the_same_checkins_people_and_counters_as_row_by_row(stack):
    """4 batches, rows finding the people and visits of earlier batches: the results are those
    row by row gives (each visit once, a person per ID number or phone and name, a repeat within
    two minutes nothing), the counters equal a recount from the check-ins as soon as the import
    answers, personal data is stored encrypted, and the file again changes nothing."""
    w = World(stack)
    venue_id = fixtures.add_venue(stack, "01", "Trạm nhập lô lớn", "00070", verified=True)
    fixtures.make_manager(stack, "01", venue_id, "hn.volunteer", kind="volunteer")
    venue = fixtures.venue_code(w.admin, venue_id)
    first, repeat, second = vn_time(-5 * 3600), vn_time(-5 * 3600 + 60), vn_time(-4 * 3600)

    def person(i, when):
        if i < LARGE_PEOPLE // 2:
            return f"{venue},{when},Vào,Người Lô Thẻ {i},,0010860{i:05d},1986,Nam,,,{NO}"
        return f"{venue},{when},Vào,Người Lô Số {i},0927{i:06d},,1980,Nam,,,{NO}"

    lines = ([person(i, first) for i in range(LARGE_PEOPLE)]
             + [person(i, repeat) for i in range(LARGE_REPEATS)]
             + [f"{venue},{second},Vào,Người Khác {i},0927{i:06d},,1990,Nữ,,,{NO}"
                for i in range(LARGE_PEOPLE // 2, LARGE_PEOPLE // 2 + LARGE_SHARED)]
             + [person(i, second) for i in range(LARGE_PEOPLE)])
    check(len(lines) == 2000, len(lines))
    r = import_file(stack, lines)
    out = r.stdout.decode()
    recorded, people = 2 * LARGE_PEOPLE + LARGE_SHARED, LARGE_PEOPLE + LARGE_SHARED
    check(r.returncode == 0 and f"2000 rows, {recorded} recorded, {LARGE_REPEATS} already recorded, 0 rejected,"
          f" {people} new people" in out, (out, r.stderr))
    at_venue = f"FROM vaora_s1.checkins WHERE province = '01' AND venue_id = {venue_id}"
    check(fixtures.sql(stack, f"SELECT COUNT(*), COUNT(DISTINCT person_id) {at_venue}") == f"{recorded}\t{people}",
          "check-ins and their people")
    visits = fixtures.sql(stack, f"SELECT n, COUNT(*) FROM (SELECT COUNT(*) n {at_venue} GROUP BY person_id) x"
                                 " GROUP BY n ORDER BY n")
    check(visits == f"1\t{LARGE_SHARED}\n2\t{LARGE_PEOPLE}", visits)
    check(fixtures.sql(stack, f"SELECT COUNT(DISTINCT idem_key), MIN(method), MAX(method), MIN(filed_by) {at_venue}")
          == f"{recorded}\tpaper\tpaper\t{w.volunteer_id}", "keys, method, filed_by")
    plain = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.people WHERE province = '01' AND"
                                " (LOCATE('0927000', phone_enc) > 0 OR LOCATE('Người Lô', full_name_enc) > 0)")
    check(plain == "0", f"{plain} people stored in clear")
    check(fixtures.counter_differences(stack, "vaora_s1", "01") == [],
          fixtures.counter_differences(stack, "vaora_s1", "01"))
    r = import_file(stack, lines)
    check(r.returncode == 0 and f"0 recorded, 2000 already recorded, 0 rejected, 0 new people" in r.stdout.decode(),
          r.stdout)
    check(fixtures.sql(stack, f"SELECT COUNT(*) {at_venue}") == str(recorded), "the file again added rows")
    check(fixtures.counter_differences(stack, "vaora_s1", "01") == [], "counters after the file again")


def test_a_batch_that_loses_a_lock_wait_runs_again_instead_of_stopping_the_import(stack):
    """A batch rolled back by a lock wait timeout (DB_CONFLICT, as a deadlock) is run again from
    its rows: the import finishes with every row once. A session holds the province's people
    rows (and the gap new people go into) until the import's first try gave up and its second
    one waits."""
    w = World(stack)
    day = vn_time(-2 * 3600)
    lines = [f"{w.venue},{day},Vào,Người Chờ Khóa {i},0928{i:06d},,1980,Nam,,,{NO}" for i in range(3)]
    waits = "SHOW GLOBAL STATUS LIKE 'Innodb_row_lock_waits'"
    timeout = fixtures.sql(stack, "SELECT @@GLOBAL.innodb_lock_wait_timeout")
    holder = subprocess.Popen(["mariadb", *stack.mariadb_options(), "-u", "root", "-N", "-B", "--unbuffered"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    rows_before = paper_rows(stack)
    try:
        with fixtures.folder_paused(stack):
            holder.stdin.write("START TRANSACTION; SELECT COUNT(*) FROM vaora_s1.people"
                               " WHERE province = '01' FOR UPDATE; SELECT 'held';\n")
            holder.stdin.flush()
            while holder.stdout.readline().strip() not in ("held", ""):
                pass
            # The import's connection starts with it: each try waits 2 s, then is rolled back.
            fixtures.sql(stack, "SET GLOBAL innodb_lock_wait_timeout = 2")
            before = int(fixtures.sql(stack, waits).split("\t")[1])
            fd, path = tempfile.mkstemp(suffix=".csv")
            with os.fdopen(fd, "wb") as f:
                f.write(("\n".join([HEADER] + lines) + "\n").encode())
            run = subprocess.Popen([stack.binary, "-c", os.path.join(stack.var, "vaora.conf"), "checkins", "import",
                                    "--province", "ha-noi", "--as", "hn.volunteer", "--file", path],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            # The second wait is the batch's second try: the first one was rolled back.
            poll(lambda: int(fixtures.sql(stack, waits).split("\t")[1]) >= before + 2 or run.poll() is not None,
                 120, 0.02)
            holder.stdin.write("ROLLBACK;\n")
            holder.stdin.flush()
            out, err = run.communicate(timeout=120)
            os.remove(path)
            waited = int(fixtures.sql(stack, waits).split("\t")[1]) - before
        check(run.returncode == 0, (run.returncode, out, err))
        check(waited >= 2, f"the import waited {waited} times: its batch was not rolled back and run again")
        check("3 rows, 3 recorded, 0 already recorded" in out.decode(), out)
        check(paper_rows(stack) == rows_before + 3, "rows stored once")
    finally:
        fixtures.sql(stack, f"SET GLOBAL innodb_lock_wait_timeout = {timeout}")
        holder.stdin.close()
        holder.wait(timeout=60)
