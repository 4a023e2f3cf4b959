/* What the entry files (main.c, cli.c, serve.c) export to each other. */
#ifndef VAORA_ENTRY_H
#define VAORA_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
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
/* The statuses nginx may answer by itself, each with a static page in every language (cli.c). */
extern const int static_error_statuses[];
extern const size_t static_error_status_count;
/* `vaora error-pages DIR` (cli.c): the static error pages nginx shows. Returns the exit code. */
int cli_error_pages(const char *config_path, const char *dir);
/* `vaora nginx-conf [--production] DIR` (nginx-conf.c): the nginx pieces that must agree with
 * the binary and vaora.conf, and with production set a complete TLS site including them.
 * Returns the exit code. */
int cli_nginx_conf(const char *config_path, const char *dir, bool production);
/* The prefork FastCGI server. Returns the exit code. */
int serve_main(const char *config_path);
/* Answers one plain-CGI request from the environment and stdin/stdout. */
int cgi_main(const char *config_path);

#endif
