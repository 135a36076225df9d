/* fuzz_dotenv.c - the .env parser: positions hold, values round-trip, errors leak no value. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dotenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.env"

static int
key_start(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '_';
}

static int
key_char(uint8_t b)
{
	return key_start(b) || (b >= '0' && b <= '9') || b == '.' || b == '-';
}

static void
check_key(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > VG_DOTENV_KEY_MAX || !key_start((uint8_t)k[0]))
		abort();
	for (size_t i = 1; i < n; i++)
		if (!key_char((uint8_t)k[i]))
			abort();
}

/* The input as the parser sees it (no leading byte order mark), and where its lines start. */
struct text {
	const uint8_t *p;
	size_t n;
	size_t *lines;
	size_t n_lines;
};

static int
index_lines(struct text *t)
{
	size_t n = 1;

	for (size_t i = 0; i < t->n; i++)
		n += t->p[i] == '\n';
	if ((t->lines = malloc(n * sizeof(*t->lines))) == NULL)
		return 0;
	t->lines[0] = 0;
	t->n_lines = 1;
	for (size_t i = 0; i < t->n; i++)
		if (t->p[i] == '\n')
			t->lines[t->n_lines++] = i + 1;
	return 1;
}

/* Bytes of the character at p[0]: a UTF-8 sequence as far as it is well begun, else 1. */
static size_t
char_len(const uint8_t *p, size_t left)
{
	size_t want = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 && p[0] <= 0xef ? 3 :
	    p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : 1;
	size_t n = 1;

	while (n < want && n < left && (p[n] & 0xc0) == 0x80)
		n++;
	return n;
}

/* Byte offset of (line, col), a column being one character; SIZE_MAX when outside. */
static size_t
offset_of(const struct text *t, unsigned line, unsigned col)
{
	size_t off;

	if (line == 0 || col == 0)
		abort();
	if (line > t->n_lines)
		return SIZE_MAX;
	off = t->lines[line - 1];
	for (unsigned c = 1; c < col; c++) {
		if (off >= t->n || t->p[off] == '\n')
			return SIZE_MAX;
		off += char_len(t->p + off, t->n - off);
	}
	return off;
}

static void
check_var(const struct text *t, const struct vg_dotenv_var *v, unsigned prev_line)
{
	size_t off, n;

	check_key(v->key);
	if (v->line <= prev_line)
		abort(); /* one statement a line, in order */
	n = strlen(v->key);
	off = offset_of(t, v->line, v->col);
	if (off == SIZE_MAX || n > t->n - off || memcmp(t->p + off, v->key, n) != 0)
		abort();
	if (v->value == NULL) {
		if (v->value_line != 0 || v->value_col != 0)
			abort();
		return;
	}
	if (strlen(v->value) > VG_DOTENV_VALUE_MAX || v->value_line != v->line ||
	    v->value_col <= v->col)
		abort(); /* a value starts on its key's line, after it */
	off = offset_of(t, v->value_line, v->value_col);
	if (off == SIZE_MAX || off == 0)
		abort();
	if (t->p[off - 1] != '"' && t->p[off - 1] != '\'') {
		/* Unquoted: the value is the bytes written there. */
		n = strlen(v->value);
		if (n > t->n - off || memcmp(t->p + off, v->value, n) != 0)
			abort();
	}
}

/*
 * Written back, values double-quoted and bare names behind "export" (a bare
 * "export" alone is refused, "export export" is the variable), every
 * variable reads back the same.
 */
