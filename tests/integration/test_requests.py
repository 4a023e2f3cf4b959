"""Request parsing and bad input: limits, encodings, methods, the access log."""
import json
import socket
import urllib.parse

from harness import DEMO_PASSWORD, Browser, check


def test_form_body_roundtrip_vietnamese(stack):
    r = stack.post("/_test/echo", "name=Nguy%E1%BB%85n+V%C4%83n+A&note=a%26b%3Dc")
    check(r.status == 200, f"status {r.status}")
    check(json.loads(r.body) == {"name": "Nguyễn Văn A", "note": "a&b=c"}, r.text)


def test_wrong_method_is_405_with_allow(stack):
    r = stack.post("/", "x=1")
    check(r.status == 405, f"status {r.status}")
    check(r.header("Allow") == "GET, HEAD", f"Allow {r.header('Allow')}")
    check("Phương thức không được hỗ trợ" in r.text, "not vaora's 405 page")
    r = stack.request("DELETE", "/healthz")
    check(r.status == 405, f"DELETE status {r.status}")


def test_body_over_route_limit_is_413(stack):
    r = stack.post("/_test/echo", "a=" + "x" * 20000)
    check(r.status == 413, f"status {r.status}")
    check("Dữ liệu quá lớn" in r.text, "not vaora's 413 page")


def test_body_over_nginx_limit_gets_our_413_page(stack):
    r = stack.post("/_test/echo", "a=" + "x" * (9 * 1024 * 1024))
    check(r.status == 413, f"status {r.status}")
    check("Dữ liệu quá lớn" in r.text, "nginx's own 413 page instead of vaora's")


def test_malformed_percent_encoding_is_400(stack):
    for path in ["/?q=%zz", "/?q=%4", "/?q=%"]:
        r = stack.get(path)
        check(r.status == 400, f"{path}: status {r.status}")
        check("mã hóa phần trăm" in r.text, f"{path}: message missing")
    # nginx refuses a malformed path itself, with vaora's static 400 page.
    r = stack.get("/ha-noi/%G0")
    check(r.status == 400 and "Yêu cầu không hợp lệ" in r.text, f"path: status {r.status}")
    r = stack.post("/_test/echo", "a=%")
    check(r.status == 400 and "mã hóa phần trăm" in r.text, f"body: status {r.status}")


def test_invalid_utf8_is_400_or_marked_for_the_form(stack):
    r = stack.get("/?q=%FF")
    check(r.status == 400 and "UTF-8" in r.text, f"query: status {r.status}")
    # A form page gets the value with U+FFFD in place of the bad bytes, so the form can be
    # shown again with a message beside that field; nothing invalid goes further.
    r = stack.post("/_test/echo", "name=%C3%28&ok=%C3%A1")
    check(r.status == 200 and json.loads(r.body) == {"name": "\ufffd(", "ok": "á"}, r.text)
    r = stack.post("/_test/echo", "n%FF=1")
    check(r.status == 400 and "UTF-8" in r.text, f"name: status {r.status}")


def test_nul_in_field_is_400(stack):
    r = stack.post("/_test/echo", "name=a%00b")
    check(r.status == 400 and "NUL" in r.text, f"status {r.status}")
    r = stack.get("/?q=a%00")
    check(r.status == 400, f"query: status {r.status}")


def test_too_many_fields_is_refused(stack):
    r = stack.post("/_test/echo", "&".join(f"f{i}=1" for i in range(200)))
    check(r.status in (400, 413), f"status {r.status}")
    check("quá nhiều trường" in r.text, "message missing")


def test_unknown_path_is_404(stack):
    r = stack.get("/ha-noi/khong-co-trang-nay")
    check(r.status == 404 and "Không tìm thấy trang" in r.text, f"status {r.status}")


def test_access_log_masks_tokens(stack):
    secret = "SECRETTOKEN7QX"
    stack.get(f"/ha-noi/c/{secret}?token={secret}&lang=vi")
    log = stack.log()
    check(secret not in log, "a token reached the log")
    check("GET /ha-noi/c/*?token=*&lang=vi 404" in log, "masked access line missing")


def test_garbage_request_line_gets_a_page(stack):
    with socket.create_connection(("127.0.0.1", stack.port), timeout=10) as s:
        s.sendall(b"\x01\x02 nonsense\r\n\r\n")
        data = s.recv(65536)
    check(data.startswith(b"HTTP/1.1 400"), data[:40])
    check("Yêu cầu không hợp lệ".encode() in data, "not vaora's static 400 page")


def location_leaves_site(location):
    """What a browser may read as another host: not one leading "/", or, with %XX decoded once,
    a byte <= 0x20, 0x7f, a backslash, or "//" at the start."""
    raw = urllib.parse.unquote_to_bytes(location)
    return (not location.startswith("/") or raw.startswith(b"//")
            or any(b <= 0x20 or b in (0x7F, 0x5C) for b in raw))


def test_redirects_refuse_control_bytes_backslashes_and_double_slashes(stack):
    # Each path would get a "/" added by the trailing-slash redirect if it were let through.
    for path in ["/%09%5Cevil.com", "/%5Cevil.com", "//evil.com", "/%2F%2Fevil.com", "/%0d%0aevil.com",
                 "/%20%2Fevil.com", "/%7F%2Fevil.com", "/%09%2Fevil.com", "/ha-noi%0d%0aSet-Cookie:%20x=1"]:
        r = stack.get(path)
        location = r.header("Location")
        check(location is None or not location_leaves_site(location), (path, r.status, location))
        check(not r.headers_named("Set-Cookie") or all(not c.startswith("x=") for c in r.headers_named("Set-Cookie")),
              (path, "a header was split"))
    # An ordinary added slash still works.
    r = stack.get("/ha-noi")
    check(r.status == 301 and r.header("Location") == "/ha-noi/", (r.status, r.header("Location")))


def test_login_next_cannot_leave_the_site(stack):
    bad = ["%2F%09%2Fevil.com", "%2F%5Cevil.com", "%2F%2Fevil.com", "%2F%0d%0a%2Fevil.com", "%2F%20%2Fevil.com",
           "%2F%2509%2Fevil.com", "%2F%7F%2Fevil.com", "https%3A%2F%2Fevil.com"]
    for query in bad:
        page = stack.get(f"/ha-noi/login?next={query}")
        check(page.status == 200 and 'name="next" value=""' in page.text,
              (query, "the login form carries an off-site next"))
    check('name="next" value="/ha-noi/desk"' in stack.get("/ha-noi/login?next=%2Fha-noi%2Fdesk").text,
          "a local next is no longer carried")
    # The login itself refuses it too, whatever the form was given.
    r = Browser(stack).post_form("/ha-noi/login", {"login": "hn.tracer", "password": DEMO_PASSWORD,
                                                   "next": "/\t/evil.com"}, csrf_page="/ha-noi/login")
    check(r.status == 303 and r.header("Location") == "/ha-noi/desk", ("followed next", r.header("Location")))
