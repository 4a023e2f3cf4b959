"""The backup drill: check-ins of people with sealed personal data and sealed answers, and their
audit entries, are backed up with `vaora backup`, the databases are dropped, `vaora restore`
brings them back, and vaora's own pages and command line show every person and answer
decrypted, the counts as they were and the audit log unchanged. Then the binary log, replayed
from the position the manifest recorded, brings back what was written after the backup."""
import json
import os
import re
import signal
import subprocess
import tempfile
import time

import fixtures
from test_answers import REASON, block_of, vn_date
from test_checkins import Api, NO
from harness import check, logged_in, poll

DATABASES = ["vaora_s1", "vaora_s2"]
# Tables whose rows the drill counts before and after: the truth and its trail.
COUNTED = ["checkins", "people", "audit_log", "accounts", "venues", "sessions"]
# Someone added from the command line, with every sealed field.
PERSON = {"name": "Lê Thị Sao Lưu", "phone": "0977 312 604", "phone_normal": "0977312604",
          "id_number": "0791 8800 4417", "id_normal": "079188004417"}


# The drill's own case and contact (test_answers' world is changed by its own tests: one moves
# a ciphertext to another row on purpose).
CASE = {"full_name": "Phan Văn Sao Lưu", "phone": "0977312611", "birth_year": 1984}
CONTACT = {"full_name": "Võ Thị Dự Phòng", "phone": "0977312612", "birth_year": 1991}


class DrillWorld:
    """A case with a fever and a contact with a cough, checked in at one venue through the API."""

    def __init__(self, stack):
        self.api = Api(stack)
        now_ms = int(time.time() * 1000)
        for person, answers, at in ((CASE, dict(NO, fever="yes"), now_ms - 60_000),
                                    (CONTACT, dict(NO, cough="yes"), now_ms)):
            r, body = self.api.post(answers=answers, pressed_at_ms=at, person=person)
            check(r.status == 201, (r.status, body))
        self.tracer = logged_in(stack, "hn.tracer")

    def case_fields(self):
        now = time.time()
        return {"phone": CASE["phone"], "from": vn_date(now - 86400), "to": vn_date(now), "slack": "",
                "reason": REASON}


def counts(stack):
    return {(db, t): int(fixtures.sql(stack, f"SELECT COUNT(*) FROM {db}.{t}")) for db in DATABASES for t in COUNTED}


def audit_log(stack):
    """Every audit entry of both shards as text, in id order."""
    return {db: fixtures.sql(stack, f"SELECT * FROM {db}.audit_log ORDER BY id") for db in DATABASES}


def reload_workers(stack):
    """New workers with new connections (a restore dropped the databases under the old ones),
    as an operator restarts the service after a restore."""
    before = set(stack.worker_pids())
    os.kill(stack.pid("vaora"), signal.SIGHUP)
    check(poll(lambda: not before & set(stack.worker_pids()), 60) is not None, "workers were not replaced")
    check(poll(lambda: stack.get("/healthz").status == 200, 30) is not None, "not healthy after the reload")


def drop_and_recreate(stack):
    fixtures.sql(stack, "; ".join(f"DROP DATABASE {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4 "
                                  f"COLLATE utf8mb4_unicode_ci" for db in DATABASES))


def shows_decrypted(stack, person):
    r = stack.vaora("people", "show", "--province", "01", "--phone", person["phone"])
    out = r.stdout.decode()
    return r.returncode == 0 and f"  name: {person['name']}\n" in out and f"  id number: {person['id_normal']}\n" in out


def tracing_shows_answers(w):
    r = w.tracer.post_form("/ha-noi/tracing", w.case_fields())
    visits = re.search(r'<table tabindex="0" id="case-visits">(.*?)</table>', r.text, re.S)
    return r.status == 200 and visits and "Sốt: Có · Ho: Không" in visits.group(1) and \
        "Sốt: Không · Ho: Có" in block_of(r.text, CONTACT["full_name"])


def binlog_position(stack):
    row = fixtures.sql(stack, "SHOW MASTER STATUS").split("\t")
    return row[0], int(row[1])


