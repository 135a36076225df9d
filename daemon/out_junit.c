/* out_junit.c - a run's findings as JUnit XML, written by hand with XML 1.0 escaping. */
#include <stdlib.h>
#include <string.h>

#include "out_finding.h"
#include "out_junit.h"
#include "policy_expr.h"

/* ---- writing XML */

struct xw {
	FILE *fp;
	bool failed;
};

static void
xraw(struct xw *w, const char *s)
{
	if (!w->failed && fputs(s, w->fp) == EOF)
		w->failed = true;
}

static void
xputs(struct xw *w, const char *s, size_t n)
{
	if (!w->failed && n > 0 && fwrite(s, 1, n, w->fp) != n)
		w->failed = true;
}

/* Char of XML 1.0 §2.2, less the three whitespace controls, which callers handle. */
static bool
xml_char(uint32_t cp)
{
	return (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
	    (cp >= 0x10000 && cp <= 0x10ffff);
}

/*
 * Text as character data (attr false) or as an attribute value in double
 * quotes (attr true). In attributes, tab and line ends are written as
 * references, which attribute-value normalisation (§3.3.3) would otherwise
 * turn into spaces; CR is a reference in text too, which end-of-line
 * handling (§2.11) would otherwise drop. Characters XML 1.0 cannot carry
 * at all, not even as references (most C0 controls, U+FFFE, U+FFFF), and
 * bytes that are not UTF-8, become U+FFFD.
 */
static void
xesc(struct xw *w, const char *s, bool attr)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	const char *run = s;
	uint32_t cp;

	while (*s != '\0') {
		const char *rep = NULL;
		size_t n = vg_utf8_next(s, &cp);

		switch (cp) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		case '\t': rep = attr ? "&#9;" : NULL; break;
		case '\n': rep = attr ? "&#10;" : NULL; break;
		case '\r': rep = "&#13;"; break;
		default:
			/* A bad byte decodes as U+FFFD of length 1, a real U+FFFD has 3. */
			if (!xml_char(cp) || (n == 1 && cp == 0xfffd))
				rep = replacement;
			break;
		}
		if (rep != NULL) {
			xputs(w, run, (size_t)(s - run));
			xraw(w, rep);
			run = s + n;
		}
		s += n;
	}
	xputs(w, run, (size_t)(s - run));
}

/* name="value" with a space before it. */
static void
xattr(struct xw *w, const char *name, const char *value)
{
	xraw(w, " ");
	xraw(w, name);
	xraw(w, "=\"");
	xesc(w, value, true);
	xraw(w, "\"");
}

static void
xattr_n(struct xw *w, const char *name, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	xattr(w, name, b);
}

/* ---- what each item becomes */

enum tc {
	TC_PASS,
	TC_FAIL,
	TC_SKIP,      /* a waived failure, or one already in the baseline */
	TC_ERROR,
	TC_NONE,      /* not applicable: no testcase */
};

static enum tc
classify(const struct vg_fitem *it)
{
	switch (it->result) {
	case VG_RES_PASS:
		return TC_PASS;
	case VG_RES_FAIL:
		return it->waiver != NULL || it->baseline == VG_BL_UNCHANGED ? TC_SKIP : TC_FAIL;
	case VG_RES_ERROR:
		return TC_ERROR;
	default:
		return TC_NONE;
	}
}

struct counts {
	uint64_t tests, failures, skipped, errors;
};

static void
count(struct counts *k, enum tc t)
{
	k->tests++;
	k->failures += t == TC_FAIL;
	k->skipped += t == TC_SKIP;
	k->errors += t == TC_ERROR;
}

/*
 * The items of each control, in list order: by[first[i] .. first[i + 1])
 * are the indices in l of control i's items that get a testcase.
 */
struct byctl {
	size_t *first, *by;
};

static bool
of_set(const struct vg_policy *p, const struct vg_control *c)
{
	return c != NULL && c->index < vg_policy_n_controls(p) &&
	    vg_policy_control(p, c->index) == c;
}

static bool
group(struct byctl *g, const struct vg_flist *l, const struct vg_policy *p)
{
	size_t nc = vg_policy_n_controls(p);

	g->first = calloc(nc + 2, sizeof(*g->first));
	g->by = malloc((l->n ? l->n : 1) * sizeof(*g->by));
	if (g->first == NULL || g->by == NULL)
		return false;
	/* Counting sort: stable, so list order holds within a control. */
	for (size_t i = 0; i < l->n; i++)
		if (of_set(p, l->v[i].control) && classify(&l->v[i]) != TC_NONE)
			g->first[l->v[i].control->index + 2]++;
	for (size_t c = 2; c < nc + 2; c++)
		g->first[c] += g->first[c - 1];
	for (size_t i = 0; i < l->n; i++)
		if (of_set(p, l->v[i].control) && classify(&l->v[i]) != TC_NONE)
			g->by[g->first[l->v[i].control->index + 1]++] = i;
	return true;
}

