/* Counters for /metrics, shared by the prefork workers: one slot per worker in shared memory. */
#include "base/metrics.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/xmalloc.h"

/* The statuses counted by their code; any other is counted as "other". */
static const int counted_statuses[] = { 200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405,
					409, 410, 413, 415, 422, 429, 500, 502, 503, 504 };
#define STATUS_KINDS (sizeof(counted_statuses) / sizeof(counted_statuses[0]) + 1)

static const int64_t bucket_bounds_us[METRICS_BUCKETS - 1] = { 1000, 2500, 5000, 10000, 25000, 50000,
							       100000, 250000, 1000000, 5000000, 30000000 };

/* One worker's counts. Only that worker writes them (the master only marks the slot's owner
 * while no worker has it), so relaxed loads and stores suffice: a reader sees each 64-bit value
 * whole, and a scrape racing a request sees it either before or after. */
struct slot {
	int32_t pid;		/* its worker now, 0 when free, -1 while being given out */
	uint8_t pool;
	uint8_t busy;		/* inside a request */
	uint8_t used;		/* ever given out: worth reading */
	uint64_t requests[METRICS_ROUTES + 1][STATUS_KINDS];
	uint64_t latency[METRICS_ROUTES + 1][METRICS_BUCKETS];
	uint64_t latency_sum_us[METRICS_ROUTES + 1];
	uint64_t queue_wait[METRICS_BUCKETS];
	uint64_t queue_wait_sum_us;
	uint64_t checkins[METRICS_PROVINCES][METRICS_METHODS];
	uint64_t replays[METRICS_PROVINCES];
	uint64_t batches[2];		/* the check-in writer's: recorded, failed */
	uint64_t batch_rows;
	uint64_t db_connects[METRICS_SHARDS];
	uint64_t db_errors[METRICS_SHARDS][METRICS_DB_ERROR_COUNT];
};

static const char *const db_error_names[] = {
	[METRICS_DB_CONNECT_FAILED] = "connect_failed",	/* METRICS_DB_CONNECT_FAILED */
	[METRICS_DB_LOST] = "connection_lost",		/* METRICS_DB_LOST */
	[METRICS_DB_STATEMENT] = "statement",		/* METRICS_DB_STATEMENT */
};

static struct slot *slots;	/* the shared mapping, METRICS_SLOTS long; NULL before init */
static struct slot *self;	/* this worker's slot; NULL outside a counted worker */

static void bump(uint64_t *counter, uint64_t by)
{
	__atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + by, __ATOMIC_RELAXED);
}

