/* Operator jobs of the command line that work on a province's data: accounts, areas, people,
 * paper check-ins, and the instance secret. Each job is audited as "cli:USER". */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapters/db.h"
#include "adapters/render.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/xmalloc.h"
#include "domain/accounts.h"
#include "domain/areas.h"
#include "domain/audit.h"
#include "domain/keys.h"
#include "domain/paper-import.h"
#include "domain/people.h"
#include "domain/person-token.h"
#include "domain/posters.h"
#include "domain/province-move.h"
#include "domain/routing.h"
#include "domain/counters.h"
#include "domain/retention.h"
#include "domain/stats.h"
#include "domain/visits.h"
#include "entry.h"
#include "web/lang.h"
#include "web/view-report.h"
#include "web/views.h"

/* Area files of a province are small; the national list is 90 KB. */
#define AREAS_FILE_MAX (8 * 1024 * 1024)
/* A paper import from the command line: a province's backlog, larger than an upload may be. */
#define PAPER_FILE_MAX (64 * 1024 * 1024)
/* People one look-up prints. */
#define PEOPLE_SHOWN 20
/* A person's visits it prints after their details: the days a trace looks back, and at most
 * this many (later ones are cut, and it says so). */
#define VISITS_SHOWN_DAYS 30
#define VISITS_SHOWN 500

/* The value after --name in args, or NULL. */
static const char *option(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

/* Whether argv[1..] is "--option VALUE" pairs of known options followed by positional
 * arguments. argv[0] is the verb. */
static bool options_valid(int argc, char **argv, const char *const *known, int positional)
{
	int end = argc - positional;
	if (end < 1)
		return false;
	for (int i = 1; i < end; i += 2) {
		bool ok = i + 1 < end;
		bool named = false;
		for (const char *const *k = known; *k && ok; k++)
			named = named || strcmp(argv[i], *k) == 0;
		if (!ok || !named)
			return false;
	}
	return true;
}

/* Reads the file at path, at most max bytes, into text. Returns 0, or -1 after a message. */
static int read_file(const char *path, size_t max, struct buf *text)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "vaora: cannot open %s\n", path);
		return -1;
	}
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && text->len <= max)
		buf_append(text, chunk, n);
	fclose(f);
	if (text->len > max) {
		fprintf(stderr, "vaora: %s is larger than %lu bytes\n", path, (unsigned long)max);
		buf_free(text);
		return -1;
	}
	return 0;
}

static void cli_actor(struct actor *a)
{
	struct passwd *pw = getpwuid(getuid());
	memset(a, 0, sizeof(*a));
	snprintf(a->login, sizeof(a->login), "cli:%s", pw ? pw->pw_name : "unknown");
	a->address = "local";
}

/* The tenant named by --province (code or slug). */
static const struct tenant *province_option(const struct config *c, int argc, char **argv)
{
	const char *p = option(argc, argv, "--province");
	const struct tenant *t = NULL;
	if (p)
		t = strlen(p) == 2 ? config_tenant_by_code(c, p) : config_tenant_by_slug(c, p, strlen(p));
	if (!t)
		fprintf(stderr, "vaora: --province must name a province of provinces.conf (code or slug)\n");
	return t;
}

static int print_field_errors(const struct field_errors *e)
{
	for (size_t i = 0; i < e->count; i++)
		fprintf(stderr, "vaora: %s: %s\n", e->items[i].field, e->items[i].key);
	return e->count ? 1 : 0;
}

