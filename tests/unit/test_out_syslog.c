/* test_out_syslog.c - RFC 5424 and JSON-lines writers against hand-written messages and real
 * sockets: unix datagram and stream, TCP with octet counting, TLS with certificates made here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "out_jsonl.h"
#include "out_syslog.h"

/* The bytes fill_event() puts in, as hex written out by hand. */
#define STORE_HEX "00112233445566778899aabbccddeeff"
#define HASH_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define PREV_HEX "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
#define SIG_HEX "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" \
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
#define TS_US 1700000000123456ull      /* date -u -d @1700000000: Tue Nov 14 22:13:20 2023 */
#define TS_TXT "2023-11-14T22:13:20.123456Z"
#define VIGIE_SD(seq, type) "[vigie@32473 store=\"" STORE_HEX "\" seq=\"" seq "\" type=\"" \
	type "\" hash=\"" HASH_HEX "\" prev=\"" PREV_HEX "\""

#define FLOW_JSON "{\"data\":{\"dest\":{\"country\":\"IE\",\"provider\":\"openai\"," \
	"\"region\":\"eu-west-1\"},\"dst_ip\":\"203.0.113.7\",\"dst_port\":443," \
	"\"hostname\":\"api.openai.com\",\"proto\":\"tcp\"},\"ts\":\"" TS_TXT "\"," \
	"\"type\":\"flow\"}"
#define FLOW_SD "[flow@32473 host=\"api.openai.com\" provider=\"openai\" region=\"eu-west-1\" " \
	"country=\"IE\" dst=\"203.0.113.7\" port=\"443\" proto=\"tcp\"]"

static uint8_t store_id[VG_STORE_ID_LEN];
static char tmpdir[64];
static char big[VG_SYSLOG_MSG_MAX + 64];

static void
fill_event(struct vg_event *e, uint64_t seq, const char *type, const char *json, size_t len)
{
	memset(e, 0, sizeof(*e));
	e->seq = seq;
	e->ts_us = TS_US;
	snprintf(e->type, sizeof(e->type), "%s", type);
	e->json = json;
	e->json_len = len;
	for (int i = 0; i < VG_HASH_LEN; i++) {
		e->hash[i] = (uint8_t)i;
		e->prev[i] = (uint8_t)(0x20 + i);
	}
}

static void
fill_checkpoint(struct vg_checkpoint *c, uint64_t seq)
{
	memset(c, 0, sizeof(*c));
	c->seq = seq;
	c->ts_us = TS_US;
	for (int i = 0; i < VG_HASH_LEN; i++)
		c->head[i] = (uint8_t)i;
	memcpy(c->store_id, store_id, sizeof(store_id));
	snprintf(c->key_id, sizeof(c->key_id), "0123456789abcdef");
	for (int i = 0; i < VG_SIG_LEN; i++)
		c->sig[i] = (uint8_t)(0x40 + i);
}

static int
format_json(const struct vg_syslog_hdr *h, uint64_t seq, const char *type, const char *json,
    char *buf, size_t len)
{
	struct vg_event e;
	struct vg_err err;
	int n;

	fill_event(&e, seq, type, json, strlen(json));
	n = vg_syslog_format_event(h, &e, store_id, buf, len, &err);
	if (n < 0)
		print_message("format: %s\n", err.msg);
	return n;
}

/* ---- formatting */

static void
test_flow_message(void **state)
{
	struct vg_syslog_hdr h = { 16, "host.example", "4242" };
	/* local0 (16) * 8 + info (6) = 134 */
	static const char want[] = "<134>1 " TS_TXT " host.example vigie 4242 flow "
	    VIGIE_SD("7", "flow") "]" FLOW_SD " " FLOW_JSON;
	int n = format_json(&h, 7, "flow", FLOW_JSON, big, sizeof(big));

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(big, want);
}

static void
test_finding_severity_and_facility(void **state)
{
	static const char fail_json[] = "{\"data\":{\"control\":\"GDPR-RES-1\",\"message\":\"m\","
	    "\"result\":\"fail\",\"severity\":\"high\",\"subject\":{\"kind\":\"flow\"}},"
	    "\"ts\":\"" TS_TXT "\",\"type\":\"finding\"}";
	static const char pass_json[] = "{\"data\":{\"control\":\"GDPR-RES-1\",\"result\":\"pass\","
	    "\"severity\":\"high\"},\"ts\":\"" TS_TXT "\",\"type\":\"finding\"}";
	struct vg_syslog_hdr h = { vg_syslog_parse_facility("local7"), NULL, NULL };
	char want[2048];

	assert_int_equal(h.facility, 23);
	/* local7 (23) * 8 + warning (4) = 188; no hostname and no procid: NILVALUE */
	snprintf(want, sizeof(want), "<188>1 " TS_TXT " - vigie - finding " VIGIE_SD("9", "finding")
	    "][finding@32473 control=\"GDPR-RES-1\" result=\"fail\" severity=\"high\" "
	    "subject=\"flow\"] %s", fail_json);
	assert_true(format_json(&h, 9, "finding", fail_json, big, sizeof(big)) > 0);
	assert_string_equal(big, want);
	/* a pass is informational: 184 + 6 */
	snprintf(want, sizeof(want), "<190>1 " TS_TXT " - vigie - finding " VIGIE_SD("9", "finding")
	    "][finding@32473 control=\"GDPR-RES-1\" result=\"pass\" severity=\"high\"] %s",
	    pass_json);
	assert_true(format_json(&h, 9, "finding", pass_json, big, sizeof(big)) > 0);
	assert_string_equal(big, want);
	/* kern/emerg would be <0>: facility 0 is valid */
	h.facility = 0;
	assert_true(format_json(&h, 9, "start", "{}", big, sizeof(big)) > 0);
	assert_memory_equal(big, "<6>1 ", 5);
}

static void
test_checkpoint_message(void **state)
{
	struct vg_syslog_hdr h = { 16, "h", "1" };
	struct vg_checkpoint c;
	struct vg_err err;
	/* local0 * 8 + notice (5) = 133 */
	static const char want[] = "<133>1 " TS_TXT " h vigie 1 checkpoint [vigie@32473 store=\""
	    STORE_HEX "\" seq=\"10\" type=\"checkpoint\" hash=\"" HASH_HEX "\"][checkpoint@32473 "
	    "ts=\"" TS_TXT "\" key=\"0123456789abcdef\" sig=\"" SIG_HEX "\"] checkpoint seq=10 "
	    "head=" HASH_HEX;

	fill_checkpoint(&c, 10);
	assert_int_equal(vg_syslog_format_checkpoint(&h, &c, big, sizeof(big), &err),
	    (int)strlen(want));
	assert_string_equal(big, want);
	/* one byte short of the message and its NUL */
	assert_int_equal(vg_syslog_format_checkpoint(&h, &c, big, strlen(want), &err), -1);
	memset(c.key_id, 'a', sizeof(c.key_id));
	assert_int_equal(vg_syslog_format_checkpoint(&h, &c, big, sizeof(big), &err), -1);
}

