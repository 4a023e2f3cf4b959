"""Benchmarks against a throw-away stack running the release build, in named parts so one can
run alone (`make bench BENCH_PARTS=checkin`): pages (the foundation's pages under wrk), weight
(bytes a phone downloads for the check-in page and its confirmation) and checkin (self
check-ins through nginx with production settings) and purge (`vaora purge` of one expired day
of check-ins and their keys). Prints figures; judges nothing that the
issues do not set a number for."""
import gzip
import os
import re
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))

import fixtures  # noqa: E402
import harness  # noqa: E402

# Short runs: enough for stable figures on 2 cores, short enough for a routine `make bench`.
DURATION = os.environ.get("BENCH_SECONDS", "5")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
PATHS = ["/healthz", "/", "/ha-noi/", "/static/style.css"]
HERE = os.path.dirname(os.path.abspath(__file__))
# The check-in run: the 64 connections, spread over this many venues.
CHECKIN_CONNECTIONS = os.environ.get("BENCH_CHECKIN_CONNECTIONS", "64")
CHECKIN_VENUES = 200
# Fast workers for the check-in run: durable commits make workers wait on the disk, so the
# production default (8 per core) rather than the test stack's 4.
CHECKIN_WORKERS = os.environ.get("BENCH_FAST_WORKERS", "16")
# The purge run: a modest day of check-ins, each with its idempotency key.
PURGE_ROWS = int(os.environ.get("BENCH_PURGE_ROWS", "200000"))
PURGE_TARGET_SECONDS = 1.0
# Vietnam is UTC+07:00 all year: days are Vietnam days.
VN_OFFSET = 7 * 3600
PARTS = ("pages", "weight", "checkin", "purge")


class BenchStack(harness.Stack):
    def __init__(self, fast_workers):
        super().__init__()
        self.binary = os.path.join(harness.ROOT, "vaora")
        self.fast_workers = fast_workers

    def env(self):
        e = super().env()
        e["VAORA_FAST_WORKERS"] = self.fast_workers
        return e


def wrk(port, path, connections=CONNECTIONS, script=None, env=None):
    args = ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}s", "--latency"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True,
                         env=dict(os.environ, **(env or {})), timeout=int(DURATION) + 60).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"\s50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(rps.group(1)) if rps else 0.0, "p50": p50.group(1) if p50 else "?",
            "p99": p99.group(1) if p99 else "?", "non2xx": int(errors.group(1)) if errors else 0,
            "socket": socket.group(1) if socket else "none", "out": out}


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def demo_venue_code(stack):
    admin = harness.logged_in(stack, "hn.admin")
    page = admin.get(f"/ha-noi/venues/{fixtures.demo_venue_id(stack)}").text
    return re.search(r'id="short-code">([A-Z2-7]+)<', page).group(1)


def bench_pages(stack):
    print(f"bench: pages: release build, wrk -t2 -c{CONNECTIONS} -d{DURATION}s on 127.0.0.1, {stack.fast_workers} fast workers")
    for path in PATHS:
        r = wrk(stack.port, path)
        print(f"bench: GET {path:<20} {r['rps']:9.0f} req/s   p50 {r['p50']:>8}   p99 {r['p99']:>8}   "
              f"non-2xx {r['non2xx']}")
    rss = [rss_kib(p) for p in stack.worker_pids()]
    print(f"bench: worker RSS after load: max {max(rss) / 1024:.1f} MiB, "
          f"total {sum(rss) / 1024:.1f} MiB over {len(rss)} workers")


def transfer(stack, path, method="GET", body=None, headers=None):
    """Bytes on the wire for a phone that accepts gzip, as nginx sends them."""
    h = dict(headers or {}, **{"Accept-Encoding": "gzip"})
    r = stack.request(method, path, body=body, headers=h)
    return r, len(r.body)


