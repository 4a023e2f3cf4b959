"""Benchmarks against a throw-away stack running the release build, in named parts so one can
run alone (`make bench BENCH_PARTS=checkin`): pages (the foundation's pages under wrk), weight
(bytes a phone downloads for the check-in page and its confirmation), checkin (self
check-ins through nginx with production settings), gate (gate scans of ID cards by first-time
holders, sustained), import (100,000 paper declarations by `vaora checkins import`) and purge
(`vaora purge` of one expired day of check-ins, their keys and presence). Prints figures; judges nothing
that the issues do not set a number for."""
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
# The purge run: a day of the province (10,000,000 check-ins over 30 days), each with its
# idempotency key in its row; the people check in and out (two check-ins each).
PURGE_ROWS = int(os.environ.get("BENCH_PURGE_ROWS", "333000"))
# Of those, the check-ins filed at the server's time, whose keys are in checkin_keys.
PURGE_SERVER_TIMED_PERCENT = 1
# Check-ins one INSERT of the purge's day writes.
PURGE_FILL_CHUNK = 50000
# Seconds the purge run waits for the filled day to reach the disk.
PURGE_FLUSH_SECONDS_MAX = 120
PURGE_TARGET_SECONDS = 1.0
# Vietnam is UTC+07:00 all year: days are Vietnam days.
VN_OFFSET = 7 * 3600
# The paper import run: rows in one file, imported by `vaora checkins import` (the issue's
# target: under a minute for 100,000).
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
IMPORT_SECONDS_MAX = 600
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
                "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_NAMES = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Thu", "Xuân", "Công", "Bảo"]
GIVEN_NAMES = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh",
               "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
               "Thủy", "Trang", "Tuấn", "Tuyết", "Việt", "Yến"]
STREETS = ["Hàng Bạc", "Hàng Đào", "Phố Huế", "Lò Đúc", "Kim Mã", "Đội Cấn", "Láng Hạ", "Giảng Võ"]
PARTS = ("pages", "weight", "checkin", "gate", "import", "purge")


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
                         env=dict(os.environ, BENCH_LUA_DIR=HERE, **(env or {})), timeout=int(DURATION) + 60).stdout
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


def post_run(script, stack, env, label, unit):
    """Posts through wrk with the check-in settings and script (which counts answers with
    answers.lua); prints the rate line. Returns wrk's figures and (answered, refused)."""
    r = wrk(stack.port, "/", CHECKIN_CONNECTIONS, os.path.join(HERE, script), env)
    print(f"bench: POST {label} {r['rps']:9.0f} {unit}   p50 {r['p50']:>8}   p99 {r['p99']:>8}   "
          f"non-2xx {r['non2xx']}   socket errors {r['socket']}")
    counts = re.search(r"answered (\d+) refused (\d+)", r["out"])
    return r, ((int(counts.group(1)), int(counts.group(2))) if counts else (0, -1))


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
    _, shared = transfer(stack, "/static/vaora.js")
    _, page_js = transfer(stack, "/static/checkin.js")
    js = shared + page_js
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


def settled(read, seconds=10, interval=0.5):
    """read() once two readings interval apart agree (or after seconds)."""
    last = read()
    for _ in range(int(seconds / interval)):
        time.sleep(interval)
        now = read()
        if now == last:
            break
        last = now
    return last


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
    print(f"bench: checkin: wrk -t2 -c{CHECKIN_CONNECTIONS} -d{DURATION}s, {CHECKIN_WORKERS} fast workers, "
          f"{len(codes)} venues, durable commits, CSRF on")
    _, (ok, bad) = post_run("checkin.lua", stack, env, "/ha-noi/c/{venue}", "req/s")
    # Requests in flight when wrk stopped still commit: count once the table stops growing.
    total, people = (int(x) for x in settled(
        lambda: fixtures.sql(stack, "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM vaora_s1.checkins")).split("\t"))
    rows = total - before
    print(f"bench: checkin: {ok} confirmations, {bad} refused, {rows} rows recorded, {people} distinct people "
          f"(rows above confirmations are requests in flight when wrk stopped)")


