/* test_dotenv.c - .env parsing: accepted forms with positions, exact errors, caps, no secrets. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dotenv.h"

static struct vg_dotenv *
parse_ok(const char *text, size_t len)
{
	struct vg_err err;
	struct vg_dotenv *e = vg_dotenv_parse("t.env", text, len, &err);

	if (e == NULL)
		fail_msg("rejected: %s", err.msg);
	return e;
}

/* Literals may hold NUL, so their length comes from sizeof. */
#define PARSE(lit) parse_ok(lit, sizeof(lit) - 1)

static void
expect_var(const struct vg_dotenv *e, size_t i, const char *key, const char *value,
    unsigned line, unsigned col, unsigned vline, unsigned vcol)
{
	const struct vg_dotenv_var *v = vg_dotenv_var(e, i);

	assert_non_null(v);
	assert_string_equal(v->key, key);
	if (value == NULL)
		assert_null(v->value);
	else
		assert_string_equal(v->value, value);
	if (v->line != line || v->col != col || v->value_line != vline || v->value_col != vcol)
		fail_msg("%s: at %u:%u value %u:%u, wanted %u:%u value %u:%u", key, v->line, v->col,
		    v->value_line, v->value_col, line, col, vline, vcol);
}

static void
expect_error_len(const char *text, size_t len, const char *want)
{
	struct vg_err err;
	struct vg_dotenv *e = vg_dotenv_parse("t.env", text, len, &err);

	if (e != NULL) {
		vg_dotenv_free(e);
		fail_msg("accepted, wanted \"%s\"", want);
	}
	if (strcmp(err.msg, want) != 0)
		fail_msg("got    \"%s\"\nwanted \"%s\"", err.msg, want);
}

#define ERROR_TEST(fn, text, want)                                      \
	static void                                                     \
	fn(void **state)                                                \
	{                                                               \
		(void)state;                                            \
		expect_error_len(text, sizeof(text) - 1, want);         \
	}

/* ---- accepted forms */

static void
test_empty(void **state)
{
	struct vg_err err;
	struct vg_dotenv *e;

	(void)state;
	e = vg_dotenv_parse("t.env", "", 0, &err);
	assert_non_null(e);
	assert_int_equal(vg_dotenv_n(e), 0);
	assert_null(vg_dotenv_var(e, 0));
	vg_dotenv_free(e);
	e = vg_dotenv_parse("t.env", NULL, 0, &err);
	assert_non_null(e);
	assert_int_equal(vg_dotenv_n(e), 0);
	vg_dotenv_free(e);
	vg_dotenv_free(NULL);
}