static int job_account_add(struct db *db, const struct config *c, const struct keyring *keys, int argc, char **argv)
{
	(void)keys;
	static const char *const known[] = { "--province", "--role", "--login", "--name", "--areas", NULL };
	if (!options_valid(argc, argv, known, 0) || !option(argc, argv, "--role") || !option(argc, argv, "--login"))
		return -1;
	const char *role = option(argc, argv, "--role");
	const struct tenant *t = strcmp(role, "operator") == 0 ? &c->instance : province_option(c, argc, argv);
	if (!t)
		return 1;
	struct actor actor;
	cli_actor(&actor);
	const char *name = option(argc, argv, "--name");
	struct account_input input = { .login = option(argc, argv, "--login"),
				       .display_name = name ? name : option(argc, argv, "--login"), .role = role,
				       .areas = option(argc, argv, "--areas") };
	struct field_errors errors = { 0 };
	char password[ONE_TIME_PASSWORD_LEN + 1];
	int64_t id;
	enum db_status status = accounts_create(db, t, &actor, &input, &errors, &id, password);
	if (status != DB_OK) {
		fprintf(stderr, "vaora: the database refused the account (shard down?)\n");
		return 1;
	}
	if (print_field_errors(&errors))
		return 1;
	printf("account %s (%s) created in %s\none-time password: %s\n"
	       "Hand it over in person; it must be changed at the first login.\n",
	       input.login, role, t->name, password);
	return 0;
}

static int job_areas_import(struct db *db, const struct config *c, const struct keyring *keys, int argc,
			    char **argv)
{
	(void)keys;
	static const char *const known[] = { "--province", NULL };
	if (!options_valid(argc, argv, known, 1))
		return -1;
	const struct tenant *t = province_option(c, argc, argv);
	if (!t)
		return 1;
	const char *path = argv[argc - 1];
	struct buf text = BUF_INIT;
	if (read_file(path, AREAS_FILE_MAX, &text) != 0)
		return 1;
	struct actor actor;
	cli_actor(&actor);
	char err[256];
	size_t imported;
	enum db_status status = areas_import(db, t, &actor, buf_str(&text), text.len, &imported, err, sizeof(err));
	buf_free(&text);
	if (status != DB_OK || err[0]) {
		fprintf(stderr, "vaora: %s: %s\n", path, err[0] ? err : "the database refused the import");
		return 1;
	}
	printf("%lu areas imported into %s\n", (unsigned long)imported, t->name);
	return 0;
}

struct arguments {
	int argc;
	char **argv;
};

/* The option of `people add` a person's field comes in (domain/people.h's names). */
static const struct {
	const char *field, *option;
} person_options[] = {
	{ "full_name", "--name" }, { "phone", "--phone" }, { "id_number", "--id-number" }, { "address", "--address" },
	{ "birth_year", "--birth-year" }, { "gender", "--gender" }, { "area_code", "--area" },
};

static const char *person_option(const void *src, const char *field)
{
	const struct arguments *a = src;
	for (size_t i = 0; i < sizeof(person_options) / sizeof(person_options[0]); i++)
		if (strcmp(person_options[i].field, field) == 0)
			return option(a->argc, a->argv, person_options[i].option);
	return NULL;
}

static int job_people_add(struct db *db, const struct config *c, const struct keyring *keys, int argc, char **argv)
{
	static const char *const known[] = { "--province", "--name", "--phone", "--id-number", "--address",
					     "--birth-year", "--gender", "--area", NULL };
	if (!options_valid(argc, argv, known, 0))
		return -1;
	const struct tenant *t = province_option(c, argc, argv);
	if (!t)
		return 1;
	struct actor actor;
	cli_actor(&actor);
	struct person_input in = { 0 };
	struct field_errors errors = { 0 };
	struct arguments args = { argc, argv };
	input_read_text(person_input_fields, person_input_field_count, person_option, &args, &in, &errors);
	int64_t id;
	if (people_create(db, t, keys, &actor, &in, &errors, &id) != DB_OK) {
		fprintf(stderr, "vaora: the database refused the person (shard down?)\n");
		return 1;
	}
	if (print_field_errors(&errors))
		return 1;
	/* The card code identifies only: the operator may hand it (or its printed card) over. */
	char card[CARD_TOKEN_LEN + 1];
	card_token_make(keys, t, id, PERSON_FIRST_VERSION, card);
	printf("person %lld added to %s, card %s\n", (long long)id, t->name, card);
	return 0;
}

