/* policy.c - policy files to compiled controls and waivers; evaluation of subjects against them. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "policy.h"

/*
 * A message template: literal runs and field references. "{a|b}" takes the
 * first of a, b that the subject has; "{{" and "}}" stand for braces.
 */
#define TMPL_ALTS 4

struct seg {
	const char *lit;  /* literal text, or NULL for a field */
	size_t len;
	int field[TMPL_ALTS];
	unsigned n_fields;
};

struct tmpl {
	size_t n;
	struct seg segs[];
};

/* A loaded file and what it owns. */
struct pfile {
	struct vg_policy_file pub;
	struct vg_arena arena;    /* everything loaded from the file */
	struct vg_expr **exprs;
	size_t n_exprs, cap_exprs;
	/* the environment its conditions were compiled in; waivers use it later */
	const char **list_names;
	const char *const **list_items;
	size_t *list_lens;
	size_t n_lists;
	const char **macro_names;
	const char **macro_texts;
	size_t n_macros;
	struct vg_control *controls;
	size_t n_controls;
	struct vg_waiver *waivers;
	size_t n_waivers;
	struct tmpl **tmpls;      /* message of controls[i] */
	const struct vg_ynode **waiver_when; /* nodes, for compiling at finish */
	struct vg_ydoc *doc;      /* kept until finish: waiver conditions are compiled then */
};

struct vg_policy {
	struct pfile *files[VG_POLICY_FILES_MAX];
	size_t n_files;
	const struct vg_control **controls;
	size_t n_controls;
	const struct vg_waiver **waivers;
	size_t n_waivers;
	size_t n_for[VG_SUBJ_KINDS];
	bool finished;
};

static const char *const sev_names[] = { "info", "low", "medium", "high", "critical" };
static const char *const res_names[] = { "pass", "fail", "notapplicable", "error" };

const char *
vg_severity_name(enum vg_severity s)
{
	return (unsigned)s < 5 ? sev_names[s] : "?";
}

bool
vg_severity_parse(const char *s, enum vg_severity *out)
{
	for (unsigned i = 0; i < 5; i++)
		if (strcmp(s, sev_names[i]) == 0) {
			*out = (enum vg_severity)i;
			return true;
		}
	return false;
}

const char *
vg_result_name(enum vg_result r)
{
	return (unsigned)r < VG_RESULTS ? res_names[r] : "?";
}

bool
vg_result_parse(const char *s, enum vg_result *out)
{
	for (unsigned i = 0; i < VG_RESULTS; i++)
		if (strcmp(s, res_names[i]) == 0) {
			*out = (enum vg_result)i;
			return true;
		}
	return false;
}

/* ---- memory of one file */

static void *
pmalloc(struct pfile *f, size_t n)
{
	return vg_arena_alloc(&f->arena, n);
}

static char *
pstrdup(struct pfile *f, const char *s)
{
	return vg_arena_strdup(&f->arena, s);
}

static bool
keep_expr(struct pfile *f, struct vg_expr *e)
{
	if (f->n_exprs == f->cap_exprs) {
		size_t cap = f->cap_exprs ? f->cap_exprs * 2 : 16;
		struct vg_expr **x = realloc(f->exprs, cap * sizeof(*x));
		if (x == NULL)
			return false;
		f->exprs = x;
		f->cap_exprs = cap;
	}
	f->exprs[f->n_exprs++] = e;
	return true;
}

static void
pfile_free(struct pfile *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n_exprs; i++)
		vg_expr_free(f->exprs[i]);
	free(f->exprs);
	vg_arena_free(&f->arena);
	vg_ydoc_free(f->doc);
	free(f);
}

struct vg_policy *
vg_policy_new(void)
{
	return calloc(1, sizeof(struct vg_policy));
}

void
vg_policy_free(struct vg_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n_controls; i++)
		free((void *)p->controls[i]->waivers);
	for (size_t i = 0; i < p->n_files; i++)
		pfile_free(p->files[i]);
	free(p->controls);
	free(p->waivers);
	free(p);
}

/* ---- schema helpers */

struct ld {
	struct pfile *f;
	const struct vg_ydoc *doc;
	struct vg_err *err;
	const struct vg_policy *set;
};

