/* reasm.c - first-bytes stream reassembly with a byte bitmap. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "reasm.h"

struct vg_reasm {
	uint32_t base;
	uint32_t contig;                     /* bytes [0, contig) are present */
	uint8_t have[VG_REASM_MAX / 8];      /* bit i: byte i is present */
	uint8_t buf[VG_REASM_MAX];
};

struct vg_reasm *
vg_reasm_new(uint32_t base)
{
	struct vg_reasm *r = calloc(1, sizeof(*r));

	if (r != NULL)
		r->base = base;
	return r;
}

void
vg_reasm_free(struct vg_reasm *r)
{
	free(r);
}

static bool
bit(const struct vg_reasm *r, size_t i)
{
	return (r->have[i >> 3] >> (i & 7)) & 1;
}

size_t
vg_reasm_add(struct vg_reasm *r, uint32_t seq, const uint8_t *data, size_t len,
    unsigned *events)
{
	struct vg_cur c;
	const uint8_t *src;
	int32_t rel = (int32_t)(seq - r->base); /* RFC 9293 §3.4: modular comparison */
	size_t off, i, n;
	bool differs = false;

	vg_cur_init(&c, data, len);
	if (rel < 0) {
		/* Starts before byte 0 (a retransmitted SYN with data, or a wrapped old segment). */
		if (!vg_cur_skip(&c, (size_t)-(int64_t)rel))
			return r->contig;
		off = 0;
	} else {
		off = (size_t)rel;
	}
	if (off >= VG_REASM_MAX) {
		if (vg_cur_left(&c) > 0)
			*events |= VG_REASM_BEYOND_WINDOW;
		return r->contig;
	}
	n = vg_cur_left(&c);
	if (n > VG_REASM_MAX - off) {
		*events |= VG_REASM_BEYOND_WINDOW;
		n = VG_REASM_MAX - off;
	}
	if (!vg_cur_bytes(&c, n, &src))
		return r->contig;
	for (i = 0; i < n; i++) {
		size_t at = off + i;
		if (bit(r, at)) {
			differs |= r->buf[at] != src[i];
			continue;
		}
		r->buf[at] = src[i];
		r->have[at >> 3] |= (uint8_t)(1u << (at & 7));
	}
	if (differs)
		*events |= VG_REASM_OVERLAP_DIFFERS;
	while (r->contig < VG_REASM_MAX && bit(r, r->contig))
		r->contig++;
	return r->contig;
}

const uint8_t *
vg_reasm_data(const struct vg_reasm *r, size_t *len)
{
	*len = r->contig;
	return r->buf;
}
