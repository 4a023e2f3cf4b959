/* Address lists with CIDR blocks (address-list.h), by inet_pton: libc parses both families;
 * the matching is a masked compare of the bytes. */
#include "base/address-list.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* Longest entry: an IPv6 address with an IPv4 tail and "/128". */
#define ENTRY_MAX (INET6_ADDRSTRLEN + 4)

struct ip {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char bytes[16];	/* 4 used for AF_INET */
};

static size_t ip_len(const struct ip *ip)
{
	return ip->family == AF_INET ? 4 : 16;
}

/* text (NUL-terminated) as an address; a mapped IPv4 address as its IPv4 one. */
static bool ip_parse(const char *text, struct ip *ip)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (inet_pton(AF_INET, text, ip->bytes) == 1) {
		ip->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, ip->bytes) != 1)
		return false;
	ip->family = AF_INET6;
	if (memcmp(ip->bytes, mapped, sizeof(mapped)) == 0) {
		memmove(ip->bytes, ip->bytes + sizeof(mapped), 4);
		ip->family = AF_INET;
	}
	return true;
}

/* One entry of n bytes at p: its address and prefix length (the whole address without "/"). */
static bool entry_parse(const char *p, size_t n, struct ip *ip, unsigned *prefix)
{
	char text[ENTRY_MAX + 1];
	if (n == 0 || n > ENTRY_MAX)
		return false;
	memcpy(text, p, n);
	text[n] = '\0';
	char *slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	if (!ip_parse(text, ip))
		return false;
	*prefix = (unsigned)ip_len(ip) * 8;
	if (!slash)
		return true;
	const char *digits = slash + 1;
	if (!*digits || strspn(digits, "0123456789") != strlen(digits) || strlen(digits) > 3)
		return false;
	unsigned long bits = strtoul(digits, NULL, 10);
	if (bits > *prefix)
		return false;
	*prefix = (unsigned)bits;
	return true;
}

static bool in_block(const struct ip *block, unsigned prefix, const struct ip *ip)
{
	if (block->family != ip->family)
		return false;
	size_t whole = prefix / 8;
	if (memcmp(block->bytes, ip->bytes, whole) != 0)
		return false;
	unsigned rest = prefix % 8;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (block->bytes[whole] & mask) == (ip->bytes[whole] & mask);
}

bool address_list_valid(const char *list)
{
	struct ip ip;
	unsigned prefix;
	for (const char *p = list; *(p += strspn(p, " "));) {
		size_t n = strcspn(p, " ");
		if (!entry_parse(p, n, &ip, &prefix))
			return false;
		p += n;
	}
	return true;
}

bool address_list_contains(const char *list, const char *address)
{
	struct ip ip, block;
	unsigned prefix;
	if (!address || !ip_parse(address, &ip))
		return false;
	for (const char *p = list; *(p += strspn(p, " "));) {
		size_t n = strcspn(p, " ");
		if (entry_parse(p, n, &block, &prefix) && in_block(&block, prefix, &ip))
			return true;
		p += n;
	}
	return false;
}
