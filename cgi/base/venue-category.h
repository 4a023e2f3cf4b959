/* The categories of venues. They live below the domain because the configuration names them
 * (stay_minutes.CATEGORY) and rejects unknown ones at load. */
#ifndef VAORA_VENUE_CATEGORY_H
#define VAORA_VENUE_CATEGORY_H

enum venue_category {
	VENUE_OFFICE,
	VENUE_SHOP,
	VENUE_MARKET,
	VENUE_HOSPITAL,
	VENUE_SCHOOL,
	VENUE_TRANSPORT,
	VENUE_CHECKPOINT,
	VENUE_EVENT,
	VENUE_RESTAURANT,
	VENUE_CAFE,
	VENUE_SUPERMARKET,
	VENUE_PHARMACY,
	VENUE_RELIGIOUS,
	VENUE_HOTEL,
	VENUE_WORKPLACE,
	VENUE_OTHER,
	VENUE_CATEGORY_COUNT,
};

extern const char *const venue_category_names[];
/* Each category's stay in minutes when vaora.conf names none (stay_minutes.CATEGORY). */
extern const unsigned venue_category_default_stay[];

/* The category called name, or VENUE_CATEGORY_COUNT when there is none (or name is NULL). */
enum venue_category venue_category_from_name(const char *name);
/* The category of a stored row: one this build does not know (a newer writer's) is "other". */
enum venue_category venue_category_stored(const char *name);

#endif
