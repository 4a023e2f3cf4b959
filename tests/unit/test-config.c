/* Unit tests for the key = value reader and the instance configuration (vaora.conf, provinces.conf). */
#include "unit.h"

#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/conf.h"
#include "base/config.h"

/* Room for every error message these tests provoke (they hold temporary paths). */
#define ERR_MAX 1024

/* What a conf_parse callback saw, as "key=value;" lines; refuses the key "refuse". */
static int record_setting(void *ctx, const char *key, const char *value, char *err, size_t errlen)
{
	struct buf *seen = ctx;
	if (strcmp(key, "refuse") == 0) {
		snprintf(err, errlen, "%s", value);
		return -1;
	}
	buf_printf(seen, "%s=%s;", key, value);
	return 0;
}

static void assert_conf(const char *text, const char *want)
{
	char err[ERR_MAX] = "";
	struct buf seen = BUF_INIT;
	if (conf_parse(text, "t.conf", record_setting, &seen, err, sizeof(err)) != 0)
		fail_msg("conf_parse: %s", err);
	assert_string_equal(buf_str(&seen), want);
	buf_free(&seen);
}

/* Expects conf_parse to fail with exactly want in err, after calling back for seen_want. */
static void assert_conf_error(const char *text, const char *want, const char *seen_want)
{
	char err[ERR_MAX] = "";
	struct buf seen = BUF_INIT;
	assert_int_equal(conf_parse(text, "t.conf", record_setting, &seen, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_string_equal(buf_str(&seen), seen_want);
	buf_free(&seen);
}

static void test_conf_parse(void **state)
{
	(void)state;
	assert_conf("", "");
	assert_conf("\n\n# only comments\n   # indented comment\n\t\n", "");
	assert_conf("# header\n\na = 1\n  b=two words \t\n\tc\t=\t3\n", "a=1;b=two words;c=3;");
	/* CRLF lines, a last line without newline, an empty value, '=' inside the value. */
	assert_conf("a = 1\r\nempty =\r\nurl = x=y=z\r\nlast = end", "a=1;empty=;url=x=y=z;last=end;");
	/* '#' starts a comment only at the start of a line. */
	assert_conf("a = 1 # not a comment\n", "a=1 # not a comment;");
	assert_conf("name = Thành phố Hà Nội\n", "name=Thành phố Hà Nội;");
}

static void test_conf_errors(void **state)
{
	(void)state;
	/* Line numbers count blank and comment lines. */
	assert_conf_error("# c\n\na = 1\nno equals sign\nb = 2\n", "t.conf:4: expected \"key = value\"", "a=1;");
	assert_conf_error(" = value\n", "t.conf:1: empty key", "");
	assert_conf_error("a = 1\n\t=\n", "t.conf:2: empty key", "a=1;");
	assert_conf_error("a = 1\nrefuse = no such thing\nb = 2\n", "t.conf:2: no such thing", "a=1;");
	/* A refusal without a message still names the line. */
	assert_conf_error("\n\nrefuse =\n", "t.conf:3: invalid setting", "");
	assert_conf_error("a = \xc3\x28\n", "t.conf:1: not UTF-8", "");

	struct buf text = BUF_INIT;
	buf_puts(&text, "a = 1\nlong = ");
	for (int i = 0; i < 5000; i++)
		buf_putc(&text, 'x');
	assert_conf_error(buf_str(&text), "t.conf:2: line longer than 4096 bytes", "a=1;");
	buf_free(&text);

	/* A message that does not fit is cut, not overflowed. */
	char small[12];
	struct buf seen = BUF_INIT;
	assert_int_equal(conf_parse("x\n", "t.conf", record_setting, &seen, small, sizeof(small)), -1);
	assert_string_equal(small, "t.conf:1: e");
	buf_free(&seen);
}

/* A temporary folder of config files, made for each test and removed by its teardown even
 * when a check fails. */
static char dir[] = "/tmp/vaora-test-config.XXXXXX";
static const char *const dir_files[] = { "vaora.conf", "db-password", "db-migrate-password", "tenants/provinces.conf" };

static int dir_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", "/tmp/vaora-test-config.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char sub[PATH_MAX];
	snprintf(sub, sizeof(sub), "%s/tenants", dir);
	return mkdir(sub, 0700);
}

static int dir_teardown(void **state)
{
	(void)state;
	char path[PATH_MAX];
	for (size_t i = 0; i < sizeof(dir_files) / sizeof(dir_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dir_files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/tenants", dir);
	rmdir(path);
	return rmdir(dir);
}

/* Writes text to name (one of dir_files) in the temporary folder. */
static void write_file(const char *name, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The path of name in the temporary folder; the caller frees it. */
static char *path_of(const char *name)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s/%s", dir, name);
	return buf_take(&b);
}

static const char valid_conf[] =
	"# A test instance.\n"
	"\n"
	"provinces_file = tenants/provinces.conf\n"
	"templates_dir = tpl\n"
	"static_dir = /srv/static\n"
	"base_url = https://vaora.example/\n"
	"fast_workers = 0\n"
	"slow_workers = 3\n"
	"shutdown_grace = 5\n"
	"stay_minutes.market = 45\n"
	"stay_minutes.checkpoint = 1440\n"
	"stay_minutes.office = 0\n"
	"\n"
	"shard.north.socket = /run/mysqld/mysqld.sock\n"
	"shard.north.database = vaora_north\n"
	"shard.north.user = vaora\n"
	"shard.north.password_file = db-password\n"
	"shard.south.host = 10.0.0.2\n"
	"shard.south.port = 3307\n"
	"shard.south.database = vaora_south\n"
	"shard.south.user = vaora_s\n";

static const char valid_provinces[] =
	"# Three provinces on two shards.\n"
	"01.slug = ha-noi\n"
	"01.name = Thành phố Hà Nội\n"
	"01.shard = north\n"
	"01.base_url = https://qr.hanoi.example/\n"
	"\n"
	"79.slug = ho-chi-minh\n"
	"79.name = Thành phố Hồ Chí Minh\n"
	"79.shard = south\n"
	"\n"
	"48.slug = da-nang\n"
	"48.name = Thành phố Đà Nẵng\n"
	"48.shard = north\n";

/* Loads vaora.conf from the temporary folder and expects success. */
static struct config *load_ok(void)
{
	char err[ERR_MAX] = "";
	char *path = path_of("vaora.conf");
	struct config *c = config_load(path, err, sizeof(err));
	free(path);
	if (!c)
		fail_msg("config_load: %s", err);
	return c;
}

/* Loads vaora.conf from the temporary folder, expects failure, and checks err holds each of
 * the NULL-terminated strings given. */
static void assert_load_error(const char *first, ...)
{
	char err[ERR_MAX] = "";
	char *path = path_of("vaora.conf");
	struct config *c = config_load(path, err, sizeof(err));
	free(path);
	if (c) {
		config_free(c);
		fail_msg("config_load succeeded, want an error with \"%s\"", first);
	}
	const char *missing = NULL;
	va_list ap;
	va_start(ap, first);
	for (const char *s = first; s && !missing; s = va_arg(ap, const char *))
		if (!strstr(err, s))
			missing = s;
	va_end(ap);
	if (missing)
		fail_msg("error \"%s\" lacks \"%s\"", err, missing);
}

static void test_load_valid(void **state)
{
	(void)state;
	write_file("vaora.conf", valid_conf);
	write_file("tenants/provinces.conf", valid_provinces);
	write_file("db-password", "s3cret pass\nsecond line ignored\n");
	struct config *c = load_ok();
	char *want;

	assert_int_equal(c->shard_count, 2);
	assert_string_equal(c->shards[0].name, "north");
	assert_string_equal(c->shards[0].nodes[0].socket, "/run/mysqld/mysqld.sock");
	assert_null(c->shards[0].nodes[0].host);
	assert_int_equal(c->shards[0].node_count, 1);
	assert_string_equal(c->shards[0].database, "vaora_north");
	assert_string_equal(c->shards[0].user, "vaora");
	assert_string_equal(c->shards[0].password, "s3cret pass");
	assert_string_equal(c->shards[1].name, "south");
	assert_null(c->shards[1].nodes[0].socket);
	assert_string_equal(c->shards[1].nodes[0].host, "10.0.0.2");
	assert_int_equal(c->shards[1].nodes[0].port, 3307);
	assert_string_equal(c->shards[1].database, "vaora_south");
	assert_string_equal(c->shards[1].user, "vaora_s");
	assert_null(c->shards[1].password);

	/* Relative paths are taken from the config's folder, absolute ones kept. */
	want = path_of("tpl");
	assert_string_equal(c->templates_dir, want);
	free(want);
	assert_string_equal(c->static_dir, "/srv/static");
	/* The trailing slash goes. */
	assert_string_equal(c->base_url, "https://vaora.example");
	assert_true(c->fast_workers > 0);
	assert_int_equal(c->slow_workers, 3);
	assert_int_equal(c->shutdown_grace, 5);
	/* Unset keys keep their defaults. */
	assert_int_equal(c->db_connect_timeout, 2);
	assert_string_equal(c->fast_socket, "/run/vaora/fast.sock");
	/* Stays as set, at both bounds; the other categories keep their defaults. */
	assert_int_equal(c->stay_minutes[VENUE_MARKET], 45);
	assert_int_equal(c->stay_minutes[VENUE_CHECKPOINT], STAY_MINUTES_MAX);
	assert_int_equal(c->stay_minutes[VENUE_OFFICE], 0);
	assert_int_equal(c->stay_minutes[VENUE_SHOP], 30);
	assert_int_equal(c->stay_minutes[VENUE_HOSPITAL], 120);
	assert_int_equal(c->stay_minutes[VENUE_OTHER], 60);

	/* Tenants in file order; one without base_url inherits the instance's. */
	assert_int_equal(c->tenant_count, 3);
	const struct tenant *t = &c->tenants[0];
	assert_string_equal(t->code, "01");
	assert_string_equal(t->slug, "ha-noi");
	assert_string_equal(t->name, "Thành phố Hà Nội");
	assert_int_equal(t->shard, 0);
	assert_string_equal(t->base_url, "https://qr.hanoi.example");
	t = &c->tenants[1];
	assert_string_equal(t->code, "79");
	assert_string_equal(t->slug, "ho-chi-minh");
	assert_int_equal(t->shard, 1);
	assert_string_equal(t->base_url, "https://vaora.example");
	t = &c->tenants[2];
	assert_string_equal(t->code, "48");
	assert_string_equal(t->name, "Thành phố Đà Nẵng");
	assert_int_equal(t->shard, 0);
	assert_string_equal(t->base_url, "https://vaora.example");
	config_free(c);

	/* A folder is not a config file. */
	char err[ERR_MAX] = "";
	assert_null(config_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, dir));

	/* The same tree loads when reached through a relative path from elsewhere. */
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir("/tmp"), 0);
	want = path_of("vaora.conf");
	c = config_load(want + strlen("/tmp/"), err, sizeof(err));
	free(want);
	assert_int_equal(chdir(cwd), 0);
	if (!c)
		fail_msg("config_load by relative path: %s", err);
	assert_int_equal(c->tenant_count, 3);
	assert_string_equal(c->shards[0].password, "s3cret pass");
	config_free(c);
	config_free(NULL);
}

static void test_tenant_lookup(void **state)
{
	(void)state;
	write_file("vaora.conf", valid_conf);
	write_file("tenants/provinces.conf", valid_provinces);
	write_file("db-password", "pw\n");
	struct config *c = load_ok();

	const struct tenant *t = config_tenant_by_slug(c, "ho-chi-minh", strlen("ho-chi-minh"));
	assert_ptr_equal(t, &c->tenants[1]);
	/* By length: a slug at the head of a path. */
	assert_ptr_equal(config_tenant_by_slug(c, "ha-noi/venues", 6), &c->tenants[0]);
	assert_null(config_tenant_by_slug(c, "ha-noi", 5));
	assert_null(config_tenant_by_slug(c, "ha-noi-x", 8));
	/* Any case: posters print their URL in upper case for QR alphanumeric mode. */
	assert_ptr_equal(config_tenant_by_slug(c, "HA-NOI", 6), &c->tenants[0]);
	assert_null(config_tenant_by_slug(c, "", 0));

	assert_ptr_equal(config_tenant_by_code(c, "48"), &c->tenants[2]);
	assert_ptr_equal(config_tenant_by_code(c, "01"), &c->tenants[0]);
	assert_null(config_tenant_by_code(c, "02"));
	assert_null(config_tenant_by_code(c, "1"));
	assert_null(config_tenant_by_code(c, "011"));
	assert_null(config_tenant_by_code(c, ""));

	/* Code 00 is the instance pseudo-tenant, never a province. */
	t = config_tenant_by_code(c, INSTANCE_CODE);
	assert_non_null(t);
	assert_string_equal(t->code, "00");
	assert_string_equal(t->base_url, "https://vaora.example");
	assert_true(t->shard < c->shard_count);
	assert_null(config_tenant_by_slug(c, "", 0));
	config_free(c);

	write_file("tenants/provinces.conf", "00.slug = instance\n00.name = Instance\n00.shard = north\n");
	assert_load_error("provinces.conf:1:", "reserved", NULL);
}

/* valid_conf with one line added after line 2 (so it is line 3 in messages). */
static void write_conf_with(const char *line)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "# A test instance.\n\n%s\n%s", line, valid_conf + strlen("# A test instance.\n\n"));
	write_file("vaora.conf", buf_str(&b));
	buf_free(&b);
}

