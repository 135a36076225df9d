/* test_policy_expr.c - the policy condition language: operators, typing, macros, caps, exact errors, no allocation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy_expr.h"

/* ---- counting allocations, to show that evaluation never allocates */

#include "alloc_count.h"

/* ---- the environment of every test: a subject kind with one field of each type and more */

enum {
	F_COUNTRY = 1,
	F_REGION,
	F_CATEGORY,
	F_JURIS,
	F_HOST,
	F_RETENTION,
	F_FRIA,
	F_FIRST_USE,
	F_HIGH_RISK,
	F_BYTES,
	F_MAX,
};

static const struct vg_field fields[] = {
	{ "dest.country", VG_V_STR, F_COUNTRY },
	{ "dest.region", VG_V_STR, F_REGION },
	{ "dest.category", VG_V_STR, F_CATEGORY },
	{ "dest.jurisdiction", VG_V_LIST, F_JURIS },
	{ "hostname", VG_V_STR, F_HOST },
	{ "deployment.log_retention_days", VG_V_INT, F_RETENTION },
	{ "deployment.fria.date", VG_V_DATE, F_FRIA },
	{ "deployment.first_use", VG_V_DATE, F_FIRST_USE },
	{ "deployment.high_risk", VG_V_BOOL, F_HIGH_RISK },
	{ "flow.bytes", VG_V_INT, F_BYTES },
};

/* Deliberately unsorted: the compiler sorts its copy. */
static const char *const ai_items[] = { "speech", "llm", "ml-api" };
static const char *const adequate_items[] = { "GB", "CH", "JP" };
static const char *const list_names[] = { "ai_categories", "adequate" };
static const char *const *const list_items[] = { ai_items, adequate_items };
static const size_t list_lens[] = { 3, 3 };

static const char *const macro_names[] = {
	"is_ai", "in_eea", "ai_abroad", "loop_a", "loop_b", "self", "not_cond", "bad_inside",
	"m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "twice", "empty", "ml",
};
static const char *const macro_texts[] = {
	"dest.category in ai_categories",
	"dest.jurisdiction contains 'eea'",
	"is_ai and not (in_eea or dest.jurisdiction contains 'adequate')",
	"loop_b or true",
	"dest.country == 'FR' and loop_a",
	"self",
	"dest.country",
	"dest.contry == 'x'",
	"m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "true",
	"is_ai or is_ai",
	"",
	"hostname glob '*.x'\nand\n  zzz.qqq",
};

static const struct vg_expr_env env = {
	fields, sizeof(fields) / sizeof(fields[0]),
	list_names, list_items, list_lens, 2,
	macro_names, macro_texts, sizeof(macro_names) / sizeof(macro_names[0]),
};

struct subj {
	struct vg_val v[F_MAX];
};

static void
get(void *arg, int id, struct vg_val *val)
{
	const struct subj *s = arg;

	assert_true(id > 0 && id < F_MAX);
	assert_int_equal(val->t, VG_V_NULL);
	*val = s->v[id];
}

static void
set_str(struct subj *s, int id, const char *v)
{
	s->v[id].t = VG_V_STR;
	s->v[id].u.s = v;
}

static void
set_int(struct subj *s, int id, int64_t v)
{
	s->v[id].t = VG_V_INT;
	s->v[id].u.i = v;
}

static void
set_date(struct subj *s, int id, int32_t v)
{
	s->v[id].t = VG_V_DATE;
	s->v[id].u.date = v;
}

static void
set_bool(struct subj *s, int id, bool v)
{
	s->v[id].t = VG_V_BOOL;
	s->v[id].u.b = v;
}

static void
set_list(struct subj *s, int id, const char *const *items, size_t n)
{
	s->v[id].t = VG_V_LIST;
	s->v[id].u.list.items = items;
	s->v[id].u.list.n = n;
}

/* Days since 1970-01-01, from `date -u -d D +%s` / 86400 (GNU date). */
#define D_2000_03_01 11017
#define D_2024_02_29 19782
#define D_2026_02_28 20512
#define D_2026_08_02 20667
#define D_9999_12_31 2932896

static struct vg_expr *
compile(const char *text)
{
	struct vg_err err;
	struct vg_expr *e = vg_expr_compile(text, &env, "t.yaml", 5, 11, &err);

	if (e == NULL)
		fail_msg("\"%s\" rejected: %s", text, err.msg);
	return e;
}

static bool
eval_at(const char *text, const struct subj *s, int32_t today)
{
	struct vg_expr *e = compile(text);
	bool r = vg_expr_eval(e, get, (void *)(uintptr_t)s, today);

	vg_expr_free(e);
	return r;
}

static bool
eval(const char *text, const struct subj *s)
{
	return eval_at(text, s, D_2026_08_02);
}

/* prefix, n '(', inner, n ')' */
static const char *
nest(char *buf, const char *prefix, int n, const char *inner)
{
	size_t k = strlen(prefix);

	memcpy(buf, prefix, k);
	for (int i = 0; i < n; i++)
		buf[k++] = '(';
	memcpy(buf + k, inner, strlen(inner));
	k += strlen(inner);
	for (int i = 0; i < n; i++)
		buf[k++] = ')';
	buf[k] = '\0';
	return buf;
}

/* Conditions below start at t.yaml line 5, column 11: file col = condition col + 10. */
static void
expect_error(const char *text, const char *want)
{
	struct vg_err err;
	struct vg_expr *e = vg_expr_compile(text, &env, "t.yaml", 5, 11, &err);

	if (e != NULL) {
		vg_expr_free(e);
		fail_msg("\"%s\" accepted, wanted \"%s\"", text, want);
	}
	if (strcmp(err.msg, want) != 0)
		fail_msg("\"%s\":\n got  \"%s\"\n want \"%s\"", text, err.msg, want);
}

/* ---- operators */

static void
test_equality(void **state)
{
	struct subj s = { 0 };

	/* absent fields: every comparison false, != included; not of it true */
	assert_false(eval("hostname == 'a'", &s));
	assert_false(eval("hostname != 'a'", &s));
	assert_true(eval("not hostname == 'a'", &s));
	assert_true(eval("not hostname != 'a'", &s));
	assert_false(eval("flow.bytes == 0", &s));
	assert_false(eval("flow.bytes != 0", &s));
	assert_false(eval("deployment.first_use == 2026-08-02", &s));
	assert_false(eval("deployment.high_risk == false", &s));
	assert_false(eval("deployment.high_risk != true", &s));
	assert_false(eval("hostname == hostname", &s));

	set_str(&s, F_HOST, "api.openai.com");
	set_int(&s, F_BYTES, -42);
	set_date(&s, F_FIRST_USE, D_2026_02_28);
	set_bool(&s, F_HIGH_RISK, false);
	assert_true(eval("hostname == 'api.openai.com'", &s));
	assert_true(eval("hostname == \"api.openai.com\"", &s));
	assert_false(eval("hostname == 'API.openai.com'", &s)); /* case-sensitive */
	assert_false(eval("hostname == 'api.openai.co'", &s));
	assert_true(eval("hostname != 'api.openai.co'", &s));
	assert_true(eval("'api.openai.com' == hostname", &s));
	assert_true(eval("hostname == hostname", &s));
	assert_true(eval("flow.bytes == -42", &s));
	assert_true(eval("flow.bytes != 42", &s));
	assert_true(eval("deployment.first_use == 2026-02-28", &s));
	assert_false(eval("deployment.first_use != 2026-02-28", &s));
	assert_true(eval("deployment.high_risk == false", &s));
	assert_true(eval("deployment.high_risk != true", &s));
	assert_true(eval("(1 == 1) == true", &s));
	assert_true(eval("'' == ''", &s));
	/* escapes: only \' \" \\ */
	set_str(&s, F_HOST, "it's \"q\" \\");
	assert_true(eval("hostname == 'it\\'s \"q\" \\\\'", &s));
	assert_true(eval("hostname == \"it's \\\"q\\\" \\\\\"", &s));
	/* UTF-8 passes through unchanged */
	set_str(&s, F_HOST, "m\xc3\xbcnchen");
	assert_true(eval("hostname == 'm\xc3\xbcnchen'", &s));
}

