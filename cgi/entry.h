/* What the entry files (main.c, cli.c, serve.c) export to each other. */
#ifndef VAORA_ENTRY_H
#define VAORA_ENTRY_H

#include <stdbool.h>
#include <stdio.h>

/* The config file: $VAORA_CONFIG, else var/vaora.conf when the private stack wrote one, else
 * conf/vaora.conf. */
const char *entry_config_path(const char *given);
/* Runs a subcommand; argv[0] is the subcommand. Returns the exit code. */
int cli_main(const char *config_path, int argc, char **argv);
void cli_usage(FILE *out);
/* Operator jobs on a province's data and the secret (cli-jobs.c): argv[0] is the noun
 * ("account", "areas", "people", "posters", "secret"). Returns the exit code (2: usage). */
int cli_jobs(const char *config_path, int argc, char **argv);
void cli_jobs_usage(FILE *out);
/* `vaora purge [--dry-run]` (cli-jobs.c): retention on every shard. Returns the exit code. */
int cli_purge(const char *config_path, bool dry_run);
/* The prefork FastCGI server. Returns the exit code. */
int serve_main(const char *config_path);
/* Answers one plain-CGI request from the environment and stdin/stdout. */
int cgi_main(const char *config_path);

#endif