static void test_load_errors(void **state)
{
	(void)state;
	char conf[PATH_MAX], provinces[PATH_MAX], at[PATH_MAX + 16];
	snprintf(conf, sizeof(conf), "%s/vaora.conf", dir);
	snprintf(provinces, sizeof(provinces), "%s/tenants/provinces.conf", dir);
	write_file("tenants/provinces.conf", valid_provinces);
	write_file("db-password", "pw\n");

	write_conf_with("colour = blue");
	snprintf(at, sizeof(at), "%s:3:", conf);
	assert_load_error(at, "unknown key \"colour\"", NULL);

	write_conf_with("shard.north.colour = blue");
	assert_load_error(at, "unknown shard key \"colour\"", NULL);

	write_conf_with("shard.North.user = x");
	assert_load_error(at, "shard names", NULL);

	write_conf_with("fast_workers = 12x");
	assert_load_error(at, "whole number", NULL);
	write_conf_with("fast_workers = -1");
	assert_load_error(at, "whole number", NULL);
	write_conf_with("slow_workers = 0");
	assert_load_error(at, "whole number", NULL);
	write_conf_with("fast_workers = 1025");
	assert_load_error(at, "whole number", NULL);
	write_conf_with("shard.south.port = 65536");
	assert_load_error(at, "whole number", NULL);

	write_conf_with("metrics_allow = 127.0.0.1 10.20.0.0/33");
	assert_load_error(at, "metrics_allow", "CIDR", NULL);
	write_conf_with("metrics_allow = prometheus.local");
	assert_load_error(at, "metrics_allow", NULL);

	write_conf_with("stay_minutes.cinema = 90");
	assert_load_error(at, "unknown venue category \"cinema\"", "market", NULL);
	write_conf_with("stay_minutes.Market = 90");
	assert_load_error(at, "unknown venue category", NULL);
	write_conf_with("stay_minutes. = 90");
	assert_load_error(at, "unknown venue category", NULL);
	write_conf_with("stay_minutes = 90");
	assert_load_error(at, "unknown key \"stay_minutes\"", NULL);
	write_conf_with("stay_minutes.market = 1441");
	assert_load_error(at, "from 0 to 1440", NULL);
	write_conf_with("stay_minutes.market = -5");
	assert_load_error(at, "whole number", NULL);
	write_conf_with("stay_minutes.market = 1h");
	assert_load_error(at, "whole number", NULL);

	write_conf_with("base_url = ftp://vaora.example");
	assert_load_error(at, "base_url", NULL);

	write_conf_with("no equals sign");
	assert_load_error(at, "expected", NULL);

	write_conf_with("shard.north.password_file = missing-password");
	assert_load_error(at, "missing-password", NULL);

	/* The provinces file missing. */
	write_file("vaora.conf", "provinces_file = nowhere.conf\n"
				 "shard.north.socket = /run/mysqld/mysqld.sock\nshard.north.database = v\n"
				 "shard.north.user = vaora\n");
	snprintf(at, sizeof(at), "%s/nowhere.conf: ", dir);
	assert_load_error(at, NULL);

	/* No shards at all. */
	write_file("vaora.conf", "provinces_file = tenants/provinces.conf\n");
	assert_load_error("no shard", NULL);

	/* A shard without its database. */
	write_file("vaora.conf", "provinces_file = tenants/provinces.conf\n"
				 "shard.north.socket = /run/mysqld/mysqld.sock\nshard.north.user = vaora\n"
				 "shard.south.host = db\nshard.south.database = v\nshard.south.user = vaora\n");
	assert_load_error("shard north needs", NULL);

	/* Errors in the provinces file name that file and the line. */
	write_file("vaora.conf", valid_conf);
	write_file("tenants/provinces.conf", "01.slug = ha-noi\n01.name = Hà Nội\n01.shard = west\n");
	snprintf(at, sizeof(at), "%s:3:", provinces);
	assert_load_error(at, "west", NULL);

	write_file("tenants/provinces.conf", "01.slug = ha-noi\n01.name = Hà Nội\n02.slug = ha-noi\n");
	assert_load_error(at, "\"ha-noi\" used twice", NULL);

	write_file("tenants/provinces.conf", "01.name = Hà Nội\n01.shard = north\n01.slug = Ha Noi\n");
	assert_load_error(at, "slug", NULL);
	write_file("tenants/provinces.conf", "01.name = Hà Nội\n01.shard = north\n01.slug = -ha-noi\n");
	assert_load_error(at, "slug", NULL);
	write_file("tenants/provinces.conf", "01.name = Hà Nội\n01.shard = north\n01.slug = ha_noi\n");
	assert_load_error(at, "slug", NULL);
	struct buf b = BUF_INIT;
	buf_puts(&b, "01.name = Hà Nội\n01.shard = north\n01.slug = ");
	for (int i = 0; i <= TENANT_SLUG_MAX; i++)
		buf_putc(&b, 'a');
	write_file("tenants/provinces.conf", buf_str(&b));
	assert_load_error(at, "slug", NULL);
	buf_reset(&b);
	buf_puts(&b, "01.name = Hà Nội\n01.shard = north\n01.slug = ");
	for (int i = 0; i < TENANT_SLUG_MAX; i++)
		buf_putc(&b, 'a');
	write_file("tenants/provinces.conf", buf_str(&b));
	struct config *c = load_ok();
	assert_int_equal(strlen(c->tenants[0].slug), TENANT_SLUG_MAX);
	config_free(c);
	buf_free(&b);

	write_file("tenants/provinces.conf", "01.slug = ha-noi\n01.shard = north\n01.colour = red\n");
	assert_load_error(at, "unknown province key \"colour\"", NULL);

	write_file("tenants/provinces.conf", "01.slug = ha-noi\n01.shard = north\n1.name = x\n");
	assert_load_error(at, "two-digit", NULL);

	write_file("tenants/provinces.conf", "01.slug = ha-noi\n01.shard = north\nname = x\n");
	assert_load_error(at, "two-digit", NULL);

	/* What single lines cannot show: a province missing its name, an empty file. */
	write_file("tenants/provinces.conf", "01.slug = ha-noi\n01.shard = north\n");
	assert_load_error(provinces, "province 01 needs", NULL);
	write_file("tenants/provinces.conf", "01.slug = ha-noi\n01.name = Hà Nội\n");
	assert_load_error(provinces, "province 01 needs", NULL);
	write_file("tenants/provinces.conf", "# nothing yet\n");
	assert_load_error(provinces, "no provinces", NULL);
}

