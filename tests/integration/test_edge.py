"""What nginx and the edge of the application stop: per-address limits, the client address
behind a trusted proxy, cookies and HSTS behind TLS, codes kept out of the logs, the FastCGI
sockets' permissions."""
import concurrent.futures
import grp
import os
import re
import stat
import time
import urllib.parse

import fixtures
from harness import Browser, check, poll

OTP = re.compile(rb"one-time password: (\S+)")
# harness.py: Huế (46) is served as if behind a TLS front; its limit for logins is 600 a minute
# with a burst of 100.
TLS_SLUG, TLS_CODE = "hue", "46"
LOGIN_BURST = 100


def add_account(stack, province, login):
    r = stack.vaora("account", "add", "--province", province, "--role", "tracer", "--login", login)
    check(r.returncode == 0, (r.returncode, r.stderr))
    return OTP.search(r.stdout).group(1).decode()


def test_nginx_limits_a_login_burst(stack):
    # Login POSTs without a CSRF token are cheap for vaora (403 before any hash), so only
    # nginx's limit can turn them into 429s; from one address past the burst, some must be.
    address = "198.51.100.77"
    vaora_log_before = len(stack.log())

    def post(_):
        return stack.post("/ha-noi/login", "login=x&password=y", headers={"X-Forwarded-For": address}).status

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        statuses = list(pool.map(post, range(LOGIN_BURST + 60)))
    refused = statuses.count(429)
    print(f"    {len(statuses)} login POSTs at once from one address: {refused} got 429, "
          f"{statuses.count(403)} reached vaora (403)")
    check(refused >= 20, ("no 429 from nginx", sorted(set(statuses))))
    check(set(statuses) <= {403, 429}, sorted(set(statuses)))
    check(" POST /ha-noi/login 429 " not in stack.log()[vaora_log_before:], "vaora answered the 429s, not nginx")
    # Another address, and reading the page, are not held back.
    check(stack.post("/ha-noi/login", "login=x&password=y",
                     headers={"X-Forwarded-For": "198.51.100.78"}).status == 403, "another address was limited")
    check(stack.get("/ha-noi/login", headers={"X-Forwarded-For": address}).status == 200, "a GET was limited")
    # nginx's error_page turns the refused POST into an internal GET of its page, and logs it so.
    check(re.search(r" (POST|GET) /ha-noi/login 429 ", stack.log("nginx-access.log")),
          "the 429s are not in nginx's access log")


def test_real_client_address_from_trusted_proxy(stack):
    login = "edge.proxied"
    password = add_account(stack, "01", login)
    b = Browser(stack)
    csrf = b.csrf_from("/ha-noi/login")
    r = b.request("POST", "/ha-noi/login", body=urllib.parse.urlencode({"csrf": csrf, "login": login,
                                                                        "password": password}),
                  headers={"X-Forwarded-For": "203.0.113.45"})
    check(r.status == 303, r.status)
    address = fixtures.sql(stack, "SELECT address FROM vaora_s1.audit_log WHERE province = '01' AND action = 'login'"
                                  f" AND actor_login = '{login}' ORDER BY id DESC LIMIT 1")
    check(address == "203.0.113.45", ("the audit saw the proxy, not the resident", address))


