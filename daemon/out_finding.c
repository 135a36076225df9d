/* out_finding.c - findings as JSON lines and text, and the policy counts of the summary. */
#include <stdlib.h>
#include <string.h>

#include "out_finding.h"
#include "finding_list.h"
#include "out_json.h"

struct vg_pstats *
vg_pstats_new(const struct vg_policy *p, unsigned fail_on, int32_t date)
{
	struct vg_pstats *st = calloc(1, sizeof(*st));
	size_t n = p != NULL ? vg_policy_n_controls(p) : 0;

	if (st == NULL)
		return NULL;
	if ((st->per_control = calloc(n + 1, sizeof(*st->per_control))) == NULL) {
		free(st);
		return NULL;
	}
	st->policy = p;
	st->fail_on = fail_on;
	st->date = date;
	return st;
}

void
vg_pstats_free(struct vg_pstats *st)
{
	if (st == NULL)
		return;
	free(st->per_control);
	free(st);
}

void
vg_pstats_add(struct vg_pstats *st, const struct vg_finding *f)
{
	size_t i = f->control->index;

	if (f->waiver != NULL) {
		st->waived++;
		st->per_control[i][VG_RESULTS]++;
	} else {
		st->results[f->result]++;
		st->per_control[i][f->result]++;
	}
	if (f->result == VG_RES_FAIL && f->waiver == NULL) {
		st->failed_by_severity[f->control->severity]++;
		if ((unsigned)f->control->severity >= st->fail_on)
			st->blocking++;
	}
}

void
vg_pstats_expired(struct vg_pstats *st)
{
	st->expired_waivers++;
	if (VG_SEV_LOW >= st->fail_on)
		st->blocking++;
}

static json_t *
str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static void
set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v != NULL ? json_string(v) : json_null());
}

static const char *
sval(const struct vg_subject *s, enum vg_sfield f)
{
	return s->v[f].t == VG_V_STR ? s->v[f].u.s : NULL;
}

static json_t *
subject_json(const struct vg_subject *s)
{
	json_t *o = json_object();
	char ts[32];

	if (o == NULL)
		return NULL;
	set_str(o, "kind", vg_subject_kind_name(s->kind));
	switch (s->kind) {
	case VG_SUBJ_FLOW:
		if (s->ts_start != 0)
			set_str(o, "ts_start", vg_format_ts(s->ts_start, ts, sizeof(ts)));
		set_str(o, "proto", sval(s, VG_SF_PROTO));
		set_str(o, "src_ip", sval(s, VG_SF_SRC_IP));
		if (s->v[VG_SF_SRC_PORT].t == VG_V_INT)
			json_object_set_new(o, "src_port", json_integer(s->v[VG_SF_SRC_PORT].u.i));
		set_str(o, "dst_ip", sval(s, VG_SF_DST_IP));
		if (s->v[VG_SF_DST_PORT].t == VG_V_INT)
			json_object_set_new(o, "dst_port", json_integer(s->v[VG_SF_DST_PORT].u.i));
		set_str(o, "hostname", sval(s, VG_SF_HOSTNAME));
		set_str(o, "provider", sval(s, VG_SF_D_PROVIDER));
		break;
	case VG_SUBJ_ENDPOINT:
		set_str(o, "source", sval(s, VG_SF_SOURCE));
		if (s->v[VG_SF_SOURCE].t == VG_V_STR && strcmp(s->v[VG_SF_SOURCE].u.s, "config") == 0)
			set_str(o, "setting", s->label);
		set_str(o, "deployment", sval(s, VG_SF_DEPLOYMENT));
		set_str(o, "provider", sval(s, VG_SF_PROVIDER));
		set_str(o, "url", sval(s, VG_SF_URL));
		break;
	case VG_SUBJ_DEPLOYMENT:
		set_str(o, "name", sval(s, VG_SF_NAME));
		break;
	}
	if (s->file != NULL) {
		set_str(o, "file", s->file);
		json_object_set_new(o, "line", json_integer(s->line));
		if (s->col != 0)
			json_object_set_new(o, "column", json_integer(s->col));
	}
	if (s->key != NULL)
		set_str(o, "key", s->key);
	return o;
}

