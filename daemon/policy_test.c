/* policy_test.c - runs policy test files: hand-written subjects against the controls' expected results. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "policy_test.h"

static const char *const file_keys[] = { "policy", "date", "manifests", "cases", NULL };
static const char *const case_keys[] = {
	"name", "subject", "date", "host", "manifest", "fields", "expect", NULL,
};

struct run {
	const char *path;
	const struct vg_ydoc *doc;
	struct vg_err *err;
	const struct vg_attrib *a;
	struct vg_policy *pol;
	vg_ptest_fn fn;
	void *arg;
	struct vg_ptest_totals *t;
	size_t n_own;             /* controls of the files the test names, first in pol */
	const struct vg_ynode *manifests; /* named manifests cases may start from, or NULL */
	unsigned char *seen;      /* per control: 1 passed, 2 failed */
};

const char *
vg_ptest_expect_name(const struct vg_ptest_expect *e)
{
	return e->waived ? "waived" : vg_result_name(e->result);
}

static bool __attribute__((format(printf, 3, 4)))
bad(struct run *r, const struct vg_ynode *at, const char *fmt, ...)
{
	char m[sizeof(r->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	return vg_yerr(r->doc, at, r->err, "%s", m);
}

static bool
scalar(struct run *r, const struct vg_ynode *n, const char *key)
{
	if (n->kind != VG_Y_SCALAR || (!n->quoted && n->str[0] == '\0'))
		return bad(r, n, "'%s' must be a non-empty string", key);
	return true;
}

/* Policy paths are relative to the test file's directory. */
static bool
policy_path(struct run *r, const struct vg_ynode *n, char *buf, size_t len)
{
	const char *slash = strrchr(r->path, '/');
	int w;

	if (!scalar(r, n, "policy"))
		return false;
	if (n->str[0] == '/' || slash == NULL)
		w = snprintf(buf, len, "%s", n->str);
	else
		w = snprintf(buf, len, "%.*s/%s", (int)(slash - r->path), r->path, n->str);
	if (w < 0 || (size_t)w >= len)
		return bad(r, n, "policy path too long");
	return true;
}

static bool
load_policies(struct run *r, const struct vg_ynode *n)
{
	char p[PATH_MAX];
	size_t count = n->kind == VG_Y_SEQ ? n->n : 1;

	if (n->kind == VG_Y_MAP || count == 0)
		return bad(r, n, "'policy' must name a policy file or a list of them");
	for (size_t i = 0; i < count; i++) {
		const struct vg_ynode *it = n->kind == VG_Y_SEQ ? n->items[i] : n;
		if (!policy_path(r, it, p, sizeof(p)) || !vg_policy_load(r->pol, p, r->err))
			return false;
	}
	r->n_own = vg_policy_n_controls(r->pol);
	return vg_policy_finish(r->pol, r->err);
}

/* One value of a field, typed by the field's declaration. */
static bool
set_field(struct run *r, struct vg_subject *s, const struct vg_ynode *k, const struct vg_ynode *v)
{
	const struct vg_field *f = vg_subject_field(s->kind, k->str);
	struct vg_val val = { .t = VG_V_NULL };
	const char *items[VG_SUBJECT_LIST_MAX];
	char *end;

	if (f == NULL)
		return bad(r, k, "a %s has no field '%s'", vg_subject_kind_name(s->kind), k->str);
	if (v->kind == VG_Y_SCALAR && !v->quoted && (strcmp(v->str, "null") == 0 ||
	    strcmp(v->str, "~") == 0 || v->str[0] == '\0')) {
		vg_subject_set(s, f->id, &val); /* absent */
		return true;
	}
	switch (f->type) {
	case VG_V_STR:
		if (v->kind != VG_Y_SCALAR)
			return bad(r, v, "field '%s' takes a string", f->name);
		if (!vg_subject_set_str(s, f->id, v->str))
			return bad(r, v, "too much text in one case");
		return true;
	case VG_V_BOOL:
		if (v->kind != VG_Y_SCALAR || v->quoted ||
		    (strcmp(v->str, "true") != 0 && strcmp(v->str, "false") != 0))
			return bad(r, v, "field '%s' takes true or false", f->name);
		val = (struct vg_val){ .t = VG_V_BOOL, .u.b = strcmp(v->str, "true") == 0 };
		break;
	case VG_V_INT: {
		long long x;
		if (v->kind != VG_Y_SCALAR || v->quoted || v->str[0] == '\0')
			return bad(r, v, "field '%s' takes an integer", f->name);
		errno = 0;
		x = strtoll(v->str, &end, 10);
		if (*end != '\0' || errno == ERANGE)
			return bad(r, v, "field '%s' takes an integer, not '%s'", f->name, v->str);
		val = (struct vg_val){ .t = VG_V_INT, .u.i = x };
		break;
	}
	case VG_V_DATE:
		val.t = VG_V_DATE;
		if (v->kind != VG_Y_SCALAR || !vg_date_parse(v->str, &val.u.date))
			return bad(r, v, "field '%s' takes a date YYYY-MM-DD", f->name);
		break;
	case VG_V_LIST:
		if (v->kind != VG_Y_SEQ)
			return bad(r, v, "field '%s' takes a list of strings", f->name);
		if (v->n > VG_SUBJECT_LIST_MAX)
			return bad(r, v, "more than %u items", VG_SUBJECT_LIST_MAX);
		for (size_t i = 0; i < v->n; i++) {
			if (v->items[i]->kind != VG_Y_SCALAR)
				return bad(r, v->items[i], "field '%s' takes a list of strings",
				    f->name);
			items[i] = v->items[i]->str;
		}
		if (!vg_subject_set_list(s, f->id, items, v->n))
			return bad(r, v, "too many lists or too much text in one case");
		return true;
	case VG_V_NULL:
		break;
	}
	vg_subject_set(s, f->id, &val);
	return true;
}

struct got {
	const struct vg_control *c;
	struct vg_ptest_expect res;
	char message[VG_POLICY_MESSAGE_MAX];
};

struct collect {
	struct got *g;
	size_t n, cap;
};

static void
collect(void *arg, const struct vg_finding *f)
{
	struct collect *c = arg;

	if (c->n == c->cap)
		return;
	c->g[c->n].c = f->control;
	c->g[c->n].res = (struct vg_ptest_expect){ f->result, f->waiver != NULL };
	snprintf(c->g[c->n].message, sizeof(c->g[c->n].message), "%s", f->message);
	c->n++;
}

static bool
expect_value(struct run *r, const struct vg_ynode *v, struct vg_ptest_expect *e)
{
	e->waived = false;
	if (v->kind == VG_Y_SCALAR && strcmp(v->str, "waived") == 0) {
		e->result = VG_RES_FAIL;
		e->waived = true;
		return true;
	}
	if (v->kind != VG_Y_SCALAR || !vg_result_parse(v->str, &e->result))
		return bad(r, v, "expected result must be pass, fail, waived, notapplicable or "
		    "error");
	return true;
}

static bool
run_case(struct run *r, const struct vg_ynode *cn, int32_t file_date, struct collect *col)
{
	const struct vg_ynode *v, *exp, *name, *mn;
	enum vg_subject_kind kind;
	struct vg_subject *s;
	struct vg_manifest *m = NULL;
	struct vg_dest d;
	int32_t date = file_date;
	char buf[VG_POLICY_MESSAGE_MAX];
	bool ok = false;

	if (cn->kind != VG_Y_MAP)
		return bad(r, cn, "a case must be a mapping");
	if (!vg_ykeys(r->doc, cn, case_keys, r->err))
		return false;
	if ((name = vg_ymap_get(cn, "name")) == NULL)
		return bad(r, cn, "the case has no 'name'");
	if (!scalar(r, name, "name"))
		return false;
	if ((v = vg_ymap_get(cn, "subject")) == NULL)
		return bad(r, cn, "the case has no 'subject'");
	if (v->kind != VG_Y_SCALAR || !vg_subject_kind_parse(v->str, &kind))
		return bad(r, v, "'subject' must be flow, endpoint or deployment");
	if ((v = vg_ymap_get(cn, "date")) != NULL &&
	    (v->kind != VG_Y_SCALAR || !vg_date_parse(v->str, &date)))
		return bad(r, v, "'date' must be a date YYYY-MM-DD");
	if ((exp = vg_ymap_get(cn, "expect")) == NULL)
		return bad(r, cn, "the case has no 'expect'");
	if (exp->kind != VG_Y_MAP || exp->n == 0)
		return bad(r, exp, "'expect' must map control ids to results");
	if (exp->n > VG_PTEST_EXPECT_MAX)
		return bad(r, exp, "more than %u expectations", VG_PTEST_EXPECT_MAX);
	if ((s = malloc(sizeof(*s))) == NULL)
		return bad(r, cn, "out of memory");
	vg_subject_init(s, kind, date);
	if ((mn = vg_ymap_get(cn, "manifest")) != NULL) {
		/* A name refers to the file's manifests:, so cases vary one base with fields:. */
		if (mn->kind == VG_Y_SCALAR) {
			const struct vg_ynode *named = r->manifests != NULL ?
			    vg_ymap_get(r->manifests, mn->str) : NULL;
			if (named == NULL) {
				bad(r, mn, "no manifest named '%s' in the file's 'manifests'",
				    mn->str);
				goto out;
			}
			mn = named;
		}
		if (mn->kind != VG_Y_MAP) {
			bad(r, mn, "'manifest' must be an AIDeployment mapping or the name of one");
			goto out;
		}
		if ((m = vg_manifest_from_node(r->doc, mn, r->err)) == NULL)
			goto out;
		if (r->a != NULL && !vg_manifest_check(m, vg_attrib_catalog(r->a), r->err))
			goto out;
	}
	if (kind == VG_SUBJ_DEPLOYMENT) {
		if (m == NULL) {
			bad(r, cn, "a deployment case needs a 'manifest'");
			goto out;
		}
		if (vg_ymap_get(cn, "host") != NULL) {
			bad(r, vg_ymap_get(cn, "host"), "'host' is for flow and endpoint cases");
			goto out;
		}
		vg_subject_deployment(s, m);
	} else {
		const char *host = NULL;
		if ((v = vg_ymap_get(cn, "host")) != NULL) {
			if (!scalar(r, v, "host"))
				goto out;
			if (r->a == NULL) {
				bad(r, v, "'host' needs the rules, which could not be loaded");
				goto out;
			}
			host = v->str;
		}
		memset(&d, 0, sizeof(d));
		char canon[VG_HOSTNAME_MAX + 1];
		if (host != NULL && !vg_hostname_canon((const uint8_t *)host, strlen(host), canon)) {
			bad(r, v, "'%s' is not a hostname", host);
			goto out;
		}
		if (host != NULL)
			host = canon;
		if (kind == VG_SUBJ_ENDPOINT && m != NULL && m->n_providers > 0) {
			if (host == NULL)
				host = m->providers[0].host[0] != '\0' ? m->providers[0].host : NULL;
			if (host != NULL)
				vg_attrib_host(r->a, host, VG_BASIS_NAME, &d);
			vg_subject_endpoint(s, m, 0, host != NULL ? &d : NULL);
		} else if (host != NULL) {
			vg_attrib_host(r->a, canon, kind == VG_SUBJ_FLOW ? VG_BASIS_TLS_SNI :
			    VG_BASIS_NAME, &d);
			vg_subject_dest(s, &d);
			(void)vg_subject_set_str(s, VG_SF_HOSTNAME, canon);
			if (kind == VG_SUBJ_FLOW) {
				/* What a TLS connection to the host would show, unless fields: says otherwise. */
				static const struct vg_val tcp = { .t = VG_V_STR, .u.s = "tcp" };
				static const struct vg_val tls = { .t = VG_V_STR, .u.s = "tls" };
				static const struct vg_val v13 = { .t = VG_V_STR, .u.s = "1.3" };
				static const struct vg_val p443 = { .t = VG_V_INT, .u.i = 443 };
				vg_subject_set(s, VG_SF_PROTO, &tcp);
				vg_subject_set(s, VG_SF_APP, &tls);
				vg_subject_set(s, VG_SF_HOSTNAME_SOURCE, &tls);
				vg_subject_set(s, VG_SF_TLS_VERSION, &v13);
				vg_subject_set(s, VG_SF_DST_PORT, &p443);
			}
		}
		if (kind == VG_SUBJ_FLOW && m != NULL) {
			const struct vg_manifest *mm[1] = { m };
			struct vg_declared decl = { .m = mm, .n = 1 };
			vg_subject_declared(s, &decl);
		}
	}
	if ((v = vg_ymap_get(cn, "fields")) != NULL) {
		if (v->kind != VG_Y_MAP) {
			bad(r, v, "'fields' must map field names to values");
			goto out;
		}
		for (size_t i = 0; i < v->n; i++)
			if (!set_field(r, s, v->items[2 * i], v->items[2 * i + 1]))
				goto out;
	}
	col->n = 0;
	vg_policy_eval(r->pol, s, date, buf, collect, col);
	r->t->cases++;
	for (size_t i = 0; i < exp->n; i++) {
		const struct vg_ynode *k = exp->items[2 * i];
		const struct vg_control *c = vg_policy_find(r->pol, k->str);
		struct vg_ptest_event ev;
		size_t j;

		if (c == NULL) {
			bad(r, k, "no loaded policy has a control '%s'", k->str);
			goto out;
		}
		if (c->applies_to != kind) {
			bad(r, k, "control '%s' applies to a %s, not a %s", k->str,
			    vg_subject_kind_name(c->applies_to), vg_subject_kind_name(kind));
			goto out;
		}
		memset(&ev, 0, sizeof(ev));
		if (!expect_value(r, exp->items[2 * i + 1], &ev.want))
			goto out;
		for (j = 0; j < col->n && col->g[j].c != c; j++)
			;
		if (j == col->n) {
			bad(r, k, "control '%s' gave no result", k->str);
			goto out;
		}
		ev.file = r->path;
		ev.line = cn->line;
		ev.case_name = name->str;
		ev.control = c->id;
		ev.got = col->g[j].res;
		ev.message = col->g[j].message;
		ev.ok = ev.got.result == ev.want.result && ev.got.waived == ev.want.waived;
		for (size_t o = 0; o < r->n_own; o++)
			if (vg_policy_control(r->pol, o) == c && ev.ok)
				r->seen[o] |= ev.got.result == VG_RES_PASS ? 1 :
				    ev.got.result == VG_RES_FAIL ? 2 : 0;
		r->t->checks++;
		if (!ev.ok)
			r->t->failed++;
		r->fn(r->arg, &ev);
	}
	ok = true;
out:
	vg_manifest_free(m);
	free(s);
	return ok;
}

bool
vg_ptest_run(const char *path, const struct vg_attrib *a, vg_ptest_fn fn, void *arg,
    struct vg_ptest_totals *t, struct vg_err *err)
{
	struct vg_ydoc *doc;
	const struct vg_ynode *root, *v, *cases;
	struct run r = { path, NULL, err, a, NULL, fn, arg, t, 0, NULL, NULL };
	struct collect col = { NULL, 0, 0 };
	int32_t date;
	bool ok = false;

	err->msg[0] = '\0';
	if ((doc = vg_ydoc_load(path, err)) == NULL)
		return false;
	r.doc = doc;
	root = vg_ydoc_root(doc);
	if (root->kind != VG_Y_MAP) {
		bad(&r, root, "a policy test file must be a mapping");
		goto out;
	}
	if (!vg_ykeys(doc, root, file_keys, err))
		goto out;
	if ((v = vg_ymap_get(root, "date")) == NULL) {
		/* Tests that read the clock pass today and fail next year. */
		bad(&r, root, "the test file has no 'date' (the evaluation date of its cases)");
		goto out;
	}
	if (v->kind != VG_Y_SCALAR || !vg_date_parse(v->str, &date)) {
		bad(&r, v, "'date' must be a date YYYY-MM-DD");
		goto out;
	}
	if ((cases = vg_ymap_get(root, "cases")) == NULL || cases->kind != VG_Y_SEQ ||
	    cases->n == 0) {
		bad(&r, cases != NULL ? cases : root, "the test file needs a non-empty list 'cases'");
		goto out;
	}
	if (cases->n > VG_PTEST_CASES_MAX) {
		bad(&r, cases, "more than %u cases", VG_PTEST_CASES_MAX);
		goto out;
	}
	if ((v = vg_ymap_get(root, "policy")) == NULL) {
		bad(&r, root, "the test file has no 'policy'");
		goto out;
	}
	if ((r.manifests = vg_ymap_get(root, "manifests")) != NULL && r.manifests->kind != VG_Y_MAP) {
		bad(&r, r.manifests, "'manifests' must map names to AIDeployment manifests");
		goto out;
	}
	if ((r.pol = vg_policy_new()) == NULL || !load_policies(&r, v))
		goto out;
	col.cap = vg_policy_n_controls(r.pol);
	if ((col.g = calloc(col.cap + 1, sizeof(*col.g))) == NULL ||
	    (r.seen = calloc(r.n_own + 1, 1)) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", path);
		goto out;
	}
	for (size_t i = 0; i < cases->n; i++)
		if (!run_case(&r, cases->items[i], date, &col))
			goto out;
	for (size_t o = 0; o < r.n_own; o++) {
		const struct vg_control *c = vg_policy_control(r.pol, o);
		static const char *const gaps[] = { "no case where it passes",
		    "no case where it fails" };
		for (unsigned g = 0; g < 2; g++) {
			struct vg_ptest_event ev;
			if (r.seen[o] & (1u << g))
				continue;
			memset(&ev, 0, sizeof(ev));
			ev.file = c->file->path;
			ev.line = c->line;
			ev.control = c->id;
			ev.gap = gaps[g];
			t->gaps++;
			fn(arg, &ev);
		}
	}
	ok = true;
out:
	free(col.g);
	free(r.seen);
	vg_policy_free(r.pol);
	vg_ydoc_free(doc);
	return ok;
}
