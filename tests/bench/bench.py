"""Throughput, latency and memory of the foundation's pages, measured with wrk on loopback
against a throw-away stack running the release build. Prints figures; judges nothing that
the issues do not set a number for."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))

import harness  # noqa: E402

# Short runs: enough for stable figures on 2 cores, short enough for a routine `make bench`.
DURATION = os.environ.get("BENCH_SECONDS", "5")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
PATHS = ["/healthz", "/", "/ha-noi/", "/static/style.css"]


def wrk(port, path):
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency",
                          f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True,
                         timeout=int(DURATION) + 60).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"\s50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (float(rps.group(1)) if rps else 0.0, p50.group(1) if p50 else "?", p99.group(1) if p99 else "?",
            int(errors.group(1)) if errors else 0)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    stack = harness.Stack()
    stack.binary = os.path.join(harness.ROOT, "vaora")
    try:
        stack.start()
        print(f"bench: release build, wrk -t2 -c{CONNECTIONS} -d{DURATION}s on 127.0.0.1, 4 fast workers")
        for path in PATHS:
            rps, p50, p99, non2xx = wrk(stack.port, path)
            print(f"bench: GET {path:<20} {rps:9.0f} req/s   p50 {p50:>8}   p99 {p99:>8}   non-2xx {non2xx}")
        workers = stack.worker_pids()
        rss = [rss_kib(p) for p in workers]
        print(f"bench: worker RSS after load: max {max(rss) / 1024:.1f} MiB, "
              f"total {sum(rss) / 1024:.1f} MiB over {len(rss)} workers")
    finally:
        stack.stop()
        stack.cleanup()


if __name__ == "__main__":
    main()
