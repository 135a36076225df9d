/* test_hostname.c - unit tests for hostname canonicalisation (SNI, Host, DNS names). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hostname.h"

/* Runs vg_hostname_canon on an exact-size heap copy so ASan sees overreads. */
static bool
canon(const void *in, size_t len, char *out)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	bool ok;

	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, in, len);
	memset(out, 'Z', VG_HOSTNAME_MAX + 1);
	ok = vg_hostname_canon(copy, len, out);
	free(copy);
	/* Whatever the result, out is a string that fits. */
	assert_non_null(memchr(out, '\0', VG_HOSTNAME_MAX + 1));
	if (!ok)
		assert_string_equal(out, "");
	return ok;
}

static bool
from_host(const void *in, size_t len, char *out, uint16_t *port)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	bool ok;

	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, in, len);
	memset(out, 'Z', VG_HOSTNAME_MAX + 1);
	*port = 4242;
	ok = vg_hostname_from_host(copy, len, out, port);
	free(copy);
	assert_non_null(memchr(out, '\0', VG_HOSTNAME_MAX + 1));
	if (!ok) {
		assert_string_equal(out, "");
		assert_int_equal(*port, 0);
	}
	return ok;
}

static void
expect_canon(const char *in, const char *want)
{
	char out[VG_HOSTNAME_MAX + 1];

	assert_true(canon(in, strlen(in), out));
	assert_string_equal(out, want);
}

static void
expect_canon_bad(const char *in)
{
	char out[VG_HOSTNAME_MAX + 1];

	assert_false(canon(in, strlen(in), out));
}

static void
expect_host(const char *in, const char *want, uint16_t want_port)
{
	char out[VG_HOSTNAME_MAX + 1];
	uint16_t port;

	assert_true(from_host(in, strlen(in), out, &port));
	assert_string_equal(out, want);
	assert_int_equal(port, want_port);
}

static void
expect_host_bad(const char *in)
{
	char out[VG_HOSTNAME_MAX + 1];
	uint16_t port;

	assert_false(from_host(in, strlen(in), out, &port));
}

/* n labels of `label` bytes each, joined by dots, in a static buffer. */
static const char *
labels(size_t n, size_t label, const char *suffix)
{
	static char buf[1024];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf[o++] = '.';
		memset(buf + o, 'a' + (char)(i % 26), label);
		o += label;
	}
	strcpy(buf + o, suffix);
	return buf;
}

static void
test_canon_case_and_dot(void **state)
{
	expect_canon("Example.COM", "example.com");
	expect_canon("WWW.EXAMPLE.ORG.", "www.example.org");
	expect_canon("a", "a");
	expect_canon("A.", "a");
	expect_canon("xn--bcher-kva.example", "xn--bcher-kva.example");
	expect_canon("_dmarc.example.com", "_dmarc.example.com");
	expect_canon("*.example.com", "*.example.com");
	expect_canon("-lead.example", "-lead.example");
	/* only one trailing dot is the root; two make an empty label */
	expect_canon_bad("example.com..");
	expect_canon_bad(".");
	expect_canon_bad("");
}

static void
test_canon_empty_labels(void **state)
{
	expect_canon_bad(".example.com");
	expect_canon_bad("example..com");
	expect_canon_bad("..");
}

static void
test_canon_bad_bytes(void **state)
{
	static const char *const bad[] = {
		"exa mple.com", "example.com/", "a:b", "a@b", "a,b", "a\tb", "a\\b", "[::1]",
		"::1", "caf\303\251.fr", "a\177b", "a%2eb",
	};
	char out[VG_HOSTNAME_MAX + 1];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_canon_bad(bad[i]);
	/* NUL is data here, not a terminator */
	assert_false(canon("a\0b", 3, out));
	assert_false(canon("ab\0", 3, out));
	/* but a NULL/empty input is just empty */
	assert_false(vg_hostname_canon(NULL, 0, out));
	assert_string_equal(out, "");
}

/* RFC 1035 §2.3.4: labels of at most 63 octets. */
static void
test_canon_label_length(void **state)
{
	char want[128];

	strcpy(want, labels(1, 63, ".com"));
	expect_canon(want, want);
	expect_canon_bad(labels(1, 64, ".com"));
	expect_canon_bad(labels(1, 64, ""));
	/* the 64-byte label in the middle or at the end */
	expect_canon_bad(labels(3, 64, ""));
	strcpy(want, "a.");
	strcat(want, labels(1, 64, ""));
	expect_canon_bad(want);
}

