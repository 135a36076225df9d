/* witness.c - reads a log collected away from the store (a witness) into events and checkpoints. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chain.h"
#include "out_syslog.h"
#include "policy_expr.h"
#include "witness.h"

#define SD_NAME_MAX 32           /* RFC 5424 section 6: SD-NAME = 1*32PRINTUSASCII */
#define PRIVAL_MAX 191
#define HOSTNAME_MAX 255
#define APPNAME_MAX 48
#define PROCID_MAX 128
#define MSGID_MAX 32
#define SECFRAC_MAX 6
#define SEQ_DIGITS_MAX 20        /* UINT64_MAX has 20 digits */
#define TS_LEN 27                /* "2026-01-02T03:04:05.000006Z" */
#define BUF_CAP (VG_WITNESS_LINE_MAX + 2) /* a longest line and its CRLF */
#define BUF_START (64u * 1024)   /* most lines are short: grown up to BUF_CAP on demand */
#define CKPT_TYPE "checkpoint"

#define SD_VIGIE "vigie@" VG_SYSLOG_PEN
#define SD_CKPT "checkpoint@" VG_SYSLOG_PEN
#define MARKER "[" SD_VIGIE      /* vigie's element, wherever a broken message has it */

_Static_assert(sizeof(CKPT_TYPE) <= VG_EVENT_TYPE_MAX, "checkpoint type does not fit");
_Static_assert(VG_WITNESS_LINE_MAX < 1000000000u, "a frame's count must fit its digits");

/* The fields the three forms share, by what they mean. */
enum field {
	F_STORE,
	F_SEQ,
	F_TYPE,
	F_HASH,
	F_PREV,
	F_TRUNCATED,
	F_TS,
	F_KEY,
	F_SIG,
	F_N,
};

struct value {
	bool set;
	const char *p;           /* not NUL-terminated; may hold NUL */
	size_t n;
	bool is_int;             /* a JSON integer: i holds it, p is NULL */
	json_int_t i;
};

/* One parse: where errors go and what was found. */
struct ctx {
	const char *name;
	unsigned long lineno;
	struct vg_err *err;
	struct vg_witness_item *it;
	enum vg_witness_form form;
	struct value v[F_N];
	/* RFC 5424 values are unescaped into these. */
	char buf[F_N][VG_WITNESS_VALUE_MAX];
};

static const char *const names_5424[F_N] = {
	SD_VIGIE " store", SD_VIGIE " seq", SD_VIGIE " type", SD_VIGIE " hash",
	SD_VIGIE " prev", SD_VIGIE " truncated", SD_CKPT " ts", SD_CKPT " key", SD_CKPT " sig",
};
static const char *const names_ng[F_N] = {
	"vigie.store", "vigie.seq", "vigie.type", "vigie.hash", "vigie.prev", "vigie.truncated",
	"checkpoint.ts", "checkpoint.key", "checkpoint.sig",
};
static const char *const names_jsonl[F_N] = {
	"store", "seq", "type", "hash", "prev", "truncated", "ts", "key", "sig",
};

