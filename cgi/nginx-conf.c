/* `vaora nginx-conf`: the nginx pieces that must agree with the binary and vaora.conf, and the complete production TLS site. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/config.h"
#include "entry.h"
#include "web/response.h"
#include "web/routes.h"

/* Exit codes: 0 done, 1 the job failed (as cli.c). */
#define EXIT_FAILED 1
/* Seconds nginx waits on each pool: a page or check-in answers in well under a second; a bulk
 * poster PDF or an import of thousands of rows may take minutes. */
#define FAST_POOL_TIMEOUT_SECONDS 30
/* And on the fast pool at least this long past the workers' db_io_timeout: a worker that gives
 * up on a silent database answers 503 with Retry-After (the phone's queue retries it), which
 * must reach the phone before nginx gives up on the worker with a 504 of its own. */
#define FAST_POOL_DB_MARGIN_SECONDS 10
#define SLOW_POOL_TIMEOUT_SECONDS 300
/* Passive health checks of each FastCGI server: after this many failed tries (a refused or
 * timed-out connection, an error before the answer's header) within UPSTREAM_FAIL_SECONDS,
 * nginx leaves the server out for UPSTREAM_FAIL_SECONDS, then tries it with one request again;
 * so a host that returns serves again within that time. */
#define UPSTREAM_MAX_FAILS 3
#define UPSTREAM_FAIL_SECONDS 10
/* A connection to a worker host on the LAN takes a millisecond; a host that vanished (no reset,
 * packets dropped) is given up after this and the request goes to the next one, unsent. */
#define UPSTREAM_CONNECT_TIMEOUT_SECONDS 3
/* A request goes to another server only within this long of its start: longer than a
 * connection attempt, far shorter than the pools' read timeouts, so a request that was slow
 * to answer (and may have been served) is never sent again. */
#define UPSTREAM_NEXT_SECONDS 10
/* The site's HSTS: two years, Mozilla's recommendation, on every response of the host. */
#define HSTS_VALUE "max-age=63072000; includeSubDomains"
/* Where certbot's webroot plugin writes its challenges (`certbot certonly --webroot -w`). */
#define ACME_WEBROOT "/var/www/letsencrypt"
/* The site's access log, in nginx's own log folder (rotated by the nginx package). */
#define SITE_ACCESS_LOG "/var/log/nginx/vaora-access.log"

/* What one piece says; dir is where the pieces live (absolute for the production site, whose
 * includes are resolved from /etc/nginx otherwise). */
struct piece_ctx {
	const struct config *c;
	const char *dir;
	bool production;
};

static void nginx_security_headers(FILE *f, const struct piece_ctx *p)
{
	for (size_t i = 0; i < security_header_count; i++)
		fprintf(f, "add_header %s \"%s\" always;\n", security_headers[i].name, security_headers[i].value);
	/* Behind TLS every response of the host carries HSTS, static files and nginx's own error
	 * pages too; vaora's own (sent for https provinces) is hidden in the pool files. */
	if (p->production)
		fprintf(f, "add_header Strict-Transport-Security \"" HSTS_VALUE "\" always;\n");
}

static void nginx_slow_routes(FILE *f, const struct piece_ctx *p)
{
	if (!p->production) {
		routes_print(f, routes, route_count, true);
		return;
	}
	struct buf include = BUF_INIT;
	buf_printf(&include, "%s/vaora-slow.conf", p->dir);
	routes_print_nginx(f, routes, route_count, buf_str(&include));
	buf_free(&include);
}

/* http level: the limit zones (keyed by address, POSTs only: reading a page costs nothing
 * worth limiting) and the trusted proxies whose X-Forwarded-For names the client. */
static void nginx_limits(FILE *f, const struct piece_ctx *p)
{
	const struct config *c = p->c;
	fprintf(f, "map $request_method $vaora_post_address {\n\tPOST $binary_remote_addr;\n\tdefault \"\";\n}\n");
	for (size_t i = 0; i < EDGE_LIMIT_COUNT; i++)
		fprintf(f, "limit_req_zone $vaora_post_address zone=vaora_%s:10m rate=%ur/m;\n", edge_limit_names[i],
			c->edge_limits[i].per_minute);
	/* Refusals show in the access log as 429; the error log would print the request line,
	 * poster codes included. */
	fprintf(f, "limit_req_status 429;\nlimit_req_log_level info;\n");
	char copy[TRUSTED_PROXIES_MAX + 1];
	snprintf(copy, sizeof(copy), "%s", c->trusted_proxies);
	bool any = false;
	for (char *save = NULL, *a = strtok_r(copy, " ", &save); a; a = strtok_r(NULL, " ", &save), any = true)
		fprintf(f, "set_real_ip_from %s;\n", a);
	if (any)
		fprintf(f, "real_ip_header X-Forwarded-For;\nreal_ip_recursive on;\n");
}