static void
test_escaping(void **state)
{
	/* JSON text: "a\"b\\c]d" is the value a"b\c]d */
	static const char json[] = "{\"data\":{\"dest\":{\"provider\":\"x]\"},"
	    "\"hostname\":\"a\\\"b\\\\c]d\"},\"ts\":\"" TS_TXT "\",\"type\":\"flow\"}";
	struct vg_syslog_hdr h = { 16, "h", "1" };
	char want[1024];

	snprintf(want, sizeof(want), "<134>1 " TS_TXT " h vigie 1 flow " VIGIE_SD("1", "flow")
	    "][flow@32473 host=\"a\\\"b\\\\c\\]d\" provider=\"x\\]\"] %s", json);
	assert_true(format_json(&h, 1, "flow", json, big, sizeof(big)) > 0);
	assert_string_equal(big, want);
	/* MSGID allows '"' and ']' (PRINTUSASCII); the SD value escapes them */
	assert_true(format_json(&h, 1, "x\"]", "{}", big, sizeof(big)) > 0);
	assert_string_equal(big, "<134>1 " TS_TXT " h vigie 1 x\"] [vigie@32473 store=\""
	    STORE_HEX "\" seq=\"1\" type=\"x\\\"\\]\" hash=\"" HASH_HEX "\" prev=\"" PREV_HEX
	    "\"] {}");
}

/*
 * A "start" event whose data holds n ASCII 'a' then as many copies of ch as keep the JSON
 * within total bytes (and its NUL within cap). Returns the JSON length.
 */
static size_t
long_event(char *json, size_t cap, size_t n, const char *ch, size_t total)
{
	static const char head[] = "{\"data\":{\"x\":\"", tail[] = "\"},\"ts\":\"" TS_TXT
	    "\",\"type\":\"start\"}";
	size_t len = 0, cl = strlen(ch);

	memcpy(json, head, sizeof(head) - 1);
	len = sizeof(head) - 1;
	memset(json + len, 'a', n);
	len += n;
	while (len + cl + sizeof(tail) - 1 <= total && len + cl + sizeof(tail) <= cap) {
		memcpy(json + len, ch, cl);
		len += cl;
	}
	memcpy(json + len, tail, sizeof(tail));
	return len + sizeof(tail) - 1;
}

static void
test_truncation_on_utf8_boundary(void **state)
{
	/* The message before MSG, counted from the contract: PRI, header, SD. */
	static const char pre[] = "<134>1 " TS_TXT " h vigie 1 start " VIGIE_SD("1", "start");
	static const char trunc[] = " truncated=\"1\"]";
	static const char head[] = "{\"data\":{\"x\":\"";
	static const struct { const char *ch; size_t into; } cases[] = {
		{ "\xe2\x82\xac", 0 }, { "\xe2\x82\xac", 1 }, { "\xe2\x82\xac", 2 },
		{ "\xf0\x9f\x98\x80", 3 }, { "\xc3\xa9", 1 },
	};
	struct vg_syslog_hdr h = { 16, "h", "1" };
	size_t room = VG_SYSLOG_MSG_MAX - (sizeof(pre) - 1) - (sizeof(trunc) - 1) - 1;
	char *json = malloc(2 * VG_SYSLOG_MSG_MAX);
	struct vg_event e;
	struct vg_err err;

	assert_non_null(json);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* MSG has room for `room` bytes: the cut falls `into` bytes into a character */
		size_t n = room - (sizeof(head) - 1) - cases[i].into;
		size_t len = long_event(json, 2 * VG_SYSLOG_MSG_MAX, n, cases[i].ch,
		    VG_SYSLOG_MSG_MAX + 100);
		size_t keep = (sizeof(head) - 1) + n;
		int got;

		fill_event(&e, 1, "start", json, len);
		got = vg_syslog_format_event(&h, &e, store_id, big, sizeof(big), &err);
		assert_int_equal(got, VG_SYSLOG_MSG_MAX - (int)cases[i].into);
		assert_memory_equal(big, pre, sizeof(pre) - 1);
		assert_memory_equal(big + sizeof(pre) - 1, trunc, sizeof(trunc) - 1);
		assert_int_equal(big[sizeof(pre) - 1 + sizeof(trunc) - 1], ' ');
		assert_memory_equal(big + sizeof(pre) + sizeof(trunc) - 1, json, keep);
		assert_int_equal(big[got], '\0');
	}
	/* Exactly at the cap: no truncation. One byte more: truncated. */
	{
		size_t msgmax = VG_SYSLOG_MSG_MAX - (sizeof(pre) - 1) - 2;  /* "]" and " " */
		size_t len = long_event(json, 2 * VG_SYSLOG_MSG_MAX, 0, "b", msgmax);

		assert_int_equal(len, msgmax);
		fill_event(&e, 1, "start", json, len);
		assert_int_equal(vg_syslog_format_event(&h, &e, store_id, big, sizeof(big), &err),
		    VG_SYSLOG_MSG_MAX);
		assert_null(strstr(big, "truncated"));
		len = long_event(json, 2 * VG_SYSLOG_MSG_MAX, 0, "b", msgmax + 1);
		assert_int_equal(len, msgmax + 1);
		fill_event(&e, 1, "start", json, len);
		assert_int_equal(vg_syslog_format_event(&h, &e, store_id, big, sizeof(big), &err),
		    VG_SYSLOG_MSG_MAX);
		assert_non_null(strstr(big, trunc));
		/* a buffer that cannot hold the capped message is an error, never a shorter cut */
		assert_int_equal(vg_syslog_format_event(&h, &e, store_id, big, 1000, &err), -1);
	}
	free(json);
}

static void
test_malformed_data(void **state)
{
	struct vg_syslog_hdr h = { 16, "h", "1" };
	char want[4096], json[2048], v256[257], v257[258];

	/* not JSON: the vigie element alone, MSG as given */
	assert_true(format_json(&h, 1, "flow", "{bad", big, sizeof(big)) > 0);
	assert_string_equal(big, "<134>1 " TS_TXT " h vigie 1 flow " VIGIE_SD("1", "flow")
	    "] {bad");
	/* data not an object */
	assert_true(format_json(&h, 1, "flow", "{\"data\":[1]}", big, sizeof(big)) > 0);
	assert_string_equal(big, "<134>1 " TS_TXT " h vigie 1 flow " VIGIE_SD("1", "flow")
	    "] {\"data\":[1]}");
	/* duplicate keys are refused by the parser */
	assert_true(format_json(&h, 1, "flow", "{\"data\":{},\"data\":{}}", big, sizeof(big)) > 0);
	assert_null(strstr(big, "[flow@"));
	/* null host gives "-", null or absent others are left out, a port may be a string,
	   a real number, a control character and an over-long value are left out */
	memset(v256, 'p', 256);
	v256[256] = '\0';
	memset(v257, 'r', 257);
	v257[257] = '\0';
	snprintf(json, sizeof(json), "{\"data\":{\"dest\":{\"country\":null,\"provider\":\"%s\","
	    "\"region\":\"%s\"},\"dst_ip\":\"a\\nb\",\"dst_port\":\"443\",\"hostname\":null,"
	    "\"proto\":6.5},\"ts\":\"x\",\"type\":\"flow\"}", v256, v257);
	snprintf(want, sizeof(want), "<134>1 " TS_TXT " h vigie 1 flow " VIGIE_SD("1", "flow")
	    "][flow@32473 host=\"-\" provider=\"%s\" port=\"443\"] %s", v256, json);
	assert_true(format_json(&h, 1, "flow", json, big, sizeof(big)) > 0);
	assert_string_equal(big, want);
	/* a finding without any of its fields has no second element; dest not an object */
	assert_true(format_json(&h, 1, "finding", "{\"data\":{\"subject\":\"flow\"}}", big,
	    sizeof(big)) > 0);
	assert_null(strstr(big, "[finding@"));
	assert_true(format_json(&h, 1, "flow", "{\"data\":{\"dest\":\"eu\"}}", big,
	    sizeof(big)) > 0);
	assert_non_null(strstr(big, "[flow@32473 host=\"-\"] "));
	/* other types never get a second element */
	assert_true(format_json(&h, 1, "config", "{\"data\":{\"control\":\"c\"}}", big,
	    sizeof(big)) > 0);
	assert_null(strstr(big, "]["));
}

