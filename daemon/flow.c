/* flow.c - flow table with keyed hashing, per-class LRU lists and a hard cap. */
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "hash.h"

struct lru {
	struct vg_flow *head, *tail; /* head: least recently active */
};

struct vg_flow_table {
	struct vg_flow_config cfg;
	vg_flow_emit_fn emit;
	void *arg;
	struct vg_hash_key hkey;
	struct vg_flow **buckets;
	size_t mask;
	struct lru lru[VG_FC__COUNT];
	struct vg_flow *last; /* flow of the previous packet: packets come in bursts */
	uint64_t next_id;
	struct vg_flow_stats st;
};

void
vg_flow_config_default(struct vg_flow_config *cfg)
{
	cfg->max_flows = 262144;
	cfg->tcp_timeout = 600;      /* long-lived API streams idle between chunks */
	cfg->tcp_closed_timeout = 10; /* late ACKs and retransmitted FINs */
	cfg->udp_timeout = 120;      /* QUIC's default idle timeout is often 30-60 s */
}

struct vg_flow_table *
vg_flow_table_new(const struct vg_flow_config *cfg, vg_flow_emit_fn emit, void *arg)
{
	struct vg_flow_table *t;
	size_t n = 1024;

	if (cfg->max_flows == 0 || cfg->max_flows > VG_FLOW_MAX_CAP)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	while (n < cfg->max_flows)
		n <<= 1;
	if ((t->buckets = calloc(n, sizeof(*t->buckets))) == NULL) {
		free(t);
		return NULL;
	}
	t->mask = n - 1;
	t->cfg = *cfg;
	t->emit = emit;
	t->arg = arg;
	vg_hash_key_random(&t->hkey);
	return t;
}

void
vg_flow_table_free(struct vg_flow_table *t)
{
	struct vg_flow *f, *next;

	if (t == NULL)
		return;
	for (int c = 0; c < VG_FC__COUNT; c++) {
		for (f = t->lru[c].head; f != NULL; f = next) {
			next = f->next;
			free(f);
		}
	}
	free(t->buckets);
	free(t);
}

static void
lru_unlink(struct lru *l, struct vg_flow *f)
{
	if (f->prev != NULL)
		f->prev->next = f->next;
	else
		l->head = f->next;
	if (f->next != NULL)
		f->next->prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = NULL;
}

static void
lru_append(struct lru *l, struct vg_flow *f)
{
	f->prev = l->tail;
	f->next = NULL;
	if (l->tail != NULL)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
}

/*
 * Hashes only the bytes that vary: 13 for IPv4 instead of the 40 of the
 * padded key, which is most of the per-packet cost of a lookup.
 */
static size_t
bucket_of(const struct vg_flow_table *t, const struct vg_flow_key *k)
{
	uint8_t b[2 * 16 + 5];
	size_t n;

	if (k->a.family == 4) {
		memcpy(b, k->a.b, 4);
		memcpy(b + 4, k->b.b, 4);
		n = 8;
	} else {
		memcpy(b, k->a.b, 16);
		memcpy(b + 16, k->b.b, 16);
		n = 32;
	}
	memcpy(b + n, &k->pa, 2);
	memcpy(b + n + 2, &k->pb, 2);
	b[n + 4] = k->proto;
	return (size_t)vg_siphash(&t->hkey, b, n + 5) & t->mask;
}

static void
remove_flow(struct vg_flow_table *t, struct vg_flow *f, enum vg_flow_end why)
{
	struct vg_flow **pp = &t->buckets[bucket_of(t, &f->key)];

	while (*pp != NULL && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp == f)
		*pp = f->hnext;
	lru_unlink(&t->lru[f->cls], f);
	if (t->last == f)
		t->last = NULL;
	t->st.active--;
	switch (why) {
	case VG_END_TIMEOUT: t->st.timed_out++; break;
	case VG_END_CLOSED: t->st.closed++; break;
	case VG_END_EVICTED: t->st.evicted++; break;
	case VG_END_EOF: break;
	}
	t->emit(t->arg, f, why);
	free(f);
}

static uint64_t
timeout_us(const struct vg_flow_table *t, int cls)
{
	uint32_t s = cls == VG_FC_TCP ? t->cfg.tcp_timeout :
	    cls == VG_FC_TCP_CLOSED ? t->cfg.tcp_closed_timeout : t->cfg.udp_timeout;
	return (uint64_t)s * 1000000u;
}

void
vg_flow_expire(struct vg_flow_table *t, uint64_t now_us)
{
	for (int c = 0; c < VG_FC__COUNT; c++) {
		uint64_t to = timeout_us(t, c);
		struct vg_flow *f;

		while ((f = t->lru[c].head) != NULL && f->ts_last + to < now_us)
			remove_flow(t, f, c == VG_FC_TCP_CLOSED ? VG_END_CLOSED : VG_END_TIMEOUT);
	}
}

/* The cap is reached: closed flows go first, then the least recently active. */
static void
evict_one(struct vg_flow_table *t)
{
	struct vg_flow *victim = t->lru[VG_FC_TCP_CLOSED].head, *f;

	if (victim == NULL) {
		for (int c = 0; c < VG_FC__COUNT; c++) {
			f = t->lru[c].head;
			if (f != NULL && (victim == NULL || f->ts_last < victim->ts_last))
				victim = f;
		}
	}
	if (victim != NULL)
		remove_flow(t, victim, VG_END_EVICTED);
}

static void
make_key(const struct vg_packet *p, struct vg_flow_key *k, bool *src_is_a)
{
	int c = vg_addr_cmp(&p->src, &p->dst);

	memset(k, 0, sizeof(*k));
	k->proto = p->l4;
	*src_is_a = c < 0 || (c == 0 && p->sport <= p->dport);
	if (*src_is_a) {
		k->a = p->src, k->pa = p->sport, k->b = p->dst, k->pb = p->dport;
	} else {
		k->a = p->dst, k->pa = p->dport, k->b = p->src, k->pb = p->sport;
	}
}

