"""The production install (`make install`, deploy/install.sh): the FHS tree with its owners and
modes, the systemd units, each shard's databases with a service account that cannot change
tables, the migrations, a second run that changes nothing, and the installed binary serving
with the installed configuration. The databases go on the test stack's MariaDB, under names of
their own; the `vaora` system user is created on this machine, as the script does on a server."""
import grp
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time

from harness import ROOT, check

INSTALL = os.path.join(ROOT, "deploy", "install.sh")
RELEASE_BINARY = os.path.join(ROOT, "vaora")
# The relocated install's databases and accounts, apart from the stack's own (vaora_s1, vaora).
DATABASES = {"s1": "vaora_inst1", "s2": "vaora_inst2"}
SERVICE_ACCOUNT, MIGRATION_ACCOUNT = "vaora_inst", "vaora_inst_migrate"
SERVICE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE, EXECUTE"
# systemd-analyze's exposure score: up to 2.0 is "OK" (what a service without capabilities,
# with a read-only system and private /tmp scores); 10 is an unhardened unit.
EXPOSURE_MAX = 2.0
# An install with migrations on two shards takes ~20 s on the 2-core machines.
INSTALL_SECONDS = 600

# The relocated install shared by the tests below (they run in this file's order).
_relocated = {}


def run(cmd, env=None, **kw):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, env=e, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=INSTALL_SECONDS, **kw)


def fresh_root(prefix):
    """A folder the vaora user can walk through (mkdtemp makes 0700 ones)."""
    d = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(d, 0o755)
    return d


def attrs(path):
    st = os.lstat(path)
    return (oct(st.st_mode & 0o7777), pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name)


def snapshot(root):
    """Every path under root with its mode, owners, size and modification time."""
    out = {}
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(d, name)
            st = os.lstat(p)
            out[os.path.relpath(p, root)] = (st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtime_ns)
    return out


def check_tree(root, expected):
    for rel, want in expected.items():
        path = os.path.join(root, rel.lstrip("/"))
        check(os.path.exists(path), f"{rel} is missing")
        check(attrs(path) == want, (rel, attrs(path), "expected", want))


def conf_value(path, key):
    with open(path) as f:
        values = re.findall(rf"^{re.escape(key)} = (.*)$", f.read(), re.M)
    return values[-1] if values else None


def mysql_socket(stack):
    with open(os.path.join(stack.var, "sockdir")) as f:
        return os.path.join(f.read().strip(), "mysql.sock")


def admin_sql(stack, sql):
    r = run(["mariadb", f"--socket={mysql_socket(stack)}", "--batch", "--skip-column-names", "-e", sql])
    check(r.returncode == 0, (sql, r.stdout))
    return r.stdout


def grants(stack):
    return {a: admin_sql(stack, f"SHOW GRANTS FOR '{a}'@'localhost'") for a in (SERVICE_ACCOUNT, MIGRATION_ACCOUNT)}


