/* config_rules.c - loads the extractor rules that let vigie check read configuration as data. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "config_rules.h"

struct vg_crules {
	struct vg_ydoc *doc;
	struct vg_arena arena;
	const char *version;
	struct vg_ctarget targets[VG_CRULES_TARGETS_MAX];
	size_t n_targets;
	struct vg_crule *vars;      /* sorted by name for bsearch */
	size_t n_vars;
	struct vg_crule keys[VG_CRULES_KEYS_MAX];
	size_t n_keys;
	struct vg_cmodel models[VG_CRULES_MODELS_MAX];
	size_t n_models;
	const char *secrets[VG_CRULES_SECRETS_MAX];
	size_t n_secrets;
};

void
vg_crules_free(struct vg_crules *r)
{
	if (r == NULL)
		return;
	vg_ydoc_free(r->doc);
	vg_arena_free(&r->arena);
	free(r);
}

static const char *const gives_names[] = { "endpoint", "region", "model", "target", NULL };

static bool
parse_gives(const struct vg_ydoc *d, const struct vg_ynode *map, enum vg_cgives *out,
    struct vg_err *err)
{
	const char *s = vg_ystr(d, map, "gives", err);

	if (s == NULL)
		return false;
	for (size_t i = 0; gives_names[i] != NULL; i++)
		if (strcmp(s, gives_names[i]) == 0) {
			*out = (enum vg_cgives)i;
			return true;
		}
	return vg_yerr(d, vg_ymap_get(map, "gives"), err,
	    "gives must be endpoint, region, model or target, not '%s'", s);
}

static const struct vg_ctarget *
find_target(const struct vg_crules *r, const char *id)
{
	for (size_t i = 0; i < r->n_targets; i++)
		if (strcmp(r->targets[i].id, id) == 0)
			return &r->targets[i];
	return NULL;
}

/* The target: key of an entry; absent is fine unless required. */
static bool
parse_target(const struct vg_crules *r, const struct vg_ydoc *d, const struct vg_ynode *map,
    bool required, const struct vg_ctarget **out, struct vg_err *err)
{
	bool ok = true;
	const char *id = required ? vg_ystr(d, map, "target", err) :
	    vg_ystr_opt(d, map, "target", &ok, err);

	*out = NULL;
	if (id == NULL)
		return !required && ok;
	if ((*out = find_target(r, id)) == NULL)
		return vg_yerr(d, vg_ymap_get(map, "target"), err, "unknown target '%s'", id);
	return true;
}

static bool
url_ok(const char *u)
{
	const char *p = strstr(u, "{region}");

	if (strncmp(u, "https://", 8) != 0)
		return false;
	/* One placeholder at most, and only that one. */
	if (p != NULL && strstr(p + 1, "{region}") != NULL)
		return false;
	for (const char *q = u; *q != '\0'; q++)
		if ((*q == '{' || *q == '}') && !(p != NULL && (q == p || q == p + 7)))
			return false;
	return true;
}

static bool
load_targets(struct vg_crules *r, const struct vg_ydoc *d, const struct vg_ynode *seq,
    struct vg_err *err)
{
	static const char *const keys[] = { "id", "provider", "url", "global_url", "sample_region",
		"source", NULL };

	if (!vg_yexpect(d, seq, VG_Y_SEQ, "targets", err))
		return false;
	for (size_t i = 0; i < seq->n; i++) {
		const struct vg_ynode *m = seq->items[i];
		struct vg_ctarget *t;
		bool ok = true;

		if (r->n_targets == VG_CRULES_TARGETS_MAX)
			return vg_yerr(d, m, err, "more than %u targets", VG_CRULES_TARGETS_MAX);
		if (!vg_yexpect(d, m, VG_Y_MAP, "a target", err) || !vg_ykeys(d, m, keys, err))
			return false;
		t = &r->targets[r->n_targets];
		t->line = m->line;
		if ((t->id = vg_ystr(d, m, "id", err)) == NULL ||
		    (t->provider = vg_ystr(d, m, "provider", err)) == NULL ||
		    vg_ystr(d, m, "source", err) == NULL)
			return false;
		t->url = vg_ystr_opt(d, m, "url", &ok, err);
		if (ok)
			t->global_url = vg_ystr_opt(d, m, "global_url", &ok, err);
		if (ok)
			t->sample_region = vg_ystr_opt(d, m, "sample_region", &ok, err);
		if (!ok)
			return false;
		if (find_target(r, t->id) != NULL)
			return vg_yerr(d, vg_ymap_get(m, "id"), err, "duplicate target '%s'", t->id);
		if (t->url != NULL && !url_ok(t->url))
			return vg_yerr(d, vg_ymap_get(m, "url"), err,
			    "url must be https:// with at most one {region}");
		if (t->global_url != NULL && (!url_ok(t->global_url) ||
		    strchr(t->global_url, '{') != NULL))
			return vg_yerr(d, vg_ymap_get(m, "global_url"), err,
			    "global_url must be https:// without a placeholder");
		if (t->url != NULL && strstr(t->url, "{region}") != NULL && t->sample_region == NULL)
			return vg_yerr(d, m, err, "a url with {region} needs a sample_region");
		r->n_targets++;
	}
	return true;
}

