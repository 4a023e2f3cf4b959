/* The vaora command line: operator jobs (serve, migrate, seed-demo, routes, ...). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "adapters/db.h"
#include "base/buf.h"
#include "base/config.h"
#include "domain/demo.h"
#include "domain/keys.h"
#include "domain/migrate.h"
#include "entry.h"
#include "web/lang.h"
#include "web/response.h"
#include "web/routes.h"
#include "web/views.h"

/* Exit codes: 0 done, 1 the job failed, 2 the command was used wrongly. */
#define EXIT_FAILED 1
#define EXIT_USAGE 2

/* The statuses nginx may answer by itself, each written as a static page in every language. */
static const int static_error_statuses[] = { 400, 403, 404, 405, 413, 429, 500, 502, 503, 504 };

void cli_usage(FILE *out)
{
	fputs("usage: vaora [-c CONFIG] COMMAND [ARGS]\n"
	      "\n"
	      "commands:\n"
	      "  serve              run the prefork FastCGI server (fast and slow pools)\n"
	      "  routes [--nginx]   print the route table, or nginx locations for slow routes\n"
	      "  migrate            apply schema/NNN-*.sql files not yet applied, on every shard\n"
	      "  seed-demo          load the demo province's sample wards and demo venue\n"
	      "  error-pages DIR    write the static error pages nginx shows (CODE.LANG.html)\n"
	      "  nginx-conf DIR     write security headers, slow routes, limits and trusted proxies for nginx\n"
	      "  check-config       load the configuration and templates, report problems\n"
	      "  purge [--dry-run]  drop check-in days past the retention, remove what hangs on\n"
	      "                     them, make the coming days' partitions, write the reports\n"
	      "  secret init        create the instance secret (key material) if missing, or add\n"
	      "                     the keys of purposes it lacks\n"
	      "  secret rotate --purpose P   add a key version (poster, personal-qr,\n"
	      "                     personal-data, lookup, sessions, health-data); then reload\n",
	      out);
	cli_jobs_usage(out);
	fputs(
	      "  version            print the version\n"
	      "  help               print this help\n"
	      "\n"
	      "CONFIG defaults to $VAORA_CONFIG, else var/vaora.conf (written by `make run`),\n"
	      "else conf/vaora.conf. Run by a web server with GATEWAY_INTERFACE set and no\n"
	      "arguments, vaora answers one CGI request.\n",
	      out);
}

static struct config *load_config(const char *path)
{
	char err[1024];
	struct config *c = config_load(path, err, sizeof(err));
	if (!c)
		fprintf(stderr, "vaora: %s\n", err);
	return c;
}

static int cmd_with_db(const char *config_path,
		       int (*job)(struct db *, const struct config *, const char *, FILE *, char *, size_t))
{
	struct config *c = load_config(config_path);
	if (!c)
		return EXIT_FAILED;
	struct db *db = db_open(c);
	char err[1024] = "";
	int rc = job(db, c, c->schema_dir, stdout, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "vaora: %s\n", err);
	db_close(db);
	config_free(c);
	return rc == 0 ? 0 : EXIT_FAILED;
}

/* Migrations seal what they must with the instance's keys (the secret is made first). */
static int cmd_migrate(const char *config_path)
{
	struct config *c = load_config(config_path);
	if (!c)
		return EXIT_FAILED;
	char err[1024] = "";
	int rc = EXIT_FAILED;
	struct keyring *keys = keyring_load(c->secret_file, err, sizeof(err));
	if (keys) {
		struct db *db = db_open(c);
		rc = migrate_all(db, c, keys, c->schema_dir, stdout, err, sizeof(err)) == 0 ? 0 : EXIT_FAILED;
		db_close(db);
		keyring_free(keys);
	}
	if (rc != 0)
		fprintf(stderr, "vaora: %s\n", err);
	config_free(c);
	return rc;
}

static int cmd_error_pages(const char *config_path, const char *dir)
{
	struct config *c = load_config(config_path);
	if (!c)
		return EXIT_FAILED;
	char err[1024];
	int rc = 0;
	struct views *v = views_load(c->templates_dir, err, sizeof(err));
	if (!v) {
		fprintf(stderr, "vaora: %s\n", err);
		rc = EXIT_FAILED;
		goto out;
	}
	mkdir(dir, 0755);
	for (size_t i = 0; i < sizeof(static_error_statuses) / sizeof(static_error_statuses[0]); i++) {
		for (int l = 0; l < LANG_COUNT; l++) {
			struct response resp;
			response_init(&resp);
			views_error(v, (enum lang)l, NULL, &resp, static_error_statuses[i], NULL);
			struct buf path = BUF_INIT;
			buf_printf(&path, "%s/%d.%s.html", dir, static_error_statuses[i], lang_codes[l]);
			FILE *f = fopen(buf_str(&path), "w");
			if (!f || fwrite(buf_str(&resp.body), 1, resp.body.len, f) != resp.body.len) {
				fprintf(stderr, "vaora: cannot write %s\n", buf_str(&path));
				rc = EXIT_FAILED;
			}
			if (f && fclose(f) != 0)
				rc = EXIT_FAILED;
			buf_free(&path);
			response_free(&resp);
		}
	}
out:
	views_free(v);
	config_free(c);
	return rc;
}