def test_make_install_into_a_destdir_lays_out_the_fhs_tree_with_owners_and_modes(stack):
    dest = fresh_root("vaora-destdir.")
    try:
        r = run(["make", "--no-print-directory", "-C", ROOT, "install", f"DESTDIR={dest}"])
        check(r.returncode == 0, r.stdout[-3000:])
        share = "/usr/local/share/vaora"
        check_tree(dest, {
            "/usr/local/bin/vaora": ("0o755", "root", "root"),
            f"{share}/templates/html": ("0o755", "root", "root"),
            f"{share}/templates/i18n/vi.json": ("0o644", "root", "root"),
            f"{share}/templates/static/vaora.js": ("0o644", "root", "root"),
            f"{share}/schema/001-foundation.sql": ("0o644", "root", "root"),
            "/usr/local/share/doc/vaora/OPERATIONS.md": ("0o644", "root", "root"),
            "/etc/vaora": ("0o755", "root", "root"),
            "/etc/vaora/vaora.conf": ("0o640", "root", "vaora"),
            "/etc/vaora/provinces.conf": ("0o640", "root", "vaora"),
            "/etc/vaora/secrets": ("0o700", "vaora", "vaora"),
            "/var/lib/vaora": ("0o750", "vaora", "vaora"),
            "/var/log/vaora": ("0o750", "vaora", "vaora"),
            "/etc/systemd/system/vaora.service": ("0o644", "root", "root"),
            "/etc/systemd/system/vaora-purge.service": ("0o644", "root", "root"),
            "/etc/systemd/system/vaora-purge.timer": ("0o644", "root", "root"),
        })
        # Every template and migration, and nothing else.
        for part in ("templates", "schema"):
            src = {os.path.relpath(os.path.join(d, f), os.path.join(ROOT, part))
                   for d, _, fs in os.walk(os.path.join(ROOT, part)) for f in fs}
            got = {os.path.relpath(os.path.join(d, f), f"{dest}{share}/{part}")
                   for d, _, fs in os.walk(f"{dest}{share}/{part}") for f in fs}
            check(src == got, (part, sorted(src ^ got)[:10]))
        # A staged tree carries no secret: each machine makes its own.
        check(os.listdir(f"{dest}/etc/vaora/secrets") == [], os.listdir(f"{dest}/etc/vaora/secrets"))
        conf = f"{dest}/etc/vaora/vaora.conf"
        check(conf_value(conf, "templates_dir") == f"{share}/templates", conf_value(conf, "templates_dir"))
        check(conf_value(conf, "secret_file") == "/etc/vaora/secrets/instance-secret", conf_value(conf, "secret_file"))
        with open(f"{dest}/etc/systemd/system/vaora.service") as f:
            check("ExecStart=/usr/local/bin/vaora -c /etc/vaora/vaora.conf serve\n" in f.read(), "ExecStart")
        before = snapshot(dest)
        again = run(["make", "--no-print-directory", "-C", ROOT, "install", f"DESTDIR={dest}"])
        check(again.returncode == 0 and "install: nothing to change" in again.stdout, again.stdout[-2000:])
        check(snapshot(dest) == before, "a second staging changed the tree")
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def relocated(stack):
    """deploy/install.sh with PREFIX, SYSCONFDIR and LOCALSTATEDIR under one folder, as a
    server's install would be under / : first without databases, then, the shards pointed at
    the stack's MariaDB as an operator edits vaora.conf, in full."""
    if _relocated:
        check(_relocated.get("ready"), "the install failed in an earlier test")
        return _relocated
    root = fresh_root("vaora-inst.")
    env = {"PREFIX": f"{root}/usr/local", "SYSCONFDIR": f"{root}/etc", "LOCALSTATEDIR": f"{root}/var",
           "VAORA_BIN": RELEASE_BINARY}
    _relocated.update(root=root, env=env, conf=f"{root}/etc/vaora/vaora.conf", bin=f"{root}/usr/local/bin/vaora")
    first = run([INSTALL, "--no-database"], env=env)
    check(first.returncode == 0, first.stdout[-3000:])
    with open(_relocated["conf"]) as f:
        text = f.read()
    for name, db in DATABASES.items():
        text = re.sub(rf"^shard\.{name}\.socket = .*$", f"shard.{name}.socket = {mysql_socket(stack)}", text, flags=re.M)
        text = re.sub(rf"^shard\.{name}\.database = .*$", f"shard.{name}.database = {db}", text, flags=re.M)
        text = re.sub(rf"^shard\.{name}\.user = .*$", f"shard.{name}.user = {SERVICE_ACCOUNT}", text, flags=re.M)
        text = re.sub(rf"^shard\.{name}\.migrate_user = .*$", f"shard.{name}.migrate_user = {MIGRATION_ACCOUNT}",
                      text, flags=re.M)
    text = re.sub(r"^fast_socket = .*$", f"fast_socket = {root}/run/fast.sock", text, flags=re.M)
    text = re.sub(r"^slow_socket = .*$", f"slow_socket = {root}/run/slow.sock", text, flags=re.M)
    text = re.sub(r"^fast_workers = .*$", "fast_workers = 2", text, flags=re.M)
    with open(_relocated["conf"], "w") as f:
        f.write(text)
    full = run([INSTALL], env=env)
    _relocated["output"] = full.stdout
    check(full.returncode == 0, full.stdout[-3000:])
    _relocated["ready"] = True
    return _relocated


