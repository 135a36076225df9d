/* cmd_check.c - `vigie check`: configuration files (and captures) judged by policies, for CI. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "attrib.h"
#include "audit.h"
#include "cmd.h"
#include "config_rules.h"
#include "config_scan.h"
#include "engine.h"
#include "finding_list.h"
#include "geoip.h"
#include "manifest.h"
#include "out_finding.h"
#include "out_json.h"
#include "out_junit.h"
#include "out_sarif.h"
#include "paths.h"
#include "policy.h"
#include "subject.h"

#define OPT_PATHS_MAX 64         /* -p, -m, --capture or --exclude options */
#define BASELINE_MAX (1u << 20)  /* fingerprints one baseline file may hold */

enum fmt { FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_JUNIT };

struct check {
	enum fmt fmt;
	FILE *out;
	bool all_results;
	bool keep_passes;     /* JUnit shows passes as test cases; --results all too */
	bool colour;
	bool oom, write_failed;
	const struct vg_attrib *attrib;
	const struct vg_policy *policy;
	struct vg_pstats *stats;
	int32_t today;
	struct vg_flist list;
	struct vg_declared decl_flows;   /* manifests and configured endpoints */
	struct vg_declared decl_eps;     /* manifests only */
	const char *attach_file;         /* where a finding without a file is shown (SARIF) */
	unsigned attach_line;
	uint64_t flows;
	struct vg_subject subj;
	char msg[VG_POLICY_MESSAGE_MAX];
};

static void
keep(struct check *c, const struct vg_fitem *it)
{
	if (vg_flist_add(&c->list, it) == NULL)
		c->oom = true;
}

static void
on_finding(void *arg, const struct vg_finding *f)
{
	struct check *c = arg;
	const struct vg_subject *s = f->subject;
	struct vg_fitem it;
	char label[300];
	char *sj;

	vg_pstats_add(c->stats, f);
	/*
	 * Not-applicable results are counted only, and passes kept only for a
	 * writer that shows them: a capture's flows would otherwise fill memory.
	 */
	if (f->result == VG_RES_NA || (f->result == VG_RES_PASS && !c->keep_passes))
		return;
	memset(&it, 0, sizeof(it));
	it.control = f->control;
	it.result = f->result;
	it.waiver = f->waiver;
	it.severity = f->control->severity;
	it.message = f->message;
	it.kind = vg_subject_kind_name(s->kind);
	it.file = s->file;
	it.line = s->line;
	it.col = s->col;
	it.key = s->key;
	if (s->kind == VG_SUBJ_FLOW) {
		/* A flow's identity is where it went, not its ports or time: that is what recurs. */
		snprintf(label, sizeof(label), "%s:%lld", s->label != NULL ? s->label : "?",
		    s->v[VG_SF_DST_PORT].t == VG_V_INT ? (long long)s->v[VG_SF_DST_PORT].u.i : 0LL);
		it.label = label;
		if (c->attach_file != NULL) {
			it.file = c->attach_file;
			it.line = c->attach_line;
			it.attached = true;
		}
	} else {
		it.label = s->label;
	}
	/* Only finding records carry the subject in full. */
	sj = c->fmt == FMT_JSON ? vg_subject_json_text(s) : NULL;
	if (c->fmt == FMT_JSON && sj == NULL)
		c->oom = true;
	it.subject_json = sj;
	keep(c, &it);
	free(sj);
}

static void
report_expired(struct check *c)
{
	for (size_t i = 0; i < vg_policy_n_waivers(c->policy); i++) {
		const struct vg_waiver *w = vg_policy_waiver(c->policy, i);
		const struct vg_control *ctl = vg_policy_find(c->policy, w->control);
		struct vg_fitem it;
		char *sj;

		if (w->expires >= c->today || ctl == NULL)
			continue;
		vg_pstats_expired(c->stats);
		vg_expired_message(w, c->today, c->msg, sizeof(c->msg));
		memset(&it, 0, sizeof(it));
		it.control = ctl;
		it.result = VG_RES_FAIL;
		it.expired = true;
		it.severity = VG_SEV_LOW;
		it.message = c->msg;
		it.kind = "waiver";
		it.label = w->owner;
		it.file = w->file->path;
		it.line = w->line;
		it.col = w->col;
		sj = c->fmt == FMT_JSON ? vg_waiver_subject_json_text(w) : NULL;
		it.subject_json = sj;
		keep(c, &it);
		free(sj);
	}
}

static void
on_record(void *arg, const struct vg_flow_record *r)
{
	struct check *c = arg;
	struct vg_dest d;

	c->flows++;
	vg_attrib_flow(c->attrib, r, &d);
	vg_subject_init(&c->subj, VG_SUBJ_FLOW, c->today);
	vg_subject_flow(&c->subj, r, &d,
	    c->decl_flows.n + c->decl_flows.n_cfg > 0 ? &c->decl_flows : NULL);
	vg_policy_eval(c->policy, &c->subj, c->today, c->msg, on_finding, c);
}