static bool __attribute__((format(printf, 3, 4)))
bad(struct ld *l, const struct vg_ynode *at, const char *fmt, ...)
{
	char m[sizeof(l->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	return vg_yerr(l->doc, at, l->err, "%s", m);
}

static bool
is_null(const struct vg_ynode *n)
{
	return n->kind == VG_Y_SCALAR && !n->quoted && (n->str[0] == '\0' ||
	    strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	    strcmp(n->str, "NULL") == 0);
}

/* A non-empty string value of at most VG_POLICY_TEXT_MAX bytes. */
static bool
text(struct ld *l, const struct vg_ynode *n, const char *key, const char **out)
{
	if (n->kind != VG_Y_SCALAR)
		return bad(l, n, "'%s' must be a string, not a %s", key,
		    n->kind == VG_Y_MAP ? "mapping" : "list");
	if (is_null(n) || n->str[0] == '\0')
		return bad(l, n, "'%s' is empty", key);
	if (strlen(n->str) > VG_POLICY_TEXT_MAX)
		return bad(l, n, "'%s' is longer than %u bytes", key, VG_POLICY_TEXT_MAX);
	if ((*out = pstrdup(l->f, n->str)) == NULL)
		return bad(l, n, "out of memory");
	return true;
}

/* A required key of a mapping; absent is an error at the mapping. */
static const struct vg_ynode *
need(struct ld *l, const struct vg_ynode *map, const char *key, const char *what)
{
	const struct vg_ynode *n = vg_ymap_get(map, key);

	if (n == NULL)
		bad(l, map, "%s has no '%s'", what, key);
	return n;
}

static bool
date_value(struct ld *l, const struct vg_ynode *n, const char *key, int32_t *out)
{
	if (n->kind != VG_Y_SCALAR || !vg_date_parse(n->str, out))
		return bad(l, n, "'%s' must be a date YYYY-MM-DD from 1970-01-01 to 9999-12-31%s%s%s",
		    key, n->kind == VG_Y_SCALAR ? ", not '" : "",
		    n->kind == VG_Y_SCALAR ? n->str : "", n->kind == VG_Y_SCALAR ? "'" : "");
	return true;
}

/* A name of a list or a macro: lower case, digits and '_', so it reads as one in conditions. */
static bool
ident_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || !(islower((unsigned char)s[0])))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* Control ids: GR-01, AI-05, acme.residency-3. */
static bool
id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static const char *const reserved[] = {
	"and", "or", "not", "in", "contains", "startswith", "glob", "exists", "true", "false",
	"null", "today", NULL,
};

static bool
is_reserved(const char *s)
{
	for (size_t i = 0; reserved[i] != NULL; i++)
		if (strcmp(s, reserved[i]) == 0)
			return true;
	return false;
}

static bool
is_field_anywhere(const char *s)
{
	for (unsigned k = 0; k < VG_SUBJ_KINDS; k++)
		if (vg_subject_field((enum vg_subject_kind)k, s) != NULL)
			return true;
	return false;
}

/* A list of strings (references, soc2): scalars, no duplicates, at most VG_POLICY_REFS_MAX. */
static bool
str_list(struct ld *l, const struct vg_ynode *n, const char *key, bool nonempty,
    const char *const **out, size_t *n_out)
{
	const char **v;

	if (n->kind != VG_Y_SEQ)
		return bad(l, n, "'%s' must be a list of strings", key);
	if (nonempty && n->n == 0)
		return bad(l, n, "'%s' is empty; cite at least one", key);
	if (n->n > VG_POLICY_REFS_MAX)
		return bad(l, n, "'%s' has more than %u items", key, VG_POLICY_REFS_MAX);
	if ((v = pmalloc(l->f, (n->n + 1) * sizeof(*v))) == NULL)
		return bad(l, n, "out of memory");
	for (size_t i = 0; i < n->n; i++) {
		if (!text(l, n->items[i], key, &v[i]))
			return false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(v[i], v[j]) == 0)
				return bad(l, n->items[i], "'%s' lists '%s' twice", key, v[i]);
	}
	*out = v;
	*n_out = n->n;
	return true;
}

/* ---- lists and macros */

/* False (err set) when key cannot name a list or macro of this file. */
static bool
name_free(struct ld *l, const struct vg_ynode *key, const char *what)
{
	struct pfile *f = l->f;

	if (!ident_ok(key->str))
		return bad(l, key, "%s name '%s' must be lower case letters, digits and '_', "
		    "starting with a letter, at most 64 bytes", what, key->str);
	if (is_reserved(key->str))
		return bad(l, key, "%s name '%s' is a reserved word", what, key->str);
	if (is_field_anywhere(key->str))
		return bad(l, key, "%s name '%s' is the name of a field", what, key->str);
	for (size_t i = 0; i < f->n_lists; i++)
		if (strcmp(f->list_names[i], key->str) == 0)
			return bad(l, key, "%s name '%s' is already a list", what, key->str);
	return true;
}

