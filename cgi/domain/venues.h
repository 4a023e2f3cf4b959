/* Venues: registration, the one validation of their fields, search by scope, status, the
 * poster token's version. */
#ifndef VAORA_VENUES_H
#define VAORA_VENUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapters/db.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/venue-category.h"
#include "domain/actor.h"
#include "domain/field-errors.h"
#include "domain/input-fields.h"

/* Field limits, in characters. */
#define VENUE_NAME_MAX 200
#define VENUE_ADDRESS_MAX 300
/* Venues one page lists. */
#define VENUES_PAGE 50

/* A venue's fields as sent, good or not (NULL: not sent), for a form shown back. */
struct venue_typed {
	const char *name;
	const char *category;
	const char *address;
	const char *area_code;
	const char *contact_phone;
	const char *opening_hours;
};

/* A venue's fields as submitted, read by venue_input_fields; strings borrowed from the
 * submission. */
struct venue_input {
	const char *name;
	const char *category;	/* a venue_category_names entry */
	const char *address;
	const char *area_code;
	const char *contact_phone;
	const char *opening_hours;	/* optional, "HH:MM-HH:MM" */
	struct venue_typed typed;	/* every row keeps its text as typed (INPUT_KEEP_TYPED) */
};

/* The venue's fields as the venue pages, the registration and the API declare them. */
extern const struct input_field venue_input_fields[];
extern const size_t venue_input_field_count;

struct venue {
	int64_t id;
	char name[VENUE_NAME_MAX * 4 + 1];
	enum venue_category category;
	char address[VENUE_ADDRESS_MAX * 4 + 1];
	char area_code[11];
	char area_name[201 * 4];
	char contact_phone[16];
	char opening_hours[12];
	bool active;
	bool verified;
	unsigned token_version;
	char token_issued_at[VN_DATE_SIZE];	/* Vietnam date, YYYY-MM-DD */
};

/* A new manager's account as typed on the public registration page. */
struct manager_input {
	const char *login;
	const char *display_name;
	const char *password;
	const char *repeat;
};

/* Registers a manager account and their venue together (one transaction); the venue is live
 * at once and unverified. Field errors name the form fields. */
enum db_status venues_register(struct db *db, const struct tenant *t, const struct actor *actor,
			       const struct venue_input *venue, const struct manager_input *manager,
			       struct field_errors *errors, int64_t *venue_id);
/* An officer or admin creates a venue (verified at once). */
enum db_status venues_create(struct db *db, const struct tenant *t, const struct actor *actor,
			     const struct venue_input *input, struct field_errors *errors, int64_t *id);
enum db_status venues_update(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id,
			     const struct venue_input *input, struct field_errors *errors);
enum db_status venues_get(struct db *db, const struct tenant *t, int64_t id, struct venue *out, bool *found);

enum venue_change {
	VENUE_DEACTIVATE,
	VENUE_ACTIVATE,
	VENUE_VERIFY,
	VENUE_REISSUE,		/* a new token version; old posters stop working */
};
enum db_status venues_change(struct db *db, const struct tenant *t, const struct actor *actor, int64_t id,
			     enum venue_change change);

struct venue_filter {
	const char *text;	/* part of the name, or NULL */
	const char *category;	/* or NULL */
	const char *area_code;	/* or NULL */
	const char *status;	/* "active", "inactive", or NULL for both */
	bool unverified_only;
	unsigned page;		/* from 0 */
	unsigned page_size;	/* at most VENUES_PAGE; for bulk work, larger */
};

/* The venues the actor may see (admin: all; officer: own areas; manager: own venues), by
 * name. *total counts all matches for paging. */
enum db_status venues_search(struct db *db, const struct tenant *t, const struct actor *actor,
			     const struct venue_filter *f, struct venue *out, size_t max, size_t *n, int64_t *total);

/* The live venues the actor is on the staff of (as manager or volunteer), by name, at most max:
 * the gate and proxy desks a desk page links to. */
enum db_status venues_worked_at(struct db *db, const struct tenant *t, const struct actor *actor, struct venue *out,
				size_t max, size_t *n);

#endif