static void
test_oversized_data(void **state)
{
	struct vg_syslog_hdr h = { 16, "h", "1" };
	size_t len = VG_SYSLOG_DATA_MAX + 10;
	char *json = malloc(len + 1);
	struct vg_event e;
	struct vg_err err;
	static const char head[] = "{\"data\":{\"hostname\":\"h\",\"pad\":\"";

	assert_non_null(json);
	memcpy(json, head, sizeof(head) - 1);
	memset(json + sizeof(head) - 1, 'z', len - (sizeof(head) - 1) - 3);
	memcpy(json + len - 3, "\"}}", 4);
	fill_event(&e, 1, "flow", json, len);
	/* too long to parse for SD: vigie element only, MSG cut */
	assert_int_equal(vg_syslog_format_event(&h, &e, store_id, big, sizeof(big), &err),
	    VG_SYSLOG_MSG_MAX);
	assert_null(strstr(big, "[flow@"));
	assert_non_null(strstr(big, "truncated=\"1\"] {\"data\""));
	free(json);
}

static void
test_header_validation(void **state)
{
	struct vg_syslog_hdr h = { 16, "h", "1" };
	struct vg_event e;
	struct vg_err err;
	char host[300];

	memset(host, 'n', 255);
	host[255] = '\0';
	h.hostname = host;
	assert_true(format_json(&h, 1, "start", "{}", big, sizeof(big)) > 0);
	host[255] = 'n';
	host[256] = '\0';
	assert_int_equal(format_json(&h, 1, "start", "{}", big, sizeof(big)), -1);
	h.hostname = "two words";
	assert_int_equal(format_json(&h, 1, "start", "{}", big, sizeof(big)), -1);
	h.hostname = "caf\xc3\xa9";
	assert_int_equal(format_json(&h, 1, "start", "{}", big, sizeof(big)), -1);
	h.hostname = "h";
	memset(host, '9', 128);
	host[128] = '\0';
	h.procid = host;
	assert_true(format_json(&h, 1, "start", "{}", big, sizeof(big)) > 0);
	host[128] = '9';
	host[129] = '\0';
	assert_int_equal(format_json(&h, 1, "start", "{}", big, sizeof(big)), -1);
	h.procid = "1";
	h.facility = 24;
	assert_int_equal(format_json(&h, 1, "start", "{}", big, sizeof(big)), -1);
	h.facility = -1;
	assert_int_equal(format_json(&h, 1, "start", "{}", big, sizeof(big)), -1);
	h.facility = 16;
	assert_int_equal(format_json(&h, 1, "", "{}", big, sizeof(big)), -1);
	assert_int_equal(format_json(&h, 1, "a b", "{}", big, sizeof(big)), -1);
	assert_int_equal(format_json(&h, 1, "tab\t", "{}", big, sizeof(big)), -1);
	/* a type filling its array without a NUL */
	fill_event(&e, 1, "start", "{}", 2);
	memset(e.type, 'x', sizeof(e.type));
	assert_int_equal(vg_syslog_format_event(&h, &e, store_id, big, sizeof(big), &err), -1);
	/* no MSG at all: the SD ends the message */
	fill_event(&e, 1, "start", NULL, 0);
	assert_true(vg_syslog_format_event(&h, &e, store_id, big, sizeof(big), &err) > 0);
	assert_string_equal(big, "<134>1 " TS_TXT " h vigie 1 start " VIGIE_SD("1", "start") "]");
}

static void
test_parse_facility(void **state)
{
	assert_int_equal(vg_syslog_parse_facility("kern"), 0);
	assert_int_equal(vg_syslog_parse_facility("user"), 1);
	assert_int_equal(vg_syslog_parse_facility("daemon"), 3);
	assert_int_equal(vg_syslog_parse_facility("authpriv"), 10);
	assert_int_equal(vg_syslog_parse_facility("ftp"), 11);
	assert_int_equal(vg_syslog_parse_facility("local0"), 16);
	assert_int_equal(vg_syslog_parse_facility("local7"), 23);
	assert_int_equal(vg_syslog_parse_facility("local8"), -1);
	assert_int_equal(vg_syslog_parse_facility("LOCAL0"), -1);
	assert_int_equal(vg_syslog_parse_facility(""), -1);
}

static void
test_destinations(void **state)
{
	static const struct { const char *dest, *why; } bad[] = {
		{ "", "empty" },
		{ "udp://h:514", "expected local" },
		{ "tcp://", "no host" },
		{ "tcp://:601", "no host" },
		{ "tcp://h:0", "port" },
		{ "tcp://h:65536", "port" },
		{ "tcp://h:", "port" },
		{ "tcp://h:6o1", "port" },
		{ "tcp://h:+601", "port" },
		{ "tcp://h:601/", "port" },
		{ "tcp://h/x", "cannot be part" },
		{ "tcp://::1:601", "brackets" },
		{ "tcp://[::1", "without ']'" },
		{ "tcp://[]:601", "IPv6" },
		{ "tcp://[1.2.3.4]:601", "not an IPv6" },
		{ "tcp://[::1]601", "unexpected" },
		{ "tls://[::1]:x", "port" },
		{ "unix:", "socket path" },
		{ "TCP://h", "expected local" },
		{ "local:", "expected local" },
	};
	struct vg_syslog_opts o = { .facility = 16, .timeout_ms = 500 };
	struct vg_err err;
	char longpath[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		if (vg_syslog_open(bad[i].dest, &o, &err) != NULL)
			fail_msg("'%s' accepted", bad[i].dest);
		if (strstr(err.msg, bad[i].why) == NULL)
			fail_msg("'%s': '%s' does not say '%s'", bad[i].dest, err.msg, bad[i].why);
	}
	snprintf(longpath, sizeof(longpath), "unix:/%0150d", 0);
	assert_null(vg_syslog_open(longpath, &o, &err));
	assert_non_null(strstr(err.msg, "socket path"));
	/* TLS needs a CA file, certificate and key go together, TLS options need tls:// */
	assert_null(vg_syslog_open("tls://127.0.0.1:1", &o, &err));
	assert_non_null(strstr(err.msg, "CA file"));
	o.ca_file = "/nonexistent/ca.pem";
	o.cert_file = "c.pem";
	assert_null(vg_syslog_open("tls://127.0.0.1:1", &o, &err));
	assert_non_null(strstr(err.msg, "go together"));
	o.cert_file = NULL;
	assert_null(vg_syslog_open("tls://127.0.0.1:1", &o, &err));
	assert_non_null(strstr(err.msg, "/nonexistent/ca.pem"));
	assert_null(vg_syslog_open("tcp://127.0.0.1:1", &o, &err));
	assert_non_null(strstr(err.msg, "need a tls://"));
	o.ca_file = NULL;
	o.facility = 24;
	assert_null(vg_syslog_open("tcp://127.0.0.1:1", &o, &err));
	assert_non_null(strstr(err.msg, "facility"));
	o.facility = 16;
	o.hostname = "bad host";
	assert_null(vg_syslog_open("tcp://127.0.0.1:1", &o, &err));
	assert_non_null(strstr(err.msg, "hostname"));
}

/* ---- sockets */

static int
tcp_listener(struct sockaddr_in *sin)
{
	socklen_t sl = sizeof(*sin);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sin, &sl), 0);
	return fd;
}

