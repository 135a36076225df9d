/* test_http.c - unit tests for the HTTP/1.x request head parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "proto_http.h"
#include "anomaly_assert.h"

/*
 * Real request heads, cut from public captures with
 *   tshark -r F -Y http.request -T fields -e tcp.payload -e http.host
 * (segments of one request, or consecutive pipelined requests, joined in
 * stream order). The expected hosts are tshark's http.host, with the port
 * split off.
 */
/* zeek get.pcap frame 4 (136 bytes). */
static const char rq_get[] =
	"GET /download/CHANGES.bro-aux.txt HTTP/1.1\r\n"
	"User-Agent: Wget/1.14 (darwin12.2.0)\r\n"
	"Accept: */*\r\n"
	"Host: bro.org\r\n"
	"Connection: Keep-Alive\r\n"
	"\r\n";

/* zeek http-lower-case-nonstandard-port.pcap frame 4 (409 bytes). */
static const char rq_lcport[] =
	"GET /index.html HTTP/1.1\r\n"
	"Host: 146.190.62.39\r\n"
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128."
	"0\r\n"
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/we"
	"bp,image/png,image/svg+xml,*/*;q=0.8\r\n"
	"Accept-Language: en-US,en;q=0.5\r\n"
	"Accept-Encoding: gzip, deflate\r\n"
	"DNT: 1\r\n"
	"Sec-GPC: 1\r\n"
	"Connection: keep-alive\r\n"
	"Upgrade-Insecure-Requests: 1\r\n"
	"Priority: u=0, i\r\n"
	"\r\n";

/* zeek proxy.pcap frame 4 (115 bytes). */
static const char rq_proxy[] =
	"GET HTTP://bro.org/ HTTP/1.1\r\n"
	"User-Agent: curl/7.33.0\r\n"
	"Host: bro.org\r\n"
	"Accept: */*\r\n"
	"Proxy-Connection: Keep-Alive\r\n"
	"\r\n";

/* zeek connect-with-header.pcap frame 5 (221 bytes). */
static const char rq_connect[] =
	"CONNECT secure.newegg.com:443 HTTP/1.1\r\n"
	"User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10.10; rv:41.0) Gecko/20100101"
	" Firefox/41.0\r\n"
	"Proxy-Connection: keep-alive\r\n"
	"Connection: keep-alive\r\n"
	"Host: secure.newegg.com:443\r\n"
	"\r\n";

/* zeek http_large_req_8001.pcap frames 4 + 5 (1448 + 204 bytes). */
static const char rq_large[] =
	"GET / HTTP/1.1\r\n"
	"Host: 192.168.2.21:8000\r\n"
	"User-Agent: curl/7.54.0\r\n"
	"Accept: */*\r\n"
	"h0:header value that doesn't mean anything\r\n"
	"h42:header value that doesn't mean anything\r\n"
	"h85:header value that doesn't mean anything\r\n"
	"h128:header value that doesn't mean anything\r\n"
	"h172:header value that doesn't mean anything\r\n"
	"h216:header value that doesn't mean anything\r\n"
	"h260:header value that doesn't mean anything\r\n"
	"h304:header value that doesn't mean anything\r\n"
	"h348:header value that doesn't mean anything\r\n"
	"h392:header value that doesn't mean anything\r\n"
	"h436:header value that doesn't mean anything\r\n"
	"h480:header value that doesn't mean anything\r\n"
	"h524:header value that doesn't mean anything\r\n"
	"h568:header value that doesn't mean anything\r\n"
	"h612:header value that doesn't mean anything\r\n"
	"h656:header value that doesn't mean anything\r\n"
	"h700:header value that doesn't mean anything\r\n"
	"h744:header value that doesn't mean anything\r\n"
	"h788:header value that doesn't mean anything\r\n"
	"h832:header value that doesn't mean anything\r\n"
	"h876:header value that doesn't mean anything\r\n"
	"h920:header value that doesn't mean anything\r\n"
	"h964:header value that doesn't mean anything\r\n"
	"h1008:header value that doesn't mean anything\r\n"
	"h1053:header value that doesn't mean anything\r\n"
	"h1098:header value that doesn't mean anything\r\n"
	"h1143:header value that doesn't mean anything\r\n"
	"h1188:header value that doesn't mean anything\r\n"
	"h1233:header value that doesn't mean anything\r\n"
	"h1278:header value that doesn't mean anything\r\n"
	"h1323:header value that doesn't mean anything\r\n"
	"h1368:header value that doesn't mean anything\r\n"
	"h1413:header value that doesn't mean anything\r\n"
	"h1458:header value that doesn't mean anything\r\n"
	"\r\n";

