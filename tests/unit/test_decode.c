/* test_decode.c - link, IP, transport and tunnel decoding on hand-built frames. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <pcap/dlt.h>

#include "decode.h"
#include "frames.h"

struct res {
	enum vg_decode_rc rc;
	struct vg_packet p;
	struct vg_decode_stats st;
	struct vg_anomalies an;
};

static void
run(int dlt, const struct fb *f, struct res *r)
{
	memset(r, 0, sizeof(*r));
	r->rc = vg_decode(dlt, f->b, f->n, f->n, &r->p, &r->st, &r->an);
}

static void
assert_tcp_a_to_b(const struct res *r, const char *payload)
{
	assert_int_equal(r->rc, VG_DECODE_OK);
	assert_int_equal(r->p.l4, VG_L4_TCP);
	assert_int_equal(r->p.src.family, 4);
	assert_memory_equal(r->p.src.b, ip_a, 4);
	assert_memory_equal(r->p.dst.b, ip_b, 4);
	assert_int_equal(r->p.sport, 40000);
	assert_int_equal(r->p.dport, 443);
	assert_int_equal(r->p.payload_len, strlen(payload));
	assert_memory_equal(r->p.payload, payload, strlen(payload));
}

static void
test_ethernet_ipv4_tcp(void **state)
{
	struct fb f = { .n = 0 };
	struct res r;

	eth(&f, 0x0800);
	ipv4(&f, 6, 20 + 5, NULL, 0, 0x4000 /* DF */);
	tcp(&f, 40000, 443, 1000, 0x18, "hello");
	zero(&f, 6); /* Ethernet padding after the IP datagram is not payload */
	run(DLT_EN10MB, &f, &r);
	assert_tcp_a_to_b(&r, "hello");
	assert_int_equal(r.p.seq, 1000);
	assert_int_equal(r.p.tcp_flags, 0x18);
	assert_int_equal(r.p.ip_len, 45);
	assert_false(r.p.fragment);
	assert_int_equal(r.st.ipv4, 1);
	assert_int_equal(r.st.tcp, 1);
}

static void
test_ipv4_options(void **state)
{
	/* NOP, NOP, then a 4-byte router alert (RFC 2113) and 4 bytes of EOL padding. */
	static const uint8_t good[] = { 1, 1, 0x94, 4, 0, 0, 0, 0 };
	/* An option whose length runs past the header. */
	static const uint8_t bad_len[] = { 0x94, 9, 0, 0 };
	static const uint8_t len_one[] = { 0x83, 1, 0, 0 };
	struct fb f = { .n = 0 };
	struct res r;

	eth(&f, 0x0800);
	ipv4(&f, 6, 20 + 2, good, sizeof(good), 0);
	tcp(&f, 40000, 443, 1, 0x18, "hi");
	run(DLT_EN10MB, &f, &r);
	assert_tcp_a_to_b(&r, "hi");

	f.n = 0;
	eth(&f, 0x0800);
	ipv4(&f, 6, 20 + 2, bad_len, sizeof(bad_len), 0);
	tcp(&f, 40000, 443, 1, 0x18, "hi");
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.rc, VG_DECODE_BAD);
	assert_int_equal(r.an.n[VG_AN_IPV4_BAD_OPTIONS], 1);

	f.n = 0;
	eth(&f, 0x0800);
	ipv4(&f, 6, 20 + 2, len_one, sizeof(len_one), 0);
	tcp(&f, 40000, 443, 1, 0x18, "hi");
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.an.n[VG_AN_IPV4_BAD_OPTIONS], 1);
}

static void
test_vlan_qinq(void **state)
{
	struct fb f = { .n = 0 };
	struct res r;

	zero(&f, 12);
	u16(&f, 0x88a8); /* 802.1ad outer tag */
	u16(&f, 100);
	u16(&f, 0x8100); /* 802.1Q inner tag */
	u16(&f, 200);
	u16(&f, 0x0800);
	ipv4(&f, 6, 20 + 3, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "abc");
	run(DLT_EN10MB, &f, &r);
	assert_tcp_a_to_b(&r, "abc");

	/* Five tags: one more than VG_VLAN_MAX. */
	f.n = 0;
	zero(&f, 12);
	for (int i = 0; i < 5; i++) {
		u16(&f, 0x8100);
		u16(&f, (uint16_t)i);
	}
	u16(&f, 0x0800);
	ipv4(&f, 6, 20, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "");
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.rc, VG_DECODE_BAD);
	assert_int_equal(r.an.n[VG_AN_LINK_VLAN_TOO_DEEP], 1);
}

