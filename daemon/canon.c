/* canon.c - RFC 8785 canonical JSON for the subset of values vigie records. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"

#define MEMBERS_MAX 4096 /* members of one object */
#define MEMBERS_SMALL 32 /* sorted on the stack; larger objects on the heap */

/* Room for n more bytes and a NUL; -1 when out of memory or past VG_CANON_LEN_MAX. */
static int
reserve(struct vg_buf *b, size_t n)
{
	size_t cap;
	char *np;

	if (b->p != NULL && n + 1 <= b->cap - b->len)
		return 0;
	if (n > VG_CANON_LEN_MAX - b->len)
		return -1;
	cap = b->cap != 0 ? b->cap : 512;
	while (n + 1 > cap - b->len)
		cap *= 2;
	if ((np = realloc(b->p, cap)) == NULL)
		return -1;
	b->p = np;
	b->cap = cap;
	return 0;
}

int
vg_buf_add(struct vg_buf *b, const void *p, size_t n)
{
	if (reserve(b, n) != 0)
		return -1;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

void
vg_buf_free(struct vg_buf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* Bytes that JSON.stringify escapes: the C0 controls, '"' and '\\'. */
static const unsigned char needs_escape[256] = {
	[0x00] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x10] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

/* RFC 8785 section 3.2.2.2: JSON.stringify's escapes, lower-case hex, everything else literal. */
static int
put_string(struct vg_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	char *o;

	/* Worst case \u00XX for every byte, and the quotes: written in place, no calls per piece. */
	if (n > (VG_CANON_LEN_MAX - 2) / 6 || reserve(b, 6 * n + 2) != 0)
		return -1;
	o = b->p + b->len;
	*o++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!needs_escape[c]) {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
		}
	}
	*o++ = '"';
	b->len = (size_t)(o - b->p);
	if (b->len > VG_CANON_LEN_MAX)
		return -1;
	*o = '\0';
	return 0;
}

/*
 * The next UTF-16 code unit of a UTF-8 string (jansson has validated it).
 * *pending carries the low surrogate of a supplementary character.
 */
