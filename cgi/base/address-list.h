/* Lists of client addresses and CIDR blocks, as a setting names them ("127.0.0.1 ::1
 * 10.20.0.0/16"), and whether an address as nginx passes it (REMOTE_ADDR) is in one. */
#ifndef VAORA_ADDRESS_LIST_H
#define VAORA_ADDRESS_LIST_H

#include <stdbool.h>

/* Whether every space-separated entry of list is an IPv4 or IPv6 address, or one followed by
 * "/prefix" (0-32, 0-128); an empty list is valid and holds nothing. */
bool address_list_valid(const char *list);

/* Whether address is one of list's addresses or inside one of its blocks. An IPv4 address an
 * IPv6 socket shows mapped (::ffff:192.0.2.1) counts as the IPv4 address; entries that do not
 * parse hold nothing. */
bool address_list_contains(const char *list, const char *address);

#endif
