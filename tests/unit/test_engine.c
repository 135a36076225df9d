/* test_engine.c - the packet path end to end: DNS naming, split ClientHello, HTTP, records. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <pcap/dlt.h>

#include "engine.h"
#include "frames.h"

#define SEC 1000000ull

static const uint8_t client[4] = { 10, 1, 1, 1 }, resolver[4] = { 10, 1, 1, 53 };
static const uint8_t edge[4] = { 203, 0, 113, 5 }, web[4] = { 192, 0, 2, 80 };

struct rec {
	char hostname[256];
	int source;
	int app;
	uint16_t sport, dport;
	uint64_t pkts_out, pkts_in;
	unsigned n_dns;
	char alpn0[40];
	char method[20];
};

struct got {
	unsigned n;
	struct rec r[16];
};

static void
collect(void *arg, const struct vg_flow_record *r)
{
	struct got *g = arg;
	struct rec *x;

	if (g->n == 16)
		return;
	x = &g->r[g->n++];
	memset(x, 0, sizeof(*x));
	if (r->hostname != NULL)
		strcpy(x->hostname, r->hostname);
	x->source = r->hostname_source;
	x->app = r->app;
	x->sport = r->src_port;
	x->dport = r->dst_port;
	x->pkts_out = r->pkts_out;
	x->pkts_in = r->pkts_in;
	x->n_dns = r->dns != NULL ? r->dns->n : 0;
	if (r->hello != NULL && r->hello->n_alpn > 0)
		strcpy(x->alpn0, r->hello->alpn[0]);
	if (r->http_method != NULL)
		strcpy(x->method, r->http_method);
}

static const struct rec *
by_sport(const struct got *g, uint16_t sport)
{
	static const struct rec none;

	for (unsigned i = 0; i < g->n; i++)
		if (g->r[i].sport == sport)
			return &g->r[i];
	fail_msg("no record from source port %u", sport);
	return &none;
}

static void
inject(struct vg_engine *e, const struct fb *f, uint64_t ts)
{
	vg_engine_packet(e, DLT_EN10MB, ts, f->b, f->n, f->n);
}

static void
tcp_seg(struct vg_engine *e, const uint8_t *src, const uint8_t *dst, uint16_t sp, uint16_t dp,
    uint32_t seq, uint8_t flags, const uint8_t *data, size_t len, uint64_t ts)
{
	struct fb f = { .n = 0 };

	eth(&f, 0x0800);
	ipv4x(&f, 6, 20 + len, NULL, 0, 0, src, dst);
	tcp(&f, sp, dp, seq, flags, "");
	put(&f, data, len);
	inject(e, &f, ts);
}

static void
name(struct fb *f, const char *dotted)
{
	const char *p = dotted, *dot;

	while (*p != '\0') {
		dot = strchr(p, '.');
		size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		u8(f, (uint8_t)n);
		put(f, p, n);
		p += n + (dot != NULL);
	}
	u8(f, 0);
}

/* A response for api.example.com: CNAME edge.example.net, which has A 203.0.113.5 (TTL 300). */
static void
dns_exchange(struct vg_engine *e, uint64_t ts)
{
	struct fb m = { .n = 0 }, f = { .n = 0 };

	u16(&m, 0x4242);
	u16(&m, 0x0100); /* query, RD */
	u16(&m, 1), u16(&m, 0), u16(&m, 0), u16(&m, 0);
	name(&m, "api.example.com");
	u16(&m, 1), u16(&m, 1);
	eth(&f, 0x0800);
	ipv4x(&f, 17, 8 + m.n, NULL, 0, 0, client, resolver);
	udp(&f, 5000, 53, m.n);
	put(&f, m.b, m.n);
	inject(e, &f, ts);

	m.b[2] = 0x81, m.b[3] = 0x80; /* response, RD, RA */
	m.b[7] = 2;                    /* two answers */
	u16(&m, 0xc00c);               /* api.example.com */
	u16(&m, 5), u16(&m, 1), u32(&m, 300);
	u16(&m, 18);
	size_t target = m.n;
	name(&m, "edge.example.net");
	u16(&m, (uint16_t)(0xc000 | target));
	u16(&m, 1), u16(&m, 1), u32(&m, 300);
	u16(&m, 4);
	put(&m, edge, 4);
	f.n = 0;
	eth(&f, 0x0800);
	ipv4x(&f, 17, 8 + m.n, NULL, 0, 0, resolver, client);
	udp(&f, 53, 5000, m.n);
	put(&f, m.b, m.n);
	inject(e, &f, ts + 1000);
}

