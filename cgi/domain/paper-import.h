/* Paper declarations typed into a CSV (by a volunteer after a network outage, or an officer
 * collecting a checkpoint's forms): every row through the same validation as the forms, each
 * good row recorded exactly once however often the file comes, flagged as paper. */
#ifndef VAORA_PAPER_IMPORT_H
#define VAORA_PAPER_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/buf.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/declaration.h"
#include "domain/field-errors.h"
#include "domain/keys.h"

/* Rows one file may hold: a province's paper backlog after a long outage, not a census. */
#define PAPER_IMPORT_MAX_ROWS 200000
/* Rejected rows listed one by one; past this only their number is given (a file that wrong
 * needs fixing as a whole, and the page must stay readable). */
#define PAPER_REJECTS_LISTED 1000

struct paper_reject {
	size_t line;			/* in the file, the header being line 1 */
	struct field_errors errors;	/* field: a column name; key: a message catalog key */
};

struct paper_import_result {
	const char *file_error;		/* a catalog key when the file as a whole was refused
					 * (nothing recorded): "import_not_utf8", "import_spreadsheet",
					 * "import_bad_header", "import_malformed",
					 * "import_too_many_rows", "import_empty" */
	size_t file_error_line;		/* where, for import_malformed */
	size_t rows;			/* data rows read */
	size_t recorded;		/* new check-ins */
	size_t already;			/* rows recorded by an earlier upload (or the same visit
					 * within two minutes): nothing new */
	size_t people_created;
	size_t rejected;
	struct paper_reject *rejects;	/* owned; the first PAPER_REJECTS_LISTED, by line */
	size_t reject_count;
	size_t stopped_line;		/* 0, or the first line not recorded when the database failed
					 * midway: every row before it is stored, none after */
};

/* Called after each committed batch: good rows handled so far, and in all. */
typedef void (*paper_progress_fn)(void *ctx, size_t done, size_t total);

/* The header a file must have, in Vietnamese: the fixed columns, then one per question of the
 * form (its "column" text, else its question). Older headers still read: the same words without
 * marks joined by '_' (ho_ten), and a question's id (fever). */
void paper_import_header(const struct declaration_form *form, struct buf *out);
/* The downloadable template: a UTF-8 BOM (so Excel reads it as UTF-8), the header and one
 * example row. */
void paper_import_template(const struct declaration_form *form, struct buf *out);

/* Validates every row of text[0..len) (UTF-8 with or without BOM, UTF-16 with its BOM, or
 * Windows-1258; fields separated by ',', ';' or tab as the header has them; CRLF or LF), then
 * records the good ones in transactions of a few hundred rows; rows are independent, so a
 * batch is the unit of "all or nothing", and a file stopped midway by the database is
 * finished by uploading it again (rows already recorded are skipped by their keys). A row's
 * venue is its "Mã địa điểm" cell, or default_venue (a venue code; may be NULL) when that is empty. The actor
 * must work at or oversee each venue (an actor without account, the command line, may use
 * every venue of the province); they are the check-ins' filed_by and the one audit entry's
 * actor. Returns DB_OK with result filled (free with paper_import_result_free), or the
 * database's status when it failed (result still says what was stored). */
enum db_status paper_import(struct db *db, const struct tenant *t, const struct keyring *keys,
			    const struct declaration_form *form, const struct actor *actor, const char *default_venue,
			    const char *text, size_t len, paper_progress_fn progress, void *progress_ctx,
			    struct paper_import_result *result);
void paper_import_result_free(struct paper_import_result *r);

#endif