/* One pool's servers: upstream.NAME of vaora.conf, or this host's own socket. */
static void nginx_upstream(FILE *f, const char *pool, const char *servers, const char *socket)
{
	fprintf(f, "upstream vaora_%s {\n\t# Failures counted across nginx's workers.\n\tzone vaora_%s 64k;\n", pool, pool);
	char copy[UPSTREAM_LIST_MAX + 1];
	if (servers[0])
		snprintf(copy, sizeof(copy), "%s", servers);
	else
		snprintf(copy, sizeof(copy), "%s%s", config_socket_is_tcp(socket) ? "" : "unix:", socket);
	for (char *save = NULL, *s = strtok_r(copy, ", ", &save); s; s = strtok_r(NULL, ", ", &save))
		fprintf(f, "\tserver %s max_fails=%d fail_timeout=%ds;\n", s, UPSTREAM_MAX_FAILS, UPSTREAM_FAIL_SECONDS);
	fputs("}\n", f);
}

/* http level, for both: the pools' servers and when a request may go to another one. */
static void nginx_upstreams(FILE *f, const struct piece_ctx *p)
{
	nginx_upstream(f, "fast", p->c->fast_upstream, p->c->fast_socket);
	nginx_upstream(f, "slow", p->c->slow_upstream, p->c->slow_socket);
	fprintf(f,
		"# Workers hold nothing between requests, so any server of a pool may answer. A request\n"
		"# goes to the next server only on an error or a timeout (a refused connection: a host\n"
		"# that is down). nginx never re-sends a POST (PATCH, LOCK) once it was sent, since\n"
		"# non_idempotent is not named here (ngx_http_upstream_next adds the non-idempotent bit to\n"
		"# the failure, and this mask lacks it): a check-in a host may have stored before dying is\n"
		"# answered 502 and the phone retries it with its idempotency key. A GET may be re-sent\n"
		"# after an error reading the answer's header (a host died in the middle): GETs read, and\n"
		"# the few that leave an audit row (a bulk poster print) would at worst record it twice.\n"
		"# The next-upstream time bound keeps a slow answer (a read timeout) from being re-sent.\n"
		"fastcgi_next_upstream error timeout;\n"
		"fastcgi_next_upstream_timeout %ds;\n"
		"fastcgi_connect_timeout %ds;\n",
		UPSTREAM_NEXT_SECONDS, UPSTREAM_CONNECT_TIMEOUT_SECONDS);
}

/* The production pools: FastCGI to the pool's servers (upstreams.conf). */
static void nginx_pool(FILE *f, const char *pool, unsigned timeout)
{
	fprintf(f,
		"include /etc/nginx/fastcgi_params;\n"
		"fastcgi_pass vaora_%s;\n"
		"fastcgi_read_timeout %us;\n"
		"fastcgi_send_timeout %us;\n"
		"# The request id vaora's log lines repeat, and when nginx took the request (queue waits).\n"
		"fastcgi_param VAORA_REQUEST_ID $request_id;\n"
		"fastcgi_param VAORA_QUEUE_START $msec;\n"
		"# The site sends its own HSTS (security-headers.conf) on every response.\n"
		"fastcgi_hide_header Strict-Transport-Security;\n"
		"add_header Strict-Transport-Security \"" HSTS_VALUE "\" always;\n",
		pool, timeout, timeout);
}

static void nginx_fast_pool(FILE *f, const struct piece_ctx *p)
{
	unsigned past_database = p->c->db_io_timeout + FAST_POOL_DB_MARGIN_SECONDS;
	nginx_pool(f, "fast", past_database > FAST_POOL_TIMEOUT_SECONDS ? past_database : FAST_POOL_TIMEOUT_SECONDS);
}

static void nginx_slow_pool(FILE *f, const struct piece_ctx *p)
{
	(void)p;
	nginx_pool(f, "slow", SLOW_POOL_TIMEOUT_SECONDS);
}

/* http level, for the private stack (conf/nginx.conf.in) and the production site alike: the
 * masked access log's format, the language of nginx's own error pages, and Retry-After on its
 * own 502/503/504. */
