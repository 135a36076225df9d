/* config_scan.c - walks configuration trees and turns settings into AI endpoints, driven by rules. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "arena.h"
#include "config_scan.h"
#include "dotenv.h"
#include "yamldoc.h"

static const char *const type_names[VG_CF__N] = {
	"dotenv", "kubernetes", "compose", "helm-values", "litellm", "json", "yaml", "manifest",
};

const char *
vg_cfile_type_name(enum vg_cfile_type t)
{
	return (unsigned)t < VG_CF__N ? type_names[t] : "?";
}

/* A directory already walked, by device and inode: what stops symbolic link loops. */
struct dirid {
	dev_t dev;
	ino_t ino;
};

struct vg_cscan {
	const struct vg_crules *rules;
	struct vg_cscan_opts opts;
	struct vg_arena arena;
	struct vg_cfg_endpoint *eps;
	size_t n_eps, cap_eps;
	const char **manifests;
	size_t n_manifests, cap_manifests;
	const char **errors, **warnings;
	size_t n_errors, n_warnings, cap_errors, cap_warnings;
	struct dirid *dirs;         /* open addressing, cap a power of two */
	size_t n_dirs, cap_dirs;
	uint64_t files_seen;
	struct vg_cscan_stats st;
	bool oom;
};

/* One setting found in a file, before settings are joined into endpoints. */
struct item {
	enum vg_cgives gives;
	const struct vg_ctarget *target;
	const void *group;          /* the collection holding it */
	const char *value;          /* NULL: not read (a secret), or a reference */
	bool reference;
	unsigned line, col;
	const char *key, *label, *context;
};

/* The file being read. */
struct fctx {
	struct vg_cscan *s;
	const char *file;
	enum vg_cfile_type type;
	struct item items[VG_CSCAN_ITEMS_MAX];
	size_t n_items;
	bool items_full;
	size_t visits;
	/* key path of the node being walked */
	const char *segs[VG_YAML_DEPTH_MAX * 2 + 8];
	size_t n_segs;
	char key[VG_CSCAN_KEY_MAX];
	size_t key_len;
	const char *doc_context;
};

struct vg_cscan *
vg_cscan_new(const struct vg_crules *rules, const struct vg_cscan_opts *opts)
{
	struct vg_cscan *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->rules = rules;
	if (opts != NULL)
		s->opts = *opts;
	if (s->opts.max_file_size == 0)
		s->opts.max_file_size = VG_CSCAN_FILE_SIZE;
	return s;
}

void
vg_cscan_free(struct vg_cscan *s)
{
	if (s == NULL)
		return;
	vg_arena_free(&s->arena);
	free(s->eps);
	free(s->manifests);
	free(s->errors);
	free(s->warnings);
	free(s->dirs);
	free(s);
}

size_t vg_cscan_n_endpoints(const struct vg_cscan *s) { return s->n_eps; }
const struct vg_cfg_endpoint *
vg_cscan_endpoint(const struct vg_cscan *s, size_t i) { return i < s->n_eps ? &s->eps[i] : NULL; }
size_t vg_cscan_n_manifests(const struct vg_cscan *s) { return s->n_manifests; }
const char *
vg_cscan_manifest(const struct vg_cscan *s, size_t i)
{
	return i < s->n_manifests ? s->manifests[i] : NULL;
}
size_t vg_cscan_n_errors(const struct vg_cscan *s) { return s->n_errors; }
const char *vg_cscan_error(const struct vg_cscan *s, size_t i) { return s->errors[i]; }
size_t vg_cscan_n_warnings(const struct vg_cscan *s) { return s->n_warnings; }
const char *vg_cscan_warning(const struct vg_cscan *s, size_t i) { return s->warnings[i]; }
const struct vg_cscan_stats *vg_cscan_stats(const struct vg_cscan *s) { return &s->st; }

static const char *
sdup(struct vg_cscan *s, const char *str)
{
	char *p;

	if (str == NULL)
		return NULL;
	if ((p = vg_arena_strdup(&s->arena, str)) == NULL)
		s->oom = true;
	return p;
}

/* Appends to a growing array of pointers. */
static bool
push(struct vg_cscan *s, const char ***v, size_t *n, size_t *cap, const char *str)
{
	if (str == NULL)
		return false;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		const char **p = realloc(*v, c * sizeof(*p));
		if (p == NULL) {
			s->oom = true;
			return false;
		}
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = str;
	return true;
}

