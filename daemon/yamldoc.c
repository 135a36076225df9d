/* yamldoc.c - libyaml events to a positioned node tree, refusing what our files never need. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"
#include "yamldoc.h"

/* An anchor that an alias may name: only complete nodes, so no alias can make a cycle. */
struct anchor {
	const char *name;
	struct vg_ynode *node;
};

struct vg_ydoc {
	char *name;
	struct vg_ynode *root;
	struct vg_ynode **roots;   /* VG_YDOC_STREAM: every document's root */
	size_t n_roots, cap_roots;
	unsigned flags;
	struct anchor *anchors;    /* VG_YDOC_STREAM: of the current document */
	size_t n_anchors, cap_anchors;
	size_t aliases;
	struct vg_arena arena;
	size_t nodes;
};

/* The input while it is parsed, for the source text of block scalars. */
struct input {
	const char *buf;
	size_t len;
	size_t *lines; /* offset of each line's first byte; built on the first block scalar */
	size_t n_lines;
};

/* A collection being built: its node and the children seen so far. */
struct frame {
	struct vg_ynode *node;
	struct vg_ynode **items;
	size_t n, cap;
	yaml_char_t *anchor_copy;  /* its anchor name, recorded once it is complete */
};

static void *
arena_alloc(struct vg_ydoc *d, size_t n)
{
	return vg_arena_alloc(&d->arena, n);
}

void
vg_ydoc_free(struct vg_ydoc *d)
{
	if (d == NULL)
		return;
	vg_arena_free(&d->arena);
	free(d->roots);
	free(d->anchors);
	free(d->name);
	free(d);
}

size_t
vg_ydoc_n_docs(const struct vg_ydoc *d)
{
	return d->flags & VG_YDOC_STREAM ? d->n_roots : 1;
}

const struct vg_ynode *
vg_ydoc_doc(const struct vg_ydoc *d, size_t i)
{
	if (!(d->flags & VG_YDOC_STREAM))
		return i == 0 ? d->root : NULL;
	return i < d->n_roots ? d->roots[i] : NULL;
}

const struct vg_ynode *
vg_ydoc_root(const struct vg_ydoc *d)
{
	return d->root;
}

const char *
vg_ydoc_name(const struct vg_ydoc *d)
{
	return d->name;
}

static bool
fail_at(struct vg_err *err, const char *name, size_t line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static bool
fail_at(struct vg_err *err, const char *name, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err->msg, sizeof(err->msg), "%s:%zu:%zu: ", name, line, col);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(err->msg))
		vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static struct vg_ynode *
new_node(struct vg_ydoc *d, enum vg_ykind kind, const yaml_mark_t *m)
{
	struct vg_ynode *n;

	if (d->nodes >= VG_YAML_NODES_MAX || (n = arena_alloc(d, sizeof(*n))) == NULL)
		return NULL;
	d->nodes++;
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	return n;
}

/* Adds child to the open collection; a mapping key must be a scalar not seen before. */
static bool
attach(struct vg_ydoc *d, struct frame *f, struct vg_ynode *child, struct vg_err *err)
{
	if (f->node->kind == VG_Y_MAP && f->n % 2 == 0) {
		if (child->kind != VG_Y_SCALAR)
			return fail_at(err, d->name, child->line, child->col,
			    "mapping keys must be plain scalars");
		for (size_t i = 0; i < f->n; i += 2)
			if (strcmp(f->items[i]->str, child->str) == 0)
				return fail_at(err, d->name, child->line, child->col,
				    "duplicate key '%s' (first at line %u)", child->str,
				    f->items[i]->line);
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct vg_ynode **p = realloc(f->items, cap * sizeof(*p));
		if (p == NULL)
			return fail_at(err, d->name, child->line, child->col, "out of memory");
		f->items = p;
		f->cap = cap;
	}
	f->items[f->n++] = child;
	return true;
}

