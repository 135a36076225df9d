/* test_dns.c - DNS parser unit tests: hand-built, malformed and captured messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto_dns.h"
#include "anomaly_assert.h"

static struct vg_dns_msg m; /* about 17 KiB: static, not on the stack */

/* Parses an exact-size heap copy so ASan sees any read one byte past the message. */
static enum vg_parse_rc
parse(const uint8_t *msg, size_t len, struct vg_anomalies *an)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	enum vg_parse_rc rc;

	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, msg, len);
	memset(an, 0, sizeof(*an));
	rc = vg_dns_parse(copy, len, &m, an);
	free(copy);
	return rc;
}

/* What vg_dns_foreach_address reported. */
struct seen {
	unsigned n;
	struct {
		char name[VG_DNS_NAME_MAX + 1];
		uint8_t addr[16];
		int family;
		uint32_t ttl;
	} a[VG_DNS_ANSWERS_MAX];
};

static void
collect(void *arg, const char *name, const uint8_t *addr, int family, uint32_t ttl)
{
	struct seen *s = arg;

	assert_true(s->n < VG_DNS_ANSWERS_MAX);
	assert_true(strlen(name) <= VG_DNS_NAME_MAX);
	strcpy(s->a[s->n].name, name);
	memcpy(s->a[s->n].addr, addr, family == 4 ? 4 : 16);
	s->a[s->n].family = family;
	s->a[s->n].ttl = ttl;
	s->n++;
}

/* A small writer for messages too regular or too long to spell out byte by byte. */
struct mb {
	uint8_t b[4096];
	size_t n;
};

static void
mb_put(struct mb *w, const void *p, size_t n)
{
	assert_true(n <= sizeof(w->b) - w->n);
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void
mb_u8(struct mb *w, uint8_t v)
{
	mb_put(w, &v, 1);
}

static void
mb_u16(struct mb *w, uint16_t v)
{
	mb_u8(w, (uint8_t)(v >> 8));
	mb_u8(w, (uint8_t)v);
}

static void
mb_u32(struct mb *w, uint32_t v)
{
	mb_u16(w, (uint16_t)(v >> 16));
	mb_u16(w, (uint16_t)v);
}

static void
mb_header(struct mb *w, uint16_t flags, uint16_t qd, uint16_t an)
{
	w->n = 0;
	mb_u16(w, 0x4242);
	mb_u16(w, flags);
	mb_u16(w, qd);
	mb_u16(w, an);
	mb_u16(w, 0);
	mb_u16(w, 0);
}

/* Writes "a.b.c" as uncompressed labels and the root label. */
static void
mb_name(struct mb *w, const char *dotted)
{
	const char *dot;
	size_t len;

	while (*dotted != '\0') {
		dot = strchr(dotted, '.');
		len = dot != NULL ? (size_t)(dot - dotted) : strlen(dotted);
		mb_u8(w, (uint8_t)len);
		mb_put(w, dotted, len);
		dotted += len + (dot != NULL);
	}
	mb_u8(w, 0);
}

/* Writes a fixed RR part after an owner name already written. */
static void
mb_rr(struct mb *w, uint16_t type, uint32_t ttl, uint16_t rdlength)
{
	mb_u16(w, type);
	mb_u16(w, 1); /* IN */
	mb_u32(w, ttl);
	mb_u16(w, rdlength);
}

/*
 * ---- well-formed messages ----
 * Every byte array in this file was checked by wrapping it in a UDP/53 frame
 * (text2pcap) and reading it back with tshark: the names, addresses and TTLs
 * asserted are the ones tshark shows, folded to lower case, unless a comment
 * says where and why this parser differs.
 */

/* Query "www.Example.COM" A IN, id 0x1234, RD set. */
static const uint8_t msg_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x77, 0x77, 0x77,                               /* 12: 3 "www" */
	0x07, 0x45, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,       /* 16: 7 "Example" */
	0x03, 0x43, 0x4f, 0x4d, 0x00,                         /* 24: 3 "COM", root */
	0x00, 0x01, 0x00, 0x01,                               /* 29: A IN */
};

