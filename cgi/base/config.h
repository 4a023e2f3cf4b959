/* The instance configuration: vaora.conf (sockets, workers, shards) and provinces.conf (tenants). */
#ifndef VAORA_CONFIG_H
#define VAORA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/venue-category.h"

/* A fixed upper bound keeps lookups simple; an instance serves at most all 34 provinces
 * (plus room for test tenants), on at most a handful of shards. */
#define CONFIG_MAX_SHARDS 16
#define CONFIG_MAX_TENANTS 64
/* Slugs are short ASCII words in URLs. */
#define TENANT_SLUG_MAX 31
/* Shard names are short identifiers in config keys and /healthz. */
#define SHARD_NAME_MAX 31
/* A visit's default stay is at most a day: a longer guess says nothing to a tracer, and it
 * bounds how far around a window visits must read check-ins. */
#define STAY_MINUTES_MAX 1440
/* Days check-ins are kept (shard.NAME.retention_days, stated by the privacy notice). At most a
 * year: a shard then holds about 370 day partitions, far below MariaDB's 8192. */
#define RETENTION_DAYS_DEFAULT 30
#define RETENTION_DAYS_MAX 366
/* Days a personal card keeps its holder after its issue (NN.card_valid_days): a printed
 * wallet card is meant to last. At most ten years, a bound on typos. */
#define CARD_VALID_DAYS_DEFAULT 365
#define CARD_VALID_DAYS_MAX 3650
/* Look-ups by phone or ID number one desk account, and one venue, may make in an hour
 * (NN.lookups_per_hour): a desk looks up the residents in front of it, a few a minute at a
 * busy moment; a directory harvest needs thousands. At most 1,000, a bound on typos. */
#define LOOKUPS_PER_HOUR_DEFAULT 30
#define LOOKUPS_PER_HOUR_MAX 1000

/* The request kinds nginx limits per client address (edge_limit.NAME in vaora.conf). */
enum edge_limit {
	EDGE_LOGIN,		/* login POSTs, staff and operators */
	EDGE_REGISTER,		/* venue registration POSTs */
	EDGE_CHECKIN,		/* check-in POSTs: self, gate scans, the API */
	EDGE_LOOKUP,		/* look-ups of residents by phone or ID number (proxy/find) */
	EDGE_LIMIT_COUNT
};
extern const char *const edge_limit_names[EDGE_LIMIT_COUNT];

struct edge_rate {
	unsigned per_minute;	/* sustained requests a minute from one address */
	unsigned burst;		/* requests above the rate let through at once before 429 */
};
/* Bounds that catch typos: a million a minute is beyond what one nginx answers. */
#define EDGE_PER_MINUTE_MAX 1000000
#define EDGE_BURST_MAX 100000
/* trusted_proxies: a few addresses or CIDR blocks of the provincial reverse proxies. */
#define TRUSTED_PROXIES_MAX 1024
/* metrics_allow: the few addresses of the Prometheus servers that scrape /metrics. */
#define METRICS_ALLOW_MAX 1024
/* upstream.fast, upstream.slow: the FastCGI servers of a pool nginx spreads over, a few dozen
 * hosts at most (each "10.0.0.21:9000" or a unix socket path). */
#define UPSTREAM_LIST_MAX 2048
/* fcgi_clients: the nginx hosts' IPv4 addresses allowed on a TCP FastCGI socket. */
#define FCGI_CLIENTS_MAX 1024

/* MariaDB's port when a host is named without one. */
#define MARIADB_PORT 3306
/* Read and write timeouts bound how long a worker waits on a server gone silent (db_io_timeout):
 * long enough for the slow pool's largest statements (an import batch, an export page). */
#define DB_IO_TIMEOUT_DEFAULT 30
/* A Galera cluster has three nodes, or five across sites; eight bounds typos, not designs. */
#define SHARD_NODES_MAX 8

/* One MariaDB server of a shard. */
struct db_node {
	char *socket;		/* unix socket, or NULL to use host/port */
	char *host;
	unsigned port;
};

struct shard_config {
	char name[SHARD_NAME_MAX + 1];
	/* One server (shard.NAME.socket or host/port), or the nodes of its Galera cluster in the
	 * order workers prefer them (shard.NAME.nodes): writes go to one node at a time. */
	struct db_node nodes[SHARD_NODES_MAX];
	size_t node_count;
	char *database;
	char *user;
	char *password;		/* read from password_file at load; NULL for socket auth */
	/* The account with DDL rights that `vaora migrate` and `vaora purge` (partition changes)
	 * use instead, when set: the service's own account then needs no DDL. Its password file
	 * is read only by config_use_migration_accounts, so the server, which may not read it,
	 * still starts. */
	char *migrate_user;
	char *migrate_password_file;
	/* Days check-ins are kept on this shard: its day partitions are shared by its provinces,
	 * so retention is the shard's (schema/006-retention.sql says why). */
	unsigned retention_days;
};