static void
round_trip(const struct vg_dotenv *e)
{
	size_t cap = 0, len = 0;
	char *buf;
	struct vg_err err;
	struct vg_dotenv *again;

	for (size_t i = 0; i < vg_dotenv_n(e); i++) {
		const struct vg_dotenv_var *v = vg_dotenv_var(e, i);

		cap += strlen(v->key) + 8 + (v->value != NULL ? 2 * strlen(v->value) : 0);
	}
	if ((buf = malloc(cap + 1)) == NULL)
		return;
	for (size_t i = 0; i < vg_dotenv_n(e); i++) {
		const struct vg_dotenv_var *v = vg_dotenv_var(e, i);
		size_t k = strlen(v->key);

		if (v->value == NULL) {
			memcpy(buf + len, "export ", 7);
			len += 7;
		}
		memcpy(buf + len, v->key, k);
		len += k;
		if (v->value != NULL) {
			buf[len++] = '=';
			buf[len++] = '"';
			for (const char *s = v->value; *s != '\0'; s++) {
				if (*s == '\\' || *s == '"') {
					buf[len++] = '\\';
					buf[len++] = *s;
				} else if (*s == '\r') {
					buf[len++] = '\\';
					buf[len++] = 'r';
				} else {
					buf[len++] = *s;
				}
			}
			buf[len++] = '"';
		}
		buf[len++] = '\n';
	}
	if (len > cap)
		abort();
	if ((again = vg_dotenv_parse(NAME, buf, len, &err)) == NULL) {
		if (strstr(err.msg, "out of memory") == NULL)
			abort();
		free(buf);
		return;
	}
	if (vg_dotenv_n(again) != vg_dotenv_n(e))
		abort();
	for (size_t i = 0; i < vg_dotenv_n(e); i++) {
		const struct vg_dotenv_var *a = vg_dotenv_var(e, i), *b = vg_dotenv_var(again, i);

		if (strcmp(a->key, b->key) != 0 || (a->value == NULL) != (b->value == NULL) ||
		    (a->value != NULL && strcmp(a->value, b->value) != 0))
			abort();
	}
	vg_dotenv_free(again);
	free(buf);
}

/* A name quoted in an error must stand before an '=' in the input: value text never shows. */
static void
check_quoted_name(const struct text *t, const char *q, size_t n)
{
	for (size_t off = 0; n <= t->n && off <= t->n - n; off++) {
		size_t end = off + n;

		if (memcmp(t->p + off, q, n) != 0)
			continue;
		while (end < t->n && (t->p[end] == ' ' || t->p[end] == '\t'))
			end++;
		if (end < t->n && t->p[end] == '=')
			return;
	}
	abort();
}

static void
check_error(const struct text *t, const char *msg)
{
	const char *s = msg + strlen(NAME ":");
	unsigned line, col;
	int used = 0;
	const char *q, *close;

	if (strncmp(msg, NAME ":", strlen(NAME ":")) != 0)
		abort();
	for (const char *c = msg; *c != '\0'; c++)
		if ((unsigned char)*c < ' ' || (unsigned char)*c > '~')
			abort();
	if (strcmp(s, " out of memory") == 0)
		return;
	if (sscanf(s, "%u:%u: %n", &line, &col, &used) != 2 || used == 0)
		abort();
	if (offset_of(t, line, col) == SIZE_MAX)
		abort(); /* the position is inside the input, or just at its end */
	/* Quoted text: a name between double quotes, or one character in either quotes. */
	for (q = s + used; (q = strchr(q, '"')) != NULL; q = close + 1) {
		if (q[-1] == '\'' && q[1] == '\'') {
			close = q;
			continue;
		}
		if ((close = strchr(q + 1, '"')) == NULL)
			abort();
		if (close - q == 2 && q[1] == '\'')
			continue;
		for (const char *c = q + 1; c < close; c++)
			if (!key_char((uint8_t)*c))
				abort();
		check_quoted_name(t, q + 1, (size_t)(close - q - 1));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_err err;
	struct vg_dotenv *e;
	struct text t = { data, size, NULL, 0 };
	unsigned prev = 0;

	if (size > 1u << 20)
		return 0;
	if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		t.p += 3;
		t.n -= 3;
	}
	if (!index_lines(&t))
		return 0;
	if ((e = vg_dotenv_parse(NAME, data, size, &err)) == NULL) {
		check_error(&t, err.msg);
		free(t.lines);
		return 0;
	}
	if (vg_dotenv_n(e) > VG_DOTENV_VARS_MAX || vg_dotenv_var(e, vg_dotenv_n(e)) != NULL)
		abort();
	if (memchr(data, '\0', size) != NULL)
		abort(); /* NUL is always refused */
	for (size_t i = 0; i < vg_dotenv_n(e); i++) {
		const struct vg_dotenv_var *v = vg_dotenv_var(e, i);

		check_var(&t, v, prev);
		prev = v->line;
		if (vg_dotenv_get(e, v->key) == NULL)
			abort();
	}
	round_trip(e);
	vg_dotenv_free(e);
	free(t.lines);
	return 0;
}
