"""Objects the permission tests need beyond the demo seed: accounts, venues and tokens in
Hà Nội (01) and in Hồ Chí Minh (79, another shard), made through the CLI and, where the
product has no way yet (venues before the venue issue), by SQL as test set-up."""
import re
import subprocess

from harness import Browser, check, DEMO_PASSWORD

OTP = re.compile(rb"one-time password: (\S+)")


def sql(stack, statement):
    r = subprocess.run(["mariadb", f"--defaults-file={stack.var}/my.cnf", "-u", "root", "-N", "-B", "-e", statement],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(r.returncode == 0, r.stderr)
    return r.stdout.decode().strip()


def separate_id_ranges(stack):
    """Ids are per shard, so an object of another province could share its id with one here and
    a test of "another province's object" would hit a local one. Start Hồ Chí Minh's shard far
    above anything Hà Nội has."""
    for table in ("accounts", "venues", "api_tokens"):
        sql(stack, f"ALTER TABLE vaora_s2.{table} AUTO_INCREMENT = 1000000")


def add_account(stack, province, role, login, areas=None):
    args = ["account", "add", "--province", province, "--role", role, "--login", login]
    if areas:
        args += ["--areas", areas]
    r = stack.vaora(*args)
    check(r.returncode == 0, r.stderr)
    password = OTP.search(r.stdout).group(1).decode()
    db = "vaora_s2" if province == "79" else "vaora_s1"
    code = "00" if role == "operator" else province
    account_id = int(sql(stack, f"SELECT id FROM {db}.accounts WHERE province = '{code}' AND login = '{login}'"))
    return account_id, password


def login_with_new_password(stack, slug, login, one_time):
    """Logs in with a one-time password and sets DEMO_PASSWORD, as a new staff member would."""
    b = Browser(stack)
    r = b.login(login, one_time, slug)
    check(r.status == 303 and r.header("Location").endswith("/password"), (r.status, r.header("Location")))
    r = b.post_form(f"/{slug}/password", {"current": one_time, "password": DEMO_PASSWORD, "repeat": DEMO_PASSWORD})
    check(r.status == 200 and "Đã đổi mật khẩu" in r.text, (r.status, r.text[:300]))
    return b


def add_venue(stack, province, name, area, category="shop"):
    db = "vaora_s2" if province == "79" else "vaora_s1"
    sql(stack, f"INSERT INTO {db}.venues (province, name, address, area_code, category, created_at)"
               f" VALUES ('{province}', '{name}', 'test address', '{area}', '{category}', '2026-01-01')")
    return int(sql(stack, f"SELECT MAX(id) FROM {db}.venues WHERE province = '{province}'"))


def make_manager(stack, province, venue_id, login):
    db = "vaora_s2" if province == "79" else "vaora_s1"
    account = sql(stack, f"SELECT id FROM {db}.accounts WHERE province = '{province}' AND login = '{login}'")
    sql(stack, f"INSERT INTO {db}.venue_staff (province, venue_id, account_id, kind)"
               f" VALUES ('{province}', {venue_id}, {account}, 'manager')")


def add_token_row(stack, province, label):
    db = "vaora_s2" if province == "79" else "vaora_s1"
    sql(stack, f"INSERT INTO {db}.api_tokens (province, token_hash, role, label, created_by, created_at)"
               f" VALUES ('{province}', RANDOM_BYTES(32), 'tracer', '{label}', 1, '2026-01-01')")
    return int(sql(stack, f"SELECT MAX(id) FROM {db}.api_tokens WHERE province = '{province}'"))


def demo_venue_id(stack):
    return int(sql(stack, "SELECT id FROM vaora_s1.venues WHERE province = '01' AND name = 'Chợ Đồng Xuân (demo)'"))
