/* policy_expr.c - policy conditions: typed parser to one node array, allocation-free evaluator. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy_expr.h"

#define SHOW_MAX 48 /* bytes of a token quoted in an error message */

enum tk {
	T_EOF,
	T_IDENT,
	T_STR,
	T_INT,
	T_DATE,
	T_TRUE,
	T_FALSE,
	T_NULL,
	T_TODAY,
	T_LPAREN,
	T_RPAREN,
	T_LBRACK,
	T_RBRACK,
	T_COMMA,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_IN,
	T_NOT,
	T_CONTAINS,
	T_STARTSWITH,
	T_GLOB,
	T_EXISTS,
	T_AND,
	T_OR,
};

struct tok {
	enum tk k;
	size_t off, len; /* span in the frame's text */
	int64_t i;       /* T_INT */
	int32_t date;    /* T_DATE */
};

/* A text being parsed: the condition itself, or a macro used by the frame above. */
struct frame {
	const char *text;
	size_t len;
	size_t pos; /* lexer position */
	struct tok tok;
	const char *macro; /* NULL for the condition */
	size_t macro_idx;
	size_t ref_off; /* where the macro is used, in the frame above */
	struct frame *up;
};

enum nk {
	N_CONST,
	N_NULL,
	N_FIELD,
	N_TODAY,
	N_LIST,
	N_AND,
	N_OR,
	N_NOT,
	N_CMP,
	N_EXISTS,
};

enum op {
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_IN,
	OP_NOTIN,
	OP_CONTAINS,
	OP_STARTSWITH,
	OP_GLOB,
};

static const char *const op_names[] = {
	"==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "startswith", "glob",
};

/*
 * Children are node indices, so a macro compiled once is shared by all its
 * uses; and/or are n-ary so that long conjunctions stay shallow.
 */
struct node {
	uint8_t kind;
	uint8_t type; /* enum vg_vtype of the result */
	uint8_t op;   /* N_CMP */
	uint8_t neg;  /* N_EXISTS: "f == null" */
	uint16_t a, b; /* N_CMP, N_NOT, N_EXISTS: operands; N_AND, N_OR: first kid, count */
	union {
		bool b;
		int64_t i;
		int32_t date;
		int field;
		uint32_t str; /* offset in the pool */
		struct {
			uint32_t first, n; /* range of items */
		} list;
	} u;
};

struct vg_expr {
	const struct node *nodes;
	size_t n_nodes;
	uint16_t root;
	const uint16_t *kids;
	const char **items;
	const char *pool;
};

/* Per macro: compiled once, then shared; depth and chain say how much nesting it adds. */
struct mac {
	uint8_t state; /* 0 not yet, 1 being expanded, 2 compiled */
	uint16_t root;
	unsigned depth, chain, weight;
};

#define MAC_EXPANDING 1
#define MAC_DONE 2

struct ctx {
	const struct vg_expr_env *env;
	const char *name;
	unsigned line, col;
	const struct vg_ynode *node; /* when set, file positions come from it */
	struct vg_err *err;
	bool failed;
	struct frame *fr;
	unsigned depth, depth_hi;
	unsigned chain, chain_hi;
	unsigned weight; /* nodes with every macro use counted in full */
	struct node *nodes;
	size_t n_nodes;
	uint16_t *kids;
	size_t n_kids;
	uint16_t *stk;
	size_t n_stk;
	uint32_t *items;
	size_t n_items, cap_items;
	char *pool;
	size_t n_pool, cap_pool;
	struct mac *mac;
	int64_t *lst; /* first item of each named list once copied, or -1 */
};

static int p_or(struct ctx *c, size_t *start);

/* ---- errors */

/* Line and column (from 1, in UTF-8 characters as libyaml counts) of off in text. */
static void
text_pos(const char *text, size_t off, unsigned *line, unsigned *col)
{
	unsigned l = 1, co = 1;

	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '\n') {
			l++;
			co = 1;
		} else if ((ch & 0xc0) != 0x80) {
			co++;
		}
	}
	*line = l;
	*col = co;
}

static void __attribute__((format(printf, 3, 0)))
vappend(char *m, size_t cap, const char *fmt, va_list ap)
{
	size_t n = strlen(m);

	if (n + 1 < cap)
		vsnprintf(m + n, cap - n, fmt, ap);
}

static void __attribute__((format(printf, 3, 4)))
append(char *m, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(m, cap, fmt, ap);
	va_end(ap);
}

/*
 * Records the first error, at byte off of the current frame: the file position
 * is that of the outermost use (the condition is what sits in the file), the
 * parenthesis walks from the error out through each macro use.
 */
static int __attribute__((format(printf, 3, 4)))
fail(struct ctx *c, size_t off, const char *fmt, ...)
{
	char *m = c->err->msg;
	size_t cap = sizeof(c->err->msg);
	const struct frame *f;
	size_t o;
	unsigned l, co;
	va_list ap;

	if (c->failed)
		return -1;
	c->failed = true;
	for (f = c->fr, o = off; f->up != NULL; f = f->up)
		o = f->ref_off;
	m[0] = '\0';
	if (c->node != NULL) {
		vg_ynode_pos(c->node, o, &l, &co);
		append(m, cap, "%s:%u:%u: ", c->name, l, co);
	} else {
		text_pos(f->text, o, &l, &co);
		append(m, cap, "%s:%u:%u: ", c->name, c->line + l - 1, c->col + co - 1);
	}
	va_start(ap, fmt);
	vappend(m, cap, fmt, ap);
	va_end(ap);
	append(m, cap, " (");
	for (f = c->fr, o = off; f != NULL; o = f->ref_off, f = f->up) {
		text_pos(f->text, o, &l, &co);
		if (f != c->fr)
			append(m, cap, ", used at ");
		if (l > 1)
			append(m, cap, "line %u, ", l);
		if (f->macro != NULL)
			append(m, cap, "col %u of macro '%s'", co, f->macro);
		else
			append(m, cap, "col %u of the condition", co);
	}
	append(m, cap, ")");
	return -1;
}

