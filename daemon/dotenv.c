/* dotenv.c - .env files to ordered, positioned variables, refusing what readers disagree on. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cursor.h"
#include "dotenv.h"

struct vg_dotenv {
	struct vg_dotenv_var *vars;
	size_t n, cap;
	struct vg_arena arena;
};

struct pos {
	unsigned line, col;
};

struct parser {
	struct vg_cur c;
	struct pos at;       /* of the next byte */
	unsigned pending;    /* continuation bytes the last UTF-8 lead byte announced */
	const char *name;
	struct vg_err *err;
	struct vg_dotenv *env;
	char *scratch;       /* VG_DOTENV_VALUE_MAX bytes: a quoted value while it is decoded */
};

/* What one statement found, until it is stored. */
struct stmt {
	const uint8_t *key;
	size_t key_len;
	struct pos key_at, value_at;
	const char *value;   /* NULL for a bare KEY */
	size_t value_len;
};

static bool
fail(struct parser *p, struct pos at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool
fail(struct parser *p, struct pos at, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err->msg, sizeof(p->err->msg), "%s:%u:%u: ", p->name, at.line, at.col);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(p->err->msg))
		vsnprintf(p->err->msg + n, sizeof(p->err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static bool
is_blank(uint8_t b)
{
	return b == ' ' || b == '\t';
}

/* A carriage return is only ever the first half of CRLF: the prescan refuses any other. */
static bool
is_eol(uint8_t b)
{
	return b == '\n' || b == '\r';
}

static bool
is_key_start(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '_';
}

static bool
is_key_char(uint8_t b)
{
	return is_key_start(b) || (b >= '0' && b <= '9') || b == '.' || b == '-';
}

static bool
peek(const struct parser *p, size_t at, uint8_t *b)
{
	return vg_cur_peek(&p->c, at, b);
}

/* Continuation bytes a UTF-8 lead byte announces (RFC 3629 section 4); 0 for anything else. */
static unsigned
utf8_tail(uint8_t b)
{
	if (b >= 0xc2 && b <= 0xdf)
		return 1;
	if (b >= 0xe0 && b <= 0xef)
		return 2;
	if (b >= 0xf0 && b <= 0xf4)
		return 3;
	return 0;
}

/*
 * Consumes one byte. A continuation byte that its lead byte announced
 * shares the lead's column; any other byte takes one, as an editor shows a
 * stray byte as one replacement character, so no two bytes a parse decision
 * can stop at share a position.
 */
static void
advance(struct parser *p)
{
	uint8_t b;

	if (!vg_cur_u8(&p->c, &b))
		return;
	if (b == '\n') {
		p->at.line++;
		p->at.col = 1;
		p->pending = 0;
	} else if (p->pending > 0 && (b & 0xc0) == 0x80) {
		p->pending--;
	} else {
		p->at.col++;
		p->pending = utf8_tail(b);
	}
}

static bool
skip_blanks(struct parser *p)
{
	uint8_t b;
	bool any = false;

	while (peek(p, 0, &b) && is_blank(b)) {
		advance(p);
		any = true;
	}
	return any;
}

/* Up to and past the end of the line (or to the end of the input). */
static void
skip_line(struct parser *p)
{
	uint8_t b;

	while (peek(p, 0, &b) && b != '\n')
		advance(p);
	advance(p);
}

/*
 * NUL and a lone CR are refused before anything else, wherever they are:
 * readers split lines and end strings differently around them, and a
 * comment is no place to hide bytes either.
 */
static bool
prescan(struct parser *p)
{
	struct parser q = *p;
	uint8_t b, next;

	while (peek(&q, 0, &b)) {
		if (b == '\0')
			return fail(p, q.at, "NUL byte in the file");
		if (b == '\r' && (!peek(&q, 1, &next) || next != '\n'))
			return fail(p, q.at, "carriage return not followed by a line feed");
		advance(&q);
	}
	return true;
}

/* Names the bad byte alone: a broken line may be a pasted secret. */
static bool
bad_key_char(struct parser *p, uint8_t b)
{
	if (b == '\'')
		return fail(p, p->at, "invalid character \"'\" in variable name");
	if (b > ' ' && b < 0x7f)
		return fail(p, p->at, "invalid character '%c' in variable name", b);
	return fail(p, p->at, "invalid byte 0x%02x in variable name", b);
}

/* A name at the current position, which holds a byte that is not a blank. */
static bool
lex_key(struct parser *p, struct stmt *s)
{
	uint8_t b;

	s->key_at = p->at;
	s->key = vg_cur_here(&p->c);
	s->key_len = 0;
	if (!peek(p, 0, &b) || b == '=')
		return fail(p, p->at, "missing variable name before '='");
	if (!is_key_start(b))
		return bad_key_char(p, b);
	while (peek(p, 0, &b) && is_key_char(b)) {
		if (s->key_len == VG_DOTENV_KEY_MAX)
			return fail(p, s->key_at, "variable name longer than %d bytes",
			    VG_DOTENV_KEY_MAX);
		advance(p);
		s->key_len++;
	}
	if (peek(p, 0, &b) && !is_blank(b) && !is_eol(b) && b != '=')
		return bad_key_char(p, b);
	return true;
}

static int
key_width(const struct stmt *s)
{
	return (int)s->key_len;
}

static void
store_byte(struct parser *p, size_t *n, uint8_t b)
{
	if (*n < VG_DOTENV_VALUE_MAX)
		p->scratch[*n] = (char)b;
	(*n)++;
}

/*
 * A quoted value from its opening quote q, decoded into scratch. Counting
 * goes on past VG_DOTENV_VALUE_MAX so that a missing closing quote, the
 * likelier mistake, is what gets reported.
 */
static bool
lex_quoted(struct parser *p, struct stmt *s, uint8_t q)
{
	struct pos open = p->at;
	size_t n = 0;
	uint8_t b, e;

	advance(p);
	s->value_at = p->at;
	for (;;) {
		if (!peek(p, 0, &b))
			return fail(p, open, "unterminated %s-quoted value of \"%.*s\"",
			    q == '"' ? "double" : "single", key_width(s), (const char *)s->key);
		if (b == q) {
			advance(p);
			break;
		}
		if (b == '\r') {
			advance(p);
			continue;
		}
		if (b != '\\' || !peek(p, 1, &e) || is_eol(e)) {
			/* A backslash before a line end stays; the line end is read as usual. */
			store_byte(p, &n, b);
			advance(p);
			continue;
		}
		advance(p);
		advance(p);
		if (e == q) {
			store_byte(p, &n, e);
			continue;
		}
		if (q == '"') {
			switch (e) {
			case 'n':
				store_byte(p, &n, '\n');
				continue;
			case 't':
				store_byte(p, &n, '\t');
				continue;
			case 'r':
				store_byte(p, &n, '\r');
				continue;
			case '\\':
			case '$':
				store_byte(p, &n, e);
				continue;
			default:
				break;
			}
		}
		store_byte(p, &n, '\\');
		store_byte(p, &n, e);
	}
	if (n > VG_DOTENV_VALUE_MAX)
		return fail(p, s->value_at, "value of \"%.*s\" is longer than %d bytes",
		    key_width(s), (const char *)s->key, VG_DOTENV_VALUE_MAX);
	s->value = p->scratch;
	s->value_len = n;

	skip_blanks(p);
	if (peek(p, 0, &b) && !is_eol(b) && b != '#')
		return fail(p, p->at, "unexpected text after the closing quote of \"%.*s\"",
		    key_width(s), (const char *)s->key);
	skip_line(p);
	return true;
}

/* The rest of the line, up to a comment, blanks trimmed; it points into the input. */
static bool
lex_unquoted(struct parser *p, struct stmt *s)
{
	const uint8_t *start = vg_cur_here(&p->c);
	size_t n = 0, keep = 0;
	uint8_t b, next;

	s->value_at = p->at;
	while (peek(p, 0, &b) && !is_eol(b)) {
		if (is_blank(b) && peek(p, 1, &next) && next == '#')
			break;
		advance(p);
		n++;
		if (!is_blank(b))
			keep = n;
	}
	if (keep > VG_DOTENV_VALUE_MAX)
		return fail(p, s->value_at, "value of \"%.*s\" is longer than %d bytes",
		    key_width(s), (const char *)s->key, VG_DOTENV_VALUE_MAX);
	s->value = (const char *)start;
	s->value_len = keep;
	skip_line(p);
	return true;
}

static char *
arena_copy(struct vg_arena *a, const void *src, size_t n)
{
	char *dst = vg_arena_alloc(a, n + 1);

	if (dst != NULL) {
		if (n > 0)
			memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return dst;
}

static bool
store(struct parser *p, const struct stmt *s)
{
	struct vg_dotenv *e = p->env;
	struct vg_dotenv_var *v;

	if (e->n == VG_DOTENV_VARS_MAX)
		return fail(p, s->key_at, "more than %d variables", VG_DOTENV_VARS_MAX);
	if (e->n == e->cap) {
		size_t cap = e->cap == 0 ? 16 : e->cap * 2;

		if (cap > VG_DOTENV_VARS_MAX)
			cap = VG_DOTENV_VARS_MAX;
		v = realloc(e->vars, cap * sizeof(*v));
		if (v == NULL)
			goto oom;
		e->vars = v;
		e->cap = cap;
	}
	v = &e->vars[e->n];
	memset(v, 0, sizeof(*v));
	if ((v->key = arena_copy(&e->arena, s->key, s->key_len)) == NULL)
		goto oom;
	if (s->value != NULL) {
		if ((v->value = arena_copy(&e->arena, s->value, s->value_len)) == NULL)
			goto oom;
		v->value_line = s->value_at.line;
		v->value_col = s->value_at.col;
	}
	v->line = s->key_at.line;
	v->col = s->key_at.col;
	e->n++;
	return true;
oom:
	snprintf(p->err->msg, sizeof(p->err->msg), "%s: out of memory", p->name);
	return false;
}

/* One statement, from its first non-blank byte, which is neither a line end nor '#'. */
static bool
parse_statement(struct parser *p)
{
	struct stmt s;
	uint8_t b;
	bool blanks;

	memset(&s, 0, sizeof(s));
	if (!lex_key(p, &s))
		return false;
	/*
	 * "export X=1" exports X, "export=1" sets a variable named export;
	 * "export" alone or "export =1" leave both readers without a name.
	 */
	if (s.key_len == 6 && memcmp(s.key, "export", 6) == 0) {
		blanks = skip_blanks(p);
		if (!peek(p, 0, &b) || is_eol(b) || b == '#' || (blanks && b == '='))
			return fail(p, p->at, "expected a variable name after 'export'");
		if (blanks && !lex_key(p, &s))
			return false;
	}
	skip_blanks(p);
	if (!peek(p, 0, &b) || is_eol(b) || b == '#') {
		/* A bare KEY: compose passes the caller's value through. */
		skip_line(p);
		return store(p, &s);
	}
	if (b != '=')
		return fail(p, p->at, "expected '=' after the variable name");
	advance(p);
	blanks = skip_blanks(p);
	if (!peek(p, 0, &b) || is_eol(b) || (blanks && b == '#')) {
		s.value_at = p->at;
		s.value = "";
		s.value_len = 0;
		skip_line(p);
	} else if (b == '"' || b == '\'') {
		if (!lex_quoted(p, &s, b))
			return false;
	} else if (!lex_unquoted(p, &s)) {
		return false;
	}
	return store(p, &s);
}

static bool
parse(struct parser *p)
{
	uint8_t b;

	if (peek(p, 0, &b) && b == 0xef && peek(p, 1, &b) && b == 0xbb && peek(p, 2, &b) &&
	    b == 0xbf)
		vg_cur_skip(&p->c, 3);
	if (!prescan(p))
		return false;
	for (;;) {
		skip_blanks(p);
		if (!peek(p, 0, &b))
			return true;
		if (is_eol(b) || b == '#')
			skip_line(p);
		else if (!parse_statement(p))
			return false;
	}
}

struct vg_dotenv *
vg_dotenv_parse(const char *name, const void *buf, size_t len, struct vg_err *err)
{
	struct parser p;
	bool ok;

	err->msg[0] = '\0';
	if (len > VG_DOTENV_FILE_MAX) {
		snprintf(err->msg, sizeof(err->msg), "%s: larger than %u bytes", name,
		    VG_DOTENV_FILE_MAX);
		return NULL;
	}
	memset(&p, 0, sizeof(p));
	vg_cur_init(&p.c, buf, len);
	p.at.line = 1;
	p.at.col = 1;
	p.name = name;
	p.err = err;
	p.env = calloc(1, sizeof(*p.env));
	p.scratch = malloc(VG_DOTENV_VALUE_MAX);
	if (p.env == NULL || p.scratch == NULL) {
		free(p.env);
		free(p.scratch);
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		return NULL;
	}
	ok = parse(&p);
	free(p.scratch);
	if (!ok) {
		vg_dotenv_free(p.env);
		return NULL;
	}
	return p.env;
}

void
vg_dotenv_free(struct vg_dotenv *e)
{
	if (e == NULL)
		return;
	vg_arena_free(&e->arena);
	free(e->vars);
	free(e);
}

size_t
vg_dotenv_n(const struct vg_dotenv *e)
{
	return e->n;
}

const struct vg_dotenv_var *
vg_dotenv_var(const struct vg_dotenv *e, size_t i)
{
	return i < e->n ? &e->vars[i] : NULL;
}

const struct vg_dotenv_var *
vg_dotenv_get(const struct vg_dotenv *e, const char *key)
{
	for (size_t i = e->n; i > 0; i--)
		if (strcmp(e->vars[i - 1].key, key) == 0)
			return &e->vars[i - 1];
	return NULL;
}
