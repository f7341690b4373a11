/* Counting by key: how many calls fell into each group of a report. */
#ifndef VMM_POLICY_TALLY_H
#define VMM_POLICY_TALLY_H

#include <stddef.h>

struct tally;

struct tally *tally_new(void);
void tally_free(struct tally *t);
/* Count one more under key (copied); line: where it was first seen.
 * 0, or -ENOMEM. */
int tally_add(struct tally *t, const char *key, unsigned line);
size_t tally_len(const struct tally *t);
/* The i-th group in key order (call tally_sort() first). */
const char *tally_key(const struct tally *t, size_t i);
unsigned long tally_count(const struct tally *t, size_t i);
unsigned tally_line(const struct tally *t, size_t i);
void tally_sort(struct tally *t);

#endif
