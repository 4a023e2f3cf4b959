"""The production nginx site (`vaora nginx-conf --production`): nginx -t passes on it with a
throw-away self-signed certificate, and put in front of the test stack's workers it redirects
HTTP to HTTPS, speaks TLS 1.2+ and HTTP/2, sends one HSTS header, and vaora's cookies come
out Secure; static files come gzipped with their cache lifetimes."""
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time

from harness import check, free_port

# harness.py: Huế (46) has an https base_url, as a province behind this front would.
TLS_SLUG = "hue"
# The site's HSTS, two years (cgi/nginx-conf.c).
HSTS = "max-age=63072000; includeSubDomains"
# Cache lifetimes the site gives static files: our own a day, third-party files a month.
# Our own files, linked by content hash (?v=), a year; under their plain name, an hour.
OWN_STATIC_MAX_AGE = 31536000
PLAIN_STATIC_MAX_AGE = 3600
VENDOR_STATIC_MAX_AGE = 30 * 86400
NGINX_SECONDS = 30

_front = {}


def nginx_main(d, site, user_root):
    """The nginx.conf around the site, as Debian's /etc/nginx/nginx.conf is around
    sites-enabled/: pid, temp folders and logs in d."""
    temp = "".join(f"{k}_temp_path {d}/tmp/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (("user root;\n" if user_root else "") + f"pid {d}/nginx.pid;\nerror_log {d}/error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{\ninclude /etc/nginx/mime.types;\ndefault_type application/octet-stream;\n{temp}"
            f"include {site};\n}}\n")


def front(stack):
    """The site written for the stack's configuration plus a certificate, checked with nginx -t,
    then started on free ports (the one change to the site: its listen lines)."""
    if _front:
        check(_front.get("ready"), "the front did not start in an earlier test")
        return _front
    d = tempfile.mkdtemp(prefix="vaora-tls.", dir="/tmp")
    os.makedirs(f"{d}/tmp")
    _front["dir"] = d
    cert, key = f"{d}/cert.pem", f"{d}/key.pem"
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-days", "1", "-keyout", key, "-out", cert], capture_output=True, text=True)
    check(r.returncode == 0, r.stderr)
    _front["cert"] = cert
    with open(os.path.join(stack.var, "vaora.conf")) as f:
        conf = f.read()
    conf += f"server_name = localhost 127.0.0.1\ntls_certificate = {cert}\ntls_certificate_key = {key}\n"
    with open(f"{d}/vaora.conf", "w") as f:
        f.write(conf)
    r = subprocess.run([stack.binary, "-c", f"{d}/vaora.conf", "nginx-conf", "--production", f"{d}/site"],
                       capture_output=True, text=True)
    check(r.returncode == 0, (r.returncode, r.stderr))
    site = f"{d}/site/vaora-site.conf"
    with open(f"{d}/nginx-check.conf", "w") as f:
        f.write(nginx_main(d, site, False))
    _front["nginx_t"] = subprocess.run(["/usr/sbin/nginx", "-t", "-p", d, "-c", f"{d}/nginx-check.conf",
                                        "-e", f"{d}/error.log"], capture_output=True, text=True)
    _front["http"], _front["https"] = free_port(), free_port()
    with open(site) as f:
        text = f.read()
    text = re.sub(r"^\tlisten \[::\]:.*\n", "", text, flags=re.M)
    text = text.replace("\tlisten 80;", f"\tlisten 127.0.0.1:{_front['http']};")
    text = text.replace("\tlisten 443 ssl http2;", f"\tlisten 127.0.0.1:{_front['https']} ssl http2;")
    text = text.replace("/var/log/nginx/vaora-access.log", f"{d}/access.log")
    with open(f"{d}/site-test.conf", "w") as f:
        f.write(text)
    with open(f"{d}/nginx.conf", "w") as f:
        # As root, workers reach the stack's sockets (the stack's own nginx does the same).
        f.write(nginx_main(d, f"{d}/site-test.conf", os.geteuid() == 0))
    r = subprocess.run(["/usr/sbin/nginx", "-p", d, "-c", f"{d}/nginx.conf", "-e", f"{d}/error.log"],
                       capture_output=True, text=True)
    check(r.returncode == 0, r.stderr)
    for _ in range(NGINX_SECONDS * 10):
        if os.path.exists(f"{d}/nginx.pid"):
            break
        time.sleep(0.1)
    _front["ready"] = True
    return _front


def tls_context(f):
    return ssl.create_default_context(cafile=f["cert"])


def https_get(f, path, headers=None):
    conn = http.client.HTTPSConnection("127.0.0.1", f["https"], context=tls_context(f), timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.getheaders(), r.read()
    finally:
        conn.close()


def named(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


def test_the_production_site_passes_nginx_t_with_a_self_signed_certificate(stack):
    f = front(stack)
    check(f["nginx_t"].returncode == 0 and "test is successful" in f["nginx_t"].stderr, f["nginx_t"].stderr)


def test_plain_http_is_redirected_to_https(stack):
    f = front(stack)
    conn = http.client.HTTPConnection("127.0.0.1", f["http"], timeout=30)
    try:
        conn.request("GET", f"/{TLS_SLUG}/login?lang=en")
        r = conn.getresponse()
        r.read()
    finally:
        conn.close()
    check(r.status == 301, r.status)
    check(r.getheader("Location") == f"https://127.0.0.1/{TLS_SLUG}/login?lang=en", r.getheader("Location"))


def test_https_speaks_tls_1_2_and_up_and_http2(stack):
    f = front(stack)
    ctx = tls_context(f)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection(("127.0.0.1", f["https"]), timeout=30) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            check(s.selected_alpn_protocol() == "h2", s.selected_alpn_protocol())
            check(s.version() == "TLSv1.3", s.version())
    old = tls_context(f)
    old.maximum_version = ssl.TLSVersion.TLSv1_2
    with socket.create_connection(("127.0.0.1", f["https"]), timeout=30) as raw:
        with old.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            check(s.version() == "TLSv1.2" and s.cipher()[0].startswith("ECDHE-"), (s.version(), s.cipher()))


def test_https_pages_set_secure_cookies_and_one_hsts_header(stack):
    f = front(stack)
    status, headers, _ = https_get(f, f"/{TLS_SLUG}/login")
    check(status == 200, status)
    cookies = named(headers, "Set-Cookie")
    check(cookies and all("; Secure" in c and c.startswith("__Host-") for c in cookies), cookies)
    check(named(headers, "Strict-Transport-Security") == [HSTS], named(headers, "Strict-Transport-Security"))
    check(named(headers, "Content-Security-Policy"), "vaora's security headers are missing")


def test_nginx_waits_on_the_fast_pool_past_the_workers_database_timeout(stack):
    """A worker that gives up on a silent database (db_io_timeout) answers 503 with Retry-After;
    nginx must still be waiting for it, not have answered 504 first: the fast pool's read
    timeout is db_io_timeout and 10 s, and never under its 30 s. (The site is only written:
    no nginx runs for it.)"""
    with open(os.path.join(stack.var, "vaora.conf")) as conf_file:
        conf = re.sub(r"^db_io_timeout = .*\n", "", conf_file.read(), flags=re.M)
    for io_timeout, expected in (("45", "55s"), ("30", "40s"), ("5", "30s")):
        d = tempfile.mkdtemp(prefix="vaora-timeouts.", dir="/tmp")
        try:
            for name in ("cert.pem", "key.pem"):
                open(f"{d}/{name}", "w").close()
            with open(f"{d}/vaora.conf", "w") as conf_file:
                conf_file.write(conf + f"server_name = localhost\ntls_certificate = {d}/cert.pem\n"
                                f"tls_certificate_key = {d}/key.pem\ndb_io_timeout = {io_timeout}\n")
            r = subprocess.run([stack.binary, "-c", f"{d}/vaora.conf", "nginx-conf", "--production", f"{d}/site"],
                               capture_output=True, text=True)
            check(r.returncode == 0, (r.returncode, r.stderr))
            site = "".join(open(os.path.join(d, "site", name)).read() for name in sorted(os.listdir(f"{d}/site"))
                           if name.endswith(".conf"))
            fast = re.search(r"fastcgi_pass vaora_fast;\nfastcgi_read_timeout (\S+);", site)
            check(fast and fast.group(1) == expected, (io_timeout, fast and fast.group(1)))
        finally:
            shutil.rmtree(d, ignore_errors=True)


def stop_front():
    """The front's nginx stops (QUIT, by its pid) and its folder goes."""
    d = _front.get("dir")
    if not d:
        return
    try:
        with open(f"{d}/nginx.pid") as fh:
            pid = int(fh.read().strip())
        os.kill(pid, signal.SIGQUIT)
        for _ in range(NGINX_SECONDS * 10):
            os.kill(pid, 0)
            time.sleep(0.1)
    except (OSError, ValueError):
        pass
    finally:
        shutil.rmtree(d, ignore_errors=True)
        _front.clear()


def test_static_files_are_gzipped_with_long_cache_lifetimes(stack):
    # The last test of the file: the front stops after it, whatever happens.
    try:
        f = front(stack)
        status, headers, body = https_get(f, "/static/style.css?v=0123456789", {"Accept-Encoding": "gzip"})
        check(status == 200 and named(headers, "Content-Encoding") == ["gzip"], (status, headers))
        check(f"max-age={OWN_STATIC_MAX_AGE}, immutable" in " ".join(named(headers, "Cache-Control")), headers)
        status, headers, body = https_get(f, "/static/style.css", {"Accept-Encoding": "gzip"})
        check(f"max-age={PLAIN_STATIC_MAX_AGE}" in " ".join(named(headers, "Cache-Control")), headers)
        check(named(headers, "Strict-Transport-Security") == [HSTS], headers)
        status, headers, _ = https_get(f, "/static/vendor/jsqr/jsQR.js", {"Accept-Encoding": "gzip"})
        check(status == 200 and f"max-age={VENDOR_STATIC_MAX_AGE}" in " ".join(named(headers, "Cache-Control")),
              (status, headers))
    finally:
        stop_front()
