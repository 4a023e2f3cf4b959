"""Venues: public registration, staff pages, search, the poster token and its short code."""
import json
import re
import urllib.parse

import fixtures
from harness import Browser, check, logged_in, DEMO_PASSWORD
from test_dashboard import table

SHORT_CODE = re.compile(r'id="short-code">([A-Z2-7-]+)<')
# A venue code as people read it: groups of four, the last one shorter.
GROUPED = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4})*(-[A-Z2-7]{1,3})?$")
LONG_NAME = "Chợ Đầm — Quầy số 12, Nguyễn Thị Ánh Tuyết"


def register(b, **overrides):
    fields = {"name": LONG_NAME, "category": "market", "address": "Số 1 Hàng Bạc", "area_code": "00070",
              "contact_phone": "0912 345 678", "opening_hours": "06:00-18:00", "display_name": "Nguyễn Thị Ánh Tuyết",
              "login": "tuyet.cho.dam", "password": "mat-khau-rat-dai", "repeat": "mat-khau-rat-dai"}
    fields.update(overrides)
    return b.post_form("/ha-noi/register", fields)


def venue_page(b, venue_id):
    return b.get(f"/ha-noi/venues/{venue_id}")


def test_registration_errors_come_back_beside_each_field(stack):
    b = Browser(stack)
    r = register(b, name="", area_code="99999", contact_phone="12345", opening_hours="7h-9h", login="x",
                 repeat="other-password", display_name="Người Đăng Ký")
    check(r.status == 400, r.status)
    for message in ("Vui lòng điền trường này.", "Có mã xã, phường không tồn tại", "Số điện thoại không hợp lệ",
                    "Giờ mở cửa phải có dạng", "Tên đăng nhập chỉ gồm", "Hai lần nhập mật khẩu mới không khớp"):
        check(message in r.text, f"missing: {message}")
    check('value="Người Đăng Ký"' in r.text and 'value="Số 1 Hàng Bạc"' in r.text, "typed values not kept")
    check("mat-khau-rat-dai" not in r.text, "a password came back")
    # Bytes that are not UTF-8 in one field: the form again, that field pointed out.
    body = urllib.parse.urlencode({"csrf": b.csrf_from("/ha-noi/register"), "category": "market",
                                   "address": "Số 1 Hàng Bạc", "area_code": "00070", "contact_phone": "0912345678",
                                   "display_name": "A", "login": "utf8.test", "password": "x" * 12,
                                   "repeat": "x" * 12, "name": "Ch"}) + "%FF%FE"
    r = b.request("POST", "/ha-noi/register", body=body)
    check(r.status == 400 and "không phải văn bản UTF-8" in r.text and 'value="Số 1 Hàng Bạc"' in r.text,
          (r.status, r.text[:300]))
    r = register(b, name="x" * 201)
    check(r.status == 400 and "Nội dung quá dài." in r.text, r.status)
    count = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.accounts WHERE login = 'tuyet.cho.dam'")
    check(count == "0", "a refused registration left an account behind")


def test_registration_creates_a_live_unverified_venue_and_its_manager(stack):
    r = register(Browser(stack))
    check(r.status == 303 and "/ha-noi/login" in r.header("Location"), (r.status, r.header("Location")))
    manager = logged_in(stack, "tuyet.cho.dam", "mat-khau-rat-dai")
    venue_id = int(fixtures.sql(stack, "SELECT id FROM vaora_s1.venues WHERE name = '" + LONG_NAME + "'"))
    page = venue_page(manager, venue_id)
    check(page.status == 200 and LONG_NAME in page.text and "Chưa xác minh" in page.text, page.status)
    check("0912345678" in page.text, "phone not normalized")
    listing = manager.get("/ha-noi/venues").text
    check(LONG_NAME in listing and "Chợ Đồng Xuân (demo)" not in listing, "manager sees other venues")
    officer = logged_in(stack, "hn.officer")
    check(LONG_NAME in officer.get("/ha-noi/venues?unverified=1").text, "officer's unverified list misses it")
    r = officer.post_form(f"/ha-noi/venues/{venue_id}/verify", {}, csrf_page="/ha-noi/desk")
    check(r.status == 303 and "Đã xác minh" in venue_page(officer, venue_id).text, r.status)
    accounts = officer.get("/ha-noi/accounts").text
    check("tuyet.cho.dam" in accounts, "the officer does not see the new manager of their area")
    r = register(Browser(stack), name="Quầy khác")
    check(r.status == 400 and "đã có người dùng" in r.text, "a taken login was accepted")