def bench_gate(stack):
    """Gate scans as the gate page's script sends them: a manager's session, CSRF on, a new key
    and a new ID card holder each (person created, check-in recorded), durable commits."""
    manager = harness.logged_in(stack, "hn.manager")
    gate = f"/ha-noi/venues/{fixtures.demo_venue_id(stack)}/gate"
    env = {"BENCH_GATE_PATH": gate + "/scans", "BENCH_CSRF": manager.csrf_from(gate),
           "BENCH_COOKIE": "; ".join(f"{k}={v}" for k, v in manager.cookies.items())}
    count = "SELECT COUNT(*) FROM vaora_s1.checkins WHERE method = 'gate-reader'"
    before = int(fixtures.sql(stack, count))
    print(f"bench: gate: wrk -t2 -c{CHECKIN_CONNECTIONS} -d{DURATION}s, {CHECKIN_WORKERS} fast workers, "
          f"ID cards of new holders, durable commits, CSRF on")
    _, (ok, bad) = post_run("gate.lua", stack, env, f"{gate}/scans", "scans/s")
    rows = int(settled(lambda: fixtures.sql(stack, count))) - before
    print(f"bench: gate: sustained {ok / float(DURATION):.0f} recorded scans/s ({ok} recorded, {bad} other, "
          f"{rows} rows; rows above recorded are scans in flight when wrk stopped)")


def import_file(path, venue, rows):
    """rows paper declarations of distinct people (phone for all, ID number for every other
    one), spread over the last 20 days, with the template's header, BOM and CRLF."""
    import time
    now = time.time()
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\ufeffma_dia_diem,ngay_gio,vao_ra,ho_ten,so_dien_thoai,so_giay_to,nam_sinh,gioi_tinh,ma_xa,dia_chi,"
                "fever,cough,breath,throat,taste,contact,travel,doses\r\n")
        for i in range(rows):
            name = (f"{FAMILY_NAMES[i % len(FAMILY_NAMES)]} {MIDDLE_NAMES[(i // 16) % len(MIDDLE_NAMES)]} "
                    f"{GIVEN_NAMES[(i // 192) % len(GIVEN_NAMES)]}")
            when = time.strftime("%d/%m/%Y %H:%M", time.gmtime(now + 7 * 3600 - 3600 - (i * 17) % (20 * 86400)))
            id_number = f"001{i % 97:02d}{i:07d}" if i % 2 else ""
            gender = "Nữ" if " Thị " in name else "Nam"
            f.write(f"{venue},{when},{'Vào' if i % 3 else 'Ra'},{name},09{i:08d},{id_number},{1940 + i % 66},"
                    f"{gender},00070,{1 + i % 200} {STREETS[i % len(STREETS)]},"
                    f"không,không,không,{'có' if i % 50 == 0 else 'không'},không,không,không,{i % 4}\r\n")


