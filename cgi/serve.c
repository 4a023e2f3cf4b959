/* The prefork FastCGI server: a master that keeps two pools of workers alive on two sockets, the
 * counters' folder and the check-in writer. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "adapters/db.h"
#include "adapters/fcgi.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/num.h"
#include "base/shared-count.h"
#include "base/xmalloc.h"
#include "domain/checkin-writer.h"
#include "domain/counters.h"
#include "domain/routing.h"
#include "domain/session-cache.h"
#include "domain/venue-cache.h"
#include "entry.h"
#include "web/app.h"
#include "web/pipeline.h"
#include "web/resources.h"
#include "web/routes.h"
#include "web/view-areas.h"
#include "web/view-checkin-parts.h"

/* Pending connections per socket while all workers are busy. */
#define LISTEN_BACKLOG 1024
/* A worker that dies sooner than this after its start died young. */
#define CRASH_LOOP_MS 1000
/* This many young deaths in a row is a crash loop (a broken deploy), not bad luck. */
#define CRASH_LOOP_DEATHS 3
/* Pause before each restart in a crash loop, so it does not spin the CPU. */
#define CRASH_LOOP_PAUSE_MS 1000
/* How often the master looks at its children while waiting for a stop. */
#define STOP_POLL_MS 50
/* How often the folder folds queued check-ins into the dashboard counters (schema/025): the
 * issue's bound is 5 s from a check-in to the dashboard (which folds before it reads anyway). */
#define FOLD_INTERVAL_MS 1000
/* The folder's process name (at most 15 bytes, the kernel's limit). */
#define FOLDER_NAME "vaora-folder"
/* The check-in writer's (domain/checkin-writer.h). */
#define WRITER_NAME "vaora-writer"
/* At a binary upgrade the master execs the new binary in its own process (same pid, so the pid
 * file and systemd's MainPID stay right, and the workers keep their parent); these carry the
 * listening sockets ("FAST SLOW" fds) and the pids of the old workers left to drain. */
#define UPGRADE_FDS_ENV "VAORA_LISTEN_FDS"
#define UPGRADE_WORKERS_ENV "VAORA_DRAINING_WORKERS"
/* The listening sockets: one per enum pool. */
#define POOL_SOCKETS 2

/* What a child of the master is. */
enum child {
	CHILD_WORKER,		/* a FastCGI worker of a pool */
	CHILD_FOLDER,		/* the counters' folder (folder_run), in no pool */
	CHILD_WRITER,		/* the check-in writer (writer_run), in no pool */
};

struct worker {
	pid_t pid;		/* 0: free slot */
	enum pool pool;
	enum child child;
	unsigned generation;	/* bumped by each reload; older workers are being replaced */
	int64_t started_ms;
	int metrics_slot;	/* its counters' slot, -1 for none (base/metrics.h) */
};

static const char *const child_names[] = {
	[CHILD_WORKER] = "worker",
	[CHILD_FOLDER] = "counters' folder",
	[CHILD_WRITER] = "check-in writer",
};