def test_token_page_short_code_tampering_and_reissue(stack):
    admin = logged_in(stack, "hn.admin")
    venue_id = fixtures.demo_venue_id(stack)
    shown = SHORT_CODE.search(venue_page(admin, venue_id).text).group(1)
    code = shown.replace("-", "")
    # Short (the demo has a one-digit id, poster version 1: 9 characters), in groups of four,
    # no run of A's in front.
    check(GROUPED.match(shown) and 9 <= len(code) <= 12 and not code.startswith("AA"), shown)
    r = stack.get(f"/ha-noi/c/{code}")
    check(r.status == 200 and "Chợ Đồng Xuân (demo)" in r.text, r.status)
    # The QR carries the URL in upper case (alphanumeric mode): it opens the same page.
    r = stack.get(f"/HA-NOI/C/{code}")
    check(r.status == 200 and "Chợ Đồng Xuân (demo)" in r.text, f"upper-case URL: {r.status}")
    for i in range(len(code)):
        tampered = code[:i] + ("A" if code[i] != "A" else "B") + code[i + 1:]
        r = stack.get(f"/ha-noi/c/{tampered}")
        check(r.status == 404 and "Không tìm thấy trang" in r.text, f"tampered at {i}: {r.status}")
        r = stack.get("/ha-noi/c?code=" + tampered)
        check(r.status == 404 and "Mã không đúng" in r.text, f"tampered code typed: {r.status}")
    check(stack.get("/ha-noi/c/NOT-A-TOKEN").status == 404, "garbage token")
    # A code typed by hand: lower case, spaces and dashes; and as shown, with its dashes.
    r = stack.get("/ha-noi/c?code=" + urllib.parse.quote(shown))
    check(r.status == 303 and r.header("Location") == f"/ha-noi/c/{code}", (r.status, r.header("Location")))
    typed = " ".join([code[:3].lower(), code[3:7], "-", code[7:].lower()])
    r = stack.get("/ha-noi/c?code=" + urllib.parse.quote(typed))
    check(r.status == 303 and r.header("Location") == f"/ha-noi/c/{code}", (r.status, r.header("Location")))
    r = stack.get("/ha-noi/c?code=ABCDEFGHJKMNPQRSTU")
    check(r.status == 404 and "Mã không đúng" in r.text and 'value="ABCDEFGHJKMNPQRSTU"' in r.text, r.status)
    # The same code is no good in another province.
    check(stack.get(f"/ho-chi-minh/c/{code}").status == 404, "a Hà Nội code opened in Hồ Chí Minh")
    r = admin.post_form(f"/ha-noi/venues/{venue_id}/reissue", {}, csrf_page="/ha-noi/desk")
    check(r.status == 303, r.status)
    r = stack.get(f"/ha-noi/c/{code}")
    check(r.status == 410 and "Áp phích này đã được thay thế" in r.text, f"old poster: {r.status}")
    new_code = SHORT_CODE.search(venue_page(admin, venue_id).text).group(1).replace("-", "")
    check(new_code != code and stack.get(f"/ha-noi/c/{new_code}").status == 200, "new poster does not work")
    admin.post_form(f"/ha-noi/venues/{venue_id}/deactivate", {"confirm": "yes"}, csrf_page="/ha-noi/desk")
    r = stack.get(f"/ha-noi/c/{new_code}")
    check(r.status == 410 and "ngừng hoạt động" in r.text, f"deactivated: {r.status}")
    admin.post_form(f"/ha-noi/venues/{venue_id}/activate", {}, csrf_page="/ha-noi/desk")
    check(stack.get(f"/ha-noi/c/{new_code}").status == 200, "reactivated venue")


