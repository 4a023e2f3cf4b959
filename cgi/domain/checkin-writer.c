/* The check-in writer: the socket between the workers and the one process that records their
 * plain check-ins in batches, and that process's loop. */
#include "domain/checkin-writer.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "adapters/db.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/xmalloc.h"

/* The messages' layout, the first word of each: a writer answers a message of another layout
 * (a worker of another binary, during an upgrade) "not recorded" without reading on, and a
 * worker takes no answer of another layout. */
#define WRITER_LAYOUT 3
/* A check-in sent longer ago than this is not begun by the writer: its worker records it alone
 * once it stops waiting, and a province move's pause counts on writes begun before it ending
 * within MOVE_INFLIGHT_MS (a second). */
#define WRITER_MAX_AGE_MS 500
/* How long a worker waits for the writer's answer before it records the check-in alone: far
 * more than a batch takes, far less than nginx waits for the worker. */
#define WRITER_WAIT_MS 2000
/* How often an idle writer looks at its stop flag. */
#define WRITER_POLL_MS 200
/* Workers waiting to connect while the writer records a batch (a host has a few dozen). */
#define WRITER_BACKLOG 256

struct writer_request {
	uint32_t layout;
	uint32_t spare;
	int64_t sent_ms;	/* clock_monotonic_ms, the same clock in every process of the host */
	struct checkin_batch_row row;
};

/* The bytes of request as sent: a known person's stops before new_person (3 KB of the 7 a new
 * person's fills). */
static size_t request_size(const struct writer_request *request)
{
	return request->row.person ? offsetof(struct writer_request, row.new_person) : sizeof(*request);
}

struct writer_reply {
	uint32_t layout;
	uint32_t spare;
	struct checkin_batch_answer answer;
};

/* The abstract address of name, and its length. */
static socklen_t writer_address(const char *name, struct sockaddr_un *addr)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	size_t len = strnlen(name, CHECKIN_WRITER_NAME_MAX - 1);
	memcpy(addr->sun_path + 1, name, len);	/* sun_path[0] '\0': the abstract namespace */
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

int checkin_writer_listen(char name[CHECKIN_WRITER_NAME_MAX])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, CHECKIN_WRITER_NAME_MAX, "vaora-checkin-writer-%ld-%lld", (long)getpid(),
		 (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	struct sockaddr_un addr;
	socklen_t len = writer_address(name, &addr);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, len) == 0 && listen(fd, WRITER_BACKLOG) == 0)
		return fd;
	log_msg(LOG_ERROR, "serve: no socket for the check-in writer (%s): every check-in is recorded alone",
		strerror(errno));
	if (fd >= 0)
		close(fd);
	name[0] = '\0';
	return -1;
}

/* ---- The writer's side ---- */

struct writer_client {
	int fd;			/* -1: gone, dropped at the round's end */
	bool waiting;		/* its request is read and not answered */
	struct writer_request request;
};

struct writer {
	const struct config *config;
	struct db *db;
	struct writer_client *clients;
	size_t count, cap;
	struct pollfd *polls;			/* the listening socket, then each client's */
	struct checkin_batch_row *rows;		/* a batch's, CHECKIN_BATCH_MAX */
	struct checkin_batch_answer *answers;
};

static void client_drop(struct writer_client *c)
{
	close(c->fd);
	c->fd = -1;
	c->waiting = false;
}

/* Answers the client's request with answer, or "not recorded" for NULL. */
static void client_answer(struct writer_client *c, const struct checkin_batch_answer *answer)
{
	struct writer_reply reply = { .layout = WRITER_LAYOUT };
	if (answer)
		reply.answer = *answer;
	c->waiting = false;
	if (send(c->fd, &reply, sizeof(reply), MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)sizeof(reply))
		client_drop(c);	/* its worker gave up waiting, or died: it records alone */
}

/* Takes every worker waiting to connect; one of another user is refused (the abstract
 * namespace has no file permissions). */
static void accept_clients(struct writer *w, int listen_fd)
{
	int fd;
	while ((fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct ucred peer;
		socklen_t len = sizeof(peer);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != geteuid()) {
			log_msg(LOG_WARN, "checkin writer: refused a connection of another user");
			close(fd);
			continue;
		}
		if (w->count == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 32;
			w->clients = xrealloc(w->clients, w->cap * sizeof(*w->clients));
			w->polls = xrealloc(w->polls, (w->cap + 1) * sizeof(*w->polls));
		}
		w->clients[w->count++] = (struct writer_client){ .fd = fd };
	}
}

