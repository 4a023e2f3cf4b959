"""Every route of `vaora routes` against every role, another province, and (for routes with
an {id}) a real object of this province, of another province and of another manager/area.
A route without expectations here fails the test, so new routes must say who may use them."""
import re
import subprocess

import fixtures
from harness import Browser, check, logged_in

PERSONAS = ["anon", "operator", "admin", "officer", "tracer", "manager", "volunteer", "foreign"]
ROLE_OF = {"operator": "operator", "admin": "province-admin", "officer": "area-officer", "tracer": "tracer",
           "manager": "venue-manager", "volunteer": "volunteer"}
PROVINCE_ROLES = {"province-admin", "area-officer", "tracer", "venue-manager", "volunteer"}
# Routes only the sanitizer test build has; they are not part of the product.
TEST_ONLY = ("/_test/",)
# Handlers that end the session they run in: each check gets a fresh login.
SESSION_ENDING = {"POST /{province}/logout", "POST /{province}/logout-everywhere", "POST /logout"}


def route_table(stack):
    out = stack.vaora("routes").stdout.decode().splitlines()
    rows = []
    for line in out:
        parts = line.split()
        method, pattern = parts[0], parts[1]
        fields = dict(p.split("=", 1) for p in parts[2:])
        if pattern.startswith(TEST_ONLY):
            continue
        roles = set() if fields["roles"] == "anyone" else set(fields["roles"].split(","))
        rows.append((method, pattern, fields["scope"], roles))
    return rows


def expected(method, pattern, scope, roles, persona, obj, card_known=True):
    """The outcome the permission matrix in README.md promises; card_known: {card} is a real
    card."""
    api = "/api/" in pattern
    if "/me/{n}/" in pattern:
        # Open to anyone, but about person n of the phone's cookie, and the personas' browsers
        # remember nobody: nobody to show or change (forgetting nobody is simply done).
        return "ok" if pattern.endswith("/forget") else "404"
    if "{code}" in pattern:
        # A made-up hand-over code is no code, for everyone alike.
        return "404"
    if "{card}" in pattern and not card_known:
        # A made-up card is no card, for everyone alike.
        return "404"
    if not roles:
        return "ok"
    instance = not pattern.startswith("/{province}")
    if persona == "anon":
        return "401" if api else "login"
    if instance:
        return "ok" if persona == "operator" else "404"
    if persona == "foreign":
        return "404"
    role = ROLE_OF[persona]
    if role == "operator" and role not in roles:
        return "404"
    if role not in roles:
        return "403"
    if obj is None:
        return "ok"
    if obj == "other-province":
        return "404"
    allowed = {
        "account": {"own": {"province-admin", "area-officer"}, "other-area": {"province-admin"}},
        "venue": {"own": {"province-admin", "area-officer", "venue-manager"}, "other-area": {"province-admin"}},
        # Gate and proxy desks: the venue's volunteers work there too.
        "venue-desk": {"own": {"province-admin", "area-officer", "venue-manager", "volunteer"},
                       "other-area": {"province-admin"}},
        "api-token": {"own": {"province-admin"}},
    }[scope][obj]
    return "ok" if role in allowed else "404"


def outcome(r):
    ended = any(c.startswith("vaora_session=;") and "Max-Age=0" in c for c in r.headers_named("Set-Cookie"))
    if r.status == 303 and "/login" in (r.header("Location") or ""):
        # A logout sends to the login page too, ending the session: that is its success.
        return "ok" if ended else "login"
    if r.status in (401, 403, 404):
        return str(r.status)
    if r.status >= 500:
        return f"error {r.status}"
    return "ok"


class World:
    """The personas logged in once, and the objects the {id} routes are tried on."""

    def __init__(self, stack):
        self.stack = stack
        self.browsers = {"anon": Browser(stack)}
        for persona in ROLE_OF:
            self.relogin(persona)
        fixtures.separate_id_ranges(stack)
        _, otp = fixtures.add_account(stack, "79", "province-admin", "hcm.matrix.admin")
        self.browsers["foreign"] = fixtures.login_with_new_password(stack, "ho-chi-minh", "hcm.matrix.admin", otp)
        own_manager, _ = fixtures.add_account(stack, "01", "venue-manager", "matrix.manager.own", "00070")
        other_manager, _ = fixtures.add_account(stack, "01", "venue-manager", "matrix.manager.other", "00256")
        foreign_manager, _ = fixtures.add_account(stack, "79", "venue-manager", "matrix.manager.hcm")
        # A venue of hn.manager in the officer's ward, changed freely by the matrix (the demo
        # venue stays as it is for other tests).
        own_venue = fixtures.add_venue(stack, "01", "Matrix own venue", "00070", verified=True)
        fixtures.make_manager(stack, "01", own_venue, "hn.manager")
        fixtures.make_manager(stack, "01", own_venue, "hn.volunteer", kind="volunteer")
        self.token = fixtures.venue_code(self.browsers["admin"], own_venue)
        # A real personal card for /r/{card}, from a phone of its own (the personas' browsers
        # remember nobody); None until this build has the self check-in that remembers people.
        self.card = fixtures.card_token(stack, self.token)
        venues = {"own": own_venue,
                  "other-area": fixtures.add_venue(stack, "01", "Matrix venue", "00256", verified=True),
                  "other-province": fixtures.add_venue(stack, "79", "Matrix venue HCM", "26734")}
        self.objects = {
            "account": {"own": own_manager, "other-area": other_manager, "other-province": foreign_manager},
            "venue": venues,
            "venue-desk": venues,
            "api-token": {"own": fixtures.add_token_row(stack, "01", "matrix own"),
                          "other-province": fixtures.add_token_row(stack, "79", "matrix hcm")},
        }

    def csrf_page(self, persona, pattern, roles):
        """A page whose form token this persona would submit to pattern: the session's token
        where the session counts, the anonymous one where it does not."""
        instance = not pattern.startswith("/{province}")
        if persona == "operator" and (instance or "operator" in roles):
            return "/admin"
        if persona in ROLE_OF and persona != "operator" and not instance:
            return "/ha-noi/desk"
        return "/login" if instance else "/ha-noi/login"

    def relogin(self, persona):
        login = "operator" if persona == "operator" else f"hn.{persona}"
        self.browsers[persona] = logged_in(self.stack, login, province=None if persona == "operator" else "ha-noi")

    def try_route(self, method, pattern, roles, persona, object_id):
        path = pattern.replace("{province}", "ha-noi").replace("{id}", str(object_id or 0))
        path = path.replace("{token}", self.token).replace("{n}", "0").replace("{code}", "A" * 10)
        path = path.replace("{card}", self.card or "A" * 24)
        b = self.browsers[persona]
        if method == "GET":
            return b.get(path)
        r = b.post_form(path, {}, csrf_page=self.csrf_page(persona, pattern, roles))
        # Logging out (everywhere) ends the persona's session: log in again for the next route.
        if f"{method} {pattern}" in SESSION_ENDING and persona in ROLE_OF:
            self.relogin(persona)
        return r