static struct vg_flow *
create(struct vg_flow_table *t, const struct vg_flow_key *k, size_t b, bool src_is_a,
    const struct vg_packet *p)
{
	struct vg_flow *f;

	if (t->st.active >= t->cfg.max_flows) {
		evict_one(t);
		b = bucket_of(t, k);
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		t->st.alloc_failed++;
		return NULL;
	}
	f->key = *k;
	f->id = t->next_id++;
	f->ts_first = f->ts_last = p->ts_us;
	/* A SYN-ACK seen first answers a SYN we missed: its receiver initiated. */
	if (p->l4 == VG_L4_TCP && (p->tcp_flags & (VG_TCP_SYN | VG_TCP_ACK)) ==
	    (VG_TCP_SYN | VG_TCP_ACK))
		f->init_is_a = !src_is_a;
	else
		f->init_is_a = src_is_a;
	f->cls = p->l4 == VG_L4_TCP ? VG_FC_TCP : VG_FC_UDP;
	f->hnext = t->buckets[b];
	t->buckets[b] = f;
	lru_append(&t->lru[f->cls], f);
	t->st.created++;
	if (++t->st.active > t->st.peak)
		t->st.peak = t->st.active;
	return f;
}

struct vg_flow *
vg_flow_packet(struct vg_flow_table *t, const struct vg_packet *p, int *dir)
{
	struct vg_flow_key k;
	struct vg_flow *f;
	bool src_is_a;
	size_t b;
	bool pure_syn = p->l4 == VG_L4_TCP &&
	    (p->tcp_flags & (VG_TCP_SYN | VG_TCP_ACK)) == VG_TCP_SYN;

	make_key(p, &k, &src_is_a);
	if (t->last != NULL && memcmp(&t->last->key, &k, sizeof(k)) == 0) {
		f = t->last;
		b = 0; /* not needed: the flow exists */
	} else {
		b = bucket_of(t, &k);
		for (f = t->buckets[b]; f != NULL; f = f->hnext)
			if (memcmp(&f->key, &k, sizeof(k)) == 0)
				break;
	}
	/* A new SYN on a finished connection reuses the 4-tuple: start a new flow. */
	if (f != NULL && pure_syn && f->cls == VG_FC_TCP_CLOSED) {
		remove_flow(t, f, VG_END_CLOSED);
		f = NULL;
		b = bucket_of(t, &k);
	}
	if (f == NULL && (f = create(t, &k, b, src_is_a, p)) == NULL)
		return NULL;
	t->last = f;
	if (pure_syn && !f->syn_seen && f->init_is_a != src_is_a && f->pkts[0] + f->pkts[1] > 0) {
		/* The first packet we saw was not the SYN: the SYN's sender is the initiator. */
		uint64_t tp = f->pkts[0], tb = f->bytes[0];
		f->pkts[0] = f->pkts[1], f->bytes[0] = f->bytes[1];
		f->pkts[1] = tp, f->bytes[1] = tb;
		f->init_is_a = src_is_a;
	}
	*dir = f->init_is_a == src_is_a ? 0 : 1;
	f->pkts[*dir]++;
	f->bytes[*dir] += p->ip_len;
	if (p->ts_us > f->ts_last)
		f->ts_last = p->ts_us;
	if (p->ts_us < f->ts_first)
		f->ts_first = p->ts_us;
	if (p->l4 == VG_L4_TCP) {
		if (p->tcp_flags & VG_TCP_SYN)
			f->syn_seen = true;
		if (p->tcp_flags & VG_TCP_FIN)
			f->fin |= (uint8_t)(1u << *dir);
		if ((p->tcp_flags & VG_TCP_RST) || f->fin == 3) {
			if (f->cls != VG_FC_TCP_CLOSED) {
				lru_unlink(&t->lru[f->cls], f);
				f->cls = VG_FC_TCP_CLOSED;
				lru_append(&t->lru[f->cls], f);
				return f;
			}
		}
	}
	if (t->lru[f->cls].tail != f) {
		lru_unlink(&t->lru[f->cls], f);
		lru_append(&t->lru[f->cls], f);
	}
	return f;
}

static int
by_id(const void *x, const void *y)
{
	const struct vg_flow *a = *(struct vg_flow *const *)x, *b = *(struct vg_flow *const *)y;

	return a->id < b->id ? -1 : a->id > b->id;
}

void
vg_flow_flush(struct vg_flow_table *t)
{
	struct vg_flow **all, *f;
	size_t n = 0, i;

	if (t->st.active == 0)
		return;
	all = malloc(t->st.active * sizeof(*all));
	if (all == NULL) {
		/* Still emit everything, in list order rather than creation order. */
		for (int c = 0; c < VG_FC__COUNT; c++)
			while ((f = t->lru[c].head) != NULL)
				remove_flow(t, f, c == VG_FC_TCP_CLOSED ? VG_END_CLOSED : VG_END_EOF);
		return;
	}
	for (int c = 0; c < VG_FC__COUNT; c++)
		for (f = t->lru[c].head; f != NULL; f = f->next)
			all[n++] = f;
	qsort(all, n, sizeof(*all), by_id);
	/* A connection that already closed ends as closed, even inside its grace period. */
	for (i = 0; i < n; i++)
		remove_flow(t, all[i], all[i]->cls == VG_FC_TCP_CLOSED ? VG_END_CLOSED : VG_END_EOF);
	free(all);
}

void
vg_flow_stats(const struct vg_flow_table *t, struct vg_flow_stats *st)
{
	*st = t->st;
}