/*
 * Regression (fixed) in cgi/base/config.c (read_secret_file): the password is read with one fgets() into
 * PASSWORD_MAX + 2 bytes, so a longer first line is cut silently to 257 bytes and the shard
 * then fails to log in with no hint why. A password up to PASSWORD_MAX (256) bytes must load
 * whole; a longer one must be refused at start.
 */
static void test_regression_long_password_truncated(void **state)
{
	(void)state;
	struct buf pw = BUF_INIT;
	for (int i = 0; i < 256; i++)
		buf_putc(&pw, (char)('a' + i % 26));
	write_file("vaora.conf", valid_conf);
	write_file("tenants/provinces.conf", valid_provinces);
	write_file("db-password", buf_str(&pw));
	struct config *c = load_ok();
	int whole = strcmp(c->shards[0].password, buf_str(&pw)) == 0;
	config_free(c);
	if (!whole) {
		buf_free(&pw);
		fail_msg("a 256-byte password did not load whole");
	}

	for (int i = 256; i < 300; i++)
		buf_putc(&pw, (char)('a' + i % 26));
	write_file("db-password", buf_str(&pw));
	char err[ERR_MAX] = "";
	char *path = path_of("vaora.conf");
	c = config_load(path, err, sizeof(err));
	free(path);
	if (c) {
		size_t got = strlen(c->shards[0].password);
		config_free(c);
		buf_free(&pw);
		fail_msg("a 300-byte password file loaded as a %zu-byte password", got);
	}
	buf_free(&pw);
	assert_non_null(strstr(err, "db-password"));
}

