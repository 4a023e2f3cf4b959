/* The audit log: who did what, when, from where — never the personal data itself. */
#ifndef VAORA_AUDIT_H
#define VAORA_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/clock.h"
#include "base/config.h"
#include "domain/actor.h"

enum audit_action {
	AUDIT_LOGIN,
	AUDIT_LOGIN_FAILED,
	AUDIT_LOGIN_THROTTLED,
	AUDIT_LOGOUT,
	AUDIT_LOGOUT_EVERYWHERE,
	AUDIT_ACCOUNT_CREATE,
	AUDIT_ACCOUNT_DISABLE,
	AUDIT_ACCOUNT_ENABLE,
	AUDIT_PASSWORD_RESET,
	AUDIT_PASSWORD_CHANGE,
	AUDIT_STAFF_ASSIGN,
	AUDIT_STAFF_UNASSIGN,
	AUDIT_STAFF_APPROVE,	/* an officer or admin let staff use the venue's desks */
	AUDIT_TOKEN_CREATE,
	AUDIT_TOKEN_REVOKE,
	AUDIT_KEY_ROTATE,
	AUDIT_AREAS_IMPORT,
	AUDIT_PERSON_CREATE,
	AUDIT_PERSON_LOOKUP,
	AUDIT_PERSON_UPDATE,	/* corrected by the person on their phone */
	AUDIT_PERSON_DELETE,	/* the person deleted themselves */
	AUDIT_CARD_REISSUE,	/* a lost card replaced by the person on their phone */
	AUDIT_VENUE_REGISTER,
	AUDIT_VENUE_CREATE,
	AUDIT_VENUE_UPDATE,
	AUDIT_VENUE_DEACTIVATE,
	AUDIT_VENUE_ACTIVATE,
	AUDIT_VENUE_VERIFY,
	AUDIT_VENUE_REISSUE,
	AUDIT_POSTERS_BULK,
	AUDIT_CARDS_PRINT,	/* a volunteer printed cards of people they declared for */
	AUDIT_PAPER_IMPORT,	/* one entry per file, with its counts */
	AUDIT_HANDOVER_CREATE,	/* a volunteer made a hand-over code */
	AUDIT_HANDOVER_REDEEM,	/* a phone took a hand-over code */
	AUDIT_TRACE_CASE,	/* a case's contacts listed, with the tracer's reason */
	AUDIT_TRACE_CASE_EXPORT,	/* the same, downloaded as CSV */
	AUDIT_TRACE_VENUE,	/* everyone at a venue in a window, with the reason */
	AUDIT_TRACE_VENUE_EXPORT,	/* the same, downloaded as CSV */
	AUDIT_RETENTION_PURGE,	/* the purge removed expired data (its report) */
	AUDIT_PROVINCE_MOVE,	/* a province's rows moved to another shard */
	AUDIT_ACTION_COUNT,
};

/* An audit entry's object as text, "kind:id" ("account:12"): the longest kind and a 64-bit id fit. */
#define AUDIT_OBJECT_SIZE 48

extern const char *const audit_action_names[];

/* An object's name in the log: "kind:id" ("account:12"), or kind alone when id is 0 (a set:
 * "areas", "checkins"). */
void audit_object(const char *kind, int64_t id, char out[AUDIT_OBJECT_SIZE]);

/* Appends one entry for the actor's province (or t's, for an anonymous actor) about the
 * object named by kind and id (as audit_object; "" and 0 for none); detail is free text such
 * as a typed reason. Neither may hold personal data: an id is the row's, never the person. */
enum db_status audit_record(struct db *db, const struct tenant *t, const struct actor *actor,
			    enum audit_action action, const char *kind, int64_t id, const char *detail);

/* Ends the transaction of a change begun on t's shard: when status is DB_OK, first records the
 * change as audit_record does, so the change and its entry land together or neither does.
 * Returns the final status, as db_end. */
enum db_status audit_end(struct db *db, const struct tenant *t, const struct actor *actor, enum audit_action action,
			 const char *kind, int64_t id, const char *detail, enum db_status status);

/* Binds an entry's actor_id, actor_login, actor_role and action to q, in that order: for a
 * statement that writes the entry with other rows (a new person stored with their check-in). */
void audit_bind_actor(struct db_query *q, const struct actor *actor, enum audit_action action);

/* The audit log's actor columns, as audit_bind_actor binds them. */
struct audit_actor {
	int64_t account_id;	/* 0: none (NULL) */
	const char *login;	/* borrowed from the actor, or a constant */
	const char *role;
};

void audit_actor_columns(const struct actor *actor, struct audit_actor *out);

/* The client address an entry names: the actor's, or "-" (the command line, a job). */
const char *audit_actor_address(const struct actor *actor);

struct audit_filter {
	const char *action;	/* exact action name, or NULL */
	const char *actor_login;	/* exact login, or NULL */
	const char *from;	/* "YYYY-MM-DD" Vietnam date, inclusive, or NULL */
	const char *to;		/* "YYYY-MM-DD" Vietnam date, inclusive, or NULL */
	int64_t before_id;	/* page: entries older than this id; 0 for the newest */
};

/* The longest action name (the audit_log column's size). */
#define AUDIT_ACTION_MAX 40

struct audit_entry {
	int64_t id;
	char at[UTC_DATETIME_SIZE];
	char actor_login[LOGIN_MAX + 1];
	char actor_role[24];
	char action[AUDIT_ACTION_MAX + 1];
	char object[101];
	char address[46];
	char detail[501 * 4];
};

/* Lists up to max entries, newest first. Returns the count in *n. */
enum db_status audit_list(struct db *db, const struct tenant *t, const struct audit_filter *f,
			  struct audit_entry *out, size_t max, size_t *n);

#endif