static void
test_query(void **state)
{
	struct vg_anomalies an;

	assert_int_equal(parse(msg_query, sizeof(msg_query), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(m.id, 0x1234);
	assert_false(m.response);
	assert_false(m.truncated);
	assert_int_equal(m.opcode, 0);
	assert_int_equal(m.rcode, 0);
	assert_int_equal(m.qdcount, 1);
	assert_int_equal(m.ancount, 0);
	assert_int_equal(m.n_questions, 1);
	assert_int_equal(m.n_answers, 0);
	/* Presentation form folds case (RFC 4343). */
	assert_string_equal(m.questions[0].name, "www.example.com");
	assert_int_equal(m.questions[0].type, VG_DNS_T_A);
	assert_int_equal(m.questions[0].qclass, 1);
}

/*
 * Response to example.com ANY: A 93.184.216.34 ttl 3600 and
 * AAAA 2606:2800:220:1:248:1893:25c8:1946 ttl 300.
 */
static const uint8_t msg_a_aaaa[] = {
	0xbe, 0xef, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, /* 12 */
	0x00, 0xff, 0x00, 0x01,
	/* 29: c00c A IN ttl 3600 len 4 */
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04,
	0x5d, 0xb8, 0xd8, 0x22,
	/* 45: c00c AAAA IN ttl 300 len 16 */
	0xc0, 0x0c, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x10,
	0x26, 0x06, 0x28, 0x00, 0x02, 0x20, 0x00, 0x01,
	0x02, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46,
};

static void
test_response_a_aaaa(void **state)
{
	static const uint8_t v4[4] = { 93, 184, 216, 34 };
	static const uint8_t v6[16] = { 0x26, 0x06, 0x28, 0x00, 0x02, 0x20, 0x00, 0x01,
		0x02, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46 };
	struct vg_anomalies an;
	struct seen s = { 0 };

	assert_int_equal(parse(msg_a_aaaa, sizeof(msg_a_aaaa), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_true(m.response);
	assert_int_equal(m.id, 0xbeef);
	assert_int_equal(m.n_questions, 1);
	assert_int_equal(m.questions[0].type, 255);
	assert_int_equal(m.n_answers, 2);
	assert_string_equal(m.answers[0].name, "example.com");
	assert_int_equal(m.answers[0].type, VG_DNS_T_A);
	assert_int_equal(m.answers[0].rclass, 1);
	assert_int_equal(m.answers[0].ttl, 3600);
	assert_memory_equal(m.answers[0].data.addr, v4, 4);
	assert_int_equal(m.answers[1].type, VG_DNS_T_AAAA);
	assert_int_equal(m.answers[1].ttl, 300);
	assert_memory_equal(m.answers[1].data.addr, v6, 16);

	vg_dns_foreach_address(&m, collect, &s, &an);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.a[0].name, "example.com");
	assert_int_equal(s.a[0].family, 4);
	assert_int_equal(s.a[0].ttl, 3600);
	assert_memory_equal(s.a[0].addr, v4, 4);
	assert_int_equal(s.a[1].family, 6);
	assert_int_equal(s.a[1].ttl, 300);
	assert_memory_equal(s.a[1].addr, v6, 16);
	assert_int_equal(vg_anomalies_total(&an), 0);
}

/*
 * api.example.com A? -> CNAME cdn.example.net (ttl 300) -> A 192.0.2.7 (ttl 60)
 * and A 192.0.2.8 (ttl 900). The A owners point at the CNAME target.
 * Layout (hand count): question 12..32; answer 1 fixed part 33..44, rdata
 * 45..61; answer 2 fixed 62..73, rdata 74..77; answer 3 fixed 78..89,
 * rdata 90..93; 94 bytes in all.
 */
static const uint8_t msg_cname[] = {
	0x01, 0x02, 0x81, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
	/* 12: 3 "api" 7 "example" 3 "com" 0, A IN */
	0x03, 0x61, 0x70, 0x69, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
	/* 33: c00c CNAME IN ttl 300 len 17 */
	0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x11,
	/* 45: 3 "cdn" 7 "example" 3 "net" 0 */
	0x03, 0x63, 0x64, 0x6e, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x03, 0x6e, 0x65, 0x74, 0x00,
	/* 62: c02d A IN ttl 60 len 4 192.0.2.7 */
	0xc0, 0x2d, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04,
	0xc0, 0x00, 0x02, 0x07,
	/* 78: c02d A IN ttl 900 len 4 192.0.2.8 */
	0xc0, 0x2d, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x03, 0x84, 0x00, 0x04,
	0xc0, 0x00, 0x02, 0x08,
};

static void
test_cname_chain(void **state)
{
	static const uint8_t a7[4] = { 192, 0, 2, 7 }, a8[4] = { 192, 0, 2, 8 };
	struct vg_anomalies an;
	struct seen s = { 0 };

	assert_int_equal(parse(msg_cname, sizeof(msg_cname), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(m.n_answers, 3);
	assert_string_equal(m.answers[0].name, "api.example.com");
	assert_int_equal(m.answers[0].type, VG_DNS_T_CNAME);
	assert_string_equal(m.answers[0].data.target, "cdn.example.net");
	assert_string_equal(m.answers[1].name, "cdn.example.net");
	assert_string_equal(m.answers[2].name, "cdn.example.net");

	/* Both addresses go back to the name asked for; TTL is the chain minimum. */
	vg_dns_foreach_address(&m, collect, &s, &an);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.a[0].name, "api.example.com");
	assert_memory_equal(s.a[0].addr, a7, 4);
	assert_int_equal(s.a[0].ttl, 60);  /* min(300, 60) */
	assert_string_equal(s.a[1].name, "api.example.com");
	assert_memory_equal(s.a[1].addr, a8, 4);
	assert_int_equal(s.a[1].ttl, 300); /* min(300, 900) */
	assert_int_equal(vg_anomalies_total(&an), 0);
}

/* A chain of k CNAMEs n0.test -> n1.test -> ... -> nk.test, then nk.test A 192.0.2.1. */
static void
build_chain(struct mb *w, unsigned k, bool loop)
{
	char a[24], b[24];
	unsigned i;

	mb_header(w, 0x8180, 1, (uint16_t)(k + 1));
	mb_name(w, "n0.test");
	mb_u16(w, 1);
	mb_u16(w, 1);
	for (i = 0; i < k; i++) {
		snprintf(a, sizeof(a), "n%u.test", i);
		/* loop: the last CNAME points back at n0 instead of onwards */
		snprintf(b, sizeof(b), "n%u.test", loop && i == k - 1 ? 0 : i + 1);
		mb_name(w, a);
		mb_rr(w, VG_DNS_T_CNAME, i == 3 ? 30 : 3600, (uint16_t)(strlen(b) + 2));
		mb_name(w, b);
	}
	snprintf(a, sizeof(a), "n%u.test", k);
	mb_name(w, a);
	mb_rr(w, VG_DNS_T_A, 600, 4);
	mb_u32(w, 0xc0000201);
}

static void
test_cname_chain_limit(void **state)
{
	struct vg_anomalies an;
	struct mb w;
	struct seen s;

	/* 8 steps is the documented maximum: still resolved; ttl 30 from n3 -> n4. */
	build_chain(&w, 8, false);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_DONE);
	assert_int_equal(m.n_answers, 9);
	memset(&s, 0, sizeof(s));
	vg_dns_foreach_address(&m, collect, &s, &an);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].name, "n0.test");
	assert_int_equal(s.a[0].ttl, 30);

	/* 9 steps: counted, and the owner name with its own TTL is reported. */
	build_chain(&w, 9, false);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_DONE);
	memset(&s, 0, sizeof(s));
	vg_dns_foreach_address(&m, collect, &s, &an);
	assert_one_anomaly(&an, VG_AN_DNS_CNAME_CHAIN_TOO_LONG);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].name, "n9.test");
	assert_int_equal(s.a[0].ttl, 600);

	/*
	 * A CNAME loop n0 -> n1 -> n2 -> n0 beside "n3.test A": walking back
	 * from n3 finds no CNAME to it, so the owner is reported and nothing
	 * is counted.
	 */
	build_chain(&w, 3, true);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_DONE);
	memset(&s, 0, sizeof(s));
	vg_dns_foreach_address(&m, collect, &s, &an);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].name, "n3.test");
}

static void
test_cname_loop_without_question(void **state)
{
	struct vg_anomalies an;
	struct mb w;
	struct seen s = { 0 };

	/* a CNAME b, b CNAME a, a A 192.0.2.1, no question: the loop spins until the step cap. */
	mb_header(&w, 0x8180, 0, 3);
	mb_name(&w, "a");
	mb_rr(&w, VG_DNS_T_CNAME, 10, 3);
	mb_name(&w, "b");
	mb_name(&w, "b");
	mb_rr(&w, VG_DNS_T_CNAME, 10, 3);
	mb_name(&w, "a");
	mb_name(&w, "a");
	mb_rr(&w, VG_DNS_T_A, 20, 4);
	mb_u32(&w, 0xc0000201);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_DONE);
	vg_dns_foreach_address(&m, collect, &s, &an);
	assert_one_anomaly(&an, VG_AN_DNS_CNAME_CHAIN_TOO_LONG);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].name, "a");
	assert_int_equal(s.a[0].ttl, 20);
}