/* zeek docker-http-upgrade.pcap frame 4 (93 bytes). */
static const char rq_docker[] =
	"HEAD /_ping HTTP/1.1\r\n"
	"Host: 192.168.122.87:2375\r\n"
	"User-Agent: Docker-Client/27.3.1 (linux)\r\n"
	"\r\n";

/* zeek methods.pcap frame 4 (41 bytes). */
static const char rq_options[] =
	"OPTIONS * HTTP/1.1\n"
	"Host: www.google.com\n"
	"\n";

/* zeek methods.pcap frame 14 (39 bytes). */
static const char rq_opt_nouri[] =
	"OPTIONS HTTP/1.1\n"
	"Host: www.google.com\n"
	"\n";

/* zeek methods.pcap frame 34 (30 bytes). */
static const char rq_opt_nover[] =
	"OPTIONS\n"
	"Host: www.google.com\n"
	"\n";

/* zeek no-uri.pcap frame 4 (136 bytes). */
static const char rq_nouri[] =
	"GET HTTP/1.1\r\n"
	"123456789012345678901234567890User-Agent: Wget/1.14 (darwin12.2.0)\r\n"
	"Accept: */*\r\n"
	"Host: bro.org\r\n"
	"Connection: Keep-Alive\r\n"
	"\r\n";

/* zeek pipelined-requests.pcap frames 4 + 6 (394 + 377 bytes). */
static const char rq_pipelined[] =
	"GET /style/enhanced.css HTTP/1.1\r\n"
	"Host: www.mozilla.org\r\n"
	"User-Agent: Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.9.1.5) Gecko/200"
	"91102 Firefox/3.5.5\r\n"
	"Accept: text/css,*/*;q=0.1\r\n"
	"Accept-Language: en-us,en;q=0.5\r\n"
	"Accept-Encoding: gzip,deflate\r\n"
	"Accept-Charset: ISO-8859-1,utf-8;q=0.7,*;q=0.7\r\n"
	"Keep-Alive: 300\r\n"
	"Connection: keep-alive\r\n"
	"Referer: http://www.mozilla.org/projects/calendar/\r\n"
	"\r\n"
	"GET /script/urchin.js HTTP/1.1\r\n"
	"Host: www.mozilla.org\r\n"
	"User-Agent: Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.9.1.5) Gecko/200"
	"91102 Firefox/3.5.5\r\n"
	"Accept: */*\r\n"
	"Accept-Language: en-us,en;q=0.5\r\n"
	"Accept-Encoding: gzip,deflate\r\n"
	"Accept-Charset: ISO-8859-1,utf-8;q=0.7,*;q=0.7\r\n"
	"Keep-Alive: 300\r\n"
	"Connection: keep-alive\r\n"
	"Referer: http://www.mozilla.org/projects/calendar/\r\n"
	"\r\n";

/* zeek websocket.pcap frame 4 (576 bytes). */
static const char rq_websocket[] =
	"GET /echo?.kl=Y HTTP/1.1\r\n"
	"Host: sandbox.kaazing.net\r\n"
	"User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10.12; rv:54.0) Gecko/20100101"
	" Firefox/54.0\r\n"
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
	"Accept-Language: en-US,en;q=0.5\r\n"
	"Accept-Encoding: gzip, deflate\r\n"
	"Sec-WebSocket-Version: 13\r\n"
	"Origin: http://kaazing.org\r\n"
	"Sec-WebSocket-Protocol: x-kaazing-handshake\r\n"
	"Sec-WebSocket-Extensions: permessage-deflate\r\n"
	"Sec-WebSocket-Key: vf3bSlxjI9R5oosJfwM/8Q==\r\n"
	"Connection: keep-alive, Upgrade\r\n"
	"Pragma: no-cache\r\n"
	"Cache-Control: no-cache\r\n"
	"Upgrade: websocket\r\n"
	"\r\n";

struct real_req {
	const char *name;
	const char *buf;
	size_t len;
	enum vg_parse_rc rc;
	const char *method;
	const char *host; /* NULL: no host */
	uint16_t port;
	uint8_t minor;
	int anomaly;      /* -1: none */
};

#define RQ(n) #n, rq_##n, sizeof(rq_##n) - 1

