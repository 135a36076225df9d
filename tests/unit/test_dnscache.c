/* test_dnscache.c - unit tests for the bounded IP -> name cache: TTL, eviction order, keys. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dnscache.h"

#define S 1000000ull /* microseconds per second */
#define T0 (1700000000ull * S) /* a packet time in 2023 */

static struct vg_addr
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t bytes[4] = { a, b, c, d };
	struct vg_addr x;

	vg_addr_set4(&x, bytes);
	return x;
}

/* The i-th address of 10.0.0.0/8. */
static struct vg_addr
nth(unsigned i)
{
	return v4(10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i);
}

static void
test_put_get(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(16, 0);
	struct vg_dnscache_stats st;
	struct vg_addr a = v4(192, 0, 2, 1), b = v4(192, 0, 2, 2);

	assert_non_null(c);
	assert_null(vg_dnscache_get(c, &a, T0));
	vg_dnscache_put(c, &a, "example.com", 60, T0);
	assert_string_equal(vg_dnscache_get(c, &a, T0), "example.com");
	assert_null(vg_dnscache_get(c, &b, T0));
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.inserts, 1);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 2);
	assert_int_equal(st.evictions, 0);
	assert_int_equal(st.entries, 1);
	vg_dnscache_free(c);
}

static void
test_replace(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(16, 0);
	struct vg_dnscache_stats st;
	struct vg_addr a = v4(192, 0, 2, 1);

	vg_dnscache_put(c, &a, "old.example", 600, T0);
	vg_dnscache_put(c, &a, "new.example", 10, T0 + 5 * S);
	assert_string_equal(vg_dnscache_get(c, &a, T0 + 6 * S), "new.example");
	/* The new answer's TTL rules: 5 s + 10 s. */
	assert_null(vg_dnscache_get(c, &a, T0 + 15 * S));
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.inserts, 2);
	assert_int_equal(st.entries, 0);
	vg_dnscache_free(c);
}

static void
test_ttl_boundary(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(16, 0);
	struct vg_dnscache_stats st;
	struct vg_addr a = v4(198, 51, 100, 7);

	/* A 60 s TTL is good for [T0, T0 + 60 s): the last microsecond hits, the next misses. */
	vg_dnscache_put(c, &a, "ttl.example", 60, T0);
	assert_string_equal(vg_dnscache_get(c, &a, T0 + 60 * S - 1), "ttl.example");
	assert_null(vg_dnscache_get(c, &a, T0 + 60 * S));
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 1);
	assert_int_equal(st.entries, 0); /* the expired entry was freed */

	/* TTL 0 with no floor: expired at once. */
	vg_dnscache_put(c, &a, "zero.example", 0, T0);
	assert_null(vg_dnscache_get(c, &a, T0));
	vg_dnscache_free(c);
}

static void
test_min_ttl(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(16, 300);
	struct vg_addr a = v4(192, 0, 2, 1), b = v4(192, 0, 2, 2);

	/* ttl 5 is raised to the 300 s floor. */
	vg_dnscache_put(c, &a, "short.example", 5, T0);
	assert_string_equal(vg_dnscache_get(c, &a, T0 + 299 * S), "short.example");
	assert_string_equal(vg_dnscache_get(c, &a, T0 + 300 * S - 1), "short.example");
	assert_null(vg_dnscache_get(c, &a, T0 + 300 * S));
	/* ttl 600 is above the floor and kept. */
	vg_dnscache_put(c, &b, "long.example", 600, T0);
	assert_string_equal(vg_dnscache_get(c, &b, T0 + 599 * S), "long.example");
	assert_null(vg_dnscache_get(c, &b, T0 + 600 * S));
	/* The largest TTL does not overflow the expiry. */
	vg_dnscache_put(c, &a, "max.example", UINT32_MAX, UINT64_MAX - S);
	assert_string_equal(vg_dnscache_get(c, &a, UINT64_MAX - 1), "max.example");
	vg_dnscache_free(c);
}

