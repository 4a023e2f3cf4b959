/* The MariaDB client tools as child processes: mariadb-dump writes out a shard's database,
 * the mariadb client reads such a dump back in.
 *
 * Why child processes and not our own SELECTs: mariadb-dump is the tool MariaDB keeps in step
 * with its own server (partitioned tables, triggers, routines, character sets, the snapshot's
 * binary log position without a global lock), and its output is plain SQL an administrator
 * can read, grep and load with the stock client when vaora itself is not at hand. */
#include "adapters/dump.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xmalloc.h"

/* Whether the option file can carry s inside double quotes as it is: the client tools read
 * backslash escapes there, and a line ends the value. */
static bool quotable(const char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			return false;
	return true;
}

/* Writes the account of sc and the address of its node into a fresh 0600 file under $TMPDIR
 * (or /tmp). Returns its path (caller unlinks and frees), or NULL (errno EINVAL: a password
 * the file cannot carry). */
static char *write_defaults(const struct shard_config *sc, size_t node_index)
{
	if (sc->password && !quotable(sc->password)) {
		errno = EINVAL;
		return NULL;
	}
	const char *tmp = getenv("TMPDIR");
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s/vaora-dump.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *name = buf_take(&path);
	int fd = mkstemp(name);	/* mode 0600 */
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0) {
			close(fd);
			unlink(name);
		}
		free(name);
		return NULL;
	}
	fprintf(f, "[client]\nuser = %s\ndefault-character-set = utf8mb4\n", sc->user);
	if (sc->password)
		fprintf(f, "password = \"%s\"\n", sc->password);
	const struct db_node *node = &sc->nodes[node_index];
	if (node->socket)
		fprintf(f, "socket = %s\n", node->socket);
	else
		fprintf(f, "host = %s\nport = %u\n", node->host, node->port);
	if (fclose(f) != 0) {
		unlink(name);
		free(name);
		return NULL;
	}
	return name;
}

/* Forks argv[0] with one end of a pipe as its stdout (to_child false) or stdin (true); our end
 * goes to child->fd. argv[1] is filled with --defaults-file=, which must come first. */
static int start(const struct shard_config *sc, size_t node, const char **argv, bool to_child,
		 struct dump_child *child, char *err, size_t errlen)
{
	memset(child, 0, sizeof(*child));
	child->pid = -1;
	child->fd = -1;
	child->defaults_file = write_defaults(sc, node);
	if (!child->defaults_file) {
		if (errno == EINVAL)
			snprintf(err, errlen, "shard %s: its password holds a quote, backslash or control character, which "
				 "the MariaDB tools' option file cannot carry", sc->name);
		else
			snprintf(err, errlen, "shard %s: cannot write a temporary account file: %s", sc->name,
				 strerror(errno));
		return -1;
	}
	struct buf opt = BUF_INIT;
	buf_printf(&opt, "--defaults-file=%s", child->defaults_file);
	argv[1] = buf_str(&opt);
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		buf_free(&opt);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(to_child ? p[0] : p[1], to_child ? STDIN_FILENO : STDOUT_FILENO);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "vaora: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	buf_free(&opt);
	close(to_child ? p[0] : p[1]);
	child->fd = to_child ? p[1] : p[0];
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	child->pid = pid;
	return 0;
}

int dump_start(const struct shard_config *sc, size_t node, bool binlog_position, struct dump_child *child,
	       char *err, size_t errlen)
{
	const char *argv[] = { "mariadb-dump", NULL, "--single-transaction", "--skip-extended-insert",
			       "--order-by-primary", "--hex-blob", "--routines", "--triggers", "--no-autocommit",
			       "--skip-dump-date", binlog_position ? "--master-data=2" : "--skip-comments",
			       "--", sc->database, NULL };
	return start(sc, node, argv, false, child, err, errlen);
}

int dump_load_start(const struct shard_config *sc, size_t node, struct dump_child *child, char *err,
		    size_t errlen)
{
	const char *argv[] = { "mariadb", NULL, "--batch", "--database", sc->database, NULL };
	return start(sc, node, argv, true, child, err, errlen);
}

int dump_finish(struct dump_child *child, char *err, size_t errlen)
{
	int rc = 0, status = 0;
	if (child->fd >= 0)
		close(child->fd);
	child->fd = -1;
	if (child->pid > 0) {
		while (waitpid(child->pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
			snprintf(err, errlen, "the MariaDB tool exited with %d (its message is above)", WEXITSTATUS(status));
			rc = -1;
		} else if (WIFSIGNALED(status)) {
			snprintf(err, errlen, "the MariaDB tool was killed by signal %d", WTERMSIG(status));
			rc = -1;
		}
	} else {
		rc = -1;
	}
	if (child->defaults_file) {
		unlink(child->defaults_file);
		free(child->defaults_file);
		child->defaults_file = NULL;
	}
	return rc;
}