/* A TLS 1.2-style ClientHello record with server_name and ALPN "h2". */
static size_t
client_hello(uint8_t *out, const char *sni)
{
	struct fb h = { .n = 0 }, x = { .n = 0 }, r = { .n = 0 };
	size_t sl = strlen(sni);

	u16(&x, 0);                          /* server_name */
	u16(&x, (uint16_t)(sl + 5));
	u16(&x, (uint16_t)(sl + 3));
	u8(&x, 0);
	u16(&x, (uint16_t)sl);
	put(&x, sni, sl);
	u16(&x, 16);                         /* ALPN */
	u16(&x, 5);
	u16(&x, 3);
	u8(&x, 2);
	put(&x, "h2", 2);
	u16(&h, 0x0303);
	zero(&h, 32);
	u8(&h, 0);                           /* session id */
	u16(&h, 2), u16(&h, 0x1301);         /* one cipher suite */
	u8(&h, 1), u8(&h, 0);                /* null compression */
	u16(&h, (uint16_t)x.n);
	put(&h, x.b, x.n);
	u8(&r, 22), u16(&r, 0x0301), u16(&r, (uint16_t)(h.n + 4));
	u8(&r, 1), u8(&r, 0), u16(&r, (uint16_t)h.n);
	put(&r, h.b, h.n);
	memcpy(out, r.b, r.n);
	return r.n;
}

static void
test_dns_names_later_flow(void **state)
{
	struct vg_engine_config cfg;
	struct vg_engine_stats st;
	struct got g = { 0 };
	struct vg_engine *e;
	const struct rec *r;

	vg_engine_config_default(&cfg);
	e = vg_engine_new(&cfg, collect, &g);
	assert_non_null(e);
	dns_exchange(e, 100 * SEC);
	/* A connection to the answer's address with no payload: named from the DNS answer. */
	tcp_seg(e, client, edge, 40001, 443, 7, VG_TCP_SYN, NULL, 0, 101 * SEC);
	/* A connection to an address nobody resolved: no name. */
	tcp_seg(e, client, web, 40009, 443, 7, VG_TCP_SYN, NULL, 0, 101 * SEC);
	vg_engine_flush(e);
	vg_engine_stats(e, &st);
	assert_int_equal(g.n, 3);
	r = by_sport(&g, 5000);
	assert_int_equal(r->app, VG_APP_DNS);
	assert_int_equal(r->n_dns, 3); /* one question, CNAME and A answers */
	assert_int_equal(r->pkts_out, 1);
	assert_int_equal(r->pkts_in, 1);
	r = by_sport(&g, 40001);
	assert_string_equal(r->hostname, "api.example.com"); /* the query name, not the CNAME target */
	assert_int_equal(r->source, VG_HS_DNS);
	r = by_sport(&g, 40009);
	assert_int_equal(r->source, VG_HS_NONE);
	assert_int_equal(st.hostnames[VG_HS_DNS], 1);
	vg_engine_free(e);
}