/* Reads the client's request; one that is not a whole, valid request of this layout is answered
 * "not recorded" at once. */
static void client_read(struct writer_client *c)
{
	/* MSG_TRUNC: the length of the message, however long, so an oversized one is seen. */
	ssize_t n = recv(c->fd, &c->request, sizeof(c->request), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_drop(c);
		return;
	}
	c->waiting = true;
	if ((size_t)n != request_size(&c->request) || c->request.layout != WRITER_LAYOUT ||
	    !checkin_batch_row_valid(&c->request.row))
		client_answer(c, NULL);
}

static bool same_batch(const struct checkin_batch_row *a, const struct checkin_batch_row *b)
{
	return a->shard == b->shard && strcmp(a->province, b->province) == 0;
}

/* Whether row is of a known person, or of an ID card, or has a key, that a row of picked[0 .. n)
 * has: the batch checks its rows against what is stored, not against each other (a new person,
 * 0 with no card, is no other row's). */
static bool repeats_picked(const struct writer *w, const size_t *picked, size_t n, const struct checkin_batch_row *row)
{
	const char *card = row->person ? "" : row->new_person.holder_lock;
	for (size_t i = 0; i < n; i++) {
		const struct checkin_batch_row *other = &w->clients[picked[i]].request.row;
		if ((row->person && other->person == row->person) || memcmp(other->key, row->key, sizeof(row->key)) == 0 ||
		    (*card && !other->person && strcmp(other->new_person.holder_lock, card) == 0))
			return true;
	}
	return false;
}

/* Records the requests of clients picked[0 .. n), all of one province and shard, in one batch,
 * and answers each. */
static void record_batch(struct writer *w, const size_t *picked, size_t n)
{
	const struct checkin_batch_row *first = &w->clients[picked[0]].request.row;
	const struct tenant *province = config_tenant_by_code(w->config, first->province);
	enum db_status status = DB_ERROR;
	if (province && first->shard < w->config->shard_count) {
		/* On the shard the worker routes the province to (a move may have changed it since
		 * this process read provinces.conf). */
		struct tenant routed = *province;
		routed.shard = first->shard;
		for (size_t i = 0; i < n; i++)
			w->rows[i] = w->clients[picked[i]].request.row;
		status = checkin_batch_record(w->db, &routed, w->rows, n, w->answers);
	}
	metrics_checkin_batch(n, status != DB_OK);
	if (status != DB_OK)
		log_msg(LOG_WARN, "checkin writer: a batch of %zu check-ins of province %s failed: each is recorded "
			"alone", n, first->province);
	for (size_t i = 0; i < n; i++)
		client_answer(&w->clients[picked[i]], status == DB_OK ? &w->answers[i] : NULL);
}

/* Records what the clients are waiting for, batch after batch, until none waits: each batch the
 * first waiting request's province and shard, and every other waiting request of theirs but
 * a person's or a key's second (left for the next batch). */
static void record_waiting(struct writer *w)
{
	int64_t now = clock_monotonic_ms();
	for (size_t i = 0; i < w->count; i++)
		if (w->clients[i].waiting && now - w->clients[i].request.sent_ms > WRITER_MAX_AGE_MS)
			client_answer(&w->clients[i], NULL);
	for (;;) {
		size_t picked[CHECKIN_BATCH_MAX], n = 0;
		for (size_t i = 0; i < w->count && n < CHECKIN_BATCH_MAX; i++) {
			const struct writer_client *c = &w->clients[i];
			if (!c->waiting)
				continue;
			const struct checkin_batch_row *row = &c->request.row;
			if (n && (!same_batch(&w->clients[picked[0]].request.row, row) || repeats_picked(w, picked, n, row)))
				continue;
			picked[n++] = i;
		}
		if (n == 0)
			return;
		record_batch(w, picked, n);
	}
}

/* Forgets the clients that went. */
static void clients_compact(struct writer *w)
{
	size_t kept = 0;
	for (size_t i = 0; i < w->count; i++)
		if (w->clients[i].fd >= 0)
			w->clients[kept++] = w->clients[i];
	w->count = kept;
}

