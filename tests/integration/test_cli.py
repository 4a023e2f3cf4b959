"""The vaora command line and the plain-CGI mode of the same binary."""
import json
import os
import re
import shutil
import subprocess

import fixtures
from harness import ROOT, check


def test_no_arguments_prints_usage(stack):
    r = stack.vaora()
    # -c given but no command: usage and exit 2.
    check(r.returncode == 2 and b"usage: vaora" in r.stderr, (r.returncode, r.stderr[:200]))


def test_unknown_command_is_a_usage_error(stack):
    r = stack.vaora("frobnicate")
    check(r.returncode == 2 and b"unknown command" in r.stderr, (r.returncode, r.stderr[:200]))


def test_version_and_help(stack):
    r = stack.vaora("version")
    check(r.returncode == 0 and r.stdout.startswith(b"vaora "), r.stdout)
    r = stack.vaora("help")
    check(r.returncode == 0 and b"migrate" in r.stdout, r.stdout[:100])


def test_routes_prints_the_table_and_slow_locations(stack):
    r = stack.vaora("routes")
    check(r.returncode == 0, r.returncode)
    lines = r.stdout.decode().splitlines()
    check(any(line.startswith("GET") and " /healthz " in line for line in lines), lines)
    check(any("/_test/sleep" in line and "pool=slow" in line for line in lines), lines)
    # Each slow route's path once, as nginx matches it ({parameters} any one segment), in table
    # order: derived from the table, so a new slow route needs no edit here.
    slow = []
    for line in lines:
        parts = line.split()
        if "pool=slow" in parts[2:] and parts[1] not in slow:
            slow.append(parts[1])
    check("/{province}/posters" in slow and "/_test/sleep" in slow, slow)
    expected = ["location ~ ^" + re.sub(r"\{[a-z_]+\}", "[^/]+", p.replace(".", "\\.")) + "$ { include vaora-slow.conf; }"
                for p in slow]
    r = stack.vaora("routes", "--nginx")
    check(r.stdout.decode().splitlines() == expected, (r.stdout, expected))


def test_migrate_twice_applies_nothing_new(stack):
    r = stack.vaora("migrate")
    check(r.returncode == 0, r.stderr)
    check(b"applied" not in r.stdout, r.stdout)


def test_migrate_check_tells_what_would_run_per_shard_and_changes_nothing(stack):
    r = stack.vaora("migrate", "--check")
    check(r.returncode == 0 and r.stdout == b"nothing to apply\n", (r.returncode, r.stdout, r.stderr))
    # The same instance with one more migration in its schema folder: pending on both shards.
    schema = os.path.join(stack.dir, "schema-check")
    shutil.copytree(os.path.join(ROOT, "schema"), schema)
    with open(os.path.join(schema, "999-check-probe.sql"), "w") as f:
        f.write("CREATE TABLE check_probe (id INT PRIMARY KEY);\n")
    conf = os.path.join(stack.dir, "check.conf")
    with open(os.path.join(stack.var, "vaora.conf")) as f:
        text = re.sub(r"^schema_dir = .*$", f"schema_dir = {schema}", f.read(), flags=re.M)
    with open(conf, "w") as f:
        f.write(text)
    r = subprocess.run([stack.binary, "-c", conf, "migrate", "--check"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    check(r.returncode == 3, (r.returncode, r.stderr))
    check(r.stdout.decode().splitlines() == ["shard s1: would apply 999-check-probe.sql",
                                             "shard s2: would apply 999-check-probe.sql"], r.stdout)
    tables = fixtures.sql(stack, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'check_probe'")
    check(tables == "0", "--check applied the migration")


def test_bad_config_names_file_and_line(stack):
    check(stack.vaora("check-config").returncode == 0, "the stack's own config does not check")
    bad = os.path.join(stack.dir, "bad.conf")
    with open(bad, "w") as f:
        f.write("# comment\nfast_workers = 4\nno_such_key = 1\n")
    r = subprocess.run([stack.binary, "-c", bad, "check-config"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(r.returncode == 1, r.returncode)
    check(f"{bad}:3: unknown key".encode() in r.stderr, r.stderr)


def test_plain_cgi_answers_one_request(stack):
    env = dict(os.environ, REQUEST_METHOD="GET", GATEWAY_INTERFACE="CGI/1.1", PATH_INFO="/healthz",
               VAORA_CONFIG=os.path.join(stack.var, "vaora.conf"))
    r = subprocess.run([stack.binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(r.returncode == 0, r.stderr)
    head, _, body = r.stdout.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    check(lines[0] == b"Status: 200 OK", lines[0])
    check(b"Content-Type: application/json" in lines, lines)
    check(json.loads(body)["status"] == "ok", body)
    length = [int(x.split(b":")[1]) for x in lines if x.startswith(b"Content-Length:")]
    check(length == [len(body)], (length, len(body)))