static bool
load_lists(struct ld *l, const struct vg_ynode *n)
{
	struct pfile *f = l->f;

	if (n->kind != VG_Y_MAP)
		return bad(l, n, "'lists' must be a mapping of names to lists of strings");
	if (n->n > VG_POLICY_LISTS_MAX)
		return bad(l, n, "more than %u lists", VG_POLICY_LISTS_MAX);
	f->list_names = pmalloc(f, (n->n + 1) * sizeof(*f->list_names));
	f->list_items = pmalloc(f, (n->n + 1) * sizeof(*f->list_items));
	f->list_lens = pmalloc(f, (n->n + 1) * sizeof(*f->list_lens));
	if (f->list_names == NULL || f->list_items == NULL || f->list_lens == NULL)
		return bad(l, n, "out of memory");
	for (size_t i = 0; i < n->n; i++) {
		const struct vg_ynode *k = n->items[2 * i], *v = n->items[2 * i + 1];
		const char **items;

		if (!name_free(l, k, "list"))
			return false;
		if (v->kind != VG_Y_SEQ)
			return bad(l, v, "list '%s' must be a list of strings", k->str);
		if (v->n > VG_EXPR_LIST_MAX)
			return bad(l, v, "list '%s' has more than %u items", k->str,
			    VG_EXPR_LIST_MAX);
		if ((items = pmalloc(f, (v->n + 1) * sizeof(*items))) == NULL)
			return bad(l, v, "out of memory");
		for (size_t j = 0; j < v->n; j++) {
			const struct vg_ynode *it = v->items[j];
			if (it->kind != VG_Y_SCALAR)
				return bad(l, it, "list '%s' must hold strings only", k->str);
			if (is_null(it))
				return bad(l, it, "list '%s' holds an empty item", k->str);
			if ((items[j] = pstrdup(f, it->str)) == NULL)
				return bad(l, it, "out of memory");
			for (size_t m = 0; m < j; m++)
				if (strcmp(items[m], items[j]) == 0)
					return bad(l, it, "list '%s' holds '%s' twice (first at "
					    "line %u)", k->str, items[j], v->items[m]->line);
		}
		f->list_names[f->n_lists] = pstrdup(f, k->str);
		f->list_items[f->n_lists] = items;
		f->list_lens[f->n_lists] = v->n;
		if (f->list_names[f->n_lists] == NULL)
			return bad(l, k, "out of memory");
		f->n_lists++;
	}
	return true;
}

static void
file_env(const struct pfile *f, enum vg_subject_kind k, struct vg_expr_env *env,
    const struct vg_field *fields, size_t n_fields)
{
	memset(env, 0, sizeof(*env));
	if (fields != NULL) {
		env->fields = fields;
		env->n_fields = n_fields;
	} else
		env->fields = vg_subject_fields(k, &env->n_fields);
	env->list_names = f->list_names;
	env->list_items = f->list_items;
	env->list_lens = f->list_lens;
	env->n_lists = f->n_lists;
	env->macro_names = f->macro_names;
	env->macro_texts = f->macro_texts;
	env->n_macros = f->n_macros;
}

/* Every field of every kind, so that a macro can be checked where it is written. */
static const struct vg_field *
union_fields(size_t *n)
{
	static struct vg_field all[VG_SF__N];
	static size_t n_all;

	if (n_all == 0) {
		for (unsigned k = 0; k < VG_SUBJ_KINDS; k++) {
			size_t nf;
			const struct vg_field *f = vg_subject_fields((enum vg_subject_kind)k, &nf);
			for (size_t i = 0; i < nf; i++) {
				size_t j;
				for (j = 0; j < n_all && all[j].id != f[i].id; j++)
					;
				if (j == n_all)
					all[n_all++] = f[i];
			}
		}
	}
	*n = n_all;
	return all;
}

static bool
cond_node(struct ld *l, const struct vg_ynode *n, const char *key)
{
	if (n->kind != VG_Y_SCALAR)
		return bad(l, n, "'%s' must be a condition (a string), not a %s", key,
		    n->kind == VG_Y_MAP ? "mapping" : "list");
	if (is_null(n))
		return bad(l, n, "'%s' is empty", key);
	return true;
}

static bool
load_macros(struct ld *l, const struct vg_ynode *n)
{
	struct pfile *f = l->f;
	struct vg_expr_env env;
	const struct vg_field *all;
	size_t n_all;

	if (n->kind != VG_Y_MAP)
		return bad(l, n, "'macros' must be a mapping of names to conditions");
	if (n->n > VG_POLICY_MACROS_MAX)
		return bad(l, n, "more than %u macros", VG_POLICY_MACROS_MAX);
	f->macro_names = pmalloc(f, (n->n + 1) * sizeof(*f->macro_names));
	f->macro_texts = pmalloc(f, (n->n + 1) * sizeof(*f->macro_texts));
	if (f->macro_names == NULL || f->macro_texts == NULL)
		return bad(l, n, "out of memory");
	for (size_t i = 0; i < n->n; i++) {
		const struct vg_ynode *k = n->items[2 * i], *v = n->items[2 * i + 1];

		if (!name_free(l, k, "macro"))
			return false;
		if (!cond_node(l, v, k->str))
			return false;
		f->macro_names[f->n_macros] = pstrdup(f, k->str);
		f->macro_texts[f->n_macros] = pstrdup(f, v->str);
		if (f->macro_names[f->n_macros] == NULL || f->macro_texts[f->n_macros] == NULL)
			return bad(l, k, "out of memory");
		f->n_macros++;
	}
	/*
	 * Check each macro where it is written, against the fields of every
	 * kind: a typo in a macro no control uses yet is still an error.
	 */
	all = union_fields(&n_all);
	file_env(f, VG_SUBJ_FLOW, &env, all, n_all);
	for (size_t i = 0; i < n->n; i++) {
		const struct vg_ynode *v = n->items[2 * i + 1];
		struct vg_expr *e = vg_expr_compile_node(v, &env, vg_ydoc_name(l->doc), l->err);
		if (e == NULL)
			return false;
		vg_expr_free(e);
	}
	return true;
}