static void
test_sll_sll2_raw_null(void **state)
{
	struct fb f = { .n = 0 };
	struct res r;

	/* SLL: packet type, ARPHRD, address length, 8 address bytes, protocol. */
	u16(&f, 4);
	u16(&f, 1);
	u16(&f, 6);
	zero(&f, 8);
	u16(&f, 0x0800);
	ipv4(&f, 6, 20 + 2, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "s1");
	run(DLT_LINUX_SLL, &f, &r);
	assert_tcp_a_to_b(&r, "s1");

	/* SLL2: protocol, reserved, ifindex, ARPHRD, packet type, address length, address. */
	f.n = 0;
	u16(&f, 0x0800);
	u16(&f, 0);
	u32(&f, 2);
	u16(&f, 1);
	u8(&f, 4);
	u8(&f, 6);
	zero(&f, 8);
	ipv4(&f, 6, 20 + 2, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "s2");
	run(276, &f, &r);
	assert_tcp_a_to_b(&r, "s2");

	f.n = 0;
	ipv4(&f, 6, 20 + 3, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "raw");
	run(DLT_RAW, &f, &r);
	assert_tcp_a_to_b(&r, "raw");
	run(228 /* DLT_IPV4 */, &f, &r);
	assert_tcp_a_to_b(&r, "raw");

	/* BSD loopback: AF_INET (2) in little-endian, as written on x86. */
	f.n = 0;
	u8(&f, 2);
	zero(&f, 3);
	ipv4(&f, 6, 20 + 3, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "nul");
	run(DLT_NULL, &f, &r);
	assert_tcp_a_to_b(&r, "nul");
	/* The same family written by a big-endian host. */
	f.b[0] = 0;
	f.b[3] = 2;
	run(DLT_NULL, &f, &r);
	assert_tcp_a_to_b(&r, "nul");
	/* DLT_LOOP is always network order. */
	run(DLT_LOOP, &f, &r);
	assert_tcp_a_to_b(&r, "nul");
	f.b[3] = 99;
	run(DLT_NULL, &f, &r);
	assert_int_equal(r.an.n[VG_AN_LINK_BAD_FAMILY], 1);
}

static void
test_ipv6_ext_chain(void **state)
{
	struct fb f = { .n = 0 };
	struct res r;

	eth(&f, 0x86dd);
	/* hop-by-hop (8) -> destination options (16) -> UDP */
	ipv6(&f, 0, 8 + 16 + 8 + 4);
	u8(&f, 60);
	u8(&f, 0);
	zero(&f, 6);
	u8(&f, 17);
	u8(&f, 1);
	zero(&f, 14);
	udp(&f, 5000, 53, 4);
	put(&f, "dnsq", 4);
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.rc, VG_DECODE_OK);
	assert_int_equal(r.p.l4, VG_L4_UDP);
	assert_int_equal(r.p.src.family, 6);
	assert_memory_equal(r.p.dst.b, ip6_b, 16);
	assert_int_equal(r.p.dport, 53);
	assert_int_equal(r.p.payload_len, 4);
	assert_int_equal(r.p.ip_len, 40 + 36);

	/* Nine hop-by-hop headers chained: one more than VG_IPV6_EXT_MAX. */
	f.n = 0;
	eth(&f, 0x86dd);
	ipv6(&f, 0, 9 * 8);
	for (int i = 0; i < 9; i++) {
		u8(&f, i < 8 ? 0 : 59);
		u8(&f, 0);
		zero(&f, 6);
	}
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.rc, VG_DECODE_BAD);
	assert_int_equal(r.an.n[VG_AN_IPV6_EXT_TOO_MANY], 1);

	/* An extension header whose length runs past the payload. */
	f.n = 0;
	eth(&f, 0x86dd);
	ipv6(&f, 60, 8);
	u8(&f, 17);
	u8(&f, 3);
	zero(&f, 6);
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.an.n[VG_AN_IPV6_EXT_TRUNCATED], 1);
}