/* ---- baselines */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* What a baseline counts: unwaived failures, which are what would fail the build. */
static bool
baselined(const struct vg_fitem *it)
{
	return it->result == VG_RES_FAIL && it->waiver == NULL;
}

/*
 * Marks each failure new or unchanged against a baseline file written by
 * --write-baseline. Returns an exit code after a message.
 */
static int
apply_baseline(struct check *c, const char *path, uint64_t *fixed)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je), *arr, *v;
	const char **fps;
	size_t n = 0, i;
	bool *seen;

	*fixed = 0;
	if (root == NULL) {
		char *near = strstr(je.text, " near '");
		if (near != NULL)
			*near = '\0';
		vg_warn("%s:%d:%d: %s", path, je.line, je.column, je.text);
		return VG_EXIT_INPUT;
	}
	arr = json_object_get(root, "findings");
	if (!json_is_object(root) || !json_is_integer(json_object_get(root, "version")) ||
	    json_integer_value(json_object_get(root, "version")) != 1 || !json_is_array(arr) ||
	    json_array_size(arr) > BASELINE_MAX) {
		vg_warn("%s: not a vigie baseline (version 1 with a findings array of at most %u)",
		    path, BASELINE_MAX);
		json_decref(root);
		return VG_EXIT_INPUT;
	}
	fps = calloc(json_array_size(arr) + 1, sizeof(*fps));
	seen = calloc(json_array_size(arr) + 1, sizeof(*seen));
	if (fps == NULL || seen == NULL) {
		free(fps);
		free(seen);
		json_decref(root);
		vg_warn("out of memory");
		return VG_EXIT_USAGE;
	}
	json_array_foreach(arr, i, v) {
		const char *fp = json_string_value(json_object_get(v, "fingerprint"));
		if (fp == NULL || strlen(fp) != 16 || strspn(fp, "0123456789abcdef") != 16) {
			vg_warn("%s: finding %zu has no valid fingerprint (16 hex digits)", path, i + 1);
			free(fps);
			free(seen);
			json_decref(root);
			return VG_EXIT_INPUT;
		}
		fps[n++] = fp;
	}
	qsort(fps, n, sizeof(*fps), cmp_str);
	for (i = 0; i < c->list.n; i++) {
		struct vg_fitem *it = &c->list.v[i];
		const char *key = it->fingerprint, **hit;

		if (!baselined(it))
			continue;
		hit = n > 0 ? bsearch(&key, fps, n, sizeof(*fps), cmp_str) : NULL;
		it->baseline = hit != NULL ? VG_BL_UNCHANGED : VG_BL_NEW;
		if (hit != NULL)
			seen[hit - fps] = true;
	}
	for (i = 0; i < n; i++)
		if (!seen[i] && (i == 0 || strcmp(fps[i], fps[i - 1]) != 0))
			(*fixed)++;
	free(fps);
	free(seen);
	json_decref(root);
	return VG_EXIT_OK;
}

static int
write_baseline(const struct check *c, const char *path)
{
	json_t *root = json_object(), *arr = json_array();
	char d[16];
	int rc;

	if (root == NULL || arr == NULL) {
		json_decref(root);
		json_decref(arr);
		vg_warn("out of memory");
		return VG_EXIT_USAGE;
	}
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "tool", json_string("vigie " PACKAGE_VERSION));
	json_object_set_new(root, "date", json_string(vg_date_fmt(c->today, d, sizeof(d))));
	for (size_t i = 0; i < c->list.n; i++) {
		const struct vg_fitem *it = &c->list.v[i];
		json_t *o;

		if (!baselined(it))
			continue;
		/* Control, file and label make the entry reviewable; the fingerprint is what matches. */
		o = json_pack("{s:s,s:s,s:s?,s:s?}", "fingerprint", it->fingerprint, "control",
		    it->control->id, "file", it->file, "subject", it->label);
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "findings", arr);
	rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc != 0) {
		vg_warn("%s: cannot write the baseline: %s", path, strerror(errno));
		return VG_EXIT_USAGE;
	}
	return VG_EXIT_OK;
}

/* ---- text output: findings grouped by file */

static const char *
sev_colour(enum vg_severity s)
{
	switch (s) {
	case VG_SEV_CRITICAL: return "\033[1;35m";
	case VG_SEV_HIGH: return "\033[1;31m";
	case VG_SEV_MEDIUM: return "\033[33m";
	case VG_SEV_LOW: return "\033[36m";
	default: return "\033[2m";
	}
}

static const struct check *sort_ctx;

