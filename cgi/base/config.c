/* The instance configuration: vaora.conf (sockets, workers, shards) and provinces.conf (tenants). */
#include "base/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/address-list.h"
#include "base/buf.h"
#include "base/conf.h"
#include "base/num.h"
#include "base/xmalloc.h"

/* Without a setting, fast workers are this many per core: durable commits make them wait, and
 * the check-in writer's batches grow with the check-ins waiting on it (README "Performance":
 * 32 workers on 2 cores carried 15-25 % more one-taps and new people than 16, as many as 48,
 * and 48 slowed the check-in page). */
#define FAST_WORKERS_PER_CORE 16
/* Bounds that catch typos rather than limit real deployments. */
#define WORKERS_MAX 1024
#define SECONDS_MAX 3600
#define PASSWORD_MAX 256

const char *const edge_limit_names[EDGE_LIMIT_COUNT] = {
	[EDGE_LOGIN] = "login",
	[EDGE_REGISTER] = "register",
	[EDGE_CHECKIN] = "checkin",
	[EDGE_LOOKUP] = "lookup",
};

struct load_ctx {
	struct config *c;
	char dir[4096];		/* directory of the file being read, for relative paths */
	char *provinces_file;
	char *instance_shard;	/* name, resolved once shards are known */
};

static char *resolve_path(const struct load_ctx *ctx, const char *value)
{
	if (value[0] == '/')
		return xstrdup(value);
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s/%s", ctx->dir, value);
	return buf_take(&b);
}

static void set_string(char **field, char *value)
{
	free(*field);
	*field = value;
}

static int set_uint(unsigned *field, const char *value, uint64_t min, uint64_t max, char *err, size_t errlen)
{
	uint64_t v;
	if (!parse_uint(value, max, &v) || v < min) {
		snprintf(err, errlen, "expected a whole number from %lu to %lu", (unsigned long)min,
			 (unsigned long)max);
		return -1;
	}
	*field = (unsigned)v;
	return 0;
}

static int read_secret_file(const char *path, char **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "password file %s: %s", path, strerror(errno));
		return -1;
	}
	char line[PASSWORD_MAX + 2];
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	size_t len = strcspn(line, "\r\n");
	/* A longer password would be cut silently and then refused by the server. */
	if (len > PASSWORD_MAX) {
		snprintf(err, errlen, "password file %s: longer than %d bytes", path, PASSWORD_MAX);
		return -1;
	}
	line[len] = '\0';
	*out = xstrdup(line);
	return 0;
}

/* A base URL as printed on posters: http(s), no trailing slash. Returns a new string, or NULL
 * with err. */
static char *base_url_value(const char *value, char *err, size_t errlen)
{
	if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) {
		snprintf(err, errlen, "base_url must start with http:// or https://");
		return NULL;
	}
	char *url = xstrdup(value);
	size_t len = strlen(url);
	while (len && url[len - 1] == '/')
		url[--len] = '\0';
	return url;
}

static struct shard_config *shard_by_name(struct config *c, const char *name, size_t len, int create)
{
	for (size_t i = 0; i < c->shard_count; i++)
		if (strlen(c->shards[i].name) == len && memcmp(c->shards[i].name, name, len) == 0)
			return &c->shards[i];
	if (!create || c->shard_count == CONFIG_MAX_SHARDS || len == 0 || len > SHARD_NAME_MAX)
		return NULL;
	struct shard_config *s = &c->shards[c->shard_count++];
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, len);
	s->nodes[0].port = MARIADB_PORT;
	s->retention_days = RETENTION_DAYS_DEFAULT;
	return s;
}

/* One entry of shard.NAME.nodes: "unix:/path/to.sock" or "HOST:PORT". */
static int set_node(struct load_ctx *ctx, struct db_node *node, const char *entry, char *err, size_t errlen)
{
	memset(node, 0, sizeof(*node));
	if (strncmp(entry, "unix:", 5) == 0 && entry[5]) {
		node->socket = resolve_path(ctx, entry + 5);
		return 0;
	}
	const char *colon = strrchr(entry, ':');
	if (!colon || colon == entry) {
		snprintf(err, errlen, "a node is unix:/PATH or HOST:PORT, not \"%s\"", entry);
		return -1;
	}
	node->host = xstrndup(entry, (size_t)(colon - entry));
	return set_uint(&node->port, colon + 1, 1, 65535, err, errlen);
}