static int
fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Always -1, so a parser can `return fail(...)`. In the message (the name is the caller's),
 * bytes outside printable ASCII become '?'.
 */
static int
fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *m = c->err->msg;
	int n = snprintf(m, sizeof(c->err->msg), "%s:%lu: ", c->name, c->lineno);

	if (n < 0 || (size_t)n >= sizeof(c->err->msg))
		return -1;
	va_start(ap, fmt);
	vsnprintf(m + n, sizeof(c->err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	for (m += n; *m != '\0'; m++)
		if ((unsigned char)*m < ' ' || (unsigned char)*m > '~')
			*m = '?';
	return -1;
}

static const char *
field_name(const struct ctx *c, enum field f)
{
	if (c->form == VG_WITNESS_RFC5424)
		return names_5424[f];
	if (c->form == VG_WITNESS_SYSLOG_NG)
		return names_ng[f];
	if (f == F_HASH && c->it->kind == VG_WITNESS_CHECKPOINT)
		return "head";
	return names_jsonl[f];
}

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool
value_is(const struct value *v, const char *s)
{
	size_t n = strlen(s);

	return v->set && v->p != NULL && v->n == n && memcmp(v->p, s, n) == 0;
}

/* ---- field checks, common to every form */

static int
check_hex(struct ctx *c, enum field f, uint8_t *out, size_t n)
{
	const struct value *v = &c->v[f];

	if (!v->set)
		return fail(c, "%s: missing", field_name(c, f));
	if (v->p == NULL)
		return fail(c, "%s: not a string", field_name(c, f));
	if (!vg_unhex(v->p, v->n, out, n))
		return fail(c, "%s: not %zu hex digits", field_name(c, f), 2 * n);
	return 0;
}

static int
check_seq(struct ctx *c)
{
	const struct value *v = &c->v[F_SEQ];
	const char *what = field_name(c, F_SEQ);
	uint64_t seq = 0;

	if (!v->set)
		return fail(c, "%s: missing", what);
	if (v->is_int) {
		if (v->i <= 0)
			return fail(c, "%s: not a positive integer", what);
		c->it->seq = (uint64_t)v->i;
		return 0;
	}
	if (v->p == NULL)
		return fail(c, "%s: not %s", what,
		    c->form == VG_WITNESS_JSONL ? "an integer" : "a string or an integer");
	if (v->n == 0 || v->n > SEQ_DIGITS_MAX)
		return fail(c, "%s: not a decimal number of 1 to %d digits", what, SEQ_DIGITS_MAX);
	for (size_t i = 0; i < v->n; i++) {
		unsigned d;

		if (!is_digit(v->p[i]))
			return fail(c, "%s: not a decimal number", what);
		d = (unsigned)(v->p[i] - '0');
		if (seq > (UINT64_MAX - d) / 10)
			return fail(c, "%s: over 2^64 - 1", what);
		seq = seq * 10 + d;
	}
	if (v->n > 1 && v->p[0] == '0')
		return fail(c, "%s: leading zero", what);
	if (seq == 0)
		return fail(c, "%s: zero (sequence numbers start at 1)", what);
	c->it->seq = seq;
	return 0;
}

static int
check_type(struct ctx *c)
{
	const struct value *v = &c->v[F_TYPE];
	const char *what = field_name(c, F_TYPE);

	if (!v->set)
		return fail(c, "%s: missing", what);
	if (v->p == NULL)
		return fail(c, "%s: not a string", what);
	if (v->n == 0 || v->n >= VG_EVENT_TYPE_MAX)
		return fail(c, "%s: not 1 to %d characters", what, VG_EVENT_TYPE_MAX - 1);
	for (size_t i = 0; i < v->n; i++)
		if (!(v->p[i] >= 'a' && v->p[i] <= 'z') && v->p[i] != '_' &&
		    !(i > 0 && is_digit(v->p[i])))
			return fail(c, "%s: not a type name ([a-z_][a-z0-9_]*)", what);
	memcpy(c->it->type, v->p, v->n);
	c->it->type[v->n] = '\0';
	return 0;
}

static unsigned
digits(const char *s, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

/* Exactly "YYYY-MM-DDTHH:MM:SS.uuuuuuZ", a real date from 1970 on; false otherwise. */
static bool
parse_ts(const char *s, size_t n, uint64_t *us)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
	unsigned h, mi, sec, frac;
	char date[11];
	int32_t days;

	if (n != TS_LEN)
		return false;
	for (size_t i = 0; i < TS_LEN; i++)
		if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i])
			return false;
	/* The date as policies read theirs: 1970 on, real days only. */
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!vg_date_parse(date, &days))
		return false;
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	frac = digits(s + 20, 6);
	if (h > 23 || mi > 59 || sec > 59)
		return false;
	*us = ((uint64_t)days * 86400u + h * 3600u + mi * 60u + sec) * 1000000u + frac;
	return true;
}

static int
check_ts(struct ctx *c, uint64_t *us)
{
	const struct value *v = &c->v[F_TS];

	if (!v->set)
		return fail(c, "%s: missing", field_name(c, F_TS));
	if (v->p == NULL)
		return fail(c, "%s: not a string", field_name(c, F_TS));
	if (!parse_ts(v->p, v->n, us))
		return fail(c, "%s: not an RFC 3339 UTC time with microseconds",
		    field_name(c, F_TS));
	return 0;
}

