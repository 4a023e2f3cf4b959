"""Integration harness: one whole private stack in a throw-away folder on a free port,
driven over HTTP as a user's client would, always stopped at the end."""
import contextlib
import http.client
import re
import urllib.parse
import os
import shutil
import socket
import subprocess
import tempfile
import time
import traceback

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The sanitizer build's leak check ignores libraries' process-lifetime caches (see the file).
os.environ.setdefault("LSAN_OPTIONS", f"suppressions={ROOT}/tests/lsan.supp:print_suppressions=0")
# The stack's start, with a fresh database, takes a few seconds; this is a loose bound.
START_ATTEMPTS = 5


class Failure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_named(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Stack:
    """The stack under test: deploy/stack.sh with the sanitizer build, in its own folder."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vaora-it.")
        self.var = os.path.join(self.dir, "var")
        self.templates = os.path.join(self.dir, "templates")
        # A copy, so a test may edit a template without touching the checkout.
        shutil.copytree(os.path.join(ROOT, "templates"), self.templates)
        self.clock_file = os.path.join(self.dir, "clock")
        self.binary = os.path.join(ROOT, "build", "asan", "vaora")
        self.port = None

    def env(self):
        e = dict(os.environ)
        e.update(VAORA_VAR=self.var, VAORA_PORT=str(self.port), VAORA_BIN=self.binary,
                 VAORA_TEMPLATES=self.templates, VAORA_TEST_CLOCK=self.clock_file,
                 VAORA_FAST_WORKERS="4",
                 # A binary log, as production keeps: test_backup replays it after a restore.
                 VAORA_DB_BINLOG="1",
                 # Every test client is 127.0.0.1: nginx believes its X-Forwarded-For, so a
                 # test can speak as other addresses, and the per-address limits are loose
                 # enough for the suites' own pace (test_edge sends a burst past them).
                 VAORA_TRUSTED_PROXIES="127.0.0.1",
                 # A monitoring subnet may scrape /metrics (test_metrics speaks from it).
                 VAORA_METRICS_ALLOW="127.0.0.1 ::1 198.51.100.0/24",
                 VAORA_EDGE_LIMIT_LOGIN="600 100", VAORA_EDGE_LIMIT_REGISTER="600 100",
                 VAORA_EDGE_LIMIT_CHECKIN="60000 2000", VAORA_EDGE_LIMIT_LOOKUP="6000 1000",
                 # Huế's base_url is https, as behind a TLS front (test_edge).
                 VAORA_HTTPS_PROVINCES="46",
                 # Hồ Chí Minh's shard keeps check-ins longer, so the retention tests see one
                 # shard's expired day go while the other shard keeps the same day.
                 VAORA_S2_RETENTION_DAYS="45")
        return e

    def mariadb_options(self):
        """How the mariadb client reaches the stack's databases as root."""
        return [f"--defaults-file={self.var}/my.cnf"]

    def stack(self, command):
        return subprocess.run([os.path.join(ROOT, "deploy", "stack.sh"), command], env=self.env(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)

    def start(self):
        """Starts on a free port, taking another one when the port was grabbed meanwhile."""
        for _ in range(START_ATTEMPTS):
            self.port = free_port()
            r = self.stack("start")
            if r.returncode == 0:
                return
            print(r.stdout)
            if "port" not in r.stdout:
                break
            self.stack("stop")
        raise RuntimeError("the stack did not start")

    def stop(self):
        self.stack("stop")

    @contextlib.contextmanager
    def running(self):
        """Started for a with block, then stopped and its folder removed, whatever happens."""
        try:
            self.start()
            yield self
        finally:
            self.stop()
            self.cleanup()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def pid(self, part):
        path = os.path.join(self.var, "run", part + ".pid")
        try:
            with open(path) as f:
                return int("".join(c for c in f.read() if c.isdigit()))
        except (OSError, ValueError):
            return None

    def worker_pids(self):
        """Children of the vaora master, from /proc."""
        return children(self.pid("vaora"))

    def log(self, name="vaora.log"):
        with open(os.path.join(self.var, "log", name), encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            hdrs = dict(headers or {})
            if body is not None:
                if isinstance(body, str):
                    body = body.encode("utf-8")
                hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
                hdrs["Content-Length"] = str(len(body))
            for k, v in hdrs.items():
                conn.putheader(k, v)
            conn.endheaders()
            if body is not None:
                conn.send(body)
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, r.getheaders(), data)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)

    def vaora(self, *args, env=None):
        e = dict(os.environ)
        e.update(env or {})
        return subprocess.run([self.binary, "-c", os.path.join(self.var, "vaora.conf"), *args], env=e,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def alive(pid):
    """Whether pid is a live process (not a zombie), from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def children(ppid):
    """The live child processes of ppid, from /proc."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == ppid and fields[0] not in ("Z", "X"):
            pids.append(int(entry))
    return sorted(pids)


def poll(condition, seconds, interval=0.05):
    """Polls condition until it holds; returns the seconds it took, or None."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(interval)
    return None


def run_tests(stack, modules, results_file):
    passed = failed = 0
    for module in modules:
        for name in [n for n in vars(module) if n.startswith("test_")]:
            fn = getattr(module, name)
            label = f"{module.__name__}.{name}"
            try:
                fn(stack)
                ok = True
                print(f"  pass {label}")
            except Exception as e:  # a failing test must not stop the others
                ok = False
                print(f"  FAIL {label}: {e}")
                if not isinstance(e, Failure):
                    traceback.print_exc()
            passed += ok
            failed += not ok
            if results_file:
                with open(results_file, "a") as f:
                    f.write(f"integration:{label} 1 {0 if ok else 1}\n")
    return passed, failed


DEMO_PASSWORD = "vaora-demo-2026"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


class Browser:
    """A cookie-keeping client that logs in and submits forms with their CSRF token, as a
    person's browser would."""

    def __init__(self, stack):
        self.stack = stack
        self.cookies = {}

    def _cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, r):
        for c in r.headers_named("Set-Cookie"):
            name, _, rest = c.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in c:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = self._cookie_header()
        r = self.stack.request(method, path, body=body, headers=h)
        self._keep_cookies(r)
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def csrf_from(self, page_path):
        r = self.get(page_path)
        m = CSRF_FIELD.search(r.text)
        if not m:
            raise Failure(f"no CSRF token on {page_path} ({r.status})")
        return m.group(1)

    def post_form(self, path, fields, csrf_page=None, csrf=True):
        """Posts fields; takes a CSRF token from csrf_page (default: the desk or login page)."""
        data = dict(fields)
        if csrf and "csrf" not in data:
            data["csrf"] = self.csrf_from(csrf_page or path)
        return self.request("POST", path, body=urllib.parse.urlencode(data))

    def login(self, login, password=DEMO_PASSWORD, province="ha-noi"):
        base = f"/{province}" if province else ""
        r = self.post_form(f"{base}/login", {"login": login, "password": password}, csrf_page=f"{base}/login")
        return r


def logged_in(stack, login, password=DEMO_PASSWORD, province="ha-noi"):
    b = Browser(stack)
    r = b.login(login, password, province)
    check(r.status == 303, f"login {login}: status {r.status}")
    return b
