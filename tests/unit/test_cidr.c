/* test_cidr.c - radix longest-prefix match against a brute-force scan, and CIDR parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cidr.h"

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static int
in_prefix(const struct vg_addr *a, const struct vg_addr *p, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		if (((a->b[i >> 3] ^ p->b[i >> 3]) >> (7 - (i & 7))) & 1)
			return 0;
	return a->family == p->family;
}

#define N 2000

static void
against_scan(int family, unsigned maxlen)
{
	static struct vg_addr pfx[N];
	static unsigned plen[N];
	static int id[N];
	struct vg_cidr *t = vg_cidr_new();
	uint64_t seed = 0x1234 + (uint64_t)family;
	size_t n = 0;

	for (size_t i = 0; i < N; i++) {
		struct vg_addr a;
		unsigned len = (unsigned)(rnd(&seed) % (maxlen + 1));
		const void *old;

		memset(&a, 0, sizeof(a));
		a.family = (uint8_t)family;
		/* Few distinct top bits, so prefixes nest and share branches. */
		for (unsigned b = 0; b < maxlen / 8; b++)
			a.b[b] = (uint8_t)(b < 2 ? rnd(&seed) % 4 : rnd(&seed));
		for (unsigned b = len; b < 128; b++)
			a.b[b >> 3] &= (uint8_t)~(0x80u >> (b & 7));
		id[n] = (int)n;
		if (vg_cidr_insert(t, &a, len, &id[n], &old)) {
			pfx[n] = a;
			plen[n] = len;
			n++;
		} else {
			assert_non_null(old); /* the only reason to refuse: the prefix is there already */
		}
	}
	assert_int_equal(vg_cidr_count(t), n);
	for (int q = 0; q < 10000; q++) {
		struct vg_addr a;
		const int *got;
		int want = -1;
		unsigned wlen = 0, glen;

		/* Half the queries inside a stored prefix, half anywhere. */
		if (q & 1) {
			a = pfx[rnd(&seed) % n];
			for (unsigned b = 0; b < maxlen / 8; b++)
				if (rnd(&seed) % 3 == 0)
					a.b[b] ^= (uint8_t)rnd(&seed);
		} else {
			memset(&a, 0, sizeof(a));
			a.family = (uint8_t)family;
			for (unsigned b = 0; b < maxlen / 8; b++)
				a.b[b] = (uint8_t)(b < 2 ? rnd(&seed) % 4 : rnd(&seed));
		}
		for (size_t i = 0; i < n; i++)
			if (in_prefix(&a, &pfx[i], plen[i]) && (want < 0 || plen[i] > wlen)) {
				want = id[i];
				wlen = plen[i];
			}
		got = vg_cidr_lookup(t, &a, &glen);
		if (want < 0)
			assert_null(got);
		else {
			assert_non_null(got);
			assert_int_equal(*got, want);
			assert_int_equal(glen, wlen);
		}
	}
	vg_cidr_free(t);
}

static void test_ipv4_against_scan(void **state) { against_scan(4, 32); }
static void test_ipv6_against_scan(void **state) { against_scan(6, 128); }

static void
test_parse(void **state)
{
	struct vg_addr a;
	unsigned len;

	assert_true(vg_cidr_parse("192.0.2.0/24", &a, &len));
	assert_int_equal(len, 24);
	assert_true(vg_cidr_parse("0.0.0.0/0", &a, &len));
	assert_true(vg_cidr_parse("2001:db8::/32", &a, &len));
	assert_int_equal(a.family, 6);
	assert_true(vg_cidr_parse("2001:db8::1/128", &a, &len));
	assert_false(vg_cidr_parse("192.0.2.1/24", &a, &len));  /* host bits */
	assert_false(vg_cidr_parse("192.0.2.0/33", &a, &len));
	assert_false(vg_cidr_parse("192.0.2.0/024", &a, &len));
	assert_false(vg_cidr_parse("192.0.2.0/", &a, &len));
	assert_false(vg_cidr_parse("192.0.2.0", &a, &len));
	assert_false(vg_cidr_parse("/24", &a, &len));
	assert_false(vg_cidr_parse("192.0.2.0/2x", &a, &len));
	assert_false(vg_cidr_parse("2001:db8::/129", &a, &len));
	assert_false(vg_cidr_parse("example.com/8", &a, &len));
}

static void
test_families_apart(void **state)
{
	struct vg_cidr *t = vg_cidr_new();
	struct vg_addr a, q;
	unsigned len;
	static const int v4 = 4, v6 = 6;

	assert_true(vg_cidr_parse("0.0.0.0/0", &a, &len));
	assert_true(vg_cidr_insert(t, &a, len, &v4, NULL));
	assert_true(vg_cidr_parse("::/0", &a, &len));
	assert_true(vg_cidr_insert(t, &a, len, &v6, NULL));
	assert_true(vg_addr_parse("::", &q));
	assert_int_equal(*(const int *)vg_cidr_lookup(t, &q, NULL), 6);
	assert_true(vg_addr_parse("0.0.0.0", &q));
	assert_int_equal(*(const int *)vg_cidr_lookup(t, &q, NULL), 4);
	vg_cidr_free(t);
	vg_cidr_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_against_scan),
		cmocka_unit_test(test_ipv6_against_scan),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_families_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