static void problem(struct vg_cscan *s, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct vg_cscan *s, bool error, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (error)
		s->st.errors++;
	else
		s->st.warnings++;
	if ((error ? s->n_errors : s->n_warnings) >= VG_CSCAN_PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (error)
		push(s, &s->errors, &s->n_errors, &s->cap_errors, sdup(s, buf));
	else
		push(s, &s->warnings, &s->n_warnings, &s->cap_warnings, sdup(s, buf));
}

/* ---- key paths */

static size_t
key_push(struct fctx *f, const char *seg, bool index, size_t i)
{
	size_t was = f->key_len;
	int n;

	if (index)
		n = snprintf(f->key + f->key_len, sizeof(f->key) - f->key_len, "[%zu]", i);
	else
		n = snprintf(f->key + f->key_len, sizeof(f->key) - f->key_len, "%s%s",
		    f->key_len > 0 ? "." : "", seg);
	if (n > 0 && (size_t)n < sizeof(f->key) - f->key_len)
		f->key_len += (size_t)n;
	else
		f->key[f->key_len] = '\0'; /* too long: shown cut where it still fitted */
	if (f->n_segs < sizeof(f->segs) / sizeof(f->segs[0]))
		f->segs[f->n_segs] = index ? "[]" : seg;
	f->n_segs++;
	return was;
}

static void
key_pop(struct fctx *f, size_t was)
{
	f->key_len = was;
	f->key[was] = '\0';
	f->n_segs--;
}

static bool
rule_matches(const struct vg_crule *r, const struct fctx *f)
{
	if (r->n_segs != f->n_segs || f->n_segs > sizeof(f->segs) / sizeof(f->segs[0]))
		return false;
	for (size_t i = 0; i < r->n_segs; i++) {
		if (strcmp(r->segs[i], "*") == 0 && strcmp(f->segs[i], "[]") != 0)
			continue;
		if (strcmp(r->segs[i], f->segs[i]) != 0)
			return false;
	}
	return true;
}

/* ---- settings */

/* A value that names another setting instead of holding one. */
static bool
is_reference(const char *v)
{
	return strstr(v, "${") != NULL || v[0] == '$' || strncmp(v, "os.environ/", 11) == 0;
}

static void
add_item(struct fctx *f, const struct vg_crule *r, const void *group, const char *name,
    const char *value, unsigned line, unsigned col, const char *context)
{
	struct item *it;

	if (f->n_items == VG_CSCAN_ITEMS_MAX) {
		f->items_full = true;
		return;
	}
	it = &f->items[f->n_items];
	memset(it, 0, sizeof(*it));
	it->gives = r->gives;
	it->target = r->target;
	it->group = group;
	it->line = line;
	it->col = col;
	it->label = sdup(f->s, name);
	it->key = f->key_len > 0 ? sdup(f->s, f->key) : NULL;
	it->context = context;
	/* Presence is all a target setting says; a secret's value is never even copied. */
	if (r->gives != VG_CG_TARGET && value != NULL && !vg_crules_secret(f->s->rules, name)) {
		while (*value == ' ' || *value == '\t')
			value++;
		if (*value == '\0')
			return; /* set to nothing: no endpoint, region or model */
		if (is_reference(value))
			it->reference = true;
		else
			it->value = sdup(f->s, value);
	} else if (r->gives != VG_CG_TARGET) {
		it->reference = true;
	}
	f->n_items++;
}

/*
 * A list item setting a variable ({name, value} or "NAME=value"): its key
 * path ends with the name instead of the index, which shifts as people edit.
 */
static void
add_named_item(struct fctx *f, const struct vg_crule *r, const void *group, const char *name,
    const char *value, unsigned line, unsigned col, const char *context)
{
	size_t was = f->key_len, at = was;
	char tail[32] = "", *open;
	int n;

	if (was > 0 && f->key[was - 1] == ']' && (open = strrchr(f->key, '[')) != NULL &&
	    was - (size_t)(open - f->key) < sizeof(tail)) {
		at = (size_t)(open - f->key);
		memcpy(tail, open, was - at + 1);
	}
	n = snprintf(f->key + at, sizeof(f->key) - at, "[%s]", name);
	if (n > 0 && (size_t)n < sizeof(f->key) - at)
		f->key_len = at + (size_t)n;
	add_item(f, r, group, name, value, line, col, context);
	/* Put the index back: the caller pops what it pushed. */
	memcpy(f->key + at, tail, strlen(tail) + 1);
	f->key_len = was;
}

/* A variable written as a key: its value node gives the value and the position. */
static void
try_var(struct fctx *f, const void *group, const char *name, const struct vg_ynode *v,
    const char *context)
{
	const struct vg_crule *r = vg_crules_var(f->s->rules, name);

	if (r == NULL)
		return;
	add_item(f, r, group, name, v != NULL && v->kind == VG_Y_SCALAR ? v->str : NULL,
	    v != NULL ? v->line : 0, v != NULL ? v->col : 0, context);
}

/* "KEY=value" or "KEY" as a compose environment list item. */
static void
try_assignment(struct fctx *f, const void *group, const struct vg_ynode *n, const char *context)
{
	char name[128];
	const char *eq = strchr(n->str, '=');
	size_t len = eq != NULL ? (size_t)(eq - n->str) : strlen(n->str);
	const struct vg_crule *r;
	unsigned line = n->line, col = n->col;

	if (len == 0 || len >= sizeof(name))
		return;
	memcpy(name, n->str, len);
	name[len] = '\0';
	if ((r = vg_crules_var(f->s->rules, name)) == NULL)
		return;
	if (eq != NULL)
		vg_ynode_pos(n, len + 1, &line, &col);
	add_named_item(f, r, group, name, eq != NULL ? eq + 1 : NULL, line, col, context);
}

static const char *
scalar_of(const struct vg_ynode *map, const char *key)
{
	const struct vg_ynode *v = map != NULL && map->kind == VG_Y_MAP ? vg_ymap_get(map, key) :
	    NULL;

	return v != NULL && v->kind == VG_Y_SCALAR && v->str[0] != '\0' ? v->str : NULL;
}

static void walk(struct fctx *f, const struct vg_ynode *n, const struct vg_ynode *parent,
    unsigned depth, const char *context);

static void
walk_map(struct fctx *f, const struct vg_ynode *n, const struct vg_ynode *parent, unsigned depth,
    const char *context)
{
	const char *name = scalar_of(n, "name"), *s;
	char buf[256];

	/* Kubernetes env entry {name, value|valueFrom}: a setting of the enclosing env list. */
	if (name != NULL && parent != NULL && parent->kind == VG_Y_SEQ &&
	    (vg_ymap_get(n, "value") != NULL || vg_ymap_get(n, "valueFrom") != NULL)) {
		const struct vg_crule *r = vg_crules_var(f->s->rules, name);
		if (r != NULL) {
			const struct vg_ynode *v = vg_ymap_get(n, "value");
			add_named_item(f, r, parent, name, v != NULL && v->kind == VG_Y_SCALAR ?
			    v->str : NULL, v != NULL ? v->line : n->line, v != NULL ? v->col : n->col,
			    context);
		}
		return;
	}
	/* What sets it, for messages: a compose service, a container, a LiteLLM model. */
	if ((s = scalar_of(n, "model_name")) != NULL) {
		context = sdup(f->s, s);
	} else if (f->type == VG_CF_COMPOSE && f->n_segs == 2 &&
	    strcmp(f->segs[0], "services") == 0) {
		snprintf(buf, sizeof(buf), "service %s", f->segs[1]);
		context = sdup(f->s, buf);
	} else if (name != NULL && scalar_of(n, "image") != NULL) {
		snprintf(buf, sizeof(buf), "%s%s%s", f->doc_context != NULL ? f->doc_context : "",
		    f->doc_context != NULL ? " container " : "container ", name);
		context = sdup(f->s, buf);
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct vg_ynode *k = n->items[2 * i], *v = n->items[2 * i + 1];
		size_t was = key_push(f, k->str, false, 0);

		if (v->kind == VG_Y_SCALAR) {
			try_var(f, n, k->str, v, context);
			for (size_t j = 0; j < vg_crules_n_keys(f->s->rules); j++) {
				const struct vg_crule *r = vg_crules_key(f->s->rules, j);
				if (rule_matches(r, f))
					add_item(f, r, n, k->str, v->str, v->line, v->col, context);
			}
		} else {
			walk(f, v, n, depth + 1, context);
		}
		key_pop(f, was);
	}
}

static void
walk(struct fctx *f, const struct vg_ynode *n, const struct vg_ynode *parent, unsigned depth,
    const char *context)
{
	/* Aliases share nodes: a budget of visits bounds what a few lines can make us walk. */
	if (++f->visits > VG_CSCAN_VISITS_MAX || depth > VG_YAML_DEPTH_MAX * 2)
		return;
	if (n->kind == VG_Y_MAP) {
		walk_map(f, n, parent, depth, context);
	} else if (n->kind == VG_Y_SEQ) {
		for (size_t i = 0; i < n->n; i++) {
			size_t was = key_push(f, NULL, true, i);
			if (n->items[i]->kind == VG_Y_SCALAR)
				try_assignment(f, n, n->items[i], context);
			else
				walk(f, n->items[i], n, depth + 1, context);
			key_pop(f, was);
		}
	}
}

/* ---- settings to endpoints */

static struct vg_cfg_endpoint *
new_endpoint(struct fctx *f, const struct item *it)
{
	struct vg_cscan *s = f->s;
	struct vg_cfg_endpoint *e;

	if (s->n_eps == VG_CSCAN_ENDPOINTS_MAX) {
		/* An endpoint left out is a check that did not happen: an error, said once. */
		if (s->st.endpoints_dropped++ == 0)
			problem(s, true, "%s: more than %u endpoints in this run; the rest were not "
			    "judged", f->file, VG_CSCAN_ENDPOINTS_MAX);
		return NULL;
	}
	if (s->n_eps == s->cap_eps) {
		size_t c = s->cap_eps ? s->cap_eps * 2 : 64;
		struct vg_cfg_endpoint *p = realloc(s->eps, c * sizeof(*p));
		if (p == NULL) {
			s->oom = true;
			return NULL;
		}
		s->eps = p;
		s->cap_eps = c;
	}
	e = &s->eps[s->n_eps++];
	memset(e, 0, sizeof(*e));
	e->file = f->file;
	e->type = f->type;
	e->line = it->line;
	e->col = it->col;
	e->key = it->key;
	e->label = it->label;
	e->context = it->context;
	e->target = it->target;
	return e;
}

/* A URL as configured, without what may carry a credential: user information, query, fragment. */
static const char *
clean_url(struct vg_cscan *s, const char *v)
{
	char buf[1024];
	const char *auth = strstr(v, "://"), *at, *slash;
	size_t n;

	if (strlen(v) >= sizeof(buf))
		return NULL;
	if (auth != NULL) {
		auth += 3;
		slash = auth + strcspn(auth, "/?#");
		at = memchr(auth, '@', (size_t)(slash - auth));
		n = (size_t)(auth - v);
		memcpy(buf, v, n);
		snprintf(buf + n, sizeof(buf) - n, "%s", at != NULL ? at + 1 : auth);
	} else {
		snprintf(buf, sizeof(buf), "%s", v);
	}
	buf[strcspn(buf, "?#")] = '\0';
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n > 0 ? sdup(s, buf) : NULL;
}

/* The model name and the target its prefix names (or the rule's). */
static const char *
model_of(struct fctx *f, const struct item *it, const struct vg_ctarget **t)
{
	const struct vg_cmodel *m;

	*t = it->target;
	if (it->value == NULL)
		return NULL;
	if ((m = vg_crules_model(f->s->rules, it->value)) != NULL) {
		*t = m->target;
		return it->value + m->len;
	}
	return it->value;
}

/* Joins the settings of one group: endpoints first, then what names a target, then regions. */
static void
join_group(struct fctx *f, size_t from, size_t to)
{
	size_t first = f->s->n_eps, n_ep;
	const struct vg_ctarget *group_target = NULL;
	char url[512];

	for (size_t i = from; i < to; i++) {
		const struct vg_ctarget *t = f->items[i].target;
		if (f->items[i].gives == VG_CG_MODEL)
			(void)model_of(f, &f->items[i], &t);
		if (f->items[i].gives != VG_CG_ENDPOINT && f->items[i].gives != VG_CG_REGION &&
		    t != NULL && group_target == NULL)
			group_target = t;
	}
	for (size_t i = from; i < to; i++) {
		const struct item *it = &f->items[i];
		struct vg_cfg_endpoint *e;

		if (it->gives != VG_CG_ENDPOINT)
			continue;
		if ((e = new_endpoint(f, it)) == NULL)
			return;
		e->unresolved = it->reference;
		if (it->value != NULL)
			e->url = clean_url(f->s, it->value);
		/* A bare base URL (LiteLLM api_base) takes the target its model names. */
		if (e->target == NULL)
			e->target = group_target;
	}
	/* Models and targets first, so that a region finds the endpoint they make. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = from; i < to; i++) {
			const struct item *it = &f->items[i];
			const struct vg_ctarget *t = it->target;
			const char *model = NULL;
			bool found = false, regions_pass = pass == 1;

			if (it->gives == VG_CG_ENDPOINT || (it->gives == VG_CG_REGION) != regions_pass)
				continue;
			if (it->gives == VG_CG_MODEL)
				model = model_of(f, it, &t);
			n_ep = f->s->n_eps;
			for (size_t j = first; j < n_ep; j++) {
				struct vg_cfg_endpoint *e = &f->s->eps[j];
				if (t != NULL ? e->target != t : n_ep - first != 1)
					continue;
				found = true;
				if (it->gives == VG_CG_MODEL && model != NULL)
					e->model = model;
				else if (it->gives == VG_CG_REGION && it->value != NULL)
					e->region = it->value;
			}
			/* A region alone (AWS_REGION) says nothing about AI; other settings do. */
			if (!found && t != NULL && it->gives != VG_CG_REGION) {
				struct vg_cfg_endpoint *e = new_endpoint(f, it);
				if (e == NULL)
					return;
				e->target = t;
				e->model = model;
				e->url_default = true;
			}
		}
	}
	/* Default URLs last: a regional one needs the region the group sets. */
	for (size_t j = first; j < f->s->n_eps; j++) {
		struct vg_cfg_endpoint *e = &f->s->eps[j];
		if (e->url_default && e->target != NULL &&
		    vg_ctarget_url(e->target, e->region, url, sizeof(url)))
			e->url = sdup(f->s, url);
		/* Parsed once here: subjects and every flow's join read the host. */
		if (e->url == NULL || vg_url_parse(e->url, &e->u) != NULL)
			memset(&e->u, 0, sizeof(e->u));
	}
}

