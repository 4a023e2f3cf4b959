"""Personal data of residents is never stored or logged in clear.

Personal data is put in through every way the system has at this time, then a mariadb-dump of
the database (with and without --hex-blob), the nginx, application and MariaDB logs and every
other file of the stack's state folder (the database's own files and redo log included) are
searched for every value, in NFC and in NFD: nothing may be found in clear. The test then shows
that it can find things: the values come back decrypted from `vaora people show` (so they were
really stored), and a known non-secret value is found by the same search of the same dump."""
import json
import os
import stat
import subprocess
import unicodedata
import urllib.parse

from harness import check

PROVINCE = "01"
# Stored in clear by design (a venue's name is public), so the search must find it.
KNOWN_CLEAR_VALUE = "Chợ Đồng Xuân (demo)"
# Databases of the stack's two shards.
DATABASES = ["vaora_s1", "vaora_s2"]


def people_for(index):
    """Two residents with values no other test uses, distinct for each way (index). The second
    is typed the other way round: name in NFD, phone in the +84 form."""
    tag = chr(ord("A") + index)
    return [
        {"name": f"Nguyễn Thị Hồng Nhung Thử {tag}",
         "phone": f"0986 472 3{index}5", "phone_normal": f"09864723{index}5",
         "id_number": f"0791 2345 6{index}08", "id_normal": f"079123456{index}08",
         "address": f"Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm {tag}", "birth_year": "1980"},
        {"name": unicodedata.normalize("NFD", f"Trần Văn Đức Thử {tag}"),
         "phone": f"+84 912 876 5{index}3", "phone_normal": f"09128765{index}3",
         "id_number": f"00112233{index}455", "id_normal": f"00112233{index}455",
         "address": unicodedata.normalize("NFD", f"Thôn Đông, xã Ứng Hòa, huyện Mỹ Đức {tag}"),
         "birth_year": "1992"},
    ]


def enter_by_cli(stack, person):
    r = stack.vaora("people", "add", "--province", PROVINCE, "--name", person["name"], "--phone", person["phone"],
                    "--id-number", person["id_number"], "--address", person["address"],
                    "--birth-year", person["birth_year"])
    check(r.returncode == 0 and r.stdout.startswith(b"person "), (r.returncode, r.stdout, r.stderr))


def enter_by_api(stack, person):
    import test_checkins
    api = test_checkins.Api(stack)
    r, body = api.post(person={"full_name": person["name"], "phone": person["phone"],
                               "id_number": person["id_number"], "address": person["address"],
                               "birth_year": person["birth_year"]})
    check(r.status == 201, (r.status, body))


def enter_by_page(stack, person):
    """The self check-in form, then a correction on "my data" (the same values typed again)."""
    import test_selfcheckin
    venue = test_selfcheckin.Venue(stack, "Privacy venue")
    phone = test_selfcheckin.Phone(stack)
    r = phone.first_checkin(venue, full_name=person["name"], phone=person["phone"], id_number=person["id_number"],
                            address=person["address"], birth_year=person["birth_year"])
    check(r.status == 200 and 'id="confirmation"' in r.text, r.status)
    me = phone.get("/ha-noi/me")
    csrf = test_selfcheckin.CSRF.search(me.text).group(1)
    r = phone.request("POST", "/ha-noi/me/0/update", body=urllib.parse.urlencode(
        {"csrf": csrf, "full_name": person["name"], "phone": person["phone"], "id_number": person["id_number"],
         "address": person["address"], "birth_year": person["birth_year"]}))
    check(r.status == 303, r.status)


# Every way personal data of residents enters the system, as (name, function(stack, person)):
# the people each enters are then searched for like the others. A new way must be added here.
WAYS = [("cli people add", enter_by_cli), ("api checkins", enter_by_api), ("check-in page", enter_by_page)]


def text_variants(value):
    """A text value as it could appear in a file: NFC and NFD, each as is, URL-encoded (a form
    or query string) and JSON-escaped."""
    out = set()
    for form in ("NFC", "NFD"):
        v = unicodedata.normalize(form, value)
        out.update({v, urllib.parse.quote_plus(v), urllib.parse.quote(v), json.dumps(v)[1:-1]})
    return out


def needles(person):
    """Every byte string that would show this person's data in clear."""
    phone_digits = "".join(c for c in person["phone"] if c.isdigit())
    # The 9 digits after the 0 or +84 are in every spelling of the number.
    values = {person["name"], person["address"], person["phone"], person["phone_normal"], phone_digits,
              person["phone_normal"][1:], person["id_number"], person["id_normal"]}
    return {v.encode("utf-8") for value in values for v in text_variants(value)}