/* The checkpoint's own fields; the common ones are in the item already. */
static int
build_ckpt(struct ctx *c)
{
	struct vg_witness_item *it = c->it;
	struct vg_checkpoint *k = &it->ckpt;
	uint8_t id[VG_KEY_ID_HEX / 2];

	if (check_ts(c, &k->ts_us) < 0 || check_hex(c, F_SIG, k->sig, VG_SIG_LEN) < 0 ||
	    check_hex(c, F_KEY, id, sizeof(id)) < 0)
		return -1;
	vg_hex(id, sizeof(id), k->key_id);
	k->seq = it->seq;
	memcpy(k->head, it->hash, VG_HASH_LEN);
	memcpy(k->store_id, it->store_id, VG_STORE_ID_LEN);
	return 1;
}

/* Fills the item from c->v once a form has found its fields. */
static int
build_item(struct ctx *c)
{
	struct vg_witness_item *it = c->it;
	const struct value *tr = &c->v[F_TRUNCATED];

	it->form = c->form;
	if (check_type(c) < 0)
		return -1;
	it->kind = strcmp(it->type, CKPT_TYPE) == 0 ? VG_WITNESS_CHECKPOINT : VG_WITNESS_EVENT;
	if (check_hex(c, F_STORE, it->store_id, VG_STORE_ID_LEN) < 0 || check_seq(c) < 0 ||
	    check_hex(c, F_HASH, it->hash, VG_HASH_LEN) < 0)
		return -1;
	if (tr->set) {
		if (!value_is(tr, "1"))
			return fail(c, "%s: not \"1\"", field_name(c, F_TRUNCATED));
		it->truncated = true;
	}
	if (it->kind == VG_WITNESS_EVENT) {
		uint64_t us;

		if (check_hex(c, F_PREV, it->prev, VG_HASH_LEN) < 0)
			return -1;
		if (c->v[F_TS].set && check_ts(c, &us) < 0)
			return -1;
		return 1;
	}
	return build_ckpt(c);
}

/* ---- JSON: the syslog-ng form and vigie's JSON-lines form */

/* Takes member key of o into field f; a missing member leaves it unset. */
static void
take(struct ctx *c, const json_t *o, const char *key, enum field f, bool int_ok)
{
	const json_t *j = o != NULL ? json_object_get(o, key) : NULL;
	struct value *v = &c->v[f];

	if (j == NULL)
		return;
	v->set = true;
	if (json_is_string(j)) {
		v->p = json_string_value(j);
		v->n = json_string_length(j);
	} else if (int_ok && json_is_integer(j)) {
		v->is_int = true;
		v->i = json_integer_value(j);
	}
}

/* Everything before " near '...'": jansson quotes the input there. */
static void
jansson_reason(const char *text, char *out, size_t len)
{
	const char *near = strstr(text, " near '");
	size_t n = near != NULL ? (size_t)(near - text) : strlen(text);

	if (n >= len)
		n = len - 1;
	memcpy(out, text, n);
	out[n] = '\0';
}

/* A JSON object; lead blanks came before it on the line. */
static int
parse_json(struct ctx *c, const char *line, size_t len, size_t lead)
{
	json_error_t je;
	json_t *root, *vig, *ck, *msgid;
	char reason[sizeof(je.text)];
	int rc;

	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		jansson_reason(je.text, reason, sizeof(reason));
		/* jansson's position counts the bytes it read, the offending one included. */
		return fail(c, "not valid JSON at column %zu: %s",
		    lead + (je.position > 0 ? (size_t)je.position : 1), reason);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return 0;
	}
	if ((vig = json_object_get(root, "vigie")) != NULL) {
		c->form = VG_WITNESS_SYSLOG_NG;
		if (!json_is_object(vig)) {
			rc = fail(c, "vigie: not an object");
			goto out;
		}
		take(c, vig, "store", F_STORE, false);
		take(c, vig, "seq", F_SEQ, true);
		take(c, vig, "type", F_TYPE, false);
		take(c, vig, "hash", F_HASH, false);
		take(c, vig, "prev", F_PREV, false);
		take(c, vig, "truncated", F_TRUNCATED, false);
		ck = json_object_get(root, "checkpoint");
		if (ck != NULL && !json_is_object(ck)) {
			rc = fail(c, "checkpoint: not an object");
			goto out;
		}
		take(c, ck, "ts", F_TS, false);
		take(c, ck, "key", F_KEY, false);
		take(c, ck, "sig", F_SIG, false);
		msgid = json_object_get(root, "msgid");
		if (msgid != NULL && !json_is_string(msgid)) {
			rc = fail(c, "msgid: not a string");
			goto out;
		}
		if ((rc = build_item(c)) == 1 && msgid != NULL &&
		    strcmp(json_string_value(msgid), c->it->type) != 0)
			rc = fail(c, "msgid: differs from vigie.type");
	} else if (json_object_get(root, "store") != NULL) {
		const json_t *data = json_object_get(root, "data");

		c->form = VG_WITNESS_JSONL;
		take(c, root, "store", F_STORE, false);
		take(c, root, "seq", F_SEQ, true);
		take(c, root, "type", F_TYPE, false);
		take(c, root, "prev", F_PREV, false);
		take(c, root, "ts", F_TS, false);
		take(c, root, "key", F_KEY, false);
		take(c, root, "sig", F_SIG, false);
		/* A checkpoint names its hash "head"; the item kind picks the name in messages. */
		c->it->kind = value_is(&c->v[F_TYPE], CKPT_TYPE) ? VG_WITNESS_CHECKPOINT :
		    VG_WITNESS_EVENT;
		take(c, root, c->it->kind == VG_WITNESS_CHECKPOINT ? "head" : "hash", F_HASH,
		    false);
		/* The contract writes a number: a string is refused. */
		if (c->v[F_SEQ].set && c->v[F_SEQ].p != NULL)
			c->v[F_SEQ].p = NULL;
		if (data != NULL && !json_is_object(data))
			rc = fail(c, "data: not an object");
		else
			rc = build_item(c);
	} else {
		rc = 0;
	}