static json_t *
finding_base(const struct vg_control *c, const char *result, const char *severity,
    const char *message)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	set_str(o, "type", "finding");
	set_str(o, "control", c->id);
	set_str(o, "policy", c->file->id);
	set_str(o, "title", c->title);
	set_str(o, "result", result);
	set_str(o, "severity", severity);
	set_str(o, "message", message);
	return o;
}

static json_t *
waiver_json(const struct vg_waiver *w)
{
	json_t *o = json_object();
	char d[16];

	if (o == NULL)
		return NULL;
	set_str(o, "owner", w->owner);
	set_str(o, "reason", w->reason);
	set_str(o, "expires", vg_date_fmt(w->expires, d, sizeof(d)));
	set_str(o, "ticket", w->ticket);
	set_str(o, "file", w->file->path);
	json_object_set_new(o, "line", json_integer(w->line));
	return o;
}

int
vg_json_finding(FILE *fp, const struct vg_finding *f)
{
	const struct vg_control *c = f->control;
	json_t *o = finding_base(c, vg_result_name(f->result), vg_severity_name(c->severity),
	    f->message);

	if (o == NULL)
		return -1;
	json_object_set_new(o, "subject", subject_json(f->subject));
	json_object_set_new(o, "references", str_array(c->references, c->n_references));
	json_object_set_new(o, "soc2", str_array(c->soc2, c->n_soc2));
	json_object_set_new(o, "waiver", f->waiver != NULL ? waiver_json(f->waiver) : json_null());
	return vg_json_write(fp, o);
}

static void
expired_message(const struct vg_waiver *w, int32_t today, char *buf, size_t len)
{
	char d[16];

	(void)today;
	snprintf(buf, len, "the waiver owned by %s expired on %s and no longer applies (%s)",
	    w->owner, vg_date_fmt(w->expires, d, sizeof(d)), w->reason);
}

int
vg_json_expired_waiver(FILE *fp, const struct vg_waiver *w, const struct vg_control *c,
    int32_t today)
{
	char m[VG_POLICY_MESSAGE_MAX];
	json_t *o, *s;

	expired_message(w, today, m, sizeof(m));
	if ((o = finding_base(c, "fail", vg_severity_name(VG_SEV_LOW), m)) == NULL)
		return -1;
	/* The waiver is what was checked: it is the subject, and it covers nothing any more. */
	if ((s = json_pack("{s:s}", "kind", "waiver")) != NULL) {
		json_t *wj = waiver_json(w);
		if (wj != NULL)
			json_object_update(s, wj);
		json_decref(wj);
	}
	json_object_set_new(o, "subject", s);
	json_object_set_new(o, "references", str_array(c->references, c->n_references));
	/* Exceptions that outlive their approval are a change-management failure. */
	json_object_set_new(o, "soc2", json_pack("[s]", "CC8.1"));
	json_object_set_new(o, "waiver", json_null());
	return vg_json_write(fp, o);
}

static void
subject_text(const struct vg_subject *s, char *buf, size_t len)
{
	const char *h = sval(s, VG_SF_HOSTNAME), *dst = sval(s, VG_SF_DST_IP);

	switch (s->kind) {
	case VG_SUBJ_FLOW:
		snprintf(buf, len, "flow %s -> %s%s%s%s:%lld", sval(s, VG_SF_SRC_IP) ?
		    sval(s, VG_SF_SRC_IP) : "?", h != NULL ? h : "", h != NULL ? " (" : "",
		    dst != NULL ? dst : "?", h != NULL ? ")" : "",
		    s->v[VG_SF_DST_PORT].t == VG_V_INT ? (long long)s->v[VG_SF_DST_PORT].u.i : 0LL);
		break;
	case VG_SUBJ_ENDPOINT:
		snprintf(buf, len, "endpoint %s of %s (%s:%u)", s->label ? s->label : "?",
		    sval(s, VG_SF_DEPLOYMENT) ? sval(s, VG_SF_DEPLOYMENT) : "?",
		    s->file ? s->file : "?", s->line);
		break;
	case VG_SUBJ_DEPLOYMENT:
		snprintf(buf, len, "deployment %s (%s:%u)", s->label ? s->label : "?",
		    s->file ? s->file : "?", s->line);
		break;
	}
}