/* Moves a finished collection's children into the arena. */
static bool
close_frame(struct vg_ydoc *d, struct frame *f, struct vg_err *err)
{
	struct vg_ynode *n = f->node;

	if (f->n > 0) {
		if ((n->items = arena_alloc(d, f->n * sizeof(*n->items))) == NULL)
			return fail_at(err, d->name, n->line, n->col, "out of memory");
		memcpy(n->items, f->items, f->n * sizeof(*n->items));
	}
	n->n = n->kind == VG_Y_MAP ? f->n / 2 : f->n;
	free(f->items);
	f->items = NULL;
	return true;
}

static bool
no_anchor_or_tag(struct vg_ydoc *d, const yaml_event_t *ev, const yaml_char_t *anchor,
    const yaml_char_t *tag, struct vg_err *err)
{
	/* Configuration written by others uses anchors and tags; stream mode takes them. */
	if (d->flags & VG_YDOC_STREAM)
		return true;
	if (anchor != NULL)
		return fail_at(err, d->name, ev->start_mark.line + 1, ev->start_mark.column + 1,
		    "anchors are not supported ('&%s')", (const char *)anchor);
	if (tag != NULL)
		return fail_at(err, d->name, ev->start_mark.line + 1, ev->start_mark.column + 1,
		    "tags are not supported ('%s')", (const char *)tag);
	return true;
}

/* Remembers a finished node under its anchor name; a later anchor of the same name wins. */
static bool
add_anchor(struct vg_ydoc *d, const yaml_char_t *name, struct vg_ynode *node, struct vg_err *err)
{
	struct anchor *a;

	if (name == NULL)
		return true;
	if (d->n_anchors == VG_YAML_ANCHORS_MAX)
		return fail_at(err, d->name, node->line, node->col, "more than %u anchors",
		    VG_YAML_ANCHORS_MAX);
	if (d->n_anchors == d->cap_anchors) {
		size_t cap = d->cap_anchors ? d->cap_anchors * 2 : 8;
		if ((a = realloc(d->anchors, cap * sizeof(*a))) == NULL)
			return fail_at(err, d->name, node->line, node->col, "out of memory");
		d->anchors = a;
		d->cap_anchors = cap;
	}
	a = &d->anchors[d->n_anchors++];
	if ((a->name = vg_arena_strdup(&d->arena, (const char *)name)) == NULL)
		return fail_at(err, d->name, node->line, node->col, "out of memory");
	a->node = node;
	return true;
}

static struct vg_ynode *
find_anchor(const struct vg_ydoc *d, const char *name)
{
	for (size_t i = d->n_anchors; i > 0; i--)
		if (strcmp(d->anchors[i - 1].name, name) == 0)
			return d->anchors[i - 1].node;
	return NULL;
}

/* Line starts as libyaml counts them: after LF, CR LF or a lone CR. */
static bool
index_lines(struct input *in)
{
	size_t i, n = 1;

	for (i = 0; i < in->len; i++)
		if (in->buf[i] == '\n' || (in->buf[i] == '\r' &&
		    (i + 1 == in->len || in->buf[i + 1] != '\n')))
			n++;
	if ((in->lines = malloc(n * sizeof(*in->lines))) == NULL)
		return false;
	in->lines[0] = 0;
	in->n_lines = 1;
	for (i = 0; i < in->len; i++)
		if (in->buf[i] == '\n' || (in->buf[i] == '\r' &&
		    (i + 1 == in->len || in->buf[i + 1] != '\n')))
			in->lines[in->n_lines++] = i + 1;
	return true;
}

/* Byte offset in the input of a libyaml mark: its line's start, then column characters. */
static size_t
mark_offset(const struct input *in, const yaml_mark_t *m)
{
	size_t off, c;

	if (m->line >= in->n_lines)
		return in->len;
	off = in->lines[m->line];
	for (c = 0; c < m->column && off < in->len; c++) {
		off++;
		while (off < in->len && ((unsigned char)in->buf[off] & 0xc0) == 0x80)
			off++;
	}
	return off;
}