out:
	json_decref(root);
	return rc;
}

/* ---- RFC 5424 (section 6) */

struct sys {
	const char *s;
	size_t n, off;
	size_t col0;         /* columns of the line before s, a frame's count */
	const char *why;     /* the syntax error, NULL while there is none */
	size_t why_off;
};

static bool
syn(struct sys *p, const char *why)
{
	if (p->why == NULL) {
		p->why = why;
		p->why_off = p->off;
	}
	return false;
}

static bool
printusascii(char ch)
{
	return ch >= 33 && ch <= 126;
}

static bool
eat(struct sys *p, char ch)
{
	if (p->off >= p->n || p->s[p->off] != ch)
		return false;
	p->off++;
	return true;
}

static bool
sp(struct sys *p)
{
	return eat(p, ' ') || syn(p, "expected a space");
}

/* A header field: NILVALUE or 1*max PRINTUSASCII. */
static bool
token(struct sys *p, size_t max, const char **tok, size_t *len, const char *what)
{
	size_t start = p->off;

	while (p->off < p->n && printusascii(p->s[p->off]) && p->off - start <= max)
		p->off++;
	if (p->off == start || p->off - start > max) {
		p->off = start;
		return syn(p, what);
	}
	*tok = p->s + start;
	*len = p->off - start;
	return true;
}

/* n digits at the cursor, within [lo, hi]. */
static bool
num(struct sys *p, size_t n, unsigned lo, unsigned hi)
{
	unsigned v;

	if (n > p->n - p->off)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(p->s[p->off + i]))
			return false;
	v = digits(p->s + p->off, n);
	if (v < lo || v > hi)
		return false;
	p->off += n;
	return true;
}

/* TIMESTAMP = NILVALUE / FULL-DATE "T" FULL-TIME, the date checked only field by field. */
static bool
timestamp(struct sys *p)
{
	size_t start = p->off;
	bool ok;

	if (eat(p, '-') && (p->off == p->n || p->s[p->off] == ' '))
		return true;
	p->off = start;
	ok = num(p, 4, 0, 9999) && eat(p, '-') && num(p, 2, 1, 12) && eat(p, '-') &&
	    num(p, 2, 1, 31) && eat(p, 'T') && num(p, 2, 0, 23) && eat(p, ':') &&
	    num(p, 2, 0, 59) && eat(p, ':') && num(p, 2, 0, 59);
	if (ok && eat(p, '.')) {
		size_t f = p->off;

		while (p->off < p->n && is_digit(p->s[p->off]) && p->off - f < SECFRAC_MAX + 1)
			p->off++;
		ok = p->off > f && p->off - f <= SECFRAC_MAX;
	}
	if (ok && !eat(p, 'Z'))
		ok = (eat(p, '+') || eat(p, '-')) && num(p, 2, 0, 23) && eat(p, ':') &&
		    num(p, 2, 0, 59);
	if (!ok) {
		p->off = start;
		return syn(p, "bad TIMESTAMP");
	}
	return true;
}