/*
 * Regression (fixed) in cgi/base/config.c (province_setting): NN.base_url is printed on posters like the
 * instance base_url, but only the instance key is checked for http:// or https://; a
 * province's "qr.hanoi.gov.vn" or "javascript:..." loads.
 */
static void test_regression_province_base_url_unchecked(void **state)
{
	(void)state;
	write_file("vaora.conf", valid_conf);
	write_file("db-password", "pw\n");
	write_file("tenants/provinces.conf", "01.slug = ha-noi\n01.name = Hà Nội\n01.shard = north\n"
					     "01.base_url = qr.hanoi.example\n");
	assert_load_error("provinces.conf:4:", "base_url", NULL);
}

/* The repository's root: tests run from it (tests/run.sh, make), and __FILE__ is relative to it. */
static char *repo_file(const char *name)
{
	const char *self = "tests/unit/test-config.c";
	size_t len = strlen(__FILE__);
	struct buf b = BUF_INIT;
	if (len > strlen(self) && __FILE__[0] == '/')
		buf_append(&b, __FILE__, len - strlen(self));
	else
		buf_puts(&b, "./");
	buf_puts(&b, name);
	char *path = realpath(buf_str(&b), NULL);
	if (!path)
		fail_msg("%s not found: run the tests from the repository root", buf_str(&b));
	buf_free(&b);
	return path;
}