/* shard.NAME.nodes: the cluster's nodes, comma-separated, in the order workers prefer them. */
static int set_shard_nodes(struct load_ctx *ctx, struct shard_config *s, const char *value, char *err,
			   size_t errlen)
{
	if (s->node_count || s->nodes[0].socket || s->nodes[0].host) {
		snprintf(err, errlen, "shard %s: nodes given twice, or besides socket or host", s->name);
		return -1;
	}
	char *list = xstrdup(value), *save = NULL;
	int rc = 0;
	for (char *entry = strtok_r(list, ", ", &save); entry && rc == 0; entry = strtok_r(NULL, ", ", &save)) {
		if (s->node_count == SHARD_NODES_MAX) {
			snprintf(err, errlen, "at most %d nodes", SHARD_NODES_MAX);
			rc = -1;
		} else {
			rc = set_node(ctx, &s->nodes[s->node_count], entry, err, errlen);
			s->node_count++;
		}
	}
	free(list);
	if (rc == 0 && s->node_count == 0) {
		snprintf(err, errlen, "nodes lists no node");
		rc = -1;
	}
	return rc;
}

static int set_shard_key(struct load_ctx *ctx, const char *key, const char *value, char *err, size_t errlen)
{
	const char *name = key + strlen("shard.");
	const char *dot = strchr(name, '.');
	if (!dot) {
		snprintf(err, errlen, "expected shard.NAME.KEY");
		return -1;
	}
	for (const char *p = name; p < dot; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
			snprintf(err, errlen, "shard names use a-z, 0-9 and _");
			return -1;
		}
	}
	struct shard_config *s = shard_by_name(ctx->c, name, (size_t)(dot - name), 1);
	if (!s) {
		snprintf(err, errlen, "too many shards or bad shard name (at most %d, %d bytes)",
			 CONFIG_MAX_SHARDS, SHARD_NAME_MAX);
		return -1;
	}
	const char *field = dot + 1;
	bool single_node_key = !strcmp(field, "socket") || !strcmp(field, "host") || !strcmp(field, "port");
	if (single_node_key && s->node_count) {
		snprintf(err, errlen, "shard %s: give socket, host and port or nodes, not both", s->name);
		return -1;
	}
	if (strcmp(field, "socket") == 0)
		set_string(&s->nodes[0].socket, resolve_path(ctx, value));
	else if (strcmp(field, "host") == 0)
		set_string(&s->nodes[0].host, xstrdup(value));
	else if (strcmp(field, "port") == 0)
		return set_uint(&s->nodes[0].port, value, 1, 65535, err, errlen);
	else if (strcmp(field, "nodes") == 0)
		return set_shard_nodes(ctx, s, value, err, errlen);
	else if (strcmp(field, "database") == 0)
		set_string(&s->database, xstrdup(value));
	else if (strcmp(field, "user") == 0)
		set_string(&s->user, xstrdup(value));
	else if (strcmp(field, "password_file") == 0) {
		char *path = resolve_path(ctx, value);
		char *password = NULL;
		int rc = read_secret_file(path, &password, err, errlen);
		free(path);
		if (rc)
			return -1;
		set_string(&s->password, password);
	} else if (strcmp(field, "migrate_user") == 0) {
		set_string(&s->migrate_user, xstrdup(value));
	} else if (strcmp(field, "migrate_password_file") == 0) {
		set_string(&s->migrate_password_file, resolve_path(ctx, value));
	} else if (strcmp(field, "retention_days") == 0) {
		return set_uint(&s->retention_days, value, 1, RETENTION_DAYS_MAX, err, errlen);
	} else {
		snprintf(err, errlen, "unknown shard key \"%s\"", field);
		return -1;
	}
	return 0;
}