/* A token as error messages show it: quoted source text, shortened. */
static const char *
show(const struct frame *f, const struct tok *t, char *buf, size_t cap)
{
	if (t->k == T_EOF)
		return f->macro != NULL ? "end of macro" : "end of condition";
	if (t->k == T_STR)
		return "a string";
	snprintf(buf, cap, "'%.*s%s'", (int)(t->len > SHOW_MAX ? SHOW_MAX : t->len),
	    f->text + t->off, t->len > SHOW_MAX ? "..." : "");
	return buf;
}

static const char *
type_name(unsigned t)
{
	static const char *const names[] = {
		"null", "a boolean", "an integer", "a string", "a date", "a list",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static const char *
type_plural(unsigned t)
{
	static const char *const names[] = {
		"nulls", "booleans", "integers", "strings", "dates", "lists",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

/* ---- lexer */

static bool
is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool
is_word(int ch)
{
	return is_alpha(ch) || is_digit(ch) || ch == '_' || ch == '-' || ch == '.';
}

static bool
is_opch(int ch)
{
	return ch == '=' || ch == '!' || ch == '<' || ch == '>' || ch == '&' || ch == '|' ||
	    ch == '~';
}

static enum tk
keyword(const char *s, size_t n)
{
	static const struct {
		const char *w;
		enum tk k;
	} kw[] = {
		{ "and", T_AND }, { "or", T_OR }, { "not", T_NOT }, { "in", T_IN },
		{ "contains", T_CONTAINS }, { "startswith", T_STARTSWITH }, { "glob", T_GLOB },
		{ "exists", T_EXISTS }, { "true", T_TRUE }, { "false", T_FALSE },
		{ "null", T_NULL }, { "today", T_TODAY },
	};

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strlen(kw[i].w) == n && memcmp(kw[i].w, s, n) == 0)
			return kw[i].k;
	return T_IDENT;
}

static unsigned
month_days(unsigned y, unsigned m)
{
	static const unsigned char md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return md[m - 1];
}

/* Days from civil, after H. Hinnant's algorithm: eras of 400 years start on March 1st. */
int32_t
vg_expr_days(int year, unsigned month, unsigned day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int32_t)(era * 146097 + doe - 719468);
}

static unsigned
digits(const char *s, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

bool
vg_date_parse(const char *s, int32_t *days)
{
	unsigned y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return false;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return false;
	*days = vg_expr_days((int)y, m, d);
	return true;
}

/* Civil from days, the inverse of vg_expr_days(). */
char *
vg_date_fmt(int32_t days, char *buf, size_t len)
{
	int64_t z = (int64_t)days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	snprintf(buf, len, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
	return buf;
}

int32_t
vg_date_today(void)
{
	return (int32_t)(time(NULL) / 86400);
}

/* A word starting with a digit or '-digit': an integer or a YYYY-MM-DD date. */
static int
lex_number(struct ctx *c, struct tok *t)
{
	const char *s = c->fr->text + t->off;
	size_t n = t->len, i;
	int shown = (int)(n > SHOW_MAX ? SHOW_MAX : n);
	const char *more = n > SHOW_MAX ? "..." : "";

	if (n >= 5 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
	    s[4] == '-') {
		unsigned y, m, d;

		if (n != 10 || s[7] != '-' || !is_digit(s[5]) || !is_digit(s[6]) ||
		    !is_digit(s[8]) || !is_digit(s[9]))
			return fail(c, t->off, "malformed date '%.*s%s', expected YYYY-MM-DD",
			    shown, s, more);
		y = digits(s, 4);
		m = digits(s + 5, 2);
		d = digits(s + 8, 2);
		if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
			return fail(c, t->off, "invalid date '%.*s'", shown, s);
		if (y < 1970)
			return fail(c, t->off, "date '%.*s' before 1970", shown, s);
		t->k = T_DATE;
		t->date = vg_expr_days((int)y, m, d);
		return 0;
	}
	i = s[0] == '-' ? 1 : 0;
	for (size_t j = i; j < n; j++)
		if (!is_digit(s[j]))
			return fail(c, t->off, "malformed number '%.*s%s'", shown, s, more);
	{
		/* Two's complement: one more negative value than positive. */
		uint64_t limit = i == 1 ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		uint64_t v = 0;

		for (; i < n; i++) {
			unsigned dg = (unsigned)(s[i] - '0');
			if (v > (limit - dg) / 10)
				return fail(c, t->off, "integer '%.*s%s' out of range", shown, s,
				    more);
			v = v * 10 + dg;
		}
		if (s[0] == '-')
			t->i = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		else
			t->i = (int64_t)v;
	}
	t->k = T_INT;
	return 0;
}

/* A quoted string; only \' \" \\ escape. Sets *end past the closing quote. */
static int
lex_string(struct ctx *c, size_t p, size_t *end)
{
	const struct frame *f = c->fr;
	const char *s = f->text;
	char q = s[p];
	size_t i = p + 1;

	for (;;) {
		unsigned char ch;

		if (i == f->len || s[i] == '\n')
			return fail(c, p, "unterminated string");
		ch = (unsigned char)s[i];
		if (ch == (unsigned char)q) {
			*end = i + 1;
			return 0;
		}
		if (ch == '\\') {
			unsigned char e;

			if (i + 1 == f->len || s[i + 1] == '\n')
				return fail(c, p, "unterminated string");
			e = (unsigned char)s[i + 1];
			if (e != '\'' && e != '"' && e != '\\') {
				if (e > 0x20 && e < 0x7f)
					return fail(c, i, "invalid escape '\\%c' in string", e);
				return fail(c, i, "invalid escape in string");
			}
			i += 2;
			continue;
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return fail(c, i, "control character in string");
		i++;
	}
}

/* Names are dot-separated words: no empty part. */
static bool
name_ok(const char *s, size_t n)
{
	if (s[n - 1] == '.')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return false;
	return true;
}

static int
lex(struct ctx *c)
{
	struct frame *f = c->fr;
	struct tok *t = &f->tok;
	const char *s = f->text;
	size_t p = f->pos, q = p;
	unsigned char ch;

	while (p < f->len && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r'))
		p++;
	memset(t, 0, sizeof(*t));
	t->off = p;
	if (p == f->len) {
		t->k = T_EOF;
		f->pos = p;
		return 0;
	}
	ch = (unsigned char)s[p];
	if (is_alpha(ch) || ch == '_') {
		for (q = p; q < f->len && is_word((unsigned char)s[q]); q++)
			;
		t->len = q - p;
		t->k = keyword(s + p, t->len);
		if (t->k == T_IDENT && !name_ok(s + p, t->len))
			return fail(c, p, "malformed name '%.*s%s'",
			    (int)(t->len > SHOW_MAX ? SHOW_MAX : t->len), s + p,
			    t->len > SHOW_MAX ? "..." : "");
	} else if (is_digit(ch) ||
	    (ch == '-' && p + 1 < f->len && is_digit((unsigned char)s[p + 1]))) {
		for (q = p + 1; q < f->len && is_word((unsigned char)s[q]); q++)
			;
		t->len = q - p;
		if (lex_number(c, t) < 0)
			return -1;
	} else if (ch == '\'' || ch == '"') {
		if (lex_string(c, p, &q) < 0)
			return -1;
		t->k = T_STR;
		t->len = q - p;
	} else if (ch == '(' || ch == ')' || ch == '[' || ch == ']' || ch == ',') {
		t->len = 1;
		t->k = ch == '(' ? T_LPAREN : ch == ')' ? T_RPAREN : ch == '[' ? T_LBRACK :
		    ch == ']' ? T_RBRACK : T_COMMA;
	} else if (is_opch(ch)) {
		static const struct {
			const char *w;
			enum tk k;
		} ops[] = {
			{ "==", T_EQ }, { "!=", T_NE }, { "<", T_LT }, { "<=", T_LE },
			{ ">", T_GT }, { ">=", T_GE },
		};
		size_t i;

		for (q = p; q < f->len && is_opch((unsigned char)s[q]); q++)
			;
		t->len = q - p;
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (strlen(ops[i].w) == t->len && memcmp(ops[i].w, s + p, t->len) == 0)
				break;
		if (i == sizeof(ops) / sizeof(ops[0]))
			return fail(c, p, "unknown operator '%.*s'",
			    (int)(t->len > SHOW_MAX ? SHOW_MAX : t->len), s + p);
		t->k = ops[i].k;
	} else if (ch > 0x20 && ch < 0x7f) {
		return fail(c, p, "unexpected character '%c'", ch);
	} else {
		return fail(c, p, "unexpected character '\\x%02x'", ch);
	}
	f->pos = p + t->len;
	return 0;
}

/* ---- building */

static int
new_node(struct ctx *c, size_t off, enum nk kind, enum vg_vtype type)
{
	struct node *n;

	if (c->weight >= VG_EXPR_NODES_MAX)
		return fail(c, off, "condition has more than %u nodes", VG_EXPR_NODES_MAX);
	c->weight++;
	n = &c->nodes[c->n_nodes];
	memset(n, 0, sizeof(*n));
	n->kind = (uint8_t)kind;
	n->type = (uint8_t)type;
	return (int)c->n_nodes++;
}

static int
oom(struct ctx *c)
{
	return fail(c, 0, "out of memory");
}

/* Appends s (unescaping quotes when asked) and a NUL to the pool; returns its offset. */
static int64_t
pool_add(struct ctx *c, const char *s, size_t n, bool unescape)
{
	size_t at = c->n_pool;

	if (n + 1 > UINT32_MAX - c->n_pool)
		return oom(c);
	if (n + 1 > c->cap_pool - c->n_pool) {
		size_t cap = c->cap_pool * 2 + n + 1 + 256;
		char *p = realloc(c->pool, cap);
		if (p == NULL)
			return oom(c);
		c->pool = p;
		c->cap_pool = cap;
	}
	for (size_t i = 0; i < n; i++) {
		if (unescape && s[i] == '\\')
			i++; /* the lexer checked what follows */
		c->pool[c->n_pool++] = s[i];
	}
	c->pool[c->n_pool++] = '\0';
	return (int64_t)at;
}

static int
item_add(struct ctx *c, uint32_t str)
{
	if (c->n_items == c->cap_items) {
		size_t cap = c->cap_items * 2 + 64;
		uint32_t *p;
		if (cap > UINT32_MAX || (p = realloc(c->items, cap * sizeof(*p))) == NULL)
			return oom(c);
		c->items = p;
		c->cap_items = cap;
	}
	c->items[c->n_items++] = str;
	return 0;
}

static int64_t
str_token(struct ctx *c)
{
	const struct tok *t = &c->fr->tok;

	return pool_add(c, c->fr->text + t->off + 1, t->len - 2, true);
}

static int
enter(struct ctx *c, size_t off)
{
	if (++c->depth > VG_EXPR_DEPTH_MAX)
		return fail(c, off, "nesting deeper than %u levels", VG_EXPR_DEPTH_MAX);
	if (c->depth > c->depth_hi)
		c->depth_hi = c->depth;
	return 0;
}

static int
need_bool(struct ctx *c, int x, size_t start)
{
	if (c->nodes[x].type != VG_V_BOOL)
		return fail(c, start, "expected a condition, found %s",
		    type_name(c->nodes[x].type));
	return 0;
}

static int
unknown_name(struct ctx *c, const struct tok *t)
{
	const struct vg_expr_env *env = c->env;
	const char *s = c->fr->text + t->off, *best = NULL;
	size_t bd = 3, d, i;
	int shown = (int)(t->len > SHOW_MAX ? SHOW_MAX : t->len);

	for (i = 0; i < env->n_fields; i++)
		if (env->fields[i].name != NULL &&
		    (d = vg_edit_distance(s, t->len, env->fields[i].name)) < bd && d < t->len) {
			bd = d;
			best = env->fields[i].name;
		}
	for (i = 0; i < env->n_lists; i++)
		if (env->list_names[i] != NULL &&
		    (d = vg_edit_distance(s, t->len, env->list_names[i])) < bd && d < t->len) {
			bd = d;
			best = env->list_names[i];
		}
	for (i = 0; i < env->n_macros; i++)
		if (env->macro_names[i] != NULL &&
		    (d = vg_edit_distance(s, t->len, env->macro_names[i])) < bd && d < t->len) {
			bd = d;
			best = env->macro_names[i];
		}
	if (best != NULL)
		return fail(c, t->off, "unknown name '%.*s'; did you mean '%s'?", shown, s, best);
	return fail(c, t->off, "unknown name '%.*s%s'", shown, s, t->len > SHOW_MAX ? "..." : "");
}

static bool
name_is(const char *name, const char *s, size_t n)
{
	return name != NULL && strncmp(name, s, n) == 0 && name[n] == '\0';
}

/* Index of a name among n names, or -1. */
static int64_t
find_name(const char *const *names, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (name_is(names[i], s, len))
			return (int64_t)i;
	return -1;
}

static int64_t
find_field(const struct vg_expr_env *env, const char *s, size_t len)
{
	for (size_t i = 0; i < env->n_fields; i++)
		if (name_is(env->fields[i].name, s, len))
			return (int64_t)i;
	return -1;
}

static int
field_node(struct ctx *c, size_t fi, size_t off)
{
	const struct vg_field *fd = &c->env->fields[fi];
	int x;

	if (fd->type <= VG_V_NULL || fd->type > VG_V_LIST)
		return fail(c, off, "field '%s' has no valid type", fd->name);
	if ((x = new_node(c, off, N_FIELD, fd->type)) < 0)
		return -1;
	c->nodes[x].u.field = fd->id;
	return x;
}

/* A named list: its items are copied once, every use gets its own node over them. */
static int
list_node(struct ctx *c, size_t li, size_t off)
{
	const struct vg_expr_env *env = c->env;
	size_t n = env->list_lens[li];
	int x;

	if (n > VG_EXPR_LIST_MAX)
		return fail(c, off, "list '%s' has more than %u items", env->list_names[li],
		    VG_EXPR_LIST_MAX);
	if (c->lst[li] < 0) {
		size_t first = c->n_items;
		for (size_t i = 0; i < n; i++) {
			const char *s = env->list_items[li] != NULL ? env->list_items[li][i] : NULL;
			int64_t o;
			if (s == NULL)
				return fail(c, off, "list '%s' has a null item",
				    env->list_names[li]);
			if ((o = pool_add(c, s, strlen(s), false)) < 0 ||
			    item_add(c, (uint32_t)o) < 0)
				return -1;
		}
		c->lst[li] = (int64_t)first;
	}
	if ((x = new_node(c, off, N_LIST, VG_V_LIST)) < 0)
		return -1;
	c->nodes[x].u.list.first = (uint32_t)c->lst[li];
	c->nodes[x].u.list.n = (uint32_t)n;
	return x;
}

static int
macro_recursion(struct ctx *c, size_t mi, size_t off)
{
	char chain[256] = "";
	const struct frame *f, *from = NULL;

	for (f = c->fr; f != NULL && f->macro != NULL; f = f->up)
		if (f->macro_idx == mi) {
			from = f;
			break;
		}
	/* Outermost first: walk down from `from` to the current frame. */
	for (; from != NULL;) {
		const struct frame *g;
		append(chain, sizeof(chain), "%s -> ", from->macro);
		if (from == c->fr)
			break;
		for (g = c->fr; g->up != from; g = g->up)
			;
		from = g;
	}
	return fail(c, off, "macro recursion: %s%s", chain, c->env->macro_names[mi]);
}

/* A macro use: compiled on first use inside a frame of its own, shared afterwards. */
static int
macro_node(struct ctx *c, size_t mi, size_t off)
{
	const struct vg_expr_env *env = c->env;
	struct mac *m = &c->mac[mi];
	struct frame nf;
	unsigned depth0 = c->depth, chain0 = c->chain, weight0 = c->weight;
	unsigned dhi = c->depth_hi, chi = c->chain_hi;
	size_t start;
	int x = -1;

	if (m->state == MAC_EXPANDING)
		return macro_recursion(c, mi, off);
	if (m->state == MAC_DONE) {
		if (depth0 + m->depth > VG_EXPR_DEPTH_MAX)
			return fail(c, off, "nesting deeper than %u levels", VG_EXPR_DEPTH_MAX);
		if (chain0 + m->chain > VG_EXPR_MACRO_DEPTH_MAX)
			return fail(c, off, "macros nested deeper than %u levels",
			    VG_EXPR_MACRO_DEPTH_MAX);
		if (m->weight > VG_EXPR_NODES_MAX - c->weight)
			return fail(c, off, "condition has more than %u nodes", VG_EXPR_NODES_MAX);
		c->weight += m->weight;
		if (depth0 + m->depth > c->depth_hi)
			c->depth_hi = depth0 + m->depth;
		if (chain0 + m->chain > c->chain_hi)
			c->chain_hi = chain0 + m->chain;
		return m->root;
	}
	if (env->macro_texts[mi] == NULL)
		return fail(c, off, "macro '%s' has no text", env->macro_names[mi]);
	if (c->chain + 1 > VG_EXPR_MACRO_DEPTH_MAX)
		return fail(c, off, "macros nested deeper than %u levels", VG_EXPR_MACRO_DEPTH_MAX);
	c->depth_hi = c->depth;
	c->chain_hi = ++c->chain;
	if (enter(c, off) < 0)
		return -1;
	memset(&nf, 0, sizeof(nf));
	nf.text = env->macro_texts[mi];
	nf.len = strnlen(nf.text, VG_EXPR_TEXT_MAX + 1);
	nf.macro = env->macro_names[mi];
	nf.macro_idx = mi;
	nf.ref_off = off;
	nf.up = c->fr;
	c->fr = &nf;
	m->state = MAC_EXPANDING;
	if (nf.len > VG_EXPR_TEXT_MAX) {
		fail(c, 0, "macro text longer than %u bytes", VG_EXPR_TEXT_MAX);
		goto out;
	}
	if (lex(c) < 0)
		goto out;
	if (nf.tok.k == T_EOF) {
		fail(c, 0, "empty condition");
		goto out;
	}
	if ((x = p_or(c, &start)) < 0)
		goto out;
	if (nf.tok.k != T_EOF) {
		char buf[64];
		x = fail(c, nf.tok.off, "unexpected %s after the condition",
		    show(&nf, &nf.tok, buf, sizeof(buf)));
		goto out;
	}
	if (need_bool(c, x, start) < 0) {
		x = -1;
		goto out;
	}
	m->state = MAC_DONE;
	m->root = (uint16_t)x;
	m->depth = c->depth_hi - depth0;
	m->chain = c->chain_hi - chain0;
	m->weight = c->weight - weight0;
out:
	c->fr = nf.up;
	c->depth--;
	c->chain--;
	if (dhi > c->depth_hi)
		c->depth_hi = dhi;
	if (chi > c->chain_hi)
		c->chain_hi = chi;
	return x;
}

/* An identifier as a value: field, then named list, then macro. */
static int
p_name(struct ctx *c)
{
	const struct tok t = c->fr->tok;
	const char *s = c->fr->text + t.off;
	const struct vg_expr_env *env = c->env;
	int64_t i;
	int x;

	if ((i = find_field(env, s, t.len)) >= 0)
		x = field_node(c, (size_t)i, t.off);
	else if ((i = find_name(env->list_names, env->n_lists, s, t.len)) >= 0)
		x = list_node(c, (size_t)i, t.off);
	else if ((i = find_name(env->macro_names, env->n_macros, s, t.len)) >= 0)
		x = macro_node(c, (size_t)i, t.off);
	else
		return unknown_name(c, &t);
	if (x < 0 || lex(c) < 0)
		return -1;
	return x;
}

static int
p_list(struct ctx *c)
{
	struct frame *f = c->fr;
	size_t first = c->n_items, open = f->tok.off;
	uint32_t n = 0;
	char buf[64];
	int x;

	if (enter(c, open) < 0 || lex(c) < 0)
		return -1;
	if (f->tok.k != T_RBRACK) {
		for (;;) {
			int64_t o;

			if (f->tok.k != T_STR)
				return fail(c, f->tok.off, "list items must be strings, found %s",
				    show(f, &f->tok, buf, sizeof(buf)));
			if (n == VG_EXPR_LITLIST_MAX)
				return fail(c, f->tok.off, "list literal has more than %u items",
				    VG_EXPR_LITLIST_MAX);
			if ((o = str_token(c)) < 0 || item_add(c, (uint32_t)o) < 0)
				return -1;
			n++;
			if (lex(c) < 0)
				return -1;
			if (f->tok.k == T_RBRACK)
				break;
			if (f->tok.k != T_COMMA)
				return fail(c, f->tok.off, "expected ',' or ']', found %s",
				    show(f, &f->tok, buf, sizeof(buf)));
			if (lex(c) < 0)
				return -1;
		}
	}
	c->depth--;
	if ((x = new_node(c, open, N_LIST, VG_V_LIST)) < 0)
		return -1;
	c->nodes[x].u.list.first = (uint32_t)first;
	c->nodes[x].u.list.n = n;
	if (lex(c) < 0)
		return -1;
	return x;
}

static int
p_operand(struct ctx *c, size_t *start)
{
	struct frame *f = c->fr;
	const struct tok t = f->tok;
	char buf[64];
	int64_t o;
	size_t s2;
	int x;

	*start = t.off;
	switch (t.k) {
	case T_LPAREN:
		if (enter(c, t.off) < 0 || lex(c) < 0 || (x = p_or(c, &s2)) < 0)
			return -1;
		if (f->tok.k != T_RPAREN)
			return fail(c, f->tok.off, "expected ')', found %s",
			    show(f, &f->tok, buf, sizeof(buf)));
		c->depth--;
		break;
	case T_LBRACK:
		return p_list(c);
	case T_IDENT:
		return p_name(c);
	case T_STR:
		if ((x = new_node(c, t.off, N_CONST, VG_V_STR)) < 0 || (o = str_token(c)) < 0)
			return -1;
		c->nodes[x].u.str = (uint32_t)o;
		break;
	case T_INT:
		if ((x = new_node(c, t.off, N_CONST, VG_V_INT)) < 0)
			return -1;
		c->nodes[x].u.i = t.i;
		break;
	case T_DATE:
		if ((x = new_node(c, t.off, N_CONST, VG_V_DATE)) < 0)
			return -1;
		c->nodes[x].u.date = t.date;
		break;
	case T_TRUE:
	case T_FALSE:
		if ((x = new_node(c, t.off, N_CONST, VG_V_BOOL)) < 0)
			return -1;
		c->nodes[x].u.b = t.k == T_TRUE;
		break;
	case T_NULL:
		if ((x = new_node(c, t.off, N_NULL, VG_V_NULL)) < 0)
			return -1;
		break;
	case T_TODAY:
		if ((x = new_node(c, t.off, N_TODAY, VG_V_DATE)) < 0)
			return -1;
		break;
	default:
		return fail(c, t.off, "expected a value, found %s", show(f, &t, buf, sizeof(buf)));
	}
	if (lex(c) < 0)
		return -1;
	return x;
}

/* Static typing of a comparison; "f == null" and "f != null" become exists tests. */
static int
mk_cmp(struct ctx *c, enum op op, size_t opoff, int l, size_t ls, int r, size_t rs)
{
	unsigned lt = c->nodes[l].type, rt = c->nodes[r].type;
	const char *on = op_names[op];
	int x;

	if (lt == VG_V_NULL || rt == VG_V_NULL) {
		int other = lt == VG_V_NULL ? r : l;
		size_t noff = lt == VG_V_NULL ? ls : rs;

		if ((op != OP_EQ && op != OP_NE) || c->nodes[other].kind != N_FIELD)
			return fail(c, noff,
			    "'null' can only be compared with a field, by '==' or '!='");
		if ((x = new_node(c, opoff, N_EXISTS, VG_V_BOOL)) < 0)
			return -1;
		c->nodes[x].a = (uint16_t)other;
		c->nodes[x].neg = op == OP_EQ;
		return x;
	}
	switch (op) {
	case OP_EQ:
	case OP_NE:
		if (lt != rt)
			return fail(c, opoff, "cannot compare %s with %s", type_name(lt),
			    type_name(rt));
		if (lt == VG_V_LIST)
			return fail(c, opoff, "'%s' does not compare lists", on);
		break;
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE:
		if (lt != rt)
			return fail(c, opoff, "cannot compare %s with %s", type_name(lt),
			    type_name(rt));
		if (lt != VG_V_INT && lt != VG_V_DATE)
			return fail(c, opoff, "'%s' needs integers or dates, not %s", on,
			    type_plural(lt));
		break;
	case OP_IN:
	case OP_NOTIN:
		if (lt != VG_V_STR)
			return fail(c, ls, "'%s' needs a string on the left, found %s", on,
			    type_name(lt));
		if (rt != VG_V_LIST)
			return fail(c, rs, "'%s' needs a list on the right, found %s", on,
			    type_name(rt));
		break;
	case OP_CONTAINS:
		if (lt != VG_V_LIST && lt != VG_V_STR)
			return fail(c, ls, "'%s' needs a list or a string on the left, found %s",
			    on, type_name(lt));
		if (rt != VG_V_STR)
			return fail(c, rs, "'%s' needs a string on the right, found %s", on,
			    type_name(rt));
		break;
	case OP_STARTSWITH:
	case OP_GLOB:
		if (lt != VG_V_STR)
			return fail(c, ls, "'%s' needs a string on the left, found %s", on,
			    type_name(lt));
		if (rt != VG_V_STR)
			return fail(c, rs, "'%s' needs a string on the right, found %s", on,
			    type_name(rt));
		break;
	}
	if ((x = new_node(c, opoff, N_CMP, VG_V_BOOL)) < 0)
		return -1;
	c->nodes[x].op = (uint8_t)op;
	c->nodes[x].a = (uint16_t)l;
	c->nodes[x].b = (uint16_t)r;
	return x;
}

static bool
is_cmp_tok(enum tk k)
{
	return (k >= T_EQ && k <= T_GE) || k == T_IN || k == T_NOT || k == T_CONTAINS ||
	    k == T_STARTSWITH || k == T_GLOB;
}

static int
no_chain(struct ctx *c)
{
	if (is_cmp_tok(c->fr->tok.k))
		return fail(c, c->fr->tok.off, "comparisons do not chain; join them with 'and'");
	return 0;
}

static int
p_cmp(struct ctx *c, size_t *start)
{
	struct frame *f = c->fr;
	char buf[64];
	size_t opoff, rs;
	enum op op;
	int l, r, x;

	*start = f->tok.off;
	if (f->tok.k == T_EXISTS) {
		const char *s;
		size_t off = f->tok.off;
		int64_t fi;

		if (lex(c) < 0)
			return -1;
		s = f->text + f->tok.off;
		if (f->tok.k != T_IDENT)
			return fail(c, f->tok.off, "'exists' takes a field, found %s",
			    show(f, &f->tok, buf, sizeof(buf)));
		if ((fi = find_field(c->env, s, f->tok.len)) < 0) {
			if (find_name(c->env->list_names, c->env->n_lists, s, f->tok.len) >= 0 ||
			    find_name(c->env->macro_names, c->env->n_macros, s, f->tok.len) >= 0)
				return fail(c, f->tok.off, "'exists' takes a field, found %s",
				    show(f, &f->tok, buf, sizeof(buf)));
			return unknown_name(c, &f->tok);
		}
		if ((l = field_node(c, (size_t)fi, f->tok.off)) < 0 ||
		    (x = new_node(c, off, N_EXISTS, VG_V_BOOL)) < 0)
			return -1;
		c->nodes[x].a = (uint16_t)l;
		if (lex(c) < 0 || no_chain(c) < 0)
			return -1;
		return x;
	}
	if ((l = p_operand(c, start)) < 0)
		return -1;
	opoff = f->tok.off;
	switch (f->tok.k) {
	case T_EQ: op = OP_EQ; break;
	case T_NE: op = OP_NE; break;
	case T_LT: op = OP_LT; break;
	case T_LE: op = OP_LE; break;
	case T_GT: op = OP_GT; break;
	case T_GE: op = OP_GE; break;
	case T_IN: op = OP_IN; break;
	case T_CONTAINS: op = OP_CONTAINS; break;
	case T_STARTSWITH: op = OP_STARTSWITH; break;
	case T_GLOB: op = OP_GLOB; break;
	case T_NOT:
		if (lex(c) < 0)
			return -1;
		if (f->tok.k != T_IN)
			return fail(c, f->tok.off, "expected 'in' after 'not', found %s",
			    show(f, &f->tok, buf, sizeof(buf)));
		op = OP_NOTIN;
		break;
	case T_IDENT:
		return fail(c, f->tok.off, "unknown operator %s",
		    show(f, &f->tok, buf, sizeof(buf)));
	case T_STR:
	case T_INT:
	case T_DATE:
	case T_TRUE:
	case T_FALSE:
	case T_NULL:
	case T_TODAY:
	case T_LPAREN:
	case T_LBRACK:
	case T_EXISTS:
		return fail(c, f->tok.off, "expected an operator, found %s",
		    show(f, &f->tok, buf, sizeof(buf)));
	default:
		return l;
	}
	if (lex(c) < 0 || (r = p_operand(c, &rs)) < 0)
		return -1;
	if ((x = mk_cmp(c, op, opoff, l, *start, r, rs)) < 0 || no_chain(c) < 0)
		return -1;
	return x;
}

static int
p_not(struct ctx *c, size_t *start)
{
	struct frame *f = c->fr;
	size_t off = f->tok.off, s;
	int x, y;

	if (f->tok.k != T_NOT)
		return p_cmp(c, start);
	*start = off;
	if (enter(c, off) < 0 || lex(c) < 0 || (x = p_not(c, &s)) < 0 || need_bool(c, x, s) < 0)
		return -1;
	c->depth--;
	if ((y = new_node(c, off, N_NOT, VG_V_BOOL)) < 0)
		return -1;
	c->nodes[y].a = (uint16_t)x;
	return y;
}

/* a and b and c (or a or b or c): one n-ary node; operands wait on a stack meanwhile. */
static int
p_chain(struct ctx *c, size_t *start, enum tk sep)
{
	struct frame *f = c->fr;
	size_t base = c->n_stk, s, n;
	int x;

	x = sep == T_OR ? p_chain(c, start, T_AND) : p_not(c, start);
	if (x < 0 || f->tok.k != sep)
		return x;
	s = *start;
	for (;;) {
		if (need_bool(c, x, s) < 0)
			return -1;
		if (c->n_stk == VG_EXPR_NODES_MAX)
			return fail(c, s, "condition has more than %u nodes", VG_EXPR_NODES_MAX);
		c->stk[c->n_stk++] = (uint16_t)x;
		if (f->tok.k != sep)
			break;
		if (lex(c) < 0)
			return -1;
		x = sep == T_OR ? p_chain(c, &s, T_AND) : p_not(c, &s);
		if (x < 0)
			return -1;
	}
	n = c->n_stk - base;
	if (n > VG_EXPR_NODES_MAX - c->n_kids)
		return fail(c, *start, "condition has more than %u nodes", VG_EXPR_NODES_MAX);
	if ((x = new_node(c, *start, sep == T_OR ? N_OR : N_AND, VG_V_BOOL)) < 0)
		return -1;
	c->nodes[x].a = (uint16_t)c->n_kids;
	c->nodes[x].b = (uint16_t)n;
	memcpy(c->kids + c->n_kids, c->stk + base, n * sizeof(*c->kids));
	c->n_kids += n;
	c->n_stk = base;
	return x;
}

static int
p_or(struct ctx *c, size_t *start)
{
	return p_chain(c, start, T_OR);
}

static int
cmp_str(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y);
}

static size_t
round_up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

/* Moves the result into one block; constant lists are sorted there for binary search. */
static struct vg_expr *
finish(struct ctx *c, int root)
{
	size_t o_nodes = round_up(sizeof(struct vg_expr), _Alignof(max_align_t));
	size_t o_items = round_up(o_nodes + c->n_nodes * sizeof(struct node), _Alignof(char *));
	size_t o_kids = o_items + c->n_items * sizeof(char *);
	size_t o_pool = o_kids + c->n_kids * sizeof(uint16_t);
	size_t total = o_pool + c->n_pool;
	struct vg_expr *e;
	char *pool;
	void *p;

	if ((e = malloc(total)) == NULL) {
		oom(c);
		return NULL;
	}
	p = (char *)e + o_nodes;
	memcpy(p, c->nodes, c->n_nodes * sizeof(struct node));
	e->nodes = p;
	e->n_nodes = c->n_nodes;
	e->root = (uint16_t)root;
	p = (char *)e + o_kids;
	if (c->n_kids > 0)
		memcpy(p, c->kids, c->n_kids * sizeof(uint16_t));
	e->kids = p;
	pool = (char *)e + o_pool;
	if (c->n_pool > 0)
		memcpy(pool, c->pool, c->n_pool);
	e->pool = pool;
	p = (char *)e + o_items;
	e->items = p;
	for (size_t i = 0; i < c->n_items; i++)
		e->items[i] = pool + c->items[i];
	for (size_t i = 0; i < e->n_nodes; i++)
		if (e->nodes[i].kind == N_LIST && e->nodes[i].u.list.n > 1)
			qsort(e->items + e->nodes[i].u.list.first, e->nodes[i].u.list.n,
			    sizeof(char *), cmp_str);
	return e;
}

static struct vg_expr *
compile(const char *text, const struct vg_expr_env *env, const char *name, unsigned line,
    unsigned col, const struct vg_ynode *node, struct vg_err *err)
{
	static const struct vg_expr_env none;
	struct vg_err scratch;
	struct ctx c;
	struct frame top;
	struct vg_expr *e = NULL;
	size_t start;
	int x;

	memset(&c, 0, sizeof(c));
	memset(&top, 0, sizeof(top));
	c.env = env != NULL ? env : &none;
	c.name = name != NULL ? name : "?";
	c.line = line;
	c.col = col;
	c.node = node;
	c.err = err != NULL ? err : &scratch;
	c.err->msg[0] = '\0';
	top.text = text != NULL ? text : "";
	top.len = strnlen(top.text, VG_EXPR_TEXT_MAX + 1);
	c.fr = &top;
	if (top.len > VG_EXPR_TEXT_MAX) {
		fail(&c, 0, "condition longer than %u bytes", VG_EXPR_TEXT_MAX);
		return NULL;
	}
	c.nodes = malloc(VG_EXPR_NODES_MAX * sizeof(*c.nodes));
	c.kids = malloc(VG_EXPR_NODES_MAX * sizeof(*c.kids));
	c.stk = malloc(VG_EXPR_NODES_MAX * sizeof(*c.stk));
	c.mac = calloc(c.env->n_macros > 0 ? c.env->n_macros : 1, sizeof(*c.mac));
	c.lst = malloc((c.env->n_lists > 0 ? c.env->n_lists : 1) * sizeof(*c.lst));
	if (c.nodes == NULL || c.kids == NULL || c.stk == NULL || c.mac == NULL || c.lst == NULL) {
		oom(&c);
		goto out;
	}
	for (size_t i = 0; i < c.env->n_lists; i++)
		c.lst[i] = -1;
	if (lex(&c) < 0)
		goto out;
	if (top.tok.k == T_EOF) {
		fail(&c, 0, "empty condition");
		goto out;
	}
	if ((x = p_or(&c, &start)) < 0)
		goto out;
	if (top.tok.k != T_EOF) {
		char buf[64];
		fail(&c, top.tok.off, "unexpected %s after the condition",
		    show(&top, &top.tok, buf, sizeof(buf)));
		goto out;
	}
	if (need_bool(&c, x, start) < 0)
		goto out;
	e = finish(&c, x);
out:
	free(c.nodes);
	free(c.kids);
	free(c.stk);
	free(c.mac);
	free(c.lst);
	free(c.items);
	free(c.pool);
	return e;
}

struct vg_expr *
vg_expr_compile(const char *text, const struct vg_expr_env *env, const char *name,
    unsigned line, unsigned col, struct vg_err *err)
{
	return compile(text, env, name, line, col, NULL, err);
}

struct vg_expr *
vg_expr_compile_node(const struct vg_ynode *node, const struct vg_expr_env *env,
    const char *name, struct vg_err *err)
{
	return compile(node->str, env, name, node->line, node->col, node, err);
}

void
vg_expr_free(struct vg_expr *e)
{
	free(e);
}

size_t
vg_expr_nodes(const struct vg_expr *e)
{
	return e != NULL ? e->n_nodes : 0;
}

/* ---- evaluation: no allocation, recursion bounded by the depth cap */

struct ev {
	const struct vg_expr *e;
	vg_expr_get_fn get;
	void *arg;
	int32_t today;
};

static bool ev_bool(const struct ev *x, uint16_t i);

static void
ev_val(const struct ev *x, uint16_t i, struct vg_val *v)
{
	const struct node *n = &x->e->nodes[i];

	memset(v, 0, sizeof(*v));
	v->t = VG_V_NULL;
	switch (n->kind) {
	case N_CONST:
		v->t = (enum vg_vtype)n->type;
		if (n->type == VG_V_BOOL)
			v->u.b = n->u.b;
		else if (n->type == VG_V_INT)
			v->u.i = n->u.i;
		else if (n->type == VG_V_DATE)
			v->u.date = n->u.date;
		else
			v->u.s = x->e->pool + n->u.str;
		break;
	case N_TODAY:
		v->t = VG_V_DATE;
		v->u.date = x->today;
		break;
	case N_LIST:
		v->t = VG_V_LIST;
		v->u.list.items = x->e->items + n->u.list.first;
		v->u.list.n = n->u.list.n;
		break;
	case N_FIELD:
		x->get(x->arg, n->u.field, v);
		/* A value of another type than declared is the caller's bug: treat as absent. */
		if (v->t != (enum vg_vtype)n->type || (v->t == VG_V_STR && v->u.s == NULL) ||
		    (v->t == VG_V_LIST && v->u.list.items == NULL && v->u.list.n > 0))
			v->t = VG_V_NULL;
		break;
	case N_NULL:
		break;
	default:
		v->t = VG_V_BOOL;
		v->u.b = ev_bool(x, i);
		break;
	}
}

/* Constant lists are sorted at compile time; lists from the subject are scanned. */
static bool
list_has(const struct node *ln, const struct vg_val *lv, const char *s)
{
	if (ln->kind == N_LIST)
		return bsearch(&s, lv->u.list.items, lv->u.list.n, sizeof(char *), cmp_str) != NULL;
	for (size_t i = 0; i < lv->u.list.n; i++)
		if (lv->u.list.items[i] != NULL && strcmp(lv->u.list.items[i], s) == 0)
			return true;
	return false;
}

static int
order(const struct vg_val *l, const struct vg_val *r)
{
	if (l->t == VG_V_INT)
		return (l->u.i > r->u.i) - (l->u.i < r->u.i);
	return (l->u.date > r->u.date) - (l->u.date < r->u.date);
}

static bool
equal(const struct vg_val *l, const struct vg_val *r)
{
	switch (l->t) {
	case VG_V_BOOL:
		return l->u.b == r->u.b;
	case VG_V_INT:
		return l->u.i == r->u.i;
	case VG_V_DATE:
		return l->u.date == r->u.date;
	case VG_V_STR:
		return strcmp(l->u.s, r->u.s) == 0;
	default:
		return false;
	}
}

static bool
ev_cmp(const struct ev *x, const struct node *n)
{
	const struct node *nodes = x->e->nodes;
	struct vg_val l, r;

	ev_val(x, n->a, &l);
	ev_val(x, n->b, &r);
	/* Anything compared with an absent field is false, != included. */
	if (l.t == VG_V_NULL || r.t == VG_V_NULL)
		return false;
	switch (n->op) {
	case OP_EQ:
		return equal(&l, &r);
	case OP_NE:
		return !equal(&l, &r);
	case OP_LT:
		return order(&l, &r) < 0;
	case OP_LE:
		return order(&l, &r) <= 0;
	case OP_GT:
		return order(&l, &r) > 0;
	case OP_GE:
		return order(&l, &r) >= 0;
	case OP_IN:
		return list_has(&nodes[n->b], &r, l.u.s);
	case OP_NOTIN:
		return !list_has(&nodes[n->b], &r, l.u.s);
	case OP_CONTAINS:
		if (l.t == VG_V_LIST)
			return list_has(&nodes[n->a], &l, r.u.s);
		return strstr(l.u.s, r.u.s) != NULL;
	case OP_STARTSWITH:
		return strncmp(l.u.s, r.u.s, strlen(r.u.s)) == 0;
	case OP_GLOB:
		return fnmatch(r.u.s, l.u.s, 0) == 0;
	default:
		return false;
	}
}

static bool
ev_bool(const struct ev *x, uint16_t i)
{
	const struct node *n = &x->e->nodes[i];
	struct vg_val v;

	switch (n->kind) {
	case N_CONST:
		return n->u.b;
	case N_FIELD:
		ev_val(x, i, &v);
		return v.t == VG_V_BOOL && v.u.b;
	case N_AND:
		for (uint16_t k = 0; k < n->b; k++)
			if (!ev_bool(x, x->e->kids[n->a + k]))
				return false;
		return true;
	case N_OR:
		for (uint16_t k = 0; k < n->b; k++)
			if (ev_bool(x, x->e->kids[n->a + k]))
				return true;
		return false;
	case N_NOT:
		return !ev_bool(x, n->a);
	case N_EXISTS:
		ev_val(x, n->a, &v);
		return (v.t != VG_V_NULL) != (n->neg != 0);
	case N_CMP:
		return ev_cmp(x, n);
	default:
		return false;
	}
}

bool
vg_expr_eval(const struct vg_expr *e, vg_expr_get_fn get, void *arg, int32_t today)
{
	struct ev x;

	if (e == NULL || get == NULL)
		return false;
	x.e = e;
	x.get = get;
	x.arg = arg;
	x.today = today;
	return ev_bool(&x, e->root);
}