/* ---- message templates */

/* Where byte i of a message is in the file. */
static void
tmpl_pos(const struct vg_ynode *n, size_t i, struct vg_ynode *at)
{
	*at = *n;
	vg_ynode_pos(n, i, &at->line, &at->col);
}

static bool
unknown_tmpl_field(struct ld *l, const struct vg_ynode *at, enum vg_subject_kind kind,
    const char *name)
{
	size_t nf, best = 3, d;
	const struct vg_field *all = vg_subject_fields(kind, &nf);
	const char *sug = NULL;

	for (size_t j = 0; j < nf; j++)
		if ((d = vg_edit_distance(name, strlen(name), all[j].name)) < best) {
			best = d;
			sug = all[j].name;
		}
	return bad(l, at, "unknown field '%s' in the message: a %s has no such field%s%s%s",
	    name, vg_subject_kind_name(kind), sug ? "; did you mean '" : "", sug ? sug : "",
	    sug ? "'?" : "");
}

static bool
tmpl_compile(struct ld *l, const struct vg_ynode *n, enum vg_subject_kind kind,
    struct tmpl **out)
{
	const char *s = n->str;
	size_t len = strlen(s), nseg = 0, i = 0;
	struct tmpl *t;

	/* At most one segment per byte, plus one. */
	if ((t = pmalloc(l->f, sizeof(*t) + (len + 1) * sizeof(t->segs[0]))) == NULL)
		return bad(l, n, "out of memory");
	while (i < len) {
		if (s[i] == '{' && i + 1 < len && s[i + 1] == '{') {
			t->segs[nseg++] = (struct seg){ s + i, 1, { 0 }, 0 };
			i += 2;
		} else if (s[i] == '}' && i + 1 < len && s[i + 1] == '}') {
			t->segs[nseg++] = (struct seg){ s + i, 1, { 0 }, 0 };
			i += 2;
		} else if (s[i] == '{') {
			const char *end = strchr(s + i + 1, '}');
			char name[80];
			const struct vg_field *fd;
			size_t nl;
			struct vg_ynode at;

			tmpl_pos(n, i, &at);
			if (end == NULL)
				return bad(l, &at, "unclosed '{' in the message (write '{{' for a brace)");
			nl = (size_t)(end - (s + i + 1));
			if (nl == 0 || nl >= sizeof(name))
				return bad(l, &at, "'{%.*s}' in the message is not a field name",
				    (int)(nl > 40 ? 40 : nl), s + i + 1);
			memcpy(name, s + i + 1, nl);
			name[nl] = '\0';
			struct seg sg = { NULL, 0, { 0 }, 0 };
			for (char *alt = name, *bar; alt != NULL; alt = bar) {
				if ((bar = strchr(alt, '|')) != NULL)
					*bar++ = '\0';
				if (sg.n_fields == TMPL_ALTS)
					return bad(l, &at, "more than %u alternatives in '{%s...}'",
					    TMPL_ALTS, name);
				if ((fd = vg_subject_field(kind, alt)) == NULL)
					return unknown_tmpl_field(l, &at, kind, alt);
				sg.field[sg.n_fields++] = fd->id;
			}
			t->segs[nseg++] = sg;
			i += nl + 2;
		} else if (s[i] == '}') {
			struct vg_ynode at;

			tmpl_pos(n, i, &at);
			return bad(l, &at, "unmatched '}' in the message (write '}}' for a brace)");
		} else {
			size_t j = i;
			while (j < len && s[j] != '{' && s[j] != '}')
				j++;
			t->segs[nseg++] = (struct seg){ s + i, j - i, { 0 }, 0 };
			i = j;
		}
	}
	t->n = nseg;
	*out = t;
	return true;
}

/* ---- controls and waivers */

static const char *const top_keys[] = {
	"policy", "title", "version", "description", "lists", "macros", "controls", "waivers",
	NULL,
};
static const char *const control_keys[] = {
	"id", "title", "description", "references", "soc2", "severity", "applies_to",
	"applies_from", "when", "require", "message", NULL,
};
static const char *const waiver_keys[] = {
	"control", "owner", "reason", "expires", "when", "ticket", NULL,
};

