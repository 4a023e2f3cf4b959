/* The languages pages speak, and which one a request gets. */
#ifndef VAORA_LANG_H
#define VAORA_LANG_H

#include <stddef.h>

enum lang {
	LANG_VI,	/* Vietnamese, the default */
	LANG_EN,	/* English */
	LANG_COUNT,
};

extern const char *const lang_codes[];

/* Chooses from ?lang=, then the lang cookie, then Accept-Language; Vietnamese otherwise.
 * Any argument may be NULL. */
enum lang lang_choose(const char *query_lang, const char *cookie_lang, const char *accept_language);
/* The language named exactly by code ("vi", "en"), or LANG_COUNT when none. */
enum lang lang_from_code(const char *code, size_t len);

#endif
