/* The check-in writer: one process per host (a child of `vaora serve`, like the counters' folder)
 * that records the plain check-ins of every worker many to a transaction (checkin-batch.h). A
 * worker sends it a check-in made ready for the database and waits for its answer; whatever the
 * writer does not record (a check stopped it, a batch failed, the writer is gone, slow, or of
 * another binary) the worker records alone, as before the writer: every check-in carries its
 * idempotency key, so one the writer stored whose answer was lost answers "replayed" there. */
#ifndef VAORA_CHECKIN_WRITER_H
#define VAORA_CHECKIN_WRITER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"
#include "domain/checkin-batch.h"

/* A socket's name in Linux's abstract namespace (no file to clean up, gone with its last fd). */
#define CHECKIN_WRITER_NAME_MAX 64

/* The master's: a listening socket under a new name (its pid and the time: a master after an
 * upgrade's exec has the same pid, and the old binary's writer may still hold the old name),
 * close-on-exec. Returns the fd, or -1 (logged): the workers then record every check-in alone. */
int checkin_writer_listen(char name[CHECKIN_WRITER_NAME_MAX]);

/* The writer's life: it accepts the workers of its own user on listen_fd and records what they
 * send in batches on its own database connections, until *stop; then it answers what it holds
 * and returns. */
void checkin_writer_run(int listen_fd, const struct config *config, volatile sig_atomic_t *stop);

/* A worker's: the writer to send check-ins to (a name from checkin_writer_listen); until it is
 * called, none. */
void checkin_writer_use(const char *name);

/* Sends row to the writer and waits for its answer. True: recorded and committed, *answer says
 * how. False: the writer did not record it (or cannot say it did): record it alone. */
bool checkin_writer_record(const struct checkin_batch_row *row, struct checkin_batch_answer *answer);

#endif
