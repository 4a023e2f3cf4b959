/* The benchmark's ceiling: a minimal libfcgi responder with a fixed body, behind vaora's nginx. */
/*
 * Usage: hello SOCKET [WORKERS]
 *
 * Opens one unix listening socket and forks WORKERS processes that all accept on it, as
 * vaora's prefork master does, each answering every request with the same few bytes. The
 * `ceiling` part of `make bench` (tests/bench/bench_ceiling.py) starts it, sends wrk to it
 * through the same nginx that serves vaora, and divides vaora's rates by its rate. It reads no
 * request body and touches no database: what it costs is nginx, the FastCGI round trip and
 * the process switches, the floor under every vaora request. SIGTERM or SIGINT to the parent
 * stops the workers and removes the socket. For the benchmark only: never installed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

/* The default, 4 workers: the answer never waits on anything but the socket, so one worker
 * per core would do if nginx and wrk did not share the two cores; a second per core keeps a
 * core busy while a worker is descheduled. Measured here (3 s runs, twice, the machine shared
 * with other work): 2, 4, 8 and 16 workers gave 9,000 to 16,100 req/s with no order among them
 * beyond the noise; 4 is also what issue #14's figure was taken with. */
#define WORKERS_DEFAULT 4
/* Enough for any machine this runs on; a typo such as 4000 is refused. */
#define WORKERS_MAX 64
/* Connections nginx may queue before a worker accepts (vaora's fast pool uses the same). */
#define LISTEN_BACKLOG 1024

static const char RESPONSE[] = "Status: 200 OK\r\n"
			       "Content-Type: text/plain; charset=utf-8\r\n"
			       "Content-Length: 6\r\n"
			       "\r\n"
			       "hello\n";

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Interrupts accept() (no SA_RESTART), so a worker or the parent sees `stopping`. */
static void catch_stop_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static int serve(int listen_fd)
{
	FCGX_Request req;
	if (FCGX_InitRequest(&req, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return 1;
	while (!stopping && FCGX_Accept_r(&req) == 0) {
		FCGX_PutStr(RESPONSE, (int)sizeof(RESPONSE) - 1, req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}

static void stop_workers(const pid_t *pids, int n)
{
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
}

int main(int argc, char **argv)
{
	int workers = WORKERS_DEFAULT;
	if (argc == 3) {
		char *end;
		long n = strtol(argv[2], &end, 10);
		if (*end || n < 1 || n > WORKERS_MAX) {
			fprintf(stderr, "hello: workers must be 1 to %d\n", WORKERS_MAX);
			return 2;
		}
		workers = (int)n;
	} else if (argc != 2) {
		fprintf(stderr, "usage: hello SOCKET [WORKERS]\n");
		return 2;
	}
	const char *path = argv[1];
	if (FCGX_Init() != 0)
		return 1;
	unlink(path);
	/* libfcgi's socket is made under the umask: nginx's workers must be able to connect. */
	umask(0);
	int listen_fd = FCGX_OpenSocket(path, LISTEN_BACKLOG);
	if (listen_fd < 0) {
		fprintf(stderr, "hello: cannot listen on %s: %s\n", path, strerror(errno));
		return 1;
	}
	catch_stop_signals();
	pid_t pids[WORKERS_MAX] = { 0 };
	for (int i = 0; i < workers; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			return serve(listen_fd);
		if (pids[i] < 0) {
			fprintf(stderr, "hello: fork: %s\n", strerror(errno));
			stopping = 1;
			break;
		}
	}
	while (!stopping)
		pause();
	stop_workers(pids, workers);
	close(listen_fd);
	unlink(path);
	return 0;
}