static void
test_fragments(void **state)
{
	struct fb f = { .n = 0 };
	struct res r;

	/* First fragment (MF, offset 0): ports are there, counted as a fragment. */
	eth(&f, 0x0800);
	ipv4(&f, 6, 20 + 4, NULL, 0, 0x2000);
	tcp(&f, 40000, 443, 1, 0x18, "frag");
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.rc, VG_DECODE_OK);
	assert_true(r.p.fragment);
	assert_int_equal(r.p.l4, VG_L4_TCP);
	assert_int_equal(r.st.fragments, 1);

	/* Later fragment: no transport header, so no flow. */
	f.n = 0;
	eth(&f, 0x0800);
	ipv4(&f, 6, 8, NULL, 0, 0x0003);
	zero(&f, 8);
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.rc, VG_DECODE_OK);
	assert_true(r.p.fragment);
	assert_int_equal(r.p.l4, VG_L4_OTHER);
	assert_int_equal(r.p.sport, 0);

	/* IPv6 fragment header with a non-zero offset. */
	f.n = 0;
	eth(&f, 0x86dd);
	ipv6(&f, 44, 8 + 8);
	u8(&f, 17);
	u8(&f, 0);
	u16(&f, 0x0008 << 3);
	u32(&f, 7);
	zero(&f, 8);
	run(DLT_EN10MB, &f, &r);
	assert_true(r.p.fragment);
	assert_int_equal(r.p.l4, VG_L4_OTHER);
}

static void
test_tunnels(void **state)
{
	struct fb f = { .n = 0 };
	struct res r;

	/* IPv4-in-IPv4 (RFC 2003). */
	eth(&f, 0x0800);
	ipv4(&f, 4, 20 + 20 + 2, NULL, 0, 0);
	ipv4(&f, 6, 20 + 2, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "ii");
	run(DLT_EN10MB, &f, &r);
	assert_tcp_a_to_b(&r, "ii");
	assert_int_equal(r.p.tunnels, 1);

	/* GRE with a key (RFC 2890) carrying IPv4. */
	f.n = 0;
	eth(&f, 0x0800);
	ipv4(&f, 47, 8 + 20 + 20 + 3, NULL, 0, 0);
	u16(&f, 0x2000);
	u16(&f, 0x0800);
	u32(&f, 42);
	ipv4(&f, 6, 20 + 3, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "gre");
	run(DLT_EN10MB, &f, &r);
	assert_tcp_a_to_b(&r, "gre");

	/* GRE version 2 does not exist. */
	f.n = 0;
	eth(&f, 0x0800);
	ipv4(&f, 47, 4, NULL, 0, 0);
	u16(&f, 0x0002);
	u16(&f, 0x0800);
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.an.n[VG_AN_GRE_UNSUPPORTED], 1);

	/* VXLAN (RFC 7348) to an inner Ethernet frame. */
	f.n = 0;
	eth(&f, 0x0800);
	ipv4(&f, 17, 8 + 8 + 14 + 20 + 20 + 2, NULL, 0, 0);
	udp(&f, 51000, 4789, 8 + 14 + 20 + 20 + 2);
	u8(&f, 0x08);
	zero(&f, 3);
	u32(&f, 0x00123400);
	eth(&f, 0x0800);
	ipv4(&f, 6, 20 + 2, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "vx");
	run(DLT_EN10MB, &f, &r);
	assert_tcp_a_to_b(&r, "vx");

	/* Something on the VXLAN port that is not VXLAN stays plain UDP. */
	f.n = 0;
	eth(&f, 0x0800);
	ipv4(&f, 17, 8 + 4, NULL, 0, 0);
	udp(&f, 51000, 4789, 4);
	put(&f, "nope", 4);
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.rc, VG_DECODE_OK);
	assert_int_equal(r.p.l4, VG_L4_UDP);
	assert_int_equal(r.p.payload_len, 4);
	assert_int_equal(r.p.tunnels, 0);

	/* Four nested IP-in-IP layers: the fourth is beyond VG_TUNNEL_MAX and stays opaque. */
	f.n = 0;
	for (int i = 0; i < 4; i++)
		ipv4(&f, 4, (size_t)(3 - i) * 20 + 20 + 20, NULL, 0, 0);
	ipv4(&f, 6, 20, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "");
	run(DLT_RAW, &f, &r);
	assert_int_equal(r.an.n[VG_AN_TUNNEL_TOO_DEEP], 1);
	assert_int_equal(r.p.l4, 4);
}

