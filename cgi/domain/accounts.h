/* Staff accounts: creation with the one validation, listing by scope, status, passwords,
 * and who works at which venue. */
#ifndef VAORA_ACCOUNTS_H
#define VAORA_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/config.h"
#include "domain/actor.h"
#include "domain/field-errors.h"
#include "domain/input-fields.h"
#include "domain/password.h"

/* Areas one officer answers for; a province has a few hundred communes at most. */
#define ACCOUNT_AREAS_MAX 64
#define AREA_CODE_MAX 10
/* One-time passwords are 16 characters. */
#define ONE_TIME_PASSWORD_LEN 16

struct account {
	int64_t id;
	char login[LOGIN_MAX + 1];
	char display_name[DISPLAY_NAME_MAX * 4 + 1];
	enum role role;
	bool active;
	bool must_change_password;
};

/* An account's fields as sent, good or not (NULL: not sent), for a form shown back. */
struct account_typed {
	const char *login;
	const char *display_name;
	const char *role;
	const char *areas;
};

/* A new account as typed into a form or the command line; a form's read by
 * account_input_fields. Strings borrowed. */
struct account_input {
	const char *login;
	const char *display_name;
	const char *role;	/* role name */
	const char *areas;	/* area codes separated by commas or spaces (area officers, venue managers) */
	struct account_typed typed;	/* every row keeps its text as typed (INPUT_KEEP_TYPED) */
};

/* The account's fields as the accounts page declares them. */
extern const struct input_field account_input_fields[];
extern const size_t account_input_field_count;

/* The roles actor may create: an operator creates province admins, an admin every province
 * role, an area officer venue managers. A creator without an account (NULL, or the command
 * line's actor) may create any role. */
bool accounts_may_create(const struct actor *creator, enum role role);

/* Validates input once for page and command line; on errors fills errors and creates
 * nothing. Otherwise creates the account with a one-time password (must be changed at first
 * login) written to one_time_password, its areas, and the audit entry, in one transaction. */
enum db_status accounts_create(struct db *db, const struct tenant *t, const struct actor *creator,
			       const struct account_input *input, struct field_errors *errors, int64_t *id,
			       char one_time_password[ONE_TIME_PASSWORD_LEN + 1]);

/* Validates a new account's fields without creating it, a taken login included, so that a
 * password is hashed only for an account that can be made. */
enum db_status accounts_check_input(struct db *db, const struct tenant *t, const struct account_input *input,
				    struct field_errors *errors);
/* Inserts an account whose owner chose its password (public venue registration; hash from
 * password_hash), inside the caller's transaction. A login taken meanwhile becomes a field error. */
enum db_status accounts_insert_self_registered(struct db *db, const struct tenant *t,
					       const struct account_input *input, const char *hash,
					       struct field_errors *errors, int64_t *id);

/* The account id in province t; *found false when there is none. */
enum db_status accounts_get(struct db *db, const struct tenant *t, int64_t id, struct account *out, bool *found);
/* Whether actor may manage account id (see README's permission matrix). */
enum db_status accounts_in_scope(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id,
				 bool *allowed);
/* The accounts actor may manage, by login, at most max. */
enum db_status accounts_list(struct db *db, const struct tenant *t, const struct actor *actor,
			     struct account *out, size_t max, size_t *n);
/* The area codes of an account. */
enum db_status accounts_areas(struct db *db, const struct tenant *t, int64_t id,
			      char codes[][AREA_CODE_MAX + 1], size_t max, size_t *n);

/* Disables (ending its sessions) or re-enables account id. */
enum db_status accounts_set_active(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id,
				   bool active);
/* Replaces account id's password by a one-time password the caller shows once. */
enum db_status accounts_reset_password(struct db *db, const struct tenant *t, const struct actor *actor,
				       int64_t id, char one_time_password[ONE_TIME_PASSWORD_LEN + 1]);
/* The actor changes their own password; errors name the field ("current", "password"). */
enum db_status accounts_change_password(struct db *db, const struct tenant *t, const struct actor *actor,
					const char *current, const char *password, const char *repeat,
					struct field_errors *errors);

/* Sets a password chosen elsewhere (the demo seed); must_change forces a change at login. */
enum db_status accounts_set_password(struct db *db, const struct tenant *t, int64_t id, const char *password,
				     bool must_change);
/* The id of the account with login in province t, 0 when there is none. */
enum db_status accounts_id_by_login(struct db *db, const struct tenant *t, const char *login, int64_t *id);

/* Puts the volunteer with login at venue_id (or takes them off). errors: "login". The new row
 * is approved when an admin or officer adds it, or a manager the venue's desk trusts (see
 * desk_trust); otherwise an officer approves it on the staff page. */
enum db_status accounts_assign_volunteer(struct db *db, const struct tenant *t, const struct actor *actor,
					 int64_t venue_id, const char *login, bool assign,
					 struct field_errors *errors);
/* Makes account_id a manager of venue_id, approved or not (a self-registered manager waits for
 * an officer; the demo seed's is approved). */
enum db_status accounts_add_manager(struct db *db, const struct tenant *t, int64_t venue_id, int64_t account_id,
				    bool approved);
/* Makes account_id an approved volunteer of venue_id (the demo seed). */
enum db_status accounts_add_volunteer_direct(struct db *db, const struct tenant *t, int64_t venue_id,
					     int64_t account_id);

/* Staff one venue lists: a few managers and the volunteers of a busy gate. */
#define VENUE_STAFF_MAX 100

struct staff_member {
	int64_t account_id;
	char login[LOGIN_MAX + 1];
	char display_name[DISPLAY_NAME_MAX * 4 + 1];
	bool manager;		/* else a volunteer */
	bool approved;
};

/* The staff of venue_id, managers first, by login; at most max. */
enum db_status accounts_staff(struct db *db, const struct tenant *t, int64_t venue_id, struct staff_member *out,
			      size_t max, size_t *n);
/* Approves account_id's place on venue_id's staff (audited as staff-approve); *done false when
 * it has no such place or was approved already. The caller checks the actor is an admin or an
 * officer of the venue's ward. */
enum db_status accounts_approve_staff(struct db *db, const struct tenant *t, const struct actor *actor,
				      int64_t venue_id, int64_t account_id, bool *done);

#endif