static int
cmp_group(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->group != y->group)
		return (uintptr_t)x->group < (uintptr_t)y->group ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/*
 * A reference (valueFrom, ${VAR}) to a setting this file also sets with a
 * value (a ConfigMap beside its Deployment) adds nothing.
 */
static bool
resolved_elsewhere(const struct fctx *f, const struct item *it)
{
	/* Only a variable is the same setting wherever it is written; a key (api_base) is not. */
	if (vg_crules_var(f->s->rules, it->label) == NULL)
		return false;
	for (size_t i = 0; i < f->n_items; i++)
		if (f->items[i].gives == it->gives && f->items[i].value != NULL &&
		    strcmp(f->items[i].label, it->label) == 0)
			return true;
	return false;
}

static void
join(struct fctx *f)
{
	size_t i = 0, n = 0;

	for (size_t j = 0; j < f->n_items; j++)
		if (!(f->items[j].gives == VG_CG_ENDPOINT && f->items[j].reference &&
		    resolved_elsewhere(f, &f->items[j])))
			f->items[n++] = f->items[j];
	f->n_items = n;
	qsort(f->items, f->n_items, sizeof(f->items[0]), cmp_group);
	while (i < f->n_items) {
		size_t j = i + 1;
		while (j < f->n_items && f->items[j].group == f->items[i].group)
			j++;
		join_group(f, i, j);
		i = j;
	}
	if (f->items_full)
		problem(f->s, false, "%s: more than %u settings; the rest were not read", f->file,
		    VG_CSCAN_ITEMS_MAX);
}