int
vg_text_finding(FILE *fp, const struct vg_finding *f)
{
	char subj[600], d[16];
	const char *res = f->waiver != NULL ? "WAIVED" : f->result == VG_RES_FAIL ? "FAIL" :
	    f->result == VG_RES_PASS ? "pass" : f->result == VG_RES_NA ? "n/a" : "ERROR";

	subject_text(f->subject, subj, sizeof(subj));
	if (fprintf(fp, "%-6s %-8s %-10s %s\n       %s\n", res,
	    vg_severity_name(f->control->severity), f->control->id, subj, f->message) < 0)
		return -1;
	if (f->waiver != NULL && fprintf(fp, "       waived until %s by %s: %s\n",
	    vg_date_fmt(f->waiver->expires, d, sizeof(d)), f->waiver->owner,
	    f->waiver->reason) < 0)
		return -1;
	return 0;
}

int
vg_text_expired_waiver(FILE *fp, const struct vg_waiver *w, const struct vg_control *c,
    int32_t today)
{
	char m[VG_POLICY_MESSAGE_MAX];

	expired_message(w, today, m, sizeof(m));
	return fprintf(fp, "%-6s %-8s %-10s waiver (%s:%u)\n       %s\n", "FAIL",
	    vg_severity_name(VG_SEV_LOW), c->id, w->file->path, w->line, m) < 0 ? -1 : 0;
}

json_t *
vg_pstats_json(const struct vg_pstats *st)
{
	json_t *o = json_object(), *files = json_array(), *controls = json_array(), *sev;
	const struct vg_policy *p = st->policy;
	size_t n = p != NULL ? vg_policy_n_controls(p) : 0;
	char d[16];

	if (o == NULL || files == NULL || controls == NULL) {
		json_decref(o);
		json_decref(files);
		json_decref(controls);
		return NULL;
	}
	for (size_t i = 0; p != NULL && i < vg_policy_n_files(p); i++) {
		const struct vg_policy_file *f = vg_policy_file(p, i);
		json_array_append_new(files, json_pack("{s:s,s:s,s:s}", "policy", f->id,
		    "version", f->version, "file", f->path));
	}
	for (size_t i = 0; i < n; i++) {
		const struct vg_control *c = vg_policy_control(p, i);
		json_array_append_new(controls, json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I}",
		    "control", c->id, "severity", vg_severity_name(c->severity),
		    "pass", (json_int_t)st->per_control[i][VG_RES_PASS],
		    "fail", (json_int_t)st->per_control[i][VG_RES_FAIL],
		    "waived", (json_int_t)st->per_control[i][VG_RESULTS],
		    "notapplicable", (json_int_t)st->per_control[i][VG_RES_NA],
		    "error", (json_int_t)st->per_control[i][VG_RES_ERROR]));
	}
	sev = json_pack("{s:I,s:I,s:I,s:I,s:I}",
	    "info", (json_int_t)st->failed_by_severity[VG_SEV_INFO],
	    "low", (json_int_t)st->failed_by_severity[VG_SEV_LOW],
	    "medium", (json_int_t)st->failed_by_severity[VG_SEV_MEDIUM],
	    "high", (json_int_t)st->failed_by_severity[VG_SEV_HIGH],
	    "critical", (json_int_t)st->failed_by_severity[VG_SEV_CRITICAL]);
	json_object_set_new(o, "files", files);
	json_object_set_new(o, "date", json_string(vg_date_fmt(st->date, d, sizeof(d))));
	json_object_set_new(o, "manifests", json_integer(st->manifests));
	json_object_set_new(o, "fail_on", json_string(st->fail_on == VG_FAIL_ON_NONE ? "none" :
	    vg_severity_name((enum vg_severity)st->fail_on)));
	json_object_set_new(o, "results", json_pack("{s:I,s:I,s:I,s:I,s:I}",
	    "pass", (json_int_t)st->results[VG_RES_PASS],
	    "fail", (json_int_t)st->results[VG_RES_FAIL],
	    "waived", (json_int_t)st->waived,
	    "notapplicable", (json_int_t)st->results[VG_RES_NA],
	    "error", (json_int_t)st->results[VG_RES_ERROR]));
	json_object_set_new(o, "failed_by_severity", sev);
	json_object_set_new(o, "expired_waivers", json_integer((json_int_t)st->expired_waivers));
	json_object_set_new(o, "blocking", json_integer((json_int_t)st->blocking));
	json_object_set_new(o, "controls", controls);
	return o;
}