static int
cmp_item(const void *a, const void *b)
{
	const struct vg_fitem *x = &sort_ctx->list.v[*(const size_t *)a];
	const struct vg_fitem *y = &sort_ctx->list.v[*(const size_t *)b];
	int r;

	/* Findings without a file (flows) come last. */
	if ((x->file == NULL || x->attached) != (y->file == NULL || y->attached))
		return (x->file == NULL || x->attached) ? 1 : -1;
	if (x->file != NULL && y->file != NULL && !x->attached && (r = strcmp(x->file, y->file)) != 0)
		return r;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->control->index != y->control->index)
		return x->control->index < y->control->index ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int
text_findings(struct check *c)
{
	FILE *fp = c->out;
	size_t *idx = calloc(c->list.n + 1, sizeof(*idx)), n = 0;
	const char *last = NULL, *on = c->colour ? "\033[1m" : "", *off = c->colour ? "\033[0m" : "";
	bool last_nofile = false;
	int rc = 0;

	if (idx == NULL)
		return -1;
	for (size_t i = 0; i < c->list.n; i++)
		if (c->list.v[i].result == VG_RES_FAIL || c->all_results)
			idx[n++] = i;
	sort_ctx = c;
	qsort(idx, n, sizeof(*idx), cmp_item);
	for (size_t k = 0; k < n && rc == 0; k++) {
		const struct vg_fitem *it = &c->list.v[idx[k]];
		bool nofile = it->file == NULL || it->attached;
		const char *res = it->result == VG_RES_PASS ? "pass" : it->waiver != NULL ? "WAIVED" :
		    it->baseline == VG_BL_UNCHANGED ? "BASE" : "FAIL";
		char pos[32];

		if (nofile ? !last_nofile : (last == NULL || last_nofile || strcmp(last, it->file) != 0))
			if (fprintf(fp, "\n%s%s%s\n", on, nofile ? "traffic (no file)" : it->file,
			    off) < 0)
				rc = -1;
		last = it->file;
		last_nofile = nofile;
		if (!nofile && it->col != 0)
			snprintf(pos, sizeof(pos), "%u:%u", it->line, it->col);
		else if (!nofile)
			snprintf(pos, sizeof(pos), "%u", it->line);
		else
			snprintf(pos, sizeof(pos), "-");
		if (fprintf(fp, "  %-8s %s%-6s %-8s%s %-6s %s %s\n           %s\n", pos,
		    c->colour && it->result == VG_RES_FAIL && it->waiver == NULL &&
		    it->baseline != VG_BL_UNCHANGED ? sev_colour(it->severity) : "", res,
		    vg_severity_name(it->severity), c->colour ? off : "", it->control->id, it->kind,
		    it->label != NULL ? it->label : "", it->message) < 0)
			rc = -1;
		if (rc == 0 && it->key != NULL && fprintf(fp, "           key: %s\n", it->key) < 0)
			rc = -1;
		if (rc == 0 && it->waiver != NULL) {
			char d[16];
			if (fprintf(fp, "           waived until %s by %s: %s\n",
			    vg_date_fmt(it->waiver->expires, d, sizeof(d)), it->waiver->owner,
			    it->waiver->reason) < 0)
				rc = -1;
		}
	}
	free(idx);
	return rc;
}

static int
text_summary(struct check *c, const struct vg_cscan_stats *st, size_t endpoints,
    size_t manifests, unsigned captures, uint64_t fixed, bool baseline)
{
	FILE *fp = c->out;
	uint64_t files = 0, unchanged = 0;

	for (unsigned t = 0; t < VG_CF__N; t++)
		files += st->files[t];
	for (size_t i = 0; i < c->list.n; i++)
		if (c->list.v[i].baseline == VG_BL_UNCHANGED)
			unchanged++;
	if (fprintf(fp, "\nchecked:   %llu files (", (unsigned long long)files) < 0)
		return -1;
	for (unsigned t = 0, first = 1; t < VG_CF__N; t++)
		if (st->files[t] > 0) {
			fprintf(fp, "%s%llu %s", first ? "" : ", ", (unsigned long long)st->files[t],
			    vg_cfile_type_name((enum vg_cfile_type)t));
			first = 0;
		}
	fprintf(fp, "), %zu endpoints, %zu manifests", endpoints, manifests);
	if (captures > 0)
		fprintf(fp, ", %llu flows from %u captures", (unsigned long long)c->flows, captures);
	fprintf(fp, "\n");
	if (st->excluded + st->skipped > 0)
		fprintf(fp, "left out:  %llu excluded, %llu skipped (Helm templates, lock files, "
		    "Kubernetes Secrets)\n", (unsigned long long)st->excluded,
		    (unsigned long long)st->skipped);
	if (vg_pstats_text(fp, c->stats) != 0)
		return -1;
	if (baseline)
		fprintf(fp, "baseline:  %llu unchanged, %llu fixed since it was written\n",
		    (unsigned long long)unchanged, (unsigned long long)fixed);
	return 0;
}