static void
test_ordering(void **state)
{
	struct subj s = { 0 };
	/* 2^63 - 1 and -2^63 are the extremes of the language */
	static const char *const absent[] = {
		"flow.bytes < 1", "flow.bytes <= 1", "flow.bytes > 1", "flow.bytes >= 1",
		"deployment.fria.date <= deployment.first_use",
	};

	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_false(eval(absent[i], &s));
	set_int(&s, F_RETENTION, 183);
	assert_true(eval("deployment.log_retention_days >= 183", &s));
	assert_false(eval("deployment.log_retention_days > 183", &s));
	assert_true(eval("deployment.log_retention_days <= 183", &s));
	assert_false(eval("deployment.log_retention_days < 183", &s));
	assert_true(eval("deployment.log_retention_days < 184", &s));
	assert_true(eval("deployment.log_retention_days > -9223372036854775808", &s));
	assert_true(eval("deployment.log_retention_days < 9223372036854775807", &s));
	set_int(&s, F_BYTES, INT64_MIN);
	assert_true(eval("flow.bytes == -9223372036854775808", &s));
	assert_true(eval("flow.bytes < -9223372036854775807", &s));

	/* dates compare as dates */
	set_date(&s, F_FRIA, D_2024_02_29);
	set_date(&s, F_FIRST_USE, D_2026_02_28);
	assert_true(eval("deployment.fria.date <= deployment.first_use", &s));
	assert_true(eval("deployment.fria.date < deployment.first_use", &s));
	assert_false(eval("deployment.fria.date >= deployment.first_use", &s));
	assert_true(eval("deployment.fria.date == 2024-02-29", &s));
	assert_true(eval("deployment.fria.date > 2000-03-01", &s));
	assert_true(eval("1970-01-01 < 9999-12-31", &s));
}

static void
test_today(void **state)
{
	struct subj s = { 0 };

	assert_true(eval_at("today >= 2026-08-02", &s, D_2026_08_02));
	assert_false(eval_at("today >= 2026-08-02", &s, D_2026_08_02 - 1));
	assert_true(eval_at("today == 2000-03-01", &s, D_2000_03_01));
	assert_true(eval_at("today == 9999-12-31", &s, D_9999_12_31));
	assert_true(eval_at("today == 1970-01-01", &s, 0));
	set_date(&s, F_FIRST_USE, D_2026_02_28);
	assert_true(eval_at("deployment.first_use < today", &s, D_2026_02_28 + 1));
	assert_false(eval_at("deployment.first_use < today", &s, D_2026_02_28));
	/* the helper agrees with GNU date */
	assert_int_equal(vg_expr_days(2026, 8, 2), D_2026_08_02);
	assert_int_equal(vg_expr_days(2024, 2, 29), D_2024_02_29);
	assert_int_equal(vg_expr_days(2000, 3, 1), D_2000_03_01);
	assert_int_equal(vg_expr_days(9999, 12, 31), VG_EXPR_DATE_MAX);
	assert_int_equal(vg_expr_days(1970, 1, 1), VG_EXPR_DATE_MIN);
}

static void
test_lists(void **state)
{
	struct subj s = { 0 };
	static const char *const juris[] = { "us", "adequate" };
	static const char *const empty[] = { NULL };

	/* absent left or right: in and not in both false */
	assert_false(eval("dest.category in ai_categories", &s));
	assert_false(eval("dest.category not in ai_categories", &s));
	assert_true(eval("not dest.category in ai_categories", &s));
	set_str(&s, F_CATEGORY, "llm");
	assert_false(eval("dest.category in dest.jurisdiction", &s));
	assert_false(eval("dest.category not in dest.jurisdiction", &s));

	/* named list (sorted copy), literal, list field */
	assert_true(eval("dest.category in ai_categories", &s));
	assert_false(eval("dest.category not in ai_categories", &s));
	assert_true(eval("dest.category in ['a', \"llm\", 'z']", &s));
	assert_false(eval("dest.category in []", &s));
	assert_true(eval("dest.category not in []", &s));
	assert_false(eval("dest.category in ['LLM']", &s));
	for (size_t i = 0; i < 3; i++) {
		char text[64];
		set_str(&s, F_CATEGORY, ai_items[i]);
		assert_true(eval("dest.category in ai_categories", &s));
		snprintf(text, sizeof(text), "'%s' in ai_categories", adequate_items[i]);
		assert_false(eval(text, &s));
	}
	set_str(&s, F_CATEGORY, "ml-ap");
	assert_false(eval("dest.category in ai_categories", &s));
	assert_true(eval("dest.category not in ai_categories", &s));
	set_list(&s, F_JURIS, juris, 2);
	assert_true(eval("'adequate' in dest.jurisdiction", &s));
	assert_true(eval("'eea' not in dest.jurisdiction", &s));
	/* contains: list membership or substring */
	assert_true(eval("dest.jurisdiction contains 'us'", &s));
	assert_false(eval("dest.jurisdiction contains 'u'", &s));
	assert_true(eval("ai_categories contains 'speech'", &s));
	assert_true(eval("['x', 'y'] contains 'y'", &s));
	set_str(&s, F_HOST, "eu.api.example.com");
	assert_true(eval("hostname contains 'api.'", &s));
	assert_true(eval("hostname contains ''", &s));
	assert_false(eval("hostname contains 'API'", &s));
	/* a NULL item array with n > 0 is absent; NULL items are skipped */
	set_list(&s, F_JURIS, NULL, 3);
	assert_false(eval("dest.jurisdiction contains 'us'", &s));
	assert_true(eval("not dest.jurisdiction contains 'us'", &s));
	set_list(&s, F_JURIS, empty, 1);
	assert_false(eval("dest.jurisdiction contains 'us'", &s));
	set_list(&s, F_JURIS, NULL, 0);
	assert_false(eval("'us' in dest.jurisdiction", &s));
	assert_true(eval("'us' not in dest.jurisdiction", &s));
}

static void
test_strings(void **state)
{
	struct subj s = { 0 };

	assert_false(eval("hostname startswith ''", &s));
	assert_false(eval("hostname glob '*'", &s));
	assert_true(eval("not hostname glob '*'", &s));
	set_str(&s, F_REGION, "eu-west-1");
	set_str(&s, F_HOST, "myres.openai.azure.com");
	assert_true(eval("dest.region startswith 'eu-'", &s));
	assert_true(eval("dest.region startswith ''", &s));
	assert_false(eval("dest.region startswith 'EU-'", &s));
	assert_false(eval("dest.region startswith 'eu-west-1-'", &s));
	assert_true(eval("dest.region startswith dest.region", &s));
	assert_true(eval("hostname glob '*.openai.azure.com'", &s));
	assert_false(eval("hostname glob '*.OPENAI.azure.com'", &s));
	assert_true(eval("hostname glob 'my???.openai.azure.[a-c]om'", &s));
	assert_false(eval("hostname glob 'openai.azure.com'", &s));
	/* flags 0: '*' crosses dots and a leading dot needs no special match */
	set_str(&s, F_HOST, ".a.b.c");
	assert_true(eval("hostname glob '*c'", &s));
	assert_true(eval("hostname glob '\\\\.a*'", &s)); /* backslash quotes in fnmatch */
}

