/*
 * Counting by key (tally.h): an open-addressing hash of strings, so a trail
 * of millions of calls costs one lookup each, and a sort for the report.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct group {
	char *key;
	unsigned long count;
	unsigned line;
};

struct tally {
	struct group *groups;	/* in insertion order, then sorted */
	size_t n, cap;
	size_t *slots;		/* index + 1 into groups; 0: empty */
	size_t nr_slots;	/* a power of two, at least twice n */
};

static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

struct tally *tally_new(void)
{
	return calloc(1, sizeof(struct tally));
}

void tally_free(struct tally *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->groups[i].key);
	free(t->groups);
	free(t->slots);
	free(t);
}

static int grow(struct tally *t)
{
	size_t nr = t->nr_slots ? t->nr_slots * 2 : 64;
	size_t *slots = calloc(nr, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		size_t s = hash(t->groups[i].key) & (nr - 1);

		while (slots[s])
			s = (s + 1) & (nr - 1);
		slots[s] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nr_slots = nr;
	return 0;
}

int tally_add(struct tally *t, const char *key, unsigned line)
{
	size_t s;

	if (2 * (t->n + 1) > t->nr_slots && grow(t))
		return -ENOMEM;
	for (s = hash(key) & (t->nr_slots - 1); t->slots[s]; s = (s + 1) & (t->nr_slots - 1)) {
		struct group *g = &t->groups[t->slots[s] - 1];

		if (!strcmp(g->key, key)) {
			g->count++;
			return 0;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct group *g = realloc(t->groups, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		t->groups = g;
		t->cap = cap;
	}
	t->groups[t->n] = (struct group){ .key = strdup(key), .count = 1, .line = line };
	if (!t->groups[t->n].key)
		return -ENOMEM;
	t->slots[s] = ++t->n;
	return 0;
}

size_t tally_len(const struct tally *t)
{
	return t->n;
}

const char *tally_key(const struct tally *t, size_t i)
{
	return t->groups[i].key;
}

unsigned long tally_count(const struct tally *t, size_t i)
{
	return t->groups[i].count;
}

unsigned tally_line(const struct tally *t, size_t i)
{
	return t->groups[i].line;
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->key, ((const struct group *)b)->key);
}

/* The hash is rebuilt by the next tally_add(), if any. */
void tally_sort(struct tally *t)
{
	qsort(t->groups, t->n, sizeof(*t->groups), cmp_group);
	free(t->slots);
	t->slots = NULL;
	t->nr_slots = 0;
}