static bool
sd_name_char(char ch)
{
	return printusascii(ch) && ch != '=' && ch != ']' && ch != '"';
}

static bool
sd_name(struct sys *p, const char **name, size_t *len, const char *what)
{
	size_t start = p->off;

	while (p->off < p->n && sd_name_char(p->s[p->off]) && p->off - start <= SD_NAME_MAX)
		p->off++;
	if (p->off == start || p->off - start > SD_NAME_MAX) {
		p->off = start;
		return syn(p, what);
	}
	*name = p->s + start;
	*len = p->off - start;
	return true;
}

static bool
name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(name, s, len) == 0;
}

/* Which field a parameter of a known element fills; F_N for none. */
static enum field
param_field(bool vigie, bool ckpt, const char *name, size_t len)
{
	static const struct {
		const char *name;
		enum field f;
	} vig[] = {
		{ "store", F_STORE }, { "seq", F_SEQ }, { "type", F_TYPE }, { "hash", F_HASH },
		{ "prev", F_PREV }, { "truncated", F_TRUNCATED },
	}, ck[] = {
		{ "ts", F_TS }, { "key", F_KEY }, { "sig", F_SIG },
	};

	if (vigie)
		for (size_t i = 0; i < sizeof(vig) / sizeof(vig[0]); i++)
			if (name_is(name, len, vig[i].name))
				return vig[i].f;
	if (ckpt)
		for (size_t i = 0; i < sizeof(ck) / sizeof(ck[0]); i++)
			if (name_is(name, len, ck[i].name))
				return ck[i].f;
	return F_N;
}

static bool
escapable(char ch)
{
	return ch == '"' || ch == '\\' || ch == ']';
}

/*
 * PARAM-VALUE up to its closing quote (section 6.3.3): \" \\ \] stand for the character, any
 * other backslash is kept with what follows, an unescaped ']' is refused. Into c->buf[f] when
 * f is a field; a value over VG_WITNESS_VALUE_MAX keeps its first bytes and a length one over,
 * which no field accepts.
 */
static bool
param_value(struct sys *p, struct ctx *c, enum field f)
{
	char *out = f < F_N ? c->buf[f] : NULL;
	size_t n = 0;

	for (;;) {
		char ch;

		if (p->off >= p->n)
			return syn(p, "unterminated PARAM-VALUE");
		ch = p->s[p->off];
		if (ch == '"')
			break;
		if (ch == ']')
			return syn(p, "unescaped ']' in PARAM-VALUE");
		if (ch == '\\' && p->n - p->off >= 2 && escapable(p->s[p->off + 1])) {
			p->off++;
			ch = p->s[p->off];
		}
		p->off++;
		if (out != NULL && n < VG_WITNESS_VALUE_MAX)
			out[n] = ch;
		if (n <= VG_WITNESS_VALUE_MAX)
			n++;
	}
	p->off++;
	if (out != NULL) {
		c->v[f].set = true;
		c->v[f].p = out;
		c->v[f].n = n;
	}
	return true;
}

/*
 * STRUCTURED-DATA, fields of vigie's elements into c. *vigie tells whether there was a
 * vigie@PEN element. A repeated SD-ID (section 6.3.2) or a repeated parameter of vigie's
 * elements is refused: which copy would count is anyone's guess.
 */
