/* cursor.h - bounds-checked reads of untrusted bytes; the only way decoders touch packet data. */
#ifndef VG_CURSOR_H
#define VG_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * A cursor is a read position over a borrowed byte span. It never owns the
 * bytes: they must outlive the cursor. Every read checks the remaining length
 * first (written as `n > len - off`, which cannot overflow because off <= len
 * is an invariant) and on failure leaves the cursor unchanged and returns
 * false, so a caller can report precisely what was short.
 */
struct vg_cur {
	const uint8_t *buf;
	size_t len;
	size_t off;
};

static inline void
vg_cur_init(struct vg_cur *c, const void *buf, size_t len)
{
	c->buf = buf;
	c->len = buf != NULL ? len : 0;
	c->off = 0;
}

static inline size_t vg_cur_left(const struct vg_cur *c) { return c->len - c->off; }
static inline size_t vg_cur_off(const struct vg_cur *c) { return c->off; }
static inline size_t vg_cur_len(const struct vg_cur *c) { return c->len; }
static inline bool vg_cur_empty(const struct vg_cur *c) { return c->off == c->len; }

static inline bool
vg_cur_skip(struct vg_cur *c, size_t n)
{
	if (n > c->len - c->off)
		return false;
	c->off += n;
	return true;
}

/* Ends the span n bytes after the current position, when fewer than n are left nothing changes. */
static inline void
vg_cur_limit(struct vg_cur *c, size_t n)
{
	if (n < c->len - c->off)
		c->len = c->off + n;
}

/* Absolute repositioning; used by DNS name decompression, which checks direction itself. */
static inline bool
vg_cur_seek(struct vg_cur *c, size_t off)
{
	if (off > c->len)
		return false;
	c->off = off;
	return true;
}

static inline bool
vg_cur_u8(struct vg_cur *c, uint8_t *v)
{
	if (1 > c->len - c->off)
		return false;
	*v = c->buf[c->off++];
	return true;
}

static inline bool
vg_cur_u16(struct vg_cur *c, uint16_t *v)
{
	if (2 > c->len - c->off)
		return false;
	*v = (uint16_t)((unsigned)c->buf[c->off] << 8 | c->buf[c->off + 1]);
	c->off += 2;
	return true;
}

/* Little-endian 16 bits: pcap-native headers (SLL hatype is big, BSD null family is host order). */
static inline bool
vg_cur_u16le(struct vg_cur *c, uint16_t *v)
{
	if (2 > c->len - c->off)
		return false;
	*v = (uint16_t)(c->buf[c->off] | (unsigned)c->buf[c->off + 1] << 8);
	c->off += 2;
	return true;
}

static inline bool
vg_cur_u24(struct vg_cur *c, uint32_t *v)
{
	if (3 > c->len - c->off)
		return false;
	*v = (uint32_t)c->buf[c->off] << 16 | (uint32_t)c->buf[c->off + 1] << 8 |
	    c->buf[c->off + 2];
	c->off += 3;
	return true;
}

static inline bool
vg_cur_u32(struct vg_cur *c, uint32_t *v)
{
	if (4 > c->len - c->off)
		return false;
	*v = (uint32_t)c->buf[c->off] << 24 | (uint32_t)c->buf[c->off + 1] << 16 |
	    (uint32_t)c->buf[c->off + 2] << 8 | c->buf[c->off + 3];
	c->off += 4;
	return true;
}

static inline bool
vg_cur_u32le(struct vg_cur *c, uint32_t *v)
{
	if (4 > c->len - c->off)
		return false;
	*v = (uint32_t)c->buf[c->off + 3] << 24 | (uint32_t)c->buf[c->off + 2] << 16 |
	    (uint32_t)c->buf[c->off + 1] << 8 | c->buf[c->off];
	c->off += 4;
	return true;
}

/* Byte at relative position `at` from the current offset, without advancing. */
static inline bool
vg_cur_peek(const struct vg_cur *c, size_t at, uint8_t *v)
{
	if (at >= c->len - c->off)
		return false;
	*v = c->buf[c->off + at];
	return true;
}

/* Borrows a pointer to the next n bytes and advances past them. */
static inline bool
vg_cur_bytes(struct vg_cur *c, size_t n, const uint8_t **p)
{
	if (n > c->len - c->off)
		return false;
	*p = c->buf + c->off;
	c->off += n;
	return true;
}

static inline bool
vg_cur_copy(struct vg_cur *c, void *dst, size_t n)
{
	if (n > c->len - c->off)
		return false;
	if (n > 0)
		memcpy(dst, c->buf + c->off, n);
	c->off += n;
	return true;
}

/* Carves the next n bytes into `sub` (offset 0) and advances the parent past them. */
static inline bool
vg_cur_sub(struct vg_cur *c, size_t n, struct vg_cur *sub)
{
	if (n > c->len - c->off)
		return false;
	vg_cur_init(sub, c->buf + c->off, n);
	c->off += n;
	return true;
}

/* Where the next read starts; for handing the rest to another parser with vg_cur_left(). */
static inline const uint8_t *
vg_cur_here(const struct vg_cur *c)
{
	return c->buf + c->off;
}

/* The unread remainder as a new cursor; the parent is not advanced. */
static inline void
vg_cur_rest(const struct vg_cur *c, struct vg_cur *rest)
{
	vg_cur_init(rest, c->buf + c->off, c->len - c->off);
}

/* TLS-style vectors: a big-endian length of 1, 2 or 3 bytes, then that many bytes. */
static inline bool
vg_cur_vec8(struct vg_cur *c, struct vg_cur *sub)
{
	size_t save = c->off;
	uint8_t n;
	if (!vg_cur_u8(c, &n) || !vg_cur_sub(c, n, sub)) {
		c->off = save;
		return false;
	}
	return true;
}

static inline bool
vg_cur_vec16(struct vg_cur *c, struct vg_cur *sub)
{
	size_t save = c->off;
	uint16_t n;
	if (!vg_cur_u16(c, &n) || !vg_cur_sub(c, n, sub)) {
		c->off = save;
		return false;
	}
	return true;
}

static inline bool
vg_cur_vec24(struct vg_cur *c, struct vg_cur *sub)
{
	size_t save = c->off;
	uint32_t n;
	if (!vg_cur_u24(c, &n) || !vg_cur_sub(c, n, sub)) {
		c->off = save;
		return false;
	}
	return true;
}

/* QUIC variable-length integer, RFC 9000 §16: the two top bits give the length. */
static inline bool
vg_cur_varint(struct vg_cur *c, uint64_t *v)
{
	uint8_t first;
	size_t n, i;
	uint64_t x;

	if (!vg_cur_peek(c, 0, &first))
		return false;
	n = (size_t)1 << (first >> 6);
	if (n > c->len - c->off)
		return false;
	x = first & 0x3f;
	for (i = 1; i < n; i++)
		x = x << 8 | c->buf[c->off + i];
	c->off += n;
	*v = x;
	return true;
}

#endif
