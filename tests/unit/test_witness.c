/* test_witness.c - witness lines in the three forms: fields, each one broken, positions, files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "out_jsonl.h"
#include "out_syslog.h"
#include "witness.h"

/* Field values chosen so that every byte is known by heart. */
#define STORE "0123456789abcdef0123456789abcdef"
#define X8(s) s s s s s s s s
#define HASH X8("aaaaaaaa")                     /* 64 digits: 32 bytes of 0xaa */
#define PREV X8("bbbbbbbb")
#define SIG X8("cccccccc") X8("cccccccc")      /* 128 digits */
#define KEY "0123456789abcdef"
#define TS "2026-11-22T10:00:00.000001Z"
#define TS_US 1795341600000001ull              /* date -u -d 2026-11-22T10:00:00Z +%s, then us */

static const uint8_t store_bytes[16] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
};

/*
 * "<134>1 " is 7 bytes, TS 27, then " web1 vigie 4242 " 17: MSGID starts at
 * column 52, and for "flow" (and "-") the STRUCTURED-DATA at column 57.
 */
#define HDR(msgid) "<134>1 " TS " web1 vigie 4242 " msgid " "
#define SD_EVENT(store, seq, type, hash, prev) \
	"[vigie@32473 store=\"" store "\" seq=\"" seq "\" type=\"" type "\" hash=\"" hash \
	"\" prev=\"" prev "\"]"
#define SD_CKPT(seq, hash) \
	"[vigie@32473 store=\"" STORE "\" seq=\"" seq "\" type=\"checkpoint\" hash=\"" hash "\"]"
#define SD_CKPT2(ts, key, sig) "[checkpoint@32473 ts=\"" ts "\" key=\"" key "\" sig=\"" sig "\"]"
#define EVENT_5424 HDR("flow") SD_EVENT(STORE, "7", "flow", HASH, PREV) \
	"[flow@32473 host=\"api.openai.com\" port=\"443\"] {\"data\":{},\"ts\":\"" TS \
	"\",\"type\":\"flow\"}"
#define CKPT_5424 "<133>1 " TS " web1 vigie 4242 checkpoint " SD_CKPT("7", HASH) \
	SD_CKPT2(TS, KEY, SIG) " checkpoint seq=7 head=" HASH

/* The syslog-ng form, as contrib/syslog-ng/vigie.conf writes it (member order as it comes). */
#define NG_EVENT(vigie) "{\"vigie\":{" vigie "},\"time\":\"2026-11-22T10:00:00.000001+00:00\"," \
	"\"severity\":\"info\",\"received\":\"2026-11-22T10:00:00.200000+00:00\"," \
	"\"pid\":\"4242\"," \
	"\"peer\":\"127.0.0.1\",\"msgid\":\"flow\",\"message\":\"{\\\"data\\\":{}}\"," \
	"\"host\":\"web1\",\"flow\":{\"host\":\"a]b\"}}"
#define NG_VIGIE "\"type\":\"flow\",\"store\":\"" STORE "\",\"seq\":\"7\",\"prev\":\"" PREV \
	"\",\"hash\":\"" HASH "\""
#define NG_CKPT(ck) "{\"vigie\":{\"type\":\"checkpoint\",\"store\":\"" STORE "\",\"seq\":\"7\"," \
	"\"hash\":\"" HASH "\"},\"msgid\":\"checkpoint\",\"checkpoint\":{" ck "}}"
#define NG_CK "\"ts\":\"" TS "\",\"sig\":\"" SIG "\",\"key\":\"" KEY "\""

/* vigie's JSON-lines form. */
#define JL_EVENT "{\"seq\":8,\"store\":\"" STORE "\",\"hash\":\"" HASH "\",\"prev\":\"" PREV \
	"\",\"ts\":\"" TS "\",\"type\":\"flow\",\"data\":{\"x\":[1,{\"y\":null}]}}"
#define JL_CKPT "{\"type\":\"checkpoint\",\"seq\":8,\"store\":\"" STORE "\",\"head\":\"" HASH \
	"\",\"ts\":\"" TS "\",\"key\":\"" KEY "\",\"sig\":\"" SIG "\"}"

static void
expect_bytes(const uint8_t *got, uint8_t want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (got[i] != want)
			fail_msg("byte %zu is %02x, wanted %02x", i, got[i], want);
}

static int
parse(const char *line, struct vg_witness_item *it, struct vg_err *err)
{
	return vg_witness_parse_line("t.log", 3, line, strlen(line), it, err);
}

static void
expect_item(const char *line, struct vg_witness_item *it)
{
	struct vg_err err;
	int rc = parse(line, it, &err);

	if (rc != 1)
		fail_msg("rc %d (%s) for %s", rc, rc < 0 ? err.msg : "not vigie's", line);
}

static void
expect_error(const char *line, const char *want)
{
	struct vg_witness_item it;
	struct vg_err err;
	int rc = parse(line, &it, &err);

	if (rc != -1)
		fail_msg("rc %d, wanted \"%s\" for %s", rc, want, line);
	if (strcmp(err.msg, want) != 0)
		fail_msg("got    \"%s\"\nwanted \"%s\"", err.msg, want);
	assert_int_equal(it.kind, 0); /* nothing half-filled is left behind */
	assert_int_equal(it.seq, 0);
}

static void
expect_not_ours(const char *line)
{
	struct vg_witness_item it;
	struct vg_err err;
	int rc = parse(line, &it, &err);

	if (rc != 0)
		fail_msg("rc %d (%s), wanted 0 for %s", rc, rc < 0 ? err.msg : "an item", line);
}

static void
expect_event(const struct vg_witness_item *it, enum vg_witness_form form, uint64_t seq)
{
	assert_int_equal(it->kind, VG_WITNESS_EVENT);
	assert_int_equal(it->form, form);
	assert_memory_equal(it->store_id, store_bytes, sizeof(store_bytes));
	assert_true(it->seq == seq);
	expect_bytes(it->hash, 0xaa, sizeof(it->hash));
	expect_bytes(it->prev, 0xbb, sizeof(it->prev));
	assert_string_equal(it->type, "flow");
	assert_false(it->truncated);
	expect_bytes((const uint8_t *)&it->ckpt, 0, sizeof(it->ckpt));
}