static const struct real_req reals[] = {
	/* tshark http.host: bro.org */
	{ RQ(get), VG_PARSE_DONE, "GET", "bro.org", 0, 1, -1 },
	/* tshark http.host: 146.190.62.39 */
	{ RQ(lcport), VG_PARSE_DONE, "GET", "146.190.62.39", 0, 1, -1 },
	/* absolute-form target HTTP://bro.org/ and Host: bro.org */
	{ RQ(proxy), VG_PARSE_DONE, "GET", "bro.org", 0, 1, -1 },
	/* tshark http.host: secure.newegg.com:443 */
	{ RQ(connect), VG_PARSE_DONE, "CONNECT", "secure.newegg.com", 443, 1, -1 },
	/* tshark http.host: 192.168.2.21:8000; a 1652-byte head in two segments */
	{ RQ(large), VG_PARSE_DONE, "GET", "192.168.2.21", 8000, 1, -1 },
	/* tshark http.host: 192.168.122.87:2375 */
	{ RQ(docker), VG_PARSE_DONE, "HEAD", "192.168.122.87", 2375, 1, -1 },
	/* asterisk-form with bare LF line ends; tshark http.host: www.google.com */
	{ RQ(options), VG_PARSE_DONE, "OPTIONS", "www.google.com", 0, 1, -1 },
	/* "OPTIONS HTTP/1.1": no target; still an HTTP client, tshark http.host: www.google.com */
	{ RQ(opt_nouri), VG_PARSE_DONE, "OPTIONS", "www.google.com", 0, 0, VG_AN_HTTP_BAD_REQUEST_LINE },
	/* "OPTIONS\n": no SP after the method, so not taken for HTTP */
	{ RQ(opt_nover), VG_PARSE_NOMATCH, NULL, NULL, 0, 0, -1 },
	/* "GET HTTP/1.1": same as opt_nouri; tshark http.host: bro.org */
	{ RQ(nouri), VG_PARSE_DONE, "GET", "bro.org", 0, 0, VG_AN_HTTP_BAD_REQUEST_LINE },
	/* two pipelined GETs; tshark http.host of the first: www.mozilla.org */
	{ RQ(pipelined), VG_PARSE_DONE, "GET", "www.mozilla.org", 0, 1, -1 },
	/* tshark http.host: sandbox.kaazing.net */
	{ RQ(websocket), VG_PARSE_DONE, "GET", "sandbox.kaazing.net", 0, 1, -1 },
};
#define N_REALS (sizeof(reals) / sizeof(reals[0]))

static enum vg_parse_rc
parse(const void *buf, size_t len, struct vg_http_request *r, size_t *need,
    struct vg_anomalies *an)
{
	uint8_t *copy;
	enum vg_parse_rc rc;

	/* Exact-size heap copy: ASan then sees any read past the end. */
	copy = malloc(len > 0 ? len : 1);
	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, buf, len);
	memset(an, 0, sizeof(*an));
	*need = 0;
	rc = vg_http_parse_request(copy, len, r, need, an);
	free(copy);
	return rc;
}

/* Parses a NUL-terminated request. */
static enum vg_parse_rc
parse_s(const char *s, struct vg_http_request *r, struct vg_anomalies *an)
{
	size_t need;

	return parse(s, strlen(s), r, &need, an);
}

/* DONE with the given host and port and no anomaly. */
static void
expect_host(const char *req, const char *host, uint16_t port)
{
	struct vg_http_request r;
	struct vg_anomalies an;

	assert_int_equal(parse_s(req, &r, &an), VG_PARSE_DONE);
	assert_true(r.has_host);
	assert_string_equal(r.host, host);
	assert_int_equal(r.host_port, port);
	assert_int_equal(vg_anomalies_total(&an), 0);
}

/* DONE without host, with the given anomaly (-1: none). */
static void
expect_no_host(const char *req, int anomaly)
{
	struct vg_http_request r;
	struct vg_anomalies an;

	assert_int_equal(parse_s(req, &r, &an), VG_PARSE_DONE);
	assert_false(r.has_host);
	assert_string_equal(r.host, "");
	assert_int_equal(r.host_port, 0);
	if (anomaly < 0)
		assert_int_equal(vg_anomalies_total(&an), 0);
	else
		assert_one_anomaly(&an, (enum vg_anomaly)anomaly);
}

