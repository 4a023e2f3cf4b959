"""Fault drills of a shard on a 3-node Galera cluster (deploy/galera/cluster.sh), under
check-in load from clients that retry each check-in with its own key until confirmed:

1. kill -9 of the node every worker writes to (the first), then its restart: writes move to
   the next node; the stall is the longest any check-in waited for its confirmation (target
   3 s); after the node rejoins, all three nodes hold every acknowledged check-in once.
2. the node written to then (the second, until the workers come back to the first) frozen with SIGSTOP (cut off from the others as by a partition): the
   other two go on once it is evicted, the workers leave it after db_io_timeout; after it
   resumes and rejoins, every node holds every acknowledged check-in once.

Prints `acknowledged N, lost L, doubled D, stall S s` for each and exits 1 unless nothing was
lost, doubled or left out of a node.

    python3 tests/faults/galera_crash.py [--short | SECONDS_BEFORE_FAULT [SECONDS_AFTER_REPAIR]]
"""
import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import drill
import bench_load
import harness

CLUSTER = os.path.join(harness.ROOT, "deploy", "galera", "cluster.sh")
NODES = 3
FAST_WORKERS = "8"
# Seconds a worker waits on a frozen node before it leaves it (the drill's db_io_timeout; the
# stack's migrations at start must fit in it too, on a busy machine).
IO_TIMEOUT = "10"
# A frozen node is evicted after evs.inactive_timeout (3 s in cluster.sh); it stays frozen
# this long, well past that.
FROZEN_SECONDS = 8
STALL_TARGET = 3.0


class Cluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vaora-galera.")
        self.env = dict(os.environ, GALERA_DIR=self.dir, GALERA_NODES=str(NODES), GALERA_BASE_PORT=str(free_base()))

    def run(self, *args):
        r = subprocess.run([CLUSTER, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"cluster.sh {' '.join(args)}: {r.stdout}")
        return r.stdout

    def socket(self, n):
        with open(os.path.join(self.dir, "sockdir")) as f:
            return os.path.join(f.read().strip(), f"node{n}.sock")

    def sql(self, n, statement):
        return self.run("sql", str(n), statement).strip()

    @contextlib.contextmanager
    def running(self):
        try:
            self.run("start")
            yield self
        finally:
            subprocess.run([CLUSTER, "stop"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=300)
            if not os.environ.get("KEEP_GALERA"):
                shutil.rmtree(self.dir, ignore_errors=True)


def free_base():
    """A base port whose four ports per node are free on 127.0.0.1 now."""
    for _ in range(50):
        base = random.randrange(20000, 40000, 100)
        ports = [base + 10 * n + k for n in range(1, NODES + 1) for k in range(4)]
        if all(port_free(p) for p in ports):
            return base
    raise RuntimeError("no free ports for the cluster")


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class ClusterStack(bench_load.BenchStack):
    """The release build with shard s1 on the cluster; the test's own SQL goes to node 3, which
    the drills harm only if the workers write to it (they prefer 1, then 2)."""

    def __init__(self, cluster):
        super().__init__(FAST_WORKERS)
        self.cluster = cluster

    def env(self):
        e = super().env()
        e["VAORA_S1_NODES"] = ",".join(f"unix:{self.cluster.socket(n)}" for n in range(1, NODES + 1))
        e["VAORA_DB_IO_TIMEOUT"] = IO_TIMEOUT
        return e

    def mariadb_options(self):
        return [f"--socket={self.cluster.socket(3)}"]


def writing_node(stack):
    """The node the workers write to, as most of a few /healthz answers say (each answer is one
    worker's), and the last answer's nodes."""
    seen = []
    for _ in range(9):
        body = json.loads(stack.get("/healthz").body)
        nodes = [s for s in body["shards"] if s["name"] == "s1"][0]["nodes"]
        seen += [n["node"] for n in nodes if n["writing"]]
    return max(set(seen), key=seen.count), nodes


# Ids of confirmed check-ins looked up per statement.
ID_CHUNK = 5000


def held_by_every_node(cluster, load):
    """Per node: (confirmed check-ins present, rows of the drill's venues)."""
    confirmed = sorted({v for c in load.clients for v in c.confirmed.values()})
    # In chunks: one argument of cluster.sh holds at most 128 KiB (the kernel's MAX_ARG_STRLEN).
    chunks = [",".join(str(i) for i in confirmed[at:at + ID_CHUNK]) for at in range(0, len(confirmed), ID_CHUNK)]
    per_node = []
    for n in range(1, NODES + 1):
        present = sum(int(cluster.sql(n, f"SELECT COUNT(*) FROM vaora_s1.checkins WHERE province = '01'"
                                         f" AND id IN ({ids})")) for ids in chunks)
        rows = int(cluster.sql(n, f"SELECT COUNT(*) FROM vaora_s1.checkins WHERE {load.where()}"))
        per_node.append((present, rows))
    return len(confirmed), per_node


def member(cluster, n):
    """Whether node n is a synced member of the whole primary component (an evicted node may
    still say Synced of itself for a moment, in a component of one)."""
    try:
        status = dict(line.split("\t") for line in cluster.sql(n, "SHOW STATUS WHERE Variable_name IN "
                      "('wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_cluster_size')").splitlines())
    except RuntimeError:
        return False
    return (status.get("wsrep_local_state_comment") == "Synced" and status.get("wsrep_cluster_status") == "Primary"
            and status.get("wsrep_cluster_size") == str(NODES))


def wait_synced(cluster, n, seconds=120):
    """Node n a member twice in a row, a second apart, within seconds."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if member(cluster, n):
            time.sleep(1)
            if member(cluster, n):
                return True
        time.sleep(0.2)
    return False


def restart(cluster, n):
    cluster.run("restart", str(n))
    return "was started again"


def resume(cluster, n):
    """SIGCONT to a frozen node. A node the others evicted meanwhile may find itself out of
    the cluster and stop; an operator then starts it again, and so does the drill (said in
    the report)."""
    cluster.run("resume", str(n))
    if wait_synced(cluster, n, 30):
        return "rejoined by itself"
    cluster.run("restart", str(n))
    return "left the cluster and was started again"


def backup_while_down(stack, victim):
    """`vaora backup` with node victim down: it must dump shard s1 from another node. True when
    it did (its line for s1 names a node other than victim), printed either way."""
    to = tempfile.mkdtemp(prefix="vaora-galera-backup.")
    try:
        r = stack.vaora("backup", "--to", os.path.join(to, "b"))
        said = (r.stdout + r.stderr).decode(errors="replace")
        line = next((x for x in said.splitlines() if x.startswith("backup: shard s1 ")), "")
        ok = r.returncode == 0 and line != "" and f"node {victim} of" not in line
        print(f"drill galera-kill: backup while node {victim} is down: {'ok' if ok else 'FAILED'}: "
              f"{line or said.strip()[-300:]}")
        return ok
    finally:
        shutil.rmtree(to, ignore_errors=True)


def phase(name, stack, cluster, before, after, fault, repair, detail, while_down=None):
    """Load, then fault(node) of the node written to, after seconds repair(node); counts.
    while_down(stack, node), when given, runs once the fault is in place: its truth is part of
    the phase's."""
    load = drill.Load(stack)
    log_mark = len(stack.log())
    load.start()
    time.sleep(before)
    victim, _ = writing_node(stack)
    fault(victim)
    started = time.monotonic()
    done_while_down = while_down(stack, victim) if while_down else True
    time.sleep(max(0.0, after - (time.monotonic() - started)))
    repaired = repair(victim)
    rejoined = wait_synced(cluster, victim)
    time.sleep(after)
    load.stop()
    acknowledged, per_node = held_by_every_node(cluster, load)
    ok = drill.report(name, load, f"{detail.format(victim)}; after the repair node {victim} "
                      f"{repaired}, synced: "
                      f"{'yes' if rejoined else 'no'}; per node "
                      f"(acknowledged present, rows): {per_node}")
    errors = sorted({line.split(" db: ", 1)[1][:160] for line in stack.log()[log_mark:].splitlines()
                     if " error " in line and " db: " in line})
    print(f"drill {name}: database errors the workers logged: {len(errors)} kinds")
    for e in errors[:8]:
        print(f"drill {name}:   {e}")
    stall = max(c.longest_wait for c in load.clients)
    print(f"drill {name}: stall {stall:.1f} s against the target {STALL_TARGET} s: "
          f"{'met' if stall <= STALL_TARGET else 'missed'}")
    # While a node goes, vaora says 503 with Retry-After (or a connection is cut); never a 500.
    unexpected = {kind: n for kind, n in load.refusals().items() if kind not in ("503+Retry-After", "no answer")}
    if unexpected:
        print(f"drill {name}: answers other than 503 with Retry-After: {unexpected}")
    return ok and rejoined and not unexpected and done_while_down and \
        all(p == (acknowledged, acknowledged) for p in per_node)


def run(before, after):
    cluster = Cluster()
    with cluster.running():
        with ClusterStack(cluster).running() as stack:
            writing, nodes = writing_node(stack)
            print(f"drill galera: cluster of {NODES} nodes; /healthz says of shard s1: {nodes}")
            killed = phase("galera-kill", stack, cluster, before, after,
                           lambda n: cluster.run("kill", str(n)), lambda n: restart(cluster, n),
                           "kill -9 of node {}, the node written to, then its restart", backup_while_down)
            frozen = phase("galera-partition", stack, cluster, before, FROZEN_SECONDS,
                           lambda n: cluster.run("pause", str(n)), lambda n: resume(cluster, n),
                           "node {}, the node written to, frozen (SIGSTOP) " + f"{FROZEN_SECONDS} s, then resumed")
            return killed and frozen and writing == 1


if __name__ == "__main__":
    sys.exit(0 if run(*drill.seconds_from_argv()) else 1)