static int set_stay_key(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
	const char *name = key + strlen("stay_minutes.");
	enum venue_category category = venue_category_from_name(name);
	if (category == VENUE_CATEGORY_COUNT) {
		struct buf known = BUF_INIT;
		for (int i = 0; i < VENUE_CATEGORY_COUNT; i++)
			buf_printf(&known, "%s%s", i ? ", " : "", venue_category_names[i]);
		snprintf(err, errlen, "unknown venue category \"%s\" (categories: %s)", name, buf_str(&known));
		buf_free(&known);
		return -1;
	}
	return set_uint(&c->stay_minutes[category], value, 0, STAY_MINUTES_MAX, err, errlen);
}

/* edge_limit.NAME = PER_MINUTE BURST */
static int set_edge_key(struct config *c, const char *name, const char *value, char *err, size_t errlen)
{
	size_t which = 0;
	while (which < EDGE_LIMIT_COUNT && strcmp(name, edge_limit_names[which]) != 0)
		which++;
	if (which == EDGE_LIMIT_COUNT) {
		snprintf(err, errlen, "unknown edge limit \"%s\" (login, register, checkin, lookup)", name);
		return -1;
	}
	char rate[16] = "", burst[16] = "", rest[2] = "";
	if (sscanf(value, "%15s %15s %1s", rate, burst, rest) != 2) {
		snprintf(err, errlen, "edge_limit.%s needs two numbers: per minute, then burst", name);
		return -1;
	}
	if (set_uint(&c->edge_limits[which].per_minute, rate, 1, EDGE_PER_MINUTE_MAX, err, errlen) != 0)
		return -1;
	return set_uint(&c->edge_limits[which].burst, burst, 0, EDGE_BURST_MAX, err, errlen);
}

/* Addresses and CIDR blocks, separated by spaces: they become nginx directives, so nothing
 * but hex digits, '.', ':' and '/' is let in. */
static int set_trusted_proxies(const struct load_ctx *ctx, char **field, const char *value, char *err,
			       size_t errlen)
{
	(void)ctx;
	size_t len = strlen(value);
	if (len > TRUSTED_PROXIES_MAX || strspn(value, "0123456789abcdefABCDEF.:/ ") != len) {
		snprintf(err, errlen, "trusted_proxies: addresses or CIDR blocks (digits, '.', ':', '/') separated by spaces");
		return -1;
	}
	set_string(field, xstrdup(value));
	return 0;
}

/* Client addresses that may read /metrics, and CIDR blocks of them (a monitoring subnet),
 * separated by spaces, matched against the address nginx passes (REMOTE_ADDR). */
static int set_metrics_allow(const struct load_ctx *ctx, char **field, const char *value, char *err,
			     size_t errlen)
{
	(void)ctx;
	if (strlen(value) > METRICS_ALLOW_MAX || !address_list_valid(value)) {
		snprintf(err, errlen, "metrics_allow: IPv4 or IPv6 addresses or CIDR blocks (10.20.0.0/16) separated by spaces");
		return -1;
	}
	set_string(field, xstrdup(value));
	return 0;
}

bool config_socket_is_tcp(const char *socket)
{
	return socket[0] != '/' && strchr(socket, ':') != NULL;
}

/* A port after the last ':' of address, 1 to 65535. */
static bool has_port(const char *address)
{
	const char *colon = strrchr(address, ':');
	uint64_t port;
	return colon && parse_uint(colon + 1, 65535, &port) && port > 0;
}

/* A FastCGI socket vaora listens on: a unix path, or IPV4:PORT for nginx on other hosts. Only
 * a literal address of this host is bound, never every interface (0.0.0.0, or the "*" or
 * empty host libfcgi would take as all of them): a worker port is for the nginx hosts alone. */
static int set_listen_socket(const struct load_ctx *ctx, char **field, const char *value, char *err,
			     size_t errlen)
{
	if (!config_socket_is_tcp(value)) {
		set_string(field, resolve_path(ctx, value));
		return 0;
	}
	char host[INET_ADDRSTRLEN];
	struct in_addr a;
	size_t host_len = (size_t)(strrchr(value, ':') - value);
	if (host_len >= sizeof(host) || !has_port(value)) {
		snprintf(err, errlen, "a unix socket path, or an IPv4 address of this host and a port (10.0.0.21:9000)");
		return -1;
	}
	memcpy(host, value, host_len);
	host[host_len] = '\0';
	if (inet_pton(AF_INET, host, &a) != 1 || a.s_addr == htonl(INADDR_ANY)) {
		snprintf(err, errlen, "%s: an IPv4 address of this host (not 0.0.0.0, not a name) and a port", value);
		return -1;
	}
	set_string(field, xstrdup(value));
	return 0;
}