static struct vg_expr *
compile(struct ld *l, const struct vg_ynode *n, enum vg_subject_kind kind)
{
	struct vg_expr_env env;
	struct vg_expr *e;

	file_env(l->f, kind, &env, NULL, 0);
	e = vg_expr_compile_node(n, &env, vg_ydoc_name(l->doc), l->err);
	if (e != NULL && !keep_expr(l->f, e)) {
		vg_expr_free(e);
		bad(l, n, "out of memory");
		return NULL;
	}
	return e;
}

/* False (err set) when another control of the file or the set has the id. */
static bool
id_free(struct ld *l, const char *id, size_t upto, const struct vg_ynode *at)
{
	for (size_t i = 0; i < upto; i++)
		if (strcmp(l->f->controls[i].id, id) == 0)
			return bad(l, at, "duplicate control id '%s' (first at line %u)", id,
			    l->f->controls[i].line);
	for (size_t i = 0; i < l->set->n_controls; i++)
		if (strcmp(l->set->controls[i]->id, id) == 0)
			return bad(l, at, "duplicate control id '%s' (already defined at %s:%u)",
			    id, l->set->controls[i]->file->path, l->set->controls[i]->line);
	return true;
}

static bool
load_control(struct ld *l, const struct vg_ynode *n, size_t idx)
{
	struct vg_control *c = &l->f->controls[idx];
	const struct vg_ynode *v;
	const char *s;

	c->file = &l->f->pub;
	c->line = n->line;
	c->col = n->col;
	c->applies_from = VG_DATE_NONE;
	if (n->kind != VG_Y_MAP)
		return bad(l, n, "a control must be a mapping");
	if (!vg_ykeys(l->doc, n, control_keys, l->err))
		return false;
	if ((v = need(l, n, "id", "the control")) == NULL || !text(l, v, "id", &c->id))
		return false;
	if (!id_ok(c->id))
		return bad(l, v, "control id '%s' must start with a letter and hold only letters, "
		    "digits, '-', '_' and '.', at most 64 bytes", c->id);
	if (!id_free(l, c->id, idx, v))
		return false;
	if ((v = need(l, n, "title", "the control")) == NULL || !text(l, v, "title", &c->title))
		return false;
	if ((v = vg_ymap_get(n, "description")) != NULL &&
	    !text(l, v, "description", &c->description))
		return false;
	if ((v = need(l, n, "references", "the control")) == NULL ||
	    !str_list(l, v, "references", true, &c->references, &c->n_references))
		return false;
	if ((v = vg_ymap_get(n, "soc2")) != NULL &&
	    !str_list(l, v, "soc2", false, &c->soc2, &c->n_soc2))
		return false;
	if ((v = need(l, n, "severity", "the control")) == NULL || !text(l, v, "severity", &s))
		return false;
	if (!vg_severity_parse(s, &c->severity))
		return bad(l, v, "severity '%s' is not one of info, low, medium, high, critical", s);
	if ((v = need(l, n, "applies_to", "the control")) == NULL ||
	    !text(l, v, "applies_to", &s))
		return false;
	if (!vg_subject_kind_parse(s, &c->applies_to))
		return bad(l, v, "applies_to '%s' is not one of flow, endpoint, deployment", s);
	if ((v = vg_ymap_get(n, "applies_from")) != NULL &&
	    !date_value(l, v, "applies_from", &c->applies_from))
		return false;
	if ((v = vg_ymap_get(n, "when")) != NULL) {
		if (!cond_node(l, v, "when") || (c->when = compile(l, v, c->applies_to)) == NULL)
			return false;
		c->when_text = pstrdup(l->f, v->str);
	}
	if ((v = need(l, n, "require", "the control")) == NULL || !cond_node(l, v, "require") ||
	    (c->require = compile(l, v, c->applies_to)) == NULL)
		return false;
	c->require_text = pstrdup(l->f, v->str);
	if ((v = need(l, n, "message", "the control")) == NULL ||
	    !text(l, v, "message", &c->message_text) ||
	    !tmpl_compile(l, v, c->applies_to, &l->f->tmpls[idx]))
		return false;
	if (c->require_text == NULL || (c->when != NULL && c->when_text == NULL))
		return bad(l, n, "out of memory");
	return true;
}

