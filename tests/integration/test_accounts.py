"""Logins, sessions, CSRF, account management, API tokens, the audit log and the keys."""
import os
import re
import stat
import subprocess
import time
import unicodedata
import urllib.parse

import json

import fixtures
from harness import Browser, check, logged_in, DEMO_PASSWORD

OTP_ON_PAGE = re.compile(r'id="one-time-password">([^<]+)<')
TOKEN_ON_PAGE = re.compile(r'id="new-token">([^<]+)<')


def create_account(admin, fields):
    r = admin.post_form("/ha-noi/accounts", fields, csrf_page="/ha-noi/accounts/new")
    return r, (OTP_ON_PAGE.search(r.text).group(1) if r.status == 201 else None)


def test_login_sets_a_hardened_session_cookie(stack):
    b = Browser(stack)
    r = b.login("hn.tracer")
    check(r.status == 303 and r.header("Location") == "/ha-noi/desk", (r.status, r.header("Location")))
    cookie = [c for c in r.headers_named("Set-Cookie") if c.startswith("vaora_session=")][0]
    check("HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie, cookie)
    check("Secure" not in cookie, "Secure set on plain HTTP, the cookie would never come back")
    token = cookie.split("=", 1)[1].split(";")[0]
    # Only a hash of the token is stored.
    stored = fixtures.sql(stack, "SELECT LOWER(HEX(token_hash)) FROM vaora_s1.sessions")
    check(token not in stored and token.split(".", 1)[1] not in stored, "a session token stored in clear")
    r = b.get("/ha-noi/desk")
    check(r.status == 200 and "Cán bộ truy vết" in r.text, r.status)


def test_wrong_password_reads_like_unknown_login(stack):
    a = Browser(stack).login("hn.volunteer", "wrong-password-1")
    u = Browser(stack).login("no.such.login", "wrong-password-1")
    check(a.status == u.status == 200, (a.status, u.status))
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    check(message in a.text and message in u.text, "different messages")
    check('value="hn.volunteer"' in a.text, "the login was not kept")
    check("wrong-password-1" not in a.text, "the password came back in the page")


def test_overlong_fields_come_back_with_a_message(stack):
    long_login = "a" * 300
    r = Browser(stack).login(long_login, "x" * 200)
    check(r.status == 200 and "Nội dung quá dài." in r.text, r.status)
    check(f'value="{long_login}"' in r.text and "x" * 200 not in r.text, "values not kept, or password echoed")


def test_an_overlong_password_gets_its_own_message_and_the_login_kept(stack):
    r = Browser(stack).login("hn.volunteer", "x" * 200)
    check(r.status == 200 and "Mật khẩu quá dài (tối đa 128 byte)." in r.text, r.status)
    check('value="hn.volunteer"' in r.text and "x" * 200 not in r.text, "login not kept, or password echoed")


def test_missing_or_forged_csrf_is_403(stack):
    b = Browser(stack)
    b.get("/ha-noi/login")
    r = b.request("POST", "/ha-noi/login", body="login=hn.admin&password=" + DEMO_PASSWORD)
    check(r.status == 403 and "Biểu mẫu đã hết hạn" in r.text, f"missing token: {r.status}")
    r = b.post_form("/ha-noi/login", {"login": "hn.admin", "password": DEMO_PASSWORD, "csrf": "A" * 43})
    check(r.status == 403, f"forged token: {r.status}")
    admin = logged_in(stack, "hn.admin")
    # A token of another visitor's anonymous cookie is no good for a session.
    other = Browser(stack).csrf_from("/ha-noi/login")
    r = admin.post_form("/ha-noi/accounts", {"login": "x.csrf", "display_name": "X", "role": "tracer",
                                              "csrf": other})
    check(r.status == 403, f"foreign token: {r.status}")


def test_expired_session_returns_to_the_page_after_login(stack):
    b = logged_in(stack, "hn.admin")
    check(b.get("/ha-noi/accounts").status == 200, "not logged in")
    with open(stack.clock_file, "w") as f:
        f.write(str(time.time() + 31 * 60))
    try:
        r = b.get("/ha-noi/accounts?x=1")
        check(r.status == 303, r.status)
        location = r.header("Location")
        check(location == "/ha-noi/login?next=" + urllib.parse.quote("/ha-noi/accounts?x=1", safe=""), location)
        page = b.get(location)
        check('name="next" value="/ha-noi/accounts?x=1"' in page.text, "next not carried in the form")
        r = b.post_form("/ha-noi/login", {"login": "hn.admin", "password": DEMO_PASSWORD,
                                          "next": "/ha-noi/accounts?x=1"}, csrf_page=location)
        check(r.status == 303 and r.header("Location") == "/ha-noi/accounts?x=1", r.header("Location"))
    finally:
        os.remove(stack.clock_file)
    r = Browser(stack).post_form("/ha-noi/login", {"login": "hn.admin", "password": DEMO_PASSWORD,
                                                   "next": "//evil.example/x"}, csrf_page="/ha-noi/login")
    check(r.header("Location") in ("/ha-noi/desk",), f"followed an off-site next: {r.header('Location')}")


def test_absolute_expiry_ends_a_busy_session(stack):
    b = logged_in(stack, "hn.tracer")
    start = time.time()
    try:
        # Used every 20 minutes, it stays alive, until 12 hours after the login.
        for minutes in range(20, 12 * 60, 20):
            with open(stack.clock_file, "w") as f:
                f.write(str(start + minutes * 60))
            check(b.get("/ha-noi/desk").status == 200, f"session died after {minutes} minutes of use")
        with open(stack.clock_file, "w") as f:
            f.write(str(start + 12 * 3600 + 60))
        check(b.get("/ha-noi/desk").status == 303, "session outlived its absolute expiry")
    finally:
        os.remove(stack.clock_file)


def test_admin_creates_an_account_that_must_change_its_password(stack):
    admin = logged_in(stack, "hn.admin")
    # Typed with combining marks (NFD), as some phones send Vietnamese: stored and shown as NFC.
    nfd_name = unicodedata.normalize("NFD", "  Lê   Văn Tình ")
    r, otp = create_account(admin, {"login": "Flow.Volunteer", "display_name": nfd_name,
                                    "role": "volunteer", "areas": ""})
    check(r.status == 201 and otp and len(otp) == 16, r.status)
    check("flow.volunteer" in r.text and unicodedata.normalize("NFC", "Lê Văn Tình") in r.text,
          "login not normalized or name not cleaned")
    new = Browser(stack)
    r = new.login("flow.volunteer", otp)
    check(r.header("Location") == "/ha-noi/password", r.header("Location"))
    check(new.get("/ha-noi/desk").header("Location") == "/ha-noi/password", "desk reachable before the change")
    r = new.post_form("/ha-noi/password", {"current": otp, "password": "short", "repeat": "short"})
    check(r.status == 400 and "ít nhất 10 ký tự" in r.text, r.status)
    r = new.post_form("/ha-noi/password", {"current": otp, "password": "new-password-123", "repeat": "new-password-123"})
    check(r.status == 200 and "Đã đổi mật khẩu" in r.text, r.status)
    check(new.get("/ha-noi/desk").status == 200, "desk not reachable after the change")
    r, _ = create_account(admin, {"login": "flow.volunteer", "display_name": "Dup", "role": "volunteer"})
    check(r.status == 400 and "đã có người dùng" in r.text and 'value="flow.volunteer"' in r.text, r.status)
    r, _ = create_account(admin, {"login": "x", "display_name": "", "role": "operator"})
    check(r.status == 400 and r.text.count('class="error"') == 3, "three field errors expected")


def test_a_refused_new_account_comes_back_as_typed_even_where_the_reading_refused_it(stack):
    admin = logged_in(stack, "hn.admin")
    typed = {"login": "dai." + "a" * 100, "display_name": "Tên " * 300, "role": "volunteer",
             "areas": "00070, " * 700}
    r, _ = create_account(admin, typed)
    check(r.status == 400 and r.text.count('class="error"') == 3, (r.status, r.text.count('class="error"')))
    for name in ("login", "display_name", "areas"):
        check(f'name="{name}" value="{typed[name]}"' in r.text, f"{name} not as typed")
    check('<option value="volunteer" selected>' in r.text, "the role chosen is lost")
    check(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.accounts WHERE login LIKE 'dai.%'") == "0",
          "a refused account was made")


def test_officer_manages_only_venue_managers_of_own_areas(stack):
    officer = logged_in(stack, "hn.officer")
    page = officer.get("/ha-noi/accounts/new").text
    check('value="venue-manager"' in page and 'value="tracer"' not in page, "officer offered roles beyond managers")
    r, _ = create_account(officer, {"login": "flow.mgr.far", "display_name": "Far", "role": "venue-manager",
                                    "areas": "00256"})
    check(r.status == 400 and "ngoài phạm vi" in r.text, f"area outside own: {r.status}")
    r, _ = create_account(officer, {"login": "flow.tracer", "display_name": "T", "role": "tracer", "areas": "00070"})
    check(r.status == 400, f"officer created a tracer: {r.status}")
    r, otp = create_account(officer, {"login": "flow.mgr", "display_name": "Near", "role": "venue-manager",
                                      "areas": "00070"})
    check(r.status == 201, r.status)
    listing = officer.get("/ha-noi/accounts").text
    check("flow.mgr" in listing and "hn.admin" not in listing and "hn.tracer" not in listing,
          "officer's list is not limited to their managers")
    manager_id = int(fixtures.sql(stack, "SELECT id FROM vaora_s1.accounts WHERE login = 'flow.mgr'"))
    r = officer.post_form(f"/ha-noi/accounts/{manager_id}/reset-password", {}, csrf_page="/ha-noi/desk")
    new_otp = OTP_ON_PAGE.search(r.text).group(1)
    check(r.status == 200 and new_otp != otp, r.status)
    check(Browser(stack).login("flow.mgr", otp).status == 200, "the old one-time password still works")
    check(Browser(stack).login("flow.mgr", new_otp).status == 303, "the new one-time password does not work")


def test_disable_ends_sessions_and_enable_restores(stack):
    admin = logged_in(stack, "hn.admin")
    account_id, otp = fixtures.add_account(stack, "01", "tracer", "flow.disable")
    user = fixtures.login_with_new_password(stack, "ha-noi", "flow.disable", otp)
    check(user.get("/ha-noi/desk").status == 200, "not logged in")
    r = admin.post_form(f"/ha-noi/accounts/{account_id}/disable", {}, csrf_page="/ha-noi/desk")
    check(r.status == 303, r.status)
    check(user.get("/ha-noi/desk").status == 303, "a disabled account kept its session")
    check(Browser(stack).login("flow.disable").status == 200, "a disabled account logged in")
    admin_id = int(fixtures.sql(stack, "SELECT id FROM vaora_s1.accounts WHERE login = 'hn.admin'"))
    r = admin.post_form(f"/ha-noi/accounts/{admin_id}/disable", {}, csrf_page="/ha-noi/desk")
    check(r.status == 403, f"an admin disabled their own account: {r.status}")
    admin.post_form(f"/ha-noi/accounts/{account_id}/enable", {}, csrf_page="/ha-noi/desk")
    check(Browser(stack).login("flow.disable").status == 303, "re-enabled account cannot log in")


def test_logout_everywhere_ends_other_sessions(stack):
    one, two = logged_in(stack, "hn.manager"), logged_in(stack, "hn.manager")
    r = one.post_form("/ha-noi/logout-everywhere", {}, csrf_page="/ha-noi/desk")
    check(r.status == 303, r.status)
    check(two.get("/ha-noi/desk").status == 303, "the other session survived")
    three = logged_in(stack, "hn.manager")
    r = three.post_form("/ha-noi/logout", {}, csrf_page="/ha-noi/desk")
    check(three.get("/ha-noi/desk").status == 303, "logout kept the session")


def test_operator_creates_province_admins_only(stack):
    op = logged_in(stack, "operator", province=None)
    check(op.get("/admin").status == 200, "operator overview")
    page = op.get("/ha-noi/accounts/new").text
    check('value="province-admin"' in page and 'value="tracer"' not in page, "operator offered other roles")
    r = op.post_form("/ha-noi/accounts", {"login": "flow.op.admin", "display_name": "Admin 2",
                                          "role": "province-admin"}, csrf_page="/admin")
    check(r.status == 201, r.status)
    listing = op.get("/ha-noi/accounts").text
    check("flow.op.admin" in listing and "hn.officer" not in listing, "operator sees more than province admins")


def test_api_tokens_authenticate_and_revoke(stack):
    admin = logged_in(stack, "hn.admin")
    r = admin.post_form("/ha-noi/api-tokens", {"label": "Cổng số tỉnh", "role": "tracer"})
    check(r.status == 201, r.status)
    token = TOKEN_ON_PAGE.search(r.text).group(1)
    bearer = {"Authorization": f"Bearer {token}"}
    r = stack.get("/ha-noi/api/v1/me", headers=bearer)
    check(r.status == 200 and b'"role":"tracer"' in r.body and b'"token":true' in r.body, r.body)
    check(stack.get("/ho-chi-minh/api/v1/me", headers=bearer).status == 404, "token crossed provinces")
    r = stack.get("/ha-noi/api/v1/me")
    check(r.status == 401 and r.header("Content-Type") == "application/json", r.status)
    stored = fixtures.sql(stack, "SELECT LOWER(HEX(token_hash)) FROM vaora_s1.api_tokens")
    check(token.split("_")[-1] not in stored, "token stored in clear")
    token_id = int(fixtures.sql(stack, "SELECT MAX(id) FROM vaora_s1.api_tokens WHERE label = 'Cổng số tỉnh'"))
    r = admin.post_form(f"/ha-noi/api-tokens/{token_id}/revoke", {}, csrf_page="/ha-noi/api-tokens")
    check(r.status == 303, r.status)
    check(stack.get("/ha-noi/api/v1/me", headers=bearer).status == 401, "revoked token still works")


def new_token(admin, label, role="province-admin", **fields):
    """A token made by admin (a Browser) on the tokens page: its Authorization header and id."""
    r = admin.post_form("/ha-noi/api-tokens", dict(label=label, role=role, **fields))
    check(r.status == 201, (r.status, r.text[:300]))
    token_id = int(fixtures.sql(admin.stack, "SELECT MAX(id) FROM vaora_s1.api_tokens WHERE province = '01'"))
    return {"Authorization": "Bearer " + TOKEN_ON_PAGE.search(r.text).group(1)}, token_id


def check_refused_token(r, reason):
    check(r.status == 401, (reason, r.status))
    check(r.header("WWW-Authenticate") == 'Bearer error="invalid_token"', r.header("WWW-Authenticate"))
    body = json.loads(r.body)
    check(body["error"] == 401 and body["reason"] == reason and body["message"], body)


def test_bearer_token_does_not_work_on_pages(stack):
    """Outside /api/ the Authorization header is ignored: the caller is anonymous there."""
    admin = logged_in(stack, "hn.admin")
    bearer, _ = new_token(admin, "Pages probe")
    check(stack.get("/ha-noi/api/v1/me", headers=bearer).status == 200, "the token does not work on the API")
    for path in ("/ha-noi/desk", "/ha-noi/accounts", "/ha-noi/api-tokens", "/ha-noi/audit", "/ha-noi/venues"):
        r = stack.get(path, headers=bearer)
        check(r.status == 303 and r.header("Location").startswith("/ha-noi/login"), (path, r.status))
    r = stack.get("/ha-noi/tracing", headers=bearer)
    check(r.status == 303 and "Bearer" not in r.text, r.status)


def test_token_cannot_create_accounts_or_reset_passwords_or_mint_tokens(stack):
    admin = logged_in(stack, "hn.admin")
    bearer, _ = new_token(admin, "Credential probe")
    form = dict(bearer, **{"Content-Type": "application/x-www-form-urlencoded"})
    accounts = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.accounts")
    tokens = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.api_tokens")
    target = int(fixtures.sql(stack, "SELECT id FROM vaora_s1.accounts WHERE province = '01' AND login = 'hn.tracer'"))
    hash_before = fixtures.sql(stack, f"SELECT password_hash FROM vaora_s1.accounts WHERE id = {target}")
    attempts = [("/ha-noi/accounts", "login=token.made&display_name=T&role=province-admin"),
                (f"/ha-noi/accounts/{target}/reset-password", ""),
                ("/ha-noi/api-tokens", "label=minted&role=province-admin"),
                ("/ha-noi/password", "current=x&password=token-set-password&repeat=token-set-password")]
    for path, body in attempts:
        r = stack.post(path, body, headers=form)
        check(r.status in (303, 401, 403, 404) and "one-time-password" not in r.text and "new-token" not in r.text,
              (path, r.status))
    check(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.accounts") == accounts, "a token created an account")
    check(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.api_tokens") == tokens, "a token minted a token")
    check(fixtures.sql(stack, f"SELECT password_hash FROM vaora_s1.accounts WHERE id = {target}") == hash_before,
          "a token reset a password")
    # The route table says it: only /api/ routes take a token, and no route that makes credentials.
    table = [line.split() for line in stack.vaora("routes").stdout.decode().splitlines()]
    takes = {(row[0], row[1]) for row in table if "token=yes" in row}
    check(takes and all("/api/" in pattern for _, pattern in takes), takes)
    for method, pattern in (("POST", "/{province}/accounts"), ("POST", "/{province}/accounts/{id}/reset-password"),
                            ("POST", "/{province}/api-tokens"), ("POST", "/{province}/password"),
                            ("POST", "/{province}/login")):
        check((method, pattern) not in takes, (method, pattern))


def test_expired_token_is_401_with_reason(stack):
    admin = logged_in(stack, "hn.admin")
    page = admin.get("/ha-noi/api-tokens").text
    check('name="days"' in page and 'value="90"' in page and 'max="365"' in page, "no expiry on the tokens page")
    for days in ("0", "366", "abc"):
        r = admin.post_form("/ha-noi/api-tokens", {"label": "Too long", "role": "tracer", "days": days})
        check(r.status == 400 and "365" in r.text, (days, r.status))
    bearer, token_id = new_token(admin, "One day", "tracer", days="1")
    default, default_id = new_token(admin, "Default life", "tracer")
    life = fixtures.sql(stack, "SELECT id, DATEDIFF(expires_at, created_at) FROM vaora_s1.api_tokens"
                               f" WHERE id IN ({token_id}, {default_id}) ORDER BY id")
    check(life.split() == [str(token_id), "1", str(default_id), "90"], life)
    check(stack.get("/ha-noi/api/v1/me", headers=bearer).status == 200, "a fresh token refused")
    start = time.time()
    try:
        with open(stack.clock_file, "w") as f:
            f.write(str(start + 23 * 3600))
        check(stack.get("/ha-noi/api/v1/me", headers=bearer).status == 200, "expired before its day was over")
        with open(stack.clock_file, "w") as f:
            f.write(str(start + 24 * 3600 + 60))
        check_refused_token(stack.get("/ha-noi/api/v1/me", headers=bearer), "expired")
        check_refused_token(stack.get("/ha-noi/api/v1/areas", headers=bearer), "expired")
        check(stack.get("/ha-noi/api/v1/me", headers=default).status == 200, "the 90-day token expired with it")
    finally:
        os.remove(stack.clock_file)


def test_a_new_tokens_form_names_every_wrong_field_at_once_and_makes_nothing(stack):
    admin = logged_in(stack, "hn.admin")
    before = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.api_tokens")
    for days in ("abc", "0", "366", "1e3"):
        r = admin.post_form("/ha-noi/api-tokens", {"label": "", "role": "no-such-role", "days": days})
        check(r.status == 400, (days, r.status))
        for message in ("Hãy chọn số ngày từ 1 đến 365.", "Bạn không thể tạo tài khoản với vai trò này.",
                        "Vui lòng điền trường này."):
            check(message in r.text, (days, message))
    check(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.api_tokens") == before, "a token was made")


def test_revoked_token_is_401_with_reason(stack):
    admin = logged_in(stack, "hn.admin")
    bearer, token_id = new_token(admin, "To revoke", "tracer")
    check(stack.get("/ha-noi/api/v1/me", headers=bearer).status == 200, "a fresh token refused")
    r = admin.post_form(f"/ha-noi/api-tokens/{token_id}/revoke", {}, csrf_page="/ha-noi/api-tokens")
    check(r.status == 303, r.status)
    check_refused_token(stack.get("/ha-noi/api/v1/me", headers=bearer), "revoked")
    made_up = {"Authorization": "Bearer vaora_01_" + "A" * 43}
    check_refused_token(stack.get("/ha-noi/api/v1/me", headers=made_up), "invalid")


def test_token_dies_with_its_owner_account(stack):
    owner_id, otp = fixtures.add_account(stack, "01", "province-admin", "token.owner.admin")
    owner = fixtures.login_with_new_password(stack, "ha-noi", "token.owner.admin", otp)
    bearer, _ = new_token(owner, "Owner's token", "tracer")
    check(stack.get("/ha-noi/api/v1/me", headers=bearer).status == 200, "a fresh token refused")
    admin = logged_in(stack, "hn.admin")
    r = admin.post_form(f"/ha-noi/accounts/{owner_id}/disable", {}, csrf_page="/ha-noi/desk")
    check(r.status == 303, r.status)
    check_refused_token(stack.get("/ha-noi/api/v1/me", headers=bearer), "owner-disabled")


def test_read_only_token_cannot_post(stack):
    admin = logged_in(stack, "hn.admin")
    bearer, _ = new_token(admin, "Reader", read_only="1")
    check("chỉ đọc" in admin.get("/ha-noi/api-tokens").text, "the list does not say read-only")
    check(stack.get("/ha-noi/api/v1/venues", headers=bearer).status == 200, "a read-only token cannot read")
    venues = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.venues")
    body = json.dumps({"name": "Read-only probe", "category": "shop", "address": "x", "area_code": "00070",
                       "contact_phone": "0987000222"})
    r = stack.post("/ha-noi/api/v1/venues", body, headers=dict(bearer, **{"Content-Type": "application/json"}))
    check(r.status == 403 and json.loads(r.body)["error"] == 403, (r.status, r.body[:200]))
    check(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.venues") == venues, "a read-only token wrote")
    writer, _ = new_token(admin, "Writer")
    r = stack.post("/ha-noi/api/v1/venues", body, headers=dict(writer, **{"Content-Type": "application/json"}))
    check(r.status == 201, (r.status, r.body[:200]))


def test_audit_log_records_and_refuses_changes(stack):
    admin = logged_in(stack, "hn.admin")
    r = admin.get("/ha-noi/audit")
    check(r.status == 200 and "account-create" in r.text and "login" in r.text, r.status)
    r = admin.get("/ha-noi/audit?action=login-failed")
    rows = [x for x in r.text.split("<tr>")[2:]]
    check(rows and all("login-failed" in x for x in rows), "filter by action not applied")
    check("wrong-password-1" not in r.text, "a password reached the audit log")
    sql = ["mariadb", f"--defaults-file={stack.var}/my.cnf", "-u", "root", "-e"]
    for statement in ("UPDATE vaora_s1.audit_log SET detail = 'x'", "DELETE FROM vaora_s1.audit_log"):
        r = subprocess.run(sql + [statement], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        check(r.returncode != 0 and b"append-only" in r.stderr, f"{statement} was allowed")


def test_audit_filters_that_match_nothing_list_nothing_and_come_back_as_typed(stack):
    admin = logged_in(stack, "hn.admin")
    for query, typed in (("action=" + "x" * 300, None), ("actor=" + "a" * 300, "a" * 300),
                         ("action=no-such-action", None)):
        r = admin.get("/ha-noi/audit?" + query)
        check(r.status == 200, (query[:20], r.status))
        check(len(r.text.split("<tr>")) == 2, f"{query[:20]}: entries listed")
        check(typed is None or f'value="{typed}"' in r.text, f"{query[:20]}: not shown back")
    # A date or page mark that is none is no bound: every entry, the date shown back as typed.
    r = admin.get("/ha-noi/audit?from=not-a-date&to=2026-13-99&before=x")
    check(r.status == 200 and "account-create" in r.text, r.status)
    check('value="not-a-date"' in r.text and 'value="2026-13-99"' in r.text, "dates not shown back")


def test_keys_rotate_and_old_data_stays_readable(stack):
    secret = os.path.join(stack.var, "secret")
    check(stat.S_IMODE(os.stat(secret).st_mode) == 0o600, oct(os.stat(secret).st_mode))
    r = stack.vaora("people", "add", "--province", "01", "--name", "Trần Văn Xoay", "--phone", "0911222333")
    check(r.returncode == 0, r.stderr)
    for purpose in ("personal-data", "lookup"):
        r = stack.vaora("secret", "rotate", "--purpose", purpose)
        check(r.returncode == 0 and b"version 2" in r.stdout, r.stdout + r.stderr)
    r = stack.vaora("people", "show", "--province", "01", "--phone", "+84 911 222 333")
    check(r.returncode == 0 and "Trần Văn Xoay".encode() in r.stdout, r.stdout + r.stderr)
    r = stack.vaora("people", "add", "--province", "01", "--name", "Người Mới", "--phone", "0911222444")
    versions = fixtures.sql(stack, "SELECT key_version, index_version FROM vaora_s1.people ORDER BY id DESC LIMIT 1")
    check(versions.split() == ["2", "2"], versions)
    r = stack.vaora("secret", "rotate", "--purpose", "nonsense")
    check(r.returncode == 2, r.returncode)
    os.chmod(secret, 0o644)
    try:
        r = stack.vaora("people", "show", "--province", "01", "--phone", "0911222444")
        check(r.returncode == 1 and b"chmod 600" in r.stderr, r.stderr)
    finally:
        os.chmod(secret, 0o600)
    # The running workers pick the new versions up at a reload.
    os.kill(stack.pid("vaora"), 1)


def test_areas_import_from_the_national_list(stack):
    national = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "communes-2025.csv")
    bad = os.path.join(stack.dir, "bad-areas.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("code,name\n00001,Phường Một\n0000X,Phường Hai\n")
    r = stack.vaora("areas", "import", "--province", "da-nang", bad)
    check(r.returncode == 1 and b"line 3" in r.stderr, r.stderr)
    count = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s2.areas WHERE province = '48'")
    check(count == "0", f"a failed import wrote {count} rows")
    if not os.path.exists(national):
        print("    (shared/data not beside the checkout: national list skipped)")
        return
    r = stack.vaora("areas", "import", "--province", "48", national)
    check(r.returncode == 0, r.stderr)
    expected = sum(1 for line in open(national, encoding="utf-8") if line.startswith("48,"))
    count = fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s2.areas WHERE province = '48'")
    check(int(count) == expected and expected > 50, (count, expected))
    r = stack.get("/da-nang/api/v1/areas")
    check(r.status == 200 and f'"code":"'.encode() in r.body, r.status)


def test_password_change_ends_other_sessions(stack):
    login = "flow.two.phones"
    r = stack.vaora("account", "add", "--province", "01", "--role", "tracer", "--login", login)
    otp = re.search(rb"one-time password: (\S+)", r.stdout).group(1).decode()
    first = Browser(stack)
    check(first.login(login, otp).status == 303, "first login")
    r = first.post_form("/ha-noi/password", {"current": otp, "password": "first-password-1",
                                             "repeat": "first-password-1"})
    check(r.status == 200, r.status)
    # The same account on a second device, then a password change there.
    second = Browser(stack)
    check(second.login(login, "first-password-1").status == 303, "second login")
    check(first.get("/ha-noi/desk").status == 200 and second.get("/ha-noi/desk").status == 200, "both logged in")
    r = second.post_form("/ha-noi/password", {"current": "first-password-1", "password": "second-password-2",
                                              "repeat": "second-password-2"})
    check(r.status == 200 and "Đã đổi mật khẩu" in r.text, r.status)
    check(second.get("/ha-noi/desk").status == 200, "the session that changed it ended")
    r = first.get("/ha-noi/desk")
    check(r.status == 303 and "/ha-noi/login" in r.header("Location"), ("the other session lives on", r.status))


def test_register_with_a_taken_login_does_not_hash(stack):
    """A taken login is answered before the password's 600,000-iteration hash: its answer comes
    back in a fraction of the time a login with a wrong password (one hash) takes."""
    b = Browser(stack)
    fields = {"name": "Quán nước Hồ Gươm", "category": "shop", "address": "Số 2 Đinh Tiên Hoàng",
              "area_code": "00070", "contact_phone": "0912 345 679", "opening_hours": "06:00-18:00",
              "display_name": "Người Thử", "login": "hn.admin", "password": "mat-khau-rat-dai",
              "repeat": "mat-khau-rat-dai"}
    taken, hashed = [], []
    for _ in range(3):
        body = urllib.parse.urlencode(dict(fields, csrf=b.csrf_from("/ha-noi/register")))
        start = time.monotonic()
        r = b.request("POST", "/ha-noi/register", body=body)
        taken.append(time.monotonic() - start)
        check(r.status == 400 and "đã có người dùng" in r.text, (r.status, "no login-taken error"))
        body = urllib.parse.urlencode({"csrf": b.csrf_from("/ha-noi/login"), "login": "flow.timing.nobody",
                                       "password": "not-the-password"})
        start = time.monotonic()
        r = b.request("POST", "/ha-noi/login", body=body)
        hashed.append(time.monotonic() - start)
        check(r.status == 200, r.status)
    print(f"    taken login {min(taken):.3f}s, one password hash {min(hashed):.3f}s (fastest of 3)")
    check(min(taken) < 0.5 * min(hashed), ("the taken login was hashed", taken, hashed))
