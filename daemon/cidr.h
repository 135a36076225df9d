/* cidr.h - longest-prefix match over IPv4 and IPv6 prefixes (a path-compressed radix tree). */
#ifndef VG_CIDR_H
#define VG_CIDR_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

#define VG_CIDR_MAX (1u << 22) /* prefixes per tree */

struct vg_cidr;

/* NULL on allocation failure; free with vg_cidr_free (NULL ok). Values are borrowed, never freed. */
struct vg_cidr *vg_cidr_new(void);
void vg_cidr_free(struct vg_cidr *t);

/*
 * Parses "192.0.2.0/24" or "2001:db8::/32" (RFC 4632 §3.1, RFC 4291 §2.3).
 * Host bits must be zero. False when the text is not such a prefix.
 */
bool vg_cidr_parse(const char *text, struct vg_addr *a, unsigned *len);

/*
 * Adds a prefix. When the same prefix is already present its value is
 * kept and *old (if not NULL) receives it; returns false then, and on
 * allocation failure or when the tree is full (*old NULL).
 */
bool vg_cidr_insert(struct vg_cidr *t, const struct vg_addr *a, unsigned len, const void *value,
    const void **old);

/* The value of the longest prefix holding a, or NULL; *len gets that prefix's length. */
const void *vg_cidr_lookup(const struct vg_cidr *t, const struct vg_addr *a, unsigned *len);

size_t vg_cidr_count(const struct vg_cidr *t);

#endif
