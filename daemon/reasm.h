/* reasm.h - reassembly of the first bytes of a TCP stream for the application parsers. */
#ifndef VG_REASM_H
#define VG_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"

/*
 * Stream bytes kept from the first byte on: a 16 KiB ClientHello plus the
 * record headers around it. Data beyond is dropped (tcp.reasm_beyond_window);
 * parsers never need more.
 */
#define VG_REASM_MAX (16 * 1024 + 1024)

/*
 * One direction of one TCP connection, from stream offset 0 (the byte after
 * the SYN, or the first data byte seen when the SYN was missed). Segments
 * may arrive in any order, repeat, or overlap; the first copy of a byte wins
 * (a later copy that differs is counted as tcp.reasm_overlap_differs, the
 * signature of an evasion attempt). One allocation of about 19 KiB, made by
 * vg_reasm_new() and released by vg_reasm_free() (NULL accepted); adding
 * segments never allocates.
 */
struct vg_reasm;

/* base: sequence number of stream byte 0. NULL on allocation failure. */
struct vg_reasm *vg_reasm_new(uint32_t base);
void vg_reasm_free(struct vg_reasm *r);

/* Places a segment; returns the number of contiguous bytes from offset 0 after it. */
size_t vg_reasm_add(struct vg_reasm *r, uint32_t seq, const uint8_t *data, size_t len,
    struct vg_anomalies *an);

/* The contiguous prefix; the pointer is owned by r and valid until the next add or free. */
const uint8_t *vg_reasm_data(const struct vg_reasm *r, size_t *len);

#endif