static void
test_eviction_order(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(8, 0);
	struct vg_dnscache_stats st;
	struct vg_addr x;
	char name[32];
	unsigned i;

	/* capacity + 1 writes: the first written is pushed out, once. */
	for (i = 0; i < 9; i++) {
		snprintf(name, sizeof(name), "h%u.example", i);
		x = nth(i);
		vg_dnscache_put(c, &x, name, 3600, T0 + i);
	}
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.evictions, 1);
	assert_int_equal(st.entries, 8);
	x = nth(0);
	assert_null(vg_dnscache_get(c, &x, T0 + 10));
	for (i = 1; i < 9; i++) {
		snprintf(name, sizeof(name), "h%u.example", i);
		x = nth(i);
		assert_string_equal(vg_dnscache_get(c, &x, T0 + 10), name);
	}

	/*
	 * Oldest first is now h1, h2, h3, ... A rewrite makes h2 the newest;
	 * reading h1 does not protect it. Two new names then push out h1 and
	 * h3, skipping the rewritten h2.
	 */
	x = nth(2);
	vg_dnscache_put(c, &x, "h2.again", 3600, T0 + 20);
	x = nth(1);
	assert_non_null(vg_dnscache_get(c, &x, T0 + 21));
	x = nth(100);
	vg_dnscache_put(c, &x, "h100.example", 3600, T0 + 22);
	x = nth(101);
	vg_dnscache_put(c, &x, "h101.example", 3600, T0 + 22);
	x = nth(1);
	assert_null(vg_dnscache_get(c, &x, T0 + 23));
	x = nth(3);
	assert_null(vg_dnscache_get(c, &x, T0 + 23));
	x = nth(2);
	assert_string_equal(vg_dnscache_get(c, &x, T0 + 23), "h2.again");
	x = nth(4);
	assert_string_equal(vg_dnscache_get(c, &x, T0 + 23), "h4.example");
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.evictions, 3);
	vg_dnscache_free(c);
}

static void
test_evicting_expired_not_counted(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(2, 0);
	struct vg_dnscache_stats st;
	struct vg_addr a = nth(1), b = nth(2), d = nth(3);

	/* a is past its TTL when d needs its slot: not a live eviction. */
	vg_dnscache_put(c, &a, "a.example", 1, T0);
	vg_dnscache_put(c, &b, "b.example", 100, T0);
	vg_dnscache_put(c, &d, "d.example", 100, T0 + 10 * S);
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.evictions, 0);
	assert_int_equal(st.entries, 2);
	assert_null(vg_dnscache_get(c, &a, T0 + 10 * S));
	assert_string_equal(vg_dnscache_get(c, &b, T0 + 10 * S), "b.example");
	vg_dnscache_free(c);
}

static void
test_capacity_rounding(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(5, 0); /* rounded up to 8 */
	struct vg_dnscache_stats st;
	struct vg_addr x;
	unsigned i;

	for (i = 0; i < 8; i++) {
		x = nth(i);
		vg_dnscache_put(c, &x, "r.example", 60, T0);
	}
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.evictions, 0);
	assert_int_equal(st.entries, 8);
	x = nth(8);
	vg_dnscache_put(c, &x, "r.example", 60, T0);
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.evictions, 1);
	vg_dnscache_free(c);

	/* Capacity 0 still makes a usable one-entry cache. */
	c = vg_dnscache_new(0, 0);
	assert_non_null(c);
	x = nth(1);
	vg_dnscache_put(c, &x, "one.example", 60, T0);
	assert_string_equal(vg_dnscache_get(c, &x, T0), "one.example");
	x = nth(2);
	vg_dnscache_put(c, &x, "two.example", 60, T0);
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.evictions, 1);
	assert_int_equal(st.entries, 1);
	vg_dnscache_free(c);
}

static void
test_many_keys(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(1024, 0);
	struct vg_dnscache_stats st;
	struct vg_addr x;
	char name[32];
	unsigned i;

	/* 2000 writes into 1024 slots: 976 evicted, the newest 1024 all found. */
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "n%u.example", i);
		x = nth(i);
		vg_dnscache_put(c, &x, name, 3600, T0);
	}
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.evictions, 976);
	assert_int_equal(st.entries, 1024);
	for (i = 0; i < 2000; i++) {
		x = nth(i);
		if (i < 976) {
			assert_null(vg_dnscache_get(c, &x, T0));
		} else {
			snprintf(name, sizeof(name), "n%u.example", i);
			assert_string_equal(vg_dnscache_get(c, &x, T0), name);
		}
	}
	vg_dnscache_free(c);
}