struct master {
	const char *config_path;
	char *self_path;	/* owned; the binary's path, which an upgrade execs again */
	char *pid_file;		/* owned; the start's pid_file, which a reload does not move; "" for none */
	pid_t pid;		/* the master's own: a worker whose parent is another has lost it */
	struct config *config;	/* current generation's */
	/* Templates, keys, layouts, declaration: loaded once here, inherited by the workers
	 * through fork; a template edit or a key rotation needs a reload. */
	struct resources res;
	int fds[POOL_SOCKETS];	/* listening sockets, by enum pool */
	int writer_fd;		/* the check-in writer's listening socket, -1 for none */
	char writer_name[CHECKIN_WRITER_NAME_MAX];	/* its name, "" for none */
	struct worker *workers;
	size_t worker_cap;
	unsigned generation;
	unsigned young_deaths;	/* consecutive workers that died within CRASH_LOOP_MS */
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
static volatile sig_atomic_t upgrade_requested;
static volatile sig_atomic_t child_exited;
static volatile sig_atomic_t log_reopen_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_reload(int sig)
{
	(void)sig;
	reload_requested = 1;
}

static void on_log_reopen(int sig)
{
	(void)sig;
	log_reopen_requested = 1;
}

/* A worker opens the log again inside the handler (open and dup2 are async-signal-safe), so a
 * worker busy for minutes on a bulk PDF still stops writing to the rotated file at once. */
static void on_worker_log_reopen(int sig)
{
	(void)sig;
	log_reopen();
}

static void on_upgrade(int sig)
{
	(void)sig;
	upgrade_requested = 1;
}

static void on_child(int sig)
{
	(void)sig;
	child_exited = 1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* No SA_RESTART: a stop signal must interrupt a waiting accept() or sigsuspend(). */
static void set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void handle_request(struct request_io *io, void *arg)
{
	pipeline_handle(arg, io);
}

/* The life of a worker: its own database connections, the inherited views, the accept loop.
 * It lives no longer than its master: a new master rebinds the socket paths, and a worker
 * left on the old, unlinked socket would wait forever with its connections and old code. */
static void worker_run(struct master *m, enum pool pool, int metrics_slot)
{
	metrics_slot_enter(metrics_slot);
	sigset_t none;
	sigemptyset(&none);
	set_handler(SIGTERM, on_stop);
	set_handler(SIGINT, SIG_IGN);	/* Ctrl-C reaches the master, which stops us gracefully */
	set_handler(SIGHUP, SIG_IGN);
	set_handler(SIGUSR2, SIG_IGN);	/* `systemctl kill -s USR2` without --kill-whom=main */
	set_handler(SIGCHLD, SIG_DFL);
	set_handler(SIGPIPE, SIG_IGN);
	/* SA_RESTART: a log reopen must not end a waiting accept as a stop does. */
	struct sigaction reopen = { .sa_handler = on_worker_log_reopen, .sa_flags = SA_RESTART };
	sigemptyset(&reopen.sa_mask);
	sigaction(SIGUSR1, &reopen, NULL);
	/* The master's death sends SIGTERM: the request in hand finishes, then the worker leaves.
	 * A master that died before this line is seen in getppid(). */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) {
		log_msg(LOG_ERROR, "serve: worker cannot follow its master's death: %s", strerror(errno));
		_exit(1);
	}
	if (getppid() != m->pid)
		_exit(0);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close(m->fds[pool == POOL_FAST ? POOL_SLOW : POOL_FAST]);
	if (m->writer_fd >= 0)
		close(m->writer_fd);
	checkin_writer_use(m->writer_name);
	/* No fast bins: a request frees hundreds of small blocks, and libfcgi's 8 KB buffers of the
	 * next made glibc sort every one of them again (malloc_consolidate, 1.6 % of a worker's
	 * samples under check-in load). The per-thread cache still takes the small blocks. */
	mallopt(M_MXFAST, 0);

	struct app app = resources_app(m->config, &m->res, db_open(m->config));
	app.area_cache = area_cache_new();
	app.checkin_fragments = checkin_fragments_new();
	app.routing = routing_new(m->config);
	app.venue_cache = venue_cache_new();
	app.session_cache = session_cache_new();
	int rc = fcgi_serve(m->fds[pool], &stop_requested, handle_request, &app);
	session_cache_free(app.session_cache);
	venue_cache_free(app.venue_cache);
	routing_free(app.routing);
	checkin_fragments_free(app.checkin_fragments);
	area_cache_free(app.area_cache);
	db_close(app.db);
	resources_free(&m->res);
	config_free(m->config);
	free(m->workers);
	free(m->pid_file);
	free(m->self_path);
	_exit(rc == 0 ? 0 : 1);
}

/* The start of a child in no pool (the folder, the writer): stopped by SIGTERM (its master's
 * death too), named for an operator (and the drills) to tell it in ps and /proc/PID/comm (at
 * most 15 bytes, the kernel's limit), without the FastCGI sockets. */
static void helper_enter(struct master *m, const char *name)
{
	set_handler(SIGTERM, on_stop);
	set_handler(SIGINT, SIG_IGN);
	set_handler(SIGHUP, SIG_IGN);
	set_handler(SIGCHLD, SIG_DFL);
	set_handler(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != m->pid)
		_exit(0);
	prctl(PR_SET_NAME, name);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close(m->fds[POOL_FAST]);
	close(m->fds[POOL_SLOW]);
}

/* The counters' folder: one process with its own connections that folds the check-ins queued by
 * every worker's transactions into the counters (domain/counters.h) every FOLD_INTERVAL_MS, until
 * its master stops it. Killed mid-fold, its transaction rolls back and its successor folds the
 * same rows. Each round reads the routing first (province_shards), so a moved province is folded
 * on the shard it lives on from the round after its switch, and not at all while its move holds
 * it (domain/province-move.c). */
static void folder_run(struct master *m)
{
	helper_enter(m, FOLDER_NAME);
	if (m->writer_fd >= 0)
		close(m->writer_fd);
	struct db *db = db_open(m->config);
	struct routing *routing = routing_new(m->config);
	while (!stop_requested) {
		sleep_ms(FOLD_INTERVAL_MS);
		if (stop_requested)
			break;
		routing_read(routing, db);
		counters_fold_all(db, m->config, routing);
	}
	routing_free(routing);
	db_close(db);
	resources_free(&m->res);
	config_free(m->config);
	free(m->workers);
	free(m->pid_file);
	_exit(0);
}

static struct worker *free_slot(struct master *m)
{
	for (size_t i = 0; i < m->worker_cap; i++)
		if (m->workers[i].pid == 0)
			return &m->workers[i];
	size_t old = m->worker_cap;
	m->worker_cap = old ? old * 2 : 64;
	m->workers = xrealloc(m->workers, m->worker_cap * sizeof(*m->workers));
	memset(m->workers + old, 0, (m->worker_cap - old) * sizeof(*m->workers));
	return &m->workers[old];
}

static void spawn(struct master *m, enum pool pool)
{
	struct worker *w = free_slot(m);
	int slot = metrics_slot_take(pool);
	pid_t pid = fork();
	if (pid < 0) {
		log_msg(LOG_ERROR, "serve: fork failed: %s", strerror(errno));
		metrics_slot_release(slot);
		return;
	}
	if (pid == 0)
		worker_run(m, pool, slot);
	metrics_slot_bind(slot, pid);
	*w = (struct worker){ pid, pool, CHILD_WORKER, m->generation, clock_monotonic_ms(), slot };
}

/* The check-in writer: one process with its own connections that records the workers' plain
 * check-ins in batches (domain/checkin-writer.h), until its master stops it. Killed mid-batch,
 * its transaction rolls back and the workers record those check-ins alone. It takes the
 * listening socket from the master, so a writer started after one died takes the same name. */
static void writer_run(struct master *m)
{
	helper_enter(m, WRITER_NAME);
	checkin_writer_run(m->writer_fd, m->config, &stop_requested);
	resources_free(&m->res);
	config_free(m->config);
	free(m->workers);
	free(m->pid_file);
	free(m->self_path);
	_exit(0);
}

/* Forks a child of kind (the folder or the writer) that runs run, in no pool; its metrics slot
 * counts what it does (its pool POOL_COUNT: no pool's worker). */
static void spawn_helper(struct master *m, enum child kind, void (*run)(struct master *))
{
	struct worker *w = free_slot(m);
	int slot = metrics_slot_take(POOL_COUNT);
	pid_t pid = fork();
	if (pid < 0) {
		log_msg(LOG_ERROR, "serve: fork of the %s failed: %s", child_names[kind], strerror(errno));
		metrics_slot_release(slot);
		return;
	}
	if (pid == 0) {
		metrics_slot_enter(slot);
		run(m);
	}
	metrics_slot_bind(slot, pid);
	*w = (struct worker){ pid, POOL_FAST, kind, m->generation, clock_monotonic_ms(), slot };
}

static void spawn_generation(struct master *m)
{
	for (unsigned i = 0; i < m->config->fast_workers; i++)
		spawn(m, POOL_FAST);
	for (unsigned i = 0; i < m->config->slow_workers; i++)
		spawn(m, POOL_SLOW);
	spawn_helper(m, CHILD_FOLDER, folder_run);
	if (m->writer_fd >= 0)
		spawn_helper(m, CHILD_WRITER, writer_run);
	log_msg(LOG_INFO, "serve: generation %u: %u fast and %u slow workers", m->generation,
		m->config->fast_workers, m->config->slow_workers);
}

/* Reaps dead workers; while serving, a current-generation worker that died is replaced. */
static void reap(struct master *m, bool serving)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (size_t i = 0; i < m->worker_cap; i++) {
			struct worker *w = &m->workers[i];
			if (w->pid != pid)
				continue;
			w->pid = 0;
			metrics_slot_release(w->metrics_slot);
			if (!serving || w->generation != m->generation)
				break;
			const char *kind = w->child == CHILD_WORKER ? pool_names[w->pool] : child_names[w->child];
			if (WIFSIGNALED(status))
				log_msg(LOG_ERROR, "serve: %s worker %ld killed by signal %d", kind, (long)pid,
					WTERMSIG(status));
			else
				log_msg(LOG_ERROR, "serve: %s worker %ld exited with %d", kind, (long)pid,
					WEXITSTATUS(status));
			bool young = clock_monotonic_ms() - w->started_ms < CRASH_LOOP_MS;
			m->young_deaths = young ? m->young_deaths + 1 : 0;
			if (m->young_deaths >= CRASH_LOOP_DEATHS)
				sleep_ms(CRASH_LOOP_PAUSE_MS);
			if (w->child == CHILD_FOLDER)
				spawn_helper(m, CHILD_FOLDER, folder_run);
			else if (w->child == CHILD_WRITER)
				spawn_helper(m, CHILD_WRITER, writer_run);
			else
				spawn(m, w->pool);
			break;
		}
	}
}