static bool
name_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!(*s == '_' || *s == '.' || *s == '-' || (*s >= '0' && *s <= '9') ||
		    (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

static bool
add_var(struct vg_crules *r, const struct vg_ydoc *d, const struct vg_ynode *at,
    const struct vg_crule *proto, size_t cap, struct vg_err *err)
{
	if (r->n_vars == cap)
		return vg_yerr(d, at, err, "more than %u variable names", VG_CRULES_VARS_MAX);
	if (!name_ok(at->str))
		return vg_yerr(d, at, err, "'%s' is not a variable name", at->str);
	r->vars[r->n_vars] = *proto;
	r->vars[r->n_vars].name = at->str;
	r->vars[r->n_vars].line = at->line;
	r->n_vars++;
	return true;
}

static bool
load_vars(struct vg_crules *r, const struct vg_ydoc *d, const struct vg_ynode *seq,
    struct vg_err *err)
{
	static const char *const keys[] = { "names", "gives", "target", "source", NULL };
	size_t cap = 0;

	if (!vg_yexpect(d, seq, VG_Y_SEQ, "variables", err))
		return false;
	for (size_t i = 0; i < seq->n; i++) {
		const struct vg_ynode *n = vg_ymap_get(seq->items[i], "names");
		cap += n != NULL && n->kind == VG_Y_SEQ ? n->n : 1;
	}
	if (cap > VG_CRULES_VARS_MAX)
		cap = VG_CRULES_VARS_MAX;
	if ((r->vars = vg_arena_alloc(&r->arena, (cap + 1) * sizeof(*r->vars))) == NULL)
		return vg_yerr(d, seq, err, "out of memory");
	for (size_t i = 0; i < seq->n; i++) {
		const struct vg_ynode *m = seq->items[i], *names;
		struct vg_crule proto;

		memset(&proto, 0, sizeof(proto));
		if (!vg_yexpect(d, m, VG_Y_MAP, "a variable rule", err) || !vg_ykeys(d, m, keys, err) ||
		    !parse_gives(d, m, &proto.gives, err) ||
		    !parse_target(r, d, m, proto.gives != VG_CG_ENDPOINT, &proto.target, err) ||
		    vg_ystr(d, m, "source", err) == NULL)
			return false;
		if ((names = vg_ymap_get(m, "names")) == NULL)
			return vg_yerr(d, m, err, "missing key 'names'");
		if (!vg_yexpect(d, names, VG_Y_SEQ, "names", err))
			return false;
		if (names->n == 0)
			return vg_yerr(d, names, err, "names is empty");
		for (size_t j = 0; j < names->n; j++) {
			if (!vg_yexpect(d, names->items[j], VG_Y_SCALAR, "a variable name", err) ||
			    !add_var(r, d, names->items[j], &proto, cap, err))
				return false;
			for (size_t k = 0; k + 1 < r->n_vars; k++)
				if (strcmp(r->vars[k].name, names->items[j]->str) == 0)
					return vg_yerr(d, names->items[j], err,
					    "variable '%s' already has a rule (line %u)",
					    names->items[j]->str, r->vars[k].line);
		}
	}
	return true;
}

/* A key path: key ("." key)*, a key being a name, "*", or a name followed by "[]". */
static bool
split_path(struct vg_crules *r, struct vg_crule *k)
{
	char *copy = vg_arena_strdup(&r->arena, k->name), *p, *seg;

	if (copy == NULL)
		return false;
	k->n_segs = 0;
	for (p = copy; (seg = strsep(&p, ".")) != NULL;) {
		size_t n = strlen(seg);
		bool list = n > 2 && strcmp(seg + n - 2, "[]") == 0;

		if (list)
			seg[n - 2] = '\0';
		if (k->n_segs + (list ? 2 : 1) > VG_CKEY_SEGS_MAX)
			return false;
		if (!(strcmp(seg, "*") == 0 || name_ok(seg)))
			return false;
		k->segs[k->n_segs++] = seg;
		if (list)
			k->segs[k->n_segs++] = "[]";
	}
	return k->n_segs > 0;
}

static bool
load_keys(struct vg_crules *r, const struct vg_ydoc *d, const struct vg_ynode *seq,
    struct vg_err *err)
{
	static const char *const keys[] = { "path", "gives", "target", "source", NULL };

	if (!vg_yexpect(d, seq, VG_Y_SEQ, "keys", err))
		return false;
	for (size_t i = 0; i < seq->n; i++) {
		const struct vg_ynode *m = seq->items[i];
		struct vg_crule *k;

		if (r->n_keys == VG_CRULES_KEYS_MAX)
			return vg_yerr(d, m, err, "more than %u key rules", VG_CRULES_KEYS_MAX);
		if (!vg_yexpect(d, m, VG_Y_MAP, "a key rule", err) || !vg_ykeys(d, m, keys, err))
			return false;
		k = &r->keys[r->n_keys];
		memset(k, 0, sizeof(*k));
		k->line = m->line;
		if ((k->name = vg_ystr(d, m, "path", err)) == NULL ||
		    !parse_gives(d, m, &k->gives, err) ||
		    !parse_target(r, d, m, k->gives == VG_CG_REGION || k->gives == VG_CG_TARGET,
		    &k->target, err) || vg_ystr(d, m, "source", err) == NULL)
			return false;
		if (!split_path(r, k))
			return vg_yerr(d, vg_ymap_get(m, "path"), err,
			    "path must be keys separated by '.', each a name, a name followed by "
			    "'[]' or '*' (at most %u)", VG_CKEY_SEGS_MAX);
		r->n_keys++;
	}
	return true;
}

static bool
load_models(struct vg_crules *r, const struct vg_ydoc *d, const struct vg_ynode *seq,
    struct vg_err *err)
{
	static const char *const keys[] = { "prefix", "target", NULL };

	if (!vg_yexpect(d, seq, VG_Y_SEQ, "models", err))
		return false;
	for (size_t i = 0; i < seq->n; i++) {
		const struct vg_ynode *m = seq->items[i];
		struct vg_cmodel *mo;

		if (r->n_models == VG_CRULES_MODELS_MAX)
			return vg_yerr(d, m, err, "more than %u model prefixes", VG_CRULES_MODELS_MAX);
		if (!vg_yexpect(d, m, VG_Y_MAP, "a model prefix", err) || !vg_ykeys(d, m, keys, err))
			return false;
		mo = &r->models[r->n_models];
		if ((mo->prefix = vg_ystr(d, m, "prefix", err)) == NULL ||
		    !parse_target(r, d, m, true, &mo->target, err))
			return false;
		mo->len = strlen(mo->prefix);
		if (mo->len < 2 || mo->prefix[mo->len - 1] != '/')
			return vg_yerr(d, vg_ymap_get(m, "prefix"), err,
			    "a model prefix ends with '/'");
		/* Longest first, so that a lookup may stop at the first match. */
		for (size_t j = 0; j < r->n_models; j++)
			if (strncmp(mo->prefix, r->models[j].prefix, r->models[j].len) == 0)
				return vg_yerr(d, vg_ymap_get(m, "prefix"), err,
				    "prefix '%s' is hidden by '%s' before it: list longer prefixes "
				    "first", mo->prefix, r->models[j].prefix);
		r->n_models++;
	}
	return true;
}

static bool
load_secrets(struct vg_crules *r, const struct vg_ydoc *d, const struct vg_ynode *seq,
    struct vg_err *err)
{
	if (!vg_yexpect(d, seq, VG_Y_SEQ, "secret_keys", err))
		return false;
	for (size_t i = 0; i < seq->n; i++) {
		if (r->n_secrets == VG_CRULES_SECRETS_MAX)
			return vg_yerr(d, seq->items[i], err, "more than %u secret_keys",
			    VG_CRULES_SECRETS_MAX);
		if (!vg_yexpect(d, seq->items[i], VG_Y_SCALAR, "a glob", err))
			return false;
		if (seq->items[i]->str[0] == '\0')
			return vg_yerr(d, seq->items[i], err, "empty glob");
		r->secrets[r->n_secrets++] = seq->items[i]->str;
	}
	return true;
}

static int
cmp_var(const void *a, const void *b)
{
	return strcmp(((const struct vg_crule *)a)->name, ((const struct vg_crule *)b)->name);
}

static bool
load(struct vg_crules *r, struct vg_err *err)
{
	static const char *const keys[] = { "version", "secret_keys", "targets", "variables", "keys",
		"models", NULL };
	const struct vg_ydoc *d = r->doc;
	const struct vg_ynode *root = vg_ydoc_root(d), *n;

	if (!vg_yexpect(d, root, VG_Y_MAP, "the document", err) || !vg_ykeys(d, root, keys, err) ||
	    (r->version = vg_ystr(d, root, "version", err)) == NULL)
		return false;
	if ((n = vg_ymap_get(root, "targets")) == NULL)
		return vg_yerr(d, root, err, "missing key 'targets'");
	if (!load_targets(r, d, n, err))
		return false;
	if ((n = vg_ymap_get(root, "secret_keys")) != NULL && !load_secrets(r, d, n, err))
		return false;
	if ((n = vg_ymap_get(root, "variables")) != NULL && !load_vars(r, d, n, err))
		return false;
	if ((n = vg_ymap_get(root, "keys")) != NULL && !load_keys(r, d, n, err))
		return false;
	if ((n = vg_ymap_get(root, "models")) != NULL && !load_models(r, d, n, err))
		return false;
	if (r->n_vars > 0)
		qsort(r->vars, r->n_vars, sizeof(*r->vars), cmp_var);
	return true;
}

static struct vg_crules *
from_doc(struct vg_ydoc *doc, struct vg_err *err)
{
	struct vg_crules *r;

	if (doc == NULL)
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		vg_ydoc_free(doc);
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", vg_ydoc_name(doc));
		return NULL;
	}
	r->doc = doc;
	if (!load(r, err)) {
		vg_crules_free(r);
		return NULL;
	}
	return r;
}

struct vg_crules *
vg_crules_load(const char *path, struct vg_err *err)
{
	return from_doc(vg_ydoc_load(path, err), err);
}

struct vg_crules *
vg_crules_load_mem(const char *name, const void *buf, size_t len, struct vg_err *err)
{
	return from_doc(vg_ydoc_load_mem(name, buf, len, err), err);
}

const char *
vg_crules_version(const struct vg_crules *r)
{
	return r->version;
}

const char *
vg_crules_file(const struct vg_crules *r)
{
	return vg_ydoc_name(r->doc);
}

size_t
vg_crules_n_targets(const struct vg_crules *r)
{
	return r->n_targets;
}

const struct vg_ctarget *
vg_crules_target(const struct vg_crules *r, size_t i)
{
	return i < r->n_targets ? &r->targets[i] : NULL;
}

size_t
vg_crules_n_keys(const struct vg_crules *r)
{
	return r->n_keys;
}

const struct vg_crule *
vg_crules_key(const struct vg_crules *r, size_t i)
{
	return i < r->n_keys ? &r->keys[i] : NULL;
}

const struct vg_crule *
vg_crules_var(const struct vg_crules *r, const char *name)
{
	struct vg_crule key;

	if (r->n_vars == 0)
		return NULL;
	key.name = name;
	return bsearch(&key, r->vars, r->n_vars, sizeof(*r->vars), cmp_var);
}

bool
vg_crules_secret(const struct vg_crules *r, const char *key)
{
	for (size_t i = 0; i < r->n_secrets; i++)
		if (fnmatch(r->secrets[i], key, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

const struct vg_cmodel *
vg_crules_model(const struct vg_crules *r, const char *model)
{
	for (size_t i = 0; i < r->n_models; i++)
		if (strncmp(model, r->models[i].prefix, r->models[i].len) == 0)
			return &r->models[i];
	return NULL;
}

/* A region code as clouds write them; anything else never reaches a URL. */
static bool
region_ok(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return false;
	return n > 0 && n <= 63;
}

bool
vg_ctarget_url(const struct vg_ctarget *t, const char *region, char *buf, size_t len)
{
	const char *p;
	int n;

	if (t->url == NULL)
		return false;
	if (region != NULL && strcmp(region, "global") == 0 && t->global_url != NULL)
		n = snprintf(buf, len, "%s", t->global_url);
	else if ((p = strstr(t->url, "{region}")) == NULL)
		n = snprintf(buf, len, "%s", t->url);
	else if (region == NULL || !region_ok(region))
		return false;
	else
		n = snprintf(buf, len, "%.*s%s%s", (int)(p - t->url), t->url, region, p + 8);
	return n > 0 && (size_t)n < len;
}