static void nginx_maps(FILE *f, const struct piece_ctx *p)
{
	(void)p;
	fputs("# nginx's own access log: the path only, cut after a poster, card or hand-over marker\n"
	      "# (/c/ /r/ /h/ in any case, escaped or not), no query and no address.\n"
	      "map $request_uri $vaora_log_path {\n"
	      "\t\"~*^(?<vaora_kept>[^?]*?(?:/|%2f)(?:[crh]|%[46]3|%[57]2|%[46]8)(?:/|%2f))\" \"${vaora_kept}*\";\n"
	      "\t\"~^(?<vaora_path>[^?]*)\" $vaora_path;\n"
	      "}\n"
	      "log_format vaora_masked '$time_iso8601 $request_method $vaora_log_path $status $body_bytes_sent $request_time req=$request_id';\n"
	      "# The language of nginx's own error pages: ?lang=, the lang cookie, then Accept-Language,\n"
	      "# as vaora chooses.\n"
	      "map \"$arg_lang:$cookie_lang:$http_accept_language\" $vaora_lang {\n"
	      "\t~^en: en;\n\t~^vi: vi;\n\t~^:en: en;\n\t~^:vi: vi;\n\t~^::en en;\n\tdefault vi;\n"
	      "}\n"
	      "# When to come back after nginx's own 502/503/504 (empty: not sent).\n"
	      "map $status $vaora_retry_after {\n\t502 30;\n\t503 30;\n\t504 30;\n\tdefault \"\";\n}\n"
	      "# Pages link static files as /static/NAME?v=HASH, the hash of the file's content\n"
	      "# (cgi/web/assets.c): that URL never names other bytes, so browsers keep it a year without\n"
	      "# asking again. A plain URL (an old page, gate.js's vendored decoder) may change under the\n"
	      "# same name: an hour.\n"
	      "map $arg_v $vaora_static_cache {\n\t\"\" \"public, max-age=3600\";\n"
	      "\tdefault \"public, max-age=31536000, immutable\";\n}\n",
	      f);
}

/* Mozilla's "intermediate" TLS configuration (ssl-config.mozilla.org, nginx 1.22, OpenSSL 3):
 * TLS 1.2 and 1.3, forward-secret AEAD suites only. Its DHE suites are left out: they need a
 * dhparam file, and every client of TLS 1.2 this site serves speaks ECDHE. No OCSP stapling:
 * Let's Encrypt, the certificates OPERATIONS.md describes, ended OCSP in 2025. */
static void site_tls(FILE *f, const struct config *c)
{
	fprintf(f,
		"\tssl_certificate %s;\n"
		"\tssl_certificate_key %s;\n"
		"\tssl_protocols TLSv1.2 TLSv1.3;\n"
		"\tssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
		"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
		"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;\n"
		"\tssl_prefer_server_ciphers off;\n"
		"\tssl_session_timeout 1d;\n"
		"\tssl_session_cache shared:vaora_tls:10m;\n"
		"\tssl_session_tickets off;\n",
		c->tls_certificate, c->tls_certificate_key);
}

/* The locations every request goes through, each vaora location under its limit and pool. */
static void site_locations(FILE *f, const struct piece_ctx *p)
{
	const char *d = p->dir;
	for (size_t i = 0; i < static_error_status_count; i++)
		fprintf(f, "\terror_page %d /_errors/%d.$vaora_lang.html;\n", static_error_statuses[i],
			static_error_statuses[i]);
	fprintf(f,
		"\tlocation /_errors/ {\n"
		"\t\tinternal;\n"
		"\t\talias %s/errors/;\n"
		"\t\tinclude %s/security-headers.conf;\n"
		"\t\tadd_header Cache-Control \"no-store\" always;\n"
		"\t\tadd_header Retry-After $vaora_retry_after always;\n"
		"\t}\n",
		d, d);
	/* Third-party files sit under a versioned folder and never change in place: a month. Our
	 * own CSS and JavaScript are linked by their content hash: a year ($vaora_static_cache). */
	fprintf(f,
		"\tlocation /static/vendor/ {\n"
		"\t\talias %s/vendor/;\n"
		"\t\tinclude %s/security-headers.conf;\n"
		"\t\texpires 30d;\n"
		"\t}\n"
		"\tlocation /static/ {\n"
		"\t\talias %s/;\n"
		"\t\tinclude %s/security-headers.conf;\n"
		"\t\tadd_header Cache-Control $vaora_static_cache always;\n"
		"\t}\n"
		"\tlocation / {\n"
		"\t\tinclude %s/vaora-fast.conf;\n"
		"\t}\n",
		p->c->static_dir, d, p->c->static_dir, d, d);
	fprintf(f, "\tinclude %s/limited-locations.conf;\n", d);
	fprintf(f, "\tinclude %s/slow-routes.conf;\n", d);
}

