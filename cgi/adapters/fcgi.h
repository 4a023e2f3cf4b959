/* The one wrapper of libfcgi: listening sockets and the accept loop of a worker. */
#ifndef VAORA_FCGI_H
#define VAORA_FCGI_H

#include <signal.h>

#include "base/io.h"

/* Opens a listening socket at address: a unix path (removing a stale socket file there), mode
 * 0660 in group (the web server's; NULL or "" keeps the process's own), or IPV4:PORT, where
 * only the IPv4 addresses in clients (comma-separated; NULL or "" lets any in) may connect.
 * Returns the fd or -1. */
int fcgi_listen(const char *address, int backlog, const char *group, const char *clients);

/* Removes what a stopped listener leaves behind: a unix socket's file. */
void fcgi_unlisten(const char *address);

/* Takes over fd, a listening socket inherited from the previous binary (a hand-over at an
 * upgrade), meant to be the one at address (a warning when it is bound elsewhere); clients as for
 * fcgi_listen. Returns fd, or -1 when fd is no listening unix or IPv4 socket. */
int fcgi_inherit(int fd, const char *address, const char *clients);

/* Accepts requests on fd and calls handle for each until *stop is set (checked between requests;
 * a signal interrupts a waiting accept). Returns 0 on a stop, -1 on an accept error. */
int fcgi_serve(int fd, volatile sig_atomic_t *stop, void (*handle)(struct request_io *io, void *arg), void *arg);

#endif
