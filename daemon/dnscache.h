/* dnscache.h - bounded IP -> hostname cache fed by DNS answers, with TTL. */
#ifndef VG_DNSCACHE_H
#define VG_DNSCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "hostname.h"

/*
 * A fixed-capacity hash of address -> name. A new answer for an address
 * replaces the old one; when full, the least recently written entry is
 * evicted. Entries expire at answer time + max(ttl, min_ttl) measured on the
 * packet clock (microseconds since the epoch), never the wall clock, so a
 * capture replays the same way every time. All memory is allocated by
 * vg_dnscache_new(); put and get never allocate.
 */
struct vg_dnscache;

struct vg_dnscache_stats {
	uint64_t inserts;
	uint64_t evictions; /* live entries pushed out by capacity */
	uint64_t hits;
	uint64_t misses;    /* includes expired entries */
	size_t entries;
};

/* capacity is capped at 1<<22 entries; NULL on allocation failure. Free with vg_dnscache_free (NULL ok). */
struct vg_dnscache *vg_dnscache_new(size_t capacity, uint32_t min_ttl);
void vg_dnscache_free(struct vg_dnscache *c);
void vg_dnscache_clear(struct vg_dnscache *c);

/* name must already be canonical (vg_hostname_canon); longer than VG_HOSTNAME_MAX is ignored. */
void vg_dnscache_put(struct vg_dnscache *c, const struct vg_addr *ip, const char *name,
    uint32_t ttl, uint64_t now_us);

/* The live name for ip, or NULL. The pointer is owned by the cache and valid until the next put, clear or free. */
const char *vg_dnscache_get(struct vg_dnscache *c, const struct vg_addr *ip, uint64_t now_us);

void vg_dnscache_stats(const struct vg_dnscache *c, struct vg_dnscache_stats *st);

#endif