static bool
structured_data(struct sys *p, struct ctx *c, bool *vigie)
{
	struct {
		const char *p;
		size_t n;
	} ids[VG_WITNESS_SD_ELEMENTS_MAX];
	size_t n_ids = 0;

	*vigie = false;
	if (eat(p, '-'))
		return true;
	if (p->off >= p->n || p->s[p->off] != '[')
		return syn(p, "expected '[' or '-' for STRUCTURED-DATA");
	while (eat(p, '[')) {
		const char *id;
		size_t id_len, n_params = 0;
		bool is_vigie, is_ckpt;

		if (n_ids == VG_WITNESS_SD_ELEMENTS_MAX) {
			p->off--;
			return syn(p, "too many SD-ELEMENTs");
		}
		if (!sd_name(p, &id, &id_len, "bad SD-ID"))
			return false;
		for (size_t i = 0; i < n_ids; i++)
			if (ids[i].n == id_len && memcmp(ids[i].p, id, id_len) == 0) {
				p->off -= id_len;
				return syn(p, "repeated SD-ID");
			}
		ids[n_ids].p = id;
		ids[n_ids++].n = id_len;
		is_vigie = name_is(id, id_len, SD_VIGIE);
		is_ckpt = name_is(id, id_len, SD_CKPT);
		*vigie = *vigie || is_vigie;
		while (eat(p, ' ')) {
			const char *pn;
			size_t pn_len;
			enum field f;

			if (n_params++ == VG_WITNESS_SD_PARAMS_MAX)
				return syn(p, "too many SD-PARAMs");
			if (!sd_name(p, &pn, &pn_len, "bad PARAM-NAME"))
				return false;
			f = param_field(is_vigie, is_ckpt, pn, pn_len);
			if (f < F_N && c->v[f].set) {
				p->off -= pn_len;
				return syn(p, "repeated parameter");
			}
			if (!eat(p, '=') || !eat(p, '"'))
				return syn(p, "expected =\" after PARAM-NAME");
			if (!param_value(p, c, f))
				return false;
		}
		if (!eat(p, ']'))
			return syn(p, "expected ' ' or ']' in SD-ELEMENT");
	}
	return true;
}

/* RFC 5424 message s (len n) of a line where col0 bytes come before it. */
static int
parse_5424(struct ctx *c, const char *line, size_t len, const char *s, size_t n, size_t col0)
{
	struct sys p = { s, n, 0, col0, NULL, 0 };
	const char *tok, *app = NULL, *msgid = NULL;
	size_t tok_len, app_len = 0, msgid_len = 0, pri_start;
	bool vigie = false, claimed = memmem(line, len, MARKER, strlen(MARKER)) != NULL, ok;

	c->form = VG_WITNESS_RFC5424;
	ok = eat(&p, '<') || syn(&p, "expected '<'");
	pri_start = p.off;
	while (ok && p.off < p.n && is_digit(p.s[p.off]) && p.off - pri_start < 4)
		p.off++;
	if (ok && (p.off == pri_start || p.off - pri_start > 3 ||
	    (p.s[pri_start] == '0' && p.off - pri_start > 1) ||
	    digits(p.s + pri_start, p.off - pri_start) > PRIVAL_MAX)) {
		p.off = pri_start;
		ok = syn(&p, "bad PRI");
	}
	ok = ok && (eat(&p, '>') || syn(&p, "expected '>'"));
	/* VERSION 1 only: another version's fields might not mean what they do here. */
	if (ok && !(p.n - p.off >= 2 && p.s[p.off] == '1' && p.s[p.off + 1] == ' '))
		ok = syn(&p, "not VERSION 1");
	ok = ok && eat(&p, '1');
	ok = ok && sp(&p) && timestamp(&p) && sp(&p) &&
	    token(&p, HOSTNAME_MAX, &tok, &tok_len, "bad HOSTNAME") && sp(&p) &&
	    token(&p, APPNAME_MAX, &app, &app_len, "bad APP-NAME");
	if (ok && name_is(app, app_len, "vigie"))
		claimed = true;
	ok = ok && sp(&p) && token(&p, PROCID_MAX, &tok, &tok_len, "bad PROCID") && sp(&p) &&
	    token(&p, MSGID_MAX, &msgid, &msgid_len, "bad MSGID") && sp(&p) &&
	    structured_data(&p, c, &vigie);
	if (ok && p.off < p.n && p.s[p.off] != ' ')
		ok = syn(&p, "expected a space or the end after STRUCTURED-DATA");
	if (!ok)
		return claimed ? fail(c, "RFC 5424 syntax at column %zu: %s",
		    p.col0 + p.why_off + 1, p.why) : 0;
	if (!vigie)
		return 0;
	if (n > VG_SYSLOG_MSG_MAX)
		return fail(c, "message of %zu bytes, over vigie's %d-byte cap", n,
		    VG_SYSLOG_MSG_MAX);
	if (build_item(c) != 1)
		return -1;
	if (!name_is(msgid, msgid_len, c->it->type))
		return fail(c, "MSGID differs from " SD_VIGIE " type");
	return 1;
}