/* The person's visits of the last VISITS_SHOWN_DAYS, oldest first, in Vietnam time. */
static int print_visits(struct db *db, const struct tenant *t, const struct config *c, const struct keyring *keys,
			int64_t person_id)
{
	int64_t now = clock_now_us();
	struct visit *visits = xcalloc(VISITS_SHOWN, sizeof(*visits));
	size_t n;
	bool more;
	enum db_status status = visits_of_person(db, t, c, keys, person_id, now - VISITS_SHOWN_DAYS * 86400 * 1000000LL, now,
						 visits, VISITS_SHOWN, &n, &more);
	if (status != DB_OK) {
		fprintf(stderr, "vaora: the database did not answer (shard down?)\n");
		free(visits);
		return 1;
	}
	printf("  visits of the last %d days (Vietnam time):%s\n", VISITS_SHOWN_DAYS, n ? "" : " none");
	for (size_t i = 0; i < n; i++) {
		const struct visit *v = &visits[i];
		char start[17], end[17];
		vn_time_format((time_t)(v->start_us / 1000000), start);
		vn_time_format((time_t)(v->end_us / 1000000), end);
		printf("    %s to %s  %s  %s (%s, %s)%s\n", start, end, visit_end_names[v->end_reason], v->venue_name,
		       venue_category_names[v->category], checkin_method_names[v->method],
		       v->start_unknown ? ", start unknown" : "");
	}
	if (more)
		printf("    (more visits than shown)\n");
	free(visits);
	return 0;
}

static int job_people_show(struct db *db, const struct config *c, const struct keyring *keys, int argc,
			   char **argv)
{
	static const char *const known[] = { "--province", "--phone", "--id-number", NULL };
	const char *phone = option(argc, argv, "--phone"), *id_number = option(argc, argv, "--id-number");
	if (!options_valid(argc, argv, known, 0) || (!phone == !id_number))
		return -1;
	const struct tenant *t = province_option(c, argc, argv);
	if (!t)
		return 1;
	struct actor actor;
	cli_actor(&actor);
	struct person *found = calloc(PEOPLE_SHOWN, sizeof(*found));
	size_t n = 0;
	struct field_errors errors = { 0 };
	enum db_status status = people_find(db, t, keys, &actor, phone, id_number, &errors, found, PEOPLE_SHOWN, &n);
	int rc = 0;
	if (status != DB_OK) {
		fprintf(stderr, "vaora: the database did not answer (shard down?)\n");
		rc = 1;
	} else if (print_field_errors(&errors)) {
		rc = 1;
	} else if (n == 0) {
		fprintf(stderr, "vaora: nobody found\n");
		rc = 1;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		printf("person %lld\n  name: %s\n  phone: %s\n  id number: %s\n  address: %s\n  commune: %s\n"
		       "  birth year: %d\n  gender: %s\n  consent: notice v%u at %s UTC\n",
		       (long long)found[i].id, found[i].full_name, found[i].phone, found[i].id_number, found[i].address,
		       found[i].area_code, found[i].birth_year, person_gender_names[found[i].gender],
		       found[i].consent_version, found[i].consent_at);
		rc = print_visits(db, t, c, keys, found[i].id);
	}
	free(found);
	return rc;
}

static int write_file(void *ctx, const unsigned char *data, size_t n)
{
	return fwrite(data, 1, n, ctx) == n ? 0 : -1;
}

static void show_progress(void *ctx, size_t done, int64_t total)
{
	(void)ctx;
	/* One line, rewritten in place: a thousand pages should not scroll a thousand lines. */
	fprintf(stderr, "\rposters: %lu of %lld", (unsigned long)done, (long long)total);
}