/* ---- file types */

static const char *
base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b != NULL ? b + 1 : path;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

enum kind { K_NONE, K_DOTENV, K_YAML, K_JSON };

static enum kind
kind_of(const char *path)
{
	const char *b = base_name(path);

	if (strcmp(b, ".env") == 0 || strncmp(b, ".env.", 5) == 0 || ends_with(b, ".env"))
		return K_DOTENV;
	if (ends_with(b, ".yaml") || ends_with(b, ".yml"))
		return K_YAML;
	if (ends_with(b, ".json"))
		return K_JSON;
	return K_NONE;
}

/* Generated files that hold no configuration, only versions of dependencies. */
static bool
lock_file(const char *path)
{
	const char *b = base_name(path);

	return strcmp(b, "package-lock.json") == 0 || strcmp(b, "npm-shrinkwrap.json") == 0 ||
	    strcmp(b, "composer.lock") == 0 || strcmp(b, "pnpm-lock.yaml") == 0;
}

static bool
compose_name(const char *b)
{
	return strncmp(b, "compose", 7) == 0 || strncmp(b, "docker-compose", 14) == 0;
}

static enum vg_cfile_type
yaml_type(const struct vg_ydoc *d, const char *path)
{
	const char *b = base_name(path);
	bool k8s = false;

	for (size_t i = 0; i < vg_ydoc_n_docs(d); i++) {
		const struct vg_ynode *r = vg_ydoc_doc(d, i);
		const char *kind = scalar_of(r, "kind");

		if (kind != NULL && strcmp(kind, "AIDeployment") == 0)
			return VG_CF_MANIFEST;
		if (kind != NULL && scalar_of(r, "apiVersion") != NULL)
			k8s = true;
	}
	if (k8s)
		return VG_CF_KUBERNETES;
	if (vg_ydoc_n_docs(d) > 0) {
		const struct vg_ynode *r = vg_ydoc_doc(d, 0), *v;
		if (r->kind == VG_Y_MAP && (v = vg_ymap_get(r, "model_list")) != NULL &&
		    v->kind == VG_Y_SEQ)
			return VG_CF_LITELLM;
		if (r->kind == VG_Y_MAP && (v = vg_ymap_get(r, "services")) != NULL &&
		    v->kind == VG_Y_MAP && compose_name(b))
			return VG_CF_COMPOSE;
	}
	if (strncmp(b, "values", 6) == 0)
		return VG_CF_HELM;
	return VG_CF_YAML;
}