/* The servers of a pool: "unix:/path" or "HOST:PORT", separated by commas (spaces allowed
 * around them). They become nginx directives, so each is checked and the list is kept in one
 * spelling: "a, b". */
static int set_upstream(const struct load_ctx *ctx, char **field, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	size_t len = strlen(value);
	if (len > UPSTREAM_LIST_MAX || strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
						"0123456789.-_/:[], ") != len) {
		snprintf(err, errlen, "up to %d characters: unix:/path or host:port, separated by commas",
			 UPSTREAM_LIST_MAX);
		return -1;
	}
	char copy[UPSTREAM_LIST_MAX + 1];
	snprintf(copy, sizeof(copy), "%s", value);
	struct buf list = BUF_INIT;
	for (char *save = NULL, *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		s += strspn(s, " ");
		size_t n = strcspn(s, " ");
		bool one_word = s[n + strspn(s + n, " ")] == '\0';
		s[n] = '\0';
		if (n == 0 || !one_word || (strncmp(s, "unix:/", 6) != 0 && !has_port(s))) {
			snprintf(err, errlen, "\"%s\"%s is neither unix:/path nor host:port", s,
				 one_word ? "" : " followed by more than a comma");
			buf_free(&list);
			return -1;
		}
		buf_printf(&list, "%s%s", list.len ? ", " : "", s);
	}
	if (!list.len) {
		snprintf(err, errlen, "at least one server: unix:/path or host:port");
		return -1;
	}
	set_string(field, buf_take(&list));
	return 0;
}

/* IPv4 addresses separated by commas: libfcgi's FCGI_WEB_SERVER_ADDRS, checked on each
 * connection to a TCP socket. */
static int set_fcgi_clients(const struct load_ctx *ctx, char **field, const char *value, char *err,
			    size_t errlen)
{
	(void)ctx;
	char copy[FCGI_CLIENTS_MAX + 1];
	struct buf list = BUF_INIT;
	if (strlen(value) > FCGI_CLIENTS_MAX)
		goto bad;
	snprintf(copy, sizeof(copy), "%s", value);
	for (char *save = NULL, *s = strtok_r(copy, ", ", &save); s; s = strtok_r(NULL, ", ", &save)) {
		struct in_addr a;
		if (inet_pton(AF_INET, s, &a) != 1)
			goto bad;
		buf_printf(&list, "%s%s", list.len ? "," : "", s);
	}
	set_string(field, buf_take(&list));
	return 0;
bad:
	buf_free(&list);
	snprintf(err, errlen, "fcgi_clients: IPv4 addresses separated by commas, up to %d characters", FCGI_CLIENTS_MAX);
	return -1;
}

static int set_base_url(const struct load_ctx *ctx, char **field, const char *value, char *err, size_t errlen)
{
	(void)ctx;
	char *url = base_url_value(value, err, errlen);
	if (!url)
		return -1;
	set_string(field, url);
	return 0;
}

static int set_as_is(const struct load_ctx *ctx, char **field, const char *value, char *err, size_t errlen)
{
	(void)ctx, (void)err, (void)errlen;
	set_string(field, xstrdup(value));
	return 0;
}

/* A path, taken from the folder of the file that names it. */
static int set_path(const struct load_ctx *ctx, char **field, const char *value, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	set_string(field, resolve_path(ctx, value));
	return 0;
}

/* A path as set_path, or "" for none. */
static int set_path_or_none(const struct load_ctx *ctx, char **field, const char *value, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	set_string(field, value[0] ? resolve_path(ctx, value) : xstrdup(""));
	return 0;
}

/* A key of vaora.conf held as a string of struct config: its default (stored as written) and
 * the setter that checks a value and stores it. config_free frees every one. */
