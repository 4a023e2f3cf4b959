/* Look-ups in the enum-indexed name tables that closed sets keep (STYLE.md). */
#ifndef VAORA_NAMES_H
#define VAORA_NAMES_H

/* The index of name in names[0..count), or count when it is absent or NULL. */
int names_index(const char *const names[], int count, const char *name);

#endif