static int
unix_listener(const char *path, int type)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static void
rcv_timeout(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* Reads exactly n bytes (or fails the test). */
static void
read_exact(int fd, char *buf, size_t n)
{
	size_t got = 0;

	rcv_timeout(fd, 5000);
	while (got < n) {
		ssize_t r = recv(fd, buf + got, n - got, 0);

		if (r <= 0)
			fail_msg("read %zu of %zu bytes: %s", got, n,
			    r == 0 ? "EOF" : strerror(errno));
		got += (size_t)r;
	}
}

static void
want_flow(char *buf, size_t len, const char *host, uint64_t seq)
{
	snprintf(buf, len, "<134>1 " TS_TXT " %s vigie %ld flow [vigie@32473 store=\"" STORE_HEX
	    "\" seq=\"%llu\" type=\"flow\" hash=\"" HASH_HEX "\" prev=\"" PREV_HEX "\"]" FLOW_SD
	    " " FLOW_JSON, host, (long)getpid(), (unsigned long long)seq);
}

static void
test_unix_datagram(void **state)
{
	struct vg_syslog_opts o = { .facility = 16, .hostname = "testhost", .timeout_ms = 1000 };
	char path[128], dest[160], want[4096], got[8192];
	struct vg_syslog *s;
	struct vg_checkpoint c;
	struct vg_event e;
	struct vg_err err;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/dgram.sock", tmpdir);
	snprintf(dest, sizeof(dest), "unix:%s", path);
	fd = unix_listener(path, SOCK_DGRAM);
	rcv_timeout(fd, 5000);
	if ((s = vg_syslog_open(dest, &o, &err)) == NULL)
		fail_msg("%s", err.msg);
	fill_event(&e, 7, "flow", FLOW_JSON, strlen(FLOW_JSON));
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	n = recv(fd, got, sizeof(got), 0);
	want_flow(want, sizeof(want), "testhost", 7);
	/* one datagram, no framing, no trailer */
	assert_int_equal(n, (ssize_t)strlen(want));
	assert_memory_equal(got, want, (size_t)n);
	fill_checkpoint(&c, 7);
	assert_int_equal(vg_syslog_send_checkpoint(s, &c, &err), 0);
	n = recv(fd, got, sizeof(got) - 1, 0);
	assert_true(n > 0);
	got[n] = '\0';
	assert_memory_equal(got, "<133>1 ", 7);
	assert_non_null(strstr(got, " checkpoint seq=7 head=" HASH_HEX));
	/* a full 64 KiB message goes whole too */
	{
		char *json = malloc(2 * VG_SYSLOG_MSG_MAX);
		size_t len = long_event(json, 2 * VG_SYSLOG_MSG_MAX, 0, "c", 2 * VG_SYSLOG_MSG_MAX);
		char *rb = malloc(2 * VG_SYSLOG_MSG_MAX);

		fill_event(&e, 8, "start", json, len);
		assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
		n = recv(fd, rb, 2 * VG_SYSLOG_MSG_MAX, 0);
		assert_int_equal(n, VG_SYSLOG_MSG_MAX);
		free(json);
		free(rb);
	}
	/* the kernel took each datagram: confirmed */
	assert_int_equal(vg_syslog_finish(s, 100, &err), 1);
	fill_event(&e, 7, "flow", FLOW_JSON, strlen(FLOW_JSON));
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), -1);
	assert_int_equal(vg_syslog_reconnect(s, &err), 0);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	assert_int_equal(recv(fd, got, sizeof(got), 0), (ssize_t)strlen(want));
	/* the receiver goes away (syslog daemon restart): an error, then a reconnect */
	close(fd);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), -1);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), -1);
	assert_non_null(strstr(err.msg, "not connected"));
	fd = unix_listener(path, SOCK_DGRAM);
	rcv_timeout(fd, 5000);
	assert_int_equal(vg_syslog_reconnect(s, &err), 0);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	assert_int_equal(recv(fd, got, sizeof(got), 0), (ssize_t)strlen(want));
	/* an event that cannot be formatted leaves the connection alone */
	memset(e.type, 0, sizeof(e.type));
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), -2);
	fill_event(&e, 7, "flow", FLOW_JSON, strlen(FLOW_JSON));
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	vg_syslog_free(s);
	vg_syslog_free(NULL);
	close(fd);
	unlink(path);
}