static void
test_exists_null(void **state)
{
	struct subj s = { 0 };

	assert_false(eval("exists deployment.fria.date", &s));
	assert_true(eval("not exists deployment.fria.date", &s));
	assert_true(eval("deployment.fria.date == null", &s));
	assert_true(eval("null == deployment.fria.date", &s));
	assert_false(eval("deployment.fria.date != null", &s));
	assert_false(eval("exists deployment.fria.date and deployment.fria.date <= "
	    "deployment.first_use", &s));
	set_date(&s, F_FRIA, D_2024_02_29);
	set_date(&s, F_FIRST_USE, D_2026_02_28);
	assert_true(eval("exists deployment.fria.date", &s));
	assert_false(eval("deployment.fria.date == null", &s));
	assert_true(eval("deployment.fria.date != null", &s));
	assert_true(eval("exists deployment.fria.date and deployment.fria.date <= "
	    "deployment.first_use", &s));
	/* a value of another type than declared counts as absent */
	set_int(&s, F_HOST, 5);
	assert_false(eval("exists hostname", &s));
	assert_false(eval("hostname != 'x'", &s));
	s.v[F_HOST].t = VG_V_STR;
	s.v[F_HOST].u.s = NULL;
	assert_false(eval("exists hostname", &s));
	/* a bool field as a condition: absent is false */
	assert_false(eval("deployment.high_risk", &s));
	assert_true(eval("not deployment.high_risk", &s));
	set_bool(&s, F_HIGH_RISK, true);
	assert_true(eval("deployment.high_risk", &s));
	assert_false(eval("not deployment.high_risk", &s));
}

static void
test_logic(void **state)
{
	struct subj s = { 0 };
	static const char *const v[] = { "false", "true" };

	/* truth tables over constants */
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++) {
			char t[64];
			snprintf(t, sizeof(t), "%s and %s", v[a], v[b]);
			assert_int_equal(eval(t, &s), a && b);
			snprintf(t, sizeof(t), "%s or %s", v[a], v[b]);
			assert_int_equal(eval(t, &s), a || b);
			snprintf(t, sizeof(t), "not %s", v[a]);
			assert_int_equal(eval(t, &s), !a);
		}
	/* with absent fields */
	assert_false(eval("hostname == 'a' or flow.bytes > 0", &s));
	assert_true(eval("hostname == 'a' or true", &s));
	assert_false(eval("true and hostname == 'a'", &s));
	assert_true(eval("not (hostname == 'a' and true)", &s));
	/* long flat chains stay shallow */
	assert_true(eval("false or false or false or false or false or false or false or false "
	    "or false or false or false or false or false or false or false or false or false "
	    "or false or false or false or false or false or false or false or false or false "
	    "or false or false or false or false or false or false or false or false or true", &s));
}

static void
test_precedence(void **state)
{
	struct subj s = { 0 };

	/* and binds tighter than or: true or (true and false) */
	assert_true(eval("true or true and false", &s));
	assert_false(eval("(true or true) and false", &s));
	assert_true(eval("false and false or true", &s));
	assert_false(eval("false and (false or true)", &s));
	/* not binds tighter than and: (not false) and false */
	assert_false(eval("not false and false", &s));
	assert_true(eval("not (false and false)", &s));
	assert_true(eval("not false or false", &s));
	assert_true(eval("not not true", &s));
	/* comparison binds tighter than not */
	assert_true(eval("not 1 == 2", &s));
	assert_true(eval("not 1 == 2 and 2 == 2", &s));
	/* parentheses anywhere, also around operands */
	assert_true(eval("((((1)) == (1)))", &s));
	assert_true(eval("(true)", &s));
	/* whitespace of any kind between tokens, none needed around symbols */
	assert_true(eval("1<2 and'a'=='a'and(true)", &s));
	assert_true(eval("\t1\n<\r\n2  ", &s));
	/* the example from the policy documentation */
	set_str(&s, F_CATEGORY, "llm");
	assert_true(eval("dest.category in ai_categories and not "
	    "(dest.jurisdiction contains 'eea' or dest.jurisdiction contains 'adequate')", &s));
}

static void
test_macros(void **state)
{
	struct subj s = { 0 };
	static const char *const eea[] = { "eea" };
	static const char *const adq[] = { "adequate" };
	struct vg_expr *e;
	char text[256];

	assert_false(eval("is_ai", &s));
	assert_false(eval("ai_abroad", &s));
	set_str(&s, F_CATEGORY, "speech");
	assert_true(eval("is_ai", &s));
	assert_true(eval("ai_abroad", &s)); /* nested: is_ai and in_eea inside */
	assert_false(eval("not ai_abroad", &s));
	set_list(&s, F_JURIS, eea, 1);
	assert_false(eval("ai_abroad", &s));
	set_list(&s, F_JURIS, adq, 1);
	assert_false(eval("ai_abroad", &s));
	assert_true(eval("in_eea or ai_abroad or is_ai", &s));
	assert_true(eval("m2", &s)); /* 8 macros deep is allowed */
	assert_true(eval("(is_ai) == true", &s));

	/*
	 * Compiled once per condition: "is_ai or is_ai or twice" is the 3 nodes of
	 * is_ai (field, list, in), the or of twice and the outer or = 5.
	 */
	e = compile("is_ai or is_ai or twice");
	assert_int_equal(vg_expr_nodes(e), 5);
	assert_true(vg_expr_eval(e, get, &s, 0));
	vg_expr_free(e);
	/* a macro cached at depth 0 and used again 31 levels down still fits */
	assert_true(eval(nest(text, "is_ai and ", 31, "is_ai"), &s));
}

/* ---- errors: exact text; conditions start at t.yaml:5:11 */

static void
test_errors_lexical(void **state)
{
	/* "hostname == " is 12 bytes: the quote is at col 13 */
	expect_error("hostname == 'abc",
	    "t.yaml:5:23: unterminated string (col 13 of the condition)");
	expect_error("hostname == 'a\nb'",
	    "t.yaml:5:23: unterminated string (col 13 of the condition)");
	expect_error("hostname == 'a\\",
	    "t.yaml:5:23: unterminated string (col 13 of the condition)");
	/* the backslash is byte 15 */
	expect_error("hostname == 'a\\nb'",
	    "t.yaml:5:25: invalid escape '\\n' in string (col 15 of the condition)");
	expect_error("hostname == 'a\x01'",
	    "t.yaml:5:25: control character in string (col 15 of the condition)");
	expect_error("flow.bytes = 5", "t.yaml:5:22: unknown operator '=' (col 12 of the condition)");
	expect_error("flow.bytes <> 5", "t.yaml:5:22: unknown operator '<>' (col 12 of the condition)");
	expect_error("true && true", "t.yaml:5:16: unknown operator '&&' (col 6 of the condition)");
	expect_error("hostname == 'a' ; true",
	    "t.yaml:5:27: unexpected character ';' (col 17 of the condition)");
	expect_error("hostname == 'a' \x80",
	    "t.yaml:5:27: unexpected character '\\x80' (col 17 of the condition)");
	/* "today < " is 8 bytes */
	expect_error("today < 2026-02-30", "t.yaml:5:19: invalid date '2026-02-30' (col 9 of the condition)");
	expect_error("today < 2025-02-29", "t.yaml:5:19: invalid date '2025-02-29' (col 9 of the condition)");
	expect_error("today < 2026-13-01", "t.yaml:5:19: invalid date '2026-13-01' (col 9 of the condition)");
	expect_error("today < 2026-00-10", "t.yaml:5:19: invalid date '2026-00-10' (col 9 of the condition)");
	expect_error("today < 1969-12-31", "t.yaml:5:19: date '1969-12-31' before 1970 (col 9 of the condition)");
	expect_error("today > 2026-8-02",
	    "t.yaml:5:19: malformed date '2026-8-02', expected YYYY-MM-DD (col 9 of the condition)");
	/* "flow.bytes > " is 13 bytes */
	expect_error("flow.bytes > 9223372036854775808",
	    "t.yaml:5:24: integer '9223372036854775808' out of range (col 14 of the condition)");
	expect_error("flow.bytes > -9223372036854775809",
	    "t.yaml:5:24: integer '-9223372036854775809' out of range (col 14 of the condition)");
	expect_error("flow.bytes > 99999999999999999999999",
	    "t.yaml:5:24: integer '99999999999999999999999' out of range (col 14 of the condition)");
	expect_error("flow.bytes > 12abc", "t.yaml:5:24: malformed number '12abc' (col 14 of the condition)");
	/* a number ends where a word would: no space before a keyword is an error */
	expect_error("1<2and true", "t.yaml:5:13: malformed number '2and' (col 3 of the condition)");
	expect_error("dest..country == 'x'",
	    "t.yaml:5:11: malformed name 'dest..country' (col 1 of the condition)");
	expect_error("dest. == 'x'", "t.yaml:5:11: malformed name 'dest.' (col 1 of the condition)");
}

