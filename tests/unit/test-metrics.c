/* Unit tests of the shared counters: slots summed, statuses and buckets, label escaping. */
#include "unit.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/metrics.h"

static const char *const routes[] = { "GET /healthz", "POST /{province}/c/{token}" };
static const char *const pools[] = { "fast", "slow" };
static const char *const methods[] = { "self", "gate-camera" };
static const char *const shards[] = { "s1" };
static const struct metrics_labels labels = { routes, 2, pools, 2, methods, 2, shards, 1 };

static char *rendered(void)
{
	struct buf b = BUF_INIT;
	metrics_render(&b, &labels);
	return buf_take(&b);
}

/* Counts made in two forked workers, each in its own slot, are summed by a third reader. */
static void counts_of_two_worker_processes_are_summed(void **state)
{
	(void)state;
	assert_int_equal(metrics_init(), 0);
	for (int w = 0; w < 2; w++) {
		int slot = metrics_slot_take(0);
		assert_true(slot >= 0);
		pid_t pid = fork();
		if (pid == 0) {
			metrics_slot_enter(slot);
			for (int i = 0; i < 3; i++) {
				metrics_request_begin(1500);
				metrics_request_end(1, 201, 2000);
			}
			metrics_request_end(2, 418, 40000000);
			metrics_checkins("01", 1, 2);
			metrics_replay("01");
			metrics_db_failed(0, METRICS_DB_LOST);
			_exit(0);
		}
		metrics_slot_bind(slot, pid);
		int status;
		waitpid(pid, &status, 0);
		metrics_slot_release(slot);
	}
	char *text = rendered();
	assert_non_null(strstr(text, "vaora_http_requests_total{route=\"POST /{province}/c/{token}\",status=\"201\"} 6\n"));
	assert_non_null(strstr(text, "vaora_http_requests_total{route=\"none\",status=\"other\"} 2\n"));
	assert_non_null(strstr(text, "vaora_http_request_duration_seconds_bucket{route=\"POST /{province}/c/{token}\",le=\"0.001\"} 0\n"));
	assert_non_null(strstr(text, "vaora_http_request_duration_seconds_bucket{route=\"POST /{province}/c/{token}\",le=\"0.0025\"} 6\n"));
	assert_non_null(strstr(text, "vaora_http_request_duration_seconds_bucket{route=\"none\",le=\"30\"} 0\n"));
	assert_non_null(strstr(text, "vaora_http_request_duration_seconds_bucket{route=\"none\",le=\"+Inf\"} 2\n"));
	assert_non_null(strstr(text, "vaora_queue_wait_seconds_count 6\n"));
	assert_non_null(strstr(text, "vaora_checkins_recorded_total{province=\"01\",method=\"gate-camera\"} 4\n"));
	assert_non_null(strstr(text, "vaora_checkin_replays_total{province=\"01\"} 2\n"));
	assert_non_null(strstr(text, "vaora_db_errors_total{shard=\"s1\",kind=\"connection_lost\"} 2\n"));
	/* Released slots are no live workers. */
	assert_non_null(strstr(text, "vaora_workers{pool=\"fast\",state=\"idle\"} 0\n"));
	free(text);
}

/* A process without a slot (the command line) counts nothing and does not crash. */
static void a_process_without_a_slot_counts_nothing(void **state)
{
	(void)state;
	metrics_slot_enter(-1);
	metrics_request_end(0, 200, 1);
	metrics_checkins("xx", 0, 1);
	char *text = rendered();
	assert_null(strstr(text, "route=\"GET /healthz\""));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_of_two_worker_processes_are_summed),
		cmocka_unit_test(a_process_without_a_slot_counts_nothing),
	};
	return UNIT_RUN("metrics", tests);
}