static const struct {
	const char *name;
	size_t offset;		/* of the char * in struct config */
	const char *fallback;
	int (*set)(const struct load_ctx *ctx, char **field, const char *value, char *err, size_t errlen);
} string_keys[] = {
	{ "fast_socket", offsetof(struct config, fast_socket), "/run/vaora/fast.sock", set_listen_socket },
	{ "slow_socket", offsetof(struct config, slow_socket), "/run/vaora/slow.sock", set_listen_socket },
	{ "upstream.fast", offsetof(struct config, fast_upstream), "", set_upstream },
	{ "upstream.slow", offsetof(struct config, slow_upstream), "", set_upstream },
	{ "fcgi_clients", offsetof(struct config, fcgi_clients), "", set_fcgi_clients },
	{ "socket_group", offsetof(struct config, socket_group), "", set_as_is },
	{ "pid_file", offsetof(struct config, pid_file), "", set_path_or_none },
	{ "templates_dir", offsetof(struct config, templates_dir), "/usr/share/vaora/templates", set_path },
	{ "static_dir", offsetof(struct config, static_dir), "/usr/share/vaora/templates/static", set_path },
	{ "schema_dir", offsetof(struct config, schema_dir), "/usr/share/vaora/schema", set_path },
	{ "base_url", offsetof(struct config, base_url), "http://127.0.0.1:8080", set_base_url },
	{ "secret_file", offsetof(struct config, secret_file), "/etc/vaora/secrets/instance-secret", set_path },
	{ "trusted_proxies", offsetof(struct config, trusted_proxies), "", set_trusted_proxies },
	{ "server_name", offsetof(struct config, server_name), "", set_as_is },
	{ "tls_certificate", offsetof(struct config, tls_certificate), "", set_path_or_none },
	{ "tls_certificate_key", offsetof(struct config, tls_certificate_key), "", set_path_or_none },
	{ "metrics_allow", offsetof(struct config, metrics_allow), "127.0.0.1 ::1", set_metrics_allow },
	{ "log_file", offsetof(struct config, log_file), "", set_path_or_none },
};

/* A whole-number key of vaora.conf: its default and the values it takes. */
static const struct {
	const char *name;
	size_t offset;		/* of the unsigned in struct config */
	unsigned fallback, min, max;
} uint_keys[] = {
	/* 0: FAST_WORKERS_PER_CORE a core, resolved by config_check. */
	{ "fast_workers", offsetof(struct config, fast_workers), 0, 0, WORKERS_MAX },
	{ "slow_workers", offsetof(struct config, slow_workers), 2, 1, WORKERS_MAX },
	{ "shutdown_grace", offsetof(struct config, shutdown_grace), 60, 1, SECONDS_MAX },
	{ "db_connect_timeout", offsetof(struct config, db_connect_timeout), 2, 1, SECONDS_MAX },
	{ "db_io_timeout", offsetof(struct config, db_io_timeout), DB_IO_TIMEOUT_DEFAULT, 1, SECONDS_MAX },
	{ "session_idle_minutes", offsetof(struct config, session_idle_minutes), 30, 1, 7 * 24 * 60 },
	{ "session_absolute_hours", offsetof(struct config, session_absolute_hours), 12, 1, 30 * 24 },
	{ "login_failures_before_delay", offsetof(struct config, login_failures_before_delay), 5, 1, 1000 },
	/* Loose on purpose: carriers put thousands of phones behind one address. */
	{ "login_failures_per_address", offsetof(struct config, login_failures_per_address), 200, 1, 1000000 },
	{ "login_window_minutes", offsetof(struct config, login_window_minutes), 15, 1, 24 * 60 },
};

#define KEY_COUNT(table) (sizeof(table) / sizeof((table)[0]))

static char **string_field(struct config *c, size_t key)
{
	return (char **)(void *)((char *)c + string_keys[key].offset);
}

static unsigned *uint_field(struct config *c, size_t key)
{
	return (unsigned *)(void *)((char *)c + uint_keys[key].offset);
}