static void
test_blank_and_comment_lines(void **state)
{
	struct vg_dotenv *e = PARSE("\n  \n# comment\n\t# indented = not a var\n\t \nA=1\n#\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 1);
	expect_var(e, 0, "A", "1", 6, 1, 6, 3);
	vg_dotenv_free(e);
}

static void
test_simple(void **state)
{
	/* OPENAI_BASE_URL is 15 characters: '=' at 16, value at 17. */
	struct vg_dotenv *e = PARSE("OPENAI_BASE_URL=https://api.openai.com/v1\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 1);
	expect_var(e, 0, "OPENAI_BASE_URL", "https://api.openai.com/v1", 1, 1, 1, 17);
	vg_dotenv_free(e);
}

static void
test_spaces_around_equals(void **state)
{
	/* KEY at 3-5, blanks 6-7, '=' 8, blanks 9-11, value 12. */
	struct vg_dotenv *e = PARSE("  KEY  =   value  \n");

	(void)state;
	expect_var(e, 0, "KEY", "value", 1, 3, 1, 12);
	vg_dotenv_free(e);
}

static void
test_tabs(void **state)
{
	/* tab 1, KEY 2-4, tab 5, '=' 6, tab 7, value 8; a tab inside a value stays. */
	struct vg_dotenv *e = PARSE("\tKEY\t=\tvalue\t# c\nB=a\tb\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 2);
	expect_var(e, 0, "KEY", "value", 1, 2, 1, 8);
	expect_var(e, 1, "B", "a\tb", 2, 1, 2, 3);
	vg_dotenv_free(e);
}

static void
test_export(void **state)
{
	/* "export " is 7 columns; AZURE_OPENAI_ENDPOINT is 21 (8-28), '=' 29, value 30. */
	struct vg_dotenv *e = PARSE("export AZURE_OPENAI_ENDPOINT=https://x.openai.azure.com/\n"
				    "export\t\tK=v\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 2);
	expect_var(e, 0, "AZURE_OPENAI_ENDPOINT", "https://x.openai.azure.com/", 1, 8, 1, 30);
	expect_var(e, 1, "K", "v", 2, 9, 2, 11);
	vg_dotenv_free(e);
}

static void
test_export_as_name(void **state)
{
	struct vg_dotenv *e = PARSE("export=1\nexportK=2\nexport export=3\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 3);
	expect_var(e, 0, "export", "1", 1, 1, 1, 8);
	expect_var(e, 1, "exportK", "2", 2, 1, 2, 9);
	expect_var(e, 2, "export", "3", 3, 8, 3, 15);
	vg_dotenv_free(e);
}

static void
test_key_characters(void **state)
{
	struct vg_dotenv *e = PARSE("_a.b-c9=x\nz=y\n__=w\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 3);
	expect_var(e, 0, "_a.b-c9", "x", 1, 1, 1, 9);
	expect_var(e, 1, "z", "y", 2, 1, 2, 3);
	expect_var(e, 2, "__", "w", 3, 1, 3, 4);
	vg_dotenv_free(e);
}

static void
test_value_with_equals(void **state)
{
	struct vg_dotenv *e = PARSE("URL=https://h/?a=b&c==d\nB==\n");

	(void)state;
	expect_var(e, 0, "URL", "https://h/?a=b&c==d", 1, 1, 1, 5);
	expect_var(e, 1, "B", "=", 2, 1, 2, 3);
	vg_dotenv_free(e);
}

static void
test_inline_comments(void **state)
{
	/* The compose documentation's examples, then blanks before '#' of both kinds. */
	struct vg_dotenv *e = PARSE("A=b #c\nB=b#c\nC=  #c\nD=b\t#c\nE=b # x # y\nF=#c\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 6);
	expect_var(e, 0, "A", "b", 1, 1, 1, 3);
	expect_var(e, 1, "B", "b#c", 2, 1, 2, 3);
	expect_var(e, 2, "C", "", 3, 1, 3, 5);
	expect_var(e, 3, "D", "b", 4, 1, 4, 3);
	expect_var(e, 4, "E", "b", 5, 1, 5, 3);
	expect_var(e, 5, "F", "#c", 6, 1, 6, 3);
	vg_dotenv_free(e);
}

static void
test_empty_values(void **state)
{
	struct vg_dotenv *e = PARSE("A=\nB=   \nC=");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 3);
	expect_var(e, 0, "A", "", 1, 1, 1, 3);
	expect_var(e, 1, "B", "", 2, 1, 2, 6);
	expect_var(e, 2, "C", "", 3, 1, 3, 3);
	vg_dotenv_free(e);
}

static void
test_unquoted_is_literal(void **state)
{
	struct vg_dotenv *e = PARSE("A=some\\tvalue 'x' \"y\" ${HOME}\nB=abc\"\nC=a'b\n");

	(void)state;
	expect_var(e, 0, "A", "some\\tvalue 'x' \"y\" ${HOME}", 1, 1, 1, 3);
	expect_var(e, 1, "B", "abc\"", 2, 1, 2, 3);
	expect_var(e, 2, "C", "a'b", 3, 1, 3, 3);
	vg_dotenv_free(e);
}

static void
test_single_quoted(void **state)
{
	/* Value starts after the quote: A1 =2 '3 -> 4. */
	struct vg_dotenv *e = PARSE("A='$OTHER ${X} \\n # not a comment'  # comment\n");

	(void)state;
	expect_var(e, 0, "A", "$OTHER ${X} \\n # not a comment", 1, 1, 1, 4);
	vg_dotenv_free(e);
}

static void
test_single_quote_escapes(void **state)
{
	/* \' is a quote (compose docs: 'Let\'s go!'); a backslash pair stays and does not escape. */
	struct vg_dotenv *e = PARSE("A='Let\\'s go!'\nB='a\\\\'\nC='\\x'\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 3);
	expect_var(e, 0, "A", "Let's go!", 1, 1, 1, 4);
	expect_var(e, 1, "B", "a\\\\", 2, 1, 2, 4);
	expect_var(e, 2, "C", "\\x", 3, 1, 3, 4);
	vg_dotenv_free(e);
}

static void
test_double_quoted_escapes(void **state)
{
	struct vg_dotenv *e = PARSE("A=\"l1\\nl2\\tt\\rr\\\\b\\\"q\\$d\"\n");

	(void)state;
	expect_var(e, 0, "A", "l1\nl2\tt\rr\\b\"q$d", 1, 1, 1, 4);
	vg_dotenv_free(e);
}

static void
test_double_quoted_kept_escapes(void **state)
{
	struct vg_dotenv *e = PARSE("A=\"\\a\\b\\f\\v\\'\\0\\x41\\u00e9 \\\\n\"\n");

	(void)state;
	expect_var(e, 0, "A", "\\a\\b\\f\\v\\'\\0\\x41\\u00e9 \\n", 1, 1, 1, 4);
	vg_dotenv_free(e);
}

static void
test_double_quoted_json(void **state)
{
	/* The compose documentation's example. */
	struct vg_dotenv *e = PARSE("VAR=\"{\\\"hello\\\": \\\"json\\\"}\"\n");

	(void)state;
	expect_var(e, 0, "VAR", "{\"hello\": \"json\"}", 1, 1, 1, 6);
	vg_dotenv_free(e);
}

static void
test_interpolation_kept(void **state)
{
	struct vg_dotenv *e = PARSE("A=${B}/v1\nC=\"${D:-x}$E\"\nF='$G'\nH=$$I\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 4);
	expect_var(e, 0, "A", "${B}/v1", 1, 1, 1, 3);
	expect_var(e, 1, "C", "${D:-x}$E", 2, 1, 2, 4);
	expect_var(e, 2, "F", "$G", 3, 1, 3, 4);
	expect_var(e, 3, "H", "$$I", 4, 1, 4, 3);
	vg_dotenv_free(e);
}

static void
test_multiline_double(void **state)
{
	struct vg_dotenv *e = PARSE("A=\"line1\nline2\"\nB=after\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 2);
	expect_var(e, 0, "A", "line1\nline2", 1, 1, 1, 4);
	expect_var(e, 1, "B", "after", 3, 1, 3, 3);
	vg_dotenv_free(e);
}

static void
test_multiline_positions(void **state)
{
	/* Lines: 1 A='a, 2 (empty), 3 b', 4 "  C=\"x", 5 y", 6 D=1. */
	struct vg_dotenv *e = PARSE("A='a\n\nb'\n  C=\"x\ny\"\nD=1");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 3);
	expect_var(e, 0, "A", "a\n\nb", 1, 1, 1, 4);
	expect_var(e, 1, "C", "x\ny", 4, 3, 4, 6);
	expect_var(e, 2, "D", "1", 6, 1, 6, 3);
	vg_dotenv_free(e);
}

static void
test_multiline_crlf(void **state)
{
	/* CRLF inside a quoted value is read as LF. */
	struct vg_dotenv *e = PARSE("A='x\r\ny'\r\nB=z\r\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 2);
	expect_var(e, 0, "A", "x\ny", 1, 1, 1, 4);
	expect_var(e, 1, "B", "z", 3, 1, 3, 3);
	vg_dotenv_free(e);
}

static void
test_crlf(void **state)
{
	struct vg_dotenv *e = PARSE("A=1\r\nB = two words \r\n# c\r\n\r\nC=\"q\" # c\r\nD\r\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 4);
	expect_var(e, 0, "A", "1", 1, 1, 1, 3);
	expect_var(e, 1, "B", "two words", 2, 1, 2, 5);
	expect_var(e, 2, "C", "q", 5, 1, 5, 4);
	expect_var(e, 3, "D", NULL, 6, 1, 0, 0);
	vg_dotenv_free(e);
}

static void
test_bom(void **state)
{
	/* The mark takes no column. */
	struct vg_dotenv *e = PARSE("\xef\xbb\xbf" "A=1\nB=2");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 2);
	expect_var(e, 0, "A", "1", 1, 1, 1, 3);
	expect_var(e, 1, "B", "2", 2, 1, 2, 3);
	vg_dotenv_free(e);
	e = PARSE("\xef\xbb\xbf# only a comment\n");
	assert_int_equal(vg_dotenv_n(e), 0);
	vg_dotenv_free(e);
}

static void
test_utf8_value(void **state)
{
	/* Multi-byte characters pass through as written, in and out of quotes. */
	struct vg_dotenv *e = PARSE("A=\"h\xc3\xa9\" # c\nB=\xc3\xa9t\xc3\xa9\n");

	(void)state;
	expect_var(e, 0, "A", "h\xc3\xa9", 1, 1, 1, 4);
	expect_var(e, 1, "B", "\xc3\xa9t\xc3\xa9", 2, 1, 2, 3);
	vg_dotenv_free(e);
}

static void
test_bare_keys(void **state)
{
	struct vg_dotenv *e = PARSE("KEY\nexport OTHER  # inherit\n  THIRD\t\nA=1\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 4);
	expect_var(e, 0, "KEY", NULL, 1, 1, 0, 0);
	expect_var(e, 1, "OTHER", NULL, 2, 8, 0, 0);
	expect_var(e, 2, "THIRD", NULL, 3, 3, 0, 0);
	expect_var(e, 3, "A", "1", 4, 1, 4, 3);
	vg_dotenv_free(e);
}

static void
test_duplicates_kept(void **state)
{
	struct vg_dotenv *e = PARSE("A=1\nB=2\nA=3\nB\n");
	const struct vg_dotenv_var *v;

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 4);
	expect_var(e, 0, "A", "1", 1, 1, 1, 3);
	expect_var(e, 2, "A", "3", 3, 1, 3, 3);
	v = vg_dotenv_get(e, "A");
	assert_non_null(v);
	assert_string_equal(v->value, "3");
	assert_int_equal(v->line, 3);
	v = vg_dotenv_get(e, "B");
	assert_non_null(v);
	assert_null(v->value);
	assert_int_equal(v->line, 4);
	assert_null(vg_dotenv_get(e, "C"));
	assert_null(vg_dotenv_get(e, "a"));
	vg_dotenv_free(e);
}

static void
test_after_closing_quote(void **state)
{
	struct vg_dotenv *e = PARSE("A=\"x\"#c\nB='y'   \nC=\"\"\nD=''\t# c\nE=\"v\"");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 5);
	expect_var(e, 0, "A", "x", 1, 1, 1, 4);
	expect_var(e, 1, "B", "y", 2, 1, 2, 4);
	expect_var(e, 2, "C", "", 3, 1, 3, 4);
	expect_var(e, 3, "D", "", 4, 1, 4, 4);
	expect_var(e, 4, "E", "v", 5, 1, 5, 4);
	vg_dotenv_free(e);
}

static void
test_quote_after_blanks(void **state)
{
	/* A1 =2 blanks 3-4 '"' 5: value at 6, quotes removed, inside blanks kept. */
	struct vg_dotenv *e = PARSE("A=  \"  x  \"\n");

	(void)state;
	expect_var(e, 0, "A", "  x  ", 1, 1, 1, 6);
	vg_dotenv_free(e);
}

static void
test_backslash_before_line_end(void **state)
{
	struct vg_dotenv *e = PARSE("A=\"a\\\nb\"\nB=\"c\\\r\nd\"\nC=1\n");

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 3);
	expect_var(e, 0, "A", "a\\\nb", 1, 1, 1, 4);
	expect_var(e, 1, "B", "c\\\nd", 3, 1, 3, 4);
	expect_var(e, 2, "C", "1", 5, 1, 5, 3);
	vg_dotenv_free(e);
}

static void
test_other_quotes_inside(void **state)
{
	struct vg_dotenv *e = PARSE("A='say \"hi\"'\nB=\"it's\"\nC=`x`\n");

	(void)state;
	expect_var(e, 0, "A", "say \"hi\"", 1, 1, 1, 4);
	expect_var(e, 1, "B", "it's", 2, 1, 2, 4);
	expect_var(e, 2, "C", "`x`", 3, 1, 3, 3);
	vg_dotenv_free(e);
}

static void
test_realistic_file(void **state)
{
	static const char text[] =
	    "# LLM settings\n"                                       /* 1 */
	    "OPENAI_API_KEY=sk-test-0000 # rotate monthly\n"         /* 2 */
	    "OPENAI_BASE_URL=\"https://eu.api.openai.com/v1\"\n"     /* 3 */
	    "\n"                                                     /* 4 */
	    "export AZURE_OPENAI_ENDPOINT='https://r.openai.azure.com'\n" /* 5 */
	    "AZURE_OPENAI_API_VERSION = 2024-06-01\n";               /* 6 */
	struct vg_dotenv *e = PARSE(text);

	(void)state;
	assert_int_equal(vg_dotenv_n(e), 4);
	/* OPENAI_API_KEY 1-14, '=' 15, value 16. */
	expect_var(e, 0, "OPENAI_API_KEY", "sk-test-0000", 2, 1, 2, 16);
	/* OPENAI_BASE_URL 1-15, '=' 16, '"' 17, value 18. */
	expect_var(e, 1, "OPENAI_BASE_URL", "https://eu.api.openai.com/v1", 3, 1, 3, 18);
	/* key 8-28, '=' 29, quote 30, value 31. */
	expect_var(e, 2, "AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com", 5, 8, 5, 31);
	/* AZURE_OPENAI_API_VERSION 1-24, blank 25, '=' 26, blank 27, value 28. */
	expect_var(e, 3, "AZURE_OPENAI_API_VERSION", "2024-06-01", 6, 1, 6, 28);
	vg_dotenv_free(e);
}

static void
test_key_max(void **state)
{
	char text[VG_DOTENV_KEY_MAX + 8];
	struct vg_dotenv *e;

	(void)state;
	memset(text, 'K', VG_DOTENV_KEY_MAX);
	memcpy(text + VG_DOTENV_KEY_MAX, "=v\n", 3);
	e = parse_ok(text, VG_DOTENV_KEY_MAX + 3);
	assert_int_equal(strlen(vg_dotenv_var(e, 0)->key), VG_DOTENV_KEY_MAX);
	assert_int_equal(vg_dotenv_var(e, 0)->value_col, VG_DOTENV_KEY_MAX + 2);
	vg_dotenv_free(e);
}

/* "K=" then n bytes of 'a' then tail; returns the length. */
static size_t
long_value(char *buf, const char *head, size_t n, const char *tail)
{
	size_t h = strlen(head), t = strlen(tail);

	memcpy(buf, head, h);
	memset(buf + h, 'a', n);
	memcpy(buf + h + n, tail, t);
	return h + n + t;
}

static void
test_value_max(void **state)
{
	char *buf = malloc(2 * VG_DOTENV_VALUE_MAX + 16);
	struct vg_dotenv *e;
	size_t len;

	(void)state;
	assert_non_null(buf);
	/* Exactly the cap, unquoted with trailing blanks (trimmed before counting). */
	len = long_value(buf, "K=", VG_DOTENV_VALUE_MAX, "   \n");
	e = parse_ok(buf, len);
	assert_int_equal(strlen(vg_dotenv_var(e, 0)->value), VG_DOTENV_VALUE_MAX);
	vg_dotenv_free(e);
	/* Exactly the cap, double-quoted. */
	len = long_value(buf, "K=\"", VG_DOTENV_VALUE_MAX, "\"\n");
	e = parse_ok(buf, len);
	assert_int_equal(strlen(vg_dotenv_var(e, 0)->value), VG_DOTENV_VALUE_MAX);
	vg_dotenv_free(e);
	/* The cap counts decoded bytes: 65536 "\n" escapes are 131072 bytes written. */
	memcpy(buf, "K=\"", 3);
	for (size_t i = 0; i < VG_DOTENV_VALUE_MAX; i++)
		memcpy(buf + 3 + 2 * i, "\\n", 2);
	memcpy(buf + 3 + 2 * VG_DOTENV_VALUE_MAX, "\"", 1);
	e = parse_ok(buf, 4 + 2 * (size_t)VG_DOTENV_VALUE_MAX);
	assert_int_equal(strlen(vg_dotenv_var(e, 0)->value), VG_DOTENV_VALUE_MAX);
	assert_int_equal(vg_dotenv_var(e, 0)->value[VG_DOTENV_VALUE_MAX - 1], '\n');
	vg_dotenv_free(e);
	free(buf);
}

/* n lines "V=1"; the buffer is the caller's to free. */
static char *
many_vars(size_t n, size_t *len)
{
	char *buf = malloc(4 * n + 1);

	assert_non_null(buf);
	for (size_t i = 0; i < n; i++)
		memcpy(buf + 4 * i, "V=1\n", 4);
	*len = 4 * n;
	return buf;
}

static void
test_vars_max(void **state)
{
	size_t len;
	char *buf = many_vars(VG_DOTENV_VARS_MAX, &len);
	struct vg_dotenv *e = parse_ok(buf, len);

	(void)state;
	assert_int_equal(vg_dotenv_n(e), VG_DOTENV_VARS_MAX);
	expect_var(e, VG_DOTENV_VARS_MAX - 1, "V", "1", VG_DOTENV_VARS_MAX, 1,
	    VG_DOTENV_VARS_MAX, 3);
	assert_null(vg_dotenv_var(e, VG_DOTENV_VARS_MAX));
	vg_dotenv_free(e);
	free(buf);
}

/* ---- errors: positions counted by hand */

/* K1 E2 Y3 blank4 v5 */
ERROR_TEST(test_err_no_equals, "KEY value\n", "t.env:1:5: expected '=' after the variable name")
ERROR_TEST(test_err_two_words, "A B=1\n", "t.env:1:3: expected '=' after the variable name")
ERROR_TEST(test_err_tab_then_word, "A\tB", "t.env:1:3: expected '=' after the variable name")
ERROR_TEST(test_err_digit_first, "1KEY=x\n", "t.env:1:1: invalid character '1' in variable name")
ERROR_TEST(test_err_dollar_in_key, "KE$Y=x\n", "t.env:1:3: invalid character '$' in variable name")
ERROR_TEST(test_err_colon, "A:1\n", "t.env:1:2: invalid character ':' in variable name")
ERROR_TEST(test_err_hash_in_key, "A#=1\n", "t.env:1:2: invalid character '#' in variable name")
ERROR_TEST(test_err_quoted_key, "'A'=1\n", "t.env:1:1: invalid character \"'\" in variable name")
ERROR_TEST(test_err_dquoted_key, "\"A\"=1\n",
    "t.env:1:1: invalid character '\"' in variable name")
ERROR_TEST(test_err_utf8_key, "\xc3\x84PFEL=1\n", "t.env:1:1: invalid byte 0xc3 in variable name")
ERROR_TEST(test_err_control_in_key, "A\x01=1\n", "t.env:1:2: invalid byte 0x01 in variable name")
ERROR_TEST(test_err_second_bom, "\xef\xbb\xbf\xef\xbb\xbf" "A=1\n",
    "t.env:1:1: invalid byte 0xef in variable name")
ERROR_TEST(test_err_no_name, "=value\n", "t.env:1:1: missing variable name before '='")
ERROR_TEST(test_err_no_name_indented, "A=1\n  =x\n", "t.env:2:3: missing variable name before '='")
/* export 1-6, line end 7 */
ERROR_TEST(test_err_export_alone, "export\n", "t.env:1:7: expected a variable name after 'export'")
/* export 1-6, blanks 7-9, '#' 10 */
ERROR_TEST(test_err_export_comment, "export   # c\n",
    "t.env:1:10: expected a variable name after 'export'")
ERROR_TEST(test_err_export_equals, "export =1\n",
    "t.env:1:8: expected a variable name after 'export'")
ERROR_TEST(test_err_export_bad_key, "export 1A=1\n",
    "t.env:1:8: invalid character '1' in variable name")
/* A1 =2 '3 */
ERROR_TEST(test_err_unterminated_single, "A='abc\nB=2\n",
    "t.env:1:3: unterminated single-quoted value of \"A\"")
/* line 3: K1 E2 Y3 =4 "5 */
ERROR_TEST(test_err_unterminated_double, "\n\nKEY=\"abc",
    "t.env:3:5: unterminated double-quoted value of \"KEY\"")
ERROR_TEST(test_err_escaped_close, "A=\"abc\\\"\n",
    "t.env:1:3: unterminated double-quoted value of \"A\"")
ERROR_TEST(test_err_backslash_at_end, "A=\"abc\\",
    "t.env:1:3: unterminated double-quoted value of \"A\"")
ERROR_TEST(test_err_single_escaped_close, "A='abc\\'\n",
    "t.env:1:3: unterminated single-quoted value of \"A\"")
/* A1 =2 "3 x4 "5 blank6 y7 */
ERROR_TEST(test_err_after_double, "A=\"x\" y\n",
    "t.env:1:7: unexpected text after the closing quote of \"A\"")
ERROR_TEST(test_err_after_single, "A='x'y\n",
    "t.env:1:6: unexpected text after the closing quote of \"A\"")
/* A1 =2 "3 é4 "5 x6: é is one column */
ERROR_TEST(test_err_after_utf8, "A=\"\xc3\xa9\"x\n",
    "t.env:1:6: unexpected text after the closing quote of \"A\"")
/* A1 =2 "3 then two stray continuation bytes 4 5, "6 x7: each stray byte is a column */
ERROR_TEST(test_err_after_stray_bytes, "A=\"\xa9\xa9\"x\n",
    "t.env:1:7: unexpected text after the closing quote of \"A\"")
/* A1 =2 "3 lead byte without its continuation 4, "5 x6 */
ERROR_TEST(test_err_after_cut_sequence, "A=\"\xc3\"x\n",
    "t.env:1:6: unexpected text after the closing quote of \"A\"")
/* A1 =2 "3 then a 4-byte emoji 4 and a 3-byte euro sign 5, "6 x7 */
ERROR_TEST(test_err_after_long_sequences, "A=\"\xf0\x9f\x94\x91\xe2\x82\xac\"x\n",
    "t.env:1:7: unexpected text after the closing quote of \"A\"")
/* line 2: y1 '2 blank3 z4 */
ERROR_TEST(test_err_after_multiline, "A='x\ny' z\n",
    "t.env:2:4: unexpected text after the closing quote of \"A\"")
ERROR_TEST(test_err_two_quoted, "A=\"x\"\"y\"\n",
    "t.env:1:6: unexpected text after the closing quote of \"A\"")
/* line 2: B1 =2 a3 NUL4 */
ERROR_TEST(test_err_nul, "A=1\nB=a\0b\n", "t.env:2:4: NUL byte in the file")
ERROR_TEST(test_err_nul_in_comment, "# a\0\n", "t.env:1:4: NUL byte in the file")
ERROR_TEST(test_err_nul_in_quotes, "A=\"x\0\"\n", "t.env:1:5: NUL byte in the file")
/* Bytes are checked before statements: the NUL on line 2 wins over line 1. */
ERROR_TEST(test_err_nul_first, "KEY value\n\0", "t.env:2:1: NUL byte in the file")
ERROR_TEST(test_err_lone_cr, "A=1\rB=2\n", "t.env:1:4: carriage return not followed by a line feed")
ERROR_TEST(test_err_cr_at_end, "A=1\r", "t.env:1:4: carriage return not followed by a line feed")
ERROR_TEST(test_err_cr_in_quotes, "A='x\ry'\n",
    "t.env:1:5: carriage return not followed by a line feed")
/* lines 1-2 are one value; line 3 column 1 */
ERROR_TEST(test_err_after_multiline_value, "A=\"x\ny\"\n$B=1\n",
    "t.env:3:1: invalid character '$' in variable name")

static void
test_err_key_too_long(void **state)
{
	char text[VG_DOTENV_KEY_MAX + 8];

	(void)state;
	memset(text, 'K', VG_DOTENV_KEY_MAX + 1);
	memcpy(text + VG_DOTENV_KEY_MAX + 1, "=v\n", 3);
	expect_error_len(text, VG_DOTENV_KEY_MAX + 4, "t.env:1:1: variable name longer than 256 bytes");
}

static void
test_err_value_too_long(void **state)
{
	char *buf = malloc(VG_DOTENV_VALUE_MAX + 16);
	size_t len;

	(void)state;
	assert_non_null(buf);
	/* K1 =2 value 3 */
	len = long_value(buf, "K=", VG_DOTENV_VALUE_MAX + 1, "\n");
	expect_error_len(buf, len, "t.env:1:3: value of \"K\" is longer than 65536 bytes");
	/* K1 =2 "3 value 4 */
	len = long_value(buf, "K=\"", VG_DOTENV_VALUE_MAX + 1, "\"\n");
	expect_error_len(buf, len, "t.env:1:4: value of \"K\" is longer than 65536 bytes");
	/* line 2 after a short variable; single quotes */
	len = long_value(buf, "A=1\nK='", VG_DOTENV_VALUE_MAX + 1, "'");
	expect_error_len(buf, len, "t.env:2:4: value of \"K\" is longer than 65536 bytes");
	/* Long and never closed: the missing quote is what is reported. */
	len = long_value(buf, "K=\"", VG_DOTENV_VALUE_MAX + 1, "\n");
	expect_error_len(buf, len, "t.env:1:3: unterminated double-quoted value of \"K\"");
	free(buf);
}

static void
test_err_file_too_large(void **state)
{
	struct vg_err err;

	(void)state;
	/* Refused on the length alone: not one byte is read. */
	assert_null(vg_dotenv_parse("t.env", "A=1\n", (size_t)VG_DOTENV_FILE_MAX + 1, &err));
	assert_string_equal(err.msg, "t.env: larger than 1073741824 bytes");
}

static void
test_err_too_many_vars(void **state)
{
	size_t len;
	char *buf = many_vars(VG_DOTENV_VARS_MAX + 1, &len);

	(void)state;
	expect_error_len(buf, len, "t.env:4097:1: more than 4096 variables");
	free(buf);
}

/* ---- no value text in errors */

static void
expect_error_hides(const char *text, size_t len, const char *want, const char *secret)
{
	struct vg_err err;
	struct vg_dotenv *e = vg_dotenv_parse("t.env", text, len, &err);

	if (e != NULL) {
		vg_dotenv_free(e);
		fail_msg("accepted, wanted \"%s\"", want);
	}
	assert_string_equal(err.msg, want);
	assert_null(strstr(err.msg, secret));
}

#define HIDES(lit, want, secret) expect_error_hides(lit, sizeof(lit) - 1, want, secret)

static void
test_err_hides_secrets(void **state)
{
	(void)state;
	/* OPENAI_API_KEY 1-14, '=' 15, '"' 16, secret 17-40, '"' 41, blank 42, text 43. */
	HIDES("OPENAI_API_KEY=\"sk-proj-AbCdEf0123456789\" trailing\n",
	    "t.env:1:43: unexpected text after the closing quote of \"OPENAI_API_KEY\"", "sk-proj");
	/* A pasted key on its own broken line lexes as a name: it is not quoted. */
	HIDES("sk-proj-AbCdEf0123456789 oops\n",
	    "t.env:1:26: expected '=' after the variable name", "AbCdEf");
	HIDES("sk-proj-AbCdEf0123456789:x\n",
	    "t.env:1:25: invalid character ':' in variable name", "AbCdEf");
	HIDES("OPENAI_API_KEY='sk-secret-value\nB=1\n",
	    "t.env:1:16: unterminated single-quoted value of \"OPENAI_API_KEY\"", "sk-secret");
	HIDES("API_KEY=\"sk-secret\\\"\0tail\"\n", "t.env:1:21: NUL byte in the file",
	    "sk-secret");
}

static void
test_err_hides_long_secret(void **state)
{
	char *buf = malloc(VG_DOTENV_VALUE_MAX + 32);
	struct vg_err err;
	size_t len;

	(void)state;
	assert_non_null(buf);
	len = long_value(buf, "TOKEN=sk-", VG_DOTENV_VALUE_MAX, "\n");
	assert_null(vg_dotenv_parse("t.env", buf, len, &err));
	assert_string_equal(err.msg, "t.env:1:7: value of \"TOKEN\" is longer than 65536 bytes");
	assert_null(strstr(err.msg, "sk-"));
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_blank_and_comment_lines),
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_spaces_around_equals),
		cmocka_unit_test(test_tabs),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_export_as_name),
		cmocka_unit_test(test_key_characters),
		cmocka_unit_test(test_value_with_equals),
		cmocka_unit_test(test_inline_comments),
		cmocka_unit_test(test_empty_values),
		cmocka_unit_test(test_unquoted_is_literal),
		cmocka_unit_test(test_single_quoted),
		cmocka_unit_test(test_single_quote_escapes),
		cmocka_unit_test(test_double_quoted_escapes),
		cmocka_unit_test(test_double_quoted_kept_escapes),
		cmocka_unit_test(test_double_quoted_json),
		cmocka_unit_test(test_interpolation_kept),
		cmocka_unit_test(test_multiline_double),
		cmocka_unit_test(test_multiline_positions),
		cmocka_unit_test(test_multiline_crlf),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_utf8_value),
		cmocka_unit_test(test_bare_keys),
		cmocka_unit_test(test_duplicates_kept),
		cmocka_unit_test(test_after_closing_quote),
		cmocka_unit_test(test_quote_after_blanks),
		cmocka_unit_test(test_backslash_before_line_end),
		cmocka_unit_test(test_other_quotes_inside),
		cmocka_unit_test(test_realistic_file),
		cmocka_unit_test(test_key_max),
		cmocka_unit_test(test_value_max),
		cmocka_unit_test(test_vars_max),
		cmocka_unit_test(test_err_no_equals),
		cmocka_unit_test(test_err_two_words),
		cmocka_unit_test(test_err_tab_then_word),
		cmocka_unit_test(test_err_digit_first),
		cmocka_unit_test(test_err_dollar_in_key),
		cmocka_unit_test(test_err_colon),
		cmocka_unit_test(test_err_hash_in_key),
		cmocka_unit_test(test_err_quoted_key),
		cmocka_unit_test(test_err_dquoted_key),
		cmocka_unit_test(test_err_utf8_key),
		cmocka_unit_test(test_err_control_in_key),
		cmocka_unit_test(test_err_second_bom),
		cmocka_unit_test(test_err_no_name),
		cmocka_unit_test(test_err_no_name_indented),
		cmocka_unit_test(test_err_export_alone),
		cmocka_unit_test(test_err_export_comment),
		cmocka_unit_test(test_err_export_equals),
		cmocka_unit_test(test_err_export_bad_key),
		cmocka_unit_test(test_err_unterminated_single),
		cmocka_unit_test(test_err_unterminated_double),
		cmocka_unit_test(test_err_escaped_close),
		cmocka_unit_test(test_err_backslash_at_end),
		cmocka_unit_test(test_err_single_escaped_close),
		cmocka_unit_test(test_err_after_double),
		cmocka_unit_test(test_err_after_single),
		cmocka_unit_test(test_err_after_utf8),
		cmocka_unit_test(test_err_after_stray_bytes),
		cmocka_unit_test(test_err_after_cut_sequence),
		cmocka_unit_test(test_err_after_long_sequences),
		cmocka_unit_test(test_err_after_multiline),
		cmocka_unit_test(test_err_two_quoted),
		cmocka_unit_test(test_err_nul),
		cmocka_unit_test(test_err_nul_in_comment),
		cmocka_unit_test(test_err_nul_in_quotes),
		cmocka_unit_test(test_err_nul_first),
		cmocka_unit_test(test_err_lone_cr),
		cmocka_unit_test(test_err_cr_at_end),
		cmocka_unit_test(test_err_cr_in_quotes),
		cmocka_unit_test(test_err_after_multiline_value),
		cmocka_unit_test(test_err_key_too_long),
		cmocka_unit_test(test_err_value_too_long),
		cmocka_unit_test(test_err_file_too_large),
		cmocka_unit_test(test_err_too_many_vars),
		cmocka_unit_test(test_err_hides_secrets),
		cmocka_unit_test(test_err_hides_long_secret),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
