"""Benchmarks against a throw-away stack running the release build, in named parts so one can
run alone (`make bench BENCH_PARTS=checkin`): pages (the foundation's pages under wrk), weight
(bytes a phone downloads for the check-in page and its confirmation), checkin (self
check-ins through nginx with production settings), gate (gate scans of ID cards by first-time
holders, sustained) and import (100,000 paper declarations by `vaora checkins import`); then
ceiling (vaora's hot requests against a minimal libfcgi hello, bench_ceiling.py); then the parts on the cached 10-million-check-in data set (bench_scale.py: data, dashboard, tracing,
purge). Prints figures; judges nothing that the issues do not set a number for."""
import gzip
import os
import re
import resource
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))

import fixtures  # noqa: E402
import bench_ceiling  # noqa: E402
import bench_load  # noqa: E402
import bench_profile  # noqa: E402
import bench_scale  # noqa: E402
import bench_statements  # noqa: E402
import harness  # noqa: E402
import paper_file  # noqa: E402

# Short runs: enough for stable figures on 2 cores, short enough for a routine `make bench`.
DURATION = os.environ.get("BENCH_SECONDS", "5")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
PATHS = ["/healthz", "/", "/ha-noi/", "/static/style.css"]
# The check-in run: the 64 connections, spread over this many venues.
CHECKIN_CONNECTIONS = os.environ.get("BENCH_CHECKIN_CONNECTIONS", "64")
CHECKIN_VENUES = 200
# Fast workers for the check-in run: durable commits make workers wait on the disk, so the
# production default (16 per core) rather than the test stack's 4.
CHECKIN_WORKERS = os.environ.get("BENCH_FAST_WORKERS", "32")
# The paper import run: rows in one file, imported by `vaora checkins import` (the issue's
# target: under a minute for 100,000).
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
IMPORT_SECONDS_MAX = 600
PARTS = ("pages", "weight", "checkin", "gate", "import")


def wrk(port, path, connections=CONNECTIONS, script=None, env=None):
    return bench_load.wrk(port, path, connections, DURATION, script, env)


def demo_venue_code(stack):
    admin = harness.logged_in(stack, "hn.admin")
    page = admin.get(f"/ha-noi/venues/{fixtures.demo_venue_id(stack)}").text
    return re.search(r'id="short-code">([A-Z2-7-]+)<', page).group(1).replace("-", "")


def post_run(script, stack, env, label, unit):
    """Posts through wrk with the check-in settings and script (which counts answers with
    answers.lua); prints the rate line. Returns wrk's figures and (answered, refused)."""
    r = wrk(stack.port, "/", CHECKIN_CONNECTIONS, script, env)
    print(f"bench: POST {label} {r['rps']:9.0f} {unit}   p50 {r['p50']:>8}   p99 {r['p99']:>8}   "
          f"non-2xx {r['non2xx']}   socket errors {r['socket']}")
    return r, (r.get("answered", 0), r.get("refused", -1))


def bench_pages(stack):
    print(f"bench: pages: release build, wrk -t2 -c{CONNECTIONS} -d{DURATION}s on 127.0.0.1, {stack.fast_workers} fast workers")
    for path in PATHS:
        r = wrk(stack.port, path)
        print(f"bench: GET {path:<20} {r['rps']:9.0f} req/s   p50 {r['p50']:>8}   p99 {r['p99']:>8}   "
              f"non-2xx {r['non2xx']}")
    bench_load.print_worker_rss(stack, "pages")


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


def bench_checkin(stack):
    """Self check-ins as phones post them: CSRF cookie and token, a new key, person and venue
    each, durable commits (innodb_flush_log_at_trx_commit=1), no cache in front."""
    codes = bench_load.make_venues(stack, CHECKIN_VENUES)
    env = dict(bench_load.phone_env(stack, codes[0]), BENCH_VENUES=",".join(codes))
    before = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins"))
    print(f"bench: checkin: wrk -t2 -c{CHECKIN_CONNECTIONS} -d{DURATION}s, {CHECKIN_WORKERS} fast workers, "
          f"{len(codes)} venues, durable commits, CSRF on")
    _, (ok, bad) = post_run("checkin.lua", stack, env, "/ha-noi/c/{venue}", "req/s")
    # Requests in flight when wrk stopped still commit: count once the table stops growing.
    total, people = (int(x) for x in bench_load.settled(
        lambda: fixtures.sql(stack, "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM vaora_s1.checkins")).split("\t"))
    rows = total - before
    print(f"bench: checkin: {ok} confirmations, {bad} refused, {rows} rows recorded, {people} distinct people "
          f"(rows above confirmations are requests in flight when wrk stopped)")