/* Retention is the shard's: its provinces inherit it and may only repeat it; a card's validity
 * and the desks' look-up limit are each province's own. */
static void test_retention_settings(void **state)
{
	(void)state;
	struct buf provinces = BUF_INIT;
	write_conf_with("shard.south.retention_days = 45");
	buf_printf(&provinces, "%s79.retention_days = 45\n48.card_valid_days = 730\n01.lookups_per_hour = 60\n",
		   valid_provinces);
	write_file("tenants/provinces.conf", buf_str(&provinces));
	write_file("db-password", "pw\n");
	struct config *c = load_ok();
	/* The line set first names south first. */
	assert_string_equal(c->shards[0].name, "south");
	assert_int_equal(c->shards[0].retention_days, 45);
	assert_int_equal(c->shards[1].retention_days, RETENTION_DAYS_DEFAULT);
	assert_int_equal(c->tenants[0].retention_days, RETENTION_DAYS_DEFAULT);
	assert_int_equal(c->tenants[1].retention_days, 45);
	assert_int_equal(c->tenants[0].card_valid_days, CARD_VALID_DAYS_DEFAULT);
	assert_int_equal(c->tenants[2].card_valid_days, 730);
	assert_int_equal(c->tenants[0].lookups_per_hour, 60);
	assert_int_equal(c->tenants[1].lookups_per_hour, LOOKUPS_PER_HOUR_DEFAULT);
	config_free(c);

	/* A look-up limit of 0 would close every desk: refused with the range. */
	buf_reset(&provinces);
	buf_printf(&provinces, "%s01.lookups_per_hour = 0\n", valid_provinces);
	write_file("tenants/provinces.conf", buf_str(&provinces));
	assert_load_error("whole number from 1 to 1000", NULL);

	/* Hà Nội asks for 60 days on a shard that keeps 30: refused, saying where to set it. */
	buf_reset(&provinces);
	buf_printf(&provinces, "%s01.retention_days = 60\n", valid_provinces);
	write_file("tenants/provinces.conf", buf_str(&provinces));
	assert_load_error("province 01", "retention_days 60", "shard north", "shard.north.retention_days", NULL);
	buf_free(&provinces);

	write_file("tenants/provinces.conf", valid_provinces);
	write_conf_with("shard.north.retention_days = 0");
	assert_load_error("whole number from 1 to 366", NULL);
	write_conf_with("shard.north.retention_days = 367");
	assert_load_error("whole number from 1 to 366", NULL);
}

