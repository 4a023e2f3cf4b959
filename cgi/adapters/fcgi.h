/* The one wrapper of libfcgi: listening sockets and the accept loop of a worker. */
#ifndef VAORA_FCGI_H
#define VAORA_FCGI_H

#include <signal.h>

#include "base/io.h"

/* Opens a listening unix socket at path (removing a stale one), mode 0660 in group (the web
 * server's; NULL or "" keeps the process's own). Returns the fd or -1. */
int fcgi_listen(const char *path, int backlog, const char *group);

/* Takes over fd, a listening unix socket inherited from the previous binary (a hand-over at an
 * upgrade), meant to be the one at path (a warning when it is bound elsewhere). Returns fd, or
 * -1 when fd is no listening unix socket. */
int fcgi_inherit(int fd, const char *path);

/* Accepts requests on fd and calls handle for each until *stop is set (checked between requests;
 * a signal interrupts a waiting accept). Returns 0 on a stop, -1 on an accept error. */
int fcgi_serve(int fd, volatile sig_atomic_t *stop, void (*handle)(struct request_io *io, void *arg), void *arg);

#endif
