/* test_output.c - record writers checked against independent oracles: libc time and address
 * formatting, and jansson's parser for every JSON line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "out_json.h"
#include "out_text.h"

/* xorshift64*: a fixed sequence, so a failure can be replayed. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static void
test_timestamps_match_gmtime(void **state)
{
	static const uint64_t fixed[] = {
		0, 59, 86399, 86400, 951782400 /* 2000-02-29 */, 951868800, 1709164800 /* 2024-02-29 */,
		4107542400 /* 2100-03-01: not a leap year */, 253402300799 /* 9999-12-31T23:59:59 */,
	};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	char got[32], want[40], base[32];
	struct tm tm;

	for (size_t i = 0; i < 200000 + sizeof(fixed) / sizeof(fixed[0]); i++) {
		uint64_t s = i < sizeof(fixed) / sizeof(fixed[0]) ? fixed[i] :
		    rnd(&seed) % 253402300800ull;
		uint64_t us = s * 1000000u + rnd(&seed) % 1000000u;
		time_t t = (time_t)s;

		assert_non_null(gmtime_r(&t, &tm));
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(want, sizeof(want), "%s.%06uZ", base, (unsigned)(us % 1000000u));
		vg_format_ts(us, got, sizeof(got));
		if (strcmp(got, want) != 0)
			fail_msg("%llu: got %s, gmtime says %s", (unsigned long long)us, got, want);
	}
}

static void
test_ipv4_text_matches_inet_ntop(void **state)
{
	uint64_t seed = 42;
	char got[VG_ADDR_STRLEN], want[INET_ADDRSTRLEN], small[8];
	struct vg_addr a;
	uint8_t b[4];

	for (uint32_t i = 0; i < 300000; i++) {
		uint32_t v = i < 65536 ? (i & 0xff) * 0x01010101u ^ (i >> 8) : (uint32_t)rnd(&seed);
		memcpy(b, &v, 4);
		vg_addr_set4(&a, b);
		vg_addr_str(&a, got, sizeof(got));
		inet_ntop(AF_INET, b, want, sizeof(want));
		assert_string_equal(got, want);
	}
	/* Too small a buffer gives an empty string, never an overflow. */
	b[0] = b[1] = b[2] = b[3] = 255;
	vg_addr_set4(&a, b);
	assert_string_equal(vg_addr_str(&a, small, sizeof(small)), "");
}

/* A record with everything filled, and strings a parser must not trust. */
static void
test_json_flow_parses_back(void **state)
{
	static const struct vg_dns_log empty_log;
	struct vg_dns_log *log = calloc(1, sizeof(*log));
	struct vg_tls_hello h;
	struct vg_flow_record r;
	json_error_t err;
	json_t *o, *v;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	const char *weird = "a\"b\\c\001\x7f\xc3\xa9";

	memset(&h, 0, sizeof(h));
	memset(&r, 0, sizeof(r));
	strcpy(h.alpn[0], "h2");
	strcpy(h.alpn[1], weird);
	h.n_alpn = 2;
	h.versions[0] = 0x0304;
	h.versions[1] = 0x7f17; /* unknown: written in hex */
	h.n_versions = 2;
	h.ech = true;
	r.ts_start = 1772442000000000ull;
	r.ts_end = r.ts_start + 1;
	r.proto = 6;
	assert_true(vg_addr_parse("10.20.0.15", &r.src_ip));
	assert_true(vg_addr_parse("2001:db8::1", &r.dst_ip));
	r.src_port = 65535;
	r.dst_port = 443;
	r.pkts_out = UINT64_MAX >> 1;
	r.app = VG_APP_TLS;
	r.hostname = "api.example.com";
	r.hostname_source = VG_HS_TLS;
	r.hello = &h;
	r.http_method = weird;
	/* A DNS log with an escaped name (\DDD, as the DNS parser writes it). */
	strcpy(log->arena, "we\\046ird.example");
	strcpy(log->arena + 32, "192.0.2.1");
	log->e[0] = (struct vg_dns_entry){ .name = 0, .type = 1, .answer = false };
	log->e[1] = (struct vg_dns_entry){ .name = 0, .data = 32, .type = 1, .answer = true, .ttl = 300 };
	log->e[2] = (struct vg_dns_entry){ .name = 0, .data = 32, .type = 65280, .answer = true };
	log->n = 3;
	log->omitted = 7;
	r.dns = log;

	fp = open_memstream(&text, &len);
	assert_int_equal(vg_json_flow(fp, &r, NULL), 0);
	r.dns = &empty_log;
	r.hello = NULL;
	r.hostname = NULL;
	assert_int_equal(vg_json_flow(fp, &r, NULL), 0);
	fclose(fp);
	assert_non_null(memchr(text, '\n', len));

	o = json_loadb(text, strchr(text, '\n') - text, 0, &err);
	if (o == NULL)
		fail_msg("not JSON: %s at %d: %s", err.text, err.position, text);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "flow");
	assert_string_equal(json_string_value(json_object_get(o, "ts_start")),
	    "2026-03-02T09:00:00.000000Z");
	assert_string_equal(json_string_value(json_object_get(o, "dst_ip")), "2001:db8::1");
	assert_int_equal(json_integer_value(json_object_get(o, "src_port")), 65535);
	assert_true(json_integer_value(json_object_get(o, "pkts_out")) == (json_int_t)(UINT64_MAX >> 1));
	v = json_object_get(o, "alpn");
	assert_int_equal(json_array_size(v), 2);
	/* Bytes outside printable ASCII come back as the code points U+0001, U+007F, U+00C3, U+00A9. */
	assert_string_equal(json_string_value(json_array_get(v, 1)), "a\"b\\c\001\x7f\xc3\x83\xc2\xa9");
	v = json_object_get(o, "tls_versions");
	assert_string_equal(json_string_value(json_array_get(v, 0)), "TLS 1.3");
	assert_string_equal(json_string_value(json_array_get(v, 1)), "0x7f17");
	assert_true(json_is_true(json_object_get(o, "ech")));
	v = json_object_get(o, "dns");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(v,
	    "queries"), 0), "name")), "we\\046ird.example");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(v,
	    "answers"), 0), "data")), "192.0.2.1");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(v,
	    "answers"), 1), "type")), "TYPE65280");
	assert_int_equal(json_integer_value(json_object_get(v, "omitted")), 7);
	assert_true(json_is_array(json_object_get(json_object_get(o, "dest"), "jurisdiction")));
	json_decref(o);

	/* The second line: nulls where nothing is known, empty DNS lists. */
	o = json_loads(strchr(text, '\n') + 1, JSON_DISABLE_EOF_CHECK, &err);
	assert_non_null(o);
	assert_true(json_is_null(json_object_get(o, "hostname")));
	assert_true(json_is_null(json_object_get(o, "alpn")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(o, "dns"), "queries")), 0);
	json_decref(o);
	free(text);
	free(log);
}