def test_every_route_has_an_outcome_for_every_role(stack):
    world = World(stack)
    failures, checked = [], 0
    for method, pattern, scope, roles in route_table(stack):
        objects = [None] if "{id}" not in pattern else list(world.objects[scope].items())
        for persona in PERSONAS:
            for obj in objects:
                name, object_id = (obj if obj else (None, None))
                want = expected(method, pattern, scope, roles, persona, name, world.card is not None)
                got = outcome(world.try_route(method, pattern, roles, persona, object_id))
                checked += 1
                if got != want:
                    failures.append(f"{method} {pattern} as {persona}{' on ' + name if name else ''}: "
                                    f"got {got}, want {want}")
    print(f"    {checked} route/role/object combinations checked")
    check(not failures, "\n      " + "\n      ".join(failures))


def test_unknown_scope_fails_loudly(stack):
    # expected() raises KeyError for a scope it does not know: a new scope needs rules here.
    for method, pattern, scope, roles in route_table(stack):
        if "{id}" in pattern:
            check(scope in ("account", "venue", "venue-desk", "api-token"), f"{method} {pattern}: scope {scope} has no rules")


def test_foreign_session_is_anonymous_on_public_pages(stack):
    world_admin_79 = fixtures.add_account(stack, "79", "province-admin", "hcm.travel.admin")
    b = fixtures.login_with_new_password(stack, "ho-chi-minh", "hcm.travel.admin", world_admin_79[1])
    r = b.get("/ha-noi/")
    check(r.status == 200 and "hcm.travel.admin" not in r.text and "/ha-noi/login" in r.text,
          "a Hồ Chí Minh session was not anonymous on Hà Nội's public page")
    r = b.get("/ho-chi-minh/desk")
    check(r.status == 200, f"own desk: {r.status}")
    r = b.get("/ha-noi/desk")
    check(r.status == 404, f"other province's desk: {r.status}")


def test_route_list_matches_the_binary(stack):
    # The table printed is the one served: an unknown path under a province is 404.
    rows = route_table(stack)
    check(len(rows) >= 20, len(rows))
    # QR codes carry upper-case URLs; the router matches one-letter segments in either case, so
    # the table has one row per page, never an upper-case twin.
    patterns = [pattern for _, pattern, _, _ in rows]
    check("/{province}/c/{token}" in patterns, patterns)
    twins = [p for p in patterns if re.search(r"/[A-Z](/|$)", p)]
    check(not twins, f"upper-case rows: {twins}")
    r = subprocess.run([stack.binary, "routes", "--nginx"], stdout=subprocess.PIPE, timeout=30)
    check(r.returncode == 0, r.returncode)


def test_security_md_names_only_tests_that_exist(stack):
    """SECURITY.md proves each wall by a test's name: a renamed or removed test would leave a
    wall unproven without anyone noticing."""
    import os
    import re
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    with open(os.path.join(root, "SECURITY.md"), encoding="utf-8") as f:
        named = set(re.findall(r"`([a-z/_-]+)::(test_[a-z0-9_]+)`", f.read()))
    check(len(named) >= 40, ("too few tests named", len(named)))
    missing = []
    for module, test in sorted(named):
        if module.startswith("browser/"):
            path = f"tests/browser/{module[len('browser/'):]}.test.mjs"
            pattern = rf"function {test}\("
        elif module.startswith("unit/"):
            path = f"tests/unit/{module[len('unit/'):]}.c"
            pattern = rf"\b{test}\("
        else:
            path = f"tests/integration/test_{module}.py"
            pattern = rf"^def {test}\("
        try:
            with open(os.path.join(root, path), encoding="utf-8") as f:
                found = re.search(pattern, f.read(), re.M)
        except FileNotFoundError:
            found = None
        if not found:
            missing.append(f"{module}::{test}")
    check(not missing, ("SECURITY.md names tests that do not exist", missing))
