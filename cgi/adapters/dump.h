/* The MariaDB client tools as child processes: mariadb-dump writes out a shard's database,
 * the mariadb client reads such a dump back in. */
#ifndef VAORA_DUMP_H
#define VAORA_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/config.h"

/* A running tool: its pid, our end of its stdout (a dump) or stdin (a load), and the 0600
 * file that gives it the shard's account (never the command line, which ps shows). */
struct dump_child {
	pid_t pid;
	int fd;
	char *defaults_file;	/* owned; removed by dump_finish */
};

/* node: which of the shard's nodes the tool talks to (a cluster's nodes each hold the whole
 * shard; db_shard_node names the one the shard's connection found ready). */

/* Starts mariadb-dump of the shard's database, one consistent snapshot (--single-transaction:
 * InnoDB, no lock held on the tables), one INSERT line per row in primary-key order, binary
 * columns in hex, routines and triggers included; with binlog_position the binary log
 * position of that snapshot comes as a "-- CHANGE MASTER TO" comment line. The SQL is read
 * from child->fd. Returns 0, or -1 with the reason in err. */
int dump_start(const struct shard_config *sc, size_t node, bool binlog_position, struct dump_child *child,
	       char *err, size_t errlen);
/* Starts the mariadb client on the shard's database: SQL written to child->fd is run, and the
 * client stops at the first error. Returns 0, or -1 with the reason in err. */
int dump_load_start(const struct shard_config *sc, size_t node, struct dump_child *child, char *err,
		    size_t errlen);
/* Closes our end, waits for the tool and removes its account file. Returns 0 when the tool
 * succeeded, else -1 with how it ended in err. */
int dump_finish(struct dump_child *child, char *err, size_t errlen);

#endif