def replay_binlog(stack, database, start_file, start_pos, stop_file, stop_pos):
    """mariadb-binlog from the backup's position to just before the drop, for one database."""
    logs = [line.split("\t")[0] for line in fixtures.sql(stack, "SHOW BINARY LOGS").splitlines()]
    files = [os.path.join(stack.var, "db", f) for f in logs[logs.index(start_file):logs.index(stop_file) + 1]]
    dump = subprocess.run(["mariadb-binlog", f"--database={database}", f"--start-position={start_pos}",
                           f"--stop-position={stop_pos}", *files], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)
    check(dump.returncode == 0, dump.stderr)
    load = subprocess.run(["mariadb", f"--defaults-file={stack.var}/my.cnf", "-u", "root", database],
                          input=dump.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    check(load.returncode == 0, load.stderr)


def test_a_backup_restored_into_empty_databases_brings_back_every_checkin_person_answer_and_audit_entry(stack):
    w = DrillWorld(stack)
    r = stack.vaora("people", "add", "--province", "01", "--name", PERSON["name"], "--phone", PERSON["phone"],
                    "--id-number", PERSON["id_number"])
    check(r.returncode == 0, r.stderr)
    check(shows_decrypted(stack, PERSON) and tracing_shows_answers(w), "the drill's data is not readable before")
    before, audit_before = counts(stack), audit_log(stack)
    check(before[("vaora_s1", "checkins")] >= 2 and before[("vaora_s1", "audit_log")] > 0, before)

    folder = tempfile.mkdtemp(prefix="backup.", dir=stack.dir)
    target = os.path.join(folder, "b")
    r = stack.vaora("backup", "--to", target)
    check(r.returncode == 0, (r.returncode, r.stderr))
    with open(os.path.join(target, "manifest.json")) as f:
        manifest = json.load(f)
    check([s["shard"] for s in manifest["shards"]] == ["s1", "s2"], manifest["shards"])
    for shard, db in zip(manifest["shards"], DATABASES):
        rows = {t["name"]: t["rows"] for t in shard["tables"]}
        for t in COUNTED:
            check(rows[t] == before[(db, t)], (db, t, rows[t], before[(db, t)]))
        check(shard["binlog"] and shard["binlog"]["position"] > 0, ("no binary log position", shard["binlog"]))
        check(os.stat(os.path.join(target, shard["file"])).st_mode & 0o077 == 0, "a dump others may read")
    check(manifest["taken_at_utc"] and manifest["vaora_version"], manifest)
    # The secret is not in the backup: none of its key material appears in any file.
    with open(os.path.join(stack.var, "secret")) as f:
        material = re.findall(r"= (\S{20,})$", f.read(), re.M)
    check(material, "no key material found in the secret file")
    for name in os.listdir(target):
        with open(os.path.join(target, name), errors="replace") as f:
            text = f.read()
        check(not any(m in text for m in material), (name, "holds the instance secret's key material"))
    check(stack.vaora("backup", "--to", target).returncode != 0, "a second backup overwrote the first")

    # Written after the backup: only the binary log has it.
    r, body = w.api.post(key="after-the-backup-1")
    check(r.status == 201, (r.status, body))

    # A restore over live data is refused, and changes nothing.
    r = stack.vaora("restore", "--from", target)
    check(r.returncode != 0 and b"already has" in r.stderr, (r.returncode, r.stderr))
    at_drop = counts(stack)
    check(at_drop[("vaora_s1", "checkins")] == before[("vaora_s1", "checkins")] + 1, "the refused restore changed rows")

    stop_file, stop_pos = binlog_position(stack)
    drop_and_recreate(stack)
    check(int(fixtures.sql(stack, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA IN "
                                  "('vaora_s1', 'vaora_s2')")) == 0, "the databases were not emptied")
    r = stack.vaora("restore", "--from", target)
    check(r.returncode == 0, (r.returncode, r.stdout, r.stderr))
    check(r.stdout.decode().count("every table's rows and checksum as in the manifest") == 2, r.stdout)
    reload_workers(stack)
    # Read before anything writes: tracing and look-ups add audit entries.
    check(counts(stack) == before, ("counts after the restore", counts(stack), before))
    check(audit_log(stack) == audit_before, "the audit log differs after the restore")
    check(shows_decrypted(stack, PERSON), "the person added by the command line does not decrypt")
    check(tracing_shows_answers(w), "tracing does not show the restored answers decrypted")

    # Point-in-time recovery: the backup again into emptied databases, then each database's
    # binary log from the manifest's position to just before the first drop.
    drop_and_recreate(stack)
    r = stack.vaora("restore", "--from", target)
    check(r.returncode == 0, (r.returncode, r.stderr))
    for shard, db in zip(manifest["shards"], DATABASES):
        replay_binlog(stack, db, shard["binlog"]["file"], shard["binlog"]["position"], stop_file, stop_pos)
    reload_workers(stack)
    check(counts(stack) == at_drop, ("counts after the replay", counts(stack), at_drop))
    check(shows_decrypted(stack, PERSON) and tracing_shows_answers(w), "not readable after the replay")
