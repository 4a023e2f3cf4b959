"""The `profile` part (issue #14): what MariaDB does per check-in under load. Runs one-tap and
new-person check-ins (the ceiling part's scripts and set-up) and prints, per row written, the
deltas of MariaDB's global counters over each run: statements (Com_*), handler calls (Handler_*:
row reads and writes, including those of triggers and procedures), InnoDB rows and log syncs,
the CPU time MariaDB and vaora's processes (workers and the counters' folder) spent per row
(from /proc, so other load on the machine does not count), and the commits per data-file sync (Innodb_data_fsyncs, the redo log's included: group commit) (group commit). With BENCH_PROFILE_PERF=1 it also
records `perf` samples of mariadbd and of the workers during each run and prints their top
symbols. BENCH_PROFILE_ROWS picks the rows (onetap,new by default; gate too). Prints figures only."""
import os
import subprocess
import tempfile

import bench_ceiling
import bench_load
import fixtures

PARTS = ("profile",)
SECONDS = os.environ.get("BENCH_PROFILE_SECONDS", "8")
PEOPLE = int(os.environ.get("BENCH_PROFILE_PEOPLE", "1000"))
VENUES = 200
# The global counters printed per row written (prefixes), and those left out as noise.
SHOWN = ("Com_", "Handler_", "Innodb_rows_", "Innodb_data_fsyncs",
         "Innodb_log_writes", "Innodb_buffer_pool_write_requests", "Questions", "Innodb_row_lock_waits",
         "Innodb_row_lock_time")
PERF_TOP = 25
ROWS = tuple(r for r in os.environ.get("BENCH_PROFILE_ROWS", "onetap,new").split(",") if r)


def status(stack):
    rows = fixtures.sql(stack, "SHOW GLOBAL STATUS")
    out = {}
    for line in rows.splitlines():
        name, _, value = line.partition("\t")
        if value.isdigit():
            out[name] = int(value)
    return out


def print_deltas(label, before, after, rows):
    print(f"bench: profile: {label}: {rows} rows written; per row written:")
    for name in sorted(after):
        d = after[name] - before.get(name, 0)
        if d and name.startswith(SHOWN) and d / max(rows, 1) >= 0.01:
            print(f"bench:   {name:<40} {d / max(rows, 1):9.2f}")


def perf_record(pids, seconds, path):
    return subprocess.Popen(["perf", "record", "-F", "499", "-g", "-o", path, "-p", ",".join(map(str, pids)),
                             "--", "sleep", str(seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def perf_report(path, label):
    out = subprocess.run(["perf", "report", "-i", path, "--no-children", "--sort", "comm,dso,symbol", "--stdio",
                          "-g", "none", "--percent-limit", "0.7"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    lines = [line for line in out.splitlines() if line.strip() and not line.startswith("#")]
    print(f"bench: profile: perf, {label} (self time, top {PERF_TOP}):")
    for line in lines[:PERF_TOP]:
        print(f"bench:   {line.strip()}")


def run():
    perf = os.environ.get("BENCH_PROFILE_PERF") == "1"
    with bench_load.BenchStack(bench_ceiling.FAST_WORKERS).running() as stack:
        bench_ceiling.PEOPLE, bench_ceiling.VENUES = PEOPLE, VENUES
        c = bench_ceiling.Ceiling(stack, ROWS)
        c.prepare()
        for row in ROWS:
            before = status(stack)
            pids = {"mariadbd": [stack.pid("mariadb")], "vaora": stack.worker_pids()}
            cpu_before = {k: bench_load.cpu_us(v) for k, v in pids.items()}
            rows_before = int(fixtures.sql(stack, bench_ceiling.CHECKINS))
            rec = None
            if perf:
                tmp = tempfile.mkdtemp(prefix="vaora-perf-")
                data = os.path.join(tmp, "perf.data")
                rec = perf_record([stack.pid("mariadb")] + stack.worker_pids(), SECONDS, data)
            r = bench_load.wrk(stack.port, "/", bench_ceiling.CONNECTIONS, SECONDS, c.script[row],
                               dict(c.env[row], BENCH_START=str(c.starts[row])))
            c.starts[row] = r.get("next", 0)
            rows = int(bench_load.settled(lambda: fixtures.sql(stack, bench_ceiling.CHECKINS))) - rows_before
            after = status(stack)
            cpu = {k: (bench_load.cpu_us(v) - cpu_before[k]) / max(rows, 1) for k, v in pids.items()}
            print(f"bench: profile: {row}: {r['rps']:.0f} req/s, p50 {r['p50']}, p99 {r['p99']}, "
                  f"non-2xx {r['non2xx']}")
            print_deltas(row, before, after, rows)
            print(f"bench: profile: {row}: CPU per row written: mariadbd {cpu['mariadbd']:.0f} us, "
                  f"vaora workers and folder {cpu['vaora']:.0f} us")
            syncs = after["Innodb_data_fsyncs"] - before["Innodb_data_fsyncs"]
            print(f"bench: profile: {row}: commits per log sync (group commit): {rows / max(syncs, 1):.2f}")
            if rec:
                rec.wait()
                perf_report(data, f"mariadbd and the workers during {row}")