/* Keeps the source text of a scalar, for vg_ynode_pos(). */
static bool
keep_raw(struct vg_ydoc *d, struct input *in, struct vg_ynode *n, const yaml_mark_t *start,
    const yaml_mark_t *end)
{
	size_t a, b;
	char *r;

	if (in->lines == NULL && !index_lines(in))
		return false;
	a = mark_offset(in, start);
	b = mark_offset(in, end);
	if (b < a)
		b = a;
	if ((r = arena_alloc(d, b - a + 1)) == NULL)
		return false;
	memcpy(r, in->buf + a, b - a);
	r[b - a] = '\0';
	n->raw = r;
	return true;
}

static bool
is_ws(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Advances a position over one character of raw text at *j. */
static void
step(const char *raw, size_t *j, unsigned *line, unsigned *col)
{
	unsigned char ch = (unsigned char)raw[*j];

	(*j)++;
	if (ch == '\n' || (ch == '\r' && raw[*j] != '\n')) {
		(*line)++;
		*col = 1;
		return;
	}
	if (ch == '\r')
		return;
	while (((unsigned char)raw[*j] & 0xc0) == 0x80)
		(*j)++;
	(*col)++;
}

/* Bytes of the UTF-8 character that starts at s (1 for a stray byte). */
static size_t
char_len(const char *s)
{
	size_t n = 1;

	while (s[n] != '\0' && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	return n;
}

void
vg_ynode_pos(const struct vg_ynode *n, size_t off, unsigned *line, unsigned *col)
{
	const char *raw = n->raw, *str = n->str;
	size_t i = 0, j = 0, slen;
	unsigned l = n->line, c = n->col;

	*line = l;
	*col = c;
	if (n->kind != VG_Y_SCALAR || raw == NULL)
		return;
	slen = strlen(str);
	if (off > slen)
		off = slen;
	/* Skip what precedes the text: the quote, or a block header line. */
	if (n->style == '\'' || n->style == '"') {
		step(raw, &j, &l, &c);
	} else if (n->style == '|' || n->style == '>') {
		while (raw[j] != '\0' && raw[j] != '\n' && raw[j] != '\r')
			step(raw, &j, &l, &c);
		if (raw[j] != '\0')
			step(raw, &j, &l, &c);
	}
	/*
	 * Walk str and raw together. Whitespace runs correspond as wholes
	 * (folding, indentation and line breaks change their length only);
	 * escapes take several raw characters for one of str.
	 */
	while (i < off && raw[j] != '\0') {
		if (is_ws((unsigned char)str[i])) {
			size_t end = i;
			while (is_ws((unsigned char)str[end]))
				end++;
			/* Inside the run: point at its first character in the source. */
			if (off < end)
				break;
			i = end;
			while (raw[j] != '\0' && is_ws((unsigned char)raw[j]))
				step(raw, &j, &l, &c);
			continue;
		}
		if (n->style == '"' && raw[j] == '\\') {
			size_t k = 1;
			step(raw, &j, &l, &c);
			if (raw[j] == 'x')
				k = 3;
			else if (raw[j] == 'u')
				k = 5;
			else if (raw[j] == 'U')
				k = 9;
			else if (raw[j] == '\n' || raw[j] == '\r') {
				/* An escaped line break joins lines without a space. */
				while (raw[j] != '\0' && is_ws((unsigned char)raw[j]))
					step(raw, &j, &l, &c);
				continue;
			}
			while (k-- > 0 && raw[j] != '\0')
				step(raw, &j, &l, &c);
			i += char_len(str + i);
			continue;
		}
		if (n->style == '\'' && raw[j] == '\'' && raw[j + 1] == '\'') {
			step(raw, &j, &l, &c);
			step(raw, &j, &l, &c);
			i++;
			continue;
		}
		if (is_ws((unsigned char)raw[j])) {
			/* A run in the source that str does not have (a trimmed line break). */
			while (raw[j] != '\0' && is_ws((unsigned char)raw[j]))
				step(raw, &j, &l, &c);
			continue;
		}
		i += char_len(str + i);
		step(raw, &j, &l, &c);
	}
	/* At a whitespace run of str, skip nothing more: l:c is where the run starts. */
	*line = l;
	*col = c;
}

static bool
add_root(struct vg_ydoc *d, struct vg_ynode *node, struct vg_err *err)
{
	if (d->n_roots == d->cap_roots) {
		size_t cap = d->cap_roots ? d->cap_roots * 2 : 4;
		struct vg_ynode **r = realloc(d->roots, cap * sizeof(*r));
		if (r == NULL)
			return fail_at(err, d->name, node->line, node->col, "out of memory");
		d->roots = r;
		d->cap_roots = cap;
	}
	d->roots[d->n_roots++] = node;
	if (d->root == NULL)
		d->root = node;
	return true;
}

static bool
parse(struct vg_ydoc *d, yaml_parser_t *p, struct input *in, struct vg_err *err)
{
	struct frame stack[VG_YAML_DEPTH_MAX];
	size_t depth = 0, docs = 0;
	yaml_event_t ev;
	struct vg_ynode *node;
	bool ok = true, done = false;

	while (ok && !done) {
		if (!yaml_parser_parse(p, &ev)) {
			/*
			 * A construct left open (a quote, a flow collection) is found at the
			 * end of the input; where it was opened is what the author must fix.
			 */
			const yaml_mark_t *at = p->context != NULL &&
			    p->problem_mark.index >= p->context_mark.index &&
			    p->problem != NULL && strstr(p->problem, "end of stream") != NULL ?
			    &p->context_mark : &p->problem_mark;
			ok = fail_at(err, d->name, at->line + 1, at->column + 1,
			    "%s%s%s", p->problem != NULL ? p->problem : "malformed YAML",
			    p->context != NULL ? " " : "", p->context != NULL ? p->context : "");
			break;
		}
		node = NULL;
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			/* Anchors are local to their document (YAML 1.2, 3.2.2.2). */
			d->n_anchors = 0;
			if (++docs > 1 && !(d->flags & VG_YDOC_STREAM))
				ok = fail_at(err, d->name, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "only one document per file");
			else if (docs > VG_YAML_DOCS_MAX)
				ok = fail_at(err, d->name, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "more than %u documents",
				    VG_YAML_DOCS_MAX);
			break;
		case YAML_ALIAS_EVENT:
			if (!(d->flags & VG_YDOC_STREAM)) {
				ok = fail_at(err, d->name, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "aliases are not supported ('*%s')",
				    (const char *)ev.data.alias.anchor);
				break;
			}
			/*
			 * The alias shares the anchored node: the tree becomes a DAG whose
			 * expansion is bounded by the alias cap and by what readers walk.
			 */
			if (++d->aliases > VG_YAML_ALIASES_MAX)
				ok = fail_at(err, d->name, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "more than %u aliases",
				    VG_YAML_ALIASES_MAX);
			else if ((node = find_anchor(d, (const char *)ev.data.alias.anchor)) == NULL)
				ok = fail_at(err, d->name, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "alias '*%s' names no complete anchor "
				    "before it", (const char *)ev.data.alias.anchor);
			break;
		case YAML_SCALAR_EVENT:
			if (!(ok = no_anchor_or_tag(d, &ev, ev.data.scalar.anchor, ev.data.scalar.tag,
			    err)))
				break;
			if (strlen((const char *)ev.data.scalar.value) != ev.data.scalar.length) {
				ok = fail_at(err, d->name, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "NUL byte in a scalar");
				break;
			}
			if ((node = new_node(d, VG_Y_SCALAR, &ev.start_mark)) == NULL ||
			    (node->str = arena_alloc(d, ev.data.scalar.length + 1)) == NULL) {
				ok = fail_at(err, d->name, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "too many nodes or out of memory");
				break;
			}
			memcpy((char *)node->str, ev.data.scalar.value, ev.data.scalar.length + 1);
			node->quoted = ev.data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
			    ev.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
			switch (ev.data.scalar.style) {
			case YAML_SINGLE_QUOTED_SCALAR_STYLE: node->style = '\''; break;
			case YAML_DOUBLE_QUOTED_SCALAR_STYLE: node->style = '"'; break;
			case YAML_LITERAL_SCALAR_STYLE: node->style = '|'; break;
			case YAML_FOLDED_SCALAR_STYLE: node->style = '>'; break;
			default: node->style = 0; break;
			}
			if (!keep_raw(d, in, node, &ev.start_mark, &ev.end_mark))
				ok = fail_at(err, d->name, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "out of memory");
			else
				ok = add_anchor(d, ev.data.scalar.anchor, node, err);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (ev.type == YAML_SEQUENCE_START_EVENT)
				ok = no_anchor_or_tag(d, &ev, ev.data.sequence_start.anchor,
				    ev.data.sequence_start.tag, err);
			else
				ok = no_anchor_or_tag(d, &ev, ev.data.mapping_start.anchor,
				    ev.data.mapping_start.tag, err);
			if (!ok)
				break;
			if (depth == VG_YAML_DEPTH_MAX) {
				ok = fail_at(err, d->name, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "nested deeper than %d levels",
				    VG_YAML_DEPTH_MAX);
				break;
			}
			node = new_node(d, ev.type == YAML_MAPPING_START_EVENT ? VG_Y_MAP : VG_Y_SEQ,
			    &ev.start_mark);
			if (node == NULL) {
				ok = fail_at(err, d->name, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "too many nodes or out of memory");
				break;
			}
			stack[depth] = (struct frame){ node, NULL, 0, 0, NULL };
			{
				const yaml_char_t *an = ev.type == YAML_SEQUENCE_START_EVENT ?
				    ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;
				if (an != NULL &&
				    (stack[depth].anchor_copy = (yaml_char_t *)strdup((const char *)an)) ==
				    NULL) {
					ok = fail_at(err, d->name, node->line, node->col, "out of memory");
					break;
				}
			}
			depth++;
			node = NULL; /* attached when it closes */
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			node = stack[depth - 1].node;
			ok = close_frame(d, &stack[--depth], err) &&
			    add_anchor(d, stack[depth].anchor_copy, node, err);
			free(stack[depth].anchor_copy);
			stack[depth].anchor_copy = NULL;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		if (ok && node != NULL) {
			if (depth > 0)
				ok = attach(d, &stack[depth - 1], node, err);
			else if (d->flags & VG_YDOC_STREAM)
				ok = add_root(d, node, err);
			else
				d->root = node;
		}
		yaml_event_delete(&ev);
	}
	while (depth > 0) {
		free(stack[--depth].items);
		free(stack[depth].anchor_copy);
	}
	if (ok && d->root == NULL && !(d->flags & VG_YDOC_STREAM))
		ok = fail_at(err, d->name, 1, 1, "empty document");
	return ok;
}

struct vg_ydoc *
vg_ydoc_load_mem(const char *name, const void *buf, size_t len, struct vg_err *err)
{
	return vg_ydoc_load_mem_flags(name, buf, len, 0, err);
}

struct vg_ydoc *
vg_ydoc_load_mem_flags(const char *name, const void *buf, size_t len, unsigned flags,
    struct vg_err *err)
{
	struct vg_ydoc *d = calloc(1, sizeof(*d));
	yaml_parser_t p;
	struct input in = { buf, len, NULL, 0 };
	bool ok;

	err->msg[0] = '\0';
	if (d == NULL || (d->name = strdup(name)) == NULL) {
		free(d);
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		return NULL;
	}
	if (!yaml_parser_initialize(&p)) {
		vg_ydoc_free(d);
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		return NULL;
	}
	d->flags = flags;
	yaml_parser_set_input_string(&p, buf, len);
	ok = parse(d, &p, &in, err);
	yaml_parser_delete(&p);
	free(in.lines);
	if (!ok) {
		vg_ydoc_free(d);
		return NULL;
	}
	return d;
}

struct vg_ydoc *
vg_ydoc_load(const char *path, struct vg_err *err)
{
	struct vg_ydoc *d;
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t n;

	if (fp == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(VG_YAML_FILE_MAX + 1)) == NULL) {
		fclose(fp);
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", path);
		return NULL;
	}
	n = fread(buf, 1, VG_YAML_FILE_MAX + 1, fp);
	if (ferror(fp) || n > VG_YAML_FILE_MAX) {
		snprintf(err->msg, sizeof(err->msg), ferror(fp) ? "%s: read error" :
		    "%s: larger than the 16 MiB a rules or policy file may have", path);
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	d = vg_ydoc_load_mem(path, buf, n, err);
	free(buf);
	return d;
}

const struct vg_ynode *
vg_ymap_get(const struct vg_ynode *map, const char *key)
{
	if (map == NULL || map->kind != VG_Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->items[2 * i]->str, key) == 0)
			return map->items[2 * i + 1];
	return NULL;
}

bool
vg_yerr(const struct vg_ydoc *d, const struct vg_ynode *at, struct vg_err *err, const char *fmt,
    ...)
{
	va_list ap;
	int n = snprintf(err->msg, sizeof(err->msg), "%s:%u:%u: ", d->name, at->line, at->col);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(err->msg))
		vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

bool
vg_yexpect(const struct vg_ydoc *d, const struct vg_ynode *n, enum vg_ykind kind,
    const char *what, struct vg_err *err)
{
	static const char *const names[] = { "a scalar", "a sequence", "a mapping" };

	if (n->kind == kind)
		return true;
	return vg_yerr(d, n, err, "%s must be %s, not %s", what, names[kind], names[n->kind]);
}

size_t
vg_edit_distance(const char *a, size_t la, const char *b)
{
	size_t row[65], lb = strlen(b), i, j;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* A typo gets the key it is near; anything else the list of keys the mapping takes. */
static bool
unknown_key(const struct vg_ydoc *d, const struct vg_ynode *k, const char *const *allowed,
    struct vg_err *err)
{
	char list[256];
	const char *best = NULL;
	size_t bd = 3, dist, used = 0;

	for (const char *const *a = allowed; *a != NULL; a++)
		if ((dist = vg_edit_distance(k->str, strlen(k->str), *a)) < bd && dist < strlen(k->str)) {
			bd = dist;
			best = *a;
		}
	if (best != NULL)
		return vg_yerr(d, k, err, "unknown key '%s'; did you mean '%s'?", k->str, best);
	list[0] = '\0';
	for (const char *const *a = allowed; *a != NULL && used < sizeof(list); a++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", a == allowed ? "" : ", ",
		    *a);
		used += w > 0 ? (size_t)w : 0;
	}
	return vg_yerr(d, k, err, "unknown key '%s' (expected one of: %s)", k->str, list);
}

bool
vg_ykeys(const struct vg_ydoc *d, const struct vg_ynode *map, const char *const *allowed,
    struct vg_err *err)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct vg_ynode *k = map->items[2 * i];
		const char *const *a;

		for (a = allowed; *a != NULL && strcmp(*a, k->str) != 0; a++)
			;
		if (*a == NULL)
			return unknown_key(d, k, allowed, err);
	}
	return true;
}

const char *
vg_ystr(const struct vg_ydoc *d, const struct vg_ynode *map, const char *key, struct vg_err *err)
{
	const struct vg_ynode *v = vg_ymap_get(map, key);

	if (v == NULL) {
		vg_yerr(d, map, err, "missing key '%s'", key);
		return NULL;
	}
	if (v->kind != VG_Y_SCALAR || v->str[0] == '\0') {
		vg_yerr(d, v, err, "'%s' must be a non-empty scalar", key);
		return NULL;
	}
	return v->str;
}

const char *
vg_ystr_opt(const struct vg_ydoc *d, const struct vg_ynode *map, const char *key, bool *ok,
    struct vg_err *err)
{
	const struct vg_ynode *v = vg_ymap_get(map, key);

	*ok = true;
	if (v == NULL)
		return NULL;
	if (v->kind != VG_Y_SCALAR || v->str[0] == '\0') {
		*ok = false;
		vg_yerr(d, v, err, "'%s' must be a non-empty scalar", key);
		return NULL;
	}
	return v->str;
}