static void
test_errors_syntax(void **state)
{
	char text[5000];
	char want[200];
	size_t n;

	expect_error("", "t.yaml:5:11: empty condition (col 1 of the condition)");
	expect_error(" \n\t ", "t.yaml:5:11: empty condition (col 1 of the condition)");
	expect_error("hostname like 'a'", "t.yaml:5:20: unknown operator 'like' (col 10 of the condition)");
	expect_error("hostname 'a'",
	    "t.yaml:5:20: expected an operator, found a string (col 10 of the condition)");
	expect_error("hostname not 'a'",
	    "t.yaml:5:24: expected 'in' after 'not', found a string (col 14 of the condition)");
	/* "flow.bytes < 5 " is 15 bytes */
	expect_error("flow.bytes < 5 < 7",
	    "t.yaml:5:26: comparisons do not chain; join them with 'and' (col 16 of the condition)");
	expect_error("1 == 1 == true",
	    "t.yaml:5:18: comparisons do not chain; join them with 'and' (col 8 of the condition)");
	expect_error("exists hostname == 'a'",
	    "t.yaml:5:27: comparisons do not chain; join them with 'and' (col 17 of the condition)");
	/* "(hostname == 'a'" is 16 bytes */
	expect_error("(hostname == 'a'",
	    "t.yaml:5:27: expected ')', found end of condition (col 17 of the condition)");
	expect_error("(hostname == 'a' true)",
	    "t.yaml:5:28: expected ')', found 'true' (col 18 of the condition)");
	expect_error("hostname == 'a' )",
	    "t.yaml:5:27: unexpected ')' after the condition (col 17 of the condition)");
	expect_error("flow.bytes == 1 hostname",
	    "t.yaml:5:27: unexpected 'hostname' after the condition (col 17 of the condition)");
	expect_error("hostname == )", "t.yaml:5:23: expected a value, found ')' (col 13 of the condition)");
	expect_error("hostname ==",
	    "t.yaml:5:22: expected a value, found end of condition (col 12 of the condition)");
	expect_error("true and", "t.yaml:5:19: expected a value, found end of condition (col 9 of the condition)");
	expect_error("not in ai_categories",
	    "t.yaml:5:15: expected a value, found 'in' (col 5 of the condition)");
	expect_error("hostname in ['a', 5]",
	    "t.yaml:5:29: list items must be strings, found '5' (col 19 of the condition)");
	expect_error("hostname in ['a',]",
	    "t.yaml:5:28: list items must be strings, found ']' (col 18 of the condition)");
	expect_error("hostname in ['a' 'b']",
	    "t.yaml:5:28: expected ',' or ']', found a string (col 18 of the condition)");
	expect_error("hostname in ['a'",
	    "t.yaml:5:27: expected ',' or ']', found end of condition (col 17 of the condition)");
	expect_error("exists 'a'", "t.yaml:5:18: 'exists' takes a field, found a string (col 8 of the condition)");
	expect_error("exists ai_categories",
	    "t.yaml:5:18: 'exists' takes a field, found 'ai_categories' (col 8 of the condition)");
	expect_error("exists is_ai", "t.yaml:5:18: 'exists' takes a field, found 'is_ai' (col 8 of the condition)");
	expect_error("exists nothing", "t.yaml:5:18: unknown name 'nothing' (col 8 of the condition)");

	/* multi-line: "  and flow.bytes " is 17 bytes of line 2, same base column assumed */
	expect_error("hostname == 'a'\n  and flow.bytes == 'x'",
	    "t.yaml:6:28: cannot compare an integer with a string (line 2, col 18 of the condition)");
	expect_error("true and\n\n  frobnicate",
	    "t.yaml:7:13: unknown name 'frobnicate' (line 3, col 3 of the condition)");

	/* caps: 4097 bytes */
	memset(text, ' ', VG_EXPR_TEXT_MAX + 1);
	memcpy(text, "true", 4);
	text[VG_EXPR_TEXT_MAX + 1] = '\0';
	expect_error(text, "t.yaml:5:11: condition longer than 4096 bytes (col 1 of the condition)");
	text[VG_EXPR_TEXT_MAX] = '\0';
	assert_true(eval(text, &(struct subj){ 0 }));

	/* 33 '(': the 33rd, at col 33, is one too many; 32 are fine */
	expect_error(nest(text, "", 33, "true"),
	    "t.yaml:5:43: nesting deeper than 32 levels (col 33 of the condition)");
	assert_true(eval(nest(text, "", 32, "true"), &(struct subj){ 0 }));
	/* a list literal is a level too */
	expect_error(nest(text, "'a' in ", 32, "['a']"),
	    "t.yaml:5:50: nesting deeper than 32 levels (col 40 of the condition)");

	/* 33 nots: the 33rd at byte 32 * 4 = 128 */
	n = 0;
	for (int i = 0; i < 33; i++) {
		memcpy(text + n, "not ", 4);
		n += 4;
	}
	memcpy(text + n, "false", 6);
	expect_error(text, "t.yaml:5:139: nesting deeper than 32 levels (col 129 of the condition)");

	/*
	 * Nodes: "1<2 or " repeated makes 3 nodes per comparison. Comparison k
	 * (from 1) creates nodes 3k-2..3k; node 1025 is the '2' of comparison
	 * 342, at byte 341 * 7 + 2 = 2389, col 2390.
	 */
	n = 0;
	for (int i = 0; i < 400; i++) {
		memcpy(text + n, "1<2 or ", 7);
		n += 7;
	}
	memcpy(text + n, "true", 5);
	expect_error(text, "t.yaml:5:2400: condition has more than 1024 nodes (col 2390 of the condition)");
	/* 341 comparisons and the or: 1024 nodes exactly */
	n = 0;
	for (int i = 0; i < 341; i++) {
		memcpy(text + n, "1<2 or ", 7);
		n += 7;
	}
	text[n - 4] = '\0';
	{
		struct vg_expr *e = compile(text);
		assert_int_equal(vg_expr_nodes(e), 1024);
		vg_expr_free(e);
	}

	/* 257 items: "hostname in [" is 13 bytes, each "'a'," 4: item 257 at byte 13 + 256 * 4 = 1037 */
	n = 0;
	memcpy(text, "hostname in [", 13);
	n = 13;
	for (int i = 0; i < 257; i++) {
		memcpy(text + n, "'a',", 4);
		n += 4;
	}
	text[n - 1] = ']';
	text[n] = '\0';
	expect_error(text, "t.yaml:5:1048: list literal has more than 256 items (col 1038 of the condition)");
	text[n - 5] = ']'; /* 256 items */
	text[n - 4] = '\0';
	assert_false(eval(text, &(struct subj){ 0 }));

	/* a long name is shortened in the message */
	memset(text, 'x', 100);
	text[100] = '\0';
	snprintf(want, sizeof(want),
	    "t.yaml:5:11: unknown name '%.48s...' (col 1 of the condition)", text);
	expect_error(text, want);
}