static int job_posters(struct db *db, const struct config *c, const struct keyring *keys, int argc, char **argv)
{
	static const char *const known[] = { "--province", "--area", "--layout", "-o", NULL };
	const char *out_path = option(argc, argv, "-o");
	if (!options_valid(argc, argv, known, 0) || !out_path)
		return -1;
	const struct tenant *t = province_option(c, argc, argv);
	if (!t)
		return 1;
	char dir[4096], err[512];
	snprintf(dir, sizeof(dir), "%s/posters", c->templates_dir);
	struct render_layouts *layouts = render_layouts_load(dir, err, sizeof(err));
	if (!layouts) {
		fprintf(stderr, "vaora: %s\n", err);
		return 1;
	}
	FILE *out = fopen(out_path, "wb");
	if (!out) {
		fprintf(stderr, "vaora: cannot write %s\n", out_path);
		render_layouts_free(layouts);
		return 1;
	}
	struct actor actor;
	cli_actor(&actor);
	const char *layout = option(argc, argv, "--layout");
	struct venue_filter f = { NULL, NULL, option(argc, argv, "--area"), "active", false, 0, 0 };
	size_t pages = 0;
	bool failed = false;
	enum db_status status = posters_render_bulk(db, layouts, keys, t, &actor, &f, layout ? layout : "a4", write_file,
						    out, show_progress, NULL, &pages, &failed);
	int rc = fclose(out) == 0 && status == DB_OK && !failed ? 0 : 1;
	fprintf(stderr, "%s", pages ? "\n" : "");
	if (rc)
		fprintf(stderr, "vaora: %s\n", status != DB_OK ? "the database did not answer" :
				pages == 0 ? "no active venue matches" : "rendering failed (see the log)");
	else
		printf("%s: %lu posters\n", out_path, (unsigned long)pages);
	render_layouts_free(layouts);
	return rc;
}

/* Checks report's options into *day and *area ("" for the whole province). Returns 0, or 1
 * after a message. */
static int report_options(struct db *db, const struct tenant *t, const char *day_text, const char *area_code,
			  struct vn_date *day, struct stats_report *r)
{
	bool found = false;
	if (!stats_report_day_parse(day_text, day)) {
		fprintf(stderr, "vaora: --day must be a date (YYYY-MM-DD) no later than today\n");
		return 1;
	}
	if (area_code && !area_code_valid(area_code)) {
		fprintf(stderr, "vaora: --area must be a commune code\n");
		return 1;
	}
	if (stats_day_report(db, t, area_code ? area_code : "", *day, r, &found) != DB_OK) {
		fprintf(stderr, "vaora: the database did not answer\n");
		return 1;
	}
	if (!found) {
		fprintf(stderr, "vaora: %s has no commune %s\n", t->slug, area_code);
		return 1;
	}
	return 0;
}

/* A day's report as a one-page PDF, in Vietnamese (the morning briefing's language). A failed
 * run leaves no file behind. */
static int job_report(struct db *db, const struct config *c, const struct keyring *keys, int argc, char **argv)
{
	static const char *const known[] = { "--province", "--area", "--day", "-o", NULL };
	const char *out_path = option(argc, argv, "-o"), *day_text = option(argc, argv, "--day");
	(void)keys;
	if (!options_valid(argc, argv, known, 0) || !out_path || !day_text)
		return -1;
	const struct tenant *t = province_option(c, argc, argv);
	if (!t)
		return 1;
	struct vn_date day;
	struct stats_report *r = xcalloc(1, sizeof(*r));
	char dir[4096], err[512];
	snprintf(dir, sizeof(dir), "%s/posters", c->templates_dir);
	struct views *views = NULL;
	struct render_layouts *layouts = NULL;
	FILE *out = NULL;
	int rc = report_options(db, t, day_text, option(argc, argv, "--area"), &day, r);
	if (rc == 0 && (!(views = views_load(c->templates_dir, c->static_dir, err, sizeof(err))) ||
			!(layouts = render_layouts_load(dir, err, sizeof(err))))) {
		fprintf(stderr, "vaora: %s\n", err);
		rc = 1;
	}
	if (rc == 0 && !(out = fopen(out_path, "wb"))) {
		fprintf(stderr, "vaora: cannot write %s\n", out_path);
		rc = 1;
	}
	if (rc == 0) {
		int drawn = report_view_pdf(views, LANG_VI, layouts, t, r, write_file, out);
		if (fclose(out) != 0 || drawn != 0) {
			fprintf(stderr, "vaora: rendering %s failed (see the log)\n", out_path);
			unlink(out_path);
			rc = 1;
		} else {
			printf("%s: report of %s%s%s, %s\n", out_path, t->slug, *r->area_name ? " · " : "", r->area_name,
			       r->day);
		}
	}
	render_layouts_free(layouts);
	views_free(views);
	free(r);
	return rc;
}

