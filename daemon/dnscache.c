/* dnscache.c - bounded IP -> hostname cache with TTL, evicting the least recently written entry. */
#include <stdlib.h>
#include <string.h>

#include "dnscache.h"
#include "hash.h"

#define DC_CAP_MAX ((size_t)1 << 22)
#define DC_NIL UINT32_MAX
#define DC_US_PER_S 1000000u

/*
 * Entries live in one pool allocated up front and are linked by index:
 * a bucket chain for lookup, and one doubly linked list ordered by write
 * time (head = newest) for eviction. Entries are handed out in pool order
 * up to a high-water mark and only released ones go on a free list threaded
 * through lru_next, so a cache that holds a few answers touches a few pages
 * of its pool, not all of it.
 */
struct dc_entry {
	struct vg_addr key;
	uint32_t hash;     /* low bits pick the bucket; kept so removal needs no rehash */
	uint32_t chain;    /* next entry in the same bucket */
	uint32_t lru_prev; /* newer neighbour */
	uint32_t lru_next; /* older neighbour, or next free entry */
	uint64_t expiry_us;
	char name[VG_HOSTNAME_MAX + 1];
};

struct vg_dnscache {
	struct dc_entry *pool;
	uint32_t *buckets;
	uint32_t cap; /* entries and buckets; a power of two */
	uint32_t head, tail, free;
	uint32_t used; /* entries [0, used) have been handed out at least once */
	uint32_t min_ttl;
	/*
	 * Addresses come from answers an attacker can send, so bucket choice
	 * uses SipHash-2-4 (hash.c) under a random per-cache key from getrandom(2)
	 * (hash.c falls back to a time and address mix if that fails): without
	 * the key nobody can aim many addresses at one chain.
	 */
	struct vg_hash_key key;
	struct vg_dnscache_stats st;
};

static uint32_t
dc_hash(const struct vg_dnscache *c, const struct vg_addr *ip)
{
	uint8_t k[17];

	/* Family first, so 1.2.3.4 and 0102:0304:: differ (addr.h pads IPv4 with zeros). */
	k[0] = ip->family;
	memcpy(k + 1, ip->b, 16);
	return (uint32_t)vg_siphash(&c->key, k, sizeof(k));
}

static void
dc_reset(struct vg_dnscache *c)
{
	/* DC_NIL is all ones, so the bucket array can be filled bytewise. */
	memset(c->buckets, 0xff, (size_t)c->cap * sizeof(*c->buckets));
	c->free = DC_NIL;
	c->used = 0;
	c->head = c->tail = DC_NIL;
	c->st.entries = 0;
}

struct vg_dnscache *
vg_dnscache_new(size_t capacity, uint32_t min_ttl)
{
	struct vg_dnscache *c;
	size_t cap = 1;

	while (cap < capacity && cap < DC_CAP_MAX)
		cap <<= 1;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->pool = calloc(cap, sizeof(*c->pool));
	c->buckets = calloc(cap, sizeof(*c->buckets));
	if (c->pool == NULL || c->buckets == NULL) {
		vg_dnscache_free(c);
		return NULL;
	}
	c->cap = (uint32_t)cap;
	c->min_ttl = min_ttl;
	vg_hash_key_random(&c->key);
	dc_reset(c);
	return c;
}

void
vg_dnscache_free(struct vg_dnscache *c)
{
	if (c == NULL)
		return;
	free(c->pool);
	free(c->buckets);
	free(c);
}

/* Drops every entry; the counters are cumulative and stay. */
void
vg_dnscache_clear(struct vg_dnscache *c)
{
	if (c != NULL)
		dc_reset(c);
}

static uint32_t
dc_find(const struct vg_dnscache *c, const struct vg_addr *ip, uint32_t hash)
{
	uint32_t i;

	for (i = c->buckets[hash & (c->cap - 1)]; i != DC_NIL; i = c->pool[i].chain)
		if (c->pool[i].hash == hash && vg_addr_eq(&c->pool[i].key, ip))
			return i;
	return DC_NIL;
}