static struct counts
suite_counts(const struct byctl *g, const struct vg_flist *l, const struct vg_policy *p,
    const struct vg_policy_file *f)
{
	struct counts k = { 0 };

	for (size_t c = 0; c < vg_policy_n_controls(p); c++) {
		if (vg_policy_control(p, c)->file != f)
			continue;
		if (g->first[c] == g->first[c + 1])
			count(&k, TC_SKIP);
		for (size_t j = g->first[c]; j < g->first[c + 1]; j++)
			count(&k, classify(&l->v[g->by[j]]));
	}
	return k;
}

/* ---- the document */

static void
join(struct xw *w, const char *head, const char *const *v, size_t n)
{
	if (n == 0)
		return;
	xraw(w, head);
	for (size_t i = 0; i < n; i++) {
		xraw(w, i ? ", " : "");
		xesc(w, v[i], false);
	}
	xraw(w, "\n");
}

static const char *
message_of(const struct vg_fitem *it)
{
	return it->message != NULL && it->message[0] != '\0' ? it->message : it->control->title;
}

/* What a failure's text says besides its message: enough to act on without other output. */
static void
details(struct xw *w, const struct vg_fitem *it, unsigned fail_on)
{
	const struct vg_control *c = it->control;
	char b[64];

	xesc(w, message_of(it), false);
	xraw(w, "\nseverity: ");
	xraw(w, vg_severity_name(it->severity));
	if (it->result == VG_RES_FAIL && !vg_fitem_blocking(it, fail_on)) {
		xraw(w, " (below --fail-on ");
		xraw(w, fail_on >= VG_FAIL_ON_NONE ? "none" :
		    vg_severity_name((enum vg_severity)fail_on));
		xraw(w, ": does not fail the run)");
	}
	xraw(w, "\n");
	join(w, "references: ", c->references, c->n_references);
	join(w, "SOC 2: ", c->soc2, c->n_soc2);
	if (it->file != NULL) {
		xraw(w, "location: ");
		xesc(w, it->file, false);
		if (it->line > 0 && it->col > 0)
			snprintf(b, sizeof(b), ":%u:%u", it->line, it->col);
		else if (it->line > 0)
			snprintf(b, sizeof(b), ":%u", it->line);
		else
			b[0] = '\0';
		xraw(w, b);
		xraw(w, it->attached ? " (where the subject is declared)\n" : "\n");
	}
	if (it->key != NULL) {
		xraw(w, "key: ");
		xesc(w, it->key, false);
		xraw(w, "\n");
	}
	if (it->baseline == VG_BL_NEW)
		xraw(w, "baseline: new\n");
	xraw(w, "fingerprint: ");
	xraw(w, it->fingerprint);
	xraw(w, "\n");
}

static void
testcase_open(struct xw *w, const struct vg_control *c, const struct vg_fitem *it)
{
	char b[64];

	xraw(w, "    <testcase classname=\"");
	xesc(w, c->file->id, true);
	xraw(w, ".");
	xesc(w, c->id, true);
	xraw(w, "\" name=\"");
	xesc(w, c->id, true);
	if (it == NULL) {
		xraw(w, " (no applicable subject)\"");
		return;
	}
	if (it->kind != NULL) {
		xraw(w, " ");
		xesc(w, it->kind, true);
	}
	if (it->label != NULL) {
		xraw(w, " ");
		xesc(w, it->label, true);
	}
	if (it->file != NULL) {
		xraw(w, " (");
		xesc(w, it->file, true);
		if (it->line > 0) {
			snprintf(b, sizeof(b), ":%u", it->line);
			xraw(w, b);
		}
		xraw(w, ")");
	}
	xraw(w, "\"");
}

static void
skipped_waiver(struct xw *w, const struct vg_waiver *wv)
{
	char d[16];

	xraw(w, "      <skipped message=\"waived by ");
	xesc(w, wv->owner, true);
	xraw(w, " until ");
	xraw(w, vg_date_fmt(wv->expires, d, sizeof(d)));
	xraw(w, ": ");
	xesc(w, wv->reason, true);
	if (wv->ticket != NULL) {
		xraw(w, " (");
		xesc(w, wv->ticket, true);
		xraw(w, ")");
	}
	xraw(w, "\"/>\n");
}

/*
 * JUnit has no levels: a failure below --fail-on is still a <failure>,
 * because a skipped or passing testcase would hide it on the dashboard.
 * Its type attribute is the severity, and its text says that it does not
 * fail the run, so that the dashboard and the exit status can be matched.
 */