static void
expect_ckpt(const struct vg_witness_item *it, enum vg_witness_form form, uint64_t seq)
{
	assert_int_equal(it->kind, VG_WITNESS_CHECKPOINT);
	assert_int_equal(it->form, form);
	assert_memory_equal(it->store_id, store_bytes, sizeof(store_bytes));
	assert_true(it->seq == seq);
	expect_bytes(it->hash, 0xaa, sizeof(it->hash));
	assert_string_equal(it->type, "checkpoint");
	assert_true(it->ckpt.seq == seq);
	assert_true(it->ckpt.ts_us == TS_US);
	expect_bytes(it->ckpt.head, 0xaa, sizeof(it->ckpt.head));
	assert_memory_equal(it->ckpt.store_id, store_bytes, sizeof(store_bytes));
	assert_string_equal(it->ckpt.key_id, "0123456789abcdef");
	expect_bytes(it->ckpt.sig, 0xcc, sizeof(it->ckpt.sig));
}

/* ---- RFC 5424 */

static void
test_5424_event(void **state)
{
	struct vg_witness_item it;

	(void)state;
	expect_item(EVENT_5424, &it);
	expect_event(&it, VG_WITNESS_RFC5424, 7);
	/* No MSG at all, and an empty one after the space, are both messages. */
	expect_item(HDR("flow") SD_EVENT(STORE, "7", "flow", HASH, PREV), &it);
	expect_event(&it, VG_WITNESS_RFC5424, 7);
	expect_item(HDR("flow") SD_EVENT(STORE, "7", "flow", HASH, PREV) " ", &it);
	expect_event(&it, VG_WITNESS_RFC5424, 7);
	/* Upper-case hex, other elements before vigie's, unknown parameters, NILVALUE fields. */
	expect_item("<0>1 - - - - flow [timeQuality tzKnown=\"1\"][vigie@32473 future=\"x\" "
	    "store=\"0123456789ABCDEF0123456789ABCDEF\" seq=\"7\" type=\"flow\" hash=\"" HASH
	    "\" prev=\"" PREV "\"]", &it);
	expect_event(&it, VG_WITNESS_RFC5424, 7);
	/* Time offsets and fractions RFC 5424 allows. */
	expect_item("<191>1 2026-11-22T10:00:00+01:00 h vigie - flow "
	    SD_EVENT(STORE, "7", "flow", HASH, PREV), &it);
	expect_item("<191>1 2026-11-22T10:00:00.1-12:30 h vigie - flow "
	    SD_EVENT(STORE, "7", "flow", HASH, PREV), &it);
	assert_true(it.seq == 7);
}

static void
test_5424_checkpoint(void **state)
{
	struct vg_witness_item it;

	(void)state;
	expect_item(CKPT_5424, &it);
	expect_ckpt(&it, VG_WITNESS_RFC5424, 7);
	/* The key id is given back in lower case, as vg_key_id() writes it. */
	expect_item("<133>1 " TS " web1 vigie 4242 checkpoint " SD_CKPT("7", HASH)
	    SD_CKPT2(TS, "0123456789ABCDEF", SIG), &it);
	expect_ckpt(&it, VG_WITNESS_RFC5424, 7);
	/* The elements in either order. */
	expect_item("<133>1 " TS " web1 vigie 4242 checkpoint " SD_CKPT2(TS, KEY, SIG)
	    SD_CKPT("7", HASH), &it);
	expect_ckpt(&it, VG_WITNESS_RFC5424, 7);
}

static void
test_5424_octet_count(void **state)
{
	struct vg_witness_item it;
	char line[1024];

	(void)state;
	snprintf(line, sizeof(line), "%zu %s", strlen(CKPT_5424), CKPT_5424);
	expect_item(line, &it);
	expect_ckpt(&it, VG_WITNESS_RFC5424, 7);
	snprintf(line, sizeof(line), "%zu %s", strlen(CKPT_5424) + 1, CKPT_5424);
	/* 7 + 27 + 28 bytes of header, 152 + 209 of SD, 23 + 64 of MSG: 510. */
	expect_error(line, "t.log:3: octet count 511, but 510 bytes follow");
	snprintf(line, sizeof(line), "%zu %s", strlen(CKPT_5424) - 1, CKPT_5424);
	expect_error(line, "t.log:3: octet count 509, but 510 bytes follow");
	/* Another program's frame with a wrong count is not ours to judge. */
	expect_not_ours("12 <13>1 - - other - - - hi");
	expect_not_ours("0 <13>1 - - other - - -");
	/* Syntax columns count the octet count too: the bad PRI is at column 5. */
	expect_error("34 <999>1 - - vigie - - [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 5: bad PRI");
	/* A cut frame of vigie's: APP-NAME says whose it is. */
	expect_error("99 <134>1 - h vigie", "t.log:3: octet count 99, but 16 bytes follow");
	expect_not_ours("99 <134>1 - h other");
}