/* Questions q1..q5 (8 bytes each from 12), then q5 A 10.1.1.1, its owner a pointer to q5 at 44. */
static const uint8_t msg_questions[] = {
	0x00, 0x05, 0x81, 0x80, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x71, 0x31, 0x00, 0x00, 0x01, 0x00, 0x01, /* 12: q1 */
	0x02, 0x71, 0x32, 0x00, 0x00, 0x01, 0x00, 0x01, /* 20: q2 */
	0x02, 0x71, 0x33, 0x00, 0x00, 0x1c, 0x00, 0x01, /* 28: q3 AAAA */
	0x02, 0x71, 0x34, 0x00, 0x00, 0x01, 0x00, 0x03, /* 36: q4 class CH */
	0x02, 0x71, 0x35, 0x00, 0x00, 0x01, 0x00, 0x01, /* 44: q5 */
	0xc0, 0x2c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04, /* 52 */
	0x0a, 0x01, 0x01, 0x01,
};

static void
test_multiple_questions(void **state)
{
	struct vg_anomalies an;
	struct seen s = { 0 };

	assert_int_equal(parse(msg_questions, sizeof(msg_questions), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(m.qdcount, 5);
	assert_int_equal(m.n_questions, VG_DNS_QUESTIONS_MAX);
	assert_string_equal(m.questions[0].name, "q1");
	assert_string_equal(m.questions[1].name, "q2");
	assert_string_equal(m.questions[2].name, "q3");
	assert_int_equal(m.questions[2].type, VG_DNS_T_AAAA);
	assert_string_equal(m.questions[3].name, "q4");
	assert_int_equal(m.questions[3].qclass, 3);
	/* The fifth question was walked but not kept; the answer after it parsed. */
	assert_int_equal(m.n_answers, 1);
	assert_string_equal(m.answers[0].name, "q5");
	vg_dns_foreach_address(&m, collect, &s, &an);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].name, "q5"); /* owner: q5 is not among the kept questions */
}

/*
 * Pointers at depth 1, 2 and 3. Question a.example.com at 12 ("example.com"
 * starts at 14); answer owners: 31: "b" -> 14; 49: "c" -> 31; 67: -> 49.
 */
static const uint8_t msg_depth[] = {
	0x00, 0x03, 0x81, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x61, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
	0x00, 0x01, 0x00, 0x01,
	0x01, 0x62, 0xc0, 0x0e, /* 31 */
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x0a, 0x00, 0x00, 0x01,
	0x01, 0x63, 0xc0, 0x1f, /* 49 */
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x0a, 0x00, 0x00, 0x02,
	0xc0, 0x31, /* 67 */
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x04, 0x0a, 0x00, 0x00, 0x03,
};

static void
test_compression_depth(void **state)
{
	struct vg_anomalies an;

	assert_int_equal(parse(msg_depth, sizeof(msg_depth), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(m.n_answers, 3);
	assert_string_equal(m.questions[0].name, "a.example.com");
	assert_string_equal(m.answers[0].name, "b.example.com");
	assert_string_equal(m.answers[1].name, "c.b.example.com");
	assert_string_equal(m.answers[2].name, "c.b.example.com");
	assert_int_equal(m.answers[2].data.addr[3], 3);
}

/*
 * Question k (k = 0..32) is the label "a" then a pointer to question k-1's
 * name, so its name has k pointers and k+1 labels. An answer owner pointing
 * at question 31 follows 1 + 31 = 32 pointers (the limit); at question 32,
 * 33 pointers.
 */
static void
build_pointer_ladder(struct mb *w, unsigned target_q)
{
	size_t start[33];
	unsigned k;

	mb_header(w, 0x8180, 33, 1);
	for (k = 0; k < 33; k++) {
		start[k] = w->n;
		mb_u8(w, 1);
		mb_u8(w, 'a');
		if (k == 0) {
			mb_u8(w, 0);
		} else {
			mb_u16(w, (uint16_t)(0xc000 | start[k - 1]));
		}
		mb_u16(w, 1);
		mb_u16(w, 1);
	}
	mb_u16(w, (uint16_t)(0xc000 | start[target_q]));
	mb_rr(w, VG_DNS_T_A, 1, 4);
	mb_u32(w, 0x7f000001);
}

static void
test_pointer_limit(void **state)
{
	struct vg_anomalies an;
	struct mb w;
	char want[80];
	unsigned i;

	build_pointer_ladder(&w, 31);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(m.n_answers, 1);
	/* 32 labels "a": 32 letters and 31 dots. */
	for (i = 0; i < 32; i++) {
		want[2 * i] = 'a';
		want[2 * i + 1] = '.';
	}
	want[63] = '\0';
	assert_string_equal(m.answers[0].name, want);

	build_pointer_ladder(&w, 32);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_POINTER_LIMIT);
	assert_int_equal(m.n_questions, VG_DNS_QUESTIONS_MAX);
	assert_int_equal(m.n_answers, 0);
}

static void
test_root_name(void **state)
{
	/* ". NS IN" (a priming query, RFC 8109) */
	static const uint8_t msg[] = {
		0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x02, 0x00, 0x01,
	};
	struct vg_anomalies an;

	assert_int_equal(parse(msg, sizeof(msg), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(m.n_questions, 1);
	assert_string_equal(m.questions[0].name, ".");
	assert_int_equal(m.questions[0].type, 2);
	assert_string_equal(vg_dns_type_name(m.questions[0].type), "NS");
}

static void
test_escaping(void **state)
{
	/*
	 * Labels "A.b", "c d", 0x00 0xff, "\" (RFC 4343 §2.1 escapes). tshark
	 * prints "A.b.c d.\000<0xff>.\": the dot inside the first label and the
	 * raw 0xff are ambiguous there; here every byte outside [a-z0-9-_*] is
	 * \DDD and a label's own dot is "\.".
	 */
	static const uint8_t msg[] = {
		0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x03, 0x41, 0x2e, 0x62, 0x03, 0x63, 0x20, 0x64, 0x02, 0x00, 0xff, 0x01, 0x5c, 0x00,
		0x00, 0x01, 0x00, 0x01,
	};
	struct vg_anomalies an;

	assert_int_equal(parse(msg, sizeof(msg), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_string_equal(m.questions[0].name, "a\\.b.c\\032d.\\000\\255.\\092");
}

static void
test_mdns_query_unicast_bit(void **state)
{
	/* mDNS QU question (RFC 6762 §5.4): "printer.local" A, qclass 0x8001. */
	static const uint8_t msg[] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x07, 0x70, 0x72, 0x69, 0x6e, 0x74, 0x65, 0x72,
		0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00,
		0x00, 0x01, 0x80, 0x01,
	};
	struct vg_anomalies an;

	assert_int_equal(parse(msg, sizeof(msg), &an), VG_PARSE_DONE);
	assert_string_equal(m.questions[0].name, "printer.local");
	assert_int_equal(m.questions[0].qclass, 1);
}

static void
test_ttl_top_bit(void **state)
{
	struct vg_anomalies an;
	struct mb w;

	/* RFC 2181 §8: a TTL with the most significant bit set reads as zero. */
	mb_header(&w, 0x8180, 0, 2);
	mb_name(&w, "x");
	mb_rr(&w, VG_DNS_T_A, 0x80000000u, 4);
	mb_u32(&w, 0x01020304);
	mb_name(&w, "y");
	mb_rr(&w, VG_DNS_T_A, 0x7fffffffu, 4);
	mb_u32(&w, 0x01020305);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_DONE);
	assert_int_equal(m.answers[0].ttl, 0);
	assert_int_equal(m.answers[1].ttl, 0x7fffffffu);
}

static void
test_other_class_skipped(void **state)
{
	struct vg_anomalies an;
	struct mb w;

	/*
	 * Chaos-class A (RDATA is a domain and a 16-bit address, 6 bytes here)
	 * and an UPDATE-style "delete RRset" A with class ANY and no RDATA
	 * (RFC 2136 §2.5.2) are not addresses: skipped, not malformed.
	 */
	mb_header(&w, 0x8180, 0, 3);
	mb_name(&w, "ch");
	mb_u16(&w, VG_DNS_T_A);
	mb_u16(&w, 3);
	mb_u32(&w, 0);
	mb_u16(&w, 6);
	mb_u8(&w, 0);
	mb_u8(&w, 0);
	mb_u32(&w, 0x12345678);
	mb_name(&w, "del");
	mb_u16(&w, VG_DNS_T_A);
	mb_u16(&w, 255);
	mb_u32(&w, 0);
	mb_u16(&w, 0);
	mb_name(&w, "in");
	mb_rr(&w, VG_DNS_T_A, 5, 4);
	mb_u32(&w, 0x0a000001);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(m.n_answers, 1);
	assert_string_equal(m.answers[0].name, "in");
}

static void
test_answers_cap(void **state)
{
	struct vg_anomalies an;
	struct mb w;
	char name[16];
	unsigned i;

	/* 40 A records: 32 kept, the rest walked; a bad one past the cap still counts. */
	mb_header(&w, 0x8180, 0, 41);
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "h%u", i);
		mb_name(&w, name);
		mb_rr(&w, VG_DNS_T_A, i, 4);
		mb_u32(&w, 0x0a000000 | i);
	}
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR); /* 41st missing */
	assert_one_anomaly(&an, VG_AN_DNS_TRUNCATED);
	assert_int_equal(m.n_answers, VG_DNS_ANSWERS_MAX);
	assert_string_equal(m.answers[31].name, "h31");
	assert_int_equal(m.answers[31].data.addr[3], 31);

	mb_name(&w, "bad");
	mb_rr(&w, VG_DNS_T_A, 1, 5);
	mb_u32(&w, 0);
	mb_u8(&w, 0);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_RDLENGTH);
}