/* 253 characters is the longest name; one trailing dot may make it 254. */
static void
test_canon_name_length(void **state)
{
	char name[300], out[VG_HOSTNAME_MAX + 1];

	/* 4 labels of 63 = 252 + 3 dots = 255: too long */
	expect_canon_bad(labels(4, 63, ""));
	/* 3 x 63 + 3 dots + 61 = 253 */
	strcpy(name, labels(3, 63, ".")); /* 192 */
	memset(name + 192, 'z', 61);
	name[253] = '\0';
	assert_int_equal(strlen(name), 253);
	assert_true(canon(name, 253, out));
	assert_string_equal(out, name);
	/* with the root dot: 254 bytes in, 253 out */
	name[253] = '.';
	name[254] = '\0';
	assert_true(canon(name, 254, out));
	assert_int_equal(strlen(out), 253);
	/* 254 characters without a trailing dot */
	name[253] = 'z';
	assert_false(canon(name, 254, out));
	/* 255 with a trailing dot */
	name[254] = '.';
	name[255] = '\0';
	assert_false(canon(name, 255, out));
}

static void
test_canon_ipv4(void **state)
{
	/* IPv4 literals are made of accepted bytes and pass unchanged */
	expect_canon("192.0.2.1", "192.0.2.1");
	expect_canon("10.0.0.255.", "10.0.0.255");
}

static void
test_host_names_and_ports(void **state)
{
	expect_host("Example.COM", "example.com", 0);
	expect_host("example.com:80", "example.com", 80);
	expect_host("example.com:0", "example.com", 0);
	expect_host("example.com:65535", "example.com", 65535);
	expect_host("example.com:00443", "example.com", 443);
	expect_host("example.com.:8080", "example.com", 8080);
	/* "host:" has an empty port, allowed by RFC 3986 §3.2.3 */
	expect_host("example.com:", "example.com", 0);
	expect_host_bad("example.com:65536");
	expect_host_bad("example.com:99999999999999999999");
	expect_host_bad("example.com:-1");
	expect_host_bad("example.com:8o");
	expect_host_bad("example.com: 80");
	expect_host_bad("example.com:80:81");
	expect_host_bad(":80");
	expect_host_bad(":");
	expect_host_bad("");
	expect_host_bad("exa mple.com:80");
	expect_host_bad("a..b:80");
}

static void
test_host_ipv4(void **state)
{
	expect_host("192.0.2.1", "192.0.2.1", 0);
	expect_host("192.0.2.1:8080", "192.0.2.1", 8080);
}

static void
test_host_ipv6(void **state)
{
	expect_host("[::1]", "::1", 0);
	expect_host("[::1]:8080", "::1", 8080);
	expect_host("[2001:DB8::1]:443", "2001:db8::1", 443);
	/* RFC 5952 §4: one text form per address */
	expect_host("[2001:0db8:0000:0000:0000:0000:0000:0001]", "2001:db8::1", 0);
	expect_host("[2001:db8:0:0:1:0:0:1]", "2001:db8::1:0:0:1", 0);
	expect_host("[::ffff:192.0.2.1]", "::ffff:192.0.2.1", 0);
	expect_host("[::1]:", "::1", 0);
	expect_host_bad("[::1]:65536");
	expect_host_bad("[::1]x");
	expect_host_bad("[::1]:x");
	expect_host_bad("[::1");
	expect_host_bad("[]");
	expect_host_bad("[]:80");
	expect_host_bad("[192.0.2.1]");
	expect_host_bad("[example.com]");
	expect_host_bad("[fe80::1%25eth0]");
	expect_host_bad("[1:2:3:4:5:6:7:8:9]");
	/* brackets are required around IPv6 (RFC 3986 §3.2.2) */
	expect_host_bad("::1");
	expect_host_bad("2001:db8::1");
}

static void
test_host_long(void **state)
{
	char in[400], out[VG_HOSTNAME_MAX + 1];
	uint16_t port;

	/* 253-character name with a port: fine */
	strcpy(in, labels(3, 63, "."));
	memset(in + 192, 'q', 61);
	strcpy(in + 253, ":8443");
	assert_true(from_host(in, strlen(in), out, &port));
	assert_int_equal(strlen(out), 253);
	assert_int_equal(port, 8443);
	/* 254: too long */
	memset(in + 192, 'q', 62);
	strcpy(in + 254, ":8443");
	assert_false(from_host(in, strlen(in), out, &port));
	/* a bracketed literal longer than any output */
	in[0] = '[';
	memset(in + 1, '1', 300);
	strcpy(in + 301, "]");
	assert_false(from_host(in, strlen(in), out, &port));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon_case_and_dot),
		cmocka_unit_test(test_canon_empty_labels),
		cmocka_unit_test(test_canon_bad_bytes),
		cmocka_unit_test(test_canon_label_length),
		cmocka_unit_test(test_canon_name_length),
		cmocka_unit_test(test_canon_ipv4),
		cmocka_unit_test(test_host_names_and_ports),
		cmocka_unit_test(test_host_ipv4),
		cmocka_unit_test(test_host_ipv6),
		cmocka_unit_test(test_host_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