def bench_gate(stack):
    """Gate scans as the gate page's script sends them: a manager's session, CSRF on, a new key
    and a new ID card holder each (person created, check-in recorded), durable commits."""
    env = bench_load.gate_env(stack)
    gate = env["BENCH_GATE_PATH"][:-len("/scans")]
    count = "SELECT COUNT(*) FROM vaora_s1.checkins WHERE method = 'gate-reader'"
    before = int(fixtures.sql(stack, count))
    print(f"bench: gate: wrk -t2 -c{CHECKIN_CONNECTIONS} -d{DURATION}s, {CHECKIN_WORKERS} fast workers, "
          f"ID cards of new holders, durable commits, CSRF on")
    _, (ok, bad) = post_run("gate.lua", stack, env, f"{gate}/scans", "scans/s")
    rows = int(bench_load.settled(lambda: fixtures.sql(stack, count))) - before
    print(f"bench: gate: sustained {ok / float(DURATION):.0f} recorded scans/s ({ok} recorded, {bad} other, "
          f"{rows} rows; rows above recorded are scans in flight when wrk stopped)")


def import_status(stack):
    """MariaDB's global counters the import part prints per row."""
    out = fixtures.sql(stack, "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Handler_write',"
                              " 'Handler_read_key', 'Handler_read_next')")
    return {k: int(v) for k, v in (line.split("\t") for line in out.splitlines())}


def bench_import(stack):
    """A province's paper backlog through `vaora checkins import`: validation of every row,
    people stored encrypted with blind indexes, batches of durable commits."""
    import tempfile
    venue = demo_venue_code(stack)
    fd, path = tempfile.mkstemp(suffix=".csv", dir=stack.dir)
    os.close(fd)
    paper_file.write(path, venue, IMPORT_ROWS)
    size = os.path.getsize(path)
    before = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins WHERE method = 'paper'"))
    status_before, db_cpu = import_status(stack), bench_load.cpu_us([stack.pid("mariadb")])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    r = subprocess.run([stack.binary, "-c", os.path.join(stack.var, "vaora.conf"), "checkins", "import",
                        "--province", "ha-noi", "--as", "hn.volunteer", "--file", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=IMPORT_SECONDS_MAX)
    seconds = time.monotonic() - start
    db_cpu = bench_load.cpu_us([stack.pid("mariadb")]) - db_cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    vaora_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    used = {k: v - status_before[k] for k, v in import_status(stack).items()}
    rows = int(fixtures.sql(stack, "SELECT COUNT(*) FROM vaora_s1.checkins WHERE method = 'paper'")) - before
    summary = r.stdout.decode().strip().splitlines()[-1:] or [r.stderr.decode().strip()]
    print(f"bench: import: {IMPORT_ROWS} rows ({size / 1e6:.1f} MB, distinct people) by vaora checkins import, "
          f"durable commits")
    print(f"bench: import: {seconds:.1f} s, {IMPORT_ROWS / seconds:.0f} rows/s, {rows} rows recorded "
          f"(target: 100,000 rows under 30 s); {summary[0]}")
    # CPU seconds from /proc and the server's own counters (the folder's folds included): steadier
    # than the wall time on a shared machine.
    print(f"bench: import: CPU vaora {vaora_cpu:.1f} s, mariadbd {db_cpu / 1e6:.1f} s; per row "
          f"{used['Questions'] / IMPORT_ROWS:.3f} statements, {used['Handler_write'] / IMPORT_ROWS:.1f} handler writes, "
          f"{used['Handler_read_key'] / IMPORT_ROWS:.1f} key reads, {used['Handler_read_next'] / IMPORT_ROWS:.1f} "
          f"index rows read next")
    start = time.monotonic()
    r = subprocess.run([stack.binary, "-c", os.path.join(stack.var, "vaora.conf"), "checkins", "import",
                        "--province", "ha-noi", "--as", "hn.volunteer", "--file", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=IMPORT_SECONDS_MAX)
    print(f"bench: import: the same file again {time.monotonic() - start:.1f} s: "
          f"{(r.stdout.decode().strip().splitlines() or [''])[-1]}")
    os.remove(path)


def main():
    known = PARTS + bench_ceiling.PARTS + bench_profile.PARTS + bench_statements.PARTS + bench_scale.PARTS
    parts = [p for p in os.environ.get("BENCH_PARTS", ",".join(known)).split(",") if p]
    unknown = [p for p in parts if p not in known]
    if unknown:
        print(f"bench: unknown part(s) {', '.join(unknown)}; parts are {', '.join(known)}")
        return 2
    if any(p in PARTS for p in parts):
        with bench_load.BenchStack(CHECKIN_WORKERS if "checkin" in parts or "gate" in parts else "4").running() as stack:
            for part in parts:
                if part in PARTS:
                    globals()[f"bench_{part}"](stack)
    # On a stack of its own: its nginx serves the hello too, and its counts are its own.
    if "ceiling" in parts:
        bench_ceiling.run()
    if "profile" in parts:
        bench_profile.run()
    if "statements" in parts:
        bench_statements.run()
    if any(p in bench_scale.PARTS for p in parts):
        bench_scale.run(parts)
    return 0

if __name__ == "__main__":
    sys.exit(main())