/* --as LOGIN: the account the rows are filed by, with its venues; without it the operator at
 * the shell may use every venue and the rows are filed by nobody (the audit names cli:USER). */
static int import_actor(struct db *db, const struct tenant *t, const char *login, struct actor *a)
{
	cli_actor(a);
	if (!login)
		return 0;
	int64_t id = 0;
	struct account acc;
	bool found = false;
	enum db_status status = accounts_id_by_login(db, t, login, &id);
	if (status == DB_OK && id)
		status = accounts_get(db, t, id, &acc, &found);
	if (status != DB_OK || !found || !acc.active) {
		fprintf(stderr, "vaora: --as %s: %s\n", login,
			status != DB_OK ? "the database did not answer" : "no active account of that province");
		return -1;
	}
	a->account_id = acc.id;
	a->role = acc.role;
	snprintf(a->province, sizeof(a->province), "%s", t->code);
	snprintf(a->login, sizeof(a->login), "%s", acc.login);
	snprintf(a->display_name, sizeof(a->display_name), "%s", acc.display_name);
	return 0;
}

static void show_import_progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rimport: %lu of %lu rows", (unsigned long)done, (unsigned long)total);
}

static int job_checkins_import(struct db *db, const struct config *c, const struct keyring *keys, int argc,
			       char **argv)
{
	static const char *const known[] = { "--province", "--venue", "--as", "--file", NULL };
	const char *path = option(argc, argv, "--file");
	if (!options_valid(argc, argv, known, 0) || !path)
		return -1;
	const struct tenant *t = province_option(c, argc, argv);
	if (!t)
		return 1;
	char err[1024], forms_dir[4096];
	snprintf(forms_dir, sizeof(forms_dir), "%s/forms", c->templates_dir);
	struct declarations *declarations = declarations_load(forms_dir, c, err, sizeof(err));
	const struct declaration_form *form = declarations ? declaration_for(declarations, t) : NULL;
	struct views *views = declarations ? views_load(c->templates_dir, c->static_dir, err, sizeof(err)) : NULL;
	struct buf text = BUF_INIT;
	struct actor actor;
	struct paper_import_result result = { 0 };
	int rc = 1;
	if (!views) {
		fprintf(stderr, "vaora: %s\n", err);
		goto out;
	}
	if (import_actor(db, t, option(argc, argv, "--as"), &actor) != 0 || read_file(path, PAPER_FILE_MAX, &text) != 0)
		goto out;
	enum db_status status = paper_import(db, t, keys, form, &actor, option(argc, argv, "--venue"), buf_str(&text),
					     text.len, show_import_progress, NULL, &result);
	fprintf(stderr, "%s", result.recorded + result.already ? "\n" : "");
	if (result.file_error) {
		struct buf header = BUF_INIT;
		paper_import_header(form, &header);
		fprintf(stderr, "vaora: %s: %s", path, views_message(views, LANG_EN, result.file_error));
		if (result.file_error_line)
			fprintf(stderr, " (line %lu)", (unsigned long)result.file_error_line);
		fprintf(stderr, "\n  expected header: %s\n", buf_str(&header));
		buf_free(&header);
		goto out;
	}
	for (size_t i = 0; i < result.reject_count; i++)
		for (size_t k = 0; k < result.rejects[i].errors.count; k++)
			printf("line %lu: %s: %s\n", (unsigned long)result.rejects[i].line,
			       result.rejects[i].errors.items[k].field,
			       views_message(views, LANG_EN, result.rejects[i].errors.items[k].key));
	printf("%s: %lu rows, %lu recorded, %lu already recorded, %lu rejected, %lu new people\n", path,
	       (unsigned long)result.rows, (unsigned long)result.recorded, (unsigned long)result.already,
	       (unsigned long)result.rejected, (unsigned long)result.people_created);
	if (status != DB_OK)
		fprintf(stderr, "vaora: the database failed at line %lu; run the import again to finish it"
				" (recorded rows are skipped)\n", (unsigned long)result.stopped_line);
	rc = status == DB_OK ? 0 : 1;
out:
	paper_import_result_free(&result);
	buf_free(&text);
	views_free(views);
	declarations_free(declarations);
	return rc;
}