/* ---- JSON output */

static int
json_endpoint(FILE *fp, const struct vg_cfg_endpoint *e, const struct vg_dest *d)
{
	json_t *o = json_object(), *dj;

	if (o == NULL)
		return -1;
	json_object_set_new(o, "type", json_string("endpoint"));
	json_object_set_new(o, "file", json_string(e->file));
	json_object_set_new(o, "line", json_integer(e->line));
	json_object_set_new(o, "column", json_integer(e->col));
	json_object_set_new(o, "config_type", json_string(vg_cfile_type_name(e->type)));
	json_object_set_new(o, "key", e->key != NULL ? json_string(e->key) : json_null());
	json_object_set_new(o, "setting", json_string(e->label));
	json_object_set_new(o, "context", e->context != NULL ? json_string(e->context) :
	    json_null());
	json_object_set_new(o, "target", e->target != NULL ? json_string(e->target->id) :
	    json_null());
	json_object_set_new(o, "url", e->url != NULL ? json_string(e->url) : json_null());
	json_object_set_new(o, "url_default", json_boolean(e->url_default));
	json_object_set_new(o, "unresolved", json_boolean(e->unresolved));
	json_object_set_new(o, "model", e->model != NULL ? json_string(e->model) : json_null());
	json_object_set_new(o, "region", e->region != NULL ? json_string(e->region) : json_null());
	dj = json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?}", "provider", d->provider, "service",
	    d->service, "region", d->region[0] != '\0' ? d->region : NULL, "country", d->country,
	    "area", d->area);
	json_object_set_new(o, "dest", dj != NULL ? dj : json_null());
	return vg_json_write(fp, o);
}

static int
json_summary_to(struct check *c, FILE *fp, const struct vg_cscan_stats *st, size_t endpoints,
    size_t manifests, unsigned captures, uint64_t fixed, bool baseline)
{
	json_t *o = json_object(), *files = json_object(), *ck, *pol;
	uint64_t unchanged = 0, new = 0;

	if (o == NULL || files == NULL) {
		json_decref(o);
		json_decref(files);
		return -1;
	}
	for (unsigned t = 0; t < VG_CF__N; t++)
		json_object_set_new(files, vg_cfile_type_name((enum vg_cfile_type)t),
		    json_integer((json_int_t)st->files[t]));
	for (size_t i = 0; i < c->list.n; i++) {
		unchanged += c->list.v[i].baseline == VG_BL_UNCHANGED;
		new += c->list.v[i].baseline == VG_BL_NEW;
	}
	ck = json_pack("{s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "files", files,
	    "bytes", (json_int_t)st->bytes, "directories", (json_int_t)st->dirs,
	    "excluded", (json_int_t)st->excluded, "skipped", (json_int_t)st->skipped,
	    "errors", (json_int_t)st->errors, "warnings", (json_int_t)st->warnings,
	    "endpoints", (json_int_t)endpoints, "manifests", (json_int_t)manifests,
	    "captures", (json_int_t)captures, "flows", (json_int_t)c->flows);
	json_object_set_new(o, "type", json_string("summary"));
	json_object_set_new(o, "check", ck != NULL ? ck : json_null());
	if (baseline)
		json_object_set_new(o, "baseline", json_pack("{s:I,s:I,s:I}", "new", (json_int_t)new,
		    "unchanged", (json_int_t)unchanged, "fixed", (json_int_t)fixed));
	pol = vg_pstats_json(c->stats);
	json_object_set_new(o, "policy", pol != NULL ? pol : json_null());
	return vg_json_write(fp, o);
}

static int
json_summary(struct check *c, const struct vg_cscan_stats *st, size_t endpoints,
    size_t manifests, unsigned captures, uint64_t fixed, bool baseline)
{
	return json_summary_to(c, c->out, st, endpoints, manifests, captures, fixed, baseline);
}

/*
 * --db: the run as events: policies, rules, manifests and every configuration
 * file that set an endpoint (with its SHA-256), the endpoints, the findings
 * as -f json gives them, the summary. False with *ex set when the store failed.
 */
