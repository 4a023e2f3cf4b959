/* Counters for /metrics, shared by the prefork workers: one slot per worker in shared memory. */
#ifndef VAORA_METRICS_H
#define VAORA_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/buf.h"

/* Worker slots: both pools of two generations side by side during a reload, with room to
 * spare. The mapping reserves no memory up front; a slot's pages are touched when it is used. */
#define METRICS_SLOTS 1024
/* Route table rows counted one by one; the row past the last counts requests no route took. */
#define METRICS_ROUTES 128
/* Province codes are two digits: "00" (the instance) to "99". */
#define METRICS_PROVINCES 100
/* Check-in methods (enum checkin_method) counted. */
#define METRICS_METHODS 8
/* Shards counted (CONFIG_MAX_SHARDS). */
#define METRICS_SHARDS 16
/* Upper bounds of the latency and queue-wait histograms' buckets, in microseconds; +Inf
 * is the last bucket. From a cached page (~1 ms) to a bulk PDF (seconds). */
#define METRICS_BUCKETS 12

/* Why a database call failed, as counted. */
enum metrics_db_error {
	METRICS_DB_CONNECT_FAILED,	/* METRICS_DB_CONNECT_FAILED: the shard did not answer */
	METRICS_DB_LOST,		/* METRICS_DB_LOST: a connection broke mid-use */
	METRICS_DB_STATEMENT,		/* METRICS_DB_STATEMENT: a statement failed otherwise */
	METRICS_DB_ERROR_COUNT,
};

/* The master, before it forks any worker: maps the shared slots. Returns 0, or -1 (then
 * nothing is counted and /metrics says so). */
int metrics_init(void);
/* The master: a free slot for a worker about to be forked of pool, or -1 when none is left
 * (the worker then runs uncounted). A slot keeps its counts from worker to worker, so every
 * counter only grows. */
int metrics_slot_take(unsigned pool);
/* The master, after the fork: the slot's worker pid; and when the worker is reaped. */
void metrics_slot_bind(int slot, pid_t pid);
void metrics_slot_release(int slot);
/* The worker, right after the fork: counts go to this slot from now on. */
void metrics_slot_enter(int slot);

/* The hot path: plain stores into the worker's own slot, no lock and no system call. Each is a
 * no-op in a process without a slot (the command line, plain CGI). queue_wait_us < 0: unknown. */
void metrics_request_begin(int64_t queue_wait_us);
void metrics_request_end(size_t route, int status, int64_t elapsed_us);
void metrics_checkins(const char *province, unsigned method, uint64_t n);
void metrics_replay(const char *province);
/* The check-in writer: a batch of rows check-ins sent to the database, failed or not. */
void metrics_checkin_batch(size_t rows, bool failed);
void metrics_db_connected(size_t shard);
void metrics_db_failed(size_t shard, enum metrics_db_error why);

/* Names for the labels, by index. */
struct metrics_labels {
	const char *const *routes;	/* "GET /{province}/c/{token}" per route row */
	size_t route_count;
	const char *const *pools;
	size_t pool_count;
	const char *const *methods;
	size_t method_count;
	const char *const *shards;
	size_t shard_count;
};

/* Appends the sum over all slots in the Prometheus text format (version 0.0.4). */
void metrics_render(struct buf *out, const struct metrics_labels *labels);

#endif