int
vg_pstats_text(FILE *fp, const struct vg_pstats *st)
{
	const struct vg_policy *p = st->policy;
	size_t n = p != NULL ? vg_policy_n_controls(p) : 0;
	char d[16];

	if (fprintf(fp, "policy:    %zu controls from %zu files, %u manifests, evaluated on %s\n",
	    n, p != NULL ? vg_policy_n_files(p) : 0, st->manifests,
	    vg_date_fmt(st->date, d, sizeof(d))) < 0)
		return -1;
	if (fprintf(fp, "results:   %llu fail (%llu critical, %llu high, %llu medium, %llu low, "
	    "%llu info), %llu waived, %llu pass, %llu not applicable\n",
	    (unsigned long long)st->results[VG_RES_FAIL],
	    (unsigned long long)st->failed_by_severity[VG_SEV_CRITICAL],
	    (unsigned long long)st->failed_by_severity[VG_SEV_HIGH],
	    (unsigned long long)st->failed_by_severity[VG_SEV_MEDIUM],
	    (unsigned long long)st->failed_by_severity[VG_SEV_LOW],
	    (unsigned long long)st->failed_by_severity[VG_SEV_INFO],
	    (unsigned long long)st->waived, (unsigned long long)st->results[VG_RES_PASS],
	    (unsigned long long)st->results[VG_RES_NA]) < 0)
		return -1;
	if (st->expired_waivers > 0 && fprintf(fp, "waivers:   %llu expired\n",
	    (unsigned long long)st->expired_waivers) < 0)
		return -1;
	if (fprintf(fp, "verdict:   %s (%llu blocking at --fail-on %s)\n",
	    st->blocking > 0 ? "FAIL" : "pass", (unsigned long long)st->blocking,
	    st->fail_on == VG_FAIL_ON_NONE ? "none" :
	    vg_severity_name((enum vg_severity)st->fail_on)) < 0)
		return -1;
	return 0;
}

char *
vg_subject_json_text(const struct vg_subject *s)
{
	json_t *o = subject_json(s);
	char *t = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(o);
	return t;
}

char *
vg_waiver_subject_json_text(const struct vg_waiver *w)
{
	json_t *o = json_pack("{s:s}", "kind", "waiver"), *wj = waiver_json(w);
	char *t = NULL;

	if (o != NULL && wj != NULL && json_object_update(o, wj) == 0)
		t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	json_decref(wj);
	return t;
}

int
vg_json_fitem(FILE *fp, const struct vg_fitem *it)
{
	const struct vg_control *c = it->control;
	json_t *o = finding_base(c, vg_result_name(it->result), vg_severity_name(it->severity),
	    it->message), *subj;

	if (o == NULL)
		return -1;
	subj = it->subject_json != NULL ? json_loads(it->subject_json, 0, NULL) : NULL;
	json_object_set_new(o, "subject", subj != NULL ? subj : json_null());
	json_object_set_new(o, "references", str_array(c->references, c->n_references));
	json_object_set_new(o, "soc2", it->expired ? json_pack("[s]", "CC8.1") :
	    str_array(c->soc2, c->n_soc2));
	json_object_set_new(o, "waiver", it->waiver != NULL ? waiver_json(it->waiver) :
	    json_null());
	if (it->baseline != VG_BL_NONE)
		set_str(o, "baseline", it->baseline == VG_BL_NEW ? "new" : "unchanged");
	set_str(o, "fingerprint", it->fingerprint);
	return vg_json_write(fp, o);
}

void
vg_expired_message(const struct vg_waiver *w, int32_t today, char *buf, size_t len)
{
	expired_message(w, today, buf, len);
}