static bool
load_waiver(struct ld *l, const struct vg_ynode *n, size_t idx)
{
	struct vg_waiver *w = &l->f->waivers[idx];
	const struct vg_ynode *v;

	w->file = &l->f->pub;
	w->line = n->line;
	w->col = n->col;
	if (n->kind != VG_Y_MAP)
		return bad(l, n, "a waiver must be a mapping");
	if (!vg_ykeys(l->doc, n, waiver_keys, l->err))
		return false;
	if ((v = need(l, n, "control", "the waiver")) == NULL || !text(l, v, "control", &w->control))
		return false;
	if ((v = need(l, n, "owner", "the waiver")) == NULL || !text(l, v, "owner", &w->owner))
		return false;
	if ((v = need(l, n, "reason", "the waiver")) == NULL || !text(l, v, "reason", &w->reason))
		return false;
	/* A waiver without an end date is a silent exception forever; auditors refuse those. */
	if ((v = need(l, n, "expires", "the waiver")) == NULL ||
	    !date_value(l, v, "expires", &w->expires))
		return false;
	if ((v = vg_ymap_get(n, "ticket")) != NULL && !text(l, v, "ticket", &w->ticket))
		return false;
	if ((v = vg_ymap_get(n, "when")) != NULL) {
		if (!cond_node(l, v, "when"))
			return false;
		l->f->waiver_when[idx] = v;
		if ((w->when_text = pstrdup(l->f, v->str)) == NULL)
			return bad(l, v, "out of memory");
		/*
		 * The control, maybe in a file not loaded yet, fixes the fields; check
		 * now against every field so that a broken condition fails this file.
		 */
		{
			struct vg_expr_env env;
			size_t n_all;
			const struct vg_field *all = union_fields(&n_all);
			struct vg_expr *e;

			file_env(l->f, VG_SUBJ_FLOW, &env, all, n_all);
			if ((e = vg_expr_compile_node(v, &env, vg_ydoc_name(l->doc), l->err)) == NULL)
				return false;
			vg_expr_free(e);
		}
	}
	return true;
}

static bool
load_doc(struct ld *l)
{
	const struct vg_ynode *root = vg_ydoc_root(l->doc), *v;
	struct pfile *f = l->f;

	if (root->kind != VG_Y_MAP)
		return bad(l, root, "a policy file must be a mapping");
	if (!vg_ykeys(l->doc, root, top_keys, l->err))
		return false;
	if ((v = need(l, root, "policy", "the file")) == NULL || !text(l, v, "policy", &f->pub.id))
		return false;
	if (!id_ok(f->pub.id))
		return bad(l, v, "policy id '%s' must start with a letter and hold only letters, "
		    "digits, '-', '_' and '.', at most 64 bytes", f->pub.id);
	for (size_t i = 0; i < l->set->n_files; i++)
		if (strcmp(l->set->files[i]->pub.id, f->pub.id) == 0)
			return bad(l, v, "policy '%s' is already loaded from %s", f->pub.id,
			    l->set->files[i]->pub.path);
	if ((v = need(l, root, "title", "the file")) == NULL || !text(l, v, "title", &f->pub.title))
		return false;
	if ((v = need(l, root, "version", "the file")) == NULL)
		return false;
	{
		int32_t d;
		if (!date_value(l, v, "version", &d) || !text(l, v, "version", &f->pub.version))
			return false;
	}
	if ((v = vg_ymap_get(root, "description")) != NULL) {
		const char *d;
		if (!text(l, v, "description", &d))
			return false;
	}
	if ((v = vg_ymap_get(root, "lists")) != NULL && !load_lists(l, v))
		return false;
	if ((v = vg_ymap_get(root, "macros")) != NULL && !load_macros(l, v))
		return false;
	if ((v = vg_ymap_get(root, "controls")) != NULL) {
		if (v->kind != VG_Y_SEQ)
			return bad(l, v, "'controls' must be a list of controls");
		if (v->n + l->set->n_controls > VG_POLICY_CONTROLS_MAX)
			return bad(l, v, "more than %u controls in all", VG_POLICY_CONTROLS_MAX);
		f->controls = pmalloc(f, (v->n + 1) * sizeof(*f->controls));
		f->tmpls = pmalloc(f, (v->n + 1) * sizeof(*f->tmpls));
		if (f->controls == NULL || f->tmpls == NULL)
			return bad(l, v, "out of memory");
		for (size_t i = 0; i < v->n; i++) {
			if (!load_control(l, v->items[i], i))
				return false;
			f->n_controls = i + 1;
		}
	}
	if ((v = vg_ymap_get(root, "waivers")) != NULL) {
		if (v->kind != VG_Y_SEQ)
			return bad(l, v, "'waivers' must be a list of waivers");
		if (v->n + l->set->n_waivers > VG_POLICY_WAIVERS_MAX)
			return bad(l, v, "more than %u waivers in all", VG_POLICY_WAIVERS_MAX);
		f->waivers = pmalloc(f, (v->n + 1) * sizeof(*f->waivers));
		f->waiver_when = pmalloc(f, (v->n + 1) * sizeof(*f->waiver_when));
		if (f->waivers == NULL || f->waiver_when == NULL)
			return bad(l, v, "out of memory");
		for (size_t i = 0; i < v->n; i++) {
			if (!load_waiver(l, v->items[i], i))
				return false;
			f->n_waivers = i + 1;
		}
	}
	if (f->n_controls == 0 && f->n_waivers == 0)
		return bad(l, root, "the file has neither controls nor waivers");
	return true;
}