static void
test_v4_v6_distinct(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(16, 0);
	static const uint8_t b6[16] = { 1, 2, 3, 4 }; /* 102:304:: has the bytes of 1.2.3.4 */
	struct vg_addr a4 = v4(1, 2, 3, 4), a6;

	vg_addr_set6(&a6, b6);
	vg_dnscache_put(c, &a4, "four.example", 60, T0);
	assert_null(vg_dnscache_get(c, &a6, T0));
	vg_dnscache_put(c, &a6, "six.example", 60, T0);
	assert_string_equal(vg_dnscache_get(c, &a4, T0), "four.example");
	assert_string_equal(vg_dnscache_get(c, &a6, T0), "six.example");
	vg_dnscache_free(c);
}

static void
test_name_lengths(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(16, 0);
	struct vg_dnscache_stats st;
	struct vg_addr a = nth(1), b = nth(2);
	char n253[254], n254[255];

	/* 253 characters is VG_HOSTNAME_MAX: stored whole. */
	memset(n253, 'a', 253);
	n253[253] = '\0';
	memset(n254, 'b', 254);
	n254[254] = '\0';
	vg_dnscache_put(c, &a, n253, 60, T0);
	assert_string_equal(vg_dnscache_get(c, &a, T0), n253);
	/* 254 is ignored: no new entry, no replacement. */
	vg_dnscache_put(c, &b, n254, 60, T0);
	assert_null(vg_dnscache_get(c, &b, T0));
	vg_dnscache_put(c, &a, n254, 60, T0);
	assert_string_equal(vg_dnscache_get(c, &a, T0), n253);
	/* So are the empty name and NULL. */
	vg_dnscache_put(c, &b, "", 60, T0);
	vg_dnscache_put(c, &b, NULL, 60, T0);
	assert_null(vg_dnscache_get(c, &b, T0));
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.inserts, 1);
	vg_dnscache_free(c);
}

static void
test_time_backwards(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(16, 0);
	struct vg_addr a = nth(7);

	/* A packet stamped before the answer (merged captures) sees the entry as live. */
	vg_dnscache_put(c, &a, "back.example", 60, T0);
	assert_string_equal(vg_dnscache_get(c, &a, T0 - 500 * S), "back.example");
	assert_string_equal(vg_dnscache_get(c, &a, 0), "back.example");
	assert_null(vg_dnscache_get(c, &a, T0 + 60 * S));
	/* An answer stamped earlier than the last one still replaces it. */
	vg_dnscache_put(c, &a, "late.example", 60, T0);
	vg_dnscache_put(c, &a, "early.example", 10, T0 - 100 * S);
	assert_string_equal(vg_dnscache_get(c, &a, T0 - 95 * S), "early.example");
	assert_null(vg_dnscache_get(c, &a, T0 - 90 * S));
	vg_dnscache_free(c);
}

static void
test_clear(void **state)
{
	struct vg_dnscache *c = vg_dnscache_new(4, 0);
	struct vg_dnscache_stats st;
	struct vg_addr x;
	unsigned i;

	for (i = 0; i < 4; i++) {
		x = nth(i);
		vg_dnscache_put(c, &x, "c.example", 60, T0);
	}
	vg_dnscache_clear(c);
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.inserts, 4); /* counters are cumulative */
	for (i = 0; i < 4; i++) {
		x = nth(i);
		assert_null(vg_dnscache_get(c, &x, T0));
	}
	/* All slots are free again: refilling evicts nothing. */
	for (i = 10; i < 14; i++) {
		x = nth(i);
		vg_dnscache_put(c, &x, "d.example", 60, T0);
	}
	vg_dnscache_stats(c, &st);
	assert_int_equal(st.evictions, 0);
	assert_int_equal(st.entries, 4);
	x = nth(13);
	assert_string_equal(vg_dnscache_get(c, &x, T0), "d.example");
	vg_dnscache_free(c);
}

static void
test_null(void **state)
{
	struct vg_dnscache_stats st;
	struct vg_addr a = nth(1);

	vg_dnscache_free(NULL);
	vg_dnscache_clear(NULL);
	vg_dnscache_put(NULL, &a, "x", 1, T0);
	assert_null(vg_dnscache_get(NULL, &a, T0));
	memset(&st, 0xff, sizeof(st));
	vg_dnscache_stats(NULL, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.inserts, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_ttl_boundary),
		cmocka_unit_test(test_min_ttl),
		cmocka_unit_test(test_eviction_order),
		cmocka_unit_test(test_evicting_expired_not_counted),
		cmocka_unit_test(test_capacity_rounding),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_v4_v6_distinct),
		cmocka_unit_test(test_name_lengths),
		cmocka_unit_test(test_time_backwards),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