static void
dc_lru_unlink(struct vg_dnscache *c, uint32_t i)
{
	struct dc_entry *e = &c->pool[i];

	if (e->lru_prev != DC_NIL)
		c->pool[e->lru_prev].lru_next = e->lru_next;
	else
		c->head = e->lru_next;
	if (e->lru_next != DC_NIL)
		c->pool[e->lru_next].lru_prev = e->lru_prev;
	else
		c->tail = e->lru_prev;
}

static void
dc_lru_push(struct vg_dnscache *c, uint32_t i)
{
	struct dc_entry *e = &c->pool[i];

	e->lru_prev = DC_NIL;
	e->lru_next = c->head;
	if (c->head != DC_NIL)
		c->pool[c->head].lru_prev = i;
	else
		c->tail = i;
	c->head = i;
}

/* Unlinks entry i from its bucket and the LRU list and returns it to the free list. */
static void
dc_remove(struct vg_dnscache *c, uint32_t i)
{
	uint32_t *link = &c->buckets[c->pool[i].hash & (c->cap - 1)];

	while (*link != i)
		link = &c->pool[*link].chain;
	*link = c->pool[i].chain;
	dc_lru_unlink(c, i);
	c->pool[i].lru_next = c->free;
	c->free = i;
	c->st.entries--;
}

/*
 * Expiry is an absolute packet time. Comparing now >= expiry alone keeps a
 * clock that steps back (captures merged out of order) harmless: a time
 * before the answer is simply not past its expiry.
 */
static bool
dc_expired(const struct dc_entry *e, uint64_t now_us)
{
	return now_us >= e->expiry_us;
}

void
vg_dnscache_put(struct vg_dnscache *c, const struct vg_addr *ip, const char *name,
    uint32_t ttl, uint64_t now_us)
{
	struct dc_entry *e;
	uint64_t life;
	uint32_t hash, i;
	size_t len;

	if (c == NULL || ip == NULL || name == NULL)
		return;
	len = strnlen(name, VG_HOSTNAME_MAX + 1);
	if (len == 0 || len > VG_HOSTNAME_MAX)
		return;
	hash = dc_hash(c, ip);
	if ((i = dc_find(c, ip, hash)) != DC_NIL) {
		/* A newer answer replaces the old one and counts as a fresh write. */
		dc_lru_unlink(c, i);
	} else {
		if (c->free == DC_NIL && c->used < c->cap) {
			i = c->used++;
		} else {
			if (c->free == DC_NIL) {
				/* Full: the least recently written entry makes room. */
				if (!dc_expired(&c->pool[c->tail], now_us))
					c->st.evictions++;
				dc_remove(c, c->tail);
			}
			i = c->free;
			c->free = c->pool[i].lru_next;
		}
		e = &c->pool[i];
		e->key = *ip;
		e->hash = hash;
		e->chain = c->buckets[hash & (c->cap - 1)];
		c->buckets[hash & (c->cap - 1)] = i;
		c->st.entries++;
	}
	e = &c->pool[i];
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	/* At most (2^32 - 1) * 10^6 < 2^52; only the sum needs saturating. */
	life = (uint64_t)(ttl > c->min_ttl ? ttl : c->min_ttl) * DC_US_PER_S;
	e->expiry_us = now_us > UINT64_MAX - life ? UINT64_MAX : now_us + life;
	dc_lru_push(c, i);
	c->st.inserts++; /* every stored answer, replacements included */
}

const char *
vg_dnscache_get(struct vg_dnscache *c, const struct vg_addr *ip, uint64_t now_us)
{
	uint32_t i;

	if (c == NULL || ip == NULL)
		return NULL;
	if ((i = dc_find(c, ip, dc_hash(c, ip))) == DC_NIL) {
		c->st.misses++;
		return NULL;
	}
	if (dc_expired(&c->pool[i], now_us)) {
		/* Free it now so a dead entry never costs a live one its slot. */
		dc_remove(c, i);
		c->st.misses++;
		return NULL;
	}
	c->st.hits++;
	return c->pool[i].name;
}

void
vg_dnscache_stats(const struct vg_dnscache *c, struct vg_dnscache_stats *st)
{
	if (c == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = c->st;
}