static void
test_json_dest(void **state)
{
	struct vg_flow_record r;
	struct vg_dest d;
	json_error_t err;
	json_t *o, *dest;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	memset(&r, 0, sizeof(r));
	memset(&d, 0, sizeof(d));
	r.proto = 6;
	assert_true(vg_addr_parse("10.0.0.1", &r.src_ip));
	assert_true(vg_addr_parse("3.124.12.34", &r.dst_ip));
	d.provider = "aws";
	d.service = "bedrock";
	d.category = "llm-api";
	strcpy(d.region, "eu-central-1");
	d.country = "DE";
	d.groups = VG_JG_EU | VG_JG_EEA;
	d.basis = VG_BASIS_TLS_SNI;
	d.confidence = VG_CONF_HIGH;
	d.legal_seat = "US";
	d.source = "https://docs.aws.amazon.com/\"quoted\"";
	fp = open_memstream(&text, &len);
	assert_int_equal(vg_json_flow(fp, &r, &d), 0);
	fclose(fp);
	o = json_loads(text, 0, &err);
	if (o == NULL)
		fail_msg("not JSON: %s: %s", err.text, text);
	dest = json_object_get(o, "dest");
	assert_string_equal(json_string_value(json_object_get(dest, "provider")), "aws");
	assert_string_equal(json_string_value(json_object_get(dest, "region")), "eu-central-1");
	assert_string_equal(json_string_value(json_object_get(dest, "country")), "DE");
	assert_int_equal(json_array_size(json_object_get(dest, "jurisdiction")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(dest, "jurisdiction"), 1)),
	    "eea");
	assert_string_equal(json_string_value(json_object_get(dest, "basis")), "tls_sni");
	assert_string_equal(json_string_value(json_object_get(dest, "confidence")), "high");
	assert_true(json_is_null(json_object_get(dest, "reason")));
	assert_string_equal(json_string_value(json_object_get(dest, "source")),
	    "https://docs.aws.amazon.com/\"quoted\"");
	json_decref(o);
	free(text);

	/* A GeoIP answer: a country and nothing else; no provider, service or category. */
	memset(&d, 0, sizeof(d));
	d.country = "US";
	d.groups = VG_JG_ADEQUATE;
	d.basis = VG_BASIS_GEOIP;
	d.confidence = VG_CONF_LOW;
	text = NULL;
	fp = open_memstream(&text, &len);
	assert_int_equal(vg_json_flow(fp, &r, &d), 0);
	assert_int_equal(vg_text_flow(fp, &r, &d), 0);
	fclose(fp);
	o = json_loadb(text, strchr(text, '\n') - text, 0, &err);
	if (o == NULL)
		fail_msg("not JSON: %s: %s", err.text, text);
	dest = json_object_get(o, "dest");
	assert_true(json_is_null(json_object_get(dest, "provider")));
	assert_true(json_is_null(json_object_get(dest, "service")));
	assert_string_equal(json_string_value(json_object_get(dest, "country")), "US");
	assert_string_equal(json_string_value(json_object_get(dest, "basis")), "geoip");
	json_decref(o);
	free(text);
}

static void
test_summary_and_text(void **state)
{
	struct vg_scan_totals t;
	json_error_t err;
	json_t *o;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	memset(&t, 0, sizeof(t));
	t.captures = 2;
	t.captures_failed = 1;
	t.st.packets = 10;
	t.st.anomalies.n[VG_AN_DNS_POINTER_FORWARD] = 3;
	fp = open_memstream(&text, &len);
	assert_int_equal(vg_json_summary(fp, &t), 0);
	fclose(fp);
	o = json_loads(text, 0, &err);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "summary");
	assert_int_equal(json_integer_value(json_object_get(o, "captures_failed")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "anomalies"),
	    "dns.pointer_forward")), 3);
	/* Only counters that moved are listed. */
	assert_int_equal(json_object_size(json_object_get(o, "anomalies")), 1);
	json_decref(o);
	free(text);

	text = NULL;
	fp = open_memstream(&text, &len);
	assert_int_equal(vg_text_summary(fp, &t), 0);
	fclose(fp);
	assert_non_null(strstr(text, "2 captures (1 failed), 10 packets"));
	assert_non_null(strstr(text, "dns.pointer_forward 3"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timestamps_match_gmtime),
		cmocka_unit_test(test_ipv4_text_matches_inet_ntop),
		cmocka_unit_test(test_json_flow_parses_back),
		cmocka_unit_test(test_json_dest),
		cmocka_unit_test(test_summary_and_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