static void
test_malformed_headers(void **state)
{
	struct fb f = { .n = 0 };
	struct res r;

	eth(&f, 0x0800);
	ipv4(&f, 6, 20, NULL, 0, 0);
	tcp(&f, 40000, 443, 1, 0x18, "");
	f.b[14] = 0x55; /* version 5 */
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.an.n[VG_AN_IPV4_BAD_VERSION], 1);
	f.b[14] = 0x44; /* IHL 4: shorter than the fixed header */
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.an.n[VG_AN_IPV4_BAD_HLEN], 1);
	f.b[14] = 0x45;
	f.b[16] = 0x01; /* total length 256+40 beyond the frame, and not cut by snaplen */
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.an.n[VG_AN_IPV4_BAD_TOTAL_LEN], 1);
	/* The same frame cut by snaplen is fine: the IP header describes the wire. */
	memset(&r, 0, sizeof(r));
	r.rc = vg_decode(DLT_EN10MB, f.b, f.n, f.n + 256, &r.p, &r.st, &r.an);
	assert_int_equal(r.rc, VG_DECODE_OK);
	f.b[16] = 0x00;
	f.b[14 + 20 + 12] = 0x40; /* TCP data offset 4 words */
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.an.n[VG_AN_TCP_BAD_OFFSET], 1);

	f.n = 0;
	eth(&f, 0x0800);
	ipv4(&f, 17, 8 + 2, NULL, 0, 0);
	udp(&f, 1, 2, 2);
	put(&f, "xy", 2);
	f.b[14 + 20 + 5] = 30; /* UDP length larger than the IP payload */
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.an.n[VG_AN_UDP_BAD_LENGTH], 1);

	run(12345, &f, &r);
	assert_int_equal(r.an.n[VG_AN_LINK_UNSUPPORTED], 1);
	assert_false(vg_decode_linktype_supported(12345));

	f.n = 0;
	eth(&f, 0x0806); /* ARP */
	zero(&f, 28);
	run(DLT_EN10MB, &f, &r);
	assert_int_equal(r.rc, VG_DECODE_NOT_IP);
	assert_int_equal(r.st.not_ip, 1);
}

/* Every prefix of a valid tunnelled frame decodes or fails cleanly, never reads past its end. */
static void
test_every_truncation(void **state)
{
	struct fb f = { .n = 0 };
	struct res r;

	eth(&f, 0x8100);
	u16(&f, 7);
	u16(&f, 0x0800);
	ipv4(&f, 47, 4 + 40 + 20 + 4, NULL, 0, 0);
	u16(&f, 0x0000);
	u16(&f, 0x86dd);
	ipv6(&f, 6, 20 + 4);
	tcp(&f, 40000, 443, 9, 0x18, "data");
	for (size_t n = 0; n <= f.n; n++) {
		memset(&r, 0, sizeof(r));
		/* Give the decoder an exact-size copy so ASan sees any overread. */
		uint8_t *copy = test_malloc(n + 1);
		memcpy(copy, f.b, n);
		r.rc = vg_decode(DLT_EN10MB, copy, n, n, &r.p, &r.st, &r.an);
		if (n < f.n)
			assert_int_equal(r.rc, VG_DECODE_BAD);
		else
			assert_int_equal(r.rc, VG_DECODE_OK);
		test_free(copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet_ipv4_tcp),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_vlan_qinq),
		cmocka_unit_test(test_sll_sll2_raw_null),
		cmocka_unit_test(test_ipv6_ext_chain),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_tunnels),
		cmocka_unit_test(test_malformed_headers),
		cmocka_unit_test(test_every_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
