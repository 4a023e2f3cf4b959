/* The languages pages speak, and which one a request gets. */
#include "web/lang.h"

#include <string.h>
#include <strings.h>

const char *const lang_codes[] = {
	[LANG_VI] = "vi",
	[LANG_EN] = "en",
};

enum lang lang_from_code(const char *code, size_t len)
{
	for (int l = 0; l < LANG_COUNT; l++)
		if (strlen(lang_codes[l]) == len && strncasecmp(code, lang_codes[l], len) == 0)
			return (enum lang)l;
	return LANG_COUNT;
}

/* Accept-Language: the first listed language we speak, in the order given. Quality values
 * are ignored: browsers list languages in preference order already. */
static enum lang from_accept_language(const char *header)
{
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t item = strcspn(p, ",");
		size_t tag = strcspn(p, ",;-_ ");
		if (tag > item)
			tag = item;
		enum lang l = lang_from_code(p, tag);
		if (l != LANG_COUNT)
			return l;
		p += item;
	}
	return LANG_VI;
}

enum lang lang_choose(const char *query_lang, const char *cookie_lang, const char *accept_language)
{
	enum lang l;
	if (query_lang && (l = lang_from_code(query_lang, strlen(query_lang))) != LANG_COUNT)
		return l;
	if (cookie_lang && (l = lang_from_code(cookie_lang, strlen(cookie_lang))) != LANG_COUNT)
		return l;
	if (accept_language)
		return from_accept_language(accept_language);
	return LANG_VI;
}