/*
 * jansson's messages quote the text near an error, which may be a secret:
 * keep the message, drop the quotation.
 */
static void
json_error(struct vg_cscan *s, const char *file, const json_error_t *je)
{
	char msg[sizeof(je->text)];
	char *near;

	snprintf(msg, sizeof(msg), "%s", je->text);
	if ((near = strstr(msg, " near '")) != NULL)
		*near = '\0';
	problem(s, true, "%s:%d:%d: malformed JSON: %s", file, je->line, je->column, msg);
}

static void
extract_doc(struct fctx *f, const struct vg_ydoc *d)
{
	char ctx[256];

	for (size_t i = 0; i < vg_ydoc_n_docs(d); i++) {
		const struct vg_ynode *r = vg_ydoc_doc(d, i);
		const char *kind = scalar_of(r, "kind"), *name;

		f->doc_context = NULL;
		if (f->type == VG_CF_KUBERNETES && kind != NULL) {
			/* A Secret's data are secrets by definition: never read. */
			if (strcmp(kind, "Secret") == 0) {
				f->s->st.skipped++;
				continue;
			}
			name = scalar_of(vg_ymap_get(r, "metadata"), "name");
			snprintf(ctx, sizeof(ctx), "%s/%s", kind, name != NULL ? name : "?");
			f->doc_context = sdup(f->s, ctx);
		}
		f->key_len = 0;
		f->key[0] = '\0';
		f->n_segs = 0;
		walk(f, r, NULL, 0, f->doc_context);
	}
}

