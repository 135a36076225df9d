/* test_cursor.c - the bounds-checked cursor: every read refuses to cross the end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cursor.h"

static const uint8_t bytes[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

static void
test_integers(void **state)
{
	struct vg_cur c;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	vg_cur_init(&c, bytes, sizeof(bytes));
	assert_true(vg_cur_u8(&c, &u8));
	assert_int_equal(u8, 0x01);
	assert_true(vg_cur_u16(&c, &u16));
	assert_int_equal(u16, 0x0203);
	assert_true(vg_cur_u24(&c, &u32));
	assert_int_equal(u32, 0x040506);
	assert_int_equal(vg_cur_left(&c), 2);
	/* 4 bytes wanted, 2 left: refused, and the position does not move. */
	assert_false(vg_cur_u32(&c, &u32));
	assert_int_equal(vg_cur_off(&c), 6);
	assert_true(vg_cur_u16le(&c, &u16));
	assert_int_equal(u16, 0x0807);
	assert_true(vg_cur_empty(&c));
	assert_false(vg_cur_u8(&c, &u8));

	vg_cur_init(&c, bytes, sizeof(bytes));
	assert_true(vg_cur_u32le(&c, &u32));
	assert_int_equal(u32, 0x04030201);
	assert_true(vg_cur_u32(&c, &u32));
	assert_int_equal(u32, 0x05060708);
}

static void
test_skip_seek_peek(void **state)
{
	struct vg_cur c;
	uint8_t b;

	vg_cur_init(&c, bytes, sizeof(bytes));
	assert_false(vg_cur_skip(&c, 9));
	assert_int_equal(vg_cur_off(&c), 0);
	assert_true(vg_cur_skip(&c, 8));
	assert_false(vg_cur_skip(&c, 1));
	/* SIZE_MAX must not wrap the check. */
	vg_cur_init(&c, bytes, sizeof(bytes));
	assert_true(vg_cur_skip(&c, 3));
	assert_false(vg_cur_skip(&c, SIZE_MAX));
	assert_false(vg_cur_skip(&c, SIZE_MAX - 2));
	assert_int_equal(vg_cur_off(&c), 3);
	assert_true(vg_cur_peek(&c, 4, &b));
	assert_int_equal(b, 0x08);
	assert_false(vg_cur_peek(&c, 5, &b));
	assert_false(vg_cur_peek(&c, SIZE_MAX, &b));
	assert_true(vg_cur_seek(&c, 8));
	assert_false(vg_cur_seek(&c, 9));
	assert_true(vg_cur_seek(&c, 0));
	assert_true(vg_cur_u8(&c, &b));
	assert_int_equal(b, 0x01);
}

static void
test_sub_and_bytes(void **state)
{
	struct vg_cur c, sub, rest;
	const uint8_t *p;
	uint8_t out[4];
	uint16_t v;

	vg_cur_init(&c, bytes, sizeof(bytes));
	assert_true(vg_cur_sub(&c, 3, &sub));
	assert_int_equal(vg_cur_left(&sub), 3);
	assert_int_equal(vg_cur_off(&c), 3);
	assert_true(vg_cur_u16(&sub, &v));
	assert_int_equal(v, 0x0102);
	assert_false(vg_cur_u16(&sub, &v)); /* the sub-cursor ends where it was carved */
	assert_false(vg_cur_sub(&c, 6, &sub));
	assert_true(vg_cur_bytes(&c, 2, &p));
	assert_int_equal(p[0], 0x04);
	assert_ptr_equal(vg_cur_here(&c), bytes + 5);
	vg_cur_rest(&c, &rest);
	assert_int_equal(vg_cur_left(&rest), 3);
	assert_int_equal(vg_cur_off(&c), 5);
	assert_false(vg_cur_copy(&c, out, 4));
	assert_true(vg_cur_copy(&c, out, 3));
	assert_memory_equal(out, bytes + 5, 3);
}

static void
test_vectors(void **state)
{
	/* TLS-style vectors (RFC 8446 §3.4): a length prefix then that many bytes. */
	static const uint8_t v8[] = { 0x02, 0xaa, 0xbb, 0xcc };
	static const uint8_t v16_short[] = { 0x00, 0x05, 0xaa, 0xbb };
	static const uint8_t v24[] = { 0x00, 0x00, 0x01, 0x7f };
	struct vg_cur c, sub;
	uint8_t b;

	vg_cur_init(&c, v8, sizeof(v8));
	assert_true(vg_cur_vec8(&c, &sub));
	assert_int_equal(vg_cur_left(&sub), 2);
	assert_int_equal(vg_cur_left(&c), 1);
	vg_cur_init(&c, v16_short, sizeof(v16_short));
	assert_false(vg_cur_vec16(&c, &sub));
	assert_int_equal(vg_cur_off(&c), 0); /* a failed vector read does not consume its length */
	vg_cur_init(&c, v24, sizeof(v24));
	assert_true(vg_cur_vec24(&c, &sub));
	assert_true(vg_cur_u8(&sub, &b));
	assert_int_equal(b, 0x7f);
}

static void
test_varint(void **state)
{
	/* The four examples of RFC 9000 §A.1. */
	static const uint8_t v8[] = { 0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c };
	static const uint8_t v4[] = { 0x9d, 0x7f, 0x3e, 0x7d };
	static const uint8_t v2[] = { 0x7b, 0xbd };
	static const uint8_t v1[] = { 0x25 };
	struct vg_cur c;
	uint64_t v;

	vg_cur_init(&c, v8, sizeof(v8));
	assert_true(vg_cur_varint(&c, &v));
	assert_true(v == 151288809941952652ull);
	vg_cur_init(&c, v4, sizeof(v4));
	assert_true(vg_cur_varint(&c, &v));
	assert_int_equal(v, 494878333);
	vg_cur_init(&c, v2, sizeof(v2));
	assert_true(vg_cur_varint(&c, &v));
	assert_int_equal(v, 15293);
	vg_cur_init(&c, v1, sizeof(v1));
	assert_true(vg_cur_varint(&c, &v));
	assert_int_equal(v, 37);
	/* Truncated: the 8-byte form with 7 bytes. */
	vg_cur_init(&c, v8, 7);
	assert_false(vg_cur_varint(&c, &v));
	assert_int_equal(vg_cur_off(&c), 0);
	vg_cur_init(&c, NULL, 0);
	assert_false(vg_cur_varint(&c, &v));
}

static void
test_limit(void **state)
{
	struct vg_cur c;
	uint8_t b;

	vg_cur_init(&c, bytes, sizeof(bytes));
	vg_cur_skip(&c, 2);
	vg_cur_limit(&c, 3);
	assert_int_equal(vg_cur_left(&c), 3);
	assert_true(vg_cur_skip(&c, 2));
	assert_true(vg_cur_u8(&c, &b));
	assert_int_equal(b, 0x05);
	assert_false(vg_cur_u8(&c, &b));
	/* A limit beyond the end never extends the span. */
	vg_cur_init(&c, bytes, 4);
	vg_cur_limit(&c, 100);
	assert_int_equal(vg_cur_left(&c), 4);
}

static void
test_null_buffer(void **state)
{
	struct vg_cur c;
	uint8_t b;

	vg_cur_init(&c, NULL, 100); /* a NULL span is empty whatever length is claimed */
	assert_int_equal(vg_cur_left(&c), 0);
	assert_false(vg_cur_u8(&c, &b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_skip_seek_peek),
		cmocka_unit_test(test_sub_and_bytes),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_null_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