def test_https_base_url_sets_secure_host_cookies_and_hsts(stack):
    login = "edge.tls"
    password = add_account(stack, TLS_CODE, login)
    page = stack.get(f"/{TLS_SLUG}/login")
    check(page.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains",
          ("no HSTS", page.header("Strict-Transport-Security")))
    cookies = page.headers_named("Set-Cookie")
    check(cookies and all(c.startswith("__Host-") and "; Secure" in c and "Path=/" in c and "Domain" not in c
                          for c in cookies), cookies)
    b = Browser(stack)
    r = b.post_form(f"/{TLS_SLUG}/login", {"login": login, "password": password}, csrf_page=f"/{TLS_SLUG}/login")
    check(r.status == 303, (r.status, r.text[:300]))
    session = [c for c in r.headers_named("Set-Cookie") if c.startswith("__Host-vaora_session=")]
    check(session and "; Secure" in session[0] and "; HttpOnly" in session[0], r.headers_named("Set-Cookie"))
    token = session[0].split(";")[0].split("=", 1)[1]
    # Read back under that name only: the same token without the prefix is nobody.
    good = stack.get(f"/{TLS_SLUG}/desk", headers={"Cookie": f"__Host-vaora_session={token}"})
    check(good.status == 303 and good.header("Location") == f"/{TLS_SLUG}/password", (good.status, good.header("Location")))
    bare = stack.get(f"/{TLS_SLUG}/desk", headers={"Cookie": f"vaora_session={token}"})
    check(bare.status == 303 and "/login" in bare.header("Location"), (bare.status, bare.header("Location")))
    # A plain-HTTP province keeps plain names and sends no HSTS.
    plain = stack.get("/ha-noi/login")
    check(plain.header("Strict-Transport-Security") is None, "HSTS on a plain-HTTP province")
    check(all(not c.startswith("__Host-") for c in plain.headers_named("Set-Cookie")), plain.headers_named("Set-Cookie"))


def test_codes_are_masked_in_logs_in_every_case(stack):
    secret = "SECRETCODE7QXZ2"
    paths = [f"/ha-noi/{m}/{secret}" for m in "cCrRhH"] + [f"/HA-NOI/{m}/{secret}" for m in "cRh"]
    paths += [f"/ha-noi/%63/{secret}", f"/ha-noi/%48/{secret}", f"/ha-noi/c/{secret}%FF"]
    for path in paths:
        stack.get(path)
    stack.post(f"/ha-noi/h/{secret}", "confirm=1")
    # Access lines are written after the answer: wait for the last one.
    poll(lambda: "POST /ha-noi/h/* " in stack.log(), 5)
    for name in ("vaora.log", "nginx-access.log", "nginx-error.log"):
        check(secret not in stack.log(name), (name, "holds a code"))
    log = stack.log()
    for marker in "cCrRhH":
        check(f"GET /ha-noi/{marker}/* " in log, (marker, "no masked line"))
    check("GET /ha-noi/*/* 400" in log, "the undecodable path's line")
    check("POST /ha-noi/h/* " in stack.log("nginx-access.log"), "nginx's access line is not masked")


def test_sockets_are_not_world_writable(stack):
    sockdir = open(os.path.join(stack.var, "sockdir")).read().strip()
    group = grp.getgrgid(os.getgid()).gr_name
    for name in ("fast.sock", "slow.sock"):
        st = os.stat(os.path.join(sockdir, name))
        check(stat.S_ISSOCK(st.st_mode), name)
        check(stat.S_IMODE(st.st_mode) == 0o660, (name, oct(stat.S_IMODE(st.st_mode))))
        check(grp.getgrgid(st.st_gid).gr_name == group, (name, "group", st.st_gid))
    check(stack.get("/healthz").status == 200, "nginx cannot reach the workers")


def test_export_file_name_uses_only_validated_values(stack):
    # The database compares codes ignoring trailing spaces, so "00070 " finds Hoàn Kiếm; only a
    # well-formed code may name a file.
    from harness import logged_in
    admin = logged_in(stack, "hn.admin")
    safe_name = re.compile(r'^attachment; filename="[A-Za-z0-9._-]+"$')
    for path in ["/ha-noi/dashboard/export.csv?area=00070%20%20", "/ha-noi/signals/export.csv?area=00070%20",
                 "/ha-noi/posters?area=00070%20&layout=a6", "/ha-noi/dashboard/export.csv?area=00070%09"]:
        r = admin.get(path)
        disposition = r.header("Content-Disposition")
        check(r.status >= 400 or (disposition and safe_name.match(disposition)), (path, r.status, disposition))
    r = admin.get("/ha-noi/dashboard/export.csv?area=00070")
    check(r.status == 200 and safe_name.match(r.header("Content-Disposition")), (r.status, r.header("Content-Disposition")))
