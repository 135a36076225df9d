/* canon.h - the canonical JSON the audit chain hashes (RFC 8785, for the values vigie records). */
#ifndef VG_CANON_H
#define VG_CANON_H

#include <stddef.h>

#include <jansson.h>

#include "yamldoc.h"

#define VG_CANON_DEPTH_MAX 32
#define VG_CANON_LEN_MAX (1u << 20) /* one event's JSON */
/* Integers beyond 2^53 have no exact IEEE 754 double, so RFC 8785 cannot express them. */
#define VG_CANON_INT_MAX 9007199254740991LL

/* A growable byte buffer; the owner frees p. */
struct vg_buf {
	char *p;
	size_t len, cap;
};

/*
 * Appends v serialized per RFC 8785 (JSON Canonicalization Scheme): object
 * members sorted by the UTF-16 code units of their names, no white space,
 * strings escaped as ECMAScript's JSON.stringify does. Only the subset vigie
 * records is accepted: objects, arrays, strings, true, false, null and
 * integers within +-(2^53 - 1); a real number, a deeper nesting or a result
 * over VG_CANON_LEN_MAX is an error. out->p is NUL-terminated on success.
 * Returns 0 or -1 with err set; out may hold a partial result on error.
 */
int vg_canon_json(const json_t *v, struct vg_buf *out, struct vg_err *err);

/* Appends n bytes; -1 when out of memory or past VG_CANON_LEN_MAX. */
int vg_buf_add(struct vg_buf *b, const void *p, size_t n);
void vg_buf_free(struct vg_buf *b);

#endif