/* Server level, for both: the routes an attacker would repeat, each under its per-address
 * limit (POSTs only), passed to the fast pool (vaora-fast.conf beside it: deploy/stack.sh
 * writes the private stack's). */
static void nginx_limited_locations(FILE *f, const struct piece_ctx *p)
{
	const char *d = p->dir;
	static const struct {
		const char *pattern;
		const char *limit;
	} limited[] = {
		{ "~ ^/(?:[^/]+/)?login$", "login" },
		{ "~ ^/[^/]+/register$", "register" },
		{ "~* ^/[^/]+/(?:c/[^/]+|venues/[^/]+/gate/scans|api/v1/checkins)$", "checkin" },
		{ "~ ^/[^/]+/venues/[^/]+/proxy/find$", "lookup" },
	};
	for (size_t i = 0; i < sizeof(limited) / sizeof(limited[0]); i++)
		fprintf(f,
			"\tlocation %s {\n"
			"\t\tinclude %s/limit-%s.conf;\n"
			"\t\tinclude %s/vaora-fast.conf;\n"
			"\t}\n",
			limited[i].pattern, d, limited[i].limit, d);
}

/* The whole site, for /etc/nginx/sites-enabled/ (http level): HTTP only redirects (and
 * answers certbot's challenges); HTTPS serves vaora. */
static void nginx_site(FILE *f, const struct piece_ctx *p)
{
	const struct config *c = p->c;
	fprintf(f,
		"# vaora's nginx site, written by `vaora nginx-conf --production %s` from vaora.conf:\n"
		"# write it again after changing vaora.conf or upgrading vaora. See OPERATIONS.md.\n"
		"include %s/limits.conf;\n"
		"include %s/maps.conf;\n"
		"include %s/upstreams.conf;\n",
		p->dir, p->dir, p->dir, p->dir);
	fprintf(f,
		"\n"
		"server {\n"
		"\tlisten 80;\n"
		"\tlisten [::]:80;\n"
		"\tserver_name %s;\n"
		"\tserver_tokens off;\n"
		"\taccess_log " SITE_ACCESS_LOG " vaora_masked;\n"
		"\tlocation /.well-known/acme-challenge/ {\n"
		"\t\troot " ACME_WEBROOT ";\n"
		"\t}\n"
		"\tlocation / {\n"
		"\t\treturn 301 https://$host$request_uri;\n"
		"\t}\n"
		"}\n"
		"\n"
		"server {\n"
		"\tlisten 443 ssl http2;\n"
		"\tlisten [::]:443 ssl http2;\n"
		"\tserver_name %s;\n"
		"\tserver_tokens off;\n"
		"\tcharset utf-8;\n"
		"\taccess_log " SITE_ACCESS_LOG " vaora_masked;\n",
		c->server_name, c->server_name);
	site_tls(f, c);
	fprintf(f,
		"\t# Slow clients are cut off (~1,000 slowloris connections held with these).\n"
		"\tclient_header_timeout 10s;\n"
		"\tclient_body_timeout 10s;\n"
		"\tsend_timeout 30s;\n"
		"\tkeepalive_timeout 30s;\n"
		"\t# The largest body any route takes; each route has its own, smaller limit in vaora.\n"
		"\tclient_max_body_size 8m;\n"
		"\tgzip on;\n"
		"\tgzip_vary on;\n"
		"\tgzip_types text/css application/javascript application/json image/svg+xml text/csv;\n");
	site_locations(f, p);
	fputs("}\n", f);
}

static int nginx_file(const char *dir, const char *name, void (*write)(FILE *, const struct piece_ctx *),
		      const struct piece_ctx *p)
{
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s/%s", dir, name);
	FILE *f = fopen(buf_str(&path), "w");
	buf_free(&path);
	if (!f)
		return -1;
	write(f, p);
	return fclose(f);
}

/* One file per limit, included by the location it guards: limit_req takes its burst there. */
static int nginx_limit_locations(const char *dir, const struct config *c)
{
	int rc = 0;
	for (size_t i = 0; i < EDGE_LIMIT_COUNT; i++) {
		struct buf path = BUF_INIT;
		buf_printf(&path, "%s/limit-%s.conf", dir, edge_limit_names[i]);
		FILE *f = fopen(buf_str(&path), "w");
		if (f) {
			fprintf(f, "limit_req zone=vaora_%s burst=%u nodelay;\n", edge_limit_names[i], c->edge_limits[i].burst);
			rc |= fclose(f);
		} else {
			rc = -1;
		}
		buf_free(&path);
	}
	return rc;
}