static void test_a_shard_may_be_a_cluster_of_nodes_in_order_of_preference(void **state)
{
	(void)state;
	write_file("tenants/provinces.conf", valid_provinces);
	write_file("db-password", "pw\n");
	write_conf_with("shard.east.nodes = unix:/run/galera/1.sock, 10.0.0.5:3307 ,db3:3306\n"
			"shard.east.database = vaora_east\nshard.east.user = vaora");
	struct config *c = load_ok();
	const struct shard_config *east = &c->shards[0];
	assert_string_equal(east->name, "east");
	assert_int_equal(east->node_count, 3);
	assert_string_equal(east->nodes[0].socket, "/run/galera/1.sock");
	assert_null(east->nodes[0].host);
	assert_string_equal(east->nodes[1].host, "10.0.0.5");
	assert_int_equal(east->nodes[1].port, 3307);
	assert_string_equal(east->nodes[2].host, "db3");
	assert_int_equal(east->nodes[2].port, 3306);
	config_free(c);

	/* One form or the other: a node list beside a socket is a mistake, said as one. */
	write_conf_with("shard.north.nodes = unix:/run/a.sock, unix:/run/b.sock");
	assert_load_error("shard north", "not both", NULL);
	write_conf_with("shard.south.nodes = db1:3306, db2");
	assert_load_error("unix:/PATH or HOST:PORT", "db2", NULL);
	write_conf_with("shard.east.nodes = a:1,b:1,c:1,d:1,e:1,f:1,g:1,h:1,i:1\n"
			"shard.east.database = d\nshard.east.user = u");
	assert_load_error("at most 8 nodes", NULL);
	write_conf_with("shard.east.nodes = ,\nshard.east.database = d\nshard.east.user = u");
	assert_load_error("no node", NULL);
}

