/* The one wrapper of libfcgi: listening sockets and the accept loop of a worker. */
#include "adapters/fcgi.h"

#include <arpa/inet.h>
#include <fcgiapp.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/config.h"
#include "base/log.h"

/* A unix socket file readable by the group's nginx alone. */
static int fcgi_listen_unix(const char *path, int backlog, const char *group)
{
	gid_t gid = (gid_t)-1;
	if (group && *group) {
		struct group *g = getgrnam(group);
		if (!g) {
			log_msg(LOG_ERROR, "fcgi: socket_group %s: no such group", group);
			return -1;
		}
		gid = g->gr_gid;
	}
	/* A socket file left by a killed master would make bind fail. */
	struct stat st;
	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	int fd = FCGX_OpenSocket(path, backlog);
	if (fd < 0)
		return -1;
	/* nginx workers may run as another user, in the socket's group; nobody else may connect. */
	if (chown(path, (uid_t)-1, gid) != 0 || chmod(path, 0660) != 0) {
		log_msg(LOG_ERROR, "fcgi: cannot give %s to group %s with mode 0660", path, group && *group ? group : "(own)");
		close(fd);
		return -1;
	}
	return fd;
}

/* libfcgi reads its list of allowed peers from the environment once, in FCGX_Init (the first
 * call wins: both pools pass the same list; a new binary after an upgrade's exec reads its own,
 * so an old list carried over in the environment is removed). It checks the list on TCP
 * connections only. */
static int fcgi_init(const char *clients)
{
	if (clients && *clients ? setenv("FCGI_WEB_SERVER_ADDRS", clients, 1) != 0
				: unsetenv("FCGI_WEB_SERVER_ADDRS") != 0)
		return -1;
	return FCGX_Init() == 0 ? 0 : -1;
}

int fcgi_listen(const char *address, int backlog, const char *group, const char *clients)
{
	if (fcgi_init(clients) != 0)
		return -1;
	if (!config_socket_is_tcp(address))
		return fcgi_listen_unix(address, backlog, group);
	/* libfcgi binds the literal address given (config.c refuses 0.0.0.0 and names). */
	int fd = FCGX_OpenSocket(address, backlog);
	if (fd < 0)
		log_msg(LOG_ERROR, "fcgi: cannot listen on %s", address);
	return fd;
}

/* The address fd listens on, spelled as vaora.conf does (a path, or IPV4:PORT), into out; false
 * when fd is no listening unix or IPv4 socket. */
static bool listening_address(int fd, char *out, size_t outlen)
{
	int listening = 0;
	socklen_t len = sizeof(listening);
	struct sockaddr_storage ss;
	socklen_t ss_len = sizeof(ss);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening ||
	    getsockname(fd, (struct sockaddr *)&ss, &ss_len) != 0)
		return false;
	if (ss.ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)&ss;
		snprintf(out, outlen, "%.*s", (int)sizeof(un->sun_path), un->sun_path);
		return true;
	}
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
		char host[INET_ADDRSTRLEN];
		if (!inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host)))
			return false;
		snprintf(out, outlen, "%s:%u", host, (unsigned)ntohs(in->sin_port));
		return true;
	}
	return false;
}

int fcgi_inherit(int fd, const char *address, const char *clients)
{
	/* A unix path (shorter than the whole sockaddr_un) or IPV4:PORT. */
	char bound[sizeof(struct sockaddr_un)];
	if (fcgi_init(clients) != 0)
		return -1;
	if (!listening_address(fd, bound, sizeof(bound))) {
		log_msg(LOG_ERROR, "fcgi: inherited fd %d is not a listening unix or IPv4 socket", fd);
		return -1;
	}
	if (strcmp(bound, address) != 0)
		log_msg(LOG_WARN, "fcgi: kept the inherited socket %s; socket addresses change only at a restart (config: %s)",
			bound, address);
	return fd;
}

void fcgi_unlisten(const char *address)
{
	if (!config_socket_is_tcp(address))
		unlink(address);
}

static const char *fcgi_param(void *ctx, const char *name)
{
	FCGX_Request *r = ctx;
	return FCGX_GetParam(name, r->envp);
}

static long fcgi_read(void *ctx, char *buf, size_t n)
{
	FCGX_Request *r = ctx;
	int want = n > 65536 ? 65536 : (int)n;
	int got = FCGX_GetStr(buf, want, r->in);
	if (got < 0 || FCGX_GetError(r->in) != 0)
		return -1;
	return got;
}

static int fcgi_write(void *ctx, const char *buf, size_t n)
{
	FCGX_Request *r = ctx;
	while (n > 0) {
		int chunk = n > 65536 ? 65536 : (int)n;
		if (FCGX_PutStr(buf, chunk, r->out) != chunk)
			return -1;
		buf += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

/* libfcgi closes a connection "lingering": shutdown, then a poll until nginx closes its end, so
 * that input left unread cannot reset a connection whose answer is still on its way. With the
 * request's input read to its end (what nginx sends after it: nothing, without fastcgi_keep_conn)
 * there is nothing to reset, and a plain close lets the worker go back to accept at once: a
 * sleep and a wake-up and three system calls less a request, on this machine's paravirtualized
 * kernel the dearest part of a small request (measured in the note of issue #14). Input that
 * cannot be read to its end leaves libfcgi's close as it is. */
static void close_plainly_once_read(FCGX_Request *r)
{
	char rest[4096];
	while (FCGX_GetStr(rest, sizeof(rest), r->in) > 0)
		continue;
	if (FCGX_HasSeenEOF(r->in) == EOF && FCGX_GetError(r->in) == 0)
		FCGX_Detach(r);
}

int fcgi_serve(int fd, volatile sig_atomic_t *stop, void (*handle)(struct request_io *io, void *arg), void *arg)
{
	FCGX_Request request;
	/* FCGI_FAIL_ACCEPT_ON_INTR: a stop signal ends a waiting accept instead of retrying. */
	if (FCGX_InitRequest(&request, fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return -1;
	int rc = 0;
	while (!*stop) {
		if (FCGX_Accept_r(&request) < 0) {
			if (*stop)
				break;
			log_msg(LOG_ERROR, "fcgi: accept failed");
			rc = -1;
			break;
		}
		struct request_io io = { &request, fcgi_param, fcgi_read, fcgi_write };
		handle(&io, arg);
		close_plainly_once_read(&request);
		FCGX_Finish_r(&request);
	}
	FCGX_Free(&request, 0);
	return rc;
}