static void
test_too_many_records(void **state)
{
	struct vg_anomalies an;
	struct mb w;
	unsigned i;

	/* 600 root questions (5 bytes each): walking stops at record 513. */
	mb_header(&w, 0x0000, 600, 0);
	for (i = 0; i < 600; i++) {
		mb_u8(&w, 0);
		mb_u16(&w, 1);
		mb_u16(&w, 1);
	}
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_TOO_MANY_RECORDS);
	assert_int_equal(m.n_questions, VG_DNS_QUESTIONS_MAX);

	/* Exactly 512 records is fine: 500 questions and 12 answers. */
	mb_header(&w, 0x0000, 500, 12);
	for (i = 0; i < 500; i++) {
		mb_u8(&w, 0);
		mb_u16(&w, 1);
		mb_u16(&w, 1);
	}
	for (i = 0; i < 12; i++) {
		mb_u8(&w, 0);
		mb_rr(&w, VG_DNS_T_A, 1, 4);
		mb_u32(&w, i);
	}
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(m.n_answers, 12);

	/* One answer more (ancount 13 and its bytes): record 513 is refused. */
	w.b[7] = 13;
	mb_u8(&w, 0);
	mb_rr(&w, VG_DNS_T_A, 1, 4);
	mb_u32(&w, 12);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_TOO_MANY_RECORDS);
	assert_int_equal(m.n_answers, 12);
}

/* ---- malformed messages ---- */

static void
test_short_header(void **state)
{
	struct vg_anomalies an;
	size_t k;

	/* Under 12 bytes is not DNS at all: NOMATCH and nothing counted. */
	for (k = 0; k < 12; k++) {
		assert_int_equal(parse(msg_query, k, &an), VG_PARSE_NOMATCH);
		assert_int_equal(vg_anomalies_total(&an), 0);
		assert_int_equal(m.n_questions, 0);
	}
	assert_int_equal(vg_dns_parse(NULL, 0, &m, &an), VG_PARSE_NOMATCH);
}

