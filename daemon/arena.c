/* arena.c - bump allocation in blocks, all freed at once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

struct vg_arena_block {
	struct vg_arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

void *
vg_arena_alloc(struct vg_arena *a, size_t n)
{
	struct vg_arena_block *b = a->blocks;
	size_t need;
	void *p;

	if (n > SIZE_MAX - sizeof(max_align_t))
		return NULL;
	need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (b == NULL || need > b->cap - b->used) {
		size_t cap = need > VG_ARENA_BLOCK ? need : VG_ARENA_BLOCK;
		if (cap > SIZE_MAX - sizeof(*b) || (b = malloc(sizeof(*b) + cap)) == NULL)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = a->blocks;
		a->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	memset(p, 0, need);
	return p;
}

char *
vg_arena_strdup(struct vg_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = vg_arena_alloc(a, n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

void
vg_arena_free(struct vg_arena *a)
{
	struct vg_arena_block *b, *next;

	for (b = a->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->blocks = NULL;
}