def test_officer_creates_venues_only_in_own_areas_and_searches(stack):
    officer = logged_in(stack, "hn.officer")
    fields = {"name": "Trạm y tế phường", "category": "hospital", "address": "Số 3 Lý Thái Tổ",
              "contact_phone": "+84 24 3825 1234", "area_code": "00256"}
    r = officer.post_form("/ha-noi/venues", fields, csrf_page="/ha-noi/venues/new")
    check(r.status == 400 and "ngoài phạm vi" in r.text, f"outside own areas: {r.status}")
    fields["contact_phone"] = "0243 825 123"
    fields["area_code"] = "00082"
    r = officer.post_form("/ha-noi/venues", fields, csrf_page="/ha-noi/venues/new")
    check(r.status == 303, (r.status, r.text[:400]))
    r = officer.get("/ha-noi/venues?q=" + urllib.parse.quote("y tế"))
    check("Trạm y tế phường" in r.text and "Chợ Đồng Xuân" not in r.text, "search by name")
    r = officer.get("/ha-noi/venues?q=" + urllib.parse.quote("%"))
    check("Trạm y tế phường" not in r.text, "a typed % matched everything")
    for i in range(55):
        fixtures.add_venue(stack, "01", f"Paging venue {i:02d}", "00070")
    r = officer.get("/ha-noi/venues?q=Paging")
    check(r.text.count("Paging venue") == 50 and "page=1" in r.text, "first page of 50")
    r = officer.get("/ha-noi/venues?q=Paging&page=1")
    check(r.text.count("Paging venue") == 5, "second page")


def test_the_venue_list_takes_a_status_box_or_page_of_no_kind_as_no_filter(stack):
    admin = logged_in(stack, "hn.admin")
    for i in range(3):
        fixtures.add_venue(stack, "01", f"Lọc lạ {i}", "00070", verified=i == 0)
    everything = admin.get("/ha-noi/venues?q=" + urllib.parse.quote("Lọc lạ")).text.count("Lọc lạ ")
    check(everything == 3, everything)
    for query in ("status=paused", "unverified=yes", "unverified=", "page=abc", "page=99999", "status=" + "x" * 300):
        r = admin.get("/ha-noi/venues?q=" + urllib.parse.quote("Lọc lạ") + "&" + query)
        check(r.status == 200 and r.text.count("Lọc lạ ") == 3, (query[:20], r.status, r.text.count("Lọc lạ ")))
    r = admin.get("/ha-noi/venues?q=" + urllib.parse.quote("Lọc lạ") + "&unverified=1&status=active")
    check(r.text.count("Lọc lạ ") == 2 and 'value="active" selected' in r.text and 'value="1" checked' in r.text, "the filters")
    r = admin.get("/ha-noi/venues?q=" + urllib.parse.quote("Lọc lạ") + "&category=zoo")
    check(r.text.count("Lọc lạ ") == 0, "a category that is none matched venues")


def test_a_refused_venue_edit_comes_back_as_typed_even_where_the_reading_refused_it(stack):
    admin = logged_in(stack, "hn.admin")
    venue_id = fixtures.add_venue(stack, "01", "Quầy sửa bị từ chối", "00070")
    typed = {"name": "Tên " * 201, "category": "zoo", "address": "Số 9 Hàng Đào", "area_code": "9" * 20,
             "contact_phone": "09ab-cdef", "opening_hours": "từ sáng tới tối mịt, trừ chủ nhật"}
    r = admin.post_form(f"/ha-noi/venues/{venue_id}", typed, csrf_page=f"/ha-noi/venues/{venue_id}")
    check(r.status == 400, r.status)
    for name in ("name", "address", "contact_phone", "opening_hours"):
        check(f'name="{name}" value="{typed[name]}"' in r.text, f"{name} not as typed")
    check(" selected" not in r.text.split('id="category"')[1].split("</select>")[0], "a category chosen")
    check("Quầy sửa bị từ chối" not in r.text.split('id="name"')[1][:200], "the stored name shown over the typed")
    check(fixtures.sql(stack, f"SELECT name FROM vaora_s1.venues WHERE id = {venue_id}") == "Quầy sửa bị từ chối",
          "a refused edit was saved")