/* The nginx pieces that must agree with the binary and vaora.conf; each writer fills one file. */
static void nginx_security_headers(FILE *f, const struct config *c)
{
	(void)c;
	for (size_t i = 0; i < security_header_count; i++)
		fprintf(f, "add_header %s \"%s\" always;\n", security_headers[i].name, security_headers[i].value);
}

static void nginx_slow_routes(FILE *f, const struct config *c)
{
	(void)c;
	routes_print(f, routes, route_count, true);
}

/* http level: the limit zones (keyed by address, POSTs only: reading a page costs nothing
 * worth limiting) and the trusted proxies whose X-Forwarded-For names the client. */
static void nginx_limits(FILE *f, const struct config *c)
{
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

static int nginx_file(const char *dir, const char *name, void (*write)(FILE *, const struct config *),
		      const struct config *c)
{
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s/%s", dir, name);
	FILE *f = fopen(buf_str(&path), "w");
	buf_free(&path);
	if (!f)
		return -1;
	write(f, c);
	return fclose(f);
}

static int cmd_nginx_conf(const char *config_path, const char *dir)
{
	struct config *c = load_config(config_path);
	if (!c)
		return EXIT_FAILED;
	mkdir(dir, 0755);
	int rc = nginx_file(dir, "security-headers.conf", nginx_security_headers, c);
	rc |= nginx_file(dir, "slow-routes.conf", nginx_slow_routes, c);
	rc |= nginx_file(dir, "limits.conf", nginx_limits, c);
	rc |= nginx_limit_locations(dir, c);
	if (rc)
		fprintf(stderr, "vaora: cannot write nginx files in %s\n", dir);
	config_free(c);
	return rc ? EXIT_FAILED : 0;
}

static int cmd_check_config(const char *config_path)
{
	struct config *c = load_config(config_path);
	if (!c)
		return EXIT_FAILED;
	char err[1024];
	struct views *v = views_load(c->templates_dir, err, sizeof(err));
	if (!v)
		fprintf(stderr, "vaora: %s\n", err);
	else
		printf("%s: %lu provinces on %lu shards; templates load\n", config_path,
		       (unsigned long)c->tenant_count, (unsigned long)c->shard_count);
	views_free(v);
	config_free(c);
	return v ? 0 : EXIT_FAILED;
}

int cli_main(const char *config_path, int argc, char **argv)
{
	const char *cmd = argv[0];
	if (strcmp(cmd, "serve") == 0 && argc == 1)
		return serve_main(config_path);
	if (strcmp(cmd, "routes") == 0 && argc <= 2) {
		bool nginx = argc == 2 && strcmp(argv[1], "--nginx") == 0;
		if (argc == 2 && !nginx)
			goto usage;
		routes_print(stdout, routes, route_count, nginx);
		return 0;
	}
	if (strcmp(cmd, "migrate") == 0 && argc == 1)
		return cmd_migrate(config_path);
	if (strcmp(cmd, "seed-demo") == 0 && argc == 1)
		return cmd_with_db(config_path, demo_seed);
	if (strcmp(cmd, "error-pages") == 0 && argc == 2)
		return cmd_error_pages(config_path, argv[1]);
	if (strcmp(cmd, "nginx-conf") == 0 && argc == 2)
		return cmd_nginx_conf(config_path, argv[1]);
	if (strcmp(cmd, "check-config") == 0 && argc == 1)
		return cmd_check_config(config_path);
	if (strcmp(cmd, "purge") == 0 && (argc == 1 || (argc == 2 && strcmp(argv[1], "--dry-run") == 0)))
		return cli_purge(config_path, argc == 2);
	if (strcmp(cmd, "account") == 0 || strcmp(cmd, "areas") == 0 || strcmp(cmd, "people") == 0 || strcmp(cmd, "posters") == 0 ||
	    strcmp(cmd, "checkins") == 0 || strcmp(cmd, "province") == 0 ||
	    strcmp(cmd, "secret") == 0) {
		int rc = cli_jobs(config_path, argc, argv);
		if (rc != 2)
			return rc;
		goto usage;
	}
	if (strcmp(cmd, "version") == 0 && argc == 1) {
		printf("vaora %s\n", VAORA_VERSION);
		return 0;
	}
	if ((strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) && argc == 1) {
		cli_usage(stdout);
		return 0;
	}
usage:
	fprintf(stderr, "vaora: unknown command or wrong arguments: %s\n\n", cmd);
	cli_usage(stderr);
	return EXIT_USAGE;
}