/* "LEN " before '<': an octet-counted frame. Returns the count's digits, 0 when it is not. */
static size_t
frame_count(const char *s, size_t n, unsigned long *count)
{
	size_t i = 0;

	if (n == 0 || s[0] < '1' || s[0] > '9')
		return 0;
	while (i < n && is_digit(s[i]) && i <= VG_WITNESS_COUNT_DIGITS)
		i++;
	if (i > VG_WITNESS_COUNT_DIGITS || n - i < 2 || s[i] != ' ' || s[i + 1] != '<')
		return 0;
	*count = digits(s, i);
	return i;
}

int
vg_witness_parse_line(const char *name, unsigned long lineno, const char *line, size_t len,
    struct vg_witness_item *it, struct vg_err *err)
{
	struct ctx *c;
	size_t lead = 0, nd;
	unsigned long count;
	int rc;

	memset(it, 0, sizeof(*it));
	err->msg[0] = '\0';
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s:%lu: out of memory", name, lineno);
		return -1;
	}
	c->name = name;
	c->lineno = lineno;
	c->err = err;
	c->it = it;
	if (line == NULL)
		len = 0;
	while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
		lead++;
	if (len > VG_WITNESS_LINE_MAX) {
		rc = fail(c, "line longer than %u bytes", VG_WITNESS_LINE_MAX);
	} else if (lead < len && line[lead] == '{') {
		rc = parse_json(c, line + lead, len - lead, lead);
	} else if (len > 0 && line[0] == '<') {
		rc = parse_5424(c, line, len, line, len, 0);
	} else if ((nd = frame_count(line, len, &count)) > 0) {
		/* A wrong count is vigie's error when what is there would be vigie's message. */
		rc = parse_5424(c, line, len, line + nd + 1, len - nd - 1, nd + 1);
		if (rc != 0 && count != len - nd - 1)
			rc = fail(c, "octet count %lu, but %zu bytes follow", count, len - nd - 1);
	} else {
		rc = 0;
	}
	if (rc != 1)
		memset(it, 0, sizeof(*it));
	free(c);
	return rc;
}

/* ---- reading a whole file */

struct reader {
	const char *name;
	FILE *fp;
	char *buf;
	size_t cap;          /* of buf, BUF_START to BUF_CAP */
	size_t start, end;   /* unread bytes */
	bool eof;
	int errnum;          /* of a read error, 0 when there was none */
	unsigned long lineno; /* of buf[start] */
};

/* Makes want bytes available when the file still has them; false when fewer are. */
static bool
need(struct reader *r, size_t want)
{
	while (r->end - r->start < want && !r->eof) {
		size_t got;

		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->end == r->cap) {
			size_t cap = r->cap > BUF_CAP / 2 ? BUF_CAP : 2 * r->cap;
			char *p;

			if (r->cap == BUF_CAP)
				break;
			if ((p = realloc(r->buf, cap)) == NULL) {
				r->errnum = ENOMEM;
				r->eof = true;
				break;
			}
			r->buf = p;
			r->cap = cap;
		}
		errno = 0;
		got = fread(r->buf + r->end, 1, r->cap - r->end, r->fp);
		r->end += got;
		if (got == 0) {
			r->eof = true;
			if (ferror(r->fp))
				r->errnum = errno != 0 ? errno : EIO;
		}
	}
	return r->end - r->start >= want;
}

static void
consume(struct reader *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r->lineno += r->buf[r->start + i] == '\n';
	r->start += n;
}

/* Throws away n bytes, or up to and with the next line end when to_eol, reading as needed. */
static void
discard(struct reader *r, size_t n, bool to_eol)
{
	for (;;) {
		size_t avail, take;
		const char *nl;

		if (!need(r, 1))
			return;
		avail = r->end - r->start;
		if (to_eol) {
			nl = memchr(r->buf + r->start, '\n', avail);
			if (nl != NULL) {
				consume(r, (size_t)(nl - (r->buf + r->start)) + 1);
				return;
			}
			consume(r, avail);
			continue;
		}
		take = n < avail ? n : avail;
		consume(r, take);
		if ((n -= take) == 0)
			return;
	}
}

/* After a frame, the line end that may follow it. */
static void
skip_eol(struct reader *r)
{
	need(r, 2);
	if (r->end - r->start >= 2 && r->buf[r->start] == '\r' && r->buf[r->start + 1] == '\n')
		consume(r, 2);
	else if (r->end > r->start && r->buf[r->start] == '\n')
		consume(r, 1);
}