static void
extract_dotenv(struct fctx *f, const void *buf, size_t len)
{
	struct vg_err err;
	struct vg_dotenv *e = vg_dotenv_parse(f->file, buf, len, &err);

	if (e == NULL) {
		problem(f->s, true, "%s", err.msg);
		return;
	}
	f->s->st.files[VG_CF_DOTENV]++;
	for (size_t i = 0; i < vg_dotenv_n(e); i++) {
		const struct vg_dotenv_var *v = vg_dotenv_var(e, i);
		const struct vg_crule *r = vg_crules_var(f->s->rules, v->key);

		if (r == NULL)
			continue;
		/* In a .env file the variable is the whole key path. */
		snprintf(f->key, sizeof(f->key), "%s", v->key);
		f->key_len = strlen(f->key);
		add_item(f, r, f, v->key, v->value, v->value != NULL ? v->value_line : v->line,
		    v->value != NULL ? v->value_col : v->col, NULL);
	}
	vg_dotenv_free(e);
	join(f);
}

static bool
record_manifest(struct vg_cscan *s, const char *file)
{
	return push(s, &s->manifests, &s->n_manifests, &s->cap_manifests, file);
}

static void
scan_buffer(struct vg_cscan *s, const char *file, enum kind k, const void *buf, size_t len)
{
	static struct fctx f; /* large (settings of a file); one file at a time */
	struct vg_err err;
	struct vg_ydoc *d;

	memset(&f, 0, offsetof(struct fctx, items));
	f.s = s;
	f.file = file;
	f.n_items = 0;
	f.items_full = false;
	f.visits = 0;
	f.n_segs = 0;
	f.key_len = 0;
	f.key[0] = '\0';
	s->st.bytes += len;
	if (k == K_DOTENV) {
		f.type = VG_CF_DOTENV;
		extract_dotenv(&f, buf, len);
		return;
	}
	if (k == K_JSON) {
		json_error_t je;
		json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY |
		    JSON_ALLOW_NUL, &je);
		if (j == NULL) {
			json_error(s, file, &je);
			return;
		}
		json_decref(j);
	}
	/* JSON is YAML too: one tree walker, with the positions jansson does not keep. */
	if ((d = vg_ydoc_load_mem_flags(file, buf, len, VG_YDOC_STREAM, &err)) == NULL) {
		problem(s, true, "%s", err.msg);
		return;
	}
	f.type = k == K_JSON ? VG_CF_JSON : yaml_type(d, file);
	s->st.files[f.type]++;
	if (f.type == VG_CF_MANIFEST) {
		record_manifest(s, file);
	} else {
		extract_doc(&f, d);
		join(&f);
	}
	vg_ydoc_free(d);
}

