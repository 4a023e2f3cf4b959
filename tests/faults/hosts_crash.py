"""Fault drill: two `vaora serve` hosts behind one nginx, kill -9 of one host's master under
check-in load, then that host's return.

The stack runs two serve instances, each on its own TCP addresses of 127.0.0.1 as worker hosts
on other machines listen (deploy/stack.sh VAORA_SERVE_HOSTS=2 and VAORA_SERVE_PORTS, with
fcgi_clients), nginx spreading the fast pool over both (upstreams.conf from `vaora nginx-conf`).
The killed master's workers die with it (parent-death signal); nginx then meets a refused
connection on that host's port and passes the request, unsent, to the other one
(fastcgi_next_upstream error), so few requests fail; a check-in that was sent to a dying worker is answered 502, never
re-sent by nginx, and the client retries it with its key. The other host must keep confirming
check-ins while one is down, and the killed host, started again, must be given requests again
once nginx's fail_timeout has passed. Afterwards every confirmed check-in is in the database
(lost 0), each key one row (doubled 0). Prints `acknowledged N, lost L, doubled D, stall S s`
with the failed tries, and exits 1 otherwise.

    python3 tests/faults/hosts_crash.py [--short | SECONDS_BEFORE_KILL [SECONDS_AFTER_RESTART]]
"""
import os
import signal
import sys
import time

import drill
import bench_load
from harness import alive, children, free_port, poll

FAST_WORKERS = "4"
HOSTS = "2"
# The host that is killed and started again (its files: vaora2.pid, vaora2.log).
KILLED = "vaora2"
# A worker whose master died notices at once (parent-death signal); loose for a busy machine.
ORPHAN_SECONDS = 10
# nginx leaves a failed server out for fail_timeout (10 s, cgi/nginx-conf.c), then tries it
# again; loose for a busy machine.
RETURN_SECONDS = 30


class TwoHostStack(bench_load.BenchStack):
    """The release build, two serve instances on TCP behind the stack's nginx: a fast and a
    slow port each, kept for restarts."""

    def __init__(self, fast_workers):
        super().__init__(fast_workers)
        self.serve_ports = " ".join(str(free_port()) for _ in range(2 * int(HOSTS)))

    def env(self):
        e = super().env()
        e["VAORA_SERVE_HOSTS"] = HOSTS
        e["VAORA_SERVE_PORTS"] = self.serve_ports
        return e


def checkins_logged(stack, name):
    """Check-ins a host's own log shows it answered (its access lines)."""
    try:
        with open(os.path.join(stack.var, "log", name + ".log")) as f:
            return sum(1 for line in f if " access " in line and "/api/v1/checkins" in line)
    except OSError:
        return 0


def fast_address(stack, name):
    """The fast pool's address in a host's configuration (the last setting wins)."""
    with open(os.path.join(stack.var, name + ".conf")) as f:
        return [line.split("=", 1)[1].strip() for line in f if line.startswith("fast_socket")][-1]


def confirmed(load):
    return sum(len(c.confirmed) for c in load.clients)


def failed_tries(load):
    return sum(load.refusals().values())


def run(before_kill, after_restart):
    with TwoHostStack(FAST_WORKERS).running() as stack:
        addresses = [fast_address(stack, name) for name in ("vaora", KILLED)]
        on_tcp = all(a.startswith("127.0.0.1:") for a in addresses) and addresses[0] != addresses[1]
        load = drill.Load(stack)
        load.start()
        time.sleep(before_kill)
        both_served = checkins_logged(stack, "vaora") > 0 and checkins_logged(stack, KILLED) > 0
        master = stack.pid(KILLED)
        old = [master] + children(master)
        failed_before = failed_tries(load)
        os.kill(master, signal.SIGKILL)
        killed = time.monotonic()
        orphans_gone = poll(lambda: not any(alive(p) for p in old), ORPHAN_SECONDS) is not None
        # The outage: the other host alone confirms check-ins.
        at_kill = confirmed(load)
        time.sleep(before_kill)
        served_alone = confirmed(load) - at_kill
        failed_during = failed_tries(load) - failed_before
        started = stack.stack("start")
        if started.returncode != 0:
            raise RuntimeError(f"the stack did not start again: {started.stdout}")
        back = time.monotonic() - killed
        returned_at = checkins_logged(stack, KILLED)
        picked_up = poll(lambda: checkins_logged(stack, KILLED) > returned_at, RETURN_SECONDS)
        time.sleep(after_restart)
        load.stop()
        left = [p for p in old if alive(p)]
        ok = drill.report("hosts-crash", load, f"2 hosts on {' and '.join(addresses)}, one master killed: its workers gone "
                          f"{'yes' if orphans_gone else 'no'}, the other host confirmed {served_alone} check-ins "
                          f"alone; {failed_during} tries failed from the kill to the restart, {failed_tries(load)} in all; "
                          f"the killed host started again after {back:.1f} s and "
                          + (f"given check-ins again {picked_up:.1f} s later" if picked_up is not None else "never given "
                             f"check-ins again in {RETURN_SECONDS} s"))
        return ok and on_tcp and both_served and orphans_gone and served_alone > 0 and picked_up is not None and not left


if __name__ == "__main__":
    sys.exit(0 if run(*drill.seconds_from_argv()) else 1)