static void
test_5424_escapes(void **state)
{
	struct vg_witness_item it;

	(void)state;
	/* \] \" \\ inside values do not end them; a backslash before anything else stays. */
	expect_item(HDR("flow") SD_EVENT(STORE, "7", "flow", HASH, PREV)
	    "[flow@32473 host=\"a\\]b\\\"c\\\\\" provider=\"x\\y\\n\" region=\"\\\\\"] msg", &it);
	expect_event(&it, VG_WITNESS_RFC5424, 7);
	/* An escaped character in a field is part of its value: one digit too many. */
	expect_error(HDR("flow") SD_EVENT(STORE "\\]", "7", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 store: not 32 hex digits");
	/* A backslash before anything but " \ ] stays: "\1" is not "1". */
	expect_error(HDR("flow") "[vigie@32473 store=\"" STORE "\" seq=\"7\" type=\"flow\" hash=\""
	    HASH "\" prev=\"" PREV "\" truncated=\"\\1\"]",
	    "t.log:3: vigie@32473 truncated: not \"1\"");
	/* "\7" is a backslash and a 7, not a digit. */
	expect_error(HDR("flow") SD_EVENT(STORE, "\\7", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 seq: not a decimal number");
	/* "\\\"" ends in an escaped quote: the value goes on to the next quote. */
	expect_error(HDR("flow") "[vigie@32473 type=\"a\\\\\\\" b=\"c\"]",
	    "t.log:3: RFC 5424 syntax at column 85: expected ' ' or ']' in SD-ELEMENT");
	/* Columns: '[' at 57, type= at 70, the value at 76. */
	expect_error(HDR("flow") "[vigie@32473 type=\"a]b\"]",
	    "t.log:3: RFC 5424 syntax at column 77: unescaped ']' in PARAM-VALUE");
}

static void
test_5424_syntax(void **state)
{
	(void)state;
	/* A line cut inside the structured data: the 108 bytes end in the store value. */
	expect_error(HDR("flow") "[vigie@32473 store=\"" STORE,
	    "t.log:3: RFC 5424 syntax at column 109: unterminated PARAM-VALUE");
	expect_error(HDR("flow") "[vigie@32473",
	    "t.log:3: RFC 5424 syntax at column 69: expected ' ' or ']' in SD-ELEMENT");
	expect_error(HDR("flow") "[vigie@32473][vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 71: repeated SD-ID");
	expect_error(HDR("flow") "[vigie@32473 seq=\"1\" seq=\"2\"]",
	    "t.log:3: RFC 5424 syntax at column 78: repeated parameter");
	expect_error(HDR("flow") "[vigie@32473 seq=\"1\"x]",
	    "t.log:3: RFC 5424 syntax at column 77: expected ' ' or ']' in SD-ELEMENT");
	expect_error(HDR("flow") "[vigie@32473 seq=1]",
	    "t.log:3: RFC 5424 syntax at column 74: expected =\" after PARAM-NAME");
	expect_error(HDR("flow") "[vigie@32473 =\"1\"]",
	    "t.log:3: RFC 5424 syntax at column 70: bad PARAM-NAME");
	expect_error(HDR("flow") "[vigie@32473]x",
	    "t.log:3: RFC 5424 syntax at column 70: expected a space or the end after "
	    "STRUCTURED-DATA");
	expect_error(HDR("flow") "x [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 57: expected '[' or '-' for STRUCTURED-DATA");
	expect_error(HDR("flow") "[vigie@32473  seq=\"1\"]",
	    "t.log:3: RFC 5424 syntax at column 70: bad PARAM-NAME");
	/* Before APP-NAME only vigie's element tells whose a message is. */
	expect_error("<192>1 - - vigie - - [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 2: bad PRI");
	expect_error("<013>1 - - vigie - - [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 2: bad PRI");
	expect_error("<>1 - - vigie - - [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 2: bad PRI");
	expect_error("<13 1 - - vigie - - [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 4: expected '>'");
	expect_not_ours("<192>1 - - vigie - - -");
	expect_error("<134>1 2026-13-01T00:00:00Z h vigie - flow [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 8: bad TIMESTAMP");
	expect_error("<134>1 2026-11-22T10:00:00.1234567Z h vigie - flow [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 8: bad TIMESTAMP");
	expect_error("<134>1 2026-11-22 h vigie - flow [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 8: bad TIMESTAMP");
	expect_error("<134>2 - h vigie - flow [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 6: not VERSION 1");
	expect_error("<134>1  h vigie - flow [vigie@32473]",
	    "t.log:3: RFC 5424 syntax at column 8: bad TIMESTAMP");
	/* APP-NAME vigie claims a message whose SD is broken, vigie's element or not. */
	expect_error("<134>1 - h vigie - flow [x",
	    "t.log:3: RFC 5424 syntax at column 27: expected ' ' or ']' in SD-ELEMENT");
	/* 49 characters of APP-NAME; the marker makes the line vigie's. */
	expect_error("<134>1 - h aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa - flow "
	    "[vigie@32473]", "t.log:3: RFC 5424 syntax at column 12: bad APP-NAME");
	/* 33 characters of SD-ID. */
	expect_error("<134>1 - h vigie - - [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]",
	    "t.log:3: RFC 5424 syntax at column 23: bad SD-ID");
}

static void
test_5424_fields(void **state)
{
	(void)state;
	expect_error(HDR("flow") SD_EVENT("0123456789abcdef0123456789abcde", "7", "flow", HASH,
	    PREV), "t.log:3: vigie@32473 store: not 32 hex digits");
	expect_error(HDR("flow") SD_EVENT("0123456789abcdef0123456789abcdeg", "7", "flow", HASH,
	    PREV), "t.log:3: vigie@32473 store: not 32 hex digits");
	expect_error(HDR("flow") SD_EVENT(STORE "0", "7", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 store: not 32 hex digits");
	expect_error(HDR("flow") SD_EVENT(STORE, "", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 seq: not a decimal number of 1 to 20 digits");
	expect_error(HDR("flow") SD_EVENT(STORE, "0", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 seq: zero (sequence numbers start at 1)");
	expect_error(HDR("flow") SD_EVENT(STORE, "07", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 seq: leading zero");
	expect_error(HDR("flow") SD_EVENT(STORE, "-7", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 seq: not a decimal number");
	expect_error(HDR("flow") SD_EVENT(STORE, "+7", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 seq: not a decimal number");
	expect_error(HDR("flow") SD_EVENT(STORE, "7 ", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 seq: not a decimal number");
	expect_error(HDR("flow") SD_EVENT(STORE, "18446744073709551616", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 seq: over 2^64 - 1");
	expect_error(HDR("flow") SD_EVENT(STORE, "100000000000000000000", "flow", HASH, PREV),
	    "t.log:3: vigie@32473 seq: not a decimal number of 1 to 20 digits");
	expect_error(HDR("Flow") SD_EVENT(STORE, "7", "Flow", HASH, PREV),
	    "t.log:3: vigie@32473 type: not a type name ([a-z_][a-z0-9_]*)");
	expect_error(HDR("flow") SD_EVENT(STORE, "7", "", HASH, PREV),
	    "t.log:3: vigie@32473 type: not 1 to 15 characters");
	expect_error(HDR("flow") SD_EVENT(STORE, "7", "abcdefghijklmnop", HASH, PREV),
	    "t.log:3: vigie@32473 type: not 1 to 15 characters");
	expect_error(HDR("flow") SD_EVENT(STORE, "7", "flow", HASH "a", PREV),
	    "t.log:3: vigie@32473 hash: not 64 hex digits");
	expect_error(HDR("flow") SD_EVENT(STORE, "7", "flow", HASH, "0x" X8("bbbbbbbb")),
	    "t.log:3: vigie@32473 prev: not 64 hex digits");
	expect_error(HDR("flow") "[vigie@32473 store=\"" STORE "\" seq=\"7\" type=\"flow\" hash=\""
	    HASH "\"]", "t.log:3: vigie@32473 prev: missing");
	expect_error(HDR("flow") "[vigie@32473 seq=\"7\" type=\"flow\" hash=\"" HASH "\" prev=\""
	    PREV "\"]", "t.log:3: vigie@32473 store: missing");
	expect_error(HDR("flow") "[vigie@32473 store=\"" STORE "\" type=\"flow\" hash=\"" HASH
	    "\" prev=\"" PREV "\"]", "t.log:3: vigie@32473 seq: missing");
	expect_error(HDR("flow") "[vigie@32473 store=\"" STORE "\" seq=\"7\" hash=\"" HASH
	    "\" prev=\"" PREV "\"]", "t.log:3: vigie@32473 type: missing");
	expect_error(HDR("flow") "[vigie@32473 store=\"" STORE "\" seq=\"7\" type=\"flow\" prev=\""
	    PREV "\"]", "t.log:3: vigie@32473 hash: missing");
	expect_error(HDR("flow") "[vigie@32473 store=\"" STORE "\" seq=\"7\" type=\"flow\" hash=\""
	    HASH "\" prev=\"" PREV "\" truncated=\"yes\"]",
	    "t.log:3: vigie@32473 truncated: not \"1\"");
	expect_error(HDR("finding") SD_EVENT(STORE, "7", "flow", HASH, PREV),
	    "t.log:3: MSGID differs from vigie@32473 type");
}

static void
test_5424_fields_max(void **state)
{
	struct vg_witness_item it;

	(void)state;
	expect_item(HDR("flow") SD_EVENT(STORE, "18446744073709551615", "flow", HASH, PREV), &it);
	assert_true(it.seq == UINT64_MAX);
	expect_item(HDR("abcdefghijklmno") SD_EVENT(STORE, "1", "abcdefghijklmno", HASH, PREV),
	    &it);
	assert_string_equal(it.type, "abcdefghijklmno");
	expect_item(HDR("flow") "[vigie@32473 store=\"" STORE "\" seq=\"7\" type=\"flow\" hash=\""
	    HASH "\" prev=\"" PREV "\" truncated=\"1\"]", &it);
	assert_true(it.truncated);
}

#define CKPT_WITH(ts, key, sig) "<133>1 - web1 vigie 4242 checkpoint " SD_CKPT("7", HASH) \
	SD_CKPT2(ts, key, sig)

static void
test_5424_checkpoint_fields(void **state)
{
	struct vg_witness_item it;

	(void)state;
	expect_error(CKPT_WITH("2026-11-22T10:00:00Z", KEY, SIG),
	    "t.log:3: checkpoint@32473 ts: not an RFC 3339 UTC time with microseconds");
	expect_error(CKPT_WITH("2026-11-22T10:00:00.000001+00:00", KEY, SIG),
	    "t.log:3: checkpoint@32473 ts: not an RFC 3339 UTC time with microseconds");
	expect_error(CKPT_WITH("2026-02-29T10:00:00.000001Z", KEY, SIG),
	    "t.log:3: checkpoint@32473 ts: not an RFC 3339 UTC time with microseconds");
	expect_error(CKPT_WITH("2026-04-31T10:00:00.000001Z", KEY, SIG),
	    "t.log:3: checkpoint@32473 ts: not an RFC 3339 UTC time with microseconds");
	expect_error(CKPT_WITH("2026-11-22T24:00:00.000001Z", KEY, SIG),
	    "t.log:3: checkpoint@32473 ts: not an RFC 3339 UTC time with microseconds");
	expect_error(CKPT_WITH("2026-11-22T10:00:60.000001Z", KEY, SIG),
	    "t.log:3: checkpoint@32473 ts: not an RFC 3339 UTC time with microseconds");
	expect_error(CKPT_WITH("1969-12-31T23:59:59.999999Z", KEY, SIG),
	    "t.log:3: checkpoint@32473 ts: not an RFC 3339 UTC time with microseconds");
	expect_error(CKPT_WITH("2026-11-22t10:00:00.000001Z", KEY, SIG),
	    "t.log:3: checkpoint@32473 ts: not an RFC 3339 UTC time with microseconds");
	expect_error(CKPT_WITH(TS, "0123456789abcde", SIG),
	    "t.log:3: checkpoint@32473 key: not 16 hex digits");
	expect_error(CKPT_WITH(TS, KEY, SIG "c"),
	    "t.log:3: checkpoint@32473 sig: not 128 hex digits");
	expect_error("<133>1 - web1 vigie 4242 checkpoint " SD_CKPT("7", HASH),
	    "t.log:3: checkpoint@32473 ts: missing");
	expect_error("<133>1 - web1 vigie 4242 checkpoint " SD_CKPT("7", HASH)
	    "[checkpoint@32473 ts=\"" TS "\" sig=\"" SIG "\"]",
	    "t.log:3: checkpoint@32473 key: missing");
	/* Leap day of a leap year; the first and last instants accepted (date -u +%s). */
	expect_item(CKPT_WITH("2024-02-29T00:00:00.000000Z", KEY, SIG), &it);
	assert_true(it.ckpt.ts_us == 1709164800000000ull);
	expect_item(CKPT_WITH("1970-01-01T00:00:00.000000Z", KEY, SIG), &it);
	assert_true(it.ckpt.ts_us == 0);
	expect_item(CKPT_WITH("9999-12-31T23:59:59.999999Z", KEY, SIG), &it);
	assert_true(it.ckpt.ts_us == 253402300799999999ull);
	expect_item(CKPT_WITH("2000-02-29T12:34:56.789012Z", KEY, SIG), &it);
	assert_true(it.ckpt.ts_us == 951827696789012ull);
}

static void
test_5424_not_ours(void **state)
{
	(void)state;
	expect_not_ours("");
	expect_not_ours("   ");
	expect_not_ours("<13>Nov 22 10:00:00 host prog[12]: hello");
	expect_not_ours("<13>1 2026-11-22T10:00:00Z host prog 12 - - hello");
	expect_not_ours("<13>1 2026-11-22T10:00:00Z host prog 12 - [timeQuality tzKnown=\"1\"]");
	/* vigie's own plain messages: APP-NAME vigie, no audit element. */
	expect_not_ours("<14>1 - host vigie 12 - - starting capture on eth0");
	expect_not_ours("<14>1 - host vigie 12 - [origin ip=\"10.0.0.1\"] reload");
	/* Another program's broken message. */
	expect_not_ours("<13>1 - host prog 12 - [x");
	expect_not_ours("<13>2 - host prog 12 - -");
	/* An enterprise number other than vigie's. */
	expect_not_ours(HDR("flow") "[vigie@32474 store=\"" STORE "\"]");
	expect_not_ours("2026-11-22 10:00:00 vigie started");
	expect_not_ours("Nov 22 10:00:00 host vigie[12]: flow seq=7");
	expect_not_ours(" <13>1 - - vigie - - [vigie@32473]");
}

static void
test_5424_msg_cap(void **state)
{
	static const char head[] = HDR("flow") SD_EVENT(STORE, "7", "flow", HASH, PREV) " ";
	size_t n = VG_SYSLOG_MSG_MAX + 1;
	char *line = malloc(n + 1);
	struct vg_witness_item it;
	struct vg_err err;

	(void)state;
	assert_non_null(line);
	memcpy(line, head, sizeof(head) - 1);
	memset(line + sizeof(head) - 1, 'x', n - (sizeof(head) - 1));
	line[n] = '\0';
	/* 65,536 bytes in all: the largest message vigie sends. */
	assert_int_equal(vg_witness_parse_line("t.log", 3, line, n - 1, &it, &err), 1);
	assert_int_equal(vg_witness_parse_line("t.log", 3, line, n, &it, &err), -1);
	assert_string_equal(err.msg,
	    "t.log:3: message of 65537 bytes, over vigie's 65536-byte cap");
	/* Another program's long message is no concern. */
	memcpy(line + 7 + 27 + 6, "other", 5);
	memcpy(line + 57, "xyzzy", 5);
	assert_int_equal(vg_witness_parse_line("t.log", 3, line, n, &it, &err), 0);
	free(line);
}

/* ---- the syslog-ng form */

static void
test_ng_event(void **state)
{
	struct vg_witness_item it;

	(void)state;
	expect_item(NG_EVENT(NG_VIGIE), &it);
	expect_event(&it, VG_WITNESS_SYSLOG_NG, 7);
	/* seq as a JSON integer, leading blanks, a CR left on the line. */
	expect_item("  \t{\"vigie\":{\"type\":\"flow\",\"store\":\"" STORE "\",\"seq\":7,"
	    "\"prev\":\"" PREV "\",\"hash\":\"" HASH "\",\"truncated\":\"1\"}}\r", &it);
	assert_true(it.seq == 7);
	assert_true(it.truncated);
	assert_int_equal(it.form, VG_WITNESS_SYSLOG_NG);
}

static void
test_ng_checkpoint(void **state)
{
	struct vg_witness_item it;

	(void)state;
	expect_item(NG_CKPT(NG_CK), &it);
	expect_ckpt(&it, VG_WITNESS_SYSLOG_NG, 7);
}

static void
test_ng_errors(void **state)
{
	(void)state;
	expect_error(NG_EVENT("\"type\":\"flow\",\"store\":\"" STORE "\",\"seq\":\"07\",\"prev\":\""
	    PREV "\",\"hash\":\"" HASH "\""), "t.log:3: vigie.seq: leading zero");
	expect_error(NG_EVENT("\"type\":\"flow\",\"store\":\"" STORE "\",\"seq\":7.0,\"prev\":\""
	    PREV "\",\"hash\":\"" HASH "\""), "t.log:3: vigie.seq: not a string or an integer");
	expect_error(NG_EVENT("\"type\":\"flow\",\"store\":\"" STORE "\",\"seq\":0,\"prev\":\""
	    PREV "\",\"hash\":\"" HASH "\""), "t.log:3: vigie.seq: not a positive integer");
	expect_error(NG_EVENT("\"type\":\"flow\",\"store\":\"" STORE "\",\"seq\":\"7\",\"prev\":\""
	    PREV "\",\"hash\":1"), "t.log:3: vigie.hash: not a string");
	expect_error(NG_EVENT("\"type\":\"flow\",\"store\":\"" STORE "\",\"seq\":\"7\",\"hash\":\""
	    HASH "\""), "t.log:3: vigie.prev: missing");
	expect_error(NG_EVENT("\"type\":\"finding\",\"store\":\"" STORE "\",\"seq\":\"7\","
	    "\"prev\":\"" PREV "\",\"hash\":\"" HASH "\""),
	    "t.log:3: msgid: differs from vigie.type");
	expect_error(NG_EVENT("\"type\":\"flow\",\"store\":\"" STORE "0\",\"seq\":\"7\",\"prev\":\""
	    PREV "\",\"hash\":\"" HASH "\""), "t.log:3: vigie.store: not 32 hex digits");
	expect_error(NG_EVENT("\"type\":\"flow!\",\"store\":\"" STORE "\",\"seq\":\"7\",\"prev\":\""
	    PREV "\",\"hash\":\"" HASH "\""),
	    "t.log:3: vigie.type: not a type name ([a-z_][a-z0-9_]*)");
	expect_error(NG_EVENT("\"type\":\"flow\",\"store\":\"" STORE "\",\"seq\":\"7\",\"prev\":\""
	    PREV "\",\"hash\":\"" HASH "\",\"truncated\":true"),
	    "t.log:3: vigie.truncated: not \"1\"");
	expect_error("{\"vigie\":\"flow\"}", "t.log:3: vigie: not an object");
	expect_error("{\"vigie\":{},\"msgid\":3}", "t.log:3: msgid: not a string");
	expect_error(NG_CKPT("\"ts\":\"" TS "\",\"sig\":\"" SIG "\",\"key\":\"" KEY "x\""),
	    "t.log:3: checkpoint.key: not 16 hex digits");
	expect_error(NG_CKPT("\"ts\":\"" TS "\",\"key\":\"" KEY "\""),
	    "t.log:3: checkpoint.sig: missing");
	expect_error(NG_CKPT("\"ts\":\"2026-11-22T10:00:00.000001+00:00\",\"sig\":\"" SIG
	    "\",\"key\":\"" KEY "\""),
	    "t.log:3: checkpoint.ts: not an RFC 3339 UTC time with microseconds");
	expect_error("{\"vigie\":{\"type\":\"checkpoint\",\"store\":\"" STORE "\",\"seq\":\"7\","
	    "\"hash\":\"" HASH "\"},\"checkpoint\":[]}", "t.log:3: checkpoint: not an object");
	expect_error("{\"vigie\":{\"type\":\"checkpoint\",\"store\":\"" STORE "\",\"seq\":\"7\","
	    "\"hash\":\"" HASH "\"}}", "t.log:3: checkpoint.ts: missing");
	/* A NUL inside a JSON string: jansson refuses \u0000 outright. */
	expect_error("{\"vigie\":{\"type\":\"fl\\u0000ow\"}}",
	    "t.log:3: not valid JSON at column 29: \\u0000 is not allowed without JSON_ALLOW_NUL");
}

/* ---- vigie's JSON-lines form */

static void
test_jsonl(void **state)
{
	struct vg_witness_item it;

	(void)state;
	expect_item(JL_EVENT, &it);
	expect_event(&it, VG_WITNESS_JSONL, 8);
	expect_item(JL_CKPT, &it);
	expect_ckpt(&it, VG_WITNESS_JSONL, 8);
	/* The largest seq jansson reads: 2^63 - 1. */
	expect_item("{\"seq\":9223372036854775807,\"store\":\"" STORE "\",\"hash\":\"" HASH
	    "\",\"prev\":\"" PREV "\",\"type\":\"stop\"}", &it);
	assert_true(it.seq == INT64_MAX);
	assert_string_equal(it.type, "stop");
}

#define JL(seq, rest) "{\"seq\":" seq ",\"store\":\"" STORE "\",\"type\":\"flow\"" rest "}"
#define JL_HP ",\"hash\":\"" HASH "\",\"prev\":\"" PREV "\""

static void
test_jsonl_errors(void **state)
{
	(void)state;
	expect_error(JL("\"8\"", JL_HP), "t.log:3: seq: not an integer");
	expect_error(JL("8.0", JL_HP), "t.log:3: seq: not an integer");
	expect_error(JL("-8", JL_HP), "t.log:3: seq: not a positive integer");
	expect_error(JL("0", JL_HP), "t.log:3: seq: not a positive integer");
	expect_error(JL("-0", JL_HP), "t.log:3: seq: not a positive integer");
	expect_error(JL("8", ",\"hash\":\"" HASH "\""), "t.log:3: prev: missing");
	expect_error(JL("8", ",\"prev\":\"" PREV "\""), "t.log:3: hash: missing");
	expect_error(JL("8", JL_HP ",\"data\":[]"), "t.log:3: data: not an object");
	expect_error(JL("8", JL_HP ",\"ts\":\"yesterday\""),
	    "t.log:3: ts: not an RFC 3339 UTC time with microseconds");
	expect_error("{\"store\":\"" STORE "\",\"seq\":8,\"hash\":\"" HASH "\",\"prev\":\"" PREV
	    "\"}", "t.log:3: type: missing");
	expect_error("{\"seq\":8,\"store\":\"" STORE "x\",\"type\":\"flow\"" JL_HP "}",
	    "t.log:3: store: not 32 hex digits");
	expect_error("{\"seq\":8,\"store\":null,\"type\":\"flow\"" JL_HP "}",
	    "t.log:3: store: not a string");
	expect_error("{\"type\":\"checkpoint\",\"seq\":8,\"store\":\"" STORE "\",\"head\":\"" HASH
	    "\",\"ts\":\"" TS "\",\"key\":\"" KEY "\",\"sig\":\"" HASH "\"}",
	    "t.log:3: sig: not 128 hex digits");
	expect_error("{\"type\":\"checkpoint\",\"seq\":8,\"store\":\"" STORE "\",\"head\":\"" HASH
	    "\",\"ts\":\"" TS "\",\"key\":\"-123456789abcdef\",\"sig\":\"" SIG "\"}",
	    "t.log:3: key: not 16 hex digits");
	expect_error("{\"type\":\"checkpoint\",\"seq\":8,\"store\":\"" STORE "\",\"head\":\"" HASH
	    "\",\"key\":\"" KEY "\",\"sig\":\"" SIG "\"}", "t.log:3: ts: missing");
	/* A checkpoint's hash is its head, and the messages say so. */
	expect_error("{\"type\":\"checkpoint\",\"seq\":8,\"store\":\"" STORE "\",\"hash\":\"" HASH
	    "\",\"ts\":\"" TS "\",\"key\":\"" KEY "\",\"sig\":\"" SIG "\"}",
	    "t.log:3: head: missing");
	expect_error("{\"type\":\"checkpoint\",\"seq\":8,\"store\":\"" STORE "\",\"head\":\"" PREV
	    "b\",\"ts\":\"" TS "\",\"key\":\"" KEY "\",\"sig\":\"" SIG "\"}",
	    "t.log:3: head: not 64 hex digits");
	expect_error("{\"type\":\"checkpoint\",\"seq\":8,\"store\":\"" STORE "\",\"head\":\"" HASH
	    "\",\"ts\":\"" TS "\",\"key\":\"" KEY "\",\"sig\":\"" SIG "\",\"sig\":\"" SIG "\"}",
	    "t.log:3: not valid JSON at column 348: duplicate object key");
	/* One past 2^63 - 1: the number is refused by the JSON reader. */
	expect_error(JL("9223372036854775808", JL_HP),
	    "t.log:3: not valid JSON at column 26: too big integer");
}

static void
test_json_syntax(void **state)
{
	(void)state;
	/* A cut line: jansson stops after the 19 bytes there are. */
	expect_error("{\"vigie\":{\"seq\":\"1\"",
	    "t.log:3: not valid JSON at column 19: '}' expected near end of file");
	expect_error("  {\"vigie\":{\"seq\":\"1\"",
	    "t.log:3: not valid JSON at column 21: '}' expected near end of file");
	expect_error("{\"a\":1,}", "t.log:3: not valid JSON at column 8: string or '}' expected");
	expect_error("{\"a\":1} x", "t.log:3: not valid JSON at column 9: end of file expected");
	/* The bytes near the error are never quoted: 0x01 shows only as its number. */
	expect_error("{\"a\":\"\x01\"}", "t.log:3: not valid JSON at column 6: control character "
	    "0x1");
	expect_error("{\"a\":\"\xff\"}", "t.log:3: not valid JSON at column 6: unable to decode "
	    "byte 0xff");
	/* JSON of neither form is another program's. */
	expect_not_ours("{}");
	expect_not_ours("{\"msg\":\"hello\",\"seq\":3}");
	expect_not_ours("{\"MESSAGE\":\"[vigie@32473 seq=\\\"1\\\"]\"}");
	expect_not_ours("[1,2,3]");
}

static void
test_line_cap(void **state)
{
	size_t n = VG_WITNESS_LINE_MAX + 1;
	char *line = malloc(n);
	struct vg_witness_item it;
	struct vg_err err;

	(void)state;
	assert_non_null(line);
	memset(line, ' ', n);
	assert_int_equal(vg_witness_parse_line("t.log", 3, line, n - 1, &it, &err), 0);
	assert_int_equal(vg_witness_parse_line("t.log", 3, line, n, &it, &err), -1);
	assert_string_equal(err.msg, "t.log:3: line longer than 2097152 bytes");
	free(line);
}

/* ---- whole files */

struct seen {
	unsigned items, errors;
	uint64_t seqs[16];
	enum vg_witness_form forms[16];
	char msgs[8][512];
	int stop_after;    /* stop with 42 after this many items; 0: never */
};

static int
on_item(void *arg, const struct vg_witness_item *it)
{
	struct seen *s = arg;

	if (s->items < 16) {
		s->seqs[s->items] = it->seq;
		s->forms[s->items] = it->form;
	}
	s->items++;
	return s->stop_after != 0 && (int)s->items >= s->stop_after ? 42 : 0;
}

static int
on_error(void *arg, const struct vg_err *err)
{
	struct seen *s = arg;

	if (s->errors < 8)
		snprintf(s->msgs[s->errors], sizeof(s->msgs[0]), "%s", err->msg);
	s->errors++;
	return 0;
}

static FILE *
file_of(const void *buf, size_t len)
{
	FILE *fp = tmpfile();

	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	rewind(fp);
	return fp;
}

#define FRAME(n, msg) n " " msg

static void
test_file_mixed(void **state)
{
	/* Line numbers are counted by hand below each part. */
	static const char text[] =
	    EVENT_5424 "\n"                                        /* 1 */
	    "\n"                                                   /* 2: blank */
	    "<13>Nov 22 10:00:00 host prog[12]: hello\r\n"         /* 3: other */
	    NG_EVENT(NG_VIGIE) "\r\n"                              /* 4 */
	    HDR("flow") SD_EVENT(STORE, "07", "flow", HASH, PREV) "\n"  /* 5: bad seq */
	    FRAME("27", "<13>1 - - other - - - a\nb c")            /* 6-7: a frame holding a LF */
	    FRAME("27", "<13>1 - - other - - - d\ne f") "\n"       /* 7-8: right after it */
	    JL_CKPT "\n"                                           /* 9 */
	    "{\"vigie\":{\"seq\":\"1\"\n"                          /* 10: cut JSON */
	    JL_EVENT;                                              /* 11: no LF at the end */
	struct seen s = { 0 };
	struct vg_witness_stats st;
	struct vg_err err;
	FILE *fp = file_of(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(vg_witness_read_fp("w.log", fp, on_item, on_error, &s, &st, &err), 0);
	fclose(fp);
	assert_int_equal(st.lines, 10);
	assert_int_equal(st.items, 4);
	assert_int_equal(st.events, 3);
	assert_int_equal(st.checkpoints, 1);
	assert_int_equal(st.skipped, 4);
	assert_int_equal(st.errors, 2);
	assert_int_equal(s.items, 4);
	assert_true(s.seqs[0] == 7 && s.forms[0] == VG_WITNESS_RFC5424);
	assert_true(s.seqs[1] == 7 && s.forms[1] == VG_WITNESS_SYSLOG_NG);
	assert_true(s.seqs[2] == 8 && s.forms[2] == VG_WITNESS_JSONL);
	assert_true(s.seqs[3] == 8 && s.forms[3] == VG_WITNESS_JSONL);
	assert_int_equal(s.errors, 2);
	assert_string_equal(s.msgs[0], "w.log:5: vigie@32473 seq: leading zero");
	assert_string_equal(s.msgs[1],
	    "w.log:10: not valid JSON at column 19: '}' expected near end of file");
	assert_string_equal(st.first_error.msg, s.msgs[0]);
}

static void
test_file_frames(void **state)
{
	/* A raw TCP stream: frames back to back, then one cut by the end of the capture. */
	char text[4096];
	int n = snprintf(text, sizeof(text), "%zu %s%zu %s%zu %s", strlen(EVENT_5424), EVENT_5424,
	    strlen(CKPT_5424), CKPT_5424, strlen(EVENT_5424), "<134>1 " TS " web1 vigie");
	struct seen s = { 0 };
	struct vg_witness_stats st;
	struct vg_err err;
	FILE *fp;

	(void)state;
	assert_true(n > 0 && (size_t)n < sizeof(text));
	fp = file_of(text, (size_t)n);
	assert_int_equal(vg_witness_read_fp("raw", fp, on_item, on_error, &s, &st, &err), 0);
	fclose(fp);
	assert_int_equal(st.lines, 3);
	assert_int_equal(st.events, 1);
	assert_int_equal(st.checkpoints, 1);
	assert_int_equal(st.errors, 1);
	/*
	 * EVENT_5424 is 56 bytes of header, 218 + 45 of SD and 61 of MSG: 380. The cut frame
	 * has 7 + 27 + 11 of them, all on line 1.
	 */
	assert_string_equal(s.msgs[0], "raw:1: octet count 380, but 45 bytes follow");
}

static void
test_file_long_lines(void **state)
{
	/* An over-long line between good ones: one error, the next line still read, numbered. */
	size_t big = VG_WITNESS_LINE_MAX + 100000, n = 0;
	char *text = malloc(big + 2048);
	struct seen s = { 0 };
	struct vg_witness_stats st;
	struct vg_err err;
	FILE *fp;

	(void)state;
	assert_non_null(text);
	memcpy(text + n, JL_EVENT "\n", sizeof(JL_EVENT));
	n += sizeof(JL_EVENT);
	memset(text + n, 'x', big);
	n += big;
	text[n++] = '\n';
	memcpy(text + n, JL_CKPT "\n", sizeof(JL_CKPT));
	n += sizeof(JL_CKPT);
	/* A frame announcing more than the cap is skipped by its count. */
	memcpy(text + n, "999999999 <13>", 14);
	n += 14;
	fp = file_of(text, n);
	assert_int_equal(vg_witness_read_fp("big", fp, on_item, on_error, &s, &st, &err), 0);
	fclose(fp);
	assert_int_equal(st.lines, 4);
	assert_int_equal(st.events, 1);
	assert_int_equal(st.checkpoints, 1);
	assert_int_equal(st.errors, 2);
	assert_string_equal(s.msgs[0], "big:2: line longer than 2097152 bytes");
	assert_string_equal(s.msgs[1], "big:4: frame of 1000000009 bytes, longer than 2097152");

	/* A line of exactly the cap is read (and is not vigie's); one more byte is too long. */
	memset(text, ' ', VG_WITNESS_LINE_MAX + 1);
	text[VG_WITNESS_LINE_MAX] = '\n';
	memcpy(text + VG_WITNESS_LINE_MAX + 1, JL_EVENT, sizeof(JL_EVENT) - 1);
	fp = file_of(text, VG_WITNESS_LINE_MAX + sizeof(JL_EVENT));
	memset(&s, 0, sizeof(s));
	assert_int_equal(vg_witness_read_fp("cap", fp, on_item, on_error, &s, &st, &err), 0);
	fclose(fp);
	assert_int_equal(st.lines, 2);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.events, 1);
	memset(text, ' ', VG_WITNESS_LINE_MAX + 1);
	text[VG_WITNESS_LINE_MAX + 1] = '\n';
	memcpy(text + VG_WITNESS_LINE_MAX + 2, JL_EVENT, sizeof(JL_EVENT) - 1);
	fp = file_of(text, VG_WITNESS_LINE_MAX + 1 + sizeof(JL_EVENT));
	memset(&s, 0, sizeof(s));
	assert_int_equal(vg_witness_read_fp("cap", fp, on_item, on_error, &s, &st, &err), 0);
	fclose(fp);
	assert_int_equal(st.lines, 2);
	assert_int_equal(st.errors, 1);
	assert_int_equal(st.events, 1);
	assert_string_equal(s.msgs[0], "cap:1: line longer than 2097152 bytes");
	free(text);
}

static void
test_file_stop_and_missing(void **state)
{
	static const char text[] = JL_EVENT "\n" JL_CKPT "\n" JL_EVENT "\n";
	struct seen s = { .stop_after = 2 };
	struct vg_witness_stats st;
	struct vg_err err;
	FILE *fp = file_of(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(vg_witness_read_fp("w", fp, on_item, NULL, &s, &st, &err), 42);
	fclose(fp);
	assert_int_equal(s.items, 2);
	assert_int_equal(st.lines, 2);
	assert_int_equal(vg_witness_read("/nonexistent/witness.jsonl", on_item, on_error, &s, &st,
	    &err), -1);
	assert_string_equal(err.msg, "/nonexistent/witness.jsonl: No such file or directory");
	assert_int_equal(st.lines, 0);
	/* An empty file: nothing, no error. */
	fp = tmpfile();
	assert_non_null(fp);
	assert_int_equal(vg_witness_read_fp("w", fp, on_item, on_error, &s, &st, &err), 0);
	assert_int_equal(st.lines, 0);
	fclose(fp);
}

/* ---- what vigie's own writers produce reads back */

#define EV_JSON "{\"data\":{\"dest\":{\"provider\":\"openai\",\"region\":\"us\"},\"dst_ip\":" \
	"\"192.0.2.1\",\"dst_port\":443,\"hostname\":\"api.openai.com\",\"proto\":\"tcp\"}," \
	"\"ts\":\"" TS "\",\"type\":\"flow\"}"

static void
fill_event(struct vg_event *e, const char *json, size_t len)
{
	memset(e, 0, sizeof(*e));
	e->seq = 12345;
	e->ts_us = TS_US;
	memcpy(e->type, "flow", 5);
	e->json = json;
	e->json_len = len;
	memset(e->prev, 0xbb, sizeof(e->prev));
	memset(e->hash, 0xaa, sizeof(e->hash));
}

static void
fill_ckpt(struct vg_checkpoint *c)
{
	memset(c, 0, sizeof(*c));
	c->seq = 12345;
	c->ts_us = TS_US;
	memset(c->head, 0xaa, sizeof(c->head));
	memcpy(c->store_id, store_bytes, sizeof(store_bytes));
	memcpy(c->key_id, KEY, sizeof(KEY));
	memset(c->sig, 0xcc, sizeof(c->sig));
}

static void
test_writers_syslog(void **state)
{
	struct vg_syslog_hdr h = { VG_SYSLOG_FACILITY_DEFAULT, "web1", "4242" };
	struct vg_event e;
	struct vg_checkpoint c;
	struct vg_witness_item it;
	struct vg_err err;
	char *buf = malloc(VG_SYSLOG_MSG_MAX + 1), *big;
	size_t big_len = 100000;
	int n;

	(void)state;
	assert_non_null(buf);
	fill_event(&e, EV_JSON, strlen(EV_JSON));
	n = vg_syslog_format_event(&h, &e, store_bytes, buf, VG_SYSLOG_MSG_MAX + 1, &err);
	if (n < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(vg_witness_parse_line("w", 1, buf, (size_t)n, &it, &err), 1);
	assert_true(it.seq == 12345);
	expect_bytes(it.hash, 0xaa, VG_HASH_LEN);
	expect_bytes(it.prev, 0xbb, VG_HASH_LEN);
	assert_memory_equal(it.store_id, store_bytes, sizeof(store_bytes));
	assert_false(it.truncated);

	/* An event too big for one message is cut, and says so. */
	big = malloc(big_len + 128);
	assert_non_null(big);
	n = snprintf(big, 64, "{\"data\":{\"x\":\"");
	memset(big + n, 'y', big_len);
	n += (int)big_len;
	n += snprintf(big + n, 64, "\"},\"ts\":\"" TS "\",\"type\":\"flow\"}");
	fill_event(&e, big, (size_t)n);
	n = vg_syslog_format_event(&h, &e, store_bytes, buf, VG_SYSLOG_MSG_MAX + 1, &err);
	if (n < 0)
		fail_msg("%s", err.msg);
	assert_true(n <= VG_SYSLOG_MSG_MAX);
	assert_int_equal(vg_witness_parse_line("w", 1, buf, (size_t)n, &it, &err), 1);
	assert_true(it.truncated);
	free(big);

	fill_ckpt(&c);
	n = vg_syslog_format_checkpoint(&h, &c, buf, VG_SYSLOG_MSG_MAX + 1, &err);
	if (n < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(vg_witness_parse_line("w", 1, buf, (size_t)n, &it, &err), 1);
	assert_int_equal(it.kind, VG_WITNESS_CHECKPOINT);
	assert_memory_equal(&it.ckpt, &c, sizeof(c));
	free(buf);
}

static void
test_writers_jsonl(void **state)
{
	char path[] = "/tmp/test_witness.XXXXXX";
	int fd = mkstemp(path);
	struct vg_jsonl *j;
	struct vg_event e;
	struct vg_checkpoint c;
	struct seen s = { 0 };
	struct vg_witness_stats st;
	struct vg_err err;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	j = vg_jsonl_open(path, false, &err);
	if (j == NULL)
		fail_msg("%s", err.msg);
	fill_event(&e, EV_JSON, strlen(EV_JSON));
	fill_ckpt(&c);
	assert_int_equal(vg_jsonl_write_event(j, &e, store_bytes, &err), 0);
	assert_int_equal(vg_jsonl_write_checkpoint(j, &c, &err), 0);
	vg_jsonl_free(j);
	assert_int_equal(vg_witness_read(path, on_item, on_error, &s, &st, &err), 0);
	unlink(path);
	assert_int_equal(st.events, 1);
	assert_int_equal(st.checkpoints, 1);
	assert_int_equal(st.errors, 0);
	assert_true(s.seqs[0] == 12345 && s.seqs[1] == 12345);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_5424_event),
		cmocka_unit_test(test_5424_checkpoint),
		cmocka_unit_test(test_5424_octet_count),
		cmocka_unit_test(test_5424_escapes),
		cmocka_unit_test(test_5424_syntax),
		cmocka_unit_test(test_5424_fields),
		cmocka_unit_test(test_5424_fields_max),
		cmocka_unit_test(test_5424_checkpoint_fields),
		cmocka_unit_test(test_5424_not_ours),
		cmocka_unit_test(test_5424_msg_cap),
		cmocka_unit_test(test_ng_event),
		cmocka_unit_test(test_ng_checkpoint),
		cmocka_unit_test(test_ng_errors),
		cmocka_unit_test(test_jsonl),
		cmocka_unit_test(test_jsonl_errors),
		cmocka_unit_test(test_json_syntax),
		cmocka_unit_test(test_line_cap),
		cmocka_unit_test(test_file_mixed),
		cmocka_unit_test(test_file_frames),
		cmocka_unit_test(test_file_long_lines),
		cmocka_unit_test(test_file_stop_and_missing),
		cmocka_unit_test(test_writers_syslog),
		cmocka_unit_test(test_writers_jsonl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
