/* manifest.c - loads AIDeployment manifests strictly, and checks their providers against the catalog. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "hostname.h"
#include "manifest.h"
#include "url.h"
#include "arena.h"
#include "policy_expr.h"

#define SHOW_MAX 64         /* bytes of a value quoted in an error */
#define PATH_MAX_LEN 64     /* "providers.dpf_certified" and the like */
#define SUGGEST_LEN_MAX 64  /* ids longer than this get no suggestion */

/* The public manifest and the arena every one of its strings and arrays lives in. */
struct mf {
	struct vg_manifest pub;
	struct vg_arena arena;
};

struct ctx {
	const struct vg_ydoc *doc;
	struct mf *mf;
	struct vg_err *err;
	const struct vg_ynode *derogation_key; /* for the check against the mechanism */
};

enum ftype {
	F_KIND,     /* checked before the walk */
	F_NAME,     /* the deployment name */
	F_TEXT,     /* free text */
	F_WORD,     /* printable ASCII without spaces, e.g. a model id */
	F_TOKEN,    /* [A-Za-z0-9._-]+ */
	F_ID,       /* [a-z0-9-]+, a catalog provider id */
	F_TAGS,     /* list of [a-z0-9-]+ */
	F_ENUM,
	F_BOOL,
	F_INT,
	F_DATE,
	F_MAP,      /* a sub-mapping whose fields live in the same struct */
	F_PROVIDERS,
	F_ENDPOINT, /* providers[].endpoint: host, scheme and port of the entry */
	F_GATEWAY,  /* approved_gateway: gateway_host */
	F_DEROGATION,
};

struct field {
	const char *key;
	enum ftype type;
	size_t off;
	const char *const *values;  /* F_ENUM */
	const struct field *sub;    /* F_MAP */
	int64_t min, max;           /* F_INT */
};

static const char *const roles[] = { "provider", "deployer", NULL };
static const char *const risk_classes[] = { "minimal", "limited", "high", "prohibited", NULL };
/* The eight areas of AI Act Annex III, points 1 to 8. */
static const char *const annex_iii_areas[] = { "biometrics", "critical-infrastructure",
	"education", "employment", "essential-services", "law-enforcement", "migration",
	"justice-democracy", NULL };
static const char *const routings[] = { "regional", "datazone", "global", NULL };
/* GDPR Art. 45 adequacy, Art. 46(2)(c) SCCs, Art. 47 BCRs, Art. 49 derogations. */
static const char *const mechanisms[] = { "adequacy", "scc", "bcr", "derogation", "none", NULL };

#define M(f) offsetof(struct vg_manifest, f)
#define P(f) offsetof(struct vg_mf_provider, f)

