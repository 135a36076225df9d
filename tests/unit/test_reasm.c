/* test_reasm.c - first-bytes stream reassembly: order, retransmission, overlap, window, wrap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "reasm.h"

static const char msg[] = "0123456789abcdefghijklmnopqrstuvwxyz";

static void
assert_prefix(const struct vg_reasm *r, size_t want)
{
	size_t len;
	const uint8_t *p = vg_reasm_data(r, &len);

	assert_int_equal(len, want);
	assert_memory_equal(p, msg, want);
}

static void
test_in_order(void **state)
{
	struct vg_reasm *r = vg_reasm_new(1000);
	unsigned ev = 0;

	assert_non_null(r);
	assert_int_equal(vg_reasm_add(r, 1000, (const uint8_t *)msg, 10, &ev), 10);
	assert_int_equal(vg_reasm_add(r, 1010, (const uint8_t *)msg + 10, 10, &ev), 20);
	assert_int_equal(ev, 0);
	assert_prefix(r, 20);
	vg_reasm_free(r);
	vg_reasm_free(NULL);
}

static void
test_out_of_order_and_retransmit(void **state)
{
	unsigned an = 0;
	struct vg_reasm *r = vg_reasm_new(5);

	/* Third segment first, then the second: nothing contiguous until the first arrives. */
	assert_int_equal(vg_reasm_add(r, 25, (const uint8_t *)msg + 20, 16, &an), 0);
	assert_int_equal(vg_reasm_add(r, 15, (const uint8_t *)msg + 10, 10, &an), 0);
	assert_int_equal(vg_reasm_add(r, 5, (const uint8_t *)msg, 10, &an), 36);
	/* An exact retransmission changes nothing and is not an anomaly. */
	assert_int_equal(vg_reasm_add(r, 15, (const uint8_t *)msg + 10, 10, &an), 36);
	assert_prefix(r, 36);
	assert_int_equal(an, 0);
	vg_reasm_free(r);
}

static void
test_overlap_first_wins(void **state)
{
	unsigned an = 0;
	struct vg_reasm *r = vg_reasm_new(0);
	size_t len;
	const uint8_t *p;

	vg_reasm_add(r, 0, (const uint8_t *)"AAAA", 4, &an);
	/* Overlaps bytes 2-3 with different content and adds 4-5. */
	assert_int_equal(vg_reasm_add(r, 2, (const uint8_t *)"XXBB", 4, &an), 6);
	p = vg_reasm_data(r, &len);
	assert_memory_equal(p, "AAAABB", 6);
	assert_int_equal(an, VG_REASM_OVERLAP_DIFFERS);
	vg_reasm_free(r);
}

static void
test_before_base_and_wrap(void **state)
{
	struct vg_reasm *r = vg_reasm_new(0xfffffffe); /* stream byte 0 just before the wrap */
	unsigned ev = 0;

	/* Starts 3 bytes before byte 0 (e.g. a SYN retransmitted with data): the tail counts. */
	assert_int_equal(vg_reasm_add(r, 0xfffffffb, (const uint8_t *)"zzz0123", 7, &ev), 4);
	/* Sequence numbers wrap through zero (RFC 9293 §3.4). */
	assert_int_equal(vg_reasm_add(r, 2, (const uint8_t *)msg + 4, 6, &ev), 10);
	assert_prefix(r, 10);
	/* Entirely before byte 0: ignored. */
	assert_int_equal(vg_reasm_add(r, 0xfffffff0, (const uint8_t *)"old", 3, &ev), 10);
	assert_int_equal(ev, 0);
	vg_reasm_free(r);
}

static void
test_window_cap(void **state)
{
	static uint8_t big[VG_REASM_MAX + 100];
	unsigned an = 0;
	struct vg_reasm *r = vg_reasm_new(0);

	memset(big, 'q', sizeof(big));
	assert_int_equal(vg_reasm_add(r, 0, big, sizeof(big), &an), VG_REASM_MAX);
	assert_int_equal(an, VG_REASM_BEYOND_WINDOW);
	/* Far beyond the window: dropped and reported. */
	an = 0;
	assert_int_equal(vg_reasm_add(r, 1u << 20, big, 10, &an), VG_REASM_MAX);
	assert_int_equal(an, VG_REASM_BEYOND_WINDOW);
	vg_reasm_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_out_of_order_and_retransmit),
		cmocka_unit_test(test_overlap_first_wins),
		cmocka_unit_test(test_before_base_and_wrap),
		cmocka_unit_test(test_window_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