static bool
audit_check(struct check *c, const struct vg_audit_opts *ao, int argc, char **argv,
    char *const *pol, size_t n_pol, const char *rules, char *const *man, size_t n_man,
    char *const *caps, size_t n_caps, const struct vg_cfg_endpoint *const *eps,
    const struct vg_dest *dests, size_t n_ep, struct vg_cscan *scan, size_t n_m,
    uint64_t fixed, bool baseline, int *ex)
{
	struct vg_audit *a = vg_cmd_audit_open(ao, "check", argc, argv, pol, n_pol, rules, man,
	    n_man, ex);
	const char *last = NULL;
	size_t i;

	if (a == NULL)
		return false;
	for (i = 0; i < n_ep; i++) {
		if (last != NULL && strcmp(last, eps[i]->file) == 0)
			continue;
		last = eps[i]->file;
		vg_audit_file(a, "config", last);
	}
	for (i = 0; i < n_caps; i++)
		vg_audit_file(a, "capture", caps[i]);
	for (i = 0; i < n_ep; i++)
		if (json_endpoint(vg_audit_stream(a), eps[i], &dests[i]) == 0)
			vg_audit_record(a, "endpoint");
	for (i = 0; i < c->list.n; i++)
		if ((c->list.v[i].result == VG_RES_FAIL || c->all_results) &&
		    vg_json_fitem(vg_audit_stream(a), &c->list.v[i]) == 0)
			vg_audit_record(a, "finding");
	if (json_summary_to(c, vg_audit_stream(a), vg_cscan_stats(scan), n_ep, n_m,
	    (unsigned)n_caps, fixed, baseline) == 0)
		vg_audit_record(a, "stop");
	*ex = vg_audit_close(a);
	return *ex == VG_EXIT_OK;
}

/* ---- the command */

static void
check_usage(FILE *fp)
{
	fputs("usage: vigie check [-p POLICY|none]... [-m MANIFEST]... [-f text|json|sarif|junit]\n"
	      "                   [-o FILE] [-r RULES_DIR] [--geoip FILE|none] [--fail-on SEV]\n"
	      "                   [--date YYYY-MM-DD] [--results fail|all] [--exclude GLOB]...\n"
	      "                   [--capture FILE]... [--baseline FILE] [--write-baseline FILE]\n"
	      "                   [--max-file-size BYTES] [--color auto|always|never] PATH...\n"
	      "  -p, --policy P        policy file or directory (repeatable; default: shipped),\n"
	      "                        or none: list the endpoints found, judge nothing\n"
	      "  -m, --manifest M      AIDeployment manifest (repeatable; those under PATH are\n"
	      "                        found on their own)\n"
	      "  -f, --format FMT      text (by file, the default), json (records), sarif (2.1.0)\n"
	      "                        or junit (XML)\n"
	      "  -o, --output FILE     write to FILE instead of standard output\n"
	      "  -r, --rules DIR       rules: catalog, regions, jurisdictions, config extractors\n"
	      "      --geoip FILE      GeoIP country database (mmdb), or none\n"
	      "      --fail-on SEV     exit 1 on a new, unwaived failure of this severity or above:\n"
	      "                        info, low, medium, high (default), critical, or none\n"
	      "      --date DATE       evaluate as of DATE instead of today (UTC)\n"
	      "      --results R       fail (default) or all (also passes)\n"
	      "      --exclude GLOB    leave out matching files and directories (repeatable); a\n"
	      "                        glob with '/' matches the path under PATH, else the name\n"
	      "      --capture FILE    also judge the flows of a capture, against what the\n"
	      "                        configuration and manifests declare (repeatable)\n"
	      "      --baseline FILE   failures listed in FILE are reported as unchanged and\n"
	      "                        never fail the run\n"
	      "      --write-baseline FILE  write the current failures to FILE\n"
	      "      --max-file-size N largest configuration file read (default 4194304 bytes)\n"
	      "      --color WHEN      colour the text output: auto (a terminal), always, never\n"
	      "      --db FILE         append the run to this audit store (see vigie scan --help\n"
	      "                        and vigie(1) for --signing-key, --syslog and --jsonl)\n", fp);
}

/* Dedupes manifests named with -m and found under PATH: the same file twice is one deployment. */
static bool
same_file(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (strcmp(a, b) == 0)
		return true;
	return realpath(a, ra) != NULL && realpath(b, rb) != NULL && strcmp(ra, rb) == 0;
}

static const char *
rules_path(const char *rules, char *buf, size_t len)
{
	char dir[4096];
	const char *d = rules != NULL ? rules : vg_default_rules_dir(dir, sizeof(dir));

	snprintf(buf, len, "%s/config-extractors.yaml", d);
	return buf;
}