static void signal_generation(struct master *m, unsigned below_generation, int sig)
{
	for (size_t i = 0; i < m->worker_cap; i++)
		if (m->workers[i].pid && m->workers[i].generation < below_generation)
			kill(m->workers[i].pid, sig);
}

/* New config and templates, then new workers beside the old; old ones finish and leave.
 * The sockets stay open throughout, so no connection is refused. */
static void reload(struct master *m)
{
	char err[1024];
	struct config *c = config_load(m->config_path, err, sizeof(err));
	if (!c) {
		log_msg(LOG_ERROR, "serve: reload refused, keeping the running config: %s", err);
		return;
	}
	struct resources res;
	if (resources_load(c, &res, err, sizeof(err)) != 0) {
		log_msg(LOG_ERROR, "serve: reload refused, keeping what runs: %s", err);
		config_free(c);
		return;
	}
	if (strcmp(c->fast_socket, m->config->fast_socket) != 0 || strcmp(c->slow_socket, m->config->slow_socket) != 0)
		log_msg(LOG_WARN, "serve: socket addresses change only at a restart");
	/* libfcgi reads the list once per process (fcgi.c); forked workers keep the master's. */
	if (strcmp(c->fcgi_clients, m->config->fcgi_clients) != 0)
		log_msg(LOG_WARN, "serve: fcgi_clients changes only at a restart or an upgrade (SIGUSR2)");
	/* Old workers still point at the old config and views in their own memory; the master's
	 * copies can go once they are replaced here. */
	config_free(m->config);
	resources_free(&m->res);
	m->config = c;
	m->res = res;
	m->generation++;
	spawn_generation(m);
	signal_generation(m, m->generation, SIGTERM);
	log_msg(LOG_INFO, "serve: reloaded %s", m->config_path);
}