static const struct field risk_fields[] = {
	{ "class", F_ENUM, M(risk_class), risk_classes, NULL, 0, 0 },
	{ "annex_iii_area", F_ENUM, M(annex_iii_area), annex_iii_areas, NULL, 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct field data_fields[] = {
	{ "personal", F_BOOL, M(personal_data), NULL, NULL, 0, 0 },
	{ "special", F_BOOL, M(special_data), NULL, NULL, 0, 0 },
	{ "categories", F_TAGS, M(data_categories), NULL, NULL, 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct field transfer_fields[] = {
	{ "mechanism", F_ENUM, M(transfer_mechanism), mechanisms, NULL, 0, 0 },
	{ "tia_ref", F_TEXT, M(tia_ref), NULL, NULL, 0, 0 },
	{ "tia_date", F_DATE, M(tia_date), NULL, NULL, 0, 0 },
	{ "derogation", F_DEROGATION, M(derogation), NULL, NULL, 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

/* A hundred years bounds the retention period: anything longer is a typo. */
static const struct field logging_fields[] = {
	{ "enabled", F_BOOL, M(logging_enabled), NULL, NULL, 0, 0 },
	{ "retention_days", F_INT, M(retention_days), NULL, NULL, 0, 36500 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct field oversight_fields[] = {
	{ "contact", F_TEXT, M(oversight_contact), NULL, NULL, 0, 0 },
	{ "stop_procedure", F_TEXT, M(oversight_stop_procedure), NULL, NULL, 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct field fria_fields[] = {
	{ "ref", F_TEXT, M(fria_ref), NULL, NULL, 0, 0 },
	{ "date", F_DATE, M(fria_date), NULL, NULL, 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct field literacy_fields[] = {
	{ "record", F_TEXT, M(literacy_record), NULL, NULL, 0, 0 },
	{ "date", F_DATE, M(literacy_date), NULL, NULL, 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct field screen_fields[] = {
	{ "ref", F_TEXT, M(screen_ref), NULL, NULL, 0, 0 },
	{ "date", F_DATE, M(screen_date), NULL, NULL, 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct field provider_fields[] = {
	{ "provider", F_ID, P(provider), NULL, NULL, 0, 0 },
	{ "model", F_WORD, P(model), NULL, NULL, 0, 0 },
	{ "endpoint", F_ENDPOINT, P(endpoint), NULL, NULL, 0, 0 },
	{ "region", F_TOKEN, P(region), NULL, NULL, 0, 0 },
	{ "routing", F_ENUM, P(routing), routings, NULL, 0, 0 },
	{ "dpf_certified", F_BOOL, P(dpf_certified), NULL, NULL, 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct field top_fields[] = {
	{ "kind", F_KIND, 0, NULL, NULL, 0, 0 },
	{ "name", F_NAME, M(name), NULL, NULL, 0, 0 },
	{ "owner", F_TEXT, M(owner), NULL, NULL, 0, 0 },
	{ "purpose", F_TEXT, M(purpose), NULL, NULL, 0, 0 },
	{ "practices", F_TAGS, M(practices), NULL, NULL, 0, 0 },
	{ "role", F_ENUM, M(role), roles, NULL, 0, 0 },
	{ "risk", F_MAP, 0, NULL, risk_fields, 0, 0 },
	{ "data", F_MAP, 0, NULL, data_fields, 0, 0 },
	{ "interacts_with_persons", F_BOOL, M(interacts_with_persons), NULL, NULL, 0, 0 },
	{ "providers", F_PROVIDERS, 0, NULL, NULL, 0, 0 },
	{ "approved_gateway", F_GATEWAY, M(approved_gateway), NULL, NULL, 0, 0 },
	{ "transfer", F_MAP, 0, NULL, transfer_fields, 0, 0 },
	{ "logging", F_MAP, 0, NULL, logging_fields, 0, 0 },
	{ "oversight", F_MAP, 0, NULL, oversight_fields, 0, 0 },
	{ "transparency_notice", F_TEXT, M(transparency_notice), NULL, NULL, 0, 0 },
	{ "fria", F_MAP, 0, NULL, fria_fields, 0, 0 },
	{ "ai_literacy", F_MAP, 0, NULL, literacy_fields, 0, 0 },
	{ "prohibited_screen", F_MAP, 0, NULL, screen_fields, 0, 0 },
	{ "workers_informed", F_BOOL, M(workers_informed), NULL, NULL, 0, 0 },
	{ "first_use", F_DATE, M(first_use), NULL, NULL, 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const char *const kind_names[] = { "a scalar", "a sequence", "a mapping" };

/* ---- arena */

static void *
arena_alloc(struct mf *m, size_t n)
{
	return vg_arena_alloc(&m->arena, n);
}

static const char *
arena_strdup(struct mf *m, const char *s)
{
	return vg_arena_strdup(&m->arena, s);
}

void
vg_manifest_free(struct vg_manifest *pub)
{
	struct mf *m = (struct mf *)pub;

	if (m == NULL)
		return;
	vg_arena_free(&m->arena);
	free(m);
}

/* ---- scalar checks */

static bool
is_null(const struct vg_ynode *v)
{
	return v->kind == VG_Y_SCALAR && (v->str[0] == '\0' || (!v->quoted &&
	    (strcmp(v->str, "~") == 0 || strcmp(v->str, "null") == 0 ||
	    strcmp(v->str, "Null") == 0 || strcmp(v->str, "NULL") == 0)));
}

static bool
is_plain_bool(const struct vg_ynode *v)
{
	return !v->quoted && (strcmp(v->str, "true") == 0 || strcmp(v->str, "false") == 0);
}

/* Length to print of a value in an error, and the ellipsis that says it was cut. */
static int
show_len(const char *s)
{
	size_t n = strlen(s);

	return (int)(n > SHOW_MAX ? SHOW_MAX : n);
}

static const char *
show_more(const char *s)
{
	return strlen(s) > SHOW_MAX ? "..." : "";
}

static bool
oom(struct ctx *c, const struct vg_ynode *at)
{
	return vg_yerr(c->doc, at, c->err, "out of memory");
}

static bool
want_kind(struct ctx *c, const char *path, const struct vg_ynode *key, const struct vg_ynode *v,
    enum vg_ykind kind)
{
	/* An empty value is a mistake of its own: "owner:" says nothing, not "no owner". */
	if (is_null(v))
		return vg_yerr(c->doc, key, c->err, "'%s' is empty", path);
	if (v->kind != kind)
		return vg_yerr(c->doc, v, c->err, "'%s' must be %s, not %s", path,
		    kind_names[kind], kind_names[v->kind]);
	return true;
}

/* A scalar meant as a string: not empty, not a bare boolean, not over the size cap. */
static const char *
get_str(struct ctx *c, const char *path, const struct vg_ynode *key, const struct vg_ynode *v)
{
	if (!want_kind(c, path, key, v, VG_Y_SCALAR))
		return NULL;
	if (is_plain_bool(v)) {
		vg_yerr(c->doc, v, c->err, "'%s' must be a string, not the boolean %s", path, v->str);
		return NULL;
	}
	if (strlen(v->str) > VG_MANIFEST_TEXT_MAX) {
		vg_yerr(c->doc, v, c->err, "'%s' is longer than %d bytes", path, VG_MANIFEST_TEXT_MAX);
		return NULL;
	}
	return v->str;
}

static bool
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
		    *s == '_' || *s == '-'))
			return false;
	return true;
}

static bool
token_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

static bool
word_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static unsigned
month_days(unsigned y, unsigned m)
{
	static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* ---- URLs and hostnames: url.c */

/* The path of a URL accepted by vg_url_parse(), without trailing slashes; "" when none. */
static size_t
url_path(const char *s, const char **path)
{
	const char *p = strstr(s, "://");
	size_t n;

	*path = "";
	if (p == NULL || (p = strchr(p + 3, '/')) == NULL)
		return 0;
	n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		n--;
	*path = p;
	return n;
}

/* ---- fields */

static bool walk(struct ctx *c, const struct field *fields, const char *prefix,
    const struct vg_ynode *map, void *base);

static bool
set_str(struct ctx *c, const struct vg_ynode *v, void *base, size_t off, const char *s)
{
	const char *copy = arena_strdup(c->mf, s);

	if (copy == NULL)
		return oom(c, v);
	*(const char **)(void *)((char *)base + off) = copy;
	return true;
}

static bool
do_enum(struct ctx *c, const struct field *f, const char *path, const struct vg_ynode *key,
    const struct vg_ynode *v, void *base)
{
	const char *s = get_str(c, path, key, v);
	char expect[256];
	size_t n = 0;

	if (s == NULL)
		return false;
	for (const char *const *e = f->values; *e != NULL; e++)
		if (strcmp(*e, s) == 0)
			return set_str(c, v, base, f->off, *e);
	expect[0] = '\0';
	for (const char *const *e = f->values; *e != NULL && n < sizeof(expect); e++)
		n += (size_t)snprintf(expect + n, sizeof(expect) - n, "%s%s",
		    e == f->values ? "" : ", ", *e);
	return vg_yerr(c->doc, v, c->err, "unknown '%s' value '%.*s%s' (expected one of: %s)",
	    path, show_len(s), s, show_more(s), expect);
}

static bool
do_bool(struct ctx *c, const char *path, const struct vg_ynode *key, const struct vg_ynode *v,
    enum vg_tri *out)
{
	if (!want_kind(c, path, key, v, VG_Y_SCALAR))
		return false;
	if (is_plain_bool(v)) {
		*out = v->str[0] == 't' ? VG_TRI_YES : VG_TRI_NO;
		return true;
	}
	return vg_yerr(c->doc, v, c->err, "'%s' must be true or false, not %s'%.*s%s'", path,
	    v->quoted ? "the quoted string " : "", show_len(v->str), v->str, show_more(v->str));
}

static bool
do_int(struct ctx *c, const struct field *f, const char *path, const struct vg_ynode *key,
    const struct vg_ynode *v, int64_t *out)
{
	const char *s = v->str, *d;
	int64_t val = 0;

	if (!want_kind(c, path, key, v, VG_Y_SCALAR))
		return false;
	d = s[0] == '-' ? s + 1 : s;
	/* Plain decimal only: a leading 0 reads as octal in YAML 1.1, so refuse the doubt. */
	if (v->quoted || *d == '\0' || (d[0] == '0' && d[1] != '\0'))
		goto bad;
	for (const char *p = d; *p != '\0'; p++)
		if (!is_digit(*p))
			goto bad;
	if (strlen(d) > 18)
		goto range;
	for (const char *p = d; *p != '\0'; p++)
		val = val * 10 + (*p - '0');
	if (s[0] == '-')
		val = -val;
	if (val < f->min || val > f->max)
		goto range;
	*out = val;
	return true;
bad:
	return vg_yerr(c->doc, v, c->err, "'%s' must be a decimal integer, not %s'%.*s%s'", path,
	    v->quoted ? "the quoted string " : "", show_len(s), s, show_more(s));
range:
	return vg_yerr(c->doc, v, c->err, "'%s' must be from %lld to %lld, not %.*s%s", path,
	    (long long)f->min, (long long)f->max, show_len(s), s, show_more(s));
}

static bool
do_date(struct ctx *c, const char *path, const struct vg_ynode *key, const struct vg_ynode *v,
    int32_t *out)
{
	const char *s;
	unsigned y, m, d;

	if ((s = get_str(c, path, key, v)) == NULL)
		return false;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		goto bad;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			goto bad;
	y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return vg_yerr(c->doc, v, c->err, "'%s' is not a calendar date: '%s'", path, s);
	/* The range the policy language compares dates in. */
	if (y < 1970)
		return vg_yerr(c->doc, v, c->err,
		    "'%s' must be from 1970-01-01 to 9999-12-31, not '%s'", path, s);
	*out = vg_expr_days((int)y, m, d);
	return true;
bad:
	return vg_yerr(c->doc, v, c->err, "'%s' must be a date YYYY-MM-DD, not '%.*s%s'", path,
	    show_len(s), s, show_more(s));
}

static bool
do_tags(struct ctx *c, const char *path, const struct vg_ynode *key, const struct vg_ynode *v,
    struct vg_mf_list *out)
{
	const char **items;

	if (!want_kind(c, path, key, v, VG_Y_SEQ))
		return false;
	if (v->n > VG_MANIFEST_LIST_MAX)
		return vg_yerr(c->doc, v->items[VG_MANIFEST_LIST_MAX], c->err,
		    "'%s' has more than %d items", path, VG_MANIFEST_LIST_MAX);
	/* items[n] is NULL, and items is not NULL for an empty list: "[]" is not "absent". */
	if ((items = arena_alloc(c->mf, (v->n + 1) * sizeof(*items))) == NULL)
		return oom(c, v);
	for (size_t i = 0; i < v->n; i++) {
		const struct vg_ynode *it = v->items[i];
		const char *s;

		if (it->kind != VG_Y_SCALAR)
			return vg_yerr(c->doc, it, c->err, "'%s' items must be scalars, not %s",
			    path, kind_names[it->kind]);
		if (is_null(it))
			return vg_yerr(c->doc, it, c->err, "'%s' has an empty item", path);
		if ((s = get_str(c, path, it, it)) == NULL)
			return false;
		if (!vg_catalog_id_ok(s))
			return vg_yerr(c->doc, it, c->err,
			    "'%s' item '%.*s%s' must be made of a-z, 0-9 and '-'", path,
			    show_len(s), s, show_more(s));
		for (size_t j = 0; j < i; j++)
			if (strcmp(v->items[j]->str, s) == 0)
				return vg_yerr(c->doc, it, c->err,
				    "duplicate '%.*s%s' in '%s' (first at %u:%u)", show_len(s), s,
				    show_more(s), path, v->items[j]->line, v->items[j]->col);
		if ((items[i] = arena_strdup(c->mf, s)) == NULL)
			return oom(c, it);
	}
	out->items = items;
	out->n = v->n;
	return true;
}

static bool
do_url(struct ctx *c, const char *path, const struct vg_ynode *key, const struct vg_ynode *v,
    struct vg_url *u)
{
	const char *s = get_str(c, path, key, v), *why;

	if (s == NULL)
		return false;
	if ((why = vg_url_parse(s, u)) != NULL)
		return vg_yerr(c->doc, v, c->err, "bad URL '%.*s%s' in '%s': %s", show_len(s), s,
		    show_more(s), path, why);
	return true;
}

static bool
same_provider(const struct vg_mf_provider *a, const struct vg_mf_provider *b)
{
	const char *pa, *pb;
	size_t na, nb;

	if (strcmp(a->provider, b->provider) != 0)
		return false;
	if ((a->model == NULL) != (b->model == NULL) ||
	    (a->model != NULL && strcmp(a->model, b->model) != 0))
		return false;
	if ((a->endpoint == NULL) != (b->endpoint == NULL))
		return false;
	if (a->endpoint == NULL)
		return true;
	/* One endpoint has many spellings: compare what it names, not how it is written. */
	if (strcmp(a->scheme, b->scheme) != 0 || strcmp(a->host, b->host) != 0 ||
	    a->port != b->port)
		return false;
	na = url_path(a->endpoint, &pa);
	nb = url_path(b->endpoint, &pb);
	return na == nb && memcmp(pa, pb, na) == 0;
}

static bool
do_providers(struct ctx *c, const char *path, const struct vg_ynode *key, const struct vg_ynode *v)
{
	struct vg_manifest *m = &c->mf->pub;
	struct vg_mf_provider *ps;

	if (!want_kind(c, path, key, v, VG_Y_SEQ))
		return false;
	if (v->n > VG_MANIFEST_PROVIDERS_MAX)
		return vg_yerr(c->doc, v->items[VG_MANIFEST_PROVIDERS_MAX], c->err,
		    "'%s' has more than %d entries", path, VG_MANIFEST_PROVIDERS_MAX);
	if ((ps = arena_alloc(c->mf, (v->n > 0 ? v->n : 1) * sizeof(*ps))) == NULL)
		return oom(c, v);
	m->providers = ps;
	for (size_t i = 0; i < v->n; i++) {
		const struct vg_ynode *it = v->items[i];
		struct vg_mf_provider *p = &ps[i];

		if (it->kind != VG_Y_MAP)
			return vg_yerr(c->doc, it, c->err, "'%s' items must be mappings, not %s",
			    path, kind_names[it->kind]);
		p->line = it->n > 0 ? it->items[0]->line : it->line;
		p->col = it->n > 0 ? it->items[0]->col : it->col;
		if (!walk(c, provider_fields, path, it, p))
			return false;
		if (p->provider == NULL)
			return vg_yerr(c->doc, it->n > 0 ? it->items[0] : it, c->err,
			    "missing key 'provider' in '%s' entry", path);
		for (size_t j = 0; j < i; j++)
			if (same_provider(&ps[j], p))
				return vg_yerr(c->doc, it->n > 0 ? it->items[0] : it, c->err,
				    "'%s' entry repeats the one at line %u (same provider, model "
				    "and endpoint)", path, ps[j].line);
		m->n_providers = i + 1;
	}
	return true;
}

static bool
do_field(struct ctx *c, const struct field *f, const char *path, const struct vg_ynode *key,
    const struct vg_ynode *v, void *base)
{
	void *at = (char *)base + f->off;
	const char *s;
	struct vg_url u;

	switch (f->type) {
	case F_KIND:
		return true;
	case F_NAME:
		if ((s = get_str(c, path, key, v)) == NULL)
			return false;
		if (!name_ok(s))
			return vg_yerr(c->doc, v, c->err, "'%s' must be 1 to 64 of a-z, 0-9, '.', '_' "
			    "and '-', starting with a letter or digit, not '%.*s%s'", path,
			    show_len(s), s, show_more(s));
		return set_str(c, v, base, f->off, s);
	case F_TEXT:
		if ((s = get_str(c, path, key, v)) == NULL)
			return false;
		return set_str(c, v, base, f->off, s);
	case F_DEROGATION:
		if ((s = get_str(c, path, key, v)) == NULL)
			return false;
		c->derogation_key = key;
		return set_str(c, v, base, f->off, s);
	case F_WORD:
		if ((s = get_str(c, path, key, v)) == NULL)
			return false;
		if (!word_ok(s))
			return vg_yerr(c->doc, v, c->err, "'%s' must be one word of printable ASCII, "
			    "not '%.*s%s'", path, show_len(s), s, show_more(s));
		return set_str(c, v, base, f->off, s);
	case F_TOKEN:
		if ((s = get_str(c, path, key, v)) == NULL)
			return false;
		if (!token_ok(s))
			return vg_yerr(c->doc, v, c->err, "'%s' must be made of A-Z, a-z, 0-9, '.', "
			    "'_' and '-', not '%.*s%s'", path, show_len(s), s, show_more(s));
		return set_str(c, v, base, f->off, s);
	case F_ID:
		if ((s = get_str(c, path, key, v)) == NULL)
			return false;
		if (!vg_catalog_id_ok(s))
			return vg_yerr(c->doc, v, c->err, "'%s' must be made of a-z, 0-9 and '-', "
			    "not '%.*s%s'", path, show_len(s), s, show_more(s));
		((struct vg_mf_provider *)base)->provider_line = v->line;
		((struct vg_mf_provider *)base)->provider_col = v->col;
		return set_str(c, v, base, f->off, s);
	case F_TAGS:
		return do_tags(c, path, key, v, at);
	case F_ENUM:
		return do_enum(c, f, path, key, v, base);
	case F_BOOL:
		return do_bool(c, path, key, v, at);
	case F_INT:
		return do_int(c, f, path, key, v, at);
	case F_DATE:
		return do_date(c, path, key, v, at);
	case F_MAP:
		if (!want_kind(c, path, key, v, VG_Y_MAP))
			return false;
		return walk(c, f->sub, path, v, base);
	case F_PROVIDERS:
		return do_providers(c, path, key, v);
	case F_ENDPOINT: {
		struct vg_mf_provider *p = base;

		if (!do_url(c, path, key, v, &u))
			return false;
		memcpy(p->host, u.host, sizeof(p->host));
		memcpy(p->scheme, u.scheme, sizeof(p->scheme));
		p->port = u.port;
		p->endpoint_line = v->line;
		p->endpoint_col = v->col;
		return set_str(c, v, base, f->off, v->str);
	}
	case F_GATEWAY:
		if (!do_url(c, path, key, v, &u))
			return false;
		memcpy(c->mf->pub.gateway_host, u.host, sizeof(c->mf->pub.gateway_host));
		return set_str(c, v, base, f->off, v->str);
	}
	return false;
}

static bool
unknown_key(struct ctx *c, const struct field *fields, const char *prefix,
    const struct vg_ynode *k)
{
	char expect[400];
	size_t n = 0;

	expect[0] = '\0';
	for (const struct field *f = fields; f->key != NULL && n < sizeof(expect); f++)
		n += (size_t)snprintf(expect + n, sizeof(expect) - n, "%s%s",
		    f == fields ? "" : ", ", f->key);
	if (prefix == NULL)
		return vg_yerr(c->doc, k, c->err, "unknown key '%.*s%s' (expected one of: %s)",
		    show_len(k->str), k->str, show_more(k->str), expect);
	return vg_yerr(c->doc, k, c->err, "unknown key '%.*s%s' in '%s' (expected one of: %s)",
	    show_len(k->str), k->str, show_more(k->str), prefix, expect);
}

/* Every key of map, in the order written, so the first mistake in the file is the one reported. */
static bool
walk(struct ctx *c, const struct field *fields, const char *prefix, const struct vg_ynode *map,
    void *base)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct vg_ynode *k = map->items[2 * i], *v = map->items[2 * i + 1];
		const struct field *f;
		char path[PATH_MAX_LEN];

		for (f = fields; f->key != NULL && strcmp(f->key, k->str) != 0; f++)
			;
		if (f->key == NULL)
			return unknown_key(c, fields, prefix, k);
		if (prefix != NULL)
			snprintf(path, sizeof(path), "%s.%s", prefix, f->key);
		else
			snprintf(path, sizeof(path), "%s", f->key);
		if (!do_field(c, f, path, k, v, base))
			return false;
	}
	return true;
}

static bool
load(struct ctx *c, const struct vg_ynode *map)
{
	struct vg_manifest *m = &c->mf->pub;
	const struct vg_ynode *kind = NULL, *kind_key = NULL;

	if (map->kind != VG_Y_MAP)
		return vg_yerr(c->doc, map, c->err, "a manifest must be a mapping, not %s",
		    kind_names[map->kind]);
	/* kind first: a policy or catalog given by mistake gets one clear error. */
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->items[2 * i]->str, "kind") == 0) {
			kind_key = map->items[2 * i];
			kind = map->items[2 * i + 1];
		}
	if (kind == NULL)
		return vg_yerr(c->doc, map, c->err, "missing key 'kind' (expected kind: AIDeployment)");
	if (!want_kind(c, "kind", kind_key, kind, VG_Y_SCALAR))
		return false;
	if (strcmp(kind->str, "AIDeployment") != 0)
		return vg_yerr(c->doc, kind, c->err, "'kind' must be AIDeployment, not '%.*s%s'",
		    show_len(kind->str), kind->str, show_more(kind->str));
	m->line = kind_key->line;
	if (!walk(c, top_fields, NULL, map, m))
		return false;
	if (m->name == NULL)
		return vg_yerr(c->doc, map, c->err, "missing key 'name'");
	/* GDPR Art. 49 derogations only stand in for Art. 45-47 when the mechanism says so. */
	if (m->derogation != NULL &&
	    (m->transfer_mechanism == NULL || strcmp(m->transfer_mechanism, "derogation") != 0)) {
		if (m->transfer_mechanism == NULL)
			return vg_yerr(c->doc, c->derogation_key, c->err, "'transfer.derogation' "
			    "needs 'transfer.mechanism: derogation' (mechanism not given)");
		return vg_yerr(c->doc, c->derogation_key, c->err, "'transfer.derogation' needs "
		    "'transfer.mechanism: derogation' (mechanism is '%s')", m->transfer_mechanism);
	}
	return true;
}

struct vg_manifest *
vg_manifest_from_node(const struct vg_ydoc *doc, const struct vg_ynode *map, struct vg_err *err)
{
	struct mf *mf = calloc(1, sizeof(*mf));
	struct ctx c = { doc, mf, err, NULL };
	struct vg_manifest *m;

	err->msg[0] = '\0';
	if (mf == NULL || map == NULL) {
		free(mf);
		snprintf(err->msg, sizeof(err->msg), "%s: %s", vg_ydoc_name(doc),
		    mf == NULL ? "out of memory" : "no manifest");
		return NULL;
	}
	m = &mf->pub;
	m->tia_date = m->fria_date = m->literacy_date = m->screen_date = VG_DATE_NONE;
	m->first_use = VG_DATE_NONE;
	m->retention_days = VG_INT_NONE;
	if ((m->file = arena_strdup(mf, vg_ydoc_name(doc))) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", vg_ydoc_name(doc));
		vg_manifest_free(m);
		return NULL;
	}
	if (!load(&c, map)) {
		vg_manifest_free(m);
		return NULL;
	}
	return m;
}

struct vg_manifest *
vg_manifest_load_mem(const char *name, const void *buf, size_t len, struct vg_err *err)
{
	struct vg_ydoc *doc = vg_ydoc_load_mem(name, buf, len, err);
	struct vg_manifest *m;

	if (doc == NULL)
		return NULL;
	m = vg_manifest_from_node(doc, vg_ydoc_root(doc), err);
	vg_ydoc_free(doc);
	return m;
}

struct vg_manifest *
vg_manifest_load(const char *path, struct vg_err *err)
{
	struct vg_ydoc *doc = vg_ydoc_load(path, err);
	struct vg_manifest *m;

	if (doc == NULL)
		return NULL;
	m = vg_manifest_from_node(doc, vg_ydoc_root(doc), err);
	vg_ydoc_free(doc);
	return m;
}

/* ---- the catalog check */

bool
vg_manifest_check(const struct vg_manifest *m, const struct vg_catalog *c, struct vg_err *err)
{
	size_t n = vg_catalog_count(c, NULL, NULL);
	const char *file = vg_catalog_file(c), *base = strrchr(file, '/');

	base = base != NULL ? base + 1 : file;
	err->msg[0] = '\0';
	for (size_t i = 0; i < m->n_providers; i++) {
		const struct vg_mf_provider *p = &m->providers[i];
		const char *near = NULL;
		size_t best = 3, r;

		for (r = 0; r < n; r++) {
			const char *id = vg_catalog_rule(c, r)->service->provider->id;

			if (strcmp(id, p->provider) == 0)
				break;
			if (strlen(id) <= SUGGEST_LEN_MAX && strlen(p->provider) <= SUGGEST_LEN_MAX) {
				size_t d = vg_edit_distance(p->provider, strlen(p->provider), id);

				if (d < best) {
					best = d;
					near = id;
				}
			}
		}
		if (r < n)
			continue;
		if (near != NULL)
			snprintf(err->msg, sizeof(err->msg), "%s:%u:%u: unknown provider '%s' (not in "
			    "%s); did you mean '%s'?", m->file, p->provider_line, p->provider_col,
			    p->provider, base, near);
		else
			snprintf(err->msg, sizeof(err->msg), "%s:%u:%u: unknown provider '%s' (not in "
			    "%s)", m->file, p->provider_line, p->provider_col, p->provider, base);
		return false;
	}
	return true;
}
