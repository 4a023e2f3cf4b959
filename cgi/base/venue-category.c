/* The categories of venues. */
#include "base/venue-category.h"

#include "base/names.h"

const char *const venue_category_names[] = {
	[VENUE_OFFICE] = "office",
	[VENUE_SHOP] = "shop",
	[VENUE_MARKET] = "market",
	[VENUE_HOSPITAL] = "hospital",
	[VENUE_SCHOOL] = "school",
	[VENUE_TRANSPORT] = "transport",
	[VENUE_CHECKPOINT] = "checkpoint",
	[VENUE_EVENT] = "event",
	[VENUE_RESTAURANT] = "restaurant",
	[VENUE_CAFE] = "cafe",
	[VENUE_SUPERMARKET] = "supermarket",
	[VENUE_PHARMACY] = "pharmacy",
	[VENUE_RELIGIOUS] = "religious",
	[VENUE_HOTEL] = "hotel",
	[VENUE_WORKPLACE] = "workplace",
	[VENUE_OTHER] = "other",
};

/* Typical stays: a working day at an office or a factory, a morning at school, a night at a
 * hotel, a meal at a restaurant, an instant at a checkpoint (0: the visit is the check-in). */
const unsigned venue_category_default_stay[] = {
	[VENUE_OFFICE] = 540,
	[VENUE_SHOP] = 30,
	[VENUE_MARKET] = 60,
	[VENUE_HOSPITAL] = 120,
	[VENUE_SCHOOL] = 480,
	[VENUE_TRANSPORT] = 60,
	[VENUE_CHECKPOINT] = 0,
	[VENUE_EVENT] = 180,
	[VENUE_RESTAURANT] = 60,
	[VENUE_CAFE] = 60,
	[VENUE_SUPERMARKET] = 45,
	[VENUE_PHARMACY] = 15,
	[VENUE_RELIGIOUS] = 90,
	[VENUE_HOTEL] = 720,
	[VENUE_WORKPLACE] = 540,
	[VENUE_OTHER] = 60,
};

enum venue_category venue_category_from_name(const char *name)
{
	return (enum venue_category)names_index(venue_category_names, VENUE_CATEGORY_COUNT, name);
}

enum venue_category venue_category_stored(const char *name)
{
	enum venue_category c = venue_category_from_name(name);
	return c == VENUE_CATEGORY_COUNT ? VENUE_OTHER : c;
}
