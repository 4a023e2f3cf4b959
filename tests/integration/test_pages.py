"""The pages of the foundation: tenants list, province home, /healthz, languages, headers."""
import hashlib
import json
import os
import re

import fixtures
from harness import ROOT, check, logged_in

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


STATIC_DIR = os.path.join(ROOT, "templates", "static")
LINKED_STATIC = re.compile(r'/static/([a-z]+\.(?:css|js))\?v=([0-9a-f]+)"')


def checkin_path(stack, name):
    """The check-in page of a new venue of Hà Nội, as its poster's QR opens it."""
    venue = fixtures.add_venue(stack, "01", name, "00070")
    return f"/ha-noi/c/{fixtures.venue_code(logged_in(stack, 'hn.admin'), venue)}"


YEAR_SECONDS = 365 * 24 * 3600


def test_static_files_are_linked_by_content_hash_and_cached_for_a_year(stack):
    """Pages link each static file as /static/NAME?v=HASH (the first hex digits of the SHA-256 of
    the file as it is): a new version is a new URL, so nginx lets browsers keep it for a year
    without asking again. The plain URL keeps working, with the short lifetime."""
    page = stack.get("/ha-noi/").text
    links = dict(LINKED_STATIC.findall(page))
    check("style.css" in links, f"no versioned style.css in {page[:600]}")
    links.update(LINKED_STATIC.findall(stack.get(checkin_path(stack, "Nhà hát Lớn")).text))
    check({"style.css", "vaora.js", "checkin.js"} <= set(links), links)
    for name, version in links.items():
        with open(os.path.join(STATIC_DIR, name), "rb") as f:
            check(hashlib.sha256(f.read()).hexdigest().startswith(version) and len(version) >= 10,
                  f"{name}?v={version} is not its content's hash")
        r = stack.get(f"/static/{name}?v={version}")
        cache = r.header("Cache-Control") or ""
        check(r.status == 200 and f"max-age={YEAR_SECONDS}" in cache and "immutable" in cache, (name, r.status, cache))
        check_security_headers(r)
        old = stack.get(f"/static/{name}")
        cache = old.header("Cache-Control") or ""
        check(old.status == 200 and old.body == r.body and "max-age=3600" in cache and "immutable" not in cache,
              (name, old.status, cache))


def test_public_pages_have_a_meta_description(stack):
    for path in ("/", "/ha-noi/", "/ha-noi/c", checkin_path(stack, "Thư viện Hà Nội"), "/ha-noi/register"):
        for lang, words in (("vi", "khai báo"), ("en", "check-in")):
            text = stack.get(f"{path}?lang={lang}").text
            found = re.search(r'<meta name="description" content="([^"]{40,200})">', text)
            check(found and words in found.group(1).lower(), (path, lang, found and found.group(1)))