static void
test_forward_pointer(void **state)
{
	/* The question name is a pointer to offset 32, past itself (and past the end). */
	static const uint8_t msg[] = {
		0x00, 0x09, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xc0, 0x20, 0x00, 0x01, 0x00, 0x01,
	};
	/*
	 * A pointer into the name's own first label (offset 13) is forward of
	 * the name's start too. tshark follows it and reads "\001a\000.a";
	 * this parser refuses any target at or after where the name began.
	 */
	static const uint8_t msg2[] = {
		0x00, 0x09, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x03, 0x01, 0x61, 0x00, 0xc0, 0x0d, 0x00, 0x01, 0x00, 0x01,
	};
	struct vg_anomalies an;

	assert_int_equal(parse(msg, sizeof(msg), &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_POINTER_FORWARD);
	assert_int_equal(m.n_questions, 0);
	assert_int_equal(parse(msg2, sizeof(msg2), &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_POINTER_FORWARD);
}

static void
test_self_pointer(void **state)
{
	/* Question "a" at 12, then an answer whose owner at 19 is c013: itself. */
	static const uint8_t msg[] = {
		0x00, 0x0c, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x61, 0x00, 0x00, 0x01, 0x00, 0x01,
		0xc0, 0x13, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
		0x7f, 0x00, 0x00, 0x01,
	};
	struct vg_anomalies an;

	assert_int_equal(parse(msg, sizeof(msg), &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_POINTER_FORWARD);
	assert_int_equal(m.n_questions, 1);
	assert_int_equal(m.n_answers, 0);
}

/*
 * Two owner-less labels that point at each other, hidden in a TXT RDATA at
 * 23 ("a" -> 27) and 27 ("b" -> 23); the next owner enters the cycle at 27.
 * 27 < 31 and 23 < 27 are backwards, but 23 -> 27 is not: refused there,
 * where a decoder without the rule would loop.
 */
static const uint8_t msg_loop[] = {
	0x00, 0x0a, 0x81, 0x80, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, /* 12: . TXT len 8 */
	0x01, 0x61, 0xc0, 0x1b, 0x01, 0x62, 0xc0, 0x17,                   /* 23 */
	0xc0, 0x1b, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, /* 31 */
	0x7f, 0x00, 0x00, 0x01,
};

static void
test_pointer_loop(void **state)
{
	struct vg_anomalies an;

	assert_int_equal(parse(msg_loop, sizeof(msg_loop), &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_POINTER_FORWARD);
	assert_int_equal(m.n_answers, 0);
}

static void
test_bad_label_types(void **state)
{
	struct vg_anomalies an;
	struct mb w;
	unsigned i;

	/* 64-byte label: 0x40 is the 0b01 extended label type, not a length. */
	mb_header(&w, 0x0100, 1, 0);
	mb_u8(&w, 0x40);
	for (i = 0; i < 64; i++)
		mb_u8(&w, 'a');
	mb_u8(&w, 0);
	mb_u16(&w, 1);
	mb_u16(&w, 1);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_LABEL_TYPE);

	/* 0b10 after a good label. */
	mb_header(&w, 0x0100, 1, 0);
	mb_name(&w, "ok");
	w.n--; /* drop the root label */
	mb_u8(&w, 0x81);
	mb_u8(&w, 'x');
	mb_u8(&w, 0);
	mb_u16(&w, 1);
	mb_u16(&w, 1);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_LABEL_TYPE);
}

/* One question whose name is the given labels of `fill` bytes. */
static void
build_long_name(struct mb *w, const unsigned *lens, unsigned nlabels, uint8_t fill)
{
	unsigned i, j;

	mb_header(w, 0x0100, 1, 0);
	for (i = 0; i < nlabels; i++) {
		mb_u8(w, (uint8_t)lens[i]);
		for (j = 0; j < lens[i]; j++)
			mb_u8(w, fill);
	}
	mb_u8(w, 0);
	mb_u16(w, 1);
	mb_u16(w, 1);
}

static void
test_name_length(void **state)
{
	static const unsigned l253[] = { 63, 63, 63, 61 }; /* 250 letters + 3 dots = 253 */
	static const unsigned l254[] = { 63, 63, 63, 62 }; /* 254 */
	static const unsigned l319[] = { 63, 63, 63, 63, 63 }; /* 321 bytes on the wire */
	static const unsigned esc[] = { 63, 1 }; /* 63 x "\001" = 252, + ".a" = 254 */
	static const unsigned l253_1[] = { 63, 63, 63, 61, 1 }; /* 253, then no room for the dot */
	struct vg_anomalies an;
	struct mb w;

	build_long_name(&w, l253, 4, 'a');
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_DONE);
	assert_int_equal(strlen(m.questions[0].name), 253);

	build_long_name(&w, l254, 4, 'a');
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_NAME_TOO_LONG);

	build_long_name(&w, l319, 5, 'a');
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_NAME_TOO_LONG);

	build_long_name(&w, l253_1, 5, 'a');
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_NAME_TOO_LONG);

	/* Escapes count: 67 bytes on the wire, 254 characters in text. */
	build_long_name(&w, esc, 2, 0x01);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_NAME_TOO_LONG);
}

static void
test_rdlength(void **state)
{
	struct vg_anomalies an;
	uint8_t buf[sizeof(msg_a_aaaa)];

	/* A claims 4 bytes, 2 are there: rdlength runs past the end. */
	assert_int_equal(parse(msg_a_aaaa, 43, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_RDLENGTH);
	assert_int_equal(m.n_questions, 1);
	assert_int_equal(m.n_answers, 0);

	/* The AAAA's rdlength (offset 55) raised to 17: past the end by one. */
	memcpy(buf, msg_a_aaaa, sizeof(buf));
	buf[56] = 17;
	assert_int_equal(parse(buf, sizeof(buf), &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_RDLENGTH);
	assert_int_equal(m.n_answers, 1); /* the A before it stays */
	assert_string_equal(m.answers[0].name, "example.com");
}

static void
test_a_rdlength_5(void **state)
{
	struct vg_anomalies an;
	struct mb w;

	mb_header(&w, 0x8180, 0, 2);
	mb_name(&w, "ok");
	mb_rr(&w, VG_DNS_T_A, 1, 4);
	mb_u32(&w, 0x0a000001);
	mb_name(&w, "five");
	mb_rr(&w, VG_DNS_T_A, 1, 5);
	mb_u32(&w, 0x0a000002);
	mb_u8(&w, 0);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_RDLENGTH);
	assert_int_equal(m.n_answers, 1);
	assert_string_equal(m.answers[0].name, "ok");

	/* AAAA must be 16. */
	mb_header(&w, 0x8180, 0, 1);
	mb_name(&w, "six");
	mb_rr(&w, VG_DNS_T_AAAA, 1, 4);
	mb_u32(&w, 0);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_RDLENGTH);
}

static void
test_cname_rdata_mismatch(void **state)
{
	struct vg_anomalies an;
	struct mb w;

	/* RDATA 9 bytes, the name "x.test" takes 8: a stray byte after it. */
	mb_header(&w, 0x8180, 0, 1);
	mb_name(&w, "a");
	mb_rr(&w, VG_DNS_T_CNAME, 1, 9);
	mb_name(&w, "x.test");
	mb_u8(&w, 0);
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_RDLENGTH);

	/* RDATA 4 bytes, the name runs on past it into bytes that are there. */
	mb_header(&w, 0x8180, 0, 1);
	mb_name(&w, "a");
	mb_rr(&w, VG_DNS_T_CNAME, 1, 4);
	mb_name(&w, "x.test");
	assert_int_equal(parse(w.b, w.n, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_RDLENGTH);
}