/* One round: waits for the workers (at most WRITER_POLL_MS), takes new ones, reads what they
 * sent. */
static void writer_round(struct writer *w, int listen_fd)
{
	size_t polled = w->count;
	w->polls[0] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
	for (size_t i = 0; i < polled; i++)
		w->polls[i + 1] = (struct pollfd){ .fd = w->clients[i].fd, .events = POLLIN };
	if (poll(w->polls, polled + 1, WRITER_POLL_MS) <= 0)
		return;
	for (size_t i = 0; i < polled; i++)
		if (w->polls[i + 1].revents)
			client_read(&w->clients[i]);
	if (w->polls[0].revents & POLLIN)
		accept_clients(w, listen_fd);
}

void checkin_writer_run(int listen_fd, const struct config *config, volatile sig_atomic_t *stop)
{
	struct writer w = { .config = config, .db = db_open(config) };
	w.rows = xmalloc(CHECKIN_BATCH_MAX * sizeof(*w.rows));
	w.answers = xmalloc(CHECKIN_BATCH_MAX * sizeof(*w.answers));
	w.polls = xmalloc(sizeof(*w.polls));
	while (!*stop) {
		writer_round(&w, listen_fd);
		record_waiting(&w);
		clients_compact(&w);
	}
	for (size_t i = 0; i < w.count; i++)
		if (w.clients[i].fd >= 0)
			close(w.clients[i].fd);
	free(w.clients);
	free(w.polls);
	free(w.rows);
	free(w.answers);
	db_close(w.db);
}

/* ---- A worker's side ---- */

/* The worker's link to the writer: the address it was told, and a connection kept from one
 * check-in to the next (-1: none yet, or dropped after anything unexpected). */
static struct {
	struct sockaddr_un addr;
	socklen_t addr_len;	/* 0: no writer */
	int fd;
} writer_link = { .fd = -1 };

void checkin_writer_use(const char *name)
{
	writer_link.addr_len = name && *name ? writer_address(name, &writer_link.addr) : 0;
}

static void link_close(void)
{
	if (writer_link.fd >= 0)
		close(writer_link.fd);
	writer_link.fd = -1;
}

static bool link_open(void)
{
	if (writer_link.fd >= 0)
		return true;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (struct sockaddr *)&writer_link.addr, writer_link.addr_len) != 0) {
		close(fd);
		return false;
	}
	writer_link.fd = fd;
	return true;
}

/* Sends request, on a new connection once more when the kept one fails (a writer restarted). */
static bool link_send(const struct writer_request *request)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!link_open())
			return false;
		if (send(writer_link.fd, request, request_size(request), MSG_NOSIGNAL) == (ssize_t)request_size(request))
			return true;
		link_close();
	}
	return false;
}

/* Waits for the answer until WRITER_WAIT_MS after sent_ms. */
static bool link_receive(int64_t sent_ms, struct writer_reply *reply)
{
	struct pollfd p = { .fd = writer_link.fd, .events = POLLIN };
	int ready;
	do {
		int64_t left = sent_ms + WRITER_WAIT_MS - clock_monotonic_ms();
		ready = left > 0 ? poll(&p, 1, (int)left) : 0;
	} while (ready < 0 && errno == EINTR);
	return ready == 1 && recv(writer_link.fd, reply, sizeof(*reply), MSG_TRUNC) == (ssize_t)sizeof(*reply) &&
	       reply->layout == WRITER_LAYOUT;
}

bool checkin_writer_record(const struct checkin_batch_row *row, struct checkin_batch_answer *answer)
{
	if (!writer_link.addr_len)
		return false;
	static struct writer_request request;	/* 7 KB: not on each call's stack */
	static struct writer_reply reply;
	request = (struct writer_request){ .layout = WRITER_LAYOUT, .sent_ms = clock_monotonic_ms(), .row = *row };
	if (!link_send(&request))
		return false;
	/* No answer in time, or not one to read: the connection goes with whatever comes late. */
	if (!link_receive(request.sent_ms, &reply)) {
		link_close();
		return false;
	}
	*answer = reply.answer;
	return answer->recorded;
}