static void
test_unix_stream_fallback(void **state)
{
	struct vg_syslog_opts o = { .facility = 16, .hostname = "testhost", .timeout_ms = 1000 };
	char path[128], dest[160], want[4096], got[4096];
	struct vg_syslog *s;
	struct vg_event e;
	struct vg_err err;
	int lfd, fd;

	snprintf(path, sizeof(path), "%s/stream.sock", tmpdir);
	snprintf(dest, sizeof(dest), "unix:%s", path);
	lfd = unix_listener(path, SOCK_STREAM);
	if ((s = vg_syslog_open(dest, &o, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_true((fd = accept(lfd, NULL, NULL)) >= 0);
	fill_event(&e, 7, "flow", FLOW_JSON, strlen(FLOW_JSON));
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	want_flow(want, sizeof(want), "testhost", 7);
	/* syslog(3)'s stream framing: each message ends with a NUL */
	read_exact(fd, got, strlen(want) + 1);
	assert_memory_equal(got, want, strlen(want) + 1);
	read_exact(fd, got, strlen(want) + 1);
	assert_memory_equal(got, want, strlen(want) + 1);
	/*
	 * The reader stops reading: a send now fails with EPIPE, which would raise SIGPIPE
	 * (and end this test program) without MSG_NOSIGNAL.
	 */
	shutdown(fd, SHUT_RD);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), -1);
	assert_non_null(strstr(err.msg, "Broken pipe"));
	close(fd);
	assert_int_equal(vg_syslog_reconnect(s, &err), 0);
	assert_true((fd = accept(lfd, NULL, NULL)) >= 0);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	read_exact(fd, got, strlen(want) + 1);
	assert_memory_equal(got, want, strlen(want) + 1);
	vg_syslog_free(s);
	close(fd);
	close(lfd);
	unlink(path);
}

/* A collector in a thread: reads everything until EOF, then closes (or waits to be told). */
struct peer {
	int lfd;
	SSL_CTX *ctx;          /* NULL: plain TCP */
	bool hold;             /* keep the connection open after EOF until released */
	bool reset;            /* after EOF, reset the connection instead of closing it */
	int release[2];        /* pipe: a byte (or EOF) releases a holding peer */
	bool handshake_failed;
	char *buf;
	size_t len;
	pthread_t t;
};

static void *
peer_main(void *arg)
{
	struct peer *p = arg;
	sigset_t set;
	SSL *ssl = NULL;
	char c;
	int fd;

	/* Our own writes must not raise SIGPIPE: the library's would still end the test. */
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((fd = accept(p->lfd, NULL, NULL)) < 0)
		return NULL;
	rcv_timeout(fd, 5000);
	if (p->ctx != NULL) {
		ssl = SSL_new(p->ctx);
		SSL_set_fd(ssl, fd);
		if (SSL_accept(ssl) != 1) {
			p->handshake_failed = true;
			SSL_free(ssl);
			close(fd);
			return NULL;
		}
	}
	for (;;) {
		size_t n = 0, room = 2 * VG_SYSLOG_MSG_MAX - p->len;
		ssize_t r;

		if (ssl != NULL) {
			if (SSL_read_ex(ssl, p->buf + p->len, room, &n) != 1)
				break;
		} else {
			if ((r = recv(fd, p->buf + p->len, room, 0)) <= 0)
				break;
			n = (size_t)r;
		}
		p->len += n;
	}
	if (p->hold)
		(void)!read(p->release[0], &c, 1);
	if (p->reset) {
		struct linger lg = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	} else if (ssl != NULL) {
		SSL_shutdown(ssl);
	}
	SSL_free(ssl);
	close(fd);
	return NULL;
}

enum peer_end { PEER_CLOSE, PEER_HOLD, PEER_RESET };

static void
peer_start(struct peer *p, int lfd, SSL_CTX *ctx, enum peer_end end)
{
	memset(p, 0, sizeof(*p));
	p->lfd = lfd;
	p->ctx = ctx;
	p->hold = end == PEER_HOLD;
	p->reset = end == PEER_RESET;
	p->buf = malloc(2 * VG_SYSLOG_MSG_MAX);
	assert_non_null(p->buf);
	assert_int_equal(pipe(p->release), 0);
	assert_int_equal(pthread_create(&p->t, NULL, peer_main, p), 0);
}

static void
peer_join(struct peer *p)
{
	close(p->release[1]);
	pthread_join(p->t, NULL);
	close(p->release[0]);
}

static void
peer_free(struct peer *p)
{
	free(p->buf);
}

/* "<len> <msg>" for each of the messages, as RFC 6587 3.4.1 frames them. */
static size_t
frames(char *out, size_t cap, const char *const *msgs, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%zu %s", strlen(msgs[i]), msgs[i]);
	return len;
}

static int64_t
ms_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
test_tcp_framing_and_finish(void **state)
{
	struct vg_syslog_opts o = { .facility = 16, .hostname = "testhost", .timeout_ms = 2000 };
	char dest[64], m1[4096], m2[4096], want[8192];
	const char *msgs[2] = { m1, m2 };
	struct sockaddr_in sin;
	struct vg_checkpoint c;
	struct vg_syslog *s;
	struct vg_event e;
	struct vg_err err;
	struct peer p;
	int lfd = tcp_listener(&sin);

	snprintf(dest, sizeof(dest), "tcp://127.0.0.1:%u", ntohs(sin.sin_port));
	peer_start(&p, lfd, NULL, PEER_CLOSE);
	if ((s = vg_syslog_open(dest, &o, &err)) == NULL)
		fail_msg("%s", err.msg);
	fill_event(&e, 7, "flow", FLOW_JSON, strlen(FLOW_JSON));
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	fill_checkpoint(&c, 7);
	assert_int_equal(vg_syslog_send_checkpoint(s, &c, &err), 0);
	/* the peer reads to EOF and closes: delivery confirmed */
	assert_int_equal(vg_syslog_finish(s, 2000, &err), 1);
	peer_join(&p);
	want_flow(m1, sizeof(m1), "testhost", 7);
	snprintf(m2, sizeof(m2), "<133>1 " TS_TXT " testhost vigie %ld checkpoint [vigie@32473 "
	    "store=\"" STORE_HEX "\" seq=\"7\" type=\"checkpoint\" hash=\"" HASH_HEX "\"]"
	    "[checkpoint@32473 ts=\"" TS_TXT "\" key=\"0123456789abcdef\" sig=\"" SIG_HEX "\"] "
	    "checkpoint seq=7 head=" HASH_HEX, (long)getpid());
	assert_int_equal(p.len, frames(want, sizeof(want), msgs, 2));
	assert_memory_equal(p.buf, want, p.len);
	/* the frame starts with the decimal length, e.g. "1060 <134>1 ..." */
	assert_memory_equal(p.buf + strcspn(p.buf, " "), " <134>1 ", 8);
	peer_free(&p);
	/* finish without a connection */
	assert_int_equal(vg_syslog_finish(s, 100, &err), -1);
	/* a peer that reads but never closes: not confirmed, after the timeout */
	peer_start(&p, lfd, NULL, PEER_HOLD);
	assert_int_equal(vg_syslog_reconnect(s, &err), 0);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	{
		int64_t t0 = ms_now(), dt;

		assert_int_equal(vg_syslog_finish(s, 300, &err), 0);
		dt = ms_now() - t0;
		assert_true(dt >= 250 && dt < 3000);
		assert_non_null(strstr(err.msg, "did not confirm"));
	}
	peer_join(&p);
	assert_int_equal(p.len, frames(want, sizeof(want), msgs, 1));
	assert_memory_equal(p.buf, want, p.len);
	peer_free(&p);
	/* a peer that resets instead of closing: not confirmed */
	peer_start(&p, lfd, NULL, PEER_RESET);
	assert_int_equal(vg_syslog_reconnect(s, &err), 0);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	assert_int_equal(vg_syslog_finish(s, 2000, &err), 0);
	peer_join(&p);
	peer_free(&p);
	vg_syslog_free(s);
	close(lfd);
}

static void
test_tcp_reset_and_reconnect(void **state)
{
	struct vg_syslog_opts o = { .facility = 16, .hostname = "testhost", .timeout_ms = 2000 };
	struct linger lg = { 1, 0 };
	char dest[64], m1[4096], want[8192], got[8192];
	const char *msgs[1] = { m1 };
	struct sockaddr_in sin;
	struct vg_syslog *s;
	struct vg_event e;
	struct vg_err err;
	size_t n;
	int lfd = tcp_listener(&sin), fd;

	snprintf(dest, sizeof(dest), "tcp://127.0.0.1:%u", ntohs(sin.sin_port));
	if ((s = vg_syslog_open(dest, &o, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_true((fd = accept(lfd, NULL, NULL)) >= 0);
	fill_event(&e, 7, "flow", FLOW_JSON, strlen(FLOW_JSON));
	want_flow(m1, sizeof(m1), "testhost", 7);
	n = frames(want, sizeof(want), msgs, 1);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	read_exact(fd, got, n);
	assert_memory_equal(got, want, n);
	/* the collector resets the connection mid-stream */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	usleep(20000);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), -1);
	assert_non_null(strstr(err.msg, "reset"));
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), -1);
	assert_int_equal(vg_syslog_reconnect(s, &err), 0);
	assert_true((fd = accept(lfd, NULL, NULL)) >= 0);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	read_exact(fd, got, n);
	assert_memory_equal(got, want, n);
	/* an orderly close by the collector is caught before writing, too */
	close(fd);
	usleep(20000);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), -1);
	assert_non_null(strstr(err.msg, "closed"));
	/* nobody listening: reconnect fails and says why */
	close(lfd);
	assert_int_equal(vg_syslog_reconnect(s, &err), -1);
	assert_non_null(strstr(err.msg, "refused"));
	vg_syslog_free(s);
}