int
vg_cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "rules", required_argument, NULL, 'r' },
		{ "geoip", required_argument, NULL, 'G' },
		{ "policy", required_argument, NULL, 'p' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "date", required_argument, NULL, 'D' },
		{ "results", required_argument, NULL, 'R' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "capture", required_argument, NULL, 'c' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "write-baseline", required_argument, NULL, 'w' },
		{ "max-file-size", required_argument, NULL, 'S' },
		{ "color", required_argument, NULL, 'C' },
		{ "colour", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		VG_AUDIT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static struct check c; /* holds a subject: too big for small stacks */
	char *pol[OPT_PATHS_MAX], *mopt[OPT_PATHS_MAX], *caps[OPT_PATHS_MAX], **man = NULL;
	const char *excl[OPT_PATHS_MAX];
	size_t n_pol = 0, n_man = 0, n_caps = 0, n_excl = 0, n_m = 0, n_ep = 0;
	const char *rules = NULL, *geoip_path = NULL, *outpath = NULL, *baseline = NULL,
	    *write_bl = NULL, *colour = "auto";
	char crpath[4200];
	struct vg_policy *policy = NULL;
	struct vg_manifest **manifests = NULL;
	struct vg_attrib *attrib = NULL;
	struct vg_geoip *geoip = NULL;
	struct vg_crules *crules = NULL;
	struct vg_cscan *scan = NULL;
	struct vg_cscan_opts copts;
	const struct vg_cfg_endpoint **eps = NULL;
	struct vg_dest *dests = NULL;
	struct vg_err err;
	unsigned fail_on = VG_SEV_HIGH;
	uint64_t fixed = 0, blocking = 0;
	bool input_failed = false;
	unsigned long long size;
	char *end;
	struct vg_audit_opts ao;
	int ch, rc = VG_EXIT_USAGE, taken;

	memset(&c, 0, sizeof(c));
	vg_flist_init(&c.list);
	c.fmt = FMT_TEXT;
	c.out = stdout;
	c.today = vg_date_today();
	memset(&copts, 0, sizeof(copts));
	vg_audit_opts_init(&ao);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "f:o:r:p:m:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
		case 'm':
		case 'c':
		case 'x':
			if ((ch == 'p' ? n_pol : ch == 'm' ? n_man : ch == 'c' ? n_caps : n_excl) ==
			    OPT_PATHS_MAX) {
				vg_warn("check: more than %u of one option", OPT_PATHS_MAX);
				return VG_EXIT_USAGE;
			}
			if (ch == 'p')
				pol[n_pol++] = optarg;
			else if (ch == 'm')
				mopt[n_man++] = optarg;
			else if (ch == 'c')
				caps[n_caps++] = optarg;
			else
				excl[n_excl++] = optarg;
			break;
		case 'F':
			if (!vg_cmd_fail_on("check", optarg, &fail_on))
				return VG_EXIT_USAGE;
			break;
		case 'D':
			if (!vg_cmd_date(optarg, &c.today))
				return VG_EXIT_USAGE;
			break;
		case 'R':
			if (strcmp(optarg, "fail") != 0 && strcmp(optarg, "all") != 0) {
				vg_warn("check: --results must be fail or all, not '%s'", optarg);
				return VG_EXIT_USAGE;
			}
			c.all_results = strcmp(optarg, "all") == 0;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				c.fmt = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				c.fmt = FMT_JSON;
			else if (strcmp(optarg, "sarif") == 0)
				c.fmt = FMT_SARIF;
			else if (strcmp(optarg, "junit") == 0)
				c.fmt = FMT_JUNIT;
			else {
				vg_warn("check: unknown format '%s' (text, json, sarif, junit)", optarg);
				return VG_EXIT_USAGE;
			}
			break;
		case 'o': outpath = optarg; break;
		case 'r': rules = optarg; break;
		case 'G': geoip_path = optarg; break;
		case 'b': baseline = optarg; break;
		case 'w': write_bl = optarg; break;
		case 'S':
			errno = 0;
			size = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || size == 0 || size > (1ull << 30)) {
				vg_warn("check: --max-file-size must be 1..%llu bytes", 1ull << 30);
				return VG_EXIT_USAGE;
			}
			copts.max_file_size = size;
			break;
		case 'C':
			if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "always") != 0 &&
			    strcmp(optarg, "never") != 0) {
				vg_warn("check: --color must be auto, always or never");
				return VG_EXIT_USAGE;
			}
			colour = optarg;
			break;
		case 'h':
			check_usage(stdout);
			return VG_EXIT_OK;
		default:
			if ((taken = vg_audit_opt(&ao, ch, optarg, "check")) > 0)
				break;
			if (taken == 0)
				check_usage(stderr);
			return VG_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		vg_warn("check: no file or directory given");
		check_usage(stderr);
		return VG_EXIT_USAGE;
	}
	if (!vg_audit_opts_ok(&ao, "check"))
		return VG_EXIT_USAGE;
	if (n_pol > 1)
		for (size_t i = 0; i < n_pol; i++)
			if (strcmp(pol[i], "none") == 0) {
				vg_warn("check: -p none cannot be combined with other -p options");
				return VG_EXIT_USAGE;
			}
	/* Rules and policies first: a broken one must stop the check before any output. */
	if ((rc = vg_cmd_policies(pol, n_pol, &policy)) != VG_EXIT_OK)
		return rc;
	rc = VG_EXIT_USAGE;
	if ((attrib = vg_cmd_attrib(rules, geoip_path, &geoip)) == NULL)
		goto out;
	if ((crules = vg_crules_load(rules_path(rules, crpath, sizeof(crpath)), &err)) == NULL) {
		vg_warn("%s", err.msg);
		goto out;
	}
	copts.exclude = excl;
	copts.n_exclude = n_excl;
	if ((scan = vg_cscan_new(crules, &copts)) == NULL)
		goto oom;
	for (int i = optind; i < argc; i++)
		if (!vg_cscan_path(scan, argv[i]))
			goto oom;
	/* Every problem is said; the files that could be read are still judged. */
	for (size_t i = 0; i < vg_cscan_n_warnings(scan); i++)
		vg_warn("%s", vg_cscan_warning(scan, i));
	for (size_t i = 0; i < vg_cscan_n_errors(scan); i++)
		vg_warn("%s", vg_cscan_error(scan, i));
	if (vg_cscan_stats(scan)->errors > vg_cscan_n_errors(scan))
		vg_warn("check: %llu more errors not shown",
		    (unsigned long long)(vg_cscan_stats(scan)->errors - vg_cscan_n_errors(scan)));
	if (vg_cscan_stats(scan)->errors > 0)
		input_failed = true;
	/* -m first, then those found under PATH that -m did not already name. */
	if ((man = calloc(n_man + vg_cscan_n_manifests(scan) + 1, sizeof(*man))) == NULL)
		goto oom;
	memcpy(man, mopt, n_man * sizeof(*man));
	for (size_t i = 0; i < vg_cscan_n_manifests(scan); i++) {
		const char *mpath = vg_cscan_manifest(scan, i);
		bool dup = false;
		for (size_t j = 0; j < n_man && !dup; j++)
			dup = same_file(man[j], mpath);
		if (!dup)
			man[n_man++] = (char *)mpath;
	}
	if ((rc = vg_cmd_manifests(man, n_man, attrib, &manifests, &n_m)) != VG_EXIT_OK) {
		if (rc != VG_EXIT_INPUT)
			goto out;
		input_failed = true;
	}
	rc = VG_EXIT_USAGE;
	c.attrib = attrib;
	c.policy = policy;
	if ((c.stats = vg_pstats_new(policy, fail_on, c.today)) == NULL)
		goto oom;
	c.stats->manifests = (unsigned)n_m;
	n_ep = vg_cscan_n_endpoints(scan);
	if ((eps = calloc(n_ep + 1, sizeof(*eps))) == NULL ||
	    (dests = calloc(n_ep + 1, sizeof(*dests))) == NULL)
		goto oom;
	for (size_t i = 0; i < n_ep; i++) {
		eps[i] = vg_cscan_endpoint(scan, i);
		if (eps[i]->u.host[0] != '\0')
			vg_attrib_host(attrib, eps[i]->u.host, VG_BASIS_NAME, &dests[i]);
	}
	c.decl_eps.m = (const struct vg_manifest *const *)manifests;
	c.decl_eps.n = n_m;
	c.decl_flows = c.decl_eps;
	c.decl_flows.cfg = eps;
	c.decl_flows.cfg_dest = dests;
	c.decl_flows.n_cfg = n_ep;
	if (n_m > 0) {
		c.attach_file = manifests[0]->file;
		c.attach_line = manifests[0]->line;
	}
	c.keep_passes = c.all_results || c.fmt == FMT_JUNIT;
	if (policy == NULL && n_caps > 0)
		vg_warn("check: --capture is judged by policies, and -p none gives none");
	/* -p none: an inventory of what is configured (endpoint records), nothing judged. */
	if (policy != NULL) {
		report_expired(&c);
		vg_cmd_eval_manifests(policy, attrib, manifests, n_m, c.today, &c.subj, c.msg,
		    on_finding, &c);
		for (size_t i = 0; i < n_ep; i++) {
			vg_subject_init(&c.subj, VG_SUBJ_ENDPOINT, c.today);
			vg_subject_config(&c.subj, eps[i], dests[i].provider != NULL ||
			    dests[i].country != NULL ? &dests[i] : NULL,
			    n_m > 0 ? &c.decl_eps : NULL);
			vg_policy_eval(policy, &c.subj, c.today, c.msg, on_finding, &c);
		}
	}
	if (n_caps > 0 && policy != NULL) {
		struct vg_engine_config cfg;
		struct vg_engine *e;

		vg_engine_config_default(&cfg);
		if ((e = vg_engine_new(&cfg, on_record, &c)) == NULL)
			goto oom;
		for (size_t i = 0; i < n_caps; i++)
			if (!vg_cmd_read_capture(e, caps[i], false))
				input_failed = true;
		vg_engine_free(e);
	}
	if (c.oom)
		goto oom;
	if (baseline != NULL) {
		if ((rc = apply_baseline(&c, baseline, &fixed)) != VG_EXIT_OK)
			goto out;
		rc = VG_EXIT_USAGE;
	}
	for (size_t i = 0; i < c.list.n; i++)
		blocking += vg_fitem_blocking(&c.list.v[i], fail_on);
	c.stats->blocking = blocking;
	if (write_bl != NULL && (rc = write_baseline(&c, write_bl)) != VG_EXIT_OK)
		goto out;
	if (ao.db != NULL) {
		int ax = VG_EXIT_OK;

		if (!audit_check(&c, &ao, argc, argv, pol, n_pol, rules, man, n_man, caps, n_caps,
		    eps, dests, n_ep, scan, n_m, fixed, baseline != NULL, &ax)) {
			rc = ax;
			goto out;
		}
		rc = VG_EXIT_USAGE;
	}
	if (outpath != NULL && (c.out = fopen(outpath, "w")) == NULL) {
		vg_warn("%s: cannot write: %s", outpath, strerror(errno));
		c.out = stdout;
		goto out;
	}
	c.colour = c.fmt == FMT_TEXT && (strcmp(colour, "always") == 0 ||
	    (strcmp(colour, "auto") == 0 && isatty(fileno(c.out)) && getenv("NO_COLOR") == NULL));
	switch (c.fmt) {
	case FMT_TEXT:
		/* Without policies the inventory is the answer. */
		for (size_t i = 0; policy == NULL && i < n_ep && !c.write_failed; i++)
			if (fprintf(c.out, "%s:%u:%u  %-28s %s\n", eps[i]->file, eps[i]->line,
			    eps[i]->col, eps[i]->label, eps[i]->url != NULL ? eps[i]->url :
			    eps[i]->target != NULL ? eps[i]->target->id : "?") < 0)
				c.write_failed = true;
		if (text_findings(&c) != 0 ||
		    text_summary(&c, vg_cscan_stats(scan), n_ep, n_m, (unsigned)n_caps, fixed,
		    baseline != NULL) != 0)
			c.write_failed = true;
		break;
	case FMT_JSON:
		for (size_t i = 0; i < n_ep && !c.write_failed; i++)
			if (json_endpoint(c.out, eps[i], &dests[i]) != 0)
				c.write_failed = true;
		for (size_t i = 0; i < c.list.n && !c.write_failed; i++)
			if ((c.list.v[i].result == VG_RES_FAIL || c.all_results) &&
			    vg_json_fitem(c.out, &c.list.v[i]) != 0)
				c.write_failed = true;
		if (!c.write_failed && json_summary(&c, vg_cscan_stats(scan), n_ep, n_m,
		    (unsigned)n_caps, fixed, baseline != NULL) != 0)
			c.write_failed = true;
		break;
	case FMT_SARIF:
	case FMT_JUNIT: {
		char v[3][128];
		const char *vers[3] = { v[0], v[1], v[2] };
		struct vg_ci_info ci;

		snprintf(v[0], sizeof(v[0]), "catalog %s",
		    vg_catalog_version(vg_attrib_catalog(attrib)));
		snprintf(v[1], sizeof(v[1]), "jurisdictions %s",
		    vg_juris_version(vg_attrib_juris(attrib)));
		snprintf(v[2], sizeof(v[2]), "config-extractors %s", vg_crules_version(crules));
		memset(&ci, 0, sizeof(ci));
		ci.tool_version = PACKAGE_VERSION;
		ci.rules_versions = vers;
		ci.n_rules_versions = 3;
		ci.date = c.today;
		ci.fail_on = fail_on;
		ci.all_results = c.all_results;
		if ((c.fmt == FMT_SARIF ? vg_sarif_write(c.out, &c.list, policy, &ci) :
		    vg_junit_write(c.out, &c.list, policy, &ci)) != 0)
			c.write_failed = true;
		break;
	}
	}
	if (c.write_failed || fflush(c.out) != 0 || ferror(c.out) ||
	    (c.out != stdout && fclose(c.out) != 0)) {
		vg_warn("%s: write error", outpath != NULL ? outpath : "standard output");
		c.out = stdout;
		rc = VG_EXIT_USAGE;
		goto out;
	}
	c.out = stdout;
	/* An unread file outranks findings: a partial check proves nothing either way. */
	rc = input_failed ? VG_EXIT_INPUT : blocking > 0 ? VG_EXIT_FINDINGS : VG_EXIT_OK;
	goto out;
oom:
	vg_warn("check: out of memory");
	rc = VG_EXIT_USAGE;
out:
	if (c.out != NULL && c.out != stdout)
		fclose(c.out);
	free(eps);
	free(dests);
	free(man);
	vg_flist_free(&c.list);
	vg_pstats_free(c.stats);
	vg_cscan_free(scan);
	vg_crules_free(crules);
	vg_cmd_manifests_free(manifests, n_m);
	vg_policy_free(policy);
	vg_attrib_free(attrib);
	vg_geoip_close(geoip);
	return rc;
}
