"""/metrics: the Prometheus text format through nginx, summed over every worker process, for
metrics_allow's addresses only; the counters move with the traffic that makes them; the real
Prometheus scrapes it and evaluates the shipped alert rules; the rules and the dashboard name
only metrics that exist."""
import json
import os
import re
import subprocess
import urllib.parse
import urllib.request

import fixtures
from harness import ROOT, check, free_port, poll

SERIES = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$')


def scrape(stack):
    r = stack.get("/metrics")
    check(r.status == 200, (r.status, r.text[:300]))
    check(r.header("Content-Type").startswith("text/plain; version=0.0.4"), r.header("Content-Type"))
    return r.text


def values(text):
    """{(name, labels text): value} of every series line."""
    out = {}
    for line in text.splitlines():
        m = SERIES.match(line)
        if m:
            out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def value(text, name, labels=""):
    return values(text).get((name, labels), 0.0)


def promtool(*args, stdin=None):
    return subprocess.run(["promtool", *args], input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60)


def test_metrics_pass_promtool_and_count_requests_checkins_and_replays_across_workers(stack):
    from test_checkins import Api
    api = Api(stack)
    before = scrape(stack)
    r = promtool("check", "metrics", stdin=before.encode())
    check(r.returncode == 0, ("promtool check metrics", r.stdout, r.stderr))
    # More requests than workers, so several workers count: the sum must still be exact.
    for _ in range(20):
        check(stack.get("/healthz").status == 200, "healthz")
    check(stack.get("/ha-noi/no-such-page").status == 404, "404")
    r, body = api.post(key="metrics-replay-1")
    check(r.status == 201, (r.status, body))
    r, body = api.post(key="metrics-replay-1")
    check(r.status in (200, 201), (r.status, body))
    after = scrape(stack)
    check(promtool("check", "metrics", stdin=after.encode()).returncode == 0, "promtool after traffic")

    healthz = '{route="GET /healthz",status="200"}'
    check(value(after, "vaora_http_requests_total", healthz) - value(before, "vaora_http_requests_total", healthz) >= 20,
          ("healthz count", value(before, "vaora_http_requests_total", healthz),
           value(after, "vaora_http_requests_total", healthz)))
    api_route = '{route="POST /{province}/api/v1/checkins",status="201"}'
    check(value(after, "vaora_http_requests_total", api_route) > value(before, "vaora_http_requests_total", api_route),
          "the API check-in's request is not counted")
    lat = '{route="GET /healthz",le="+Inf"}'
    check(value(after, "vaora_http_request_duration_seconds_bucket", lat) ==
          value(after, "vaora_http_request_duration_seconds_count", '{route="GET /healthz"}') > 0, "latency histogram")
    api_ins = '{province="01",method="api"}'
    check(value(after, "vaora_checkins_recorded_total", api_ins) - value(before, "vaora_checkins_recorded_total", api_ins)
          == 1, ("check-ins recorded", before.count("api"), [x for x in after.splitlines() if "recorded" in x]))
    rep = '{province="01"}'
    check(value(after, "vaora_checkin_replays_total", rep) - value(before, "vaora_checkin_replays_total", rep) == 1,
          [x for x in after.splitlines() if "replays" in x])
    check(value(after, "vaora_queue_wait_seconds_count") - value(before, "vaora_queue_wait_seconds_count") >= 23,
          "queue waits not counted")
    fast = value(after, "vaora_workers", '{pool="fast",state="busy"}') + \
        value(after, "vaora_workers", '{pool="fast",state="idle"}')
    check(fast == 4, ("fast workers", fast))
    check(value(after, "vaora_workers", '{pool="fast",state="busy"}') >= 1, "the scraping worker is not busy")
    check(value(after, "vaora_db_up", '{shard="s1"}') == 1 and value(after, "vaora_db_up", '{shard="s2"}') == 1, "db up")


def test_metrics_are_refused_to_an_address_not_in_metrics_allow(stack):
    # nginx believes the test client's X-Forwarded-For (trusted_proxies), so this is a
    # request from 203.0.113.7 as vaora sees it; only 127.0.0.1 and ::1 are allowed.
    r = stack.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})
    check(r.status == 404 and "vaora_" not in r.text, (r.status, r.text[:200]))
    check(stack.get("/metrics").status == 200, "refused to 127.0.0.1")


def test_metrics_are_answered_inside_a_block_of_metrics_allow_and_refused_beside_it(stack):
    # The stack's metrics_allow holds 198.51.100.0/24 (harness.py), a monitoring subnet.
    inside = stack.get("/metrics", headers={"X-Forwarded-For": "198.51.100.9"})
    check(inside.status == 200 and "vaora_" in inside.text, (inside.status, inside.text[:200]))
    beside = stack.get("/metrics", headers={"X-Forwarded-For": "198.51.101.9"})
    check(beside.status == 404 and "vaora_" not in beside.text, (beside.status, beside.text[:200]))


