/* The one wrapper of libfcgi: listening sockets and the accept loop of a worker. */
#include "adapters/fcgi.h"

#include <fcgiapp.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"

int fcgi_listen(const char *path, int backlog, const char *group)
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
	if (FCGX_Init() != 0)
		return -1;
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

int fcgi_inherit(int fd, const char *path)
{
	int listening = 0;
	socklen_t len = sizeof(listening);
	struct sockaddr_un addr;
	socklen_t addr_len = sizeof(addr);
	if (FCGX_Init() != 0)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening ||
	    getsockname(fd, (struct sockaddr *)&addr, &addr_len) != 0 || addr.sun_family != AF_UNIX) {
		log_msg(LOG_ERROR, "fcgi: inherited fd %d is not a listening unix socket", fd);
		return -1;
	}
	addr.sun_path[sizeof(addr.sun_path) - 1] = '\0';
	if (strcmp(addr.sun_path, path) != 0)
		log_msg(LOG_WARN, "fcgi: kept the inherited socket %s; socket paths change only at a restart (config: %s)",
			addr.sun_path, path);
	return fd;
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
		FCGX_Finish_r(&request);
	}
	FCGX_Free(&request, 0);
	return rc;
}