static void test_shipped_provinces(void **state)
{
	(void)state;
	char *provinces = repo_file("conf/provinces.conf");
	struct buf b = BUF_INIT;
	buf_printf(&b,
		   "provinces_file = %s\n"
		   "shard.s1.socket = /run/mysqld/mysqld.sock\nshard.s1.database = vaora_s1\nshard.s1.user = vaora\n"
		   "shard.s2.socket = /run/mysqld/mysqld.sock\nshard.s2.database = vaora_s2\nshard.s2.user = vaora\n",
		   provinces);
	write_file("vaora.conf", buf_str(&b));
	buf_free(&b);
	free(provinces);

	struct config *c = load_ok();
	assert_int_equal(c->tenant_count, 34);
	const struct tenant *t = config_tenant_by_slug(c, "ha-noi", strlen("ha-noi"));
	assert_non_null(t);
	assert_string_equal(t->code, "01");
	assert_string_equal(t->name, "Thành phố Hà Nội");
	assert_string_equal(c->shards[t->shard].name, "s1");
	t = config_tenant_by_code(c, "79");
	assert_non_null(t);
	assert_string_equal(t->slug, "ho-chi-minh");
	assert_string_equal(t->name, "Thành phố Hồ Chí Minh");
	/* Every tenant is complete, with a code and slug of its own. */
	for (size_t i = 0; i < c->tenant_count; i++) {
		t = &c->tenants[i];
		assert_ptr_equal(config_tenant_by_code(c, t->code), t);
		assert_ptr_equal(config_tenant_by_slug(c, t->slug, strlen(t->slug)), t);
		assert_true(t->shard < c->shard_count);
		assert_string_equal(t->base_url, "http://127.0.0.1:8080");
	}
	config_free(c);
}

/* The categories a province's venues need (a phở shop, a café, a pagoda, a factory...) exist, and
 * the shipped vaora.conf names the stay of every category, equal to the compiled default. */
static void test_province_categories_exist_with_their_stay_in_the_shipped_conf(void **state)
{
	(void)state;
	static const char *const wanted[] = { "restaurant", "cafe", "supermarket", "pharmacy", "religious",
					      "hotel", "workplace" };
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (venue_category_from_name(wanted[i]) == VENUE_CATEGORY_COUNT)
			fail_msg("no venue category \"%s\"", wanted[i]);

	char *path = repo_file("conf/vaora.conf");
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct buf text = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&text, chunk, n);
	fclose(f);
	free(path);
	for (int c = 0; c < VENUE_CATEGORY_COUNT; c++) {
		char line[64];
		snprintf(line, sizeof(line), "\nstay_minutes.%s = %u\n", venue_category_names[c],
			 venue_category_default_stay[c]);
		if (!strstr(buf_str(&text), line))
			fail_msg("conf/vaora.conf lacks \"%s\"", line + 1);
	}
	buf_free(&text);
}

/* Worker hosts: a TCP socket binds one named IPv4 address of the host, only for the nginx hosts
 * fcgi_clients names; the upstream lists are checked and kept in one spelling. */