struct tenant {
	char code[3];		/* official two-digit province code, the key in every row */
	char slug[TENANT_SLUG_MAX + 1];
	char *name;		/* official name, UTF-8 with diacritics */
	char *base_url;		/* public base URL for printed codes, no trailing slash */
	size_t shard;		/* index into config.shards */
	unsigned retention_days;	/* its shard's, which NN.retention_days may only repeat */
	unsigned card_valid_days;	/* a personal card identifies its holder this long */
	unsigned lookups_per_hour;	/* per desk account and per venue */
};

struct config {
	char *fast_socket;	/* FastCGI socket of the fast pool: a unix path, or IPV4:PORT */
	char *slow_socket;	/* FastCGI socket of the slow pool: a unix path, or IPV4:PORT */
	/* The servers nginx sends each pool to, comma-separated ("unix:/run/vaora/fast.sock,
	 * 10.0.0.21:9000"); "" for this host's own socket alone. */
	char *fast_upstream;
	char *slow_upstream;
	char *fcgi_clients;	/* IPv4 addresses, comma-separated, allowed on a TCP socket; "" for none */
	char *socket_group;	/* group of both sockets (nginx's), mode 0660; "" for vaora's own */
	char *pid_file;		/* the serve master's pid, written once it serves; "" for none */
	unsigned fast_workers;	/* resolved: never 0 after load */
	unsigned slow_workers;
	unsigned shutdown_grace;	/* seconds a stopping worker may finish its request */
	unsigned db_connect_timeout;	/* seconds */
	unsigned db_io_timeout;		/* seconds a statement may wait on a server that went silent */
	char *templates_dir;
	char *schema_dir;	/* numbered migrations and the demo sample */
	char *static_dir;
	char *base_url;
	char *secret_file;		/* the instance secret: key material of every purpose */
	size_t instance_shard;		/* holds instance-wide rows (operators), index into shards */
	unsigned session_idle_minutes;	/* a session unused this long ends */
	unsigned session_absolute_hours;	/* a session ends this long after login, used or not */
	unsigned login_failures_before_delay;	/* failures of one login from one address before each
						 * further attempt waits, twice as long each time */
	unsigned login_failures_per_address;	/* failed logins from one address per window */
	unsigned login_window_minutes;
	struct edge_rate edge_limits[EDGE_LIMIT_COUNT];	/* nginx's limit_req, per client address */
	char *trusted_proxies;	/* addresses whose X-Forwarded-For nginx believes; "" for none */
	/* The production nginx site (`vaora nginx-conf --production`): its host names and the
	 * certificate chain and key nginx reads (certbot's fullchain.pem and privkey.pem). */
	char *server_name;
	char *tls_certificate;
	char *tls_certificate_key;
	char *metrics_allow;	/* client addresses /metrics answers, space-separated */
	char *log_file;		/* where the log goes, reopened on SIGUSR1; "" for stderr */
	/* How long a visit lasts when no check-out or check-in elsewhere ends it sooner. */
	unsigned stay_minutes[VENUE_CATEGORY_COUNT];
	struct shard_config shards[CONFIG_MAX_SHARDS];
	size_t shard_count;
	/* Instance-wide rows (operators, their audit trail) live under code "00" on instance_shard. */
	struct tenant instance;
	struct tenant tenants[CONFIG_MAX_TENANTS];	/* in file order */
	size_t tenant_count;
};

/* Loads path and the provinces file it names. Relative paths inside are taken from the
 * directory of the file that holds them. Unknown keys are errors. Returns the config (caller
 * frees with config_free), or NULL with "file:line: message" in err. */
struct config *config_load(const char *path, char *err, size_t errlen);
/* Whether a FastCGI socket of vaora.conf is a TCP address (IPV4:PORT) rather than a unix path. */
bool config_socket_is_tcp(const char *socket);
void config_free(struct config *c);

/* Makes each shard's migration account (shard.NAME.migrate_user) the one db_open connects
 * with, reading its password file now. Returns 0, or -1 with "shard NAME: message" in err. */
int config_use_migration_accounts(struct config *c, char *err, size_t errlen);

/* The province code of instance-wide rows. */
#define INSTANCE_CODE "00"

/* Lookups; NULL when absent. Slugs match in any case: posters print URLs in upper case. */
const struct tenant *config_tenant_by_slug(const struct config *c, const char *slug, size_t len);
/* By code; INSTANCE_CODE gives the instance pseudo-tenant. */
const struct tenant *config_tenant_by_code(const struct config *c, const char *code);

#endif