static bool
commit(struct vg_policy *p, struct pfile *f, struct vg_err *err)
{
	const struct vg_control **c;
	const struct vg_waiver **w;

	c = realloc(p->controls, (p->n_controls + f->n_controls + 1) * sizeof(*c));
	if (c == NULL)
		goto oom;
	p->controls = c;
	w = realloc(p->waivers, (p->n_waivers + f->n_waivers + 1) * sizeof(*w));
	if (w == NULL)
		goto oom;
	p->waivers = w;
	for (size_t i = 0; i < f->n_controls; i++) {
		f->controls[i].index = p->n_controls;
		p->controls[p->n_controls++] = &f->controls[i];
		p->n_for[f->controls[i].applies_to]++;
	}
	for (size_t i = 0; i < f->n_waivers; i++)
		p->waivers[p->n_waivers++] = &f->waivers[i];
	p->files[p->n_files++] = f;
	p->finished = false;
	return true;
oom:
	snprintf(err->msg, sizeof(err->msg), "%s: out of memory", f->pub.path);
	return false;
}

static bool
load(struct vg_policy *p, const char *name, struct vg_ydoc *doc, struct vg_err *err)
{
	struct pfile *f;
	struct ld l;

	if (p->n_files == VG_POLICY_FILES_MAX) {
		snprintf(err->msg, sizeof(err->msg), "%s: more than %u policy files", name,
		    VG_POLICY_FILES_MAX);
		vg_ydoc_free(doc);
		return false;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL || (f->pub.path = pstrdup(f, name)) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		pfile_free(f);
		vg_ydoc_free(doc);
		return false;
	}
	f->doc = doc;
	err->msg[0] = '\0';
	l = (struct ld){ f, doc, err, p };
	if (!load_doc(&l) || !commit(p, f, err)) {
		pfile_free(f);
		return false;
	}
	return true;
}

bool
vg_policy_load(struct vg_policy *p, const char *path, struct vg_err *err)
{
	struct vg_ydoc *doc = vg_ydoc_load(path, err);

	return doc != NULL && load(p, path, doc, err);
}

bool
vg_policy_load_mem(struct vg_policy *p, const char *name, const void *buf, size_t len,
    struct vg_err *err)
{
	struct vg_ydoc *doc = vg_ydoc_load_mem(name, buf, len, err);

	return doc != NULL && load(p, name, doc, err);
}

bool
vg_policy_finish(struct vg_policy *p, struct vg_err *err)
{
	err->msg[0] = '\0';
	for (size_t fi = 0; fi < p->n_files; fi++) {
		struct pfile *f = p->files[fi];
		struct ld l = { f, f->doc, err, p };

		for (size_t i = 0; i < f->n_waivers; i++) {
			struct vg_waiver *w = &f->waivers[i];
			struct vg_control *c = (struct vg_control *)vg_policy_find(p, w->control);
			const struct vg_ynode *wn = NULL;
			const struct vg_waiver **nw;

			if (f->doc != NULL) {
				const struct vg_ynode *ws = vg_ymap_get(vg_ydoc_root(f->doc), "waivers");
				wn = ws->items[i];
			}
			if (c == NULL) {
				if (wn != NULL)
					return bad(&l, vg_ymap_get(wn, "control"), "waiver of "
					    "unknown control '%s'", w->control);
				snprintf(err->msg, sizeof(err->msg), "%s:%u:%u: waiver of unknown "
				    "control '%s'", f->pub.path, w->line, w->col, w->control);
				return false;
			}
			if (f->waiver_when != NULL && f->waiver_when[i] != NULL && w->when == NULL) {
				/* The control's kind decides which fields the condition may use. */
				if ((w->when = compile(&l, f->waiver_when[i], c->applies_to)) == NULL)
					return false;
			}
			for (size_t k = 0; k < c->n_waivers; k++)
				if (c->waivers[k] == w)
					goto next;
			nw = realloc(c->waivers, (c->n_waivers + 1) * sizeof(*nw));
			if (nw == NULL) {
				snprintf(err->msg, sizeof(err->msg), "%s: out of memory", f->pub.path);
				return false;
			}
			/* realloc'd array outside the file's memory: freed with the control */
			nw[c->n_waivers++] = w;
			c->waivers = nw;
next:			;
		}
	}
	p->finished = true;
	return true;
}

size_t
vg_policy_n_controls(const struct vg_policy *p)
{
	return p->n_controls;
}

const struct vg_control *
vg_policy_control(const struct vg_policy *p, size_t i)
{
	return i < p->n_controls ? p->controls[i] : NULL;
}

const struct vg_control *
vg_policy_find(const struct vg_policy *p, const char *id)
{
	for (size_t i = 0; i < p->n_controls; i++)
		if (strcmp(p->controls[i]->id, id) == 0)
			return p->controls[i];
	return NULL;
}

size_t
vg_policy_n_files(const struct vg_policy *p)
{
	return p->n_files;
}