def test_install_makes_the_secrets_owned_by_vaora_and_the_migration_password_unreadable_to_it(stack):
    inst = relocated(stack)
    root = inst["root"]
    check_tree(root, {
        "/etc/vaora/secrets/instance-secret": ("0o600", "vaora", "vaora"),
        "/etc/vaora/secrets/db-password": ("0o600", "vaora", "vaora"),
        "/etc/vaora/db-migrate-password": ("0o640", "root", "vaora-migrate"),
    })
    check("vaora-migrate" not in run(["id", "-nG", "vaora"]).stdout, "the vaora user reads the migration password")


def test_install_creates_each_shard_database_with_a_service_account_that_cannot_change_tables(stack):
    inst = relocated(stack)
    out = inst["output"]
    for name, db in DATABASES.items():
        check(f"shard {name}: created database {db}" in out, out[-3000:])
    check("migrations applied over all shards" in out, out[-3000:])
    g = grants(stack)
    for db in DATABASES.values():
        check(f"GRANT {SERVICE_RIGHTS} ON `{db}`.* TO `{SERVICE_ACCOUNT}`@`localhost`" in g[SERVICE_ACCOUNT], g)
        check(f"GRANT ALL PRIVILEGES ON `{db}`.* TO `{MIGRATION_ACCOUNT}`@`localhost`" in g[MIGRATION_ACCOUNT], g)
        applied = admin_sql(stack, f"SELECT COUNT(*) FROM `{db}`.schema_migrations").strip()
        shipped = len([f for f in os.listdir(os.path.join(ROOT, "schema")) if f.endswith(".sql")])
        check(applied == str(shipped), (db, applied, shipped))
    with open(f"{inst['root']}/etc/vaora/secrets/db-password") as f:
        password = f.readline().strip()
    r = run(["mariadb", f"--socket={mysql_socket(stack)}", "-u", SERVICE_ACCOUNT, f"-p{password}", DATABASES["s1"],
             "-e", "CREATE TABLE intruder (a INT)"])
    check(r.returncode != 0 and "CREATE command denied" in r.stdout, r.stdout)
    r = run(["mariadb", f"--socket={mysql_socket(stack)}", "-u", SERVICE_ACCOUNT, f"-p{password}", DATABASES["s1"],
             "-e", "ALTER TABLE checkins DROP PARTITION p_future"])
    check(r.returncode != 0 and "denied" in r.stdout, r.stdout)


def test_a_second_install_changes_nothing(stack):
    inst = relocated(stack)
    before, grants_before = snapshot(inst["root"]), grants(stack)
    again = run([INSTALL], env=inst["env"])
    check(again.returncode == 0, again.stdout[-3000:])
    check("install: nothing to change" in again.stdout, again.stdout[-3000:])
    check(snapshot(inst["root"]) == before, "the second run changed files")
    check(grants(stack) == grants_before, "the second run changed the accounts' rights")
    # What is left for a person is printed each time.
    check("Left for you to do" in again.stdout and "systemctl enable --now vaora.service" in again.stdout,
          again.stdout[-2000:])


def test_install_says_when_a_shard_allows_fewer_connections_than_the_hosts_workers_hold(stack):
    """Each worker holds a connection to every shard: a MariaDB that allows fewer than this host's
    workers and a few more is named in what is left to do, and one that allows enough is not
    (the test stack's allows 500)."""
    inst = relocated(stack)
    check("max_connections" not in inst["output"], inst["output"][-2000:])
    with open(inst["conf"]) as f:
        kept = f.read()
    try:
        with open(inst["conf"], "w") as f:
            f.write(re.sub(r"^fast_workers = .*$", "fast_workers = 600", kept, flags=re.M))
        out = run([INSTALL], env=inst["env"]).stdout
    finally:
        with open(inst["conf"], "w") as f:
            f.write(kept)
    for name in DATABASES:
        check(f"shard {name}: MariaDB allows 500 connections and this host's vaora holds 610" in out, out[-3000:])