static void
test_split_client_hello_out_of_order(void **state)
{
	struct vg_engine_config cfg;
	struct got g = { 0 };
	struct vg_engine *e;
	uint8_t ch[512];
	size_t n = client_hello(ch, "Split.Example.ORG"), a = 20, b = 60;
	const struct rec *r;

	vg_engine_config_default(&cfg);
	e = vg_engine_new(&cfg, collect, &g);
	dns_exchange(e, 100 * SEC);
	/* The SNI beats a DNS-derived name for the same address. */
	tcp_seg(e, client, edge, 40002, 443, 1000, VG_TCP_SYN, NULL, 0, 101 * SEC);
	tcp_seg(e, edge, client, 443, 40002, 5000, VG_TCP_SYN | VG_TCP_ACK, NULL, 0, 101 * SEC);
	/* Third piece, first piece, a retransmission of the first, then the second. */
	tcp_seg(e, client, edge, 40002, 443, 1001 + (uint32_t)b, VG_TCP_ACK, ch + b, n - b, 102 * SEC);
	tcp_seg(e, client, edge, 40002, 443, 1001, VG_TCP_ACK, ch, a, 102 * SEC);
	tcp_seg(e, client, edge, 40002, 443, 1001, VG_TCP_ACK, ch, a, 102 * SEC);
	tcp_seg(e, client, edge, 40002, 443, 1001 + (uint32_t)a, VG_TCP_ACK, ch + a, b - a, 102 * SEC);
	vg_engine_flush(e);
	r = by_sport(&g, 40002);
	assert_string_equal(r->hostname, "split.example.org");
	assert_int_equal(r->source, VG_HS_TLS);
	assert_int_equal(r->app, VG_APP_TLS);
	assert_string_equal(r->alpn0, "h2");
	assert_int_equal(r->pkts_out, 5);
	assert_int_equal(r->pkts_in, 1);
	vg_engine_free(e);
}

static void
test_http_host_and_incomplete_hello(void **state)
{
	static const char req[] = "GET /v1/models HTTP/1.1\r\nUser-Agent: t\r\nHost: Example.COM:8080\r\n\r\n";
	struct vg_engine_config cfg;
	struct vg_engine_stats st;
	struct got g = { 0 };
	struct vg_engine *e;
	uint8_t ch[512];
	size_t n = client_hello(ch, "never.example");
	const struct rec *r;

	vg_engine_config_default(&cfg);
	e = vg_engine_new(&cfg, collect, &g);
	tcp_seg(e, client, web, 40003, 80, 1, VG_TCP_ACK | VG_TCP_PSH, (const uint8_t *)req,
	    sizeof(req) - 1, SEC);
	/* Only the first half of a ClientHello before the capture ends. */
	tcp_seg(e, client, web, 40004, 443, 1, VG_TCP_ACK, ch, n / 2, SEC);
	vg_engine_flush(e);
	vg_engine_stats(e, &st);
	r = by_sport(&g, 40003);
	assert_string_equal(r->hostname, "example.com");
	assert_int_equal(r->source, VG_HS_HTTP);
	assert_string_equal(r->method, "GET");
	r = by_sport(&g, 40004);
	assert_int_equal(r->source, VG_HS_NONE);
	assert_int_equal(r->app, VG_APP_TLS);
	assert_int_equal(st.anomalies.n[VG_AN_TLS_HELLO_INCOMPLETE], 1);
	vg_engine_free(e);
}

static void
test_cut_and_empty_frames(void **state)
{
	struct vg_engine_config cfg;
	struct vg_engine_stats st;
	struct got g = { 0 };
	struct vg_engine *e;
	struct fb f = { .n = 0 };

	vg_engine_config_default(&cfg);
	e = vg_engine_new(&cfg, collect, &g);
	eth(&f, 0x0800);
	ipv4x(&f, 6, 20 + 4, NULL, 0, 0, client, web);
	tcp(&f, 40005, 443, 1, VG_TCP_ACK, "abcd");
	vg_engine_packet(e, DLT_EN10MB, SEC, f.b, f.n - 2, f.n); /* snaplen cut two bytes */
	vg_engine_packet(e, DLT_EN10MB, SEC, f.b, 0, 60);
	vg_engine_flush(e);
	vg_engine_stats(e, &st);
	assert_int_equal(st.packets, 2);
	assert_int_equal(st.anomalies.n[VG_AN_PKT_SNAPLEN_CUT], 1);
	assert_int_equal(st.anomalies.n[VG_AN_PKT_EMPTY], 1);
	assert_int_equal(g.n, 1); /* the cut packet still counts for its flow */
	vg_engine_free(e);
	vg_engine_free(NULL);
	/* The per-hostname and per-DNS-flow costs README and vigie(1) document (LP64). */
#if UINTPTR_MAX == UINT64_MAX
	assert_int_equal(sizeof(struct vg_flow_info), 832);
	assert_int_equal(sizeof(struct vg_dns_log), 1832);
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_names_later_flow),
		cmocka_unit_test(test_split_client_hello_out_of_order),
		cmocka_unit_test(test_http_host_and_incomplete_hello),
		cmocka_unit_test(test_cut_and_empty_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