/* Defaults for every key of vaora.conf, in one place: the two tables above and what follows. */
static void config_defaults(struct config *c)
{
	for (size_t i = 0; i < KEY_COUNT(string_keys); i++)
		*string_field(c, i) = xstrdup(string_keys[i].fallback);
	for (size_t i = 0; i < KEY_COUNT(uint_keys); i++)
		*uint_field(c, i) = uint_keys[i].fallback;
	/* Per client address, sized for the crowds behind one address: a carrier's NAT puts
	 * thousands of phones behind one, a school gate a thousand pupils in a quarter hour.
	 * Logins: a shift of staff logging in behind one office NAT, each ~2 tries. */
	c->edge_limits[EDGE_LOGIN] = (struct edge_rate){ 60, 120 };
	/* Registrations are rare: a market's stalls registering together on one Wi-Fi. */
	c->edge_limits[EDGE_REGISTER] = (struct edge_rate){ 20, 40 };
	/* Check-ins: 1,000 pupils in 15 minutes is ~70 a minute; a carrier NAT at a morning
	 * market far more. 1,200 a minute (20 a second) with 400 at once stops a script, not a crowd. */
	c->edge_limits[EDGE_CHECKIN] = (struct edge_rate){ 1200, 400 };
	/* Look-ups: a desk does one every few seconds; a NAT may hide ten desks. */
	c->edge_limits[EDGE_LOOKUP] = (struct edge_rate){ 120, 60 };
	for (int i = 0; i < VENUE_CATEGORY_COUNT; i++)
		c->stay_minutes[i] = venue_category_default_stay[i];
}

static int vaora_setting(void *vctx, const char *key, const char *value, char *err, size_t errlen)
{
	struct load_ctx *ctx = vctx;
	struct config *c = ctx->c;
	for (size_t i = 0; i < KEY_COUNT(string_keys); i++)
		if (strcmp(key, string_keys[i].name) == 0)
			return string_keys[i].set(ctx, string_field(c, i), value, err, errlen);
	for (size_t i = 0; i < KEY_COUNT(uint_keys); i++)
		if (strcmp(key, uint_keys[i].name) == 0)
			return set_uint(uint_field(c, i), value, uint_keys[i].min, uint_keys[i].max, err, errlen);
	if (strcmp(key, "instance_shard") == 0)
		set_string(&ctx->instance_shard, xstrdup(value));
	else if (strcmp(key, "provinces_file") == 0)
		set_string(&ctx->provinces_file, resolve_path(ctx, value));
	else if (strncmp(key, "shard.", 6) == 0)
		return set_shard_key(ctx, key, value, err, errlen);
	else if (strncmp(key, "stay_minutes.", 13) == 0)
		return set_stay_key(c, key, value, err, errlen);
	else if (strncmp(key, "edge_limit.", 11) == 0)
		return set_edge_key(c, key + 11, value, err, errlen);
	else {
		snprintf(err, errlen, "unknown key \"%s\"", key);
		return -1;
	}
	return 0;
}

static struct tenant *tenant_for_key(struct config *c, const char *key, const char **field, char *err, size_t errlen)
{
	if (!(key[0] >= '0' && key[0] <= '9' && key[1] >= '0' && key[1] <= '9' && key[2] == '.')) {
		snprintf(err, errlen, "expected NN.KEY with a two-digit province code");
		return NULL;
	}
	*field = key + 3;
	if (strncmp(key, INSTANCE_CODE, 2) == 0) {
		snprintf(err, errlen, "code %s is reserved for instance-wide rows", INSTANCE_CODE);
		return NULL;
	}
	for (size_t i = 0; i < c->tenant_count; i++)
		if (memcmp(c->tenants[i].code, key, 2) == 0)
			return &c->tenants[i];
	if (c->tenant_count == CONFIG_MAX_TENANTS) {
		snprintf(err, errlen, "more than %d provinces", CONFIG_MAX_TENANTS);
		return NULL;
	}
	struct tenant *t = &c->tenants[c->tenant_count++];
	memset(t, 0, sizeof(*t));
	memcpy(t->code, key, 2);
	t->shard = (size_t)-1;
	t->card_valid_days = CARD_VALID_DAYS_DEFAULT;
	t->lookups_per_hour = LOOKUPS_PER_HOUR_DEFAULT;
	return t;
}