bool
vg_cscan_buffer(struct vg_cscan *s, const char *name, const void *buf, size_t len)
{
	const char *file = sdup(s, name);
	enum kind k = kind_of(name);

	if (file == NULL)
		return false;
	scan_buffer(s, file, k == K_NONE ? K_YAML : k, buf, len);
	return !s->oom;
}

/* ---- the walk */

static void
scan_file(struct vg_cscan *s, const char *path, enum kind k)
{
	const char *file;
	char *buf;
	size_t got = 0;
	ssize_t n;
	struct stat sb, *st = &sb;
	int fd;

	if (++s->files_seen > VG_CSCAN_FILES_MAX) {
		if (s->files_seen == VG_CSCAN_FILES_MAX + 1)
			problem(s, true, "%s: more than %u configuration files; the rest were not "
			    "read", path, VG_CSCAN_FILES_MAX);
		return;
	}
	/* The size and type of what was opened, not of what stat() saw before: it may have changed. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		problem(s, true, "%s: cannot open: %s", path, strerror(errno));
		return;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		problem(s, true, "%s: not a regular file", path);
		close(fd);
		return;
	}
	if ((uint64_t)st->st_size > s->opts.max_file_size) {
		problem(s, true, "%s: %lld bytes, over the %llu-byte limit for a configuration file "
		    "(raise it with --max-file-size, or leave the file out with --exclude)", path,
		    (long long)st->st_size, (unsigned long long)s->opts.max_file_size);
		close(fd);
		return;
	}
	/* One byte more than the limit shows a file that grew since stat(). */
	if ((buf = malloc((size_t)st->st_size + 1)) == NULL) {
		close(fd);
		s->oom = true;
		return;
	}
	while (got <= (size_t)st->st_size &&
	    (n = read(fd, buf + got, (size_t)st->st_size + 1 - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			problem(s, true, "%s: read error: %s", path, strerror(errno));
			close(fd);
			free(buf);
			return;
		}
		got += (size_t)n;
	}
	close(fd);
	if (got > (size_t)st->st_size)
		problem(s, true, "%s: the file changed while it was read", path);
	else if ((file = sdup(s, path)) != NULL)
		scan_buffer(s, file, k, buf, got);
	free(buf);
}

static bool
excluded(const struct vg_cscan *s, const char *rel)
{
	const char *b = base_name(rel);

	for (size_t i = 0; i < s->opts.n_exclude; i++) {
		const char *g = s->opts.exclude[i];
		if (strchr(g, '/') != NULL ? fnmatch(g, rel, 0) == 0 : fnmatch(g, b, 0) == 0)
			return true;
	}
	return false;
}

static size_t
dir_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)ino * 0xc2b2ae3d27d4eb4full);

	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* True when the directory was new; false when seen (or out of memory: s->oom). */
