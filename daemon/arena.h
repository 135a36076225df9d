/* arena.h - bump allocation in blocks, all freed at once: for documents and what is loaded from them. */
#ifndef VG_ARENA_H
#define VG_ARENA_H

#include <stddef.h>

#define VG_ARENA_BLOCK (64 * 1024) /* bytes of a block; larger requests get their own */

struct vg_arena_block;

/* Zero-initialise; owns every block it hands memory from. */
struct vg_arena {
	struct vg_arena_block *blocks;
};

/*
 * n zeroed bytes aligned for any type, valid until vg_arena_free(); NULL
 * when out of memory. Never frees anything on its own.
 */
void *vg_arena_alloc(struct vg_arena *a, size_t n);
/* A copy of s in the arena, or NULL. */
char *vg_arena_strdup(struct vg_arena *a, const char *s);
/* Frees every block; the arena is empty and usable again. */
void vg_arena_free(struct vg_arena *a);

#endif