def sql(stack, statement):
    r = subprocess.run(["mariadb", f"--defaults-file={stack.var}/my.cnf", "-u", "root", "-N", "-B", "-e", statement],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(r.returncode == 0, r.stderr)
    return r.stdout.decode().strip()


def dump(stack, *options):
    r = subprocess.run(["mariadb-dump", f"--defaults-file={stack.var}/my.cnf", "-u", "root", *options,
                        "--databases", *DATABASES], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    check(r.returncode == 0, ("mariadb-dump", options, r.stderr[-500:]))
    check(b"CREATE TABLE `people`" in r.stdout, "the dump has no people table")
    return r.stdout


def state_files(stack):
    """Every regular file of the state folder: logs, the database's files, nginx's files."""
    files = []
    for folder, _, names in os.walk(stack.var):
        for name in names:
            path = os.path.join(folder, name)
            if stat.S_ISREG(os.lstat(path).st_mode):
                files.append(path)
    return files


def read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:  # a temporary file of the database, gone meanwhile
        return b""


def audit_count(stack, action):
    return int(sql(stack, f"SELECT COUNT(*) FROM vaora_s1.audit_log WHERE action = '{action}'"))


def test_personal_data_is_nowhere_in_clear(stack):
    lookups_before = audit_count(stack, "person-lookup")
    creates_before = audit_count(stack, "person-create")
    entered = []
    for index, (way, enter) in enumerate(WAYS):
        for person in people_for(index):
            enter(stack, person)
            entered.append((way, person))

    # The data was really stored: each person comes back, decrypted, from an audited look-up.
    for way, person in entered:
        for option, value in (("--phone", person["phone"]), ("--id-number", person["id_number"])):
            r = stack.vaora("people", "show", "--province", PROVINCE, option, value)
            check(r.returncode == 0, (way, option, r.returncode, r.stderr))
            out = unicodedata.normalize("NFC", r.stdout.decode("utf-8"))
            for field, shown in (("name", person["name"]), ("address", person["address"]),
                                 ("phone", person["phone_normal"]), ("id number", person["id_normal"])):
                check(f"  {field}: {unicodedata.normalize('NFC', shown)}\n" in out,
                      (way, f"people show {option} does not print the {field}", out))
    check(audit_count(stack, "person-lookup") == lookups_before + 2 * len(entered),
          ("person-lookup audit entries", lookups_before, audit_count(stack, "person-lookup")))
    check(audit_count(stack, "person-create") == creates_before + len(entered),
          ("person-create audit entries", creates_before, audit_count(stack, "person-create")))

    dumps = {"mariadb-dump --hex-blob": dump(stack, "--hex-blob"), "mariadb-dump": dump(stack)}
    # The search works on these dumps: a value stored in clear by design is found.
    for name, text in dumps.items():
        check(KNOWN_CLEAR_VALUE.encode() in text,
              f"{name}: the known clear value {KNOWN_CLEAR_VALUE!r} is not found: the search is broken")

    files = state_files(stack)
    logs = {os.path.relpath(p, stack.var) for p in files if p.endswith(".log")}
    for expected in ("log/vaora.log", "log/nginx-error.log", "log/mariadb.log"):
        check(expected in logs, (f"no {expected} to search", sorted(logs)))
    check(os.path.getsize(os.path.join(stack.var, "log", "vaora.log")) > 0, "vaora.log is empty")
    # The database's own files are read too: the known value is found there as well.
    db_files = [p for p in files if p.startswith(os.path.join(stack.var, "db") + os.sep)]
    check(any(KNOWN_CLEAR_VALUE.encode() in read_bytes(p) for p in db_files),
          "the known clear value is in no file of the database folder: the file search is broken")

    leaks = []
    for way, person in entered:
        for needle in needles(person):
            for name, text in dumps.items():
                if needle in text:
                    leaks.append((way, name, needle))
    all_needles = {(way, n) for way, person in entered for n in needles(person)}
    for path in files:
        data = read_bytes(path)
        for way, needle in all_needles:
            if needle in data:
                leaks.append((way, os.path.relpath(path, stack.var), needle))
    check(not leaks, ("personal data found in clear", [(w, where, n.decode()) for w, where, n in leaks[:20]]))


def test_secret_file_is_private_and_holds_no_personal_data(stack):
    path = os.path.join(stack.var, "secret")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    check(mode == 0o600, f"var/secret has mode {oct(mode)}, not 0600")
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) > 0, "var/secret is empty")
    found = [n for index in range(len(WAYS)) for p in people_for(index) for n in needles(p) if n in data]
    check(not found, ("personal data in var/secret", [n.decode() for n in found]))