static size_t live_workers(const struct master *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->worker_cap; i++)
		n += m->workers[i].pid != 0;
	return n;
}

/* The path an upgrade execs: as the master was started when that was a path (a symlink to the
 * current release is followed again), else the binary the kernel ran. Caller frees. */
static char *binary_path(void)
{
	if (strchr(program_invocation_name, '/'))
		return xstrdup(program_invocation_name);
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n <= 0)
		return xstrdup(program_invocation_name);
	path[n] = '\0';
	return xstrdup(path);
}

/* Runs the binary now at self_path with `check-config` and waits: an upgrade to a binary that
 * cannot load this configuration and these templates would leave no master. */
static bool new_binary_starts(const struct master *m)
{
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		execl(m->self_path, m->self_path, "-c", m->config_path, "check-config", (char *)NULL);
		log_msg(LOG_ERROR, "serve: cannot run %s: %s", m->self_path, strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The new binary takes over in this process: the listening sockets stay open through exec (no
 * connection is refused; the backlog waits for the new workers) and the old workers keep
 * serving until the new master has started its own, then finish their request and leave.
 * Returns only when the hand-over was refused, with the old binary still serving. */
static void upgrade(struct master *m)
{
	if (!new_binary_starts(m)) {
		log_msg(LOG_ERROR, "serve: upgrade refused: %s -c %s check-config failed; the running binary stays",
			m->self_path, m->config_path);
		return;
	}
	struct buf fds = BUF_INIT, pids = BUF_INIT;
	buf_printf(&fds, "%d %d", m->fds[POOL_FAST], m->fds[POOL_SLOW]);
	for (size_t i = 0; i < m->worker_cap; i++)
		if (m->workers[i].pid)
			buf_printf(&pids, "%s%ld", pids.len ? " " : "", (long)m->workers[i].pid);
	for (int pool = 0; pool < POOL_SOCKETS; pool++)
		fcntl(m->fds[pool], F_SETFD, 0);
	setenv(UPGRADE_FDS_ENV, buf_str(&fds), 1);
	setenv(UPGRADE_WORKERS_ENV, buf_str(&pids), 1);
	log_msg(LOG_INFO, "serve: upgrading: exec %s with the sockets and %lu workers to drain", m->self_path,
		(unsigned long)live_workers(m));
	execl(m->self_path, m->self_path, "-c", m->config_path, "serve", (char *)NULL);
	log_msg(LOG_ERROR, "serve: upgrade failed: exec %s: %s; the running binary stays", m->self_path,
		strerror(errno));
	unsetenv(UPGRADE_FDS_ENV);
	unsetenv(UPGRADE_WORKERS_ENV);
	buf_free(&fds);
	buf_free(&pids);
}

/* Parses "N N ..." of at most max numbers each in [1, limit] into out; returns the count or -1. */
static long parse_numbers(const char *text, uint64_t limit, long *out, size_t max)
{
	char *copy = xstrdup(text), *save = NULL;
	long n = 0;
	for (char *word = strtok_r(copy, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
		uint64_t v;
		if ((size_t)n == max || !parse_uint(word, limit, &v) || v == 0) {
			n = -1;
			break;
		}
		out[n++] = (long)v;
	}
	free(copy);
	return n;
}

/* After an upgrade's exec: the listening sockets from the environment, and the old binary's
 * workers as generation 0, to be told to leave once this binary's workers run. Returns 0, or
 * -1 when the environment names no usable sockets. */
static int take_over(struct master *m, const char *fds_text)
{
	long fds[POOL_SOCKETS];
	if (parse_numbers(fds_text, INT_MAX, fds, POOL_SOCKETS) != POOL_SOCKETS) {
		log_msg(LOG_ERROR, "serve: %s is not two fds: %s", UPGRADE_FDS_ENV, fds_text);
		return -1;
	}
	m->fds[POOL_FAST] = fcgi_inherit((int)fds[POOL_FAST], m->config->fast_socket, m->config->fcgi_clients);
	m->fds[POOL_SLOW] = fcgi_inherit((int)fds[POOL_SLOW], m->config->slow_socket, m->config->fcgi_clients);
	const char *pids_text = getenv(UPGRADE_WORKERS_ENV);
	size_t max = pids_text ? strlen(pids_text) / 2 + 1 : 0;
	long *pids = xmalloc((max + 1) * sizeof(*pids));
	long n = pids_text ? parse_numbers(pids_text, INT_MAX, pids, max) : 0;
	for (long i = 0; i < n; i++)
		*free_slot(m) = (struct worker){ (pid_t)pids[i], POOL_FAST, CHILD_WORKER, 0, clock_monotonic_ms(), -1 };
	free(pids);
	m->generation = 1;
	unsetenv(UPGRADE_FDS_ENV);
	unsetenv(UPGRADE_WORKERS_ENV);
	log_msg(LOG_INFO, "serve: took over the sockets from the previous binary, %ld of its workers to drain",
		n < 0 ? 0 : n);
	return m->fds[POOL_FAST] < 0 || m->fds[POOL_SLOW] < 0 ? -1 : 0;
}

/* Tells whoever started the master (deploy/stack.sh waits for it) that it serves: written
 * once the sockets are bound and the first workers forked, whole or not at all (a rename),
 * so a pid file naming a live master means the socket paths are its own. */
static int write_pid_file(const char *path, pid_t pid)
{
	if (!*path)
		return 0;
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s.tmp", path);
	char *tmp = buf_take(&b);
	int rc = -1;
	FILE *f = fopen(tmp, "w");
	if (!f)
		goto out;
	fprintf(f, "%ld\n", (long)pid);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0) {
		log_msg(LOG_ERROR, "serve: cannot write the pid file %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* Asks every worker to finish its request and leave; kills what remains after the grace. */
static void stop_all(struct master *m)
{
	log_msg(LOG_INFO, "serve: stopping, waiting up to %u s for requests in flight", m->config->shutdown_grace);
	signal_generation(m, m->generation + 1, SIGTERM);
	int64_t deadline = clock_monotonic_ms() + (int64_t)m->config->shutdown_grace * 1000;
	while (live_workers(m) && clock_monotonic_ms() < deadline) {
		reap(m, false);
		if (live_workers(m))
			sleep_ms(STOP_POLL_MS);
	}
	if (live_workers(m)) {
		log_msg(LOG_WARN, "serve: %lu workers still busy after the grace, killing them",
			(unsigned long)live_workers(m));
		signal_generation(m, m->generation + 1, SIGKILL);
		while (live_workers(m)) {
			reap(m, false);
			sleep_ms(STOP_POLL_MS);
		}
	}
}

int serve_main(const char *config_path)
{
	char err[1024];
	struct master m = { .config_path = config_path, .pid = getpid(), .fds = { -1, -1 }, .writer_fd = -1 };
	int rc = 1;
	m.config = config_load(config_path, err, sizeof(err));
	if (!m.config) {
		fprintf(stderr, "vaora: %s\n", err);
		return 1;
	}
	if (resources_load(m.config, &m.res, err, sizeof(err)) != 0) {
		fprintf(stderr, "vaora: %s\n", err);
		goto out;
	}
	if (log_open(m.config->log_file) != 0) {
		fprintf(stderr, "vaora: cannot open the log file %s: %s\n", m.config->log_file, strerror(errno));
		goto out;
	}
	/* Before any fork: the workers inherit the mapping and count into it. */
	if (metrics_init() != 0)
		log_msg(LOG_WARN, "serve: no shared memory for the metrics (%s); /metrics counts nothing", strerror(errno));
	if (shared_count_init() != 0)
		log_msg(LOG_WARN, "serve: no shared memory for the workers' counts (%s); a venue's change reaches "
			"the other workers' check-in pages within a second instead of at once", strerror(errno));
	m.self_path = binary_path();
	const char *inherited = getenv(UPGRADE_FDS_ENV);
	if (inherited) {
		if (take_over(&m, inherited) != 0)
			goto out;
	} else {
		m.fds[POOL_FAST] = fcgi_listen(m.config->fast_socket, LISTEN_BACKLOG, m.config->socket_group,
					       m.config->fcgi_clients);
		m.fds[POOL_SLOW] = fcgi_listen(m.config->slow_socket, LISTEN_BACKLOG, m.config->socket_group,
					       m.config->fcgi_clients);
	}
	if (m.fds[POOL_FAST] < 0 || m.fds[POOL_SLOW] < 0) {
		fprintf(stderr, "vaora: cannot listen on %s and %s\n", m.config->fast_socket, m.config->slow_socket);
		goto out;
	}
	/* A new one after an upgrade's exec too (close-on-exec): the old binary's writer drains with its
	 * workers, which keep their connections to it. */
	m.writer_fd = checkin_writer_listen(m.writer_name);

	/* Signals are blocked except inside sigsuspend, so none is lost between checks; the mask
	 * lasts through an upgrade's exec, so none kills the new binary before its handlers. */
	sigset_t blocked, waiting;
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGHUP);
	sigaddset(&blocked, SIGUSR2);
	sigaddset(&blocked, SIGCHLD);
	sigaddset(&blocked, SIGUSR1);
	sigprocmask(SIG_BLOCK, &blocked, &waiting);
	sigdelset(&waiting, SIGTERM);
	sigdelset(&waiting, SIGINT);
	sigdelset(&waiting, SIGHUP);
	sigdelset(&waiting, SIGUSR2);
	sigdelset(&waiting, SIGCHLD);
	sigdelset(&waiting, SIGUSR1);
	set_handler(SIGTERM, on_stop);
	set_handler(SIGINT, on_stop);
	set_handler(SIGHUP, on_reload);
	set_handler(SIGUSR2, on_upgrade);
	set_handler(SIGCHLD, on_child);
	set_handler(SIGUSR1, on_log_reopen);
	set_handler(SIGPIPE, SIG_IGN);

	log_msg(LOG_INFO, "serve: vaora %s listening on %s (fast) and %s (slow)", VAORA_VERSION,
		m.config->fast_socket, m.config->slow_socket);
	spawn_generation(&m);
	/* After an upgrade: the old binary's workers leave once this one's are forked. */
	signal_generation(&m, m.generation, SIGTERM);
	m.pid_file = xstrdup(m.config->pid_file);
	bool announced = write_pid_file(m.pid_file, m.pid) == 0;
	if (!announced)
		stop_requested = 1;
	while (!stop_requested) {
		sigsuspend(&waiting);
		if (child_exited) {
			child_exited = 0;
			reap(&m, !stop_requested);
		}
		if (log_reopen_requested) {
			log_reopen_requested = 0;
			log_reopen();
			signal_generation(&m, m.generation + 1, SIGUSR1);
			log_msg(LOG_INFO, "serve: log reopened");
		}
		if (reload_requested && !stop_requested) {
			reload_requested = 0;
			reload(&m);
		}
		if (upgrade_requested && !stop_requested) {
			upgrade_requested = 0;
			upgrade(&m);
		}
	}
	stop_all(&m);
	fcgi_unlisten(m.config->fast_socket);
	fcgi_unlisten(m.config->slow_socket);
	if (announced && *m.pid_file)
		unlink(m.pid_file);
	log_msg(LOG_INFO, "serve: stopped");
	rc = announced ? 0 : 1;
out:
	if (m.fds[POOL_FAST] >= 0)
		close(m.fds[POOL_FAST]);
	if (m.fds[POOL_SLOW] >= 0)
		close(m.fds[POOL_SLOW]);
	if (m.writer_fd >= 0)
		close(m.writer_fd);
	resources_free(&m.res);
	config_free(m.config);
	free(m.workers);
	free(m.pid_file);
	free(m.self_path);
	return rc;
}