static void
test_errors_types(void **state)
{
	expect_error("dest.contry == 'FR'",
	    "t.yaml:5:11: unknown name 'dest.contry'; did you mean 'dest.country'? (col 1 of the condition)");
	expect_error("true and ai_categorie",
	    "t.yaml:5:20: unknown name 'ai_categorie'; did you mean 'ai_categories'? (col 10 of the condition)");
	expect_error("frobnicate", "t.yaml:5:11: unknown name 'frobnicate' (col 1 of the condition)");
	expect_error("AND", "t.yaml:5:11: unknown name 'AND' (col 1 of the condition)");
	expect_error("hostname < 5", "t.yaml:5:20: cannot compare a string with an integer (col 10 of the condition)");
	/* "deployment.first_use" is 20 bytes */
	expect_error("deployment.first_use == 'x'",
	    "t.yaml:5:32: cannot compare a date with a string (col 22 of the condition)");
	expect_error("deployment.first_use < 5",
	    "t.yaml:5:32: cannot compare a date with an integer (col 22 of the condition)");
	expect_error("deployment.high_risk == 1",
	    "t.yaml:5:32: cannot compare a boolean with an integer (col 22 of the condition)");
	expect_error("hostname < 'b'",
	    "t.yaml:5:20: '<' needs integers or dates, not strings (col 10 of the condition)");
	expect_error("true >= false",
	    "t.yaml:5:16: '>=' needs integers or dates, not booleans (col 6 of the condition)");
	expect_error("dest.jurisdiction == ai_categories",
	    "t.yaml:5:29: '==' does not compare lists (col 19 of the condition)");
	expect_error("hostname in 'abc'",
	    "t.yaml:5:23: 'in' needs a list on the right, found a string (col 13 of the condition)");
	expect_error("hostname not in dest.region",
	    "t.yaml:5:27: 'not in' needs a list on the right, found a string (col 17 of the condition)");
	expect_error("ai_categories in ai_categories",
	    "t.yaml:5:11: 'in' needs a string on the left, found a list (col 1 of the condition)");
	expect_error("flow.bytes in ai_categories",
	    "t.yaml:5:11: 'in' needs a string on the left, found an integer (col 1 of the condition)");
	expect_error("flow.bytes contains 'a'",
	    "t.yaml:5:11: 'contains' needs a list or a string on the left, found an integer (col 1 of the condition)");
	expect_error("hostname contains ['a']",
	    "t.yaml:5:29: 'contains' needs a string on the right, found a list (col 19 of the condition)");
	expect_error("hostname startswith 5",
	    "t.yaml:5:31: 'startswith' needs a string on the right, found an integer (col 21 of the condition)");
	expect_error("flow.bytes glob '*'",
	    "t.yaml:5:11: 'glob' needs a string on the left, found an integer (col 1 of the condition)");
	expect_error("(today) glob '*'",
	    "t.yaml:5:11: 'glob' needs a string on the left, found a date (col 1 of the condition)");
	expect_error("flow.bytes > null",
	    "t.yaml:5:24: 'null' can only be compared with a field, by '==' or '!=' (col 14 of the condition)");
	expect_error("null == null",
	    "t.yaml:5:11: 'null' can only be compared with a field, by '==' or '!=' (col 1 of the condition)");
	expect_error("'a' == null",
	    "t.yaml:5:18: 'null' can only be compared with a field, by '==' or '!=' (col 8 of the condition)");
	expect_error("null", "t.yaml:5:11: expected a condition, found null (col 1 of the condition)");
	expect_error("flow.bytes", "t.yaml:5:11: expected a condition, found an integer (col 1 of the condition)");
	expect_error("true and hostname",
	    "t.yaml:5:20: expected a condition, found a string (col 10 of the condition)");
	expect_error("hostname or true", "t.yaml:5:11: expected a condition, found a string (col 1 of the condition)");
	expect_error("not today", "t.yaml:5:15: expected a condition, found a date (col 5 of the condition)");
	expect_error("(1)", "t.yaml:5:11: expected a condition, found an integer (col 1 of the condition)");
	expect_error("['a']", "t.yaml:5:11: expected a condition, found a list (col 1 of the condition)");
}

static void
test_errors_macros(void **state)
{
	char text[256];

	expect_error("loop_a",
	    "t.yaml:5:11: macro recursion: loop_a -> loop_b -> loop_a (col 26 of macro 'loop_b', "
	    "used at col 1 of macro 'loop_a', used at col 1 of the condition)");
	expect_error("true and self",
	    "t.yaml:5:20: macro recursion: self -> self (col 1 of macro 'self', used at col 10 of the condition)");
	expect_error("not_cond",
	    "t.yaml:5:11: expected a condition, found a string (col 1 of macro 'not_cond', "
	    "used at col 1 of the condition)");
	expect_error("flow.bytes > 1 or bad_inside",
	    "t.yaml:5:29: unknown name 'dest.contry'; did you mean 'dest.country'? (col 1 of macro "
	    "'bad_inside', used at col 19 of the condition)");
	expect_error("empty", "t.yaml:5:11: empty condition (col 1 of macro 'empty', used at col 1 of the condition)");
	expect_error("true or ml",
	    "t.yaml:5:19: unknown name 'zzz.qqq' (line 3, col 3 of macro 'ml', used at col 9 of the condition)");
	/* m1 -> ... -> m8 are 8 expansions; m8 using m9 would be the 9th */
	expect_error("m1",
	    "t.yaml:5:11: macros nested deeper than 8 levels (col 1 of macro 'm8', used at col 1 of macro "
	    "'m7', used at col 1 of macro 'm6', used at col 1 of macro 'm5', used at col 1 of macro 'm4', "
	    "used at col 1 of macro 'm3', used at col 1 of macro 'm2', used at col 1 of macro 'm1', "
	    "used at col 1 of the condition)");
	/* m2 compiled first (7 deep below it), then m1 reuses it: still 9 */
	expect_error("m2 or m1", "t.yaml:5:17: macros nested deeper than 8 levels (col 1 of macro 'm1', "
	    "used at col 7 of the condition)");
	/* reused 32 levels down: is_ai adds a level. "is_ai and " is 10 bytes, 32 '(' follow */
	expect_error(nest(text, "is_ai and ", 32, "is_ai"),
	    "t.yaml:5:53: nesting deeper than 32 levels (col 43 of the condition)");
	/* the same without the cache gives the same answer */
	expect_error(nest(text, "", 32, "is_ai"),
	    "t.yaml:5:43: nesting deeper than 32 levels (col 33 of the condition)");
	/* 30 '(', not and the macro: 32 */
	assert_true(eval(nest(text, "", 30, "not is_ai"), &(struct subj){ 0 }));
}

static void
test_errors_env(void **state)
{
	static const char *const one[] = { "a" };
	static const char *const with_null[] = { "a", NULL };
	static const char *const names[] = { "big", "holes" };
	const char *const *items[2];
	size_t lens[2];
	struct vg_expr_env e2 = { 0 };
	struct vg_field bad = { "weird", VG_V_NULL, 1 };
	struct vg_err err;
	struct vg_expr *e;

	items[0] = one;
	items[1] = with_null;
	lens[0] = VG_EXPR_LIST_MAX + 1; /* never read past: the cap is checked first */
	lens[1] = 2;
	e2.list_names = names;
	e2.list_items = items;
	e2.list_lens = lens;
	e2.n_lists = 2;
	e2.fields = &bad;
	e2.n_fields = 1;
	assert_null(vg_expr_compile("'a' in big", &e2, "p.yaml", 1, 1, &err));
	assert_string_equal(err.msg,
	    "p.yaml:1:8: list 'big' has more than 4096 items (col 8 of the condition)");
	assert_null(vg_expr_compile("'a' in holes", &e2, "p.yaml", 1, 1, &err));
	assert_string_equal(err.msg, "p.yaml:1:8: list 'holes' has a null item (col 8 of the condition)");
	assert_null(vg_expr_compile("exists weird", &e2, "p.yaml", 1, 1, &err));
	assert_string_equal(err.msg,
	    "p.yaml:1:8: field 'weird' has no valid type (col 8 of the condition)");
	/* no environment: only literals; NULL err is allowed */
	assert_null(vg_expr_compile("hostname == 'a'", NULL, "p.yaml", 1, 1, NULL));
	e = vg_expr_compile("'a' in ['a']", NULL, "p.yaml", 1, 1, NULL);
	assert_non_null(e);
	assert_true(vg_expr_eval(e, get, NULL, 0));
	vg_expr_free(e);
	vg_expr_free(NULL);
	assert_false(vg_expr_eval(NULL, get, NULL, 0));
	/* the compiled form owns its strings: the text may go away */
	{
		char text[] = "'abc' in ['x', 'abc']";
		e = vg_expr_compile(text, NULL, "p.yaml", 1, 1, &err);
		assert_non_null(e);
		memset(text, 'z', sizeof(text) - 1);
		assert_true(vg_expr_eval(e, get, NULL, 0));
		vg_expr_free(e);
	}
}

