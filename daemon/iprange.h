/* iprange.h - published CIDR ranges of clouds and CDNs (the files of rules/ip-ranges). */
#ifndef VG_IPRANGE_H
#define VG_IPRANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "yamldoc.h"

#define VG_IPRANGE_FILES_MAX 64

struct vg_iprange {
	const char *provider, *service, *region, *cloud; /* region, cloud, service may be NULL */
	bool anycast;          /* announced from many places: the address says nothing about where */
	const char *file;      /* the rules file, for explain */
	unsigned line;
	const char *source, *version; /* of that file */
};

struct vg_ipranges;

/*
 * Loads every *.yaml of dir in name order. A missing dir is no error (no
 * ranges). Strict like every rules file. When two entries name the same
 * prefix the first kept wins and the rest are counted as duplicates.
 */
struct vg_ipranges *vg_ipranges_load(const char *dir, struct vg_err *err);
void vg_ipranges_free(struct vg_ipranges *r);

/* The entry of the longest prefix holding a, or NULL; *len gets its length when not NULL. */
const struct vg_iprange *vg_ipranges_lookup(const struct vg_ipranges *r, const struct vg_addr *a,
    unsigned *len);

size_t vg_ipranges_count(const struct vg_ipranges *r, size_t *files, size_t *duplicates);

#endif
