"""What the benchmark's load runs share: the stack running the release build, wrk with a script
of this folder (and the figures its answers.lua prints), venues to spread check-ins over, the
cookies and tokens a phone or a gate posts with, and waiting for a count to settle."""
import json
import os
import re
import subprocess
import time

import fixtures
import harness

HERE = os.path.dirname(os.path.abspath(__file__))
# wrk's threads: the issue's -t2, one per core.
THREADS = 2
# A wrk run that has not ended this long after its duration is stuck (wrk waits at most its
# own 2 s socket timeout past the end).
WRK_SLACK_SECONDS = 60
# Issue #14's footprint target: a fast-pool worker's resident memory after a run.
WORKER_RSS_MAX_MIB = 16
REFUSAL_LINE = re.compile(r"bench-lua: first refusal: (.*)")
LUA_LINE = re.compile(r"bench-lua: start (\d+) threads (\d+) sent ([\d,]+) non2xx (\d+) p50_us (\d+) p99_us (\d+)")


class BenchStack(harness.Stack):
    """The release build (./vaora) with fast_workers fast workers; nginx_extra, a file of
    locations nginx serves besides vaora's (deploy/stack.sh's VAORA_NGINX_EXTRA)."""

    def __init__(self, fast_workers, nginx_extra=None):
        super().__init__()
        self.binary = os.path.join(harness.ROOT, "vaora")
        self.fast_workers = fast_workers
        self.nginx_extra = nginx_extra

    def env(self):
        e = super().env()
        e["VAORA_FAST_WORKERS"] = self.fast_workers
        # wrk sends every check-in from 127.0.0.1, where residents come from many addresses:
        # the per-address limit (1,000 a second in the suites' stack) would answer a quiet
        # machine's one-tap run with 429s and measure the limit, not the check-in; here the
        # most vaora.conf takes (1,000,000 a minute).
        e["VAORA_EDGE_LIMIT_CHECKIN"] = "1000000 50000"
        if self.nginx_extra:
            e["VAORA_NGINX_EXTRA"] = self.nginx_extra
        return e

    def socket_dir(self):
        with open(os.path.join(self.var, "sockdir")) as f:
            return f.read().strip()


def wrk(port, path, connections, seconds, script=None, env=None):
    """wrk -t2 against 127.0.0.1:port; returns req/s, wrk's own p50/p99/non-2xx/socket lines,
    and, with a script that loads answers.lua, its figures: answered, refused, lua_non2xx,
    p50_ms, p99_ms, sent (requests made per thread), start and next (BENCH_START for a run
    that must not reuse this one's numbers), first_refusal (the status and body of an answer
    that did not confirm, "" when all did)."""
    args = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        args += ["-s", os.path.join(HERE, script)]
    run_env = dict(os.environ, BENCH_LUA_DIR=HERE, BENCH_THREADS=str(THREADS), **(env or {}))
    out = subprocess.run(args + [f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True,
                         env=run_env, timeout=float(seconds) + WRK_SLACK_SECONDS).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"\s50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    r = {"rps": float(rps.group(1)) if rps else 0.0, "p50": p50.group(1) if p50 else "?",
         "p99": p99.group(1) if p99 else "?", "non2xx": int(errors.group(1)) if errors else 0,
         "socket": socket.group(1) if socket else "none", "out": out}
    counts = re.search(r"answered (\d+) refused (\d+)", out)
    if counts:
        r["answered"], r["refused"] = int(counts.group(1)), int(counts.group(2))
    refusal = REFUSAL_LINE.search(out)
    r["first_refusal"] = refusal.group(1) if refusal else ""
    lua = LUA_LINE.search(out)
    if lua:
        start, threads = int(lua.group(1)), int(lua.group(2))
        sent = [int(x) for x in lua.group(3).split(",")]
        r.update(start=start, sent=sent, next=start + max(sent) * threads, lua_non2xx=int(lua.group(4)),
                 p50_ms=int(lua.group(5)) / 1000, p99_ms=int(lua.group(6)) / 1000)
    return r


def numbers(r):
    """The request numbers a run with answers.lua made (see answers.lua)."""
    threads = len(r["sent"])
    return [r["start"] + c * threads + t for t, count in enumerate(r["sent"]) for c in range(count)]


def make_venues(stack, count, prefix="Bench venue"):
    """count venues in Hoàn Kiếm (made by SQL, as the other test set-ups do) and their poster
    codes, read back through the API as a province admin sees them."""
    rows = ", ".join(f"('01', '{prefix} {i}', 'Phố Huế', '00070', 'market', '2026-01-01', '2026-01-01')" for i in range(count))
    fixtures.sql(stack, f"INSERT INTO vaora_s1.venues (province, name, address, area_code, category, created_at,"
                        f" token_issued_at) VALUES {rows}")
    admin = harness.logged_in(stack, "hn.admin")
    codes, page = [], 0
    while len(codes) < count:
        r = admin.get(f"/ha-noi/api/v1/venues?q={prefix.replace(' ', '+')}&page={page}")
        venues = json.loads(r.body)["venues"]
        if not venues:
            break
        codes += [v["short_code"].replace("-", "") for v in venues]
        page += 1
    return codes


def phone_env(stack, code):
    """What a phone without JavaScript posts the check-in form of venue code with: its CSRF
    cookie and token (BENCH_COOKIE, BENCH_CSRF), and the province's path (BENCH_PATH)."""
    phone = harness.Browser(stack)
    form = phone.get(f"/ha-noi/c/{code}?new=1").text
    return {"BENCH_CSRF": harness.CSRF_FIELD.search(form).group(1),
            "BENCH_COOKIE": "; ".join(f"{k}={v}" for k, v in phone.cookies.items()), "BENCH_PATH": "/ha-noi"}


def gate_env(stack):
    """What the demo venue's gate page posts scans with, as its manager (hn.manager): the scan
    endpoint (BENCH_GATE_PATH), the session's cookies and CSRF token."""
    manager = harness.logged_in(stack, "hn.manager")
    gate = f"/ha-noi/venues/{fixtures.demo_venue_id(stack)}/gate"
    return {"BENCH_GATE_PATH": gate + "/scans", "BENCH_CSRF": manager.csrf_from(gate),
            "BENCH_COOKIE": "; ".join(f"{k}={v}" for k, v in manager.cookies.items())}


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


def cpu_us(pids):
    """User and system CPU time of pids, in microseconds, from /proc: what they used whatever else
    runs on the machine, so steadier than a rate on a shared machine."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total * 1e6 / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def print_worker_rss(stack, part):
    """The workers' resident memory after a run (fast and slow pools; the largest is a fast
    worker that served the load), against the footprint target."""
    rss = [rss_kib(p) for p in stack.worker_pids()]
    largest = max(rss) / 1024
    print(f"bench: {part}: worker RSS after load: max {largest:.1f} MiB, total {sum(rss) / 1024:.1f} MiB over "
          f"{len(rss)} workers (target <= {WORKER_RSS_MAX_MIB} MiB: {'met' if largest <= WORKER_RSS_MAX_MIB else 'missed'})")
