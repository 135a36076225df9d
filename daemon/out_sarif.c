/* out_sarif.c - a run's findings as one SARIF 2.1.0 log (OASIS standard), built with jansson. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "out_finding.h"
#include "out_sarif.h"
#include "policy_expr.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/" \
	"sarif-schema-2.1.0.json"
#define SARIF_FINGERPRINT "vigieFindingHash/v1"  /* bump the /v when the hash's inputs change */
#define SARIF_SRCROOT "%SRCROOT%"
#define SARIF_ARGS_MAX 4096        /* command line arguments written */
/*
 * GitHub code scanning rejects a whole log past these ("SARIF results
 * exceed hard limit" in its documentation): tags of a rule, results of a run.
 */
#define SARIF_TAGS_MAX 20
#define SARIF_RESULTS_MAX 25000

/* ---- UTF-8 */

size_t
vg_utf8_next(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t v, min;
	size_t n;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	/* RFC 3629 §4: C0, C1 and F5..FF never start a sequence; the minimum rejects overlongs. */
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2, v = p[0] & 0x1fu, min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3, v = p[0] & 0x0fu, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4, v = p[0] & 0x07u, min = 0x10000;
	} else {
		goto bad;
	}
	/* Stops at the terminating NUL too, which is no continuation byte. */
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		v = v << 6 | (p[i] & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		goto bad;
	*cp = v;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

size_t
vg_utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A JSON string of s; jansson refuses invalid UTF-8, so such text is repaired first. */
static json_t *
jstr(const char *s)
{
	json_t *v;
	char *c, *o;
	size_t n;
	uint32_t cp;

	if (s == NULL)
		return NULL;
	if ((v = json_string(s)) != NULL)
		return v;
	/* Each bad byte becomes three; a NULL from json_string can also be memory, retried here. */
	n = strlen(s);
	if (n > (SIZE_MAX - 1) / 3 || (c = malloc(3 * n + 1)) == NULL)
		return NULL;
	for (o = c; *s != '\0';) {
		s += vg_utf8_next(s, &cp);
		o += vg_utf8_put(cp, o);
	}
	*o = '\0';
	v = json_string(c);
	free(c);
	return v;
}

/* ---- building with one error flag instead of a check per call */

struct sw {
	bool failed;
};

/* Sets o[k] = v, taking v; a NULL v (a failed allocation) marks the log failed. */
static json_t *
put(struct sw *w, json_t *o, const char *k, json_t *v)
{
	if (v == NULL || json_object_set_new(o, k, v) != 0) {
		w->failed = true;
		return NULL;
	}
	return v;
}

static json_t *
push(struct sw *w, json_t *a, json_t *v)
{
	if (v == NULL || json_array_append_new(a, v) != 0) {
		w->failed = true;
		return NULL;
	}
	return v;
}

/* {"text": s}: SARIF's message and multiformatMessageString. */
static json_t *
text_obj(struct sw *w, const char *s)
{
	json_t *o = json_object();

	if (o != NULL)
		put(w, o, "text", jstr(s));
	return o;
}

/* A growing string, for texts made of parts. */
struct sbuf {
	char *p;
	size_t n, cap;
	bool failed;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (n >= b->cap - b->n || b->p == NULL) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (n >= cap - b->n) {
			if (cap > SIZE_MAX / 2) {
				b->failed = true;
				return;
			}
			cap *= 2;
		}
		if ((p = realloc(b->p, cap)) == NULL) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Hands the text over: the caller frees it. NULL when any step failed. */
static char *
sb_take(struct sbuf *b)
{
	char *p = b->p;

	if (b->failed || p == NULL) {
		free(p);
		p = NULL;
	}
	memset(b, 0, sizeof(*b));
	return p;
}

/* ---- URIs */

static bool
unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~';
}

static bool
sub_delim(unsigned char c)
{
	return c != '\0' && strchr("!$&'()*+,;=", c) != NULL;
}

char *
vg_sarif_uri(const char *path, bool *relative)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;
	bool first_segment;
	struct sbuf b = { 0 };

	*relative = path[0] != '/';
	if (*relative) {
		while (p[0] == '.' && p[1] == '/')
			for (p += 2; *p == '/'; p++)
				;
	} else {
		sb_str(&b, "file://");
	}
	first_segment = *relative;
	/* pchar (RFC 3986 §3.3) stays as it is, '/' too; everything else is %XX of its bytes. */
	for (; *p != '\0'; p++) {
		if (*p == '/')
			first_segment = false;
		if (unreserved(*p) || sub_delim(*p) || *p == '@' || *p == '/' ||
		    (*p == ':' && !first_segment)) {
			sb_add(&b, (const char *)p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			sb_add(&b, e, 3);
		}
	}
	sb_add(&b, "", 0);
	return sb_take(&b);
}

/* ---- rules */

static const char *
level_of(enum vg_severity s)
{
	switch (s) {
	case VG_SEV_CRITICAL:
	case VG_SEV_HIGH:
		return "error";
	case VG_SEV_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

/* GitHub's security-severity: a CVSS-like score; its bands (9.0, 7.0, 4.0, 0.1) give the levels. */
static const char *
security_severity(enum vg_severity s)
{
	switch (s) {
	case VG_SEV_CRITICAL: return "9.5";
	case VG_SEV_HIGH: return "8.0";
	case VG_SEV_MEDIUM: return "5.5";
	case VG_SEV_LOW: return "3.0";
	default: return "1.0";
	}
}

static void
add_list(struct sbuf *b, const char *head, const char *const *v, size_t n)
{
	if (n == 0)
		return;
	sb_str(b, head);
	for (size_t i = 0; i < n; i++) {
		sb_str(b, i ? ", " : "");
		sb_str(b, v[i]);
	}
	sb_str(b, "\n");
}

/* The rule's help: what it checks, then the texts and criteria it stands on. */
static json_t *
rule_help(struct sw *w, const struct vg_control *c)
{
	struct sbuf b = { 0 };
	char *s;
	json_t *o;

	sb_str(&b, c->description != NULL ? c->description : c->title);
	sb_str(&b, "\n\n");
	add_list(&b, "References: ", c->references, c->n_references);
	add_list(&b, "SOC 2: ", c->soc2, c->n_soc2);
	sb_str(&b, "Policy: ");
	sb_str(&b, c->file->id);
	if ((s = sb_take(&b)) == NULL)
		return NULL;
	o = text_obj(w, s);
	free(s);
	return o;
}

/* Tags must be distinct (the schema's uniqueItems); a criterion may repeat a reference. */
static void
add_tags(struct sw *w, json_t *tags, const char *const *v, size_t n, size_t max)
{
	for (size_t i = 0; i < n && json_array_size(tags) < max; i++) {
		json_t *t = jstr(v[i]);
		bool dup = false;

		/* Compared as written: two different bad byte sequences can repair alike. */
		for (size_t j = 0; t != NULL && !dup && j < json_array_size(tags); j++)
			dup = json_equal(json_array_get(tags, j), t);
		if (dup)
			json_decref(t);
		else
			push(w, tags, t);
	}
}

static json_t *
rule_json(struct sw *w, const struct vg_control *c)
{
	json_t *r = json_object(), *props, *tags;
	struct sbuf name = { 0 };
	char *s;

	if (r == NULL)
		return NULL;
	put(w, r, "id", jstr(c->id));
	sb_str(&name, c->file->id);
	sb_str(&name, "/");
	sb_str(&name, c->id);
	if ((s = sb_take(&name)) != NULL)
		put(w, r, "name", jstr(s));
	else
		w->failed = true;
	free(s);
	put(w, r, "shortDescription", text_obj(w, c->title));
	if (c->description != NULL)
		put(w, r, "fullDescription", text_obj(w, c->description));
	put(w, r, "help", rule_help(w, c));
	put(w, r, "defaultConfiguration", json_pack("{s:s}", "level", level_of(c->severity)));
	if ((props = put(w, r, "properties", json_object())) == NULL)
		return r;
	if ((tags = put(w, props, "tags", json_array())) != NULL) {
		/* The policy id always has its place: it is what a dashboard filters on. */
		add_tags(w, tags, c->references, c->n_references, SARIF_TAGS_MAX - 1);
		add_tags(w, tags, c->soc2, c->n_soc2, SARIF_TAGS_MAX - 1);
		add_tags(w, tags, &c->file->id, 1, SARIF_TAGS_MAX);
	}
	put(w, props, "security-severity", json_string(security_severity(c->severity)));
	put(w, props, "severity", json_string(vg_severity_name(c->severity)));
	put(w, props, "appliesTo", jstr(vg_subject_kind_name(c->applies_to)));
	return r;
}

/* ---- results */

/* The rule of a control in the log: its index in the set when the set is p. */
static bool
rule_index(const struct vg_policy *p, const struct vg_control *c, size_t *i)
{
	if (p == NULL || c->index >= vg_policy_n_controls(p) || vg_policy_control(p, c->index) != c)
		return false;
	*i = c->index;
	return true;
}

static json_t *
location_json(struct sw *w, const struct vg_fitem *it)
{
	json_t *loc = json_object(), *pl, *al, *region, *ll, *lo;
	bool relative;
	char *uri;

	if (loc == NULL)
		return NULL;
	if ((pl = put(w, loc, "physicalLocation", json_object())) != NULL &&
	    (al = put(w, pl, "artifactLocation", json_object())) != NULL) {
		if ((uri = vg_sarif_uri(it->file, &relative)) != NULL) {
			put(w, al, "uri", json_string(uri));
			if (relative)
				put(w, al, "uriBaseId", json_string(SARIF_SRCROOT));
		} else {
			w->failed = true;
		}
		free(uri);
		if (it->line > 0 && (region = put(w, pl, "region", json_object())) != NULL) {
			put(w, region, "startLine", json_integer(it->line));
			if (it->col > 0)
				put(w, region, "startColumn", json_integer(it->col));
		}
	}
	if (it->key != NULL && (ll = put(w, loc, "logicalLocations", json_array())) != NULL &&
	    (lo = push(w, ll, json_object())) != NULL)
		put(w, lo, "fullyQualifiedName", jstr(it->key));
	return loc;
}

static json_t *
suppression_json(struct sw *w, const struct vg_waiver *wv)
{
	json_t *s = json_object(), *props;
	struct sbuf b = { 0 };
	char d[16], *t;

	if (s == NULL)
		return NULL;
	vg_date_fmt(wv->expires, d, sizeof(d));
	put(w, s, "kind", json_string("external"));
	put(w, s, "status", json_string("accepted"));
	sb_str(&b, "waived by ");
	sb_str(&b, wv->owner);
	sb_str(&b, " until ");
	sb_str(&b, d);
	sb_str(&b, ": ");
	sb_str(&b, wv->reason);
	if (wv->ticket != NULL) {
		sb_str(&b, " (");
		sb_str(&b, wv->ticket);
		sb_str(&b, ")");
	}
	if ((t = sb_take(&b)) != NULL)
		put(w, s, "justification", jstr(t));
	else
		w->failed = true;
	free(t);
	if ((props = put(w, s, "properties", json_object())) != NULL) {
		put(w, props, "owner", jstr(wv->owner));
		put(w, props, "expires", json_string(d));
		if (wv->ticket != NULL)
			put(w, props, "ticket", jstr(wv->ticket));
	}
	return s;
}

static json_t *
result_json(struct sw *w, const struct vg_fitem *it, const struct vg_policy *p, unsigned fail_on)
{
	const struct vg_control *c = it->control;
	bool pass = it->result == VG_RES_PASS;
	json_t *r = json_object(), *a, *props;
	size_t ri;

	if (r == NULL)
		return NULL;
	put(w, r, "ruleId", jstr(c->id));
	if (rule_index(p, c, &ri))
		put(w, r, "ruleIndex", json_integer((json_int_t)ri));
	/* §3.27.10: a result whose kind is not "fail" has level "none". */
	put(w, r, "kind", json_string(pass ? "pass" : "fail"));
	put(w, r, "level", json_string(pass ? "none" : level_of(it->severity)));
	put(w, r, "message", text_obj(w, it->message != NULL && it->message[0] != '\0' ?
	    it->message : c->title));
	if ((a = put(w, r, "locations", json_array())) != NULL)
		push(w, a, location_json(w, it));
	put(w, r, "partialFingerprints", json_pack("{s:s}", SARIF_FINGERPRINT, it->fingerprint));
	if (it->baseline != VG_BL_NONE)
		put(w, r, "baselineState", json_string(it->baseline == VG_BL_UNCHANGED ?
		    "unchanged" : "new"));
	if (it->waiver != NULL && (a = put(w, r, "suppressions", json_array())) != NULL)
		push(w, a, suppression_json(w, it->waiver));
	if ((props = put(w, r, "properties", json_object())) == NULL)
		return r;
	if (it->kind != NULL)
		put(w, props, "subjectKind", jstr(it->kind));
	if (it->label != NULL)
		put(w, props, "label", jstr(it->label));
	put(w, props, "severity", json_string(vg_severity_name(it->severity)));
	if (it->attached)
		put(w, props, "attached", json_true());
	/* What the exit status of the run counted, so that a consumer need not redo it. */
	put(w, props, "blocking", json_boolean(vg_fitem_blocking(it, fail_on)));
	return r;
}

/* ---- the run's invocation */

/* One argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
static void
shell_word(struct sbuf *b, const char *s)
{
	const char *safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "-_./=:,+@%";

	if (s[0] != '\0' && s[strspn(s, safe)] == '\0') {
		sb_str(b, s);
		return;
	}
	sb_str(b, "'");
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			sb_str(b, "'\\''");
		else
			sb_add(b, s, 1);
	}
	sb_str(b, "'");
}

static json_t *
notification(struct sw *w, const char *level, const char *text)
{
	json_t *n = json_object();

	if (n != NULL) {
		put(w, n, "level", json_string(level));
		put(w, n, "message", text_obj(w, text));
	}
	return n;
}

/* Items written as results, and those left out for want of a file. */
static bool
wanted(const struct vg_fitem *it, bool all_results)
{
	return it->result == VG_RES_FAIL || (all_results && it->result == VG_RES_PASS);
}

static bool
has_file(const struct vg_fitem *it)
{
	return it->file != NULL && it->file[0] != '\0';
}

static json_t *
invocation_json(struct sw *w, const struct vg_flist *l, const struct vg_policy *p,
    const struct vg_ci_info *ci)
{
	json_t *inv = json_object(), *a, *notes = NULL, *n, *props;
	size_t fails = 0, passes = 0, fails_kept = 0, passes_kept = 0, argc;
	char text[256], *s;

	if (inv == NULL)
		return NULL;
	if (ci->argv != NULL && ci->argc > 0) {
		struct sbuf b = { 0 };

		argc = (size_t)ci->argc < SARIF_ARGS_MAX ? (size_t)ci->argc : SARIF_ARGS_MAX;
		for (size_t i = 0; i < argc && ci->argv[i] != NULL; i++) {
			sb_str(&b, i ? " " : "");
			shell_word(&b, ci->argv[i]);
		}
		if ((s = sb_take(&b)) != NULL)
			put(w, inv, "commandLine", jstr(s));
		free(s);
		if ((a = put(w, inv, "arguments", json_array())) != NULL)
			for (size_t i = 0; i < argc && ci->argv[i] != NULL; i++)
				push(w, a, jstr(ci->argv[i]));
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct vg_fitem *it = &l->v[i];

		if (it->result == VG_RES_ERROR) {
			size_t ri;
			json_t *rule = NULL;

			if (notes == NULL)
				notes = put(w, inv, "toolExecutionNotifications", json_array());
			n = push(w, notes, notification(w, "error", it->message != NULL ?
			    it->message : "evaluation error"));
			if (n != NULL)
				rule = put(w, n, "associatedRule", json_object());
			if (n != NULL && rule != NULL) {
				put(w, rule, "id", jstr(it->control->id));
				if (rule_index(p, it->control, &ri))
					put(w, rule, "index", json_integer((json_int_t)ri));
			}
		} else if (wanted(it, ci->all_results) && !has_file(it)) {
			if (it->result == VG_RES_FAIL)
				fails++;
			else
				passes++;
		} else if (wanted(it, ci->all_results)) {
			if (it->result == VG_RES_FAIL)
				fails_kept++;
			else
				passes_kept++;
		}
	}
	if (fails + passes > 0) {
		bool one = fails + passes == 1;

		snprintf(text, sizeof(text), "%zu finding%s (%zu failed, %zu passed) concern%s no "
		    "file and %s left out: code scanning rejects results without a location "
		    "(-f json lists them)", fails + passes, one ? "" : "s", fails, passes,
		    one ? "s" : "", one ? "is" : "are");
		if (notes == NULL)
			notes = put(w, inv, "toolExecutionNotifications", json_array());
		if ((n = push(w, notes, notification(w, "note", text))) != NULL &&
		    (props = put(w, n, "properties", json_object())) != NULL) {
			put(w, props, "omittedFailures", json_integer((json_int_t)fails));
			put(w, props, "omittedPasses", json_integer((json_int_t)passes));
		}
	}
	if (fails_kept + passes_kept > SARIF_RESULTS_MAX) {
		/* vg_sarif_write() writes the failures first: the passes go before any of them. */
		size_t over = fails_kept + passes_kept - SARIF_RESULTS_MAX;
		size_t over_passes = over < passes_kept ? over : passes_kept;
		size_t over_fails = over - over_passes;

		snprintf(text, sizeof(text), "%zu results past the %u a run may hold in code "
		    "scanning are left out (%zu failed, %zu passed; failures come first)", over,
		    (unsigned)SARIF_RESULTS_MAX, over_fails, over_passes);
		if (notes == NULL)
			notes = put(w, inv, "toolExecutionNotifications", json_array());
		if ((n = push(w, notes, notification(w, "warning", text))) != NULL &&
		    (props = put(w, n, "properties", json_object())) != NULL) {
			put(w, props, "omittedFailures", json_integer((json_int_t)over_fails));
			put(w, props, "omittedPasses", json_integer((json_int_t)over_passes));
		}
	}
	/* The evaluation ran; whether it found failures is for the results to say. */
	put(w, inv, "executionSuccessful", json_true());
	return inv;
}

/* ---- the log */

/* MAJOR.MINOR.PATCH, then a pre-release or build suffix (SemVer 2.0 §2, §9, §10), or not. */
static bool
semver(const char *v)
{
	for (int part = 0; part < 3; part++) {
		size_t n = strspn(v, "0123456789");

		if (n == 0 || (n > 1 && v[0] == '0'))
			return false;
		v += n;
		if (part < 2 && *v++ != '.')
			return false;
	}
	return *v == '\0' || *v == '-' || *v == '+';
}

static json_t *
driver_json(struct sw *w, const struct vg_policy *p, const struct vg_ci_info *ci)
{
	json_t *d = json_object(), *rules, *props, *a;
	size_t nc = p != NULL ? vg_policy_n_controls(p) : 0;
	const char *v = ci->tool_version;

	if (d == NULL)
		return NULL;
	put(w, d, "name", json_string("vigie"));
	if (v != NULL) {
		put(w, d, "version", jstr(v));
		if (semver(v))
			put(w, d, "semanticVersion", jstr(v));
	}
	if ((rules = put(w, d, "rules", json_array())) != NULL)
		for (size_t i = 0; i < nc; i++)
			push(w, rules, rule_json(w, vg_policy_control(p, i)));
	if (ci->n_rules_versions > 0 && ci->rules_versions != NULL &&
	    (props = put(w, d, "properties", json_object())) != NULL &&
	    (a = put(w, props, "rulesVersions", json_array())) != NULL)
		for (size_t i = 0; i < ci->n_rules_versions; i++)
			push(w, a, jstr(ci->rules_versions[i]));
	return d;
}

static json_t *
run_properties(struct sw *w, const struct vg_policy *p, const struct vg_ci_info *ci)
{
	json_t *props = json_object(), *a, *o;
	size_t nf = p != NULL ? vg_policy_n_files(p) : 0;
	char d[16];

	if (props == NULL)
		return NULL;
	put(w, props, "evaluationDate", json_string(vg_date_fmt(ci->date, d, sizeof(d))));
	put(w, props, "failOn", json_string(ci->fail_on >= VG_FAIL_ON_NONE ? "none" :
	    vg_severity_name((enum vg_severity)ci->fail_on)));
	if ((a = put(w, props, "policies", json_array())) == NULL)
		return props;
	for (size_t i = 0; i < nf; i++) {
		const struct vg_policy_file *f = vg_policy_file(p, i);

		if ((o = push(w, a, json_object())) == NULL)
			break;
		put(w, o, "id", jstr(f->id));
		if (f->title != NULL)
			put(w, o, "title", jstr(f->title));
		if (f->version != NULL)
			put(w, o, "version", jstr(f->version));
	}
	return props;
}

int
vg_sarif_write(FILE *fp, const struct vg_flist *l, const struct vg_policy *p,
    const struct vg_ci_info *ci)
{
	struct sw w = { false };
	json_t *log = json_object(), *runs, *run, *tool, *invs, *results;
	int rc = -1;

	if (log == NULL)
		return -1;
	put(&w, log, "$schema", json_string(SARIF_SCHEMA));
	put(&w, log, "version", json_string("2.1.0"));
	if ((runs = put(&w, log, "runs", json_array())) == NULL ||
	    (run = push(&w, runs, json_object())) == NULL)
		goto out;
	if ((tool = put(&w, run, "tool", json_object())) != NULL)
		put(&w, tool, "driver", driver_json(&w, p, ci));
	if ((invs = put(&w, run, "invocations", json_array())) != NULL)
		push(&w, invs, invocation_json(&w, l, p, ci));
	/* Columns count characters (vg_ynode_pos(), the .env reader), not UTF-16 code units. */
	put(&w, run, "columnKind", json_string("unicodeCodePoints"));
	/* Failures, then passes, each in list order, as many as code scanning takes. */
	if ((results = put(&w, run, "results", json_array())) != NULL) {
		size_t kept = 0;

		for (int round = 0; round < 2; round++) {
			enum vg_result want = round == 0 ? VG_RES_FAIL : VG_RES_PASS;

			for (size_t i = 0; i < l->n && !w.failed && kept < SARIF_RESULTS_MAX; i++) {
				const struct vg_fitem *it = &l->v[i];

				if (it->result != want || !wanted(it, ci->all_results) ||
				    !has_file(it))
					continue;
				push(&w, results, result_json(&w, it, p, ci->fail_on));
				kept++;
			}
		}
	}
	put(&w, run, "properties", run_properties(&w, p, ci));
	if (w.failed)
		goto out;
	if (json_dumpf(log, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', fp) == EOF)
		goto out;
	rc = ferror(fp) ? -1 : 0;
out:
	json_decref(log);
	return rc;
}