/* A value written into an nginx directive: nothing that ends or opens one, no quoting, no
 * whitespace inside a path. Names of hosts may be several, separated by spaces. */
static bool nginx_safe(const char *value, bool spaces)
{
	if (!value[0])
		return false;
	for (const unsigned char *s = (const unsigned char *)value; *s; s++)
		if (*s < 0x21 ? !(spaces && *s == ' ') : strchr(";{}\"'\\$#", *s) != NULL || *s == 0x7f)
			return false;
	return true;
}

/* The production site needs what a development stack does without. Returns 0, or -1 with a
 * message on stderr naming the key. */
static int production_ready(const char *config_path, const struct config *c)
{
	static const struct {
		const char *key;
		size_t offset;
		bool spaces;
	} keys[] = {
		{ "server_name", offsetof(struct config, server_name), true },
		{ "tls_certificate", offsetof(struct config, tls_certificate), false },
		{ "tls_certificate_key", offsetof(struct config, tls_certificate_key), false },
		{ "static_dir", offsetof(struct config, static_dir), false },
		{ "fast_socket", offsetof(struct config, fast_socket), false },
		{ "slow_socket", offsetof(struct config, slow_socket), false },
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *value = *(char *const *)((const char *)c + keys[i].offset);
		if (!nginx_safe(value, keys[i].spaces)) {
			fprintf(stderr, "vaora: %s: %s is %s\n", config_path, keys[i].key,
				value[0] ? "not usable in nginx's configuration (quotes, ';', '{', '$' or spaces)"
					 : "empty: the production site needs it (see OPERATIONS.md)");
			rc = -1;
		}
	}
	return rc;
}

int cli_nginx_conf(const char *config_path, const char *dir, bool production)
{
	char err[1024];
	struct config *c = config_load(config_path, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "vaora: %s\n", err);
		return EXIT_FAILED;
	}
	int rc = 0;
	char absolute[PATH_MAX];
	if (production && production_ready(config_path, c) != 0) {
		rc = EXIT_FAILED;
		goto out;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "vaora: cannot make %s: %s\n", dir, strerror(errno));
		rc = EXIT_FAILED;
		goto out;
	}
	if (!realpath(dir, absolute)) {
		fprintf(stderr, "vaora: %s: %s\n", dir, strerror(errno));
		rc = EXIT_FAILED;
		goto out;
	}
	if (production && !nginx_safe(absolute, false)) {
		fprintf(stderr, "vaora: %s is not usable in nginx's configuration\n", absolute);
		rc = EXIT_FAILED;
		goto out;
	}
	struct piece_ctx p = { .c = c, .dir = absolute, .production = production };
	int wrong = nginx_file(absolute, "security-headers.conf", nginx_security_headers, &p);
	wrong |= nginx_file(absolute, "slow-routes.conf", nginx_slow_routes, &p);
	wrong |= nginx_file(absolute, "limits.conf", nginx_limits, &p);
	wrong |= nginx_limit_locations(absolute, c);
	wrong |= nginx_file(absolute, "maps.conf", nginx_maps, &p);
	wrong |= nginx_file(absolute, "limited-locations.conf", nginx_limited_locations, &p);
	wrong |= nginx_file(absolute, "upstreams.conf", nginx_upstreams, &p);
	if (production) {
		wrong |= nginx_file(absolute, "vaora-fast.conf", nginx_fast_pool, &p);
		wrong |= nginx_file(absolute, "vaora-slow.conf", nginx_slow_pool, &p);
		wrong |= nginx_file(absolute, "vaora-site.conf", nginx_site, &p);
	}
	if (wrong) {
		fprintf(stderr, "vaora: cannot write nginx files in %s\n", absolute);
		rc = EXIT_FAILED;
		goto out;
	}
	if (production) {
		struct buf errors = BUF_INIT;
		buf_printf(&errors, "%s/errors", absolute);
		rc = cli_error_pages(config_path, buf_str(&errors));
		buf_free(&errors);
		if (rc == 0)
			printf("%s/vaora-site.conf: the nginx site; link it from /etc/nginx/sites-enabled/\n", absolute);
	}
out:
	config_free(c);
	return rc;
}
