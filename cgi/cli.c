/* The vaora command line: operator jobs (serve, migrate, seed-demo, routes, ...). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "adapters/db.h"
#include "base/buf.h"
#include "base/config.h"
#include "domain/backup.h"
#include "domain/demo.h"
#include "domain/keys.h"
#include "domain/migrate.h"
#include "entry.h"
#include "web/lang.h"
#include "web/response.h"
#include "web/routes.h"
#include "web/views.h"

/* Exit codes: 0 done, 1 the job failed, 2 the command was used wrongly; `migrate --check`:
 * 3 when migrations are pending (0 when none). */
#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_PENDING 3

/* The statuses nginx may answer by itself, each written as a static page in every language. */
const int static_error_statuses[] = { 400, 403, 404, 405, 413, 429, 500, 502, 503, 504 };
const size_t static_error_status_count = sizeof(static_error_statuses) / sizeof(static_error_statuses[0]);

void cli_usage(FILE *out)
{
	fputs("usage: vaora [-c CONFIG] COMMAND [ARGS]\n"
	      "\n"
	      "commands:\n"
	      "  serve              run the prefork FastCGI server (fast and slow pools)\n"
	      "  routes [--nginx]   print the route table, or nginx locations for slow routes\n"
	      "  migrate            apply schema/NNN-*.sql files not yet applied, on every shard\n"
	      "  migrate --check    print what migrate would apply, per shard, changing nothing;\n"
	      "                     exit 0 when nothing is pending, 3 when something is\n"
	      "  seed-demo          load the demo province's sample wards and demo venue\n"
	      "  error-pages DIR    write the static error pages nginx shows (CODE.LANG.html)\n"
	      "  nginx-conf DIR     write security headers, slow routes, limits and trusted proxies for nginx\n"
	      "  nginx-conf --production DIR\n"
	      "                     write a complete TLS site (DIR/vaora-site.conf) and its pieces\n"
	      "  check-config       load the configuration and templates, report problems\n"
	      "  purge [--dry-run]  drop check-in days past the retention, remove what hangs on\n"
	      "                     them, make the coming days' partitions, write the reports\n"
	      "  backup --to DIR    dump every shard (one consistent snapshot each) into DIR with a\n"
	      "                     manifest of rows and checksums; the secret is NOT in it\n"
	      "  restore --from DIR [--into-non-empty]\n"
	      "                     load a backup into the configured shards (empty databases unless\n"
	      "                     told), then check every table's rows and checksum\n"
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

/* Migrations seal what they must with the instance's keys (the secret is made first). They
 * change tables, so they connect with each shard's migration account. */
static int cmd_migrate(const char *config_path)
{
	struct config *c = load_config(config_path);
	if (!c)
		return EXIT_FAILED;
	char err[1024] = "";
	int rc = EXIT_FAILED;
	struct keyring *keys = NULL;
	if (config_use_migration_accounts(c, err, sizeof(err)) == 0)
		keys = keyring_load(c->secret_file, err, sizeof(err));
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

/* backup and restore: the shards' databases, no keys (the secret is backed up apart). */
static int cmd_backup(const char *config_path, int argc, char **argv)
{
	bool restore = strcmp(argv[0], "restore") == 0;
	bool into_non_empty = argc == 4 && strcmp(argv[3], "--into-non-empty") == 0;
	if (!(argc == 3 || into_non_empty) || strcmp(argv[1], restore ? "--from" : "--to") != 0 ||
	    (into_non_empty && !restore)) {
		fprintf(stderr, "vaora: usage: vaora backup --to DIR | vaora restore --from DIR [--into-non-empty]\n");
		return EXIT_USAGE;
	}
	struct config *c = load_config(config_path);
	if (!c)
		return EXIT_FAILED;
	struct db *db = db_open(c);
	char err[1024] = "";
	int rc = restore ? backup_restore(db, c, argv[2], into_non_empty, stdout, err, sizeof(err))
			 : backup_write(db, c, argv[2], stdout, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "vaora: %s: %s\n", argv[0], err);
	db_close(db);
	config_free(c);
	return rc == 0 ? 0 : EXIT_FAILED;
}

/* Reads each shard's ledger with the service account: nothing changes, no keys needed. */
static int cmd_migrate_check(const char *config_path)
{
	struct config *c = load_config(config_path);
	if (!c)
		return EXIT_FAILED;
	char err[1024] = "";
	size_t pending = 0;
	struct db *db = db_open(c);
	int rc = migrate_check(db, c, c->schema_dir, stdout, &pending, err, sizeof(err));
	db_close(db);
	config_free(c);
	if (rc != 0) {
		fprintf(stderr, "vaora: %s\n", err);
		return EXIT_FAILED;
	}
	if (pending == 0)
		printf("nothing to apply\n");
	return pending ? EXIT_PENDING : 0;
}

int cli_error_pages(const char *config_path, const char *dir)
{
	struct config *c = load_config(config_path);
	if (!c)
		return EXIT_FAILED;
	char err[1024];
	int rc = 0;
	struct views *v = views_load(c->templates_dir, c->static_dir, err, sizeof(err));
	if (!v) {
		fprintf(stderr, "vaora: %s\n", err);
		rc = EXIT_FAILED;
		goto out;
	}
	mkdir(dir, 0755);
	for (size_t i = 0; i < static_error_status_count; i++) {
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

static int cmd_check_config(const char *config_path)
{
	struct config *c = load_config(config_path);
	if (!c)
		return EXIT_FAILED;
	char err[1024];
	struct views *v = views_load(c->templates_dir, c->static_dir, err, sizeof(err));
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
	if (strcmp(cmd, "migrate") == 0 && argc == 2 && strcmp(argv[1], "--check") == 0)
		return cmd_migrate_check(config_path);
	if (strcmp(cmd, "seed-demo") == 0 && argc == 1)
		return cmd_with_db(config_path, demo_seed);
	if (strcmp(cmd, "backup") == 0 || strcmp(cmd, "restore") == 0)
		return cmd_backup(config_path, argc, argv);
	if (strcmp(cmd, "error-pages") == 0 && argc == 2)
		return cli_error_pages(config_path, argv[1]);
	if (strcmp(cmd, "nginx-conf") == 0 && argc == 2)
		return cli_nginx_conf(config_path, argv[1], false);
	if (strcmp(cmd, "nginx-conf") == 0 && argc == 3 && strcmp(argv[1], "--production") == 0)
		return cli_nginx_conf(config_path, argv[2], true);
	if (strcmp(cmd, "check-config") == 0 && argc == 1)
		return cmd_check_config(config_path);
	if (strcmp(cmd, "purge") == 0 && (argc == 1 || (argc == 2 && strcmp(argv[1], "--dry-run") == 0)))
		return cli_purge(config_path, argc == 2);
	if (strcmp(cmd, "account") == 0 || strcmp(cmd, "areas") == 0 || strcmp(cmd, "people") == 0 || strcmp(cmd, "posters") == 0 ||
	    strcmp(cmd, "checkins") == 0 || strcmp(cmd, "report") == 0 || strcmp(cmd, "province") == 0 ||
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