static void
test_tcp_stalled_collector(void **state)
{
	struct vg_syslog_opts o = { .facility = 16, .hostname = "h", .timeout_ms = 300 };
	char dest[64], *json = malloc(2 * VG_SYSLOG_MSG_MAX);
	struct sockaddr_in sin;
	struct vg_syslog *s;
	struct vg_event e;
	struct vg_err err;
	int small = 4096, lfd, fd, rc = 0, i;
	size_t len;
	int64_t t0;

	lfd = tcp_listener(&sin);
	setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	snprintf(dest, sizeof(dest), "tcp://127.0.0.1:%u", ntohs(sin.sin_port));
	if ((s = vg_syslog_open(dest, &o, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_true((fd = accept(lfd, NULL, NULL)) >= 0);
	len = long_event(json, 2 * VG_SYSLOG_MSG_MAX, 0, "d", 2 * VG_SYSLOG_MSG_MAX);
	fill_event(&e, 1, "start", json, len);
	/* the collector never reads: once the buffers fill, a send gives up after the timeout */
	t0 = ms_now();
	for (i = 0; i < 2000 && (rc = vg_syslog_send_event(s, &e, store_id, &err)) == 0; i++)
		;
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, "timed out"));
	assert_true(ms_now() - t0 < 20000);
	vg_syslog_free(s);
	close(fd);
	close(lfd);
	free(json);
}

static void
test_tcp_ipv6(void **state)
{
	struct vg_syslog_opts o = { .facility = 16, .hostname = "h", .timeout_ms = 1000 };
	struct sockaddr_in6 sin6;
	socklen_t sl = sizeof(sin6);
	char dest[64], want[1024], frame[1100], got[1100];
	struct vg_syslog *s;
	struct vg_event e;
	struct vg_err err;
	int lfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), fd;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin6, sizeof(sin6)) != 0) {
		if (lfd >= 0)
			close(lfd);
		skip();
	}
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin6, &sl), 0);
	snprintf(dest, sizeof(dest), "tcp://[::1]:%u", ntohs(sin6.sin6_port));
	if ((s = vg_syslog_open(dest, &o, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_true((fd = accept(lfd, NULL, NULL)) >= 0);
	fill_event(&e, 1, "start", "{}", 2);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	snprintf(want, sizeof(want), "<134>1 " TS_TXT " h vigie %ld start " VIGIE_SD("1", "start")
	    "] {}", (long)getpid());
	snprintf(frame, sizeof(frame), "%zu %s", strlen(want), want);
	read_exact(fd, got, strlen(frame));
	assert_memory_equal(got, frame, strlen(frame));
	vg_syslog_free(s);
	close(fd);
	close(lfd);
}

/* ---- TLS, with certificates made in memory */

/* P-256, through calls OpenSSL 1.1.1 has too. */
static EVP_PKEY *
make_key(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
	EVP_PKEY *k = NULL;

	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1), 1);
	assert_int_equal(EVP_PKEY_keygen(ctx, &k), 1);
	EVP_PKEY_CTX_free(ctx);
	return k;
}

static void
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* A self-signed certificate: its own CA, so the PEM doubles as the trust anchor. */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, const char *san)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *name;

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	add_ext(x, NID_basic_constraints, "critical,CA:TRUE");
	add_ext(x, NID_subject_alt_name, san);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	return x;
}

static void
write_pem(const char *path, X509 *x, EVP_PKEY *key)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	if (x != NULL)
		assert_int_equal(PEM_write_X509(fp, x), 1);
	if (key != NULL)
		assert_int_equal(PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL), 1);
	fclose(fp);
}

static SSL_CTX *
server_ctx(X509 *cert, EVP_PKEY *key, X509 *client_ca)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_use_certificate(ctx, cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(ctx, key), 1);
	if (client_ca != NULL) {
		assert_int_equal(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), client_ca), 1);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	return ctx;
}