/* macros of a second policy: what the first one cannot express */
static void
test_errors_macro_env(void **state)
{
	static char heavy[4096], longtext[VG_EXPR_TEXT_MAX + 2];
	static const char *const names[] = { "trail", "notext", "heavy", "long" };
	const char *texts[4];
	struct vg_expr_env e2 = { 0 };
	struct vg_err err;
	size_t n = 0;

	/* 171 comparisons of 3 nodes and their or: 514 nodes */
	for (int i = 0; i < 171; i++) {
		memcpy(heavy + n, "1<2 or ", 7);
		n += 7;
	}
	heavy[n - 4] = '\0';
	memset(longtext, ' ', VG_EXPR_TEXT_MAX + 1);
	longtext[VG_EXPR_TEXT_MAX + 1] = '\0';
	texts[0] = "true )";
	texts[1] = NULL;
	texts[2] = heavy;
	texts[3] = longtext;
	e2.macro_names = names;
	e2.macro_texts = texts;
	e2.n_macros = 4;

	assert_null(vg_expr_compile("trail", &e2, "p.yaml", 1, 1, &err));
	assert_string_equal(err.msg, "p.yaml:1:1: unexpected ')' after the condition (col 6 of macro "
	    "'trail', used at col 1 of the condition)");
	assert_null(vg_expr_compile("true or notext", &e2, "p.yaml", 1, 1, &err));
	assert_string_equal(err.msg, "p.yaml:1:9: macro 'notext' has no text (col 9 of the condition)");
	assert_null(vg_expr_compile("long", &e2, "p.yaml", 1, 1, &err));
	assert_string_equal(err.msg, "p.yaml:1:1: macro text longer than 4096 bytes (col 1 of macro "
	    "'long', used at col 1 of the condition)");
	/* compiled once, but counted at every use: 514 + 514 > 1024 */
	assert_null(vg_expr_compile("heavy or heavy", &e2, "p.yaml", 1, 1, &err));
	assert_string_equal(err.msg,
	    "p.yaml:1:10: condition has more than 1024 nodes (col 10 of the condition)");
	assert_null(vg_expr_compile("true and heavi", &e2, "p.yaml", 1, 1, &err));
	assert_string_equal(err.msg,
	    "p.yaml:1:10: unknown name 'heavi'; did you mean 'heavy'? (col 10 of the condition)");
	{
		struct vg_expr *e = vg_expr_compile("heavy", &e2, "p.yaml", 1, 1, &err);
		assert_non_null(e);
		assert_int_equal(vg_expr_nodes(e), 514);
		vg_expr_free(e);
	}
	/* an escape of a byte that cannot be shown */
	expect_error("hostname == 'a\\\x01'",
	    "t.yaml:5:25: invalid escape in string (col 15 of the condition)");
}

/* ---- evaluation does not allocate */

static void
test_no_alloc(void **state)
{
	static const char *const juris[] = { "us", "cloud-act" };
	struct subj s = { 0 };
	struct vg_expr *e;
	unsigned long trues = 0;

	if (!alloc_counter_ready())
		skip();
	e = compile("(dest.category in ai_categories and not (dest.jurisdiction contains 'eea' "
	    "or dest.jurisdiction contains 'adequate')) or hostname glob '*.openai.azure.com' "
	    "or hostname glob 'api-[a-z]*.example.[!x]om' or dest.region startswith 'eu-' "
	    "or (exists deployment.fria.date and deployment.fria.date <= deployment.first_use) "
	    "or today >= 2026-08-02 or hostname contains 'anthropic' or dest.country not in adequate "
	    "or deployment.log_retention_days >= 183 or deployment.high_risk or ai_abroad "
	    "or hostname == null or dest.country in ['DE', 'FR', 'IT'] or flow.bytes != 0");
	set_list(&s, F_JURIS, juris, 2);
	set_str(&s, F_REGION, "us-east-1");
	set_str(&s, F_COUNTRY, "GB");
	counting = 1;
	for (int i = 0; i < 200000; i++) {
		set_str(&s, F_HOST, (i & 1) ? "api-xyz.example.com" : "myres.openai.azure.co");
		set_str(&s, F_CATEGORY, (i & 2) ? "llm" : "other");
		trues += vg_expr_eval(e, get, &s, D_2026_02_28);
	}
	counting = 0;
	vg_expr_free(e);
	assert_int_equal(n_allocs, 0);
	/* i & 1: glob matches; i & 2 (with us jurisdiction): ai; both false only for i % 4 == 0 */
	assert_int_equal(trues, 150000);
}

/* ---- property: random typed conditions, printed, compiled, against a reference evaluator */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
	/* xorshift64 */
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

enum { RT_FIELD, RT_STR, RT_INT, RT_DATE, RT_TODAY, RT_BOOL, RT_LISTNAME, RT_LITLIST };

struct rterm {
	int kind;
	int field;
	const char *s;
	int64_t i;
	int32_t d;
	bool b;
	int list;
	const char *lit[3];
	int nlit;
};

enum { RE_AND, RE_OR, RE_NOT, RE_CMP, RE_EXISTS, RE_NULLCMP, RE_BOOLF, RE_CONST, RE_MACRO };
enum { RO_EQ, RO_NE, RO_LT, RO_LE, RO_GT, RO_GE, RO_IN, RO_NOTIN, RO_CONTAINS, RO_STARTS, RO_GLOB };

struct rexp {
	int kind;
	int op;
	struct rterm l, r;
	struct rexp *k[3];
	int nk;
	int field;
	bool neg, b;
	int macro; /* 0 is_ai, 1 in_eea */
};

static const char *const str_pool[] = {
	"", "a", "ab", "eu-west-1", "eu-", "x.openai.azure.com", "it's", "q\"d", "b\\s", "eea", "llm",
};
#define N_STR (sizeof(str_pool) / sizeof(str_pool[0]))
static const char *const glob_pool[] = { "*", "*.azure.com", "a?", "eu-*", "[ab]*", "*b*" };
#define N_GLOB (sizeof(glob_pool) / sizeof(glob_pool[0]))
static const int64_t int_pool[] = { -5, 0, 1, 183, 184, INT64_MAX, INT64_MIN };
#define N_INT (sizeof(int_pool) / sizeof(int_pool[0]))
/* days and their text, from GNU date */
static const struct {
	int32_t d;
	const char *text;
} date_pool[] = {
	{ 0, "1970-01-01" }, { D_2000_03_01, "2000-03-01" }, { D_2024_02_29, "2024-02-29" },
	{ D_2026_02_28, "2026-02-28" }, { D_2026_08_02, "2026-08-02" },
};
#define N_DATE (sizeof(date_pool) / sizeof(date_pool[0]))
static const char *const *const jur_pool[] = {
	(const char *const[]){ "eea" }, (const char *const[]){ "us", "adequate" },
	(const char *const[]){ "llm", "a", "" },
};
static const size_t jur_lens[] = { 1, 2, 3 };

static const int str_fields[] = { F_COUNTRY, F_REGION, F_CATEGORY, F_HOST };
static const int int_fields[] = { F_RETENTION, F_BYTES };
static const int date_fields[] = { F_FRIA, F_FIRST_USE };