static unsigned
next_unit(const unsigned char **p, const unsigned char *end, unsigned *pending)
{
	unsigned cp;
	const unsigned char *s = *p;

	if (*pending != 0) {
		cp = *pending;
		*pending = 0;
		return cp;
	}
	if (s[0] < 0x80) {
		cp = s[0];
		s += 1;
	} else if ((s[0] & 0xe0) == 0xc0 && end - s >= 2) {
		cp = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		s += 2;
	} else if ((s[0] & 0xf0) == 0xe0 && end - s >= 3) {
		cp = (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		s += 3;
	} else if (end - s >= 4) {
		cp = (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 |
		    (unsigned)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		s += 4;
	} else {
		cp = s[0];
		s = end;
	}
	*p = s;
	if (cp >= 0x10000) {
		cp -= 0x10000;
		*pending = 0xdc00 + (cp & 0x3ff);
		return 0xd800 + (cp >> 10);
	}
	return cp;
}

/*
 * RFC 8785 section 3.2.3: names compared as arrays of UTF-16 code units.
 * UTF-8 bytes sort as code points do, and code points sort as UTF-16 units
 * do unless a supplementary character (lead byte 0xf0..0xf4) meets one of
 * U+E000..U+FFFF (lead 0xee, 0xef); only then are units decoded.
 */
static int
cmp_names(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	const unsigned char *p = (const unsigned char *)x, *q = (const unsigned char *)y;
	const unsigned char *pe, *qe;
	unsigned pp = 0, qp = 0;
	size_t i = 0;

	while (p[i] == q[i] && p[i] != 0)
		i++;
	if (p[i] < 0xee && q[i] < 0xee)
		return p[i] < q[i] ? -1 : p[i] > q[i] ? 1 : 0;
	pe = p + strlen(x);
	qe = q + strlen(y);

	while ((p < pe || pp != 0) && (q < qe || qp != 0)) {
		unsigned u = next_unit(&p, pe, &pp), v = next_unit(&q, qe, &qp);

		if (u != v)
			return u < v ? -1 : 1;
	}
	if (p < pe || pp != 0)
		return 1;
	if (q < qe || qp != 0)
		return -1;
	return 0;
}

struct member {
	const char *name;
	json_t *value;
};

static int
cmp_members(const void *a, const void *b)
{
	return cmp_names(&((const struct member *)a)->name, &((const struct member *)b)->name);
}

/* Objects are small: insertion sort beats qsort's indirection; large ones go to qsort. */
static void
sort_members(struct member *m, size_t n)
{
	size_t i, j;

	if (n > MEMBERS_SMALL) {
		qsort(m, n, sizeof(*m), cmp_members);
		return;
	}
	for (i = 1; i < n; i++) {
		struct member t = m[i];

		for (j = i; j > 0 && cmp_names(&m[j - 1].name, &t.name) > 0; j--)
			m[j] = m[j - 1];
		m[j] = t;
	}
}

static int
put_value(const json_t *v, struct vg_buf *b, unsigned depth, struct vg_err *err)
{
	char num[32];
	int n;

	if (depth > VG_CANON_DEPTH_MAX) {
		snprintf(err->msg, sizeof(err->msg), "nested deeper than %d levels",
		    VG_CANON_DEPTH_MAX);
		return -1;
	}
	switch (json_typeof(v)) {
	case JSON_NULL:
		return vg_buf_add(b, "null", 4);
	case JSON_TRUE:
		return vg_buf_add(b, "true", 4);
	case JSON_FALSE:
		return vg_buf_add(b, "false", 5);
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);

		if (i > VG_CANON_INT_MAX || i < -VG_CANON_INT_MAX) {
			snprintf(err->msg, sizeof(err->msg),
			    "integer %lld is beyond 2^53 and has no canonical form", (long long)i);
			return -1;
		}
		{
			/* By hand: snprintf showed in profiles of the append path. */
			unsigned long long u = i < 0 ? (unsigned long long)-i : (unsigned long long)i;
			char *p = num + sizeof(num);

			do {
				*--p = (char)('0' + u % 10);
				u /= 10;
			} while (u != 0);
			if (i < 0)
				*--p = '-';
			n = (int)(num + sizeof(num) - p);
			return vg_buf_add(b, p, (size_t)n);
		}
	}
	case JSON_REAL:
		snprintf(err->msg, sizeof(err->msg), "a real number cannot be recorded");
		return -1;
	case JSON_STRING:
		return put_string(b, json_string_value(v), json_string_length(v));
	case JSON_ARRAY: {
		size_t i;

		if (vg_buf_add(b, "[", 1) != 0)
			return -1;
		for (i = 0; i < json_array_size(v); i++) {
			if (i > 0 && vg_buf_add(b, ",", 1) != 0)
				return -1;
			if (put_value(json_array_get(v, i), b, depth + 1, err) != 0)
				return -1;
		}
		return vg_buf_add(b, "]", 1);
	}
	case JSON_OBJECT: {
		struct member small[MEMBERS_SMALL], *m = small;
		size_t i, cnt = 0, size = json_object_size(v);
		const char *k;
		json_t *val;
		int rc = 0;

		if (size > MEMBERS_MAX) {
			snprintf(err->msg, sizeof(err->msg), "an object has more than %d members",
			    MEMBERS_MAX);
			return -1;
		}
		if (size > MEMBERS_SMALL && (m = malloc(size * sizeof(*m))) == NULL)
			return -1;
		json_object_foreach((json_t *)v, k, val) {
			if (cnt < size) {
				m[cnt].name = k;
				m[cnt].value = val;
				cnt++;
			}
		}
		sort_members(m, cnt);
		rc = vg_buf_add(b, "{", 1);
		for (i = 0; i < cnt && rc == 0; i++) {
			if (i > 0 && vg_buf_add(b, ",", 1) != 0)
				rc = -1;
			else if (put_string(b, m[i].name, strlen(m[i].name)) != 0 ||
			    vg_buf_add(b, ":", 1) != 0 ||
			    put_value(m[i].value, b, depth + 1, err) != 0)
				rc = -1;
		}
		if (m != small)
			free(m);
		return rc != 0 ? -1 : vg_buf_add(b, "}", 1);
	}
	}
	snprintf(err->msg, sizeof(err->msg), "unknown JSON type");
	return -1;
}

int
vg_canon_json(const json_t *v, struct vg_buf *out, struct vg_err *err)
{
	size_t start = out->len;

	err->msg[0] = '\0';
	if (put_value(v, out, 0, err) == 0)
		return 0;
	if (err->msg[0] == '\0')
		snprintf(err->msg, sizeof(err->msg), "out of memory or over %u bytes",
		    VG_CANON_LEN_MAX);
	out->len = start;
	if (out->p != NULL)
		out->p[start] = '\0';
	return -1;
}
