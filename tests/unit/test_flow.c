/* test_flow.c - flow table: initiator, counters, FIN/RST, timeouts, LRU cap, flush order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "flow.h"

#define SEC 1000000ull

struct seen {
	unsigned n;
	uint64_t ids[64];
	enum vg_flow_end why[64];
	uint64_t pkts0[64], pkts1[64], bytes0[64];
	bool init_is_a[64];
	uint16_t sport_init[64];
};

static void
emit(void *arg, struct vg_flow *f, enum vg_flow_end why)
{
	struct seen *s = arg;

	if (s->n < 64) {
		s->ids[s->n] = f->id;
		s->why[s->n] = why;
		s->pkts0[s->n] = f->pkts[0];
		s->pkts1[s->n] = f->pkts[1];
		s->bytes0[s->n] = f->bytes[0];
		s->init_is_a[s->n] = f->init_is_a;
		s->sport_init[s->n] = f->init_is_a ? f->key.pa : f->key.pb;
	}
	s->n++;
}

static struct vg_packet
pkt(uint8_t l4, uint8_t a_last, uint16_t sp, uint8_t b_last, uint16_t dp, uint8_t flags,
    uint64_t ts, uint32_t len)
{
	struct vg_packet p;
	uint8_t a[4] = { 10, 0, 0, a_last }, b[4] = { 10, 0, 0, b_last };

	memset(&p, 0, sizeof(p));
	vg_addr_set4(&p.src, a);
	vg_addr_set4(&p.dst, b);
	p.l4 = l4;
	p.sport = sp;
	p.dport = dp;
	p.tcp_flags = flags;
	p.ts_us = ts;
	p.ip_len = len;
	return p;
}

static struct vg_flow_table *
table(struct seen *s, size_t max)
{
	struct vg_flow_config cfg;

	vg_flow_config_default(&cfg);
	cfg.max_flows = max;
	memset(s, 0, sizeof(*s));
	return vg_flow_table_new(&cfg, emit, s);
}

static void
test_initiator_and_counters(void **state)
{
	struct seen s;
	struct vg_flow_table *t = table(&s, 16);
	struct vg_packet p;
	struct vg_flow *f1, *f2;
	int dir;

	/* The client (10.0.0.9:50000) sorts after the server (10.0.0.1:443) in the key. */
	p = pkt(VG_L4_TCP, 9, 50000, 1, 443, VG_TCP_SYN, 1 * SEC, 60);
	f1 = vg_flow_packet(t, &p, &dir);
	assert_int_equal(dir, 0);
	p = pkt(VG_L4_TCP, 1, 443, 9, 50000, VG_TCP_SYN | VG_TCP_ACK, 1 * SEC + 10, 60);
	f2 = vg_flow_packet(t, &p, &dir);
	assert_ptr_equal(f1, f2);
	assert_int_equal(dir, 1);
	p = pkt(VG_L4_TCP, 9, 50000, 1, 443, VG_TCP_ACK, 2 * SEC, 52);
	vg_flow_packet(t, &p, &dir);
	assert_int_equal(dir, 0);
	vg_flow_flush(t);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.pkts0[0], 2);
	assert_int_equal(s.pkts1[0], 1);
	assert_int_equal(s.bytes0[0], 112);
	assert_int_equal(s.sport_init[0], 50000);
	assert_int_equal(s.why[0], VG_END_EOF);
	vg_flow_table_free(t);
}

static void
test_synack_first_and_late_syn(void **state)
{
	struct seen s;
	struct vg_flow_table *t = table(&s, 16);
	struct vg_packet p;
	int dir;

	/* Only the SYN-ACK was captured: the initiator is its receiver. */
	p = pkt(VG_L4_TCP, 1, 443, 9, 50000, VG_TCP_SYN | VG_TCP_ACK, SEC, 60);
	vg_flow_packet(t, &p, &dir);
	assert_int_equal(dir, 1);
	/* Data from the server arrives first, then the client's (late, reordered) SYN. */
	p = pkt(VG_L4_TCP, 2, 80, 8, 40000, VG_TCP_ACK, SEC, 100);
	vg_flow_packet(t, &p, &dir);
	assert_int_equal(dir, 0);
	p = pkt(VG_L4_TCP, 8, 40000, 2, 80, VG_TCP_SYN, SEC, 60);
	vg_flow_packet(t, &p, &dir);
	assert_int_equal(dir, 0); /* the SYN sender became the initiator, counters swapped */
	vg_flow_flush(t);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.sport_init[0], 50000);
	assert_int_equal(s.sport_init[1], 40000);
	assert_int_equal(s.pkts0[1], 1);
	assert_int_equal(s.pkts1[1], 1);
	assert_int_equal(s.bytes0[1], 60);
	vg_flow_table_free(t);
}