def test_database_errors_and_reconnects_are_counted(stack):
    before = scrape(stack)
    ids = fixtures.sql(stack, "SELECT GROUP_CONCAT(id) FROM information_schema.PROCESSLIST WHERE USER = 'vaora'")
    for i in ids.split(","):
        if i and i != "NULL":
            subprocess.run(["mariadb", f"--defaults-file={stack.var}/my.cnf", "-u", "root", "-e", f"KILL {i}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    connects = '{shard="s1"}'

    def reconnected():
        stack.get("/ha-noi/")
        now = scrape(stack)
        return value(now, "vaora_db_connects_total", connects) > value(before, "vaora_db_connects_total", connects)
    check(poll(reconnected, 30) is not None, "no reconnect counted")
    after = scrape(stack)
    lost = sum(value(after, "vaora_db_errors_total", f'{{shard="{s}",kind="connection_lost"}}') for s in ("s1", "s2"))
    lost_before = sum(value(before, "vaora_db_errors_total", f'{{shard="{s}",kind="connection_lost"}}')
                      for s in ("s1", "s2"))
    check(lost > lost_before, ("lost connections not counted", lost_before, lost))


def test_the_last_purge_of_each_province_is_shown(stack):
    r = stack.vaora("purge")
    check(r.returncode == 0, r.stderr)
    text = scrape(stack)
    run_at = float(fixtures.sql(stack, "SET time_zone = '+00:00'; SELECT UNIX_TIMESTAMP(MAX(run_at)) FROM"
                                       " vaora_s1.deletion_reports WHERE province = '01'"))
    shown = value(text, "vaora_purge_last_success_timestamp_seconds", '{province="01"}')
    # The report keeps the instant; the metric gives it to the minute.
    check(0 <= run_at - shown < 60, (shown, run_at))
    check(value(text, "vaora_purge_last_rows_removed", '{province="01",table="checkins"}') >= 0 and
          '{province="01",table="sessions"}' in text, "rows removed by the last purge")


def test_shipped_alert_rules_and_dashboard_name_only_metrics_that_exist(stack):
    rules = os.path.join(ROOT, "deploy", "prometheus", "alerts.yml")
    r = promtool("check", "rules", rules)
    check(r.returncode == 0, (r.stdout, r.stderr))
    names = {n for n, _ in values(scrape(stack))} | {"up"}
    names |= {n.rsplit("_", 1)[0] + "_bucket" for n in names if n.endswith("_count")}
    with open(rules) as f:
        exprs = re.findall(r"\b(vaora_[a-z_]+)", f.read())
    with open(os.path.join(ROOT, "deploy", "grafana", "vaora.json")) as f:
        dashboard = json.load(f)
    for p in dashboard["panels"]:
        for t in p["targets"]:
            exprs += re.findall(r"\b(vaora_[a-z_]+)", t["expr"])
    missing = sorted({e for e in exprs if e not in names})
    check(not missing, ("named in the rules or dashboard but not in /metrics", missing))
    for wanted in ("VaoraDatabaseDown", "VaoraHighErrorRate", "VaoraNoCheckinsInProvince", "VaoraPurgeFailed"):
        check(wanted in open(rules).read(), wanted)


def test_the_real_prometheus_scrapes_vaora_through_nginx_and_loads_the_alert_rules(stack):
    port = free_port()
    folder = os.path.join(stack.dir, "prometheus")
    os.makedirs(folder, exist_ok=True)
    config = os.path.join(folder, "prometheus.yml")
    with open(config, "w") as f:
        f.write(f"""global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: ["{os.path.join(ROOT, 'deploy', 'prometheus', 'alerts.yml')}"]
scrape_configs:
  - job_name: vaora
    static_configs: [{{targets: ["127.0.0.1:{stack.port}"]}}]
""")
    proc = subprocess.Popen(["prometheus", f"--config.file={config}", f"--storage.tsdb.path={folder}/data",
                             f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)

    def query(q):
        try:
            url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
            with urllib.request.urlopen(url, timeout=5) as r:
                return json.load(r)["data"]["result"]
        except OSError:
            return []

    try:
        check(poll(lambda: [x for x in query('up{job="vaora"}') if x["value"][1] == "1"], 60) is not None,
              "Prometheus did not scrape vaora")
        check(poll(lambda: len(query('vaora_db_up == 1')) == 2, 30) is not None, "no vaora_db_up from Prometheus")
        def rules():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/rules", timeout=5) as r:
                return [x for g in json.load(r)["data"]["groups"] for x in g["rules"]]
        # Every rule evaluated at least once ("unknown" until then), none with an error.
        check(poll(lambda: len(rules()) >= 4 and all(x["health"] == "ok" for x in rules()), 30) is not None,
              [(x["name"], x["health"], x.get("lastError")) for x in rules()])
        firing = query("ALERTS")
        check(not [a for a in firing if a["metric"].get("alertname") == "VaoraDatabaseDown"], firing)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