def test_venues_through_the_json_api(stack):
    admin = logged_in(stack, "hn.admin")
    r = admin.post_form("/ha-noi/api-tokens", {"label": "Venue importer", "role": "province-admin"})
    token = re.search(r'id="new-token">([^<]+)<', r.text).group(1)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({"name": "Bến xe Giáp Bát (API)", "category": "transport", "address": "Giải Phóng",
                       "area_code": "00292", "contact_phone": "0987000111"})
    r = stack.post("/ha-noi/api/v1/venues", body, headers=auth)
    check(r.status == 201, (r.status, r.text))
    created = json.loads(r.body)
    check(created["name"] == "Bến xe Giáp Bát (API)" and GROUPED.match(created["short_code"]), created)
    r = stack.get(f"/ha-noi/api/v1/venues/{created['id']}", headers=auth)
    check(r.status == 200 and json.loads(r.body)["verified"] is True, r.status)
    r = stack.get("/ha-noi/api/v1/venues?q=" + urllib.parse.quote("Giáp Bát"), headers=auth)
    check(json.loads(r.body)["total"] == 1, r.text)
    # A page of no kind is the first; a filter of no kind matches nothing.
    for page in ("abc", "-1", "1e3", "9" * 30):
        r = stack.get("/ha-noi/api/v1/venues?page=" + page + "&q=" + urllib.parse.quote("Giáp Bát"), headers=auth)
        check(r.status == 200 and json.loads(r.body)["page"] == 0 and len(json.loads(r.body)["venues"]) == 1,
              (page, r.status, r.text[:200]))
    r = stack.get("/ha-noi/api/v1/venues?status=" + "x" * 300, headers=auth)
    check(r.status == 200 and json.loads(r.body)["total"] == 0, r.text[:200])
    r = stack.post("/ha-noi/api/v1/venues", json.dumps({"name": "", "category": "zoo"}), headers=auth)
    errors = json.loads(r.body).get("errors", {})
    check(r.status == 400 and {"name", "category", "address", "area_code", "contact_phone"} <= set(errors), r.text)
    r = stack.post("/ha-noi/api/v1/venues", "{not json", headers=auth)
    check(r.status == 400 and r.header("Content-Type") == "application/json", r.status)
    r = stack.get(f"/ha-noi/c/{created['short_code']}")
    check(r.status == 200 and "Bến xe Giáp Bát (API)" in r.text, "the API's venue has no working code")
    update = json.dumps({"name": "Bến xe Giáp Bát", "category": "transport", "address": "Giải Phóng",
                         "area_code": "00292", "contact_phone": "0987000111", "opening_hours": "05:00-22:00"})
    r = stack.post(f"/ha-noi/api/v1/venues/{created['id']}", update, headers=auth)
    check(r.status == 200 and json.loads(r.body)["opening_hours"] == "05:00-22:00", r.text)
    r = stack.post(f"/ha-noi/api/v1/venues/{created['id']}/status", json.dumps({"active": False}), headers=auth)
    check(r.status == 200 and json.loads(r.body)["active"] is False, r.text)
    check(stack.get(f"/ha-noi/c/{created['short_code']}").status == 410, "deactivated through the API")
    r = stack.post(f"/ha-noi/api/v1/venues/{created['id']}/status", json.dumps({"active": "yes"}), headers=auth)
    check(r.status == 400, r.status)


def test_a_restaurant_and_a_cafe_have_categories_of_their_own_counted_on_the_dashboard(stack):
    admin = logged_in(stack, "hn.admin")
    form = admin.get("/ha-noi/venues/new").text
    for name, label in (("restaurant", "Quán ăn, nhà hàng"), ("cafe", "Quán cà phê, giải khát"),
                        ("supermarket", "Siêu thị"), ("pharmacy", "Nhà thuốc"), ("religious", "Cơ sở tôn giáo"),
                        ("hotel", "Khách sạn"), ("workplace", "Nhà máy")):
        check(re.search(rf'<option value="{name}"[^>]*>{label}', form), f"no category {name} ({label})")
    fields = {"name": "Phở Thìn Bờ Hồ", "category": "restaurant", "address": "61 Đinh Tiên Hoàng",
              "contact_phone": "0912 345 111", "area_code": "00070"}
    r = admin.post_form("/ha-noi/venues", fields, csrf_page="/ha-noi/venues/new")
    check(r.status == 303, (r.status, r.text[:400]))
    venue_id = int(fixtures.sql(stack, "SELECT id FROM vaora_s1.venues WHERE name = 'Phở Thìn Bờ Hồ'"))
    check(re.search(r'<option value="restaurant" selected', venue_page(admin, venue_id).text), "not a restaurant")
    # The demo market keeps its category; the dashboard's table counts per category, new ones too.
    check(fixtures.sql(stack, "SELECT category FROM vaora_s1.venues WHERE name = 'Chợ Đồng Xuân (demo)'") == "market",
          "the demo market changed category")
    rows = table(admin.get("/ha-noi/dashboard").text, "categories")
    check(int(rows.get("Quán ăn, nhà hàng", ["0"])[0]) >= 1 and "Quán cà phê, giải khát" in rows
          and int(rows.get("Chợ", ["0"])[0]) >= 1, rows)


