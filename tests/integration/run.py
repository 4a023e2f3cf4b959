"""Starts a throw-away stack, runs the integration tests and then the browser suite against it,
stops it whatever happens.

    python3 tests/integration/run.py                       every module, then the browser suite
    python3 tests/integration/run.py --only browser        only the browser suite (fresh stack)
    python3 tests/integration/run.py --only pages --only browser --browser-filter login
"""
import argparse
import importlib
import os
import signal
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))

import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# Modules whose place matters: FIRST run first and LAST last, each in its order; every other
# module runs between them in name order, so a new test_*.py runs without being listed anywhere.
FIRST = [
    "pages",         # counts the demo seed's figures (12 wards, one venue) on the fresh stack
    "venues",        # registers a venue test_posters registers too, and reads it back by name
]
LAST = [
    "retention",     # `vaora purge` with the clock 31 days on drops the day's check-ins
    "metrics",       # runs `vaora purge` itself (after retention's clock games) and kills the
                     # workers' database connections
    "throttling",    # failed logins counted in the database, and a reload (SIGHUP)
    "edge",          # uses up nginx's per-address limits
    "counters",      # kills the counters' folder and MariaDB under load, then starts MariaDB again
    "resilience",    # stops and restarts parts of the stack
    "logs",          # greps every log for every test person, so it comes after all of them
]


def module_order(names):
    """The names of the test modules (without test_) in the order they run: FIRST, the others in
    name order, LAST."""
    missing = [n for n in FIRST + LAST if n not in names]
    if missing:
        sys.exit(f"run.py: FIRST or LAST names modules that do not exist: {', '.join(missing)}")
    return FIRST + [n for n in sorted(names) if n not in FIRST + LAST] + LAST


def discover():
    """Every tests/integration/test_*.py, imported, in module_order."""
    names = [f.removeprefix("test_").removesuffix(".py") for f in os.listdir(HERE)
             if f.startswith("test_") and f.endswith(".py")]
    return [importlib.import_module("test_" + n) for n in module_order(names)]


MODULES = discover()


BROWSER_RUNNER = os.path.join(harness.ROOT, "tests", "browser", "run.mjs")
# A loose bound on the whole browser suite (it takes well under a minute now).
BROWSER_SECONDS = 900


def record(results, label, ok):
    if results:
        with open(results, "a") as f:
            f.write(f"{label} 1 {0 if ok else 1}\n")


def run_browser(stack, results, test_filter=None):
    """tests/browser/run.mjs against the running stack; its lines go to results. A missing node
    or chromium, or a runner that dies, is a counted failure. Returns (passed, failed)."""
    print("== browser")
    node = shutil.which("node")
    if not node:
        print("  FAIL browser:setup: no `node` command; deploy/deps.sh installs nodejs and npm")
        record(results, "browser:setup", False)
        return 0, 1
    env = stack.env()
    env["VAORA_URL"] = f"http://127.0.0.1:{stack.port}"
    fd, own = tempfile.mkstemp(prefix="browser-results.", dir=stack.dir)
    os.close(fd)
    env["VAORA_RESULTS"] = own
    sys.stdout.flush()
    # Its own process group, so a runaway chromium goes with node on a timeout.
    p = subprocess.Popen([node, BROWSER_RUNNER] + ([test_filter] if test_filter else []), env=env,
                         start_new_session=True)
    try:
        rc = p.wait(timeout=BROWSER_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        print(f"  FAIL browser:run: the suite took longer than {BROWSER_SECONDS} s and was killed")
        rc = None
    with open(own) as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    failed = sum(line.endswith(" 1 1") for line in lines)
    if rc != 0 and failed == 0:
        if rc is not None:
            print(f"  FAIL browser:run: tests/browser/run.mjs exited with {rc} and recorded no failure")
        lines.append("browser:run 1 1")
        failed = 1
    elif rc == 0 and not lines:
        print("  FAIL browser:run: no browser test ran")
        lines.append("browser:run 1 1")
        failed = 1
    if results:
        with open(results, "a") as f:
            f.write("".join(line + "\n" for line in lines))
    return len(lines) - failed, failed


def parse_args():
    names = ["browser"] + [m.__name__.removeprefix("test_") for m in MODULES]
    ap = argparse.ArgumentParser(description="integration and browser tests against a throw-away stack")
    ap.add_argument("--only", action="append", choices=names, metavar="NAME",
                    help=f"run only these suites (repeatable): {', '.join(names)}")
    ap.add_argument("--browser-filter", metavar="SUBSTRING", help="only browser tests whose label contains it")
    return ap.parse_args()


def main():
    args = parse_args()
    only = set(args.only or [])
    modules = [m for m in MODULES if not only or m.__name__.removeprefix("test_") in only]
    browser = not only or "browser" in only
    stack = harness.Stack()
    results = os.environ.get("VAORA_RESULTS")
    passed = failed = b_passed = b_failed = 0
    try:
        stack.start()
        print(f"  stack on http://127.0.0.1:{stack.port}/ in {stack.dir}")
        if modules:
            passed, failed = harness.run_tests(stack, modules, results)
        if browser:
            b_passed, b_failed = run_browser(stack, results, args.browser_filter)
    except Exception as e:
        print(f"integration: could not run: {e}")
        record(results, "integration:start", False)
        failed += 1
    finally:
        stack.stop()
        if os.environ.get("VAORA_KEEP_STACK"):
            print(f"  kept {stack.dir}")
        else:
            stack.cleanup()
    if modules:
        print(f"integration: {passed} passed, {failed} failed")
    if browser:
        print(f"browser: {b_passed} passed, {b_failed} failed")
    return 1 if failed or b_failed else 0


if __name__ == "__main__":
    sys.exit(main())
