/* The categories of venues. */
#include "base/venue-category.h"

#include "base/names.h"

const char *const venue_category_names[] = {
	[VENUE_OFFICE] = "office",		/* VENUE_OFFICE */
	[VENUE_SHOP] = "shop",			/* VENUE_SHOP */
	[VENUE_MARKET] = "market",		/* VENUE_MARKET */
	[VENUE_HOSPITAL] = "hospital",		/* VENUE_HOSPITAL */
	[VENUE_SCHOOL] = "school",		/* VENUE_SCHOOL */
	[VENUE_TRANSPORT] = "transport",	/* VENUE_TRANSPORT */
	[VENUE_CHECKPOINT] = "checkpoint",	/* VENUE_CHECKPOINT */
	[VENUE_EVENT] = "event",		/* VENUE_EVENT */
	[VENUE_OTHER] = "other",		/* VENUE_OTHER */
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