static void
test_qdcount_oversized(void **state)
{
	/* qdcount 65535 but one question present: walked until the bytes run out. */
	static const uint8_t msg[] = {
		0x00, 0x0b, 0x01, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x61, 0x00, 0x00, 0x01, 0x00, 0x01,
	};
	struct vg_anomalies an;

	assert_int_equal(parse(msg, sizeof(msg), &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_TRUNCATED);
	assert_int_equal(m.qdcount, 65535);
	assert_int_equal(m.n_questions, 1);
	assert_string_equal(m.questions[0].name, "a");
}

static void
test_truncation_every_byte(void **state)
{
	struct vg_anomalies an;
	size_t k;
	unsigned want_answers;
	bool in_rdata;

	/* Offsets from the layout comment above msg_cname. */
	for (k = 12; k < sizeof(msg_cname); k++) {
		assert_int_equal(parse(msg_cname, k, &an), VG_PARSE_ERROR);
		in_rdata = (k >= 45 && k <= 61) || (k >= 74 && k <= 77) || (k >= 90 && k <= 93);
		assert_one_anomaly(&an, in_rdata ? VG_AN_DNS_BAD_RDLENGTH : VG_AN_DNS_TRUNCATED);
		assert_int_equal(m.n_questions, k >= 33 ? 1 : 0);
		want_answers = k >= 78 ? 2 : k >= 62 ? 1 : 0;
		assert_int_equal(m.n_answers, want_answers);
	}
	assert_int_equal(parse(msg_cname, k, &an), VG_PARSE_DONE);
	assert_int_equal(m.n_answers, 3);
}

/* ---- messages captured on the wire (expected values from tshark) ---- */

/*
 * dns-binds.pcap frame 2: example.net type 65534 with 16 answers of type
 * 65534 (BIND signing state) and an OPT. tshark: qry.name example.net,
 * no dns.a/dns.aaaa. Unknown types are walked by rdlength, none kept.
 */
static const uint8_t cap_binds[] = {
	0x6b, 0xb3, 0x85, 0x80, 0x00, 0x01, 0x00, 0x10, 0x00, 0x00, 0x00, 0x01,
	0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x6e, 0x65, 0x74,
	0x00, 0xff, 0xfe, 0x00, 0x01, 0xc0, 0x0c, 0xff, 0xfe, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x07, 0x7d, 0x12, 0x00, 0x01, 0xc0, 0x0c,
	0xff, 0xfe, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x05, 0x08,
	0x94, 0x00, 0x01, 0xc0, 0x0c, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x05, 0x0f, 0x32, 0xc2, 0x00, 0x01, 0xc0, 0x0c, 0xff, 0xfe,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x10, 0x5d, 0x3c, 0x00,
	0x01, 0xc0, 0x0c, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x07, 0x92, 0xeb, 0x00, 0x01, 0xc0, 0x0c, 0xff, 0xfe, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x08, 0x25, 0x4f, 0x00, 0x01, 0xc0,
	0x0c, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x05,
	0xbc, 0x7e, 0x00, 0x01, 0xc0, 0x0c, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x05, 0x08, 0x81, 0x6a, 0x00, 0x01, 0xc0, 0x0c, 0xff,
	0xfe, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0e, 0x3b, 0x25,
	0x00, 0x01, 0xc0, 0x0c, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x05, 0x0a, 0xa2, 0xcb, 0x00, 0x01, 0xc0, 0x0c, 0xff, 0xfe, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0a, 0xf8, 0xdf, 0x00, 0x01,
	0xc0, 0x0c, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	0x0d, 0xff, 0x73, 0x00, 0x01, 0xc0, 0x0c, 0xff, 0xfe, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x05, 0x0d, 0x7a, 0xa8, 0x00, 0x01, 0xc0, 0x0c,
	0xff, 0xfe, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0e, 0xeb,
	0x81, 0x00, 0x01, 0xc0, 0x0c, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x05, 0x0f, 0x79, 0x18, 0x00, 0x01, 0xc0, 0x0c, 0xff, 0xfe,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x10, 0x9c, 0xfb, 0x00,
	0x01, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void
test_capture_binds(void **state)
{
	struct vg_anomalies an;

	assert_int_equal(parse(cap_binds, sizeof(cap_binds), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(m.id, 0x6bb3);
	assert_true(m.response);
	assert_int_equal(m.ancount, 16);
	assert_int_equal(m.arcount, 1);
	assert_string_equal(m.questions[0].name, "example.net");
	assert_int_equal(m.questions[0].type, 65534);
	assert_int_equal(m.n_answers, 0);
}

/*
 * max-compression-depth.pcap: question "a", seven A answers; answer k's owner
 * points at answer k-1's owner (a pointer chain six deep). tshark: resp.name
 * "a" x7, ttl 300, dns.a 127.0.0.1 .. 127.0.0.7.
 */
static const uint8_t cap_maxcomp[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x61, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0x61, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x01,
	0xc0, 0x13, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,
	0x7f, 0x00, 0x00, 0x02, 0xc0, 0x24, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x01, 0x2c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x03, 0xc0, 0x34, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x04,
	0xc0, 0x44, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,
	0x7f, 0x00, 0x00, 0x05, 0xc0, 0x54, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x01, 0x2c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x06, 0xc0, 0x64, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x07,
};

static void
test_capture_max_compression(void **state)
{
	struct vg_anomalies an;
	struct seen s = { 0 };
	unsigned i;

	assert_int_equal(parse(cap_maxcomp, sizeof(cap_maxcomp), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_string_equal(m.questions[0].name, "a");
	assert_int_equal(m.n_answers, 7);
	vg_dns_foreach_address(&m, collect, &s, &an);
	assert_int_equal(s.n, 7);
	for (i = 0; i < 7; i++) {
		const uint8_t want[4] = { 127, 0, 0, (uint8_t)(i + 1) };

		assert_string_equal(m.answers[i].name, "a");
		assert_int_equal(m.answers[i].ttl, 300);
		assert_string_equal(s.a[i].name, "a");
		assert_memory_equal(s.a[i].addr, want, 4);
	}
}

/*
 * dns-invalid-names.pcap: tshark reports frames 1 and 3 as "Malformed Packet"
 * (the name runs off the end) and frame 2's name as "<Name contains a pointer
 * that loops>" (c00c at offset 12 points at itself).
 */
static void
test_capture_invalid_names(void **state)
{
	static const uint8_t f1[] = {
		0x22, 0x22, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x03, 0x61,
	};
	static const uint8_t f2[] = {
		0x22, 0x23, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01,
	};
	static const uint8_t f3[] = {
		0x22, 0x24, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x03, 0x61, 0x62, 0x63,
	};
	struct vg_anomalies an;

	assert_int_equal(parse(f1, sizeof(f1), &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_TRUNCATED);
	assert_int_equal(parse(f2, sizeof(f2), &an), VG_PARSE_ERROR);
	/* A self pointer is not strictly backwards. */
	assert_one_anomaly(&an, VG_AN_DNS_POINTER_FORWARD);
	assert_int_equal(parse(f3, sizeof(f3), &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_TRUNCATED);
	assert_int_equal(m.id, 0x2224);
	assert_int_equal(m.n_questions, 0);
}

/*
 * mdns.pcap frame 4: an mDNS announcement, qdcount 0, six answers with the
 * cache-flush bit (class 0x8001). tshark: AAAA fd52:429e:c03c:8235:883c:d6ff:
 * fee1:4dc4, PTR, AAAA fd52:429e:c03c:8235:5968:5bc6:1563:f82f, PTR, A
 * 10.0.2.7, PTR; class IN with cache_flush 1; ttl 0. tshark prints the owner
 * as "johanna-QEMU-Virtual-Machine.local"; ours is folded to lower case.
 */
static const uint8_t cap_mdns[] = {
	0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
	0x1c, 0x6a, 0x6f, 0x68, 0x61, 0x6e, 0x6e, 0x61, 0x2d, 0x51, 0x45, 0x4d,
	0x55, 0x2d, 0x56, 0x69, 0x72, 0x74, 0x75, 0x61, 0x6c, 0x2d, 0x4d, 0x61,
	0x63, 0x68, 0x69, 0x6e, 0x65, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0x00,
	0x00, 0x1c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0xfd, 0x52,
	0x42, 0x9e, 0xc0, 0x3c, 0x82, 0x35, 0x88, 0x3c, 0xd6, 0xff, 0xfe, 0xe1,
	0x4d, 0xc4, 0x01, 0x34, 0x01, 0x63, 0x01, 0x64, 0x01, 0x34, 0x01, 0x31,
	0x01, 0x65, 0x01, 0x65, 0x01, 0x66, 0x01, 0x66, 0x01, 0x66, 0x01, 0x36,
	0x01, 0x64, 0x01, 0x63, 0x01, 0x33, 0x01, 0x38, 0x01, 0x38, 0x01, 0x35,
	0x01, 0x33, 0x01, 0x32, 0x01, 0x38, 0x01, 0x63, 0x01, 0x33, 0x01, 0x30,
	0x01, 0x63, 0x01, 0x65, 0x01, 0x39, 0x01, 0x32, 0x01, 0x34, 0x01, 0x32,
	0x01, 0x35, 0x01, 0x64, 0x01, 0x66, 0x03, 0x69, 0x70, 0x36, 0x04, 0x61,
	0x72, 0x70, 0x61, 0x00, 0x00, 0x0c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0xc0, 0x0c, 0xc0, 0x0c, 0x00, 0x1c, 0x80, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x10, 0xfd, 0x52, 0x42, 0x9e, 0xc0, 0x3c, 0x82, 0x35,
	0x59, 0x68, 0x5b, 0xc6, 0x15, 0x63, 0xf8, 0x2f, 0x01, 0x66, 0x01, 0x32,
	0x01, 0x38, 0x01, 0x66, 0x01, 0x33, 0x01, 0x36, 0x01, 0x35, 0x01, 0x31,
	0x01, 0x36, 0x01, 0x63, 0x01, 0x62, 0x01, 0x35, 0x01, 0x38, 0x01, 0x36,
	0x01, 0x39, 0x01, 0x35, 0xc0, 0x6a, 0x00, 0x0c, 0x80, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0xc0, 0x0c, 0xc0, 0x0c, 0x00, 0x01, 0x80, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x0a, 0x00, 0x02, 0x07, 0x01, 0x37,
	0x01, 0x32, 0x01, 0x30, 0x02, 0x31, 0x30, 0x07, 0x69, 0x6e, 0x2d, 0x61,
	0x64, 0x64, 0x72, 0xc0, 0x8e, 0x00, 0x0c, 0x80, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0xc0, 0x0c,
};

static void
test_capture_mdns(void **state)
{
	static const uint8_t v6a[16] = { 0xfd, 0x52, 0x42, 0x9e, 0xc0, 0x3c, 0x82, 0x35,
		0x88, 0x3c, 0xd6, 0xff, 0xfe, 0xe1, 0x4d, 0xc4 };
	static const uint8_t v6b[16] = { 0xfd, 0x52, 0x42, 0x9e, 0xc0, 0x3c, 0x82, 0x35,
		0x59, 0x68, 0x5b, 0xc6, 0x15, 0x63, 0xf8, 0x2f };
	static const uint8_t v4[4] = { 10, 0, 2, 7 };
	struct vg_anomalies an;
	struct seen s = { 0 };
	unsigned i;

	assert_int_equal(parse(cap_mdns, sizeof(cap_mdns), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(m.qdcount, 0);
	assert_int_equal(m.ancount, 6);
	assert_int_equal(m.n_answers, 3); /* the PTRs are not kept */
	for (i = 0; i < 3; i++) {
		assert_string_equal(m.answers[i].name, "johanna-qemu-virtual-machine.local");
		assert_int_equal(m.answers[i].rclass, 1); /* 0x8001 less the cache-flush bit */
		assert_int_equal(m.answers[i].ttl, 0);
	}
	assert_int_equal(m.answers[0].type, VG_DNS_T_AAAA);
	assert_memory_equal(m.answers[0].data.addr, v6a, 16);
	assert_memory_equal(m.answers[1].data.addr, v6b, 16);
	assert_int_equal(m.answers[2].type, VG_DNS_T_A);
	assert_memory_equal(m.answers[2].data.addr, v4, 4);
	/* No question: the owner name is reported. */
	vg_dns_foreach_address(&m, collect, &s, &an);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.a[2].name, "johanna-qemu-virtual-machine.local");
	assert_int_equal(s.a[2].family, 4);
}

/*
 * Teredo.pcap frame 61 (zeek ipv6 captures): a REFUSED answer to
 * www.wireshark.org.gateway.2wire.net AAAA, zero-padded to 512 bytes.
 * tshark: 53 bytes of message then "Extraneous Data (459 bytes)".
 */
static const uint8_t cap_teredo_head[] = {
	0x68, 0x7a, 0x85, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x77, 0x77, 0x77, 0x09, 0x77, 0x69, 0x72, 0x65, 0x73, 0x68, 0x61,
	0x72, 0x6b, 0x03, 0x6f, 0x72, 0x67, 0x07, 0x67, 0x61, 0x74, 0x65, 0x77,
	0x61, 0x79, 0x05, 0x32, 0x77, 0x69, 0x72, 0x65, 0x03, 0x6e, 0x65, 0x74,
	0x00, 0x00, 0x1c, 0x00, 0x01,
};

static void
test_capture_trailing_bytes(void **state)
{
	static uint8_t msg[512];
	struct vg_anomalies an;

	memset(msg, 0, sizeof(msg));
	memcpy(msg, cap_teredo_head, sizeof(cap_teredo_head));
	assert_int_equal(parse(msg, sizeof(msg), &an), VG_PARSE_DONE);
	assert_one_anomaly(&an, VG_AN_DNS_TRAILING_BYTES);
	assert_int_equal(m.rcode, 5);
	assert_string_equal(m.questions[0].name, "www.wireshark.org.gateway.2wire.net");
	assert_int_equal(m.questions[0].type, VG_DNS_T_AAAA);

	/* Without the padding nothing is counted. */
	assert_int_equal(parse(msg, sizeof(cap_teredo_head), &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
}

/* ---- DNS over TCP ---- */

static void
test_tcp_framing(void **state)
{
	uint8_t buf[2 + sizeof(msg_query) + 2 + sizeof(msg_a_aaaa)];
	struct vg_anomalies an = { { 0 } };
	size_t consumed, k;

	buf[0] = 0;
	buf[1] = sizeof(msg_query);
	memcpy(buf + 2, msg_query, sizeof(msg_query));
	buf[2 + sizeof(msg_query)] = 0;
	buf[3 + sizeof(msg_query)] = sizeof(msg_a_aaaa);
	memcpy(buf + 4 + sizeof(msg_query), msg_a_aaaa, sizeof(msg_a_aaaa));

	/* The prefix itself split: one byte says nothing yet. */
	assert_int_equal(vg_dns_parse_tcp(buf, 0, &m, &consumed, &an), VG_PARSE_MORE);
	assert_int_equal(consumed, 2);
	assert_int_equal(vg_dns_parse_tcp(buf, 1, &m, &consumed, &an), VG_PARSE_MORE);
	assert_int_equal(consumed, 2);
	/* Any shorter prefix of the first message asks for all of it. */
	for (k = 2; k < 2 + sizeof(msg_query); k++) {
		assert_int_equal(vg_dns_parse_tcp(buf, k, &m, &consumed, &an), VG_PARSE_MORE);
		assert_int_equal(consumed, 2 + sizeof(msg_query));
	}
	assert_int_equal(vg_anomalies_total(&an), 0);

	/* Two messages back to back. */
	assert_int_equal(vg_dns_parse_tcp(buf, sizeof(buf), &m, &consumed, &an), VG_PARSE_DONE);
	assert_int_equal(consumed, 2 + sizeof(msg_query));
	assert_int_equal(m.id, 0x1234);
	assert_string_equal(m.questions[0].name, "www.example.com");
	assert_int_equal(vg_dns_parse_tcp(buf + consumed, sizeof(buf) - consumed, &m, &consumed,
	    &an), VG_PARSE_DONE);
	assert_int_equal(consumed, 2 + sizeof(msg_a_aaaa));
	assert_int_equal(m.id, 0xbeef);
	assert_int_equal(m.n_answers, 2);
	assert_int_equal(vg_anomalies_total(&an), 0);
}

static void
test_tcp_bad_length(void **state)
{
	static const uint8_t zero[] = { 0x00, 0x00, 0x12, 0x34 };
	static const uint8_t five[] = { 0x00, 0x05, 0x12, 0x34, 0x00, 0x00, 0x00 };
	struct vg_anomalies an = { { 0 } };
	size_t consumed;

	assert_int_equal(vg_dns_parse_tcp(zero, sizeof(zero), &m, &consumed, &an),
	    VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_TCP_LENGTH);
	assert_int_equal(consumed, 2);

	/* Shorter than a header cannot be a message either. */
	memset(&an, 0, sizeof(an));
	assert_int_equal(vg_dns_parse_tcp(five, sizeof(five), &m, &consumed, &an),
	    VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_BAD_TCP_LENGTH);
	assert_int_equal(consumed, 7);
}

static void
test_tcp_malformed_inner(void **state)
{
	uint8_t buf[2 + sizeof(msg_loop)];
	struct vg_anomalies an = { { 0 } };
	size_t consumed;

	buf[0] = 0;
	buf[1] = sizeof(msg_loop);
	memcpy(buf + 2, msg_loop, sizeof(msg_loop));
	assert_int_equal(vg_dns_parse_tcp(buf, sizeof(buf), &m, &consumed, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_DNS_POINTER_FORWARD);
	assert_int_equal(consumed, sizeof(buf));
}

static void
test_type_names(void **state)
{
	assert_string_equal(vg_dns_type_name(VG_DNS_T_A), "A");
	assert_string_equal(vg_dns_type_name(VG_DNS_T_AAAA), "AAAA");
	assert_string_equal(vg_dns_type_name(VG_DNS_T_CNAME), "CNAME");
	assert_string_equal(vg_dns_type_name(65), "HTTPS");
	assert_null(vg_dns_type_name(65534));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_response_a_aaaa),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_cname_chain_limit),
		cmocka_unit_test(test_cname_loop_without_question),
		cmocka_unit_test(test_multiple_questions),
		cmocka_unit_test(test_compression_depth),
		cmocka_unit_test(test_pointer_limit),
		cmocka_unit_test(test_root_name),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_mdns_query_unicast_bit),
		cmocka_unit_test(test_ttl_top_bit),
		cmocka_unit_test(test_other_class_skipped),
		cmocka_unit_test(test_answers_cap),
		cmocka_unit_test(test_too_many_records),
		cmocka_unit_test(test_short_header),
		cmocka_unit_test(test_forward_pointer),
		cmocka_unit_test(test_self_pointer),
		cmocka_unit_test(test_pointer_loop),
		cmocka_unit_test(test_bad_label_types),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_rdlength),
		cmocka_unit_test(test_a_rdlength_5),
		cmocka_unit_test(test_cname_rdata_mismatch),
		cmocka_unit_test(test_qdcount_oversized),
		cmocka_unit_test(test_truncation_every_byte),
		cmocka_unit_test(test_capture_binds),
		cmocka_unit_test(test_capture_max_compression),
		cmocka_unit_test(test_capture_invalid_names),
		cmocka_unit_test(test_capture_mdns),
		cmocka_unit_test(test_capture_trailing_bytes),
		cmocka_unit_test(test_tcp_framing),
		cmocka_unit_test(test_tcp_bad_length),
		cmocka_unit_test(test_tcp_malformed_inner),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
