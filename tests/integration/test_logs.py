"""The logs: one access line per request with a request id that the request's error lines and
nginx's line repeat; the log file reopened on SIGUSR1 (what logrotate sends); and, after every
other module has run, no line of any log of the stack holds a test person's name, phone or ID
number."""
import glob
import os
import re
import signal
import subprocess
import unicodedata
import uuid

import fixtures
from harness import ROOT, check, logged_in, poll

REQ = re.compile(r" req=([0-9a-f-]+) ")


def log_lines(stack, name="vaora.log"):
    return stack.log(name).splitlines()


def kill_worker_connections(stack):
    ids = fixtures.sql(stack, "SELECT GROUP_CONCAT(id) FROM information_schema.PROCESSLIST WHERE USER = 'vaora'")
    for i in ids.split(","):
        if i and i != "NULL":
            subprocess.run(["mariadb", f"--defaults-file={stack.var}/my.cnf", "-u", "root", "-e", f"KILL {i}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)


def test_an_error_line_carries_the_request_id_of_its_access_line_and_of_nginx_line(stack):
    admin = logged_in(stack, "hn.admin")
    mark = len(log_lines(stack))
    kill_worker_connections(stack)

    def db_line_seen():
        admin.get("/ha-noi/venues")
        return any(" db: " in x and REQ.search(x) for x in log_lines(stack)[mark:])
    check(poll(db_line_seen, 30) is not None, ("no database error line with a request id", log_lines(stack)[mark:][-5:]))
    lines = log_lines(stack)[mark:]
    error = next(x for x in lines if " db: " in x and REQ.search(x))
    rid = REQ.search(error).group(1)
    access = [x for x in lines if " access " in x and f" req={rid} " in x]
    check(len(access) == 1, ("the error's request has no single access line", rid, lines[-8:]))
    check(len(rid) == 32, ("not nginx's $request_id", rid))
    check(poll(lambda: f"req={rid}" in stack.log("nginx-access.log"), 5) is not None,
          ("nginx's access line lacks the id", rid))
    # Every access line names its request, and no two requests share an id.
    ids = [REQ.search(x).group(1) for x in lines if " access " in x]
    check(len(ids) == len(set(ids)) == len([x for x in lines if " access " in x]), "access lines without unique ids")


def test_the_log_file_is_reopened_on_sigusr1_by_the_master_and_every_worker(stack):
    log = os.path.join(stack.var, "log", "vaora.log")
    rotated = log + ".1"
    os.rename(log, rotated)
    os.kill(stack.pid("vaora"), signal.SIGUSR1)
    check(poll(lambda: os.path.exists(log), 10) is not None, "no new log file after SIGUSR1")
    # More requests than workers: each is answered by some worker, and all of them must write
    # to the new file.
    probes = [f"/healthz?reopen-probe={i}" for i in range(24)]
    for p in probes:
        check(stack.get(p).status == 200, p)
    with open(rotated, errors="replace") as f:
        old = f.read()
    # The log masks query values: each probe's line reads "GET /healthz?reopen-probe=* 200".
    check(poll(lambda: stack.log().count("GET /healthz?reopen-probe=* 200") == len(probes), 10) is not None,
          ("requests after the reopen are missing from the new file", stack.log()[-500:]))
    check("reopen-probe" not in old, "a worker still writes to the rotated file")
    check("serve: log reopened" in stack.log(), "the master did not say it reopened")
    # The shipped logrotate file parses.
    r = subprocess.run(["logrotate", "-d", "-s", os.path.join(stack.dir, "logrotate.state"),
                        os.path.join(ROOT, "deploy", "logrotate", "vaora.logrotate")], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    check(r.returncode == 0 and b"error" not in r.stdout.lower(), r.stdout)


def personal_values():
    """The names, phones and ID numbers the test suites give their people, read from their
    sources: as typed and normalized, in NFC and NFD."""
    sources = glob.glob(os.path.join(ROOT, "tests", "integration", "*.py")) + \
        glob.glob(os.path.join(ROOT, "tests", "browser", "*.mjs"))
    names, numbers = set(), set()
    for path in sources:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        names |= set(re.findall(r'(?:full_name|_NAME|"name"|"--name",)\s*[=:,]?\s*f?["\']([^"\'{}\n]{6,60})["\']', text))
        for n in re.findall(r'["\'](\+84[\d .]{9,14}|0[1-9][\d .]{8,13})["\']', text):
            numbers.add(n)
            digits = re.sub(r"\D", "", n)
            numbers.add("0" + digits[2:] if digits.startswith("84") else digits)
        for n in re.findall(r'["\'](\d{3,4}[ .]?\d{4}[ .]?\d{4,5})["\']', text):
            numbers.add(n)
            numbers.add(re.sub(r"\D", "", n))
    # Venue, area and province names are public and may be logged; keep people's names only.
    names = {n for n in names if not re.search(r"(?i)chợ|venue|demo|phường|xã|tỉnh|thành phố|bệnh viện|trường|"
                                               r"phở|cửa hàng|quán|shop|market|kiosk|office|area|ward|test venue", n)}
    # A person's name is two to six capitalized words of letters ("Nguyễn Thị Ánh Tuyết").
    names = {n for n in (unicodedata.normalize("NFC", x) for x in names)
             if 2 <= len(n.split()) <= 6 and all(w[0].isupper() and w.isalpha() for w in n.split())}
    names = {unicodedata.normalize(form, n) for n in names for form in ("NFC", "NFD")}
    numbers = {n for n in numbers if len(re.sub(r"\D", "", n)) >= 9}
    return names, numbers


def test_no_log_line_of_the_stack_holds_a_test_persons_name_phone_or_id_number(stack):
    names, numbers = personal_values()
    check(len(names) >= 10 and len(numbers) >= 10, ("too few values found in the sources", len(names), len(numbers)))
    # This module's own people, through the ways that log the most: an error, a 4xx, a replay.
    from test_checkins import Api
    api = Api(stack)
    own = {"full_name": "Đặng Thị Nhật Ký", "phone": "0918 404 277", "id_number": "0012 0300 9911",
           "birth_year": 1979}
    key = uuid.uuid4().hex
    r, body = api.post(key=key, person=own)
    check(r.status == 201, (r.status, body))
    check(api.post(key=key, person=own)[0].status in (200, 201), "replay")
    check(api.post(key=uuid.uuid4().hex, person=dict(own, phone="0918 404 27x"))[0].status == 400, "bad phone")
    kill_worker_connections(stack)
    api.post(key=uuid.uuid4().hex, person=own)
    names.add(own["full_name"])
    numbers |= {own["phone"], "0918404277", own["id_number"], "001203009911"}

    files = [p for p in glob.glob(os.path.join(stack.var, "log", "**"), recursive=True) if os.path.isfile(p)]
    check(any(p.endswith("vaora.log") for p in files) and any("nginx-access" in p for p in files), files)
    found = []
    for path in files:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        for value in names | numbers:
            if value in text:
                line = next(x for x in text.splitlines() if value in x)
                found.append((os.path.basename(path), value, line[:200]))
    check(not found, ("personal data in the logs", found[:10]))