static bool
dir_add(struct vg_cscan *s, dev_t dev, ino_t ino)
{
	size_t i;

	if (2 * (s->n_dirs + 1) > s->cap_dirs) {
		size_t cap = s->cap_dirs ? s->cap_dirs * 2 : 256;
		struct dirid *v = calloc(cap, sizeof(*v)), *old = s->dirs;
		if (v == NULL) {
			s->oom = true;
			return false;
		}
		for (size_t j = 0; j < s->cap_dirs; j++) {
			if (old[j].ino == 0)
				continue;
			for (i = dir_hash(old[j].dev, old[j].ino, cap); v[i].ino != 0; i = (i + 1) & (cap - 1))
				;
			v[i] = old[j];
		}
		free(old);
		s->dirs = v;
		s->cap_dirs = cap;
	}
	for (i = dir_hash(dev, ino, s->cap_dirs); s->dirs[i].ino != 0; i = (i + 1) & (s->cap_dirs - 1))
		if (s->dirs[i].dev == dev && s->dirs[i].ino == ino)
			return false;
	s->dirs[i].dev = dev;
	s->dirs[i].ino = ino == 0 ? 1 : ino;
	s->n_dirs++;
	return true;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A Helm chart's templates are Go templates, not YAML: the chart's values files carry its settings. */
static bool
helm_templates(const char *dir)
{
	char p[VG_CSCAN_PATH_MAX];
	struct stat st;
	size_t n = strlen(dir);

	if (strcmp(base_name(dir), "templates") != 0 || n + 16 >= sizeof(p))
		return false;
	snprintf(p, sizeof(p), "%s/../Chart.yaml", dir);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void walk_path(struct vg_cscan *s, const char *path, const char *rel, unsigned depth,
    bool top);

static void
walk_dir(struct vg_cscan *s, const char *path, const char *rel, unsigned depth)
{
	DIR *dir;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	bool templates = helm_templates(path);

	if (depth > VG_CSCAN_DEPTH_MAX) {
		problem(s, false, "%s: more than %u directories deep; not entered", path,
		    VG_CSCAN_DEPTH_MAX);
		return;
	}
	if ((dir = opendir(path)) == NULL) {
		problem(s, true, "%s: cannot open directory: %s", path, strerror(errno));
		return;
	}
	s->st.dirs++;
	while ((de = readdir(dir)) != NULL) {
		char *copy;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".git") == 0 || strcmp(de->d_name, "node_modules") == 0)
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 32;
			char **p = realloc(names, c * sizeof(*p));
			if (p == NULL) {
				s->oom = true;
				break;
			}
			names = p;
			cap = c;
		}
		if ((copy = strdup(de->d_name)) == NULL) {
			s->oom = true;
			break;
		}
		names[n++] = copy;
	}
	closedir(dir);
	if (names != NULL)
		qsort(names, n, sizeof(*names), cmp_name); /* the same order on every machine */
	for (size_t i = 0; i < n && !s->oom; i++) {
		char full[VG_CSCAN_PATH_MAX], r[VG_CSCAN_PATH_MAX];
		int a = snprintf(full, sizeof(full), "%s%s%s", path,
		    ends_with(path, "/") ? "" : "/", names[i]);
		int b = snprintf(r, sizeof(r), "%s%s%s", rel, rel[0] != '\0' ? "/" : "", names[i]);

		if (a < 0 || (size_t)a >= sizeof(full) || b < 0 || (size_t)b >= sizeof(r)) {
			problem(s, false, "%s/%s: path too long; not read", path, names[i]);
		} else if (templates && kind_of(names[i]) == K_YAML) {
			s->st.skipped++;
		} else {
			walk_path(s, full, r, depth + 1, false);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void
walk_path(struct vg_cscan *s, const char *path, const char *rel, unsigned depth, bool top)
{
	struct stat st, lst;
	enum kind k;

	if (s->oom)
		return;
	if (!top && excluded(s, rel)) {
		s->st.excluded++;
		return;
	}
	if (stat(path, &st) != 0) {
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			problem(s, false, "%s: dangling symbolic link; not followed", path);
		else
			problem(s, true, "%s: %s", path, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!dir_add(s, st.st_dev, st.st_ino)) {
			if (!s->oom)
				problem(s, false, "%s: directory already walked (a symbolic link loop "
				    "or a second link to it); not entered again", path);
			return;
		}
		walk_dir(s, path, rel, depth);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		if (top)
			problem(s, true, "%s: not a regular file or directory", path);
		return;
	}
	k = kind_of(path);
	if (k == K_NONE && !top)
		return;
	if (lock_file(path) && !top) {
		s->st.skipped++;
		return;
	}
	/* A file named on the command line is read even under another name: as YAML. */
	scan_file(s, path, k == K_NONE ? K_YAML : k);
}

bool
vg_cscan_path(struct vg_cscan *s, const char *path)
{
	walk_path(s, path, "", 0, true);
	return !s->oom;
}
