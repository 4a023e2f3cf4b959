"""The vaora command line and the plain-CGI mode of the same binary."""
import json
import os
import subprocess

from harness import check


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
    r = stack.vaora("routes", "--nginx")
    check(r.stdout.decode().splitlines() == ["location ~ ^/[^/]+/posters$ { include vaora-slow.conf; }",
                                             "location ~ ^/[^/]+/venues/[^/]+/proxy/cards$ { include vaora-slow.conf; }",
                                             "location ~ ^/[^/]+/imports$ { include vaora-slow.conf; }",
                                             "location ~ ^/_test/sleep$ { include vaora-slow.conf; }"], r.stdout)


def test_migrate_twice_applies_nothing_new(stack):
    r = stack.vaora("migrate")
    check(r.returncode == 0, r.stderr)
    check(b"applied" not in r.stdout, r.stdout)


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
