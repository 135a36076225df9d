/* reasm.h - reassembly of the first bytes of a stream (TCP payload, QUIC CRYPTO) for the parsers. */
#ifndef VG_REASM_H
#define VG_REASM_H

#include <stddef.h>
#include <stdint.h>


/*
 * Stream bytes kept from the first byte on: a 16 KiB ClientHello plus the
 * record headers around it. Data beyond is dropped (VG_REASM_BEYOND_WINDOW);
 * parsers never need more.
 */
#define VG_REASM_MAX (16 * 1024 + 1024)

/* What vg_reasm_add saw, for the caller to count under its protocol's names. */
#define VG_REASM_OVERLAP_DIFFERS 0x1 /* a byte arrived again with other content */
#define VG_REASM_BEYOND_WINDOW 0x2   /* bytes past VG_REASM_MAX were dropped */

/*
 * One stream from offset 0: a direction of a TCP connection (from the byte
 * after the SYN, or the first data byte seen when the SYN was missed) or a
 * QUIC CRYPTO stream. Pieces may arrive in any order, repeat, or overlap;
 * the first copy of a byte wins (a later copy that differs is reported, as
 * it is the signature of an evasion attempt). One allocation of about 19 KiB, made by
 * vg_reasm_new() and released by vg_reasm_free() (NULL accepted); adding
 * segments never allocates.
 */
struct vg_reasm;

/* base: sequence number of stream byte 0 (0 for offsets). NULL on allocation failure. */
struct vg_reasm *vg_reasm_new(uint32_t base);
void vg_reasm_free(struct vg_reasm *r);

/*
 * Places a piece at sequence number seq (modulo 2^32, RFC 9293 §3.4); ORs
 * VG_REASM_* flags into *events. Returns the contiguous bytes from offset 0.
 */
size_t vg_reasm_add(struct vg_reasm *r, uint32_t seq, const uint8_t *data, size_t len,
    unsigned *events);

/* The contiguous prefix; the pointer is owned by r and valid until the next add or free. */
const uint8_t *vg_reasm_data(const struct vg_reasm *r, size_t *len);

#endif