static void
test_fin_rst_and_timeouts(void **state)
{
	struct seen s;
	struct vg_flow_table *t = table(&s, 16);
	struct vg_packet p;
	int dir;

	p = pkt(VG_L4_TCP, 9, 50000, 1, 443, VG_TCP_FIN | VG_TCP_ACK, 10 * SEC, 52);
	vg_flow_packet(t, &p, &dir);
	p = pkt(VG_L4_TCP, 1, 443, 9, 50000, VG_TCP_FIN | VG_TCP_ACK, 10 * SEC, 52);
	vg_flow_packet(t, &p, &dir);
	p = pkt(VG_L4_TCP, 9, 50001, 1, 443, VG_TCP_RST, 10 * SEC, 40);
	vg_flow_packet(t, &p, &dir);
	p = pkt(VG_L4_UDP, 9, 5353, 1, 53, 0, 10 * SEC, 80);
	vg_flow_packet(t, &p, &dir);
	p = pkt(VG_L4_TCP, 9, 50002, 1, 443, VG_TCP_ACK, 10 * SEC, 40);
	vg_flow_packet(t, &p, &dir);

	/* Closed timeout is 10 s: at +10 s nothing, just after it both closed flows. */
	vg_flow_expire(t, 20 * SEC);
	assert_int_equal(s.n, 0);
	vg_flow_expire(t, 20 * SEC + 1);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.why[0], VG_END_CLOSED);
	assert_int_equal(s.why[1], VG_END_CLOSED);
	/* UDP idles out after 120 s, open TCP after 600 s. */
	vg_flow_expire(t, 131 * SEC);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.why[2], VG_END_TIMEOUT);
	vg_flow_expire(t, 611 * SEC);
	assert_int_equal(s.n, 4);
	vg_flow_table_free(t);
}

static void
test_port_reuse_after_close(void **state)
{
	struct seen s;
	struct vg_flow_table *t = table(&s, 16);
	struct vg_packet p;
	struct vg_flow *f;
	int dir;

	p = pkt(VG_L4_TCP, 9, 50000, 1, 443, VG_TCP_RST, SEC, 40);
	vg_flow_packet(t, &p, &dir);
	p = pkt(VG_L4_TCP, 9, 50000, 1, 443, VG_TCP_SYN, 2 * SEC, 60);
	f = vg_flow_packet(t, &p, &dir);
	assert_int_equal(s.n, 1); /* the old connection was emitted */
	assert_int_equal(f->pkts[0], 1);
	/* End of input inside a closed flow's grace period still says closed. */
	p = pkt(VG_L4_TCP, 9, 50000, 1, 443, VG_TCP_RST, 3 * SEC, 40);
	vg_flow_packet(t, &p, &dir);
	p = pkt(VG_L4_UDP, 9, 50000, 1, 443, 0, 3 * SEC, 40);
	vg_flow_packet(t, &p, &dir);
	vg_flow_flush(t);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.why[1], VG_END_CLOSED);
	assert_int_equal(s.why[2], VG_END_EOF);
	vg_flow_table_free(t);
}

static void
test_lru_cap(void **state)
{
	struct seen s;
	struct vg_flow_table *t = table(&s, 3);
	struct vg_flow_stats st;
	struct vg_packet p;
	int dir;

	for (uint16_t i = 0; i < 3; i++) {
		p = pkt(VG_L4_UDP, 9, (uint16_t)(1000 + i), 1, 53, 0, (1 + i) * SEC, 50);
		vg_flow_packet(t, &p, &dir);
	}
	/* Touch the oldest so the second becomes the least recently active. */
	p = pkt(VG_L4_UDP, 1, 53, 9, 1000, 0, 5 * SEC, 50);
	vg_flow_packet(t, &p, &dir);
	p = pkt(VG_L4_UDP, 9, 2000, 1, 53, 0, 6 * SEC, 50);
	vg_flow_packet(t, &p, &dir);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.why[0], VG_END_EVICTED);
	assert_int_equal(s.sport_init[0], 1001);
	vg_flow_stats(t, &st);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(st.active, 3);
	/* Flush emits the rest in creation order. */
	vg_flow_flush(t);
	assert_int_equal(s.n, 4);
	assert_true(s.ids[1] < s.ids[2] && s.ids[2] < s.ids[3]);
	assert_int_equal(s.sport_init[1], 1000);
	vg_flow_table_free(t);
}

static void
test_size_and_config(void **state)
{
	struct vg_flow_config cfg;

	/* The per-flow cost README and vigie(1) document (LP64); change them together. */
#if UINTPTR_MAX == UINT64_MAX
	assert_int_equal(sizeof(struct vg_flow), 184);
#endif
	vg_flow_config_default(&cfg);
	cfg.max_flows = 0;
	assert_null(vg_flow_table_new(&cfg, emit, NULL));
	cfg.max_flows = VG_FLOW_MAX_CAP + 1;
	assert_null(vg_flow_table_new(&cfg, emit, NULL));
	vg_flow_table_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initiator_and_counters),
		cmocka_unit_test(test_synack_first_and_late_syn),
		cmocka_unit_test(test_fin_rst_and_timeouts),
		cmocka_unit_test(test_port_reuse_after_close),
		cmocka_unit_test(test_lru_cap),
		cmocka_unit_test(test_size_and_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