static void test_worker_hosts_listen_on_named_addresses_and_list_their_upstreams(void **state)
{
	(void)state;
	write_file("tenants/provinces.conf", valid_provinces);
	write_file("db-password", "pw\n");

	write_conf_with("fast_socket = 10.0.0.21:9000\nslow_socket = 10.0.0.21:9001\nfcgi_clients = 10.0.0.5, 10.0.0.6\n"
			"upstream.fast = unix:/run/vaora/fast.sock,10.0.0.21:9000 ,  app2.internal:9000\n");
	struct config *c = load_ok();
	assert_string_equal(c->fast_socket, "10.0.0.21:9000");
	assert_true(config_socket_is_tcp(c->fast_socket));
	assert_string_equal(c->fcgi_clients, "10.0.0.5,10.0.0.6");
	assert_string_equal(c->fast_upstream, "unix:/run/vaora/fast.sock, 10.0.0.21:9000, app2.internal:9000");
	assert_string_equal(c->slow_upstream, "");
	config_free(c);
	write_conf_with("fast_socket = run/fast.sock");
	c = load_ok();
	assert_false(config_socket_is_tcp(c->fast_socket));
	config_free(c);

	/* Every interface, a name, no port: refused. */
	write_conf_with("fast_socket = 0.0.0.0:9000\nfcgi_clients = 10.0.0.5");
	assert_load_error("0.0.0.0:9000", "not 0.0.0.0", NULL);
	write_conf_with("fast_socket = :9000\nfcgi_clients = 10.0.0.5");
	assert_load_error("an IPv4 address of this host", NULL);
	write_conf_with("fast_socket = localhost:9000\nfcgi_clients = 10.0.0.5");
	assert_load_error("not a name", NULL);
	write_conf_with("fast_socket = 10.0.0.21:\nfcgi_clients = 10.0.0.5");
	assert_load_error("and a port", NULL);
	write_conf_with("fast_socket = 10.0.0.21:70000\nfcgi_clients = 10.0.0.5");
	assert_load_error("and a port", NULL);
	/* A TCP socket with nobody named allowed: refused, libfcgi would let anyone in. */
	write_conf_with("slow_socket = 10.0.0.21:9001");
	assert_load_error("fcgi_clients must name the nginx hosts", NULL);
	write_conf_with("fcgi_clients = nginx.internal");
	assert_load_error("fcgi_clients: IPv4 addresses", NULL);
	/* Upstream entries become nginx directives. */
	write_conf_with("upstream.fast = 10.0.0.21:9000; deny all");
	assert_load_error("unix:/path or host:port", NULL);
	write_conf_with("upstream.fast = 10.0.0.21");
	assert_load_error("\"10.0.0.21\" is neither", NULL);
	write_conf_with("upstream.slow = unix:/a.sock 10.0.0.21:9001");
	assert_load_error("is neither", NULL);
	write_conf_with("upstream.slow = , ");
	assert_load_error("at least one server", NULL);
}

/* The server loads a configuration whose migration password it may not read (the file is the
 * purge's and migrate's alone); migrate and purge then connect as the migration account, and a
 * missing password file is an error naming the shard. */
static void test_migration_account_is_read_only_when_used(void **state)
{
	(void)state;
	struct buf conf = BUF_INIT;
	buf_printf(&conf, "%sshard.north.migrate_user = vaora_migrate\n"
			  "shard.north.migrate_password_file = db-migrate-password\n", valid_conf);
	write_file("vaora.conf", buf_str(&conf));
	buf_free(&conf);
	write_file("tenants/provinces.conf", valid_provinces);
	write_file("db-password", "service-pw\n");
	struct config *c = load_ok();
	assert_string_equal(c->shards[0].user, "vaora");
	char err[ERR_MAX] = "";
	assert_int_equal(config_use_migration_accounts(c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "shard north: password file"));
	config_free(c);

	write_file("db-migrate-password", "migrate-pw\n");
	c = load_ok();
	assert_int_equal(config_use_migration_accounts(c, err, sizeof(err)), 0);
	assert_string_equal(c->shards[0].user, "vaora_migrate");
	assert_string_equal(c->shards[0].password, "migrate-pw");
	/* A shard without a migration account keeps its own. */
	assert_string_equal(c->shards[1].user, "vaora_s");
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_parse),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test_setup_teardown(test_load_valid, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_tenant_lookup, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_regression_long_password_truncated, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_regression_province_base_url_unchecked, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_retention_settings, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_a_shard_may_be_a_cluster_of_nodes_in_order_of_preference, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_shipped_provinces, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_migration_account_is_read_only_when_used, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_worker_hosts_listen_on_named_addresses_and_list_their_upstreams,
						dir_setup, dir_teardown),
		cmocka_unit_test(test_province_categories_exist_with_their_stay_in_the_shipped_conf),
	};
	return UNIT_RUN("config", tests);
}