struct sink {
	vg_witness_item_fn on_item;
	vg_witness_error_fn on_error;
	void *arg;
	struct vg_witness_stats *st;
};

static int
report_error(struct sink *k, const struct vg_err *e)
{
	k->st->errors++;
	if (k->st->errors == 1)
		k->st->first_error = *e;
	return k->on_error != NULL ? k->on_error(k->arg, e) : 0;
}

static int
one(struct reader *r, struct sink *k, const char *rec, size_t n, unsigned long lineno)
{
	struct vg_witness_item it;
	struct vg_err e;
	int rc = vg_witness_parse_line(r->name, lineno, rec, n, &it, &e);

	if (rc < 0)
		return report_error(k, &e);
	if (rc == 0) {
		k->st->skipped++;
		return 0;
	}
	k->st->items++;
	if (it.kind == VG_WITNESS_CHECKPOINT)
		k->st->checkpoints++;
	else
		k->st->events++;
	return k->on_item != NULL ? k->on_item(k->arg, &it) : 0;
}

/* The next line or frame; 1 when there was one, 0 at the end. *rc: a callback's stop value. */
static int
next(struct reader *r, struct sink *k, int *rc)
{
	unsigned long count, at = r->lineno;
	size_t avail, nd;
	const char *nl;
	struct vg_err e;

	if (!need(r, 1))
		return 0;
	k->st->lines++;
	need(r, VG_WITNESS_COUNT_DIGITS + 2);
	avail = r->end - r->start;
	if ((nd = frame_count(r->buf + r->start, avail, &count)) > 0) {
		size_t total = nd + 1 + count;

		if (total > VG_WITNESS_LINE_MAX) {
			snprintf(e.msg, sizeof(e.msg), "%s:%lu: frame of %zu bytes, longer than %u",
			    r->name, at, total, VG_WITNESS_LINE_MAX);
			*rc = report_error(k, &e);
			discard(r, total, false);
		} else {
			need(r, total);
			avail = r->end - r->start;
			if (total > avail)
				total = avail; /* the file ends inside the frame */
			*rc = one(r, k, r->buf + r->start, total, at);
			consume(r, total);
		}
		skip_eol(r);
		return 1;
	}
	for (size_t scanned = 0;;) {
		avail = r->end - r->start;
		nl = memchr(r->buf + r->start + scanned, '\n', avail - scanned);
		if (nl != NULL || r->eof || avail >= BUF_CAP)
			break;
		scanned = avail;
		need(r, avail + 1);
	}
	if (nl == NULL && !r->eof) {
		snprintf(e.msg, sizeof(e.msg), "%s:%lu: line longer than %u bytes", r->name, at,
		    VG_WITNESS_LINE_MAX);
		*rc = report_error(k, &e);
		discard(r, 0, true);
		return 1;
	}
	{
		size_t n = nl != NULL ? (size_t)(nl - (r->buf + r->start)) : avail;
		size_t len = n > 0 && r->buf[r->start + n - 1] == '\r' ? n - 1 : n;

		*rc = one(r, k, r->buf + r->start, len, at);
		consume(r, nl != NULL ? n + 1 : n);
	}
	return 1;
}

int
vg_witness_read_fp(const char *name, FILE *fp, vg_witness_item_fn on_item,
    vg_witness_error_fn on_error, void *arg, struct vg_witness_stats *st, struct vg_err *err)
{
	struct reader r = { name, fp, NULL, BUF_START, 0, 0, false, 0, 1 };
	struct sink k = { on_item, on_error, arg, st };
	int rc = 0;

	memset(st, 0, sizeof(*st));
	if ((r.buf = malloc(BUF_START)) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		return -1;
	}
	while (rc <= 0 && next(&r, &k, &rc) == 1)
		;
	free(r.buf);
	if (rc > 0)
		return rc;
	if (r.errnum != 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", name, strerror(r.errnum));
		return -1;
	}
	return 0;
}

int
vg_witness_read(const char *path, vg_witness_item_fn on_item, vg_witness_error_fn on_error,
    void *arg, struct vg_witness_stats *st, struct vg_err *err)
{
	FILE *fp = fopen(path, "rb");
	int rc;

	if (fp == NULL) {
		memset(st, 0, sizeof(*st));
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = vg_witness_read_fp(path, fp, on_item, on_error, arg, st, err);
	fclose(fp);
	return rc;
}