def test_deactivation_sits_apart_from_save_and_needs_its_confirmation_box(stack):
    admin = logged_in(stack, "hn.admin")
    venue_id = fixtures.add_venue(stack, "01", "Quầy xác nhận ngừng", "00070")
    page = venue_page(admin, venue_id).text
    danger = re.search(r'<section class="card danger-zone"[^>]*>(.*?)</section>', page, re.S)
    check(danger and f"/venues/{venue_id}/deactivate" in danger.group(1), "no danger zone holding the deactivate form")
    check(page.index(">Lưu</button>") < page.index("danger-zone") and "Lưu" not in danger.group(1), "not apart from Lưu")
    check(re.search(r'<input type="checkbox" name="confirm" value="yes" required', danger.group(1)), "no required box")
    code = fixtures.venue_code(admin, venue_id)
    for unticked in ({}, {"confirm": ""}, {"confirm": "1"}, {"confirm": "YES"}):
        r = admin.post_form(f"/ha-noi/venues/{venue_id}/deactivate", unticked, csrf_page="/ha-noi/desk")
        check(r.status == 400 and "hãy đánh dấu ô xác nhận" in r.text and 'aria-invalid="true"' in r.text,
              (unticked, r.status, r.text[:300]))
        check(stack.get(f"/ha-noi/c/{code}").status == 200, ("deactivated without the confirmation", unticked))
    r = admin.post_form(f"/ha-noi/venues/{venue_id}/deactivate", {"confirm": "yes"}, csrf_page="/ha-noi/desk")
    check(r.status == 303, r.status)
    check(stack.get(f"/ha-noi/c/{code}").status == 410, "not deactivated with the confirmation")


def test_a_refused_registration_says_so_and_keeps_what_was_typed_except_passwords(stack):
    b = Browser(stack)
    r = register(b, contact_phone="12345", login="refused.but.kept", name="Quán Giữ Chữ")
    check(r.status == 400, r.status)
    check('id="register-refused"' in r.text and "Chưa đăng ký được" in r.text and "trừ mật khẩu" in r.text,
          "the page does not say the form was refused and kept")
    for kept in ('value="Quán Giữ Chữ"', 'value="12345"', 'value="refused.but.kept"', 'value="Nguyễn Thị Ánh Tuyết"',
                 'value="06:00-18:00"', '<option value="00070" selected>'):
        check(kept in r.text, f"not kept: {kept}")
    check("mat-khau-rat-dai" not in r.text, "a password came back")
    r = b.post_form("/ha-noi/register?lang=en", {"name": "", "category": "market", "address": "x",
                                                 "area_code": "00070", "contact_phone": "0912345678"})
    check(r.status == 400 and "Not registered yet" in r.text and "except the passwords" in r.text, r.status)


def test_an_overlong_manager_login_and_name_are_named_and_come_back_as_typed(stack):
    long_login, long_name = "dai." + "a" * 300, "Tên " + "Dài " * 100
    r = register(Browser(stack), login=long_login, display_name=long_name)
    check(r.status == 400 and "Tên đăng nhập chỉ gồm" in r.text and "Nội dung quá dài." in r.text, r.status)
    check(f'value="{long_login}"' in r.text and f'value="{long_name}"' in r.text, "not shown back as typed")
    check("mat-khau-rat-dai" not in r.text, "a password came back")


def test_a_hanoi_landline_registers_and_is_stored_normalized(stack):
    r = register(Browser(stack), name="Quán Điện Thoại Bàn", login="quan.dien.thoai.ban",
                 contact_phone="024 3821 2709")
    check(r.status == 303, (r.status, r.text[:300]))
    stored = fixtures.sql(stack, "SELECT contact_phone FROM vaora_s1.venues WHERE name = 'Quán Điện Thoại Bàn'")
    check(stored == "02438212709", stored)


def test_after_registering_the_login_page_says_the_venue_is_registered(stack):
    b = Browser(stack)
    r = register(b, name="Quán Vừa Đăng Ký", login="quan.vua.dang.ky", contact_phone="+84 912.000.777")
    check(r.status == 303, (r.status, r.text[:300]))
    to = r.header("Location")
    page = b.get(to)
    check(page.status == 200 and 'id="registered"' in page.text
          and "Đã đăng ký địa điểm. Đăng nhập bằng tài khoản quản lý vừa tạo để in áp phích mã QR." in page.text,
          (to, page.text[:600]))
    english = b.get(to + "&lang=en")
    check("Venue registered. Log in with the manager account you just made to print its QR poster." in english.text,
          english.text[:600])
    # A plain login page says nothing of it.
    check('id="registered"' not in b.get("/ha-noi/login").text, "notice on a plain login page")