/* `province move --province P (--to SHARD | --resume | --abort)`: see domain/province-move.h. */
static int job_province_move(struct db *db, const struct config *c, const struct keyring *keys, int argc, char **argv)
{
	(void)keys;
	enum move_mode mode = MOVE_START;
	if (argc == 4 && (strcmp(argv[3], "--resume") == 0 || strcmp(argv[3], "--abort") == 0))
		mode = strcmp(argv[3], "--resume") == 0 ? MOVE_RESUME : MOVE_ABORT;
	else if (argc != 5 || !option(argc, argv, "--to"))
		return -1;
	if (strcmp(argv[1], "--province") != 0)
		return -1;
	const struct tenant *t = province_option(c, argc, argv);
	if (!t)
		return 1;
	size_t to = c->shard_count;
	for (size_t i = 0; mode == MOVE_START && i < c->shard_count; i++)
		if (strcmp(c->shards[i].name, option(argc, argv, "--to")) == 0)
			to = i;
	if (mode == MOVE_START && to == c->shard_count) {
		fprintf(stderr, "vaora: --to must name a shard of vaora.conf\n");
		return 1;
	}
	struct actor actor;
	cli_actor(&actor);
	char err[512];
	if (province_move(db, c, t, to, mode, &actor, stdout, err, sizeof(err)) != 0) {
		fprintf(stderr, "vaora: province move: %s\n", err);
		return 1;
	}
	return 0;
}

struct job {
	const char *noun;
	const char *verb;	/* NULL: the noun alone ("report") */
	int (*run)(struct db *, const struct config *, const struct keyring *, int, char **);
	const char *usage;
};

static const struct job jobs[] = {
	{ "account", "add", job_account_add,
	  "account add --province P --role ROLE --login LOGIN [--name NAME] [--areas CODES]" },
	{ "areas", "import", job_areas_import, "areas import --province P FILE.csv" },
	{ "people", "add", job_people_add,
	  "people add --province P --name NAME [--phone N] [--id-number N] [--address A] [--birth-year Y]"
	  " [--gender male|female|other] [--area CODE]" },
	{ "people", "show", job_people_show, "people show --province P (--phone N | --id-number N)" },
	{ "checkins", "import", job_checkins_import,
	  "checkins import --province P [--venue CODE] [--as LOGIN] --file FILE.csv" },
	{ "province", "move", job_province_move, "province move --province P (--to SHARD | --resume | --abort)" },
	{ "posters", "bulk", job_posters, "posters bulk --province P [--area CODE] [--layout a4|a5|a6|tent] -o FILE.pdf" },
	/* No verb: "report" alone. */
	{ "report", NULL, job_report, "report --province P [--area CODE] --day YYYY-MM-DD -o FILE.pdf" },
};

void cli_jobs_usage(FILE *out)
{
	for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++)
		fprintf(out, "  %s\n", jobs[i].usage);
}