def test_the_installed_units_pass_systemd_analyze_verify_and_score_as_hardened(stack):
    inst = relocated(stack)
    units = [f"{inst['root']}/etc/systemd/system/{u}" for u in ("vaora.service", "vaora-purge.service",
                                                                "vaora-purge.timer")]
    # Offline: no systemd runs as pid 1 here; it checks directives and that ExecStart exists.
    r = run(["systemd-analyze", "verify"] + units)
    check(r.returncode == 0 and r.stdout.strip() == "", r.stdout)
    for unit in units[:2]:
        r = run(["systemd-analyze", "security", "--offline=yes", unit])
        m = re.search(r"Overall exposure level for \S+: ([0-9.]+)", r.stdout)
        check(m and float(m.group(1)) <= EXPOSURE_MAX, (unit, r.stdout[-400:]))
    with open(units[0]) as f:
        service = f.read()
    for line in ("User=vaora", "RuntimeDirectory=vaora", "Restart=on-failure", "ProtectSystem=strict",
                 "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "PrivateTmp=yes",
                 f"ExecStart={inst['bin']} -c {inst['conf']} serve"):
        check(line in service, f"vaora.service lacks {line!r}")


def as_service(inst, args, groups):
    """The installed binary as vaora.service (or the purge) runs it: the vaora user with the
    unit's supplementary groups, no capabilities, no new privileges."""
    return ["setpriv", "--reuid=vaora", "--regid=vaora", f"--groups={groups}", "--inh-caps=-all",
            "--bounding-set=-all", "--no-new-privs", inst["bin"], "-c", inst["conf"]] + args


def fastcgi_get(socket, path):
    env = {"REQUEST_METHOD": "GET", "SCRIPT_NAME": path, "REQUEST_URI": path, "DOCUMENT_URI": path,
           "SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1"}
    return run(["cgi-fcgi", "-bind", "-connect", socket], env=env)


def test_the_installed_binary_serves_with_the_installed_config_as_the_unit_runs_it(stack):
    inst = relocated(stack)
    run_dir = f"{inst['root']}/run"
    # What systemd's RuntimeDirectory=vaora makes.
    os.makedirs(run_dir, exist_ok=True)
    shutil.chown(run_dir, "vaora", "vaora")
    log = open(f"{inst['root']}/serve.log", "w")
    server = subprocess.Popen(as_service(inst, ["serve"], "www-data"), stdout=log, stderr=subprocess.STDOUT,
                              cwd=inst["root"])
    try:
        for _ in range(600):
            if os.path.exists(f"{run_dir}/fast.sock") or server.poll() is not None:
                break
            time.sleep(0.1)
        check(attrs(f"{run_dir}/fast.sock") == ("0o660", "vaora", "www-data"), attrs(f"{run_dir}/fast.sock"))
        r = None
        for _ in range(100):
            r = fastcgi_get(f"{run_dir}/fast.sock", "/healthz")
            if "Status: 200" in r.stdout:
                break
            time.sleep(0.1)
        check('"shards":[{"name":"s1","status":"up"},{"name":"s2","status":"up"}]' in r.stdout, r.stdout[-800:])
        # The first operator, made with the service account: rows and audit without DDL.
        made = run(as_service(inst, ["account", "add", "--role", "operator", "--login", "ops.first"], "www-data"))
        check(made.returncode == 0 and "one-time password" in made.stdout, made.stdout)
    finally:
        server.terminate()
        server.wait(timeout=120)
        log.close()


def test_the_purge_changes_partitions_with_the_migration_account_the_server_cannot_read(stack):
    try:
        inst = relocated(stack)
        # As vaora-purge.service runs it (SupplementaryGroups=vaora-migrate).
        purge = run(as_service(inst, ["purge"], "vaora-migrate"))
        check(purge.returncode == 0, purge.stdout[-2000:])
        # As the server runs: the migration password is out of reach, so no DDL either.
        refused = run(as_service(inst, ["purge"], "www-data"))
        check(refused.returncode != 0 and "db-migrate-password: Permission denied" in refused.stdout, refused.stdout)
    finally:
        # The last test of the file: the relocated install goes (the stack's server with it).
        if _relocated:
            shutil.rmtree(_relocated["root"], ignore_errors=True)
        _relocated.clear()