static void
test_tls(void **state)
{
	EVP_PKEY *skey = make_key(), *okey = make_key(), *ckey = make_key();
	X509 *scert = make_cert(skey, "collector", "DNS:localhost,IP:127.0.0.1");
	X509 *named = make_cert(skey, "collector", "DNS:localhost");
	X509 *other = make_cert(okey, "collector", "DNS:localhost,IP:127.0.0.1");
	X509 *ccert = make_cert(ckey, "vigie-client", "DNS:client");
	X509 *elsewhere = make_cert(skey, "collector", "DNS:collector.example,IP:127.0.0.1");
	char ca[128], wrong[128], cpem[128], kpem[128], dest[64], m1[4096], want[8192];
	const char *msgs[1] = { m1 };
	struct vg_syslog_opts o = { .facility = 16, .hostname = "testhost", .timeout_ms = 2000 };
	struct sockaddr_in sin;
	struct vg_syslog *s;
	struct vg_event e;
	struct vg_err err;
	struct peer p;
	SSL_CTX *ctx = server_ctx(scert, skey, NULL);
	int lfd = tcp_listener(&sin);

	snprintf(ca, sizeof(ca), "%s/ca.pem", tmpdir);
	snprintf(wrong, sizeof(wrong), "%s/wrong.pem", tmpdir);
	snprintf(cpem, sizeof(cpem), "%s/client.pem", tmpdir);
	snprintf(kpem, sizeof(kpem), "%s/client.key", tmpdir);
	write_pem(ca, scert, NULL);
	write_pem(wrong, other, NULL);
	write_pem(cpem, ccert, NULL);
	write_pem(kpem, NULL, ckey);
	fill_event(&e, 7, "flow", FLOW_JSON, strlen(FLOW_JSON));
	want_flow(m1, sizeof(m1), "testhost", 7);

	/* verified by IP address SAN, one event, delivery confirmed by close_notify */
	snprintf(dest, sizeof(dest), "tls://127.0.0.1:%u", ntohs(sin.sin_port));
	o.ca_file = ca;
	peer_start(&p, lfd, ctx, PEER_CLOSE);
	if ((s = vg_syslog_open(dest, &o, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	assert_int_equal(vg_syslog_finish(s, 2000, &err), 1);
	peer_join(&p);
	assert_int_equal(p.len, frames(want, sizeof(want), msgs, 1));
	assert_memory_equal(p.buf, want, p.len);
	peer_free(&p);
	/* reconnect does a new handshake */
	peer_start(&p, lfd, ctx, PEER_CLOSE);
	assert_int_equal(vg_syslog_reconnect(s, &err), 0);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	assert_int_equal(vg_syslog_finish(s, 2000, &err), 1);
	peer_join(&p);
	assert_int_equal(p.len, strlen(want));
	peer_free(&p);
	/* no close_notify back within the timeout, or a reset: not confirmed */
	peer_start(&p, lfd, ctx, PEER_HOLD);
	assert_int_equal(vg_syslog_reconnect(s, &err), 0);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	assert_int_equal(vg_syslog_finish(s, 300, &err), 0);
	peer_join(&p);
	assert_int_equal(p.len, strlen(want));
	peer_free(&p);
	peer_start(&p, lfd, ctx, PEER_RESET);
	assert_int_equal(vg_syslog_reconnect(s, &err), 0);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	assert_int_equal(vg_syslog_finish(s, 2000, &err), 0);
	peer_join(&p);
	peer_free(&p);
	vg_syslog_free(s);

	/* a CA that did not sign the server's certificate */
	o.ca_file = wrong;
	peer_start(&p, lfd, ctx, PEER_CLOSE);
	assert_null(vg_syslog_open(dest, &o, &err));
	assert_non_null(strstr(err.msg, "certificate verify failed"));
	peer_join(&p);
	assert_true(p.handshake_failed);
	peer_free(&p);

	/* the right CA, but the certificate names only "localhost": 127.0.0.1 does not match */
	SSL_CTX_free(ctx);
	ctx = server_ctx(named, skey, NULL);
	write_pem(ca, named, NULL);
	o.ca_file = ca;
	peer_start(&p, lfd, ctx, PEER_CLOSE);
	assert_null(vg_syslog_open(dest, &o, &err));
	assert_non_null(strstr(err.msg, "mismatch"));
	peer_join(&p);
	peer_free(&p);
	/* by name it verifies (localhost may resolve to ::1 first: the next address is tried) */
	snprintf(dest, sizeof(dest), "tls://localhost:%u", ntohs(sin.sin_port));
	peer_start(&p, lfd, ctx, PEER_CLOSE);
	if ((s = vg_syslog_open(dest, &o, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	assert_int_equal(vg_syslog_finish(s, 2000, &err), 1);
	peer_join(&p);
	assert_int_equal(p.len, strlen(want));
	peer_free(&p);
	vg_syslog_free(s);

	/* a name the certificate does not hold */
	SSL_CTX_free(ctx);
	ctx = server_ctx(elsewhere, skey, NULL);
	write_pem(ca, elsewhere, NULL);
	peer_start(&p, lfd, ctx, PEER_CLOSE);
	assert_null(vg_syslog_open(dest, &o, &err));
	assert_non_null(strstr(err.msg, "hostname mismatch"));
	peer_join(&p);
	peer_free(&p);
	write_pem(ca, named, NULL);

	/* mutual TLS: the collector wants a client certificate signed by ccert */
	SSL_CTX_free(ctx);
	ctx = server_ctx(named, skey, ccert);
	peer_start(&p, lfd, ctx, PEER_CLOSE);
	s = vg_syslog_open(dest, &o, &err);
	/* without one, TLS 1.3 learns it after the handshake: nothing is delivered */
	if (s != NULL) {
		vg_syslog_send_event(s, &e, store_id, &err);
		assert_int_not_equal(vg_syslog_finish(s, 1000, &err), 1);
		vg_syslog_free(s);
	}
	peer_join(&p);
	assert_true(p.handshake_failed);
	assert_int_equal(p.len, 0);
	peer_free(&p);
	o.cert_file = cpem;
	o.key_file = kpem;
	peer_start(&p, lfd, ctx, PEER_CLOSE);
	if ((s = vg_syslog_open(dest, &o, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(vg_syslog_send_event(s, &e, store_id, &err), 0);
	assert_int_equal(vg_syslog_finish(s, 2000, &err), 1);
	peer_join(&p);
	assert_false(p.handshake_failed);
	assert_int_equal(p.len, strlen(want));
	assert_memory_equal(p.buf, want, p.len);
	peer_free(&p);
	vg_syslog_free(s);
	/* a key that does not match the certificate */
	o.key_file = ca;
	assert_null(vg_syslog_open(dest, &o, &err));
	assert_non_null(strstr(err.msg, cpem));

	SSL_CTX_free(ctx);
	X509_free(scert);
	X509_free(named);
	X509_free(other);
	X509_free(ccert);
	X509_free(elsewhere);
	EVP_PKEY_free(skey);
	EVP_PKEY_free(okey);
	EVP_PKEY_free(ckey);
	close(lfd);
}

#ifdef HAVE_SYSLOG_NG
static void
test_evtlog(void **state)
{
	static const char json[] = "{\"data\":{\"dest\":{\"provider\":\"o'ai\","
	    "\"region\":\"a\\\\b\"},"
	    "\"hostname\":\"api.openai.com\"},\"ts\":\"" TS_TXT "\",\"type\":\"flow\"}";
	struct vg_event e;
	struct vg_err err;
	struct vg_syslog *s;
	char *text;

	fill_event(&e, 7, "flow", json, strlen(json));
	text = vg_syslog_evtlog_text(&e, store_id, &err);
	assert_non_null(text);
	/* evtlog's plain format: "desc; name='value', ..."; a quote gets a backslash, a value
	   holding a backslash is left out */
	assert_string_equal(text, "flow; store='" STORE_HEX "', seq='7', type='flow', hash='"
	    HASH_HEX "', prev='" PREV_HEX "', host='api.openai.com', provider='o\\'ai'");
	free(text);
	memset(e.type, 0, sizeof(e.type));
	assert_null(vg_syslog_evtlog_text(&e, store_id, &err));
	/*
	 * The destination exists; syslog(3) reports nothing back, so nothing is confirmed.
	 * Nothing is sent: it would land in this machine's real system log.
	 */
	if ((s = vg_syslog_open("evtlog", NULL, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(vg_syslog_finish(s, 100, &err), 0);
	vg_syslog_free(s);
}
#endif

/* ---- JSON lines */

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	char *buf = malloc(1 << 20);

	assert_non_null(fp);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

#define CTL_JSON "{\"data\":{\"c\":\"\\u001f/\"},\"ts\":\"t\",\"type\":\"start\"}"

static void
test_jsonl_lines(void **state)
{
	static const char want_event[] = "{\"seq\":7,\"store\":\"" STORE_HEX "\",\"hash\":\""
	    HASH_HEX "\",\"prev\":\"" PREV_HEX "\",\"ts\":\"" TS_TXT "\",\"type\":\"flow\","
	    "\"data\":{\"dest\":{\"country\":\"IE\",\"provider\":\"openai\",\"region\":"
	    "\"eu-west-1\"},\"dst_ip\":\"203.0.113.7\",\"dst_port\":443,\"hostname\":"
	    "\"api.openai.com\",\"proto\":\"tcp\"}}\n";
	static const char want_ckpt[] = "{\"type\":\"checkpoint\",\"seq\":7,\"store\":\""
	    STORE_HEX "\",\"head\":\"" HASH_HEX "\",\"ts\":\"" TS_TXT "\",\"key\":"
	    "\"0123456789abcdef\",\"sig\":\"" SIG_HEX "\"}\n";
	/* not in canonical order, with an escape RFC 8785 writes otherwise: re-serialized */
	static const char loose[] = "{\"type\":\"start\",\"ts\":\"t\",\"data\":{\"b\":\"\\u00e9\","
	    "\"a\":[1,null]}}";
	char path[128], *text, *nl;
	struct vg_checkpoint c;
	struct vg_jsonl *j;
	struct vg_event e;
	struct vg_err err;
	json_t *v, *w;
	struct stat st;
	size_t len;
	mode_t old = umask(0);

	snprintf(path, sizeof(path), "%s/events.jsonl", tmpdir);
	unlink(path);
	if ((j = vg_jsonl_open(path, true, &err)) == NULL)
		fail_msg("%s", err.msg);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	fill_event(&e, 7, "flow", FLOW_JSON, strlen(FLOW_JSON));
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), 0);
	fill_checkpoint(&c, 7);
	assert_int_equal(vg_jsonl_write_checkpoint(j, &c, &err), 0);
	fill_event(&e, 8, "start", loose, strlen(loose));
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), 0);
	/* refused: not JSON, not an event, a key id that is not hex */
	fill_event(&e, 9, "start", "{bad", 4);
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), -1);
	fill_event(&e, 9, "start", "{\"data\":{}}", 11);
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), -1);
	snprintf(c.key_id, sizeof(c.key_id), "0123456789abcdeG");
	assert_int_equal(vg_jsonl_write_checkpoint(j, &c, &err), -1);
	vg_jsonl_free(j);
	vg_jsonl_free(NULL);

	/* RFC 8785 writes U+001F as \u001f; the line keeps the canonical bytes */
	snprintf(path, sizeof(path), "%s/ctl.jsonl", tmpdir);
	if ((j = vg_jsonl_open(path, false, &err)) == NULL)
		fail_msg("%s", err.msg);
	fill_event(&e, 10, "start", CTL_JSON, strlen(CTL_JSON));
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), 0);
	vg_jsonl_free(j);
	text = slurp(path, &len);
	assert_string_equal(text, "{\"seq\":10,\"store\":\"" STORE_HEX "\",\"hash\":\"" HASH_HEX
	    "\",\"prev\":\"" PREV_HEX "\",\"ts\":\"t\",\"type\":\"start\",\"data\":"
	    "{\"c\":\"\\u001f/\"}}\n");
	free(text);
	snprintf(path, sizeof(path), "%s/events.jsonl", tmpdir);

	text = slurp(path, &len);
	/* byte for byte: data exactly as the canonical text has it */
	assert_memory_equal(text, want_event, strlen(want_event));
	assert_memory_equal(text + strlen(want_event), want_ckpt, strlen(want_ckpt));
	nl = text + strlen(want_event) + strlen(want_ckpt);
	/* the third line, alone */
	assert_true(strlen(nl) > 0);
	assert_ptr_equal(strchr(nl, '\n'), nl + strlen(nl) - 1);
	/* every line parses, and the loose event carries the same values */
	v = json_loads(nl, 0, NULL);
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(v, "seq")), 8);
	assert_string_equal(json_string_value(json_object_get(v, "store")), STORE_HEX);
	assert_string_equal(json_string_value(json_object_get(v, "type")), "start");
	assert_string_equal(json_string_value(json_object_get(v, "ts")), "t");
	w = json_loads("{\"a\":[1,null],\"b\":\"\xc3\xa9\"}", 0, NULL);
	assert_true(json_equal(json_object_get(v, "data"), w));
	json_decref(v);
	json_decref(w);
	v = json_loadb(text, strlen(want_event), 0, NULL);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "hash")), HASH_HEX);
	assert_string_equal(json_string_value(json_object_get(v, "prev")), PREV_HEX);
	json_decref(v);
	v = json_loadb(text + strlen(want_event), strlen(want_ckpt), 0, NULL);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "sig")), SIG_HEX);
	json_decref(v);
	free(text);
}