static void
expect_error(const char *req, enum vg_anomaly id)
{
	struct vg_http_request r;
	struct vg_anomalies an;

	assert_int_equal(parse_s(req, &r, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, id);
}

static void
expect_nomatch(const void *buf, size_t len)
{
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need;

	assert_int_equal(parse(buf, len, &r, &need, &an), VG_PARSE_NOMATCH);
	assert_int_equal(vg_anomalies_total(&an), 0);
}

/* ---- real captures ---- */

static void
test_real_requests(void **state)
{
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need;

	for (size_t i = 0; i < N_REALS; i++) {
		const struct real_req *q = &reals[i];

		assert_int_equal(parse(q->buf, q->len, &r, &need, &an), q->rc);
		if (q->anomaly >= 0)
			assert_one_anomaly(&an, (enum vg_anomaly)q->anomaly);
		else
			assert_int_equal(vg_anomalies_total(&an), 0);
		if (q->rc != VG_PARSE_DONE)
			continue;
		assert_string_equal(r.method, q->method);
		assert_int_equal(r.version_minor, q->minor);
		assert_true(r.has_host);
		assert_string_equal(r.host, q->host);
		assert_int_equal(r.host_port, q->port);
	}
}

/*
 * Every proper prefix of a request that parses to DONE is MORE with need
 * len + 1; of one that is an ERROR, MORE until its bad line is complete.
 */
static void
test_real_every_prefix(void **state)
{
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need, p, end;
	enum vg_parse_rc rc;

	for (size_t i = 0; i < N_REALS; i++) {
		const struct real_req *q = &reals[i];

		if (q->rc == VG_PARSE_NOMATCH)
			continue;
		/* The head ends at the first empty line; pipelined data follows it. */
		const char *eoh = strstr(q->buf, "\r\n\r\n");
		end = eoh != NULL ? (size_t)(eoh - q->buf) + 4 : q->len;
		if (q->rc == VG_PARSE_ERROR)
			end = (size_t)(strchr(q->buf, '\n') - q->buf) + 1;
		for (p = 0; p < end; p++) {
			rc = parse(q->buf, p, &r, &need, &an);
			assert_int_equal(rc, VG_PARSE_MORE);
			assert_int_equal(need, p + 1);
			assert_int_equal(vg_anomalies_total(&an), 0);
		}
		rc = parse(q->buf, end, &r, &need, &an);
		assert_int_equal(rc, q->rc);
	}
}

/* The large request arrived as 1448 + 204 bytes: the first segment is MORE. */
static void
test_real_segments(void **state)
{
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need;

	assert_int_equal(sizeof(rq_large) - 1, 1448 + 204);
	assert_int_equal(parse(rq_large, 1448, &r, &need, &an), VG_PARSE_MORE);
	assert_int_equal(need, 1449);
	assert_int_equal(parse(rq_large, 1448 + 204, &r, &need, &an), VG_PARSE_DONE);
	assert_string_equal(r.host, "192.168.2.21");
}

/* ---- request line ---- */

static void
test_nomatch(void **state)
{
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00 };
	static const uint8_t nul[] = { 0, 'G', 'E', 'T', ' ' };

	expect_nomatch(tls, sizeof(tls));
	expect_nomatch(nul, sizeof(nul));
	expect_nomatch("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", 32);
	expect_nomatch("SSH-2.0-Go\r\n", 12);
	expect_nomatch(" GET / HTTP/1.1\r\n", 17);
	expect_nomatch("\r\nGET / HTTP/1.1\r\n", 18);
	expect_nomatch("G(T / HTTP/1.1\r\n", 16);
	/* 17-byte method: no SP within VG_HTTP_METHOD_MAX + 1 bytes */
	expect_nomatch("ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n", 30);
	/* Decided as soon as the 18th byte is there. */
	expect_nomatch("ABCDEFGHIJKLMNOPQ", 17);
	/* HTTP/2 prior-knowledge preface (RFC 9113 §3.4) */
	expect_nomatch("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
}

static void
test_method(void **state)
{
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need;

	/* 16-byte method: the longest accepted */
	expect_host("ABCDEFGHIJKLMNOP / HTTP/1.1\r\nHost: a.b\r\n\r\n", "a.b", 0);
	/* methods are case-sensitive tokens; lower case is still a token */
	assert_int_equal(parse_s("get / HTTP/1.1\r\nHost: a.b\r\n\r\n", &r, &an), VG_PARSE_DONE);
	assert_string_equal(r.method, "get");
	/* Partial method: MORE */
	assert_int_equal(parse("ABCDEFGHIJKLMNOP", 16, &r, &need, &an), VG_PARSE_MORE);
	assert_int_equal(need, 17);
	assert_int_equal(parse("", 0, &r, &need, &an), VG_PARSE_MORE);
	assert_int_equal(need, 1);
}

/* DONE with one http.bad_request_line and no host. */
static void
expect_bad_line(const void *req, size_t len)
{
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need;

	assert_int_equal(parse(req, len, &r, &need, &an), VG_PARSE_DONE);
	assert_one_anomaly(&an, VG_AN_HTTP_BAD_REQUEST_LINE);
	assert_false(r.has_host);
}

static void
test_bad_request_line(void **state)
{
	/* Broken lines from a client that still speaks HTTP/1.x: counted, headers still read. */
	static const char *const bad[] = {
		"GET  / HTTP/1.1\r\n\r\n",      /* empty target */
		"GET / HTTP/1.1 \r\n\r\n",      /* trailing SP */
		"GET / HTTP/2.0\r\n\r\n",
		"GET / HTTP/1.x\r\n\r\n",
		"GET / HTTP/11\r\n\r\n",
		"GET / HTTP/1.\r\n\r\n",
		"GET /HTTP/1.1\r\n\r\n",        /* no SP before the version */
		"GET /a b HTTP/1.1\r\n\r\n",    /* SP inside the target */
		"GET / HTTP/1.1\r\r\n\r\n",     /* stray CR */
		"GET /\ta HTTP/1.1\r\n\r\n",    /* HTAB inside the target */
		"GET /\177 HTTP/1.1\r\n\r\n",   /* DEL */
		"CONNECT bad host:443 HTTP/1.1\r\n\r\n",
	};
	/* Lines that name no HTTP version are not HTTP/1.x at all: nothing counted. */
	static const char *const other[] = {
		"GET / http/1.1\r\n\r\n",       /* the version is case-sensitive */
		"GET /\r\n\r\n",                /* HTTP/0.9 */
		"EHLO mail.example\r\nMAIL FROM:<a@b>\r\n\r\n", /* SMTP */
	};
	static const char nul[] = "GET /\0 HTTP/1.1\r\n\r\n";
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad_line(bad[i], strlen(bad[i]));
	expect_bad_line(nul, sizeof(nul) - 1);
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		expect_nomatch(other[i], strlen(other[i]));
	/* The Host of a request with a broken line still names the destination. */
	assert_int_equal(parse_s("GET / HTTP/1.\r\nHost: A.Example\r\n\r\n", &r, &an),
	    VG_PARSE_DONE);
	assert_string_equal(r.host, "a.example");
	assert_one_anomaly(&an, VG_AN_HTTP_BAD_REQUEST_LINE);
	/* Counted once, when the head is complete, however often the prefix was parsed. */
	assert_int_equal(parse("GET / HTTP/1.\r\nHost: a", 23, &r, &need, &an), VG_PARSE_MORE);
	assert_int_equal(vg_anomalies_total(&an), 0);
}

static void
test_versions(void **state)
{
	struct vg_http_request r;
	struct vg_anomalies an;

	assert_int_equal(parse_s("GET / HTTP/1.0\r\n\r\n", &r, &an), VG_PARSE_DONE);
	assert_int_equal(r.version_minor, 0);
	/* HTTP/1.0 may omit Host (RFC 9112 §3.2 only binds HTTP/1.1). */
	assert_false(r.has_host);
	assert_int_equal(vg_anomalies_total(&an), 0);
	/* HTTP/1.1 must send it. */
	expect_no_host("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", VG_AN_HTTP_NO_HOST);
	assert_int_equal(parse_s("GET / HTTP/1.1\n\n", &r, &an), VG_PARSE_DONE);
	assert_int_equal(r.version_minor, 1);
	assert_one_anomaly(&an, VG_AN_HTTP_NO_HOST);
}

/* ---- Host ---- */

static void
test_host_header(void **state)
{
	expect_host("GET / HTTP/1.1\r\nHost: Example.COM\r\n\r\n", "example.com", 0);
	expect_host("GET / HTTP/1.1\r\nHost: a\r\n\r\n", "a", 0);
	/* field names are case-insensitive; OWS around the value is trimmed */
	expect_host("GET / HTTP/1.1\r\nHOST: \t example.org \t \r\n\r\n", "example.org", 0);
	expect_host("GET / HTTP/1.1\r\nhOsT:example.org\r\n\r\n", "example.org", 0);
	expect_host("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", "::1", 8080);
	expect_host("GET / HTTP/1.1\r\nHost: [2001:DB8::1]\r\n\r\n", "2001:db8::1", 0);
	expect_host("GET / HTTP/1.1\r\nHost: 192.0.2.1:65535\r\n\r\n", "192.0.2.1", 65535);
	expect_host("GET / HTTP/1.1\r\nHost: example.net.\r\n\r\n", "example.net", 0);
	/* "host:" with an empty port is allowed by RFC 3986 */
	expect_host("GET / HTTP/1.1\r\nHost: example.net:\r\n\r\n", "example.net", 0);
	/* Other headers that merely contain "host" are not Host. */
	expect_host("GET / HTTP/1.1\r\nX-Forwarded-Host: evil.example\r\nHosts: x\r\n"
	    "Host: good.example\r\n\r\n", "good.example", 0);
	/* bare LF endings throughout (RFC 9112 §2.2) */
	expect_host("GET / HTTP/1.1\nHost: lf.example\n\n", "lf.example", 0);
	/* mixed */
	expect_host("GET / HTTP/1.1\r\nHost: mix.example\n\r\n", "mix.example", 0);
}

static void
test_bad_host(void **state)
{
	static const char *const bad[] = {
		"GET / HTTP/1.1\r\nHost: exa mple.com\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a.com:65536\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a.com:http\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a.com, b.com\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: [not-v6]:80\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: user@a.com\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a..com\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: \303\251t\303\251.fr\r\n\r\n", /* raw UTF-8 */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_no_host(bad[i], VG_AN_HTTP_BAD_HOST);
}

/* RFC 9112 §3.2: an empty Host is legal where the target has no authority. */
static void
test_empty_host(void **state)
{
	expect_no_host("GET / HTTP/1.1\r\nHost:\r\n\r\n", -1);
	expect_no_host("GET / HTTP/1.1\r\nHost:   \r\n\r\n", -1);
	/* ... and the target then still names the host */
	expect_host("GET http://t.example/ HTTP/1.1\r\nHost:\r\n\r\n", "t.example", 0);
}

static void
test_duplicate_host(void **state)
{
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need;

	expect_error("GET / HTTP/1.1\r\nHost: a.com\r\nHost: a.com\r\n\r\n", VG_AN_HTTP_DUP_HOST);
	expect_error("GET / HTTP/1.1\r\nHost: a.com\r\nAccept: */*\r\nhost: b.com\r\n\r\n",
	    VG_AN_HTTP_DUP_HOST);
	/* Known as soon as the second Host line is complete. */
	static const char part[] = "GET / HTTP/1.1\r\nHost: a.com\r\nHost: b.com\r\nAcc";
	assert_int_equal(parse(part, sizeof(part) - 1, &r, &need, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_HTTP_DUP_HOST);
	/* An empty Host counts as a Host line too. */
	expect_error("GET / HTTP/1.1\r\nHost:\r\nHost: a.com\r\n\r\n", VG_AN_HTTP_DUP_HOST);
}

static void
test_absolute_form(void **state)
{
	expect_host("GET http://Example.COM:8080/x?y HTTP/1.1\r\n\r\n", "example.com", 8080);
	expect_host("GET HTTP://bro.org/ HTTP/1.0\r\n\r\n", "bro.org", 0);
	expect_host("GET https://a.example?q HTTP/1.1\r\n\r\n", "a.example", 0);
	expect_host("GET http://a.example#f HTTP/1.1\r\n\r\n", "a.example", 0);
	expect_host("GET http://a.example HTTP/1.1\r\n\r\n", "a.example", 0);
	expect_host("GET ws+x.y://[2001:db8::2]:81/ HTTP/1.1\r\n\r\n", "2001:db8::2", 81);
	/* When both are present the target wins, as at a server (RFC 9112 §3.2.2). */
	expect_host("GET http://a.example/ HTTP/1.1\r\nHost: b.example\r\n\r\n", "a.example", 0);
	/* userinfo is an error in http(s) URIs (RFC 9110 §4.2.4) */
	expect_no_host("GET http://u:p@a.example/ HTTP/1.1\r\n\r\n", VG_AN_HTTP_BAD_HOST);
	expect_no_host("GET http:///x HTTP/1.1\r\n\r\n", VG_AN_HTTP_BAD_HOST);
	expect_no_host("GET http://a.example:99999/ HTTP/1.1\r\n\r\n", VG_AN_HTTP_BAD_HOST);
	/* Not absolute-form: a path that contains "://" later, or no "//" */
	expect_no_host("GET /http://a.example/ HTTP/1.1\r\n\r\n", VG_AN_HTTP_NO_HOST);
	expect_no_host("GET mailto:a@b.c HTTP/1.1\r\n\r\n", VG_AN_HTTP_NO_HOST);
	expect_no_host("GET 1http://a.b/ HTTP/1.1\r\n\r\n", VG_AN_HTTP_NO_HOST);
}

static void
test_connect(void **state)
{
	struct vg_http_request r;
	struct vg_anomalies an;

	expect_host("CONNECT Example.com:443 HTTP/1.1\r\n\r\n", "example.com", 443);
	expect_host("CONNECT [2001:db8::1]:443 HTTP/1.1\r\n\r\n", "2001:db8::1", 443);
	expect_host("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n", "a.example",
	    443);
	/* Covered by test_bad_request_line: a broken CONNECT line is counted, not fatal. */
	/* CONNECT to a non-authority target: the line is broken, Host still names the host. */
	assert_int_equal(parse_s("CONNECT / HTTP/1.1\r\nHost: a.example:443\r\n\r\n", &r, &an),
	    VG_PARSE_DONE);
	assert_string_equal(r.host, "a.example");
	assert_one_anomaly(&an, VG_AN_HTTP_BAD_REQUEST_LINE);
	expect_no_host("CONNECT b_d!:443 HTTP/1.1\r\n\r\n", VG_AN_HTTP_BAD_HOST);
	expect_no_host("CONNECT a.example:70000 HTTP/1.1\r\n\r\n", VG_AN_HTTP_BAD_HOST);
	assert_int_equal(parse_s("CONNECT a.example:443 HTTP/1.0\r\n\r\n", &r, &an),
	    VG_PARSE_DONE);
	assert_string_equal(r.method, "CONNECT");
	assert_int_equal(r.version_minor, 0);
}

/* ---- header syntax ---- */

static void
test_bad_headers(void **state)
{
	static const char *const bad[] = {
		/* whitespace before the first field (§2.2) */
		"GET / HTTP/1.1\r\n Host: a.com\r\n\r\n",
		/* whitespace between name and colon (§5.1) */
		"GET / HTTP/1.1\r\nHost : a.com\r\n\r\n",
		/* no colon, empty name, bad name byte */
		"GET / HTTP/1.1\r\nHost a.com\r\n\r\n",
		"GET / HTTP/1.1\r\n: a.com\r\n\r\n",
		"GET / HTTP/1.1\r\nX(Y): 1\r\n\r\n",
		/* CR alone inside a value, and other controls */
		"GET / HTTP/1.1\r\nX-A: 1\r2\r\n\r\n",
		"GET / HTTP/1.1\r\nX-A: \001\r\n\r\n",
		"GET / HTTP/1.1\r\nX-A: \177\r\n\r\n",
		/* a lone CR line is not the end of the head */
		"GET / HTTP/1.1\r\nHost: a.com\r\n\r\r\n",
	};
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(bad[i], VG_AN_HTTP_BAD_HEADER);
	/* NUL inside a field value (RFC 9110 §5.5) */
	static const char nul[] = "GET / HTTP/1.1\r\nHost: a\0.com\r\n\r\n";
	assert_int_equal(parse(nul, sizeof(nul) - 1, &r, &need, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_HTTP_BAD_HEADER);
	/* obs-fold (RFC 9112 §5.2) is unfolded; folding the Host value makes it unusable. */
	expect_host("GET / HTTP/1.1\r\nX-A: 1\r\n\tcontinued\r\n  more\r\nHost: a.com\r\n\r\n",
	    "a.com", 0);
	expect_error("GET / HTTP/1.1\r\nHost: a.com\r\n b.com\r\n\r\n", VG_AN_HTTP_BAD_HOST);
	/* obs-text and HTAB inside a value are fine */
	expect_host("GET / HTTP/1.1\r\nX-A: caf\303\251\tok\r\nHost: a.com\r\n\r\n", "a.com", 0);
}

static void
test_incomplete(void **state)
{
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need;
	/* No final empty line: the head is not over. */
	static const char nocrlf[] = "GET / HTTP/1.1\r\nHost: a.com\r\n";

	assert_int_equal(parse(nocrlf, sizeof(nocrlf) - 1, &r, &need, &an), VG_PARSE_MORE);
	assert_int_equal(need, sizeof(nocrlf));
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_false(r.has_host);
	/* Half of the final CRLF. */
	static const char half[] = "GET / HTTP/1.1\r\nHost: a.com\r\n\r";
	assert_int_equal(parse(half, sizeof(half) - 1, &r, &need, &an), VG_PARSE_MORE);
	assert_int_equal(need, sizeof(half));
}

/* Builds a head of exactly `total` bytes ending in CRLF CRLF, padded by one header. */
static char *
make_head(size_t total, bool complete)
{
	static const char start[] = "GET / HTTP/1.1\r\nHost: big.example\r\nX-Pad: ";
	char *h;
	size_t fixed = sizeof(start) - 1 + 4;

	assert_true(total > fixed);
	h = malloc(total + 1);
	assert_non_null(h);
	memcpy(h, start, sizeof(start) - 1);
	memset(h + sizeof(start) - 1, 'p', total - fixed);
	memcpy(h + total - 4, complete ? "\r\n\r\n" : "pppp", 4);
	h[total] = '\0';
	return h;
}

static void
test_head_limit(void **state)
{
	struct vg_http_request r;
	struct vg_anomalies an;
	size_t need;
	char *h;

	/* Exactly VG_HTTP_HEAD_MAX bytes: accepted. */
	h = make_head(VG_HTTP_HEAD_MAX, true);
	assert_int_equal(parse(h, VG_HTTP_HEAD_MAX, &r, &need, &an), VG_PARSE_DONE);
	assert_string_equal(r.host, "big.example");
	assert_int_equal(parse(h, VG_HTTP_HEAD_MAX - 1, &r, &need, &an), VG_PARSE_MORE);
	assert_int_equal(need, VG_HTTP_HEAD_MAX);
	free(h);
	/* One more byte: refused, whether or not the rest has arrived. */
	h = make_head(VG_HTTP_HEAD_MAX + 1, true);
	assert_int_equal(parse(h, VG_HTTP_HEAD_MAX + 1, &r, &need, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_HTTP_HEADER_TOO_LONG);
	assert_int_equal(parse(h, VG_HTTP_HEAD_MAX, &r, &need, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_HTTP_HEADER_TOO_LONG);
	assert_int_equal(parse(h, VG_HTTP_HEAD_MAX - 1, &r, &need, &an), VG_PARSE_MORE);
	free(h);
	/* A 20 KiB unfinished head, and a 9 KiB request line. */
	h = make_head(20000, false);
	assert_int_equal(parse(h, 20000, &r, &need, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_HTTP_HEADER_TOO_LONG);
	memset(h + 4, 'a', 9000);
	assert_int_equal(parse(h, 9004, &r, &need, &an), VG_PARSE_ERROR);
	assert_one_anomaly(&an, VG_AN_HTTP_HEADER_TOO_LONG);
	free(h);
}

/* Only the first request of a pipeline is looked at. */
static void
test_pipelined(void **state)
{
	expect_host("GET /1 HTTP/1.1\r\nHost: one.example\r\n\r\n"
	    "GET /2 HTTP/1.1\r\nHost: two.example\r\nHost: dup.example\r\n\r\n",
	    "one.example", 0);
	expect_host("GET /1 HTTP/1.1\r\nHost: one.example\r\n\r\n\001\002binary", "one.example",
	    0);
	/* The second request's missing Host is not counted either. */
	expect_host("GET /1 HTTP/1.1\r\nHost: one.example\r\n\r\nGET /2 HTTP/1.1\r\n\r\n",
	    "one.example", 0);
}

static void
test_null_anomalies(void **state)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: a.com\r\nHost: b.com\r\n\r\n";
	struct vg_http_request r;
	size_t need;

	assert_int_equal(vg_http_parse_request((const uint8_t *)req, sizeof(req) - 1, &r, &need,
	    NULL), VG_PARSE_ERROR);
	assert_int_equal(vg_http_parse_request(NULL, 0, &r, &need, NULL), VG_PARSE_MORE);
	assert_int_equal(need, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_requests),
		cmocka_unit_test(test_real_every_prefix),
		cmocka_unit_test(test_real_segments),
		cmocka_unit_test(test_nomatch),
		cmocka_unit_test(test_method),
		cmocka_unit_test(test_bad_request_line),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_host_header),
		cmocka_unit_test(test_bad_host),
		cmocka_unit_test(test_empty_host),
		cmocka_unit_test(test_duplicate_host),
		cmocka_unit_test(test_absolute_form),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_head_limit),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_null_anomalies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