int cli_purge(const char *config_path, bool dry_run)
{
	char err[1024];
	struct config *c = config_load(config_path, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "vaora: %s\n", err);
		return 1;
	}
	/* Dropping and adding day partitions is DDL: the migration account's work. */
	if (config_use_migration_accounts(c, err, sizeof(err)) != 0) {
		fprintf(stderr, "vaora: %s\n", err);
		config_free(c);
		return 1;
	}
	struct db *db = db_open(c);
	struct routing *routing = routing_new(c);
	routing_read(routing, db);
	struct actor actor;
	cli_actor(&actor);
	int rc = retention_purge(db, c, &actor, dry_run, stdout, err, sizeof(err));
	if (rc)
		fprintf(stderr, "vaora: %s\n", err);
	/* The nightly run is also when yesterday closes. */
	if (!dry_run && counters_merge_closed_days(db, c, stdout, err, sizeof(err)) != 0) {
		fprintf(stderr, "vaora: %s\n", err);
		rc = -1;
	}
	routing_free(routing);
	db_close(db);
	config_free(c);
	return rc ? 1 : 0;
}

/* Secret jobs need no database: init before the first start, rotate any time (then reload). */
static int job_secret(const struct config *c, int argc, char **argv)
{
	char err[512];
	if (argc == 2 && strcmp(argv[1], "init") == 0) {
		int rc = keyring_init(c->secret_file, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "vaora: %s\n", err);
			return 1;
		}
		printf("%s: %s\n", c->secret_file,
		       rc == 1 ? "created" : rc == 2 ? "keys of new purposes added: back it up again" : "already there");
		return 0;
	}
	const char *purpose = argc == 4 && strcmp(argv[1], "rotate") == 0 && strcmp(argv[2], "--purpose") == 0
				      ? argv[3] : NULL;
	if (!purpose)
		return 2;
	enum key_purpose p = key_purpose_from_name(purpose);
	if (p == KEY_PURPOSE_COUNT) {
		fprintf(stderr, "vaora: purposes are");
		for (int i = 0; i < KEY_PURPOSE_COUNT; i++)
			fprintf(stderr, " %s", key_purpose_names[i]);
		fputc('\n', stderr);
		return 2;
	}
	int version = keyring_rotate(c->secret_file, p, err, sizeof(err));
	if (version < 0) {
		fprintf(stderr, "vaora: %s\n", err);
		return 1;
	}
	struct db *db = db_open(c);
	struct actor actor;
	cli_actor(&actor);
	char detail[64];
	snprintf(detail, sizeof(detail), "%s v%d", purpose, version);
	audit_record(db, &c->instance, &actor, AUDIT_KEY_ROTATE, "secret", 0, detail);
	db_close(db);
	printf("%s: %s is now at version %d; reload the server (SIGHUP) to use it\n", c->secret_file, purpose, version);
	return 0;
}

int cli_jobs(const char *config_path, int argc, char **argv)
{
	char err[1024];
	if (argc < 2)
		return 2;
	struct config *c = config_load(config_path, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "vaora: %s\n", err);
		return 1;
	}
	int rc = 2;
	if (strcmp(argv[0], "secret") == 0) {
		rc = job_secret(c, argc, argv);
		goto out;
	}
	for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		if (strcmp(argv[0], jobs[i].noun) != 0 || (jobs[i].verb && strcmp(argv[1], jobs[i].verb) != 0))
			continue;
		/* The job sees its verb first, or the noun when it has none. */
		int skip = jobs[i].verb ? 1 : 0;
		struct keyring *keys = keyring_load(c->secret_file, err, sizeof(err));
		if (!keys) {
			fprintf(stderr, "vaora: %s\n", err);
			rc = 1;
			goto out;
		}
		struct db *db = db_open(c);
		/* Provinces moved to another shard are found where province_shards says. */
		struct routing *routing = routing_new(c);
		routing_read(routing, db);
		rc = jobs[i].run(db, c, keys, argc - skip, argv + skip);
		routing_free(routing);
		if (rc < 0) {
			fprintf(stderr, "usage: vaora %s\n", jobs[i].usage);
			rc = 2;
		}
		db_close(db);
		keyring_free(keys);
		goto out;
	}
out:
	config_free(c);
	return rc;
}