#define SMALL_JSON "{\"data\":{},\"ts\":\"t\",\"type\":\"start\"}"

static volatile sig_atomic_t hups;

static void
on_hup(int sig)
{
	(void)sig;
	hups++;
	vg_jsonl_request_reopen();
}

static void
test_jsonl_reopen(void **state)
{
	char path[128], moved[160], moved2[160], *text;
	struct sigaction sa;
	struct vg_jsonl *j;
	struct vg_event e;
	struct vg_err err;
	FILE *fp;
	size_t len;

	snprintf(path, sizeof(path), "%s/rot.jsonl", tmpdir);
	snprintf(moved, sizeof(moved), "%s/rot.jsonl.1", tmpdir);
	snprintf(moved2, sizeof(moved2), "%s/rot.jsonl.2", tmpdir);
	/* appends to what is there */
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("{\"old\":1}\n", fp);
	fclose(fp);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	if ((j = vg_jsonl_open(path, false, &err)) == NULL)
		fail_msg("%s", err.msg);
	fill_event(&e, 1, "start", SMALL_JSON, strlen(SMALL_JSON));
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), 0);
	/* logrotate moves the file: without a request the writer follows its descriptor */
	assert_int_equal(rename(path, moved), 0);
	e.seq = 2;
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), 0);
	raise(SIGHUP);
	assert_int_equal(hups, 1);
	e.seq = 3;
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), 0);
	e.seq = 4;
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), 0);
	/* a reopen that fails reports it, and the next write tries again */
	assert_int_equal(rename(path, moved2), 0);
	assert_int_equal(mkdir(path, 0700), 0);  /* cannot be opened for writing, even by root */
	vg_jsonl_request_reopen();
	e.seq = 5;
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), -1);
	assert_non_null(strstr(err.msg, "rot.jsonl: Is a directory"));
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), -1);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), 0);
	vg_jsonl_free(j);
	signal(SIGHUP, SIG_DFL);

	text = slurp(moved, &len);
	assert_string_equal(text, "{\"old\":1}\n{\"seq\":1,\"store\":\"" STORE_HEX "\",\"hash\":\""
	    HASH_HEX "\",\"prev\":\"" PREV_HEX "\",\"ts\":\"t\",\"type\":\"start\",\"data\":{}}\n"
	    "{\"seq\":2,\"store\":\"" STORE_HEX "\",\"hash\":\"" HASH_HEX
	    "\",\"prev\":\"" PREV_HEX "\",\"ts\":\"t\",\"type\":\"start\",\"data\":{}}\n");
	free(text);
	text = slurp(moved2, &len);
	assert_string_equal(text, "{\"seq\":3,\"store\":\"" STORE_HEX "\",\"hash\":\"" HASH_HEX
	    "\",\"prev\":\"" PREV_HEX "\",\"ts\":\"t\",\"type\":\"start\",\"data\":{}}\n"
	    "{\"seq\":4,\"store\":\"" STORE_HEX "\",\"hash\":\"" HASH_HEX
	    "\",\"prev\":\"" PREV_HEX "\",\"ts\":\"t\",\"type\":\"start\",\"data\":{}}\n");
	free(text);
	text = slurp(path, &len);
	assert_string_equal(text, "{\"seq\":5,\"store\":\"" STORE_HEX "\",\"hash\":\"" HASH_HEX
	    "\",\"prev\":\"" PREV_HEX "\",\"ts\":\"t\",\"type\":\"start\",\"data\":{}}\n");
	free(text);
	unlink(path);
	unlink(moved);
	unlink(moved2);
}

static void
test_jsonl_partial_write(void **state)
{
	char path[128], *text;
	struct rlimit old, lim;
	struct vg_jsonl *j;
	struct vg_event e;
	struct vg_err err;
	size_t len, line;

	snprintf(path, sizeof(path), "%s/partial.jsonl", tmpdir);
	unlink(path);
	if ((j = vg_jsonl_open(path, false, &err)) == NULL)
		fail_msg("%s", err.msg);
	fill_event(&e, 1, "start", SMALL_JSON, strlen(SMALL_JSON));
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), 0);
	text = slurp(path, &line);
	free(text);
	/* the file may grow by 10 bytes only: the second line is cut, the write fails */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = line + 10;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	e.seq = 2;
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	e.seq = 3;
	assert_int_equal(vg_jsonl_write_event(j, &e, store_id, &err), 0);
	vg_jsonl_free(j);
	/* the cut line ends with a newline of its own; the next line is whole */
	text = slurp(path, &len);
	assert_int_equal(len, line + 10 + 1 + line);
	assert_memory_equal(text + line, "{\"seq\":2,\"", 10);
	assert_int_equal(text[line + 10], '\n');
	assert_memory_equal(text + line + 11, "{\"seq\":3,", 9);
	free(text);
	unlink(path);
}

static int
setup(void **state)
{
	for (int i = 0; i < VG_STORE_ID_LEN; i++)
		store_id[i] = (uint8_t)(0x11 * i);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vigie-syslog-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow_message),
		cmocka_unit_test(test_finding_severity_and_facility),
		cmocka_unit_test(test_checkpoint_message),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_truncation_on_utf8_boundary),
		cmocka_unit_test(test_malformed_data),
		cmocka_unit_test(test_oversized_data),
		cmocka_unit_test(test_header_validation),
		cmocka_unit_test(test_parse_facility),
		cmocka_unit_test(test_destinations),
		cmocka_unit_test(test_unix_datagram),
		cmocka_unit_test(test_unix_stream_fallback),
		cmocka_unit_test(test_tcp_framing_and_finish),
		cmocka_unit_test(test_tcp_reset_and_reconnect),
		cmocka_unit_test(test_tcp_stalled_collector),
		cmocka_unit_test(test_tcp_ipv6),
		cmocka_unit_test(test_tls),
#ifdef HAVE_SYSLOG_NG
		cmocka_unit_test(test_evtlog),
#endif
		cmocka_unit_test(test_jsonl_lines),
		cmocka_unit_test(test_jsonl_reopen),
		cmocka_unit_test(test_jsonl_partial_write),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