static uint64_t read_counter(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

int metrics_init(void)
{
	void *p = mmap(NULL, sizeof(struct slot) * METRICS_SLOTS, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	slots = p;
	return 0;
}

int metrics_slot_take(unsigned pool)
{
	if (!slots)
		return -1;
	for (int i = 0; i < METRICS_SLOTS; i++) {
		if (slots[i].pid == 0) {
			slots[i].pid = -1;
			slots[i].pool = (uint8_t)pool;
			slots[i].used = 1;
			return i;
		}
	}
	return -1;
}

void metrics_slot_bind(int slot, pid_t pid)
{
	if (slots && slot >= 0)
		__atomic_store_n(&slots[slot].pid, (int32_t)pid, __ATOMIC_RELAXED);
}

void metrics_slot_release(int slot)
{
	if (!slots || slot < 0)
		return;
	__atomic_store_n(&slots[slot].busy, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&slots[slot].pid, 0, __ATOMIC_RELAXED);
}

void metrics_slot_enter(int slot)
{
	self = slots && slot >= 0 ? &slots[slot] : NULL;
}

static size_t bucket_of(int64_t us)
{
	size_t b = 0;
	while (b < METRICS_BUCKETS - 1 && us > bucket_bounds_us[b])
		b++;
	return b;
}

static size_t status_kind(int status)
{
	for (size_t i = 0; i < STATUS_KINDS - 1; i++)
		if (counted_statuses[i] == status)
			return i;
	return STATUS_KINDS - 1;
}

/* "01" to 1; -1 for anything that is not two digits. */
static int province_index(const char *code)
{
	if (!code || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9')
		return -1;
	return (code[0] - '0') * 10 + (code[1] - '0');
}

void metrics_request_begin(int64_t queue_wait_us)
{
	if (!self)
		return;
	__atomic_store_n(&self->busy, 1, __ATOMIC_RELAXED);
	if (queue_wait_us < 0)
		return;
	bump(&self->queue_wait[bucket_of(queue_wait_us)], 1);
	bump(&self->queue_wait_sum_us, (uint64_t)queue_wait_us);
}

void metrics_request_end(size_t route, int status, int64_t elapsed_us)
{
	if (!self)
		return;
	if (route > METRICS_ROUTES)
		route = METRICS_ROUTES;
	if (elapsed_us < 0)
		elapsed_us = 0;
	bump(&self->requests[route][status_kind(status)], 1);
	bump(&self->latency[route][bucket_of(elapsed_us)], 1);
	bump(&self->latency_sum_us[route], (uint64_t)elapsed_us);
	__atomic_store_n(&self->busy, 0, __ATOMIC_RELAXED);
}

void metrics_checkins(const char *province, unsigned method, uint64_t n)
{
	int p = province_index(province);
	if (self && p >= 0 && method < METRICS_METHODS)
		bump(&self->checkins[p][method], n);
}

void metrics_replay(const char *province)
{
	int p = province_index(province);
	if (self && p >= 0)
		bump(&self->replays[p], 1);
}

void metrics_checkin_batch(size_t rows, bool failed)
{
	if (!self)
		return;
	bump(&self->batches[failed], 1);
	bump(&self->batch_rows, rows);
}

void metrics_db_connected(size_t shard)
{
	if (self && shard < METRICS_SHARDS)
		bump(&self->db_connects[shard], 1);
}

void metrics_db_failed(size_t shard, enum metrics_db_error why)
{
	if (self && shard < METRICS_SHARDS && why < METRICS_DB_ERROR_COUNT)
		bump(&self->db_errors[shard][why], 1);
}

/* A label value as the text format wants it: backslash, quote and newline escaped. */
static void label_value(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(out, '\\');
		if (*s == '\n')
			buf_puts(out, "\\n");
		else
			buf_putc(out, *s);
	}
}

static void family(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One histogram series: cumulative buckets, then the sum (seconds) and the count. labels is
 * "" or `name="value",` pieces ready to go before le. */
static void histogram(struct buf *out, const char *name, const char *labels, const uint64_t counts[METRICS_BUCKETS],
		      uint64_t sum_us)
{
	uint64_t running = 0;
	for (size_t b = 0; b < METRICS_BUCKETS; b++) {
		running += counts[b];
		if (b < METRICS_BUCKETS - 1)
			buf_printf(out, "%s_bucket{%sle=\"%g\"} %llu\n", name, labels, (double)bucket_bounds_us[b] / 1e6,
				   (unsigned long long)running);
		else
			buf_printf(out, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, labels, (unsigned long long)running);
	}
	size_t cut = strlen(labels);
	struct buf plain = BUF_INIT;
	buf_append(&plain, labels, cut && labels[cut - 1] == ',' ? cut - 1 : cut);
	const char *open = plain.len ? "{" : "", *close = plain.len ? "}" : "";
	buf_printf(out, "%s_sum%s%s%s %.6f\n%s_count%s%s%s %llu\n", name, open, buf_str(&plain), close,
		   (double)sum_us / 1e6, name, open, buf_str(&plain), close, (unsigned long long)running);
	buf_free(&plain);
}

/* Every used slot added into one: the counts the instance has made. */
static void sum_slots(struct slot *total)
{
	memset(total, 0, sizeof(*total));
	uint64_t *to = (uint64_t *)total->requests;
	/* Everything from requests to the end is uint64_t counters, laid out alike in each slot. */
	size_t n = (sizeof(*total) - offsetof(struct slot, requests)) / sizeof(uint64_t);
	for (size_t s = 0; s < METRICS_SLOTS; s++) {
		if (!__atomic_load_n(&slots[s].used, __ATOMIC_RELAXED))
			continue;
		const uint64_t *from = (const uint64_t *)slots[s].requests;
		for (size_t i = 0; i < n; i++)
			to[i] += read_counter(&from[i]);
	}
}

static void route_label(struct buf *out, const struct metrics_labels *l, size_t r)
{
	buf_puts(out, "route=\"");
	label_value(out, r < l->route_count && r < METRICS_ROUTES ? l->routes[r] : "none");
	buf_puts(out, "\",");
}

static void render_requests(struct buf *out, const struct metrics_labels *l, const struct slot *t, size_t routes)
{
	family(out, "vaora_http_requests_total", "counter", "Requests answered by vaora, by route and status.");
	for (size_t r = 0; r <= routes; r++) {
		for (size_t k = 0; k < STATUS_KINDS; k++) {
			if (!t->requests[r][k])
				continue;
			buf_puts(out, "vaora_http_requests_total{");
			route_label(out, l, r);
			if (k < STATUS_KINDS - 1)
				buf_printf(out, "status=\"%d\"} %llu\n", counted_statuses[k],
					   (unsigned long long)t->requests[r][k]);
			else
				buf_printf(out, "status=\"other\"} %llu\n", (unsigned long long)t->requests[r][k]);
		}
	}
	family(out, "vaora_http_request_duration_seconds", "histogram",
	       "Time from the request's arrival at a worker to its answer, by route.");
	for (size_t r = 0; r <= routes; r++) {
		uint64_t any = 0;
		for (size_t b = 0; b < METRICS_BUCKETS; b++)
			any += t->latency[r][b];
		if (!any)
			continue;
		struct buf labels = BUF_INIT;
		route_label(&labels, l, r);
		histogram(out, "vaora_http_request_duration_seconds", buf_str(&labels), t->latency[r],
			  t->latency_sum_us[r]);
		buf_free(&labels);
	}
}

static void render_workers(struct buf *out, const struct metrics_labels *l, const struct slot *t)
{
	family(out, "vaora_workers", "gauge", "Live workers per pool, busy (inside a request) or idle.");
	for (size_t p = 0; p < l->pool_count; p++) {
		unsigned busy = 0, idle = 0;
		for (size_t s = 0; s < METRICS_SLOTS; s++) {
			if (__atomic_load_n(&slots[s].pid, __ATOMIC_RELAXED) <= 0 || slots[s].pool != p)
				continue;
			if (__atomic_load_n(&slots[s].busy, __ATOMIC_RELAXED))
				busy++;
			else
				idle++;
		}
		buf_printf(out, "vaora_workers{pool=\"%s\",state=\"busy\"} %u\n", l->pools[p], busy);
		buf_printf(out, "vaora_workers{pool=\"%s\",state=\"idle\"} %u\n", l->pools[p], idle);
	}
	family(out, "vaora_queue_wait_seconds", "histogram",
	       "Time from nginx passing a request on to a worker taking it: the wait for a free worker.");
	histogram(out, "vaora_queue_wait_seconds", "", t->queue_wait, t->queue_wait_sum_us);
}

static void render_checkins(struct buf *out, const struct metrics_labels *l, const struct slot *t)
{
	family(out, "vaora_checkins_recorded_total", "counter", "Check-ins recorded, by province and method.");
	for (size_t p = 0; p < METRICS_PROVINCES; p++)
		for (size_t m = 0; m < l->method_count && m < METRICS_METHODS; m++)
			if (t->checkins[p][m])
				buf_printf(out, "vaora_checkins_recorded_total{province=\"%02zu\",method=\"%s\"} %llu\n", p,
					   l->methods[m], (unsigned long long)t->checkins[p][m]);
	family(out, "vaora_checkin_replays_total", "counter",
	       "Check-ins sent again with a key already recorded, answered with the first record.");
	for (size_t p = 0; p < METRICS_PROVINCES; p++)
		if (t->replays[p])
			buf_printf(out, "vaora_checkin_replays_total{province=\"%02zu\"} %llu\n", p,
				   (unsigned long long)t->replays[p]);
	family(out, "vaora_checkin_batches_total", "counter",
	       "Batches of check-ins the check-in writer sent to the database, recorded or failed (each "
	       "check-in of a failed one recorded alone by its worker).");
	buf_printf(out, "vaora_checkin_batches_total{outcome=\"recorded\"} %llu\n", (unsigned long long)t->batches[0]);
	buf_printf(out, "vaora_checkin_batches_total{outcome=\"failed\"} %llu\n", (unsigned long long)t->batches[1]);
	family(out, "vaora_checkin_batch_rows_total", "counter",
	       "Check-ins sent to the database in the check-in writer's batches.");
	buf_printf(out, "vaora_checkin_batch_rows_total %llu\n", (unsigned long long)t->batch_rows);
}

static void render_db(struct buf *out, const struct metrics_labels *l, const struct slot *t)
{
	size_t shards = l->shard_count < METRICS_SHARDS ? l->shard_count : METRICS_SHARDS;
	family(out, "vaora_db_connects_total", "counter",
	       "Database connections made by the workers: each worker's first, then reconnects.");
	for (size_t d = 0; d < shards; d++)
		buf_printf(out, "vaora_db_connects_total{shard=\"%s\"} %llu\n", l->shards[d],
			   (unsigned long long)t->db_connects[d]);
	family(out, "vaora_db_errors_total", "counter", "Database failures seen by the workers, by shard and kind.");
	for (size_t d = 0; d < shards; d++)
		for (size_t e = 0; e < METRICS_DB_ERROR_COUNT; e++)
			buf_printf(out, "vaora_db_errors_total{shard=\"%s\",kind=\"%s\"} %llu\n", l->shards[d],
				   db_error_names[e], (unsigned long long)t->db_errors[d][e]);
}

void metrics_render(struct buf *out, const struct metrics_labels *labels)
{
	family(out, "vaora_metrics_shared", "gauge", "1 when the workers' counters are shared and summed here.");
	buf_printf(out, "vaora_metrics_shared %d\n", slots ? 1 : 0);
	if (!slots)
		return;
	struct slot *total = xmalloc(sizeof(*total));
	sum_slots(total);
	size_t routes = labels->route_count < METRICS_ROUTES ? labels->route_count : METRICS_ROUTES;
	render_requests(out, labels, total, routes);
	render_workers(out, labels, total);
	render_checkins(out, labels, total);
	render_db(out, labels, total);
	free(total);
}