static int valid_slug(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > TENANT_SLUG_MAX || s[0] == '-' || s[len - 1] == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

static int province_setting(void *vctx, const char *key, const char *value, char *err, size_t errlen)
{
	struct load_ctx *ctx = vctx;
	const char *field;
	struct tenant *t = tenant_for_key(ctx->c, key, &field, err, errlen);
	if (!t)
		return -1;
	if (strcmp(field, "slug") == 0) {
		if (!valid_slug(value)) {
			snprintf(err, errlen, "slug must be 1-%d of a-z, 0-9, '-'", TENANT_SLUG_MAX);
			return -1;
		}
		if (config_tenant_by_slug(ctx->c, value, strlen(value))) {
			snprintf(err, errlen, "slug \"%s\" used twice", value);
			return -1;
		}
		snprintf(t->slug, sizeof(t->slug), "%s", value);
	} else if (strcmp(field, "name") == 0) {
		set_string(&t->name, xstrdup(value));
	} else if (strcmp(field, "shard") == 0) {
		struct shard_config *s = shard_by_name(ctx->c, value, strlen(value), 0);
		if (!s) {
			snprintf(err, errlen, "no shard \"%s\" in vaora.conf", value);
			return -1;
		}
		t->shard = (size_t)(s - ctx->c->shards);
	} else if (strcmp(field, "base_url") == 0) {
		char *url = base_url_value(value, err, errlen);
		if (!url)
			return -1;
		set_string(&t->base_url, url);
	} else if (strcmp(field, "retention_days") == 0) {
		/* Checked against the shard's once both files are read. */
		return set_uint(&t->retention_days, value, 1, RETENTION_DAYS_MAX, err, errlen);
	} else if (strcmp(field, "card_valid_days") == 0) {
		return set_uint(&t->card_valid_days, value, 1, CARD_VALID_DAYS_MAX, err, errlen);
	} else if (strcmp(field, "lookups_per_hour") == 0) {
		return set_uint(&t->lookups_per_hour, value, 1, LOOKUPS_PER_HOUR_MAX, err, errlen);
	} else {
		snprintf(err, errlen, "unknown province key \"%s\"", field);
		return -1;
	}
	return 0;
}

static void set_dir_of(struct load_ctx *ctx, const char *path)
{
	char copy[sizeof(ctx->dir)];
	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(ctx->dir, sizeof(ctx->dir), "%s", dirname(copy));
}

/* Checks what single lines cannot: complete tenants, and shards that can be reached. */
static int config_check(struct config *c, const char *provinces_file, const char *instance_shard, char *err,
			size_t errlen)
{
	if (c->shard_count == 0) {
		snprintf(err, errlen, "no shard.NAME.* settings: at least one database shard is needed");
		return -1;
	}
	for (size_t i = 0; i < c->shard_count; i++) {
		struct shard_config *s = &c->shards[i];
		if (s->node_count == 0 && (s->nodes[0].socket || s->nodes[0].host))
			s->node_count = 1;
		if (!s->database || !s->user || s->node_count == 0) {
			snprintf(err, errlen, "shard %s needs database, user and socket, host or nodes", s->name);
			return -1;
		}
	}
	/* libfcgi authenticates nothing: on a TCP socket, whoever connects speaks as nginx (the
	 * client address, HTTPS), so only the named nginx hosts may. */
	if ((config_socket_is_tcp(c->fast_socket) || config_socket_is_tcp(c->slow_socket)) && !c->fcgi_clients[0]) {
		snprintf(err, errlen, "fast_socket or slow_socket is a TCP address: fcgi_clients must name the nginx "
			 "hosts allowed to connect");
		return -1;
	}
	c->instance_shard = 0;
	if (instance_shard) {
		struct shard_config *s = shard_by_name(c, instance_shard, strlen(instance_shard), 0);
		if (!s) {
			snprintf(err, errlen, "instance_shard names no shard \"%s\"", instance_shard);
			return -1;
		}
		c->instance_shard = (size_t)(s - c->shards);
	}
	snprintf(c->instance.code, sizeof(c->instance.code), "%s", INSTANCE_CODE);
	c->instance.name = xstrdup("vaora");
	c->instance.base_url = xstrdup(c->base_url);
	c->instance.shard = c->instance_shard;
	c->instance.retention_days = c->shards[c->instance_shard].retention_days;
	c->instance.card_valid_days = CARD_VALID_DAYS_DEFAULT;
	c->instance.lookups_per_hour = LOOKUPS_PER_HOUR_DEFAULT;
	if (c->tenant_count == 0) {
		snprintf(err, errlen, "%s: no provinces", provinces_file);
		return -1;
	}
	for (size_t i = 0; i < c->tenant_count; i++) {
		struct tenant *t = &c->tenants[i];
		if (!t->slug[0] || !t->name || t->shard == (size_t)-1) {
			snprintf(err, errlen, "%s: province %s needs slug, name and shard", provinces_file, t->code);
			return -1;
		}
		if (!t->base_url)
			t->base_url = xstrdup(c->base_url);
		/* One shard's provinces share its day partitions, so they share its retention: a
		 * province that needs another one belongs on a shard that has it. */
		const struct shard_config *s = &c->shards[t->shard];
		if (t->retention_days && t->retention_days != s->retention_days) {
			snprintf(err, errlen,
				 "%s: province %s: retention_days %u differs from its shard %s's %u (retention is per "
				 "shard: set shard.%s.retention_days, or move the province to a shard with %u)",
				 provinces_file, t->code, t->retention_days, s->name, s->retention_days, s->name,
				 t->retention_days);
			return -1;
		}
		t->retention_days = s->retention_days;
	}
	if (c->fast_workers == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		c->fast_workers = FAST_WORKERS_PER_CORE * (unsigned)(cores > 0 ? cores : 1);
	}
	return 0;
}

struct config *config_load(const char *path, char *err, size_t errlen)
{
	struct config *c = xcalloc(1, sizeof(*c));
	struct load_ctx ctx = { .c = c, .provinces_file = NULL, .instance_shard = NULL };
	config_defaults(c);
	set_dir_of(&ctx, path);
	if (conf_read_file(path, vaora_setting, &ctx, err, errlen) != 0)
		goto fail;
	if (!ctx.provinces_file)
		ctx.provinces_file = resolve_path(&ctx, "provinces.conf");
	set_dir_of(&ctx, ctx.provinces_file);
	if (conf_read_file(ctx.provinces_file, province_setting, &ctx, err, errlen) != 0)
		goto fail;
	if (config_check(c, ctx.provinces_file, ctx.instance_shard, err, errlen) != 0)
		goto fail;
	free(ctx.provinces_file);
	free(ctx.instance_shard);
	return c;
fail:
	free(ctx.provinces_file);
	free(ctx.instance_shard);
	config_free(c);
	return NULL;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < KEY_COUNT(string_keys); i++)
		free(*string_field(c, i));
	for (size_t i = 0; i < c->shard_count; i++) {
		for (size_t n = 0; n < SHARD_NODES_MAX; n++) {
			free(c->shards[i].nodes[n].socket);
			free(c->shards[i].nodes[n].host);
		}
		free(c->shards[i].database);
		free(c->shards[i].user);
		free(c->shards[i].password);
		free(c->shards[i].migrate_user);
		free(c->shards[i].migrate_password_file);
	}
	free(c->instance.name);
	free(c->instance.base_url);
	for (size_t i = 0; i < c->tenant_count; i++) {
		free(c->tenants[i].name);
		free(c->tenants[i].base_url);
	}
	free(c);
}

int config_use_migration_accounts(struct config *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->shard_count; i++) {
		struct shard_config *s = &c->shards[i];
		if (!s->migrate_user)
			continue;
		char *password = NULL;
		if (s->migrate_password_file) {
			char why[512];
			if (read_secret_file(s->migrate_password_file, &password, why, sizeof(why))) {
				snprintf(err, errlen, "shard %s: %s", s->name, why);
				return -1;
			}
		}
		set_string(&s->user, xstrdup(s->migrate_user));
		set_string(&s->password, password);
	}
	return 0;
}

const struct tenant *config_tenant_by_slug(const struct config *c, const char *slug, size_t len)
{
	for (size_t i = 0; i < c->tenant_count; i++)
		if (strlen(c->tenants[i].slug) == len && strncasecmp(c->tenants[i].slug, slug, len) == 0)
			return &c->tenants[i];
	return NULL;
}

const struct tenant *config_tenant_by_code(const struct config *c, const char *code)
{
	if (strcmp(code, INSTANCE_CODE) == 0)
		return &c->instance;
	for (size_t i = 0; i < c->tenant_count; i++)
		if (strcmp(c->tenants[i].code, code) == 0)
			return &c->tenants[i];
	return NULL;
}