static struct rexp pool_e[4096];
static size_t n_pool_e;

static struct rexp *
new_rexp(int kind)
{
	struct rexp *x;

	assert_true(n_pool_e < sizeof(pool_e) / sizeof(pool_e[0]));
	x = &pool_e[n_pool_e++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	return x;
}

static void
gen_term(struct rterm *t, int type, bool glob_pattern)
{
	memset(t, 0, sizeof(*t));
	switch (type) {
	case VG_V_STR:
		if (glob_pattern) {
			t->kind = RT_STR;
			t->s = glob_pool[rnd(N_GLOB)];
		} else if (rnd(2)) {
			t->kind = RT_FIELD;
			t->field = str_fields[rnd(4)];
		} else {
			t->kind = RT_STR;
			t->s = str_pool[rnd(N_STR)];
		}
		break;
	case VG_V_INT:
		if (rnd(2)) {
			t->kind = RT_FIELD;
			t->field = int_fields[rnd(2)];
		} else {
			t->kind = RT_INT;
			t->i = int_pool[rnd(N_INT)];
		}
		break;
	case VG_V_DATE:
		switch (rnd(3)) {
		case 0:
			t->kind = RT_FIELD;
			t->field = date_fields[rnd(2)];
			break;
		case 1:
			t->kind = RT_DATE;
			t->d = (int32_t)rnd(N_DATE);
			break;
		default:
			t->kind = RT_TODAY;
			break;
		}
		break;
	case VG_V_BOOL:
		if (rnd(2)) {
			t->kind = RT_FIELD;
			t->field = F_HIGH_RISK;
		} else {
			t->kind = RT_BOOL;
			t->b = rnd(2);
		}
		break;
	case VG_V_LIST:
		switch (rnd(3)) {
		case 0:
			t->kind = RT_FIELD;
			t->field = F_JURIS;
			break;
		case 1:
			t->kind = RT_LISTNAME;
			t->list = (int)rnd(2);
			break;
		default:
			t->kind = RT_LITLIST;
			t->nlit = (int)rnd(4);
			for (int i = 0; i < t->nlit; i++)
				t->lit[i] = str_pool[rnd(N_STR)];
			break;
		}
		break;
	}
}

static struct rexp *
gen(int depth)
{
	struct rexp *x;
	unsigned pick = depth < 4 ? rnd(10) : 3 + rnd(7);

	switch (pick) {
	case 0:
	case 1:
		x = new_rexp(pick == 0 ? RE_AND : RE_OR);
		x->nk = 2 + (int)rnd(2);
		for (int i = 0; i < x->nk; i++)
			x->k[i] = gen(depth + 1);
		return x;
	case 2:
		x = new_rexp(RE_NOT);
		x->k[0] = gen(depth + 1);
		return x;
	case 3:
	case 4:
	case 5: {
		static const int types[] = { VG_V_STR, VG_V_INT, VG_V_DATE, VG_V_BOOL };
		x = new_rexp(RE_CMP);
		x->op = (int)rnd(11);
		switch (x->op) {
		case RO_EQ:
		case RO_NE: {
			int t = types[rnd(4)];
			gen_term(&x->l, t, false);
			gen_term(&x->r, t, false);
			break;
		}
		case RO_LT:
		case RO_LE:
		case RO_GT:
		case RO_GE: {
			int t = rnd(2) ? VG_V_INT : VG_V_DATE;
			gen_term(&x->l, t, false);
			gen_term(&x->r, t, false);
			break;
		}
		case RO_IN:
		case RO_NOTIN:
			gen_term(&x->l, VG_V_STR, false);
			gen_term(&x->r, VG_V_LIST, false);
			break;
		case RO_CONTAINS:
			gen_term(&x->l, rnd(2) ? VG_V_STR : VG_V_LIST, false);
			gen_term(&x->r, VG_V_STR, false);
			break;
		default:
			gen_term(&x->l, VG_V_STR, false);
			gen_term(&x->r, VG_V_STR, x->op == RO_GLOB && rnd(4) != 0);
			break;
		}
		return x;
	}
	case 6:
		x = new_rexp(rnd(2) ? RE_EXISTS : RE_NULLCMP);
		x->field = 1 + (int)rnd(F_MAX - 1);
		x->neg = rnd(2);
		return x;
	case 7:
		return new_rexp(RE_BOOLF);
	case 8:
		x = new_rexp(RE_CONST);
		x->b = rnd(2);
		return x;
	default:
		x = new_rexp(RE_MACRO);
		x->macro = (int)rnd(2);
		return x;
	}
}

struct buf {
	char s[8192];
	size_t n;
};

static void __attribute__((format(printf, 2, 3)))
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(b->s) - b->n);
	b->n += (size_t)n;
}

static void
put_space(struct buf *b)
{
	static const char *const ws[] = { " ", " ", " ", "  ", "\t", "\n", " \n  " };

	put(b, "%s", ws[rnd(sizeof(ws) / sizeof(ws[0]))]);
}

static void
put_quoted(struct buf *b, const char *s)
{
	char q = rnd(2) ? '\'' : '"';

	put(b, "%c", q);
	for (; *s != '\0'; s++) {
		if (*s == q || *s == '\\')
			put(b, "\\%c", *s);
		else if ((*s == '\'' || *s == '"') && rnd(2))
			put(b, "\\%c", *s); /* the other quote may be escaped too */
		else
			put(b, "%c", *s);
	}
	put(b, "%c", q);
}

static const char *
field_name(int id)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].id == id)
			return fields[i].name;
	fail();
	return NULL;
}

static void
put_term(struct buf *b, const struct rterm *t)
{
	bool paren = rnd(8) == 0;

	if (paren)
		put(b, "(");
	switch (t->kind) {
	case RT_FIELD:
		put(b, "%s", field_name(t->field));
		break;
	case RT_STR:
		put_quoted(b, t->s);
		break;
	case RT_INT:
		put(b, "%lld", (long long)t->i);
		break;
	case RT_DATE:
		put(b, "%s", date_pool[t->d].text);
		break;
	case RT_TODAY:
		put(b, "today");
		break;
	case RT_BOOL:
		put(b, "%s", t->b ? "true" : "false");
		break;
	case RT_LISTNAME:
		put(b, "%s", list_names[t->list]);
		break;
	case RT_LITLIST:
		put(b, "[");
		for (int i = 0; i < t->nlit; i++) {
			if (i > 0)
				put(b, ",%s", rnd(2) ? " " : "");
			put_quoted(b, t->lit[i]);
		}
		put(b, "]");
		break;
	}
	if (paren)
		put(b, ")");
}

static void
print_rexp(struct buf *b, const struct rexp *x)
{
	static const char *const ops[] = {
		"==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "startswith", "glob",
	};
	bool paren = rnd(6) == 0;

	if (paren)
		put(b, "(");
	switch (x->kind) {
	case RE_AND:
	case RE_OR:
		for (int i = 0; i < x->nk; i++) {
			/* an or inside an and needs parentheses; the rest only gets them at random */
			bool p = x->kind == RE_AND && x->k[i]->kind == RE_OR;
			if (i > 0) {
				put_space(b);
				put(b, "%s", x->kind == RE_AND ? "and" : "or");
				put_space(b);
			}
			if (p)
				put(b, "(");
			print_rexp(b, x->k[i]);
			if (p)
				put(b, ")");
		}
		break;
	case RE_NOT: {
		bool p = x->k[0]->kind == RE_AND || x->k[0]->kind == RE_OR;
		put(b, "not");
		put(b, "%s", p && rnd(2) ? "" : " ");
		if (p)
			put(b, "(");
		print_rexp(b, x->k[0]);
		if (p)
			put(b, ")");
		break;
	}
	case RE_CMP:
		put_term(b, &x->l);
		put_space(b);
		put(b, "%s", ops[x->op]);
		put_space(b);
		put_term(b, &x->r);
		break;
	case RE_EXISTS:
		put(b, "%sexists %s", x->neg ? "not " : "", field_name(x->field));
		break;
	case RE_NULLCMP:
		if (rnd(2))
			put(b, "%s %s null", field_name(x->field), x->neg ? "==" : "!=");
		else
			put(b, "null %s %s", x->neg ? "==" : "!=", field_name(x->field));
		break;
	case RE_BOOLF:
		put(b, "deployment.high_risk");
		break;
	case RE_CONST:
		put(b, "%s", x->b ? "true" : "false");
		break;
	case RE_MACRO:
		put(b, "%s", x->macro == 0 ? "is_ai" : "in_eea");
		break;
	}
	if (paren)
		put(b, ")");
}