def bench_import(stack):
    """A province's paper backlog through `vaora checkins import`: validation of every row,
    people stored encrypted with blind indexes, batches of durable commits."""
    import tempfile
    import time
    venue = demo_venue_code(stack)
    fd, path = tempfile.mkstemp(suffix=".csv", dir=stack.dir)
    os.close(fd)
    import_file(path, venue, IMPORT_ROWS)
    size = os.path.getsize(path)
    before = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins WHERE method = 'paper'"))
    start = time.monotonic()
    r = subprocess.run([stack.binary, "-c", os.path.join(stack.var, "vaora.conf"), "checkins", "import",
                        "--province", "ha-noi", "--as", "hn.volunteer", "--file", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=IMPORT_SECONDS_MAX)
    seconds = time.monotonic() - start
    rows = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins WHERE method = 'paper'")) - before
    summary = r.stdout.decode().strip().splitlines()[-1:] or [r.stderr.decode().strip()]
    print(f"bench: import: {IMPORT_ROWS} rows ({size / 1e6:.1f} MB, distinct people) by vaora checkins import, "
          f"durable commits")
    print(f"bench: import: {seconds:.1f} s, {IMPORT_ROWS / seconds:.0f} rows/s, {rows} rows recorded "
          f"(target: 100,000 rows under 60 s); {summary[0]}")
    start = time.monotonic()
    r = subprocess.run([stack.binary, "-c", os.path.join(stack.var, "vaora.conf"), "checkins", "import",
                        "--province", "ha-noi", "--as", "hn.volunteer", "--file", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=IMPORT_SECONDS_MAX)
    print(f"bench: import: the same file again {time.monotonic() - start:.1f} s: "
          f"{(r.stdout.decode().strip().splitlines() or [''])[-1]}")
    os.remove(path)


def bench_purge(stack):
    """`vaora purge` (release build) of one day past the retention: its partitions hold
    PURGE_ROWS check-ins of Hà Nội with their keys in their rows (PURGE_SERVER_TIMED_PERCENT of
    them server-timed, their keys in checkin_keys, received that day) and the presence rows the
    checkins trigger makes (one per person and day, and per person, commune and day). The
    stack's migrate made the day partitions from the newest expired day (today - 31) on; that
    day is the one."""
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + VN_OFFSET - 31 * 86400))
    server_timed = f"seq % 100 < {PURGE_SERVER_TIMED_PERCENT}"
    start = time.monotonic()
    # In chunks: the trigger runs per row (~0.2 ms), and one statement must end within the
    # fixtures' 60 s.
    for first in range(1, PURGE_ROWS + 1, PURGE_FILL_CHUNK):
        last = min(first + PURGE_FILL_CHUNK - 1, PURGE_ROWS)
        fixtures.sql(stack, "INSERT INTO vaora_s1.checkins (province, day, venue_id, person_id, direction, method,"
                            " answers, amber, form_version, pressed_at, received_at, check_code, idem_key)"
                            f" SELECT '01', '{day}', 1 + seq % 200, 1 + seq DIV 2, IF(seq % 2, 'out', 'in'), 'self',"
                            f" '{{\"fever\":\"no\"}}', 0, 1, TIMESTAMP '{day} 00:00:00' + INTERVAL seq DIV 4 SECOND,"
                            f" TIMESTAMP '{day} 00:00:00' + INTERVAL seq DIV 4 SECOND, 'ACDE',"
                            f" IF({server_timed}, NULL, UNHEX(MD5(seq))) FROM vaora_s1.seq_{first}_to_{last}")
    fixtures.sql(stack, "INSERT INTO vaora_s1.checkin_keys (province, idem_key, checkin_day, checkin_id, received_at)"
                        " SELECT province, UNHEX(MD5(id)), day, id, received_at FROM vaora_s1.checkins"
                        f" WHERE province = '01' AND day = '{day}' AND idem_key IS NULL")
    counts = {t: int(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.{t} WHERE province = '01' AND"
                                         f" {'checkin_day' if t == 'checkin_keys' else 'day'} = '{day}'"))
              for t in ("checkins", "checkin_keys", "day_presence", "area_day_presence")}
    print(f"bench: purge: filled the day in {time.monotonic() - start:.0f} s: "
          + ", ".join(f"{t} {n}" for t, n in counts.items()))
    # A day past the retention was written to disk weeks ago: flush what the fill left dirty
    # in the buffer pool first, so that the purge does not pay for it (the server alone at
    # its default I/O capacity would take a minute).
    start = time.monotonic()
    dirty_pct = fixtures.sql(stack, "SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
    fixtures.sql(stack, "SET GLOBAL innodb_max_dirty_pages_pct = 0")
    while time.monotonic() - start < PURGE_FLUSH_SECONDS_MAX and int(fixtures.sql(
            stack, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                   " WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'")) > 0:
        time.sleep(0.5)
    fixtures.sql(stack, f"SET GLOBAL innodb_max_dirty_pages_pct = {dirty_pct}")
    print(f"bench: purge: flushed the buffer pool in {time.monotonic() - start:.0f} s")
    start = time.monotonic()
    r = stack.vaora("purge")
    seconds = time.monotonic() - start
    line = next((x for x in r.stdout.decode().splitlines() if x.startswith("01 ")), r.stderr.decode().strip())
    left = int(fixtures.sql(stack, f"SELECT COUNT(*) FROM vaora_s1.checkins WHERE day = '{day}'"))
    print(f"bench: purge: one day ({day}) of {PURGE_ROWS} check-ins with their keys and presence, all shards,"
          f" release build")
    print(f"bench: purge: {seconds:.2f} s (target <= {PURGE_TARGET_SECONDS:.0f} s), {left} rows left; {line}")


def main():
    parts = [p for p in os.environ.get("BENCH_PARTS", ",".join(PARTS)).split(",") if p]
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        print(f"bench: unknown part(s) {', '.join(unknown)}; parts are {', '.join(PARTS)}")
        return 2
    stack = BenchStack(CHECKIN_WORKERS if "checkin" in parts or "gate" in parts else "4")
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