def bench_weight(stack):
    code = demo_venue_code(stack)
    phone = harness.Browser(stack)
    page = phone.get(f"/ha-noi/c/{code}?new=1")
    _, html = transfer(stack, f"/ha-noi/c/{code}?new=1")
    _, css = transfer(stack, "/static/style.css")
    _, js = transfer(stack, "/static/checkin.js")
    data = {"csrf": harness.CSRF_FIELD.search(page.text).group(1),
            "key": re.search(r'name="key" value="([^"]+)"', page.text).group(1), "direction": "in",
            "full_name": "Nguyễn Thị Ánh Tuyết", "contact": "no", "travel": "no", "doses": "2", "consent": "1"}
    cookie = "; ".join(f"{k}={v}" for k, v in phone.cookies.items())
    done, done_bytes = transfer(stack, f"/ha-noi/c/{code}", "POST", urllib.parse.urlencode(data),
                                {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    raw = gzip.decompress(done.body) if done.header("Content-Encoding") == "gzip" else done.body
    print(f"bench: weight: check-in page {html} B html + {css} B css + {js} B js = {html + css + js} B "
          f"(target <= 30720 B before fonts; system fonts only)")
    print(f"bench: weight: confirmation {done_bytes} B html ({len(raw)} B unzipped; css and js already cached) "
          f"-> {done_bytes + css + js} B with a cold cache")


def bench_checkin(stack):
    """Self check-ins as phones post them: CSRF cookie and token, a new key, person and venue
    each, durable commits (innodb_flush_log_at_trx_commit=1), no cache in front."""
    for i in range(CHECKIN_VENUES):
        fixtures.sql(stack, "INSERT INTO vaora_s1.venues (province, name, address, area_code, category, created_at)"
                            f" VALUES ('01', 'Bench venue {i}', 'Phố Huế', '00070', 'market', '2026-01-01')")
    admin = harness.logged_in(stack, "hn.admin")
    codes, page = [], 0
    while len(codes) < CHECKIN_VENUES:
        r = admin.get(f"/ha-noi/api/v1/venues?q=Bench+venue&page={page}")
        venues = __import__("json").loads(r.body)["venues"]
        if not venues:
            break
        codes += [v["short_code"] for v in venues]
        page += 1
    phone = harness.Browser(stack)
    form = phone.get(f"/ha-noi/c/{codes[0]}?new=1").text
    env = {"BENCH_VENUES": ",".join(codes), "BENCH_CSRF": harness.CSRF_FIELD.search(form).group(1),
           "BENCH_COOKIE": "; ".join(f"{k}={v}" for k, v in phone.cookies.items()), "BENCH_PATH": "/ha-noi"}
    before = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins"))
    r = wrk(stack.port, "/", CHECKIN_CONNECTIONS, os.path.join(HERE, "checkin.lua"), env)
    rows = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins")) - before
    people = int(fixtures.sql(stack, "SELECT COUNT(DISTINCT person_id) FROM vaora_s1.checkins"))
    confirmed = re.search(r"confirmed (\d+) refused (\d+)", r["out"])
    ok, bad = (int(confirmed.group(1)), int(confirmed.group(2))) if confirmed else (0, -1)
    print(f"bench: checkin: wrk -t2 -c{CHECKIN_CONNECTIONS} -d{DURATION}s, {CHECKIN_WORKERS} fast workers, "
          f"{len(codes)} venues, durable commits, CSRF on")
    print(f"bench: POST /ha-noi/c/{{venue}} {r['rps']:9.0f} req/s   p50 {r['p50']:>8}   p99 {r['p99']:>8}   "
          f"non-2xx {r['non2xx']}   socket errors {r['socket']}")
    print(f"bench: checkin: {ok} confirmations, {bad} refused, {rows} rows recorded, {people} distinct people "
          f"(rows above confirmations are requests in flight when wrk stopped)")


def bench_purge(stack):
    """`vaora purge` (release build) of one day past the retention: its partition holds
    PURGE_ROWS check-ins of Hà Nội, each with its key in checkin_keys. The stack's migrate made
    the day partitions from the newest expired day (today - 31) on; that day is the one."""
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + VN_OFFSET - 31 * 86400))
    fixtures.sql(stack, "INSERT INTO vaora_s1.checkins (province, day, venue_id, person_id, direction, method, answers,"
                        " amber, form_version, pressed_at, received_at, check_code)"
                        f" SELECT '01', '{day}', 1 + seq % 200, seq, 'in', 'self', '{{\"fever\":\"no\"}}', 0, 1,"
                        f" TIMESTAMP '{day} 00:00:00' + INTERVAL seq DIV 4 SECOND,"
                        f" TIMESTAMP '{day} 00:00:00' + INTERVAL seq DIV 4 SECOND, 'ACDE'"
                        f" FROM vaora_s1.seq_1_to_{PURGE_ROWS}")
    fixtures.sql(stack, "INSERT INTO vaora_s1.checkin_keys (province, idem_key, checkin_day, checkin_id, received_at)"
                        " SELECT province, UNHEX(MD5(id)), day, id, received_at FROM vaora_s1.checkins"
                        f" WHERE province = '01' AND day = '{day}'")
    start = time.monotonic()
    r = stack.vaora("purge")
    seconds = time.monotonic() - start
    line = next((x for x in r.stdout.decode().splitlines() if x.startswith("01 ")), r.stderr.decode().strip())
    left = int(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.checkins WHERE day = '{day}'"))
    print(f"bench: purge: one day ({day}) of {PURGE_ROWS} check-ins with their keys, all shards, release build")
    print(f"bench: purge: {seconds:.2f} s (target <= {PURGE_TARGET_SECONDS:.0f} s), {left} rows left; {line}")


def main():
    parts = [p for p in os.environ.get("BENCH_PARTS", ",".join(PARTS)).split(",") if p]
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        print(f"bench: unknown part(s) {', '.join(unknown)}; parts are {', '.join(PARTS)}")
        return 2
    stack = BenchStack(CHECKIN_WORKERS if "checkin" in parts else "4")
    try:
        stack.start()
        for part in parts:
            globals()[f"bench_{part}"](stack)
    finally:
        stack.stop()
        stack.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