/* The reference: written from the language description, not from the compiler. */
static void
ref_term(const struct rterm *t, const struct subj *s, int32_t today, struct vg_val *v)
{
	memset(v, 0, sizeof(*v));
	switch (t->kind) {
	case RT_FIELD:
		*v = s->v[t->field];
		break;
	case RT_STR:
		v->t = VG_V_STR;
		v->u.s = t->s;
		break;
	case RT_INT:
		v->t = VG_V_INT;
		v->u.i = t->i;
		break;
	case RT_DATE:
		v->t = VG_V_DATE;
		v->u.date = date_pool[t->d].d;
		break;
	case RT_TODAY:
		v->t = VG_V_DATE;
		v->u.date = today;
		break;
	case RT_BOOL:
		v->t = VG_V_BOOL;
		v->u.b = t->b;
		break;
	case RT_LISTNAME:
		v->t = VG_V_LIST;
		v->u.list.items = list_items[t->list];
		v->u.list.n = list_lens[t->list];
		break;
	case RT_LITLIST:
		v->t = VG_V_LIST;
		v->u.list.items = t->lit;
		v->u.list.n = (size_t)t->nlit;
		break;
	}
}

static bool
ref_member(const struct vg_val *l, const char *s)
{
	for (size_t i = 0; i < l->u.list.n; i++)
		if (strcmp(l->u.list.items[i], s) == 0)
			return true;
	return false;
}

static int64_t
ref_num(const struct vg_val *v)
{
	return v->t == VG_V_INT ? v->u.i : v->u.date;
}

static bool
ref_eval(const struct rexp *x, const struct subj *s, int32_t today)
{
	struct vg_val l, r;

	switch (x->kind) {
	case RE_AND:
		for (int i = 0; i < x->nk; i++)
			if (!ref_eval(x->k[i], s, today))
				return false;
		return true;
	case RE_OR:
		for (int i = 0; i < x->nk; i++)
			if (ref_eval(x->k[i], s, today))
				return true;
		return false;
	case RE_NOT:
		return !ref_eval(x->k[0], s, today);
	case RE_EXISTS:
		return (s->v[x->field].t != VG_V_NULL) != x->neg;
	case RE_NULLCMP: /* neg: "== null" */
		return (s->v[x->field].t == VG_V_NULL) == x->neg;
	case RE_BOOLF:
		return s->v[F_HIGH_RISK].t == VG_V_BOOL && s->v[F_HIGH_RISK].u.b;
	case RE_CONST:
		return x->b;
	case RE_MACRO:
		if (x->macro == 0)
			return s->v[F_CATEGORY].t == VG_V_STR &&
			    (strcmp(s->v[F_CATEGORY].u.s, "speech") == 0 ||
			    strcmp(s->v[F_CATEGORY].u.s, "llm") == 0 ||
			    strcmp(s->v[F_CATEGORY].u.s, "ml-api") == 0);
		return s->v[F_JURIS].t == VG_V_LIST && ref_member(&s->v[F_JURIS], "eea");
	}
	ref_term(&x->l, s, today, &l);
	ref_term(&x->r, s, today, &r);
	if (l.t == VG_V_NULL || r.t == VG_V_NULL)
		return false;
	switch (x->op) {
	case RO_EQ:
	case RO_NE: {
		bool eq;
		if (l.t == VG_V_STR)
			eq = strcmp(l.u.s, r.u.s) == 0;
		else if (l.t == VG_V_BOOL)
			eq = l.u.b == r.u.b;
		else
			eq = ref_num(&l) == ref_num(&r);
		return x->op == RO_EQ ? eq : !eq;
	}
	case RO_LT:
		return ref_num(&l) < ref_num(&r);
	case RO_LE:
		return ref_num(&l) <= ref_num(&r);
	case RO_GT:
		return ref_num(&l) > ref_num(&r);
	case RO_GE:
		return ref_num(&l) >= ref_num(&r);
	case RO_IN:
		return ref_member(&r, l.u.s);
	case RO_NOTIN:
		return !ref_member(&r, l.u.s);
	case RO_CONTAINS:
		return l.t == VG_V_LIST ? ref_member(&l, r.u.s) : strstr(l.u.s, r.u.s) != NULL;
	case RO_STARTS:
		return strlen(r.u.s) <= strlen(l.u.s) && memcmp(l.u.s, r.u.s, strlen(r.u.s)) == 0;
	case RO_GLOB:
		return fnmatch(r.u.s, l.u.s, 0) == 0;
	}
	fail();
	return false;
}

static void
random_subject(struct subj *s)
{
	memset(s, 0, sizeof(*s));
	for (int id = 1; id < F_MAX; id++) {
		if (rnd(4) == 0)
			continue;
		switch (id) {
		case F_COUNTRY:
		case F_REGION:
		case F_CATEGORY:
		case F_HOST:
			set_str(s, id, str_pool[rnd(N_STR)]);
			break;
		case F_JURIS: {
			unsigned j = rnd(3);
			set_list(s, id, jur_pool[j], jur_lens[j]);
			break;
		}
		case F_RETENTION:
		case F_BYTES:
			set_int(s, id, int_pool[rnd(N_INT)]);
			break;
		case F_FRIA:
		case F_FIRST_USE:
			set_date(s, id, date_pool[rnd(N_DATE)].d);
			break;
		case F_HIGH_RISK:
			set_bool(s, id, rnd(2));
			break;
		}
	}
}

static void
test_property(void **state)
{
	static struct buf b;
	unsigned agree = 0, trues = 0;

	for (int round = 0; round < 3000; round++) {
		struct rexp *x;
		struct vg_expr *e;
		struct vg_err err;

		n_pool_e = 0;
		b.n = 0;
		b.s[0] = '\0';
		x = gen(0);
		print_rexp(&b, x);
		e = vg_expr_compile(b.s, &env, "p.yaml", 1, 1, &err);
		if (e == NULL)
			fail_msg("round %d: \"%s\" rejected: %s", round, b.s, err.msg);
		for (int k = 0; k < 25; k++) {
			struct subj s;
			int32_t today = date_pool[rnd(N_DATE)].d;
			bool want, got;

			random_subject(&s);
			want = ref_eval(x, &s, today);
			got = vg_expr_eval(e, get, &s, today);
			if (want != got)
				fail_msg("round %d subject %d: \"%s\" gave %d, reference %d", round, k,
				    b.s, got, want);
			agree++;
			trues += got;
		}
		vg_expr_free(e);
	}
	assert_int_equal(agree, 3000 * 25);
	print_message("property: %u evaluations agree, %u true\n", agree, trues);
	/* both outcomes were exercised in quantity */
	assert_true(trues > 10000 && trues < 65000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equality),
		cmocka_unit_test(test_ordering),
		cmocka_unit_test(test_today),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_exists_null),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_macros),
		cmocka_unit_test(test_errors_lexical),
		cmocka_unit_test(test_errors_syntax),
		cmocka_unit_test(test_errors_types),
		cmocka_unit_test(test_errors_macros),
		cmocka_unit_test(test_errors_env),
		cmocka_unit_test(test_errors_macro_env),
		cmocka_unit_test(test_no_alloc),
		cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
