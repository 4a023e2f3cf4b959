"""The pages of the foundation: tenants list, province home, /healthz, languages, headers."""
import json

from harness import check

SECURITY_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"]


def check_security_headers(r):
    for h in SECURITY_HEADERS:
        check(r.header(h), f"{h} missing")
    check("frame-ancestors 'none'" in r.header("Content-Security-Policy"), "CSP lacks frame-ancestors")
    check("unsafe-inline" not in r.header("Content-Security-Policy"), "CSP allows inline script")


def test_home_lists_the_34_provinces(stack):
    r = stack.get("/")
    check(r.status == 200, f"status {r.status}")
    check(r.text.count('<li><a href="/') == 34, "not 34 provinces listed")
    check('href="/ha-noi/">Thành phố Hà Nội<' in r.text, "Hà Nội missing")
    check('href="/ho-chi-minh/">Thành phố Hồ Chí Minh<' in r.text, "Hồ Chí Minh missing")
    check_security_headers(r)


def test_province_home_shows_demo_figures(stack):
    r = stack.get("/ha-noi/")
    check(r.status == 200, f"status {r.status}")
    check("<h1>Thành phố Hà Nội</h1>" in r.text, "province name missing")
    # The demo seed loaded 12 wards and one venue into Hà Nội.
    check("<dd>12</dd>" in r.text and "<dd>1</dd>" in r.text, "demo figures missing")
    check_security_headers(r)


def test_province_of_another_shard(stack):
    r = stack.get("/ho-chi-minh/")
    check(r.status == 200, f"status {r.status}")
    check("<dd>0</dd>" in r.text, "a province without data should show zero")


def test_province_without_slash_redirects(stack):
    r = stack.get("/ha-noi")
    check(r.status == 301, f"status {r.status}")
    check(r.header("Location") == "/ha-noi/", f"location {r.header('Location')}")


def test_unknown_province_is_404_in_vietnamese(stack):
    r = stack.get("/khong-co/")
    check(r.status == 404, f"status {r.status}")
    check("Không tìm thấy trang" in r.text, "not vaora's Vietnamese 404 page")
    check_security_headers(r)


def test_healthz_names_each_shard(stack):
    r = stack.get("/healthz")
    check(r.status == 200, f"status {r.status}")
    body = json.loads(r.body)
    check(body["status"] == "ok", body)
    check({s["name"]: s["status"] for s in body["shards"]} == {"s1": "up", "s2": "up"}, body)
    check(r.header("Content-Type") == "application/json", r.header("Content-Type"))


def test_language_from_query_cookie_and_header(stack):
    r = stack.get("/?lang=en")
    check("Choose a province" in r.text, "?lang=en not English")
    check(any(c.startswith("lang=en;") for c in r.headers_named("Set-Cookie")), "lang cookie not set")
    r = stack.get("/", headers={"Cookie": "lang=en"})
    check("Choose a province" in r.text and 'lang="en"' in r.text, "cookie lang=en not English")
    r = stack.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    check("Choose a province" in r.text, "Accept-Language en not English")
    r = stack.get("/", headers={"Accept-Language": "fr-FR, de"})
    check("Chọn tỉnh, thành phố" in r.text, "default is not Vietnamese")
    r = stack.get("/?lang=vi", headers={"Cookie": "lang=en"})
    check("Chọn tỉnh, thành phố" in r.text, "query does not beat cookie")


def test_error_page_in_english(stack):
    r = stack.get("/khong-co/?lang=en")
    check(r.status == 404 and "Page not found" in r.text, "404 not in English")


def test_head_has_no_body(stack):
    r = stack.request("HEAD", "/")
    check(r.status == 200 and r.body == b"", f"HEAD gave {r.status} with {len(r.body)} bytes")


def test_static_files_served_by_nginx_with_headers(stack):
    r = stack.get("/static/style.css")
    check(r.status == 200, f"status {r.status}")
    check(r.header("Content-Type").startswith("text/css"), r.header("Content-Type"))
    check_security_headers(r)
    # nginx served it: vaora's access log has no line for it.
    check("/static/style.css" not in stack.log(), "static file went to the workers")