const struct vg_policy_file *
vg_policy_file(const struct vg_policy *p, size_t i)
{
	return i < p->n_files ? &p->files[i]->pub : NULL;
}

size_t
vg_policy_n_waivers(const struct vg_policy *p)
{
	return p->n_waivers;
}

const struct vg_waiver *
vg_policy_waiver(const struct vg_policy *p, size_t i)
{
	return i < p->n_waivers ? p->waivers[i] : NULL;
}

size_t
vg_policy_n_for(const struct vg_policy *p, enum vg_subject_kind k)
{
	return (unsigned)k < VG_SUBJ_KINDS ? p->n_for[k] : 0;
}

/* ---- evaluation */

struct out {
	char *buf;
	size_t cap, len;
	bool full;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->full)
		return;
	if (n > o->cap - 1 - o->len) {
		n = o->cap - 1 - o->len;
		o->full = true;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void
put_val(struct out *o, const struct vg_val *v)
{
	char b[32];

	switch (v->t) {
	case VG_V_NULL:
		put(o, "unknown", 7);
		break;
	case VG_V_BOOL:
		put(o, v->u.b ? "yes" : "no", v->u.b ? 3 : 2);
		break;
	case VG_V_INT:
		snprintf(b, sizeof(b), "%lld", (long long)v->u.i);
		put(o, b, strlen(b));
		break;
	case VG_V_STR:
		put(o, v->u.s, strlen(v->u.s));
		break;
	case VG_V_DATE:
		vg_date_fmt(v->u.date, b, sizeof(b));
		put(o, b, strlen(b));
		break;
	case VG_V_LIST:
		if (v->u.list.n == 0)
			put(o, "none", 4);
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i > 0)
				put(o, ", ", 2);
			put(o, v->u.list.items[i], strlen(v->u.list.items[i]));
		}
		break;
	}
}

static const struct tmpl *
tmpl_of(const struct vg_control *c)
{
	const struct pfile *f = (const struct pfile *)c->file; /* pub is the first member */
	size_t i = (size_t)(c - f->controls);

	return f->tmpls[i];
}

void
vg_policy_message(const struct vg_control *c, const struct vg_subject *s, char *buf, size_t cap)
{
	const struct tmpl *t = tmpl_of(c);
	struct out o = { buf, cap, 0, false };

	if (cap == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < t->n; i++) {
		const struct seg *sg = &t->segs[i];
		unsigned k;

		if (sg->lit != NULL) {
			put(&o, sg->lit, sg->len);
			continue;
		}
		for (k = 0; k + 1 < sg->n_fields && s->v[sg->field[k]].t == VG_V_NULL; k++)
			;
		put_val(&o, &s->v[sg->field[k]]);
	}
	if (o.full && cap >= 4) {
		/* Cut before a UTF-8 sequence, never inside one: JSON writers refuse broken text. */
		size_t at = cap - 4;
		while (at > 0 && ((unsigned char)buf[at] & 0xc0) == 0x80)
			at--;
		memcpy(buf + at, "...", 4);
	}
}

void
vg_policy_eval(const struct vg_policy *p, const struct vg_subject *s, int32_t today, char *buf,
    vg_finding_fn fn, void *arg)
{
	int32_t sdate = s->v[VG_SF_DATE].t == VG_V_DATE ? s->v[VG_SF_DATE].u.date : today;
	struct vg_finding f;
	char d[16];

	for (size_t i = 0; i < p->n_controls; i++) {
		const struct vg_control *c = p->controls[i];

		if (c->applies_to != s->kind)
			continue;
		f = (struct vg_finding){ c, VG_RES_NA, NULL, s, buf };
		if (c->applies_from != VG_DATE_NONE && sdate < c->applies_from) {
			snprintf(buf, VG_POLICY_MESSAGE_MAX, "does not apply before %s",
			    vg_date_fmt(c->applies_from, d, sizeof(d)));
		} else if (c->when != NULL && !vg_expr_eval(c->when, vg_subject_get, (void *)s,
		    today)) {
			snprintf(buf, VG_POLICY_MESSAGE_MAX, "not covered by the control's 'when'");
		} else if (vg_expr_eval(c->require, vg_subject_get, (void *)s, today)) {
			f.result = VG_RES_PASS;
			snprintf(buf, VG_POLICY_MESSAGE_MAX, "%s", c->title);
		} else {
			f.result = VG_RES_FAIL;
			vg_policy_message(c, s, buf, VG_POLICY_MESSAGE_MAX);
			for (size_t k = 0; k < c->n_waivers; k++) {
				const struct vg_waiver *w = c->waivers[k];
				if (sdate <= w->expires && (w->when == NULL ||
				    vg_expr_eval(w->when, vg_subject_get, (void *)s, today))) {
					f.waiver = w;
					break;
				}
			}
		}
		fn(arg, &f);
	}
}