static void
testcase(struct xw *w, const struct vg_fitem *it, unsigned fail_on)
{
	enum tc t = classify(it);

	testcase_open(w, it->control, it);
	if (t == TC_PASS) {
		xraw(w, "/>\n");
		return;
	}
	xraw(w, ">\n");
	if (t == TC_SKIP && it->waiver != NULL) {
		skipped_waiver(w, it->waiver);
	} else if (t == TC_SKIP) {
		xraw(w, "      <skipped message=\"in baseline\"/>\n");
	} else {
		const char *el = t == TC_ERROR ? "error" : "failure";

		xraw(w, "      <");
		xraw(w, el);
		xattr(w, "message", message_of(it));
		xattr(w, "type", t == TC_ERROR ? "error" : vg_severity_name(it->severity));
		xraw(w, ">");
		details(w, it, fail_on);
		xraw(w, "</");
		xraw(w, el);
		xraw(w, ">\n");
	}
	xraw(w, "    </testcase>\n");
}

static void
property(struct xw *w, const char *name, const char *value)
{
	xraw(w, "      <property");
	xattr(w, "name", name);
	xattr(w, "value", value);
	xraw(w, "/>\n");
}

static void
suite(struct xw *w, const struct byctl *g, const struct vg_flist *l, const struct vg_policy *p,
    const struct vg_policy_file *f, const struct vg_ci_info *ci)
{
	struct counts k = suite_counts(g, l, p, f);
	char d[16];

	xraw(w, "  <testsuite");
	xattr(w, "name", f->id);
	xattr_n(w, "tests", k.tests);
	xattr_n(w, "failures", k.failures);
	xattr_n(w, "errors", k.errors);
	xattr_n(w, "skipped", k.skipped);
	xraw(w, ">\n    <properties>\n");
	if (f->title != NULL)
		property(w, "title", f->title);
	if (f->version != NULL)
		property(w, "version", f->version);
	if (f->path != NULL)
		property(w, "file", f->path);
	property(w, "date", vg_date_fmt(ci->date, d, sizeof(d)));
	property(w, "fail-on", ci->fail_on >= VG_FAIL_ON_NONE ? "none" :
	    vg_severity_name((enum vg_severity)ci->fail_on));
	if (ci->tool_version != NULL)
		property(w, "vigie-version", ci->tool_version);
	for (size_t i = 0; ci->rules_versions != NULL && i < ci->n_rules_versions; i++)
		property(w, "rules-version", ci->rules_versions[i]);
	xraw(w, "    </properties>\n");
	for (size_t c = 0; c < vg_policy_n_controls(p) && !w->failed; c++) {
		const struct vg_control *ctl = vg_policy_control(p, c);

		if (ctl->file != f)
			continue;
		if (g->first[c] == g->first[c + 1]) {
			testcase_open(w, ctl, NULL);
			xraw(w, ">\n      <skipped message=\"no applicable subject\"/>\n"
			    "    </testcase>\n");
		}
		for (size_t j = g->first[c]; j < g->first[c + 1]; j++)
			testcase(w, &l->v[g->by[j]], ci->fail_on);
	}
	xraw(w, "  </testsuite>\n");
}

int
vg_junit_write(FILE *fp, const struct vg_flist *l, const struct vg_policy *p,
    const struct vg_ci_info *ci)
{
	static const struct vg_flist empty;
	struct xw w = { fp, false };
	struct byctl g = { NULL, NULL };
	struct counts all = { 0 };
	size_t nf;

	if (p == NULL) {
		/* No policy, no controls: a valid report of nothing. */
		xraw(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<testsuites name=\"vigie\" tests=\"0\" failures=\"0\" errors=\"0\" "
		    "skipped=\"0\"/>\n");
		return w.failed || ferror(fp) ? -1 : 0;
	}
	if (l == NULL)
		l = &empty;
	if (!group(&g, l, p)) {
		free(g.first);
		free(g.by);
		return -1;
	}
	nf = vg_policy_n_files(p);
	for (size_t i = 0; i < nf; i++) {
		struct counts k = suite_counts(&g, l, p, vg_policy_file(p, i));

		all.tests += k.tests;
		all.failures += k.failures;
		all.skipped += k.skipped;
		all.errors += k.errors;
	}
	xraw(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	xattr(&w, "name", "vigie");
	xattr_n(&w, "tests", all.tests);
	xattr_n(&w, "failures", all.failures);
	xattr_n(&w, "errors", all.errors);
	xattr_n(&w, "skipped", all.skipped);
	xraw(&w, ">\n");
	for (size_t i = 0; i < nf && !w.failed; i++)
		suite(&w, &g, l, p, vg_policy_file(p, i), ci);
	xraw(&w, "</testsuites>\n");
	free(g.first);
	free(g.by);
	return w.failed || ferror(fp) ? -1 : 0;
}
