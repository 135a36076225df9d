/* test_policy.c - policy loading and evaluation: results, waivers, messages, exact errors, no allocation, subjects. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy.h"
#include "policy_test.h"
#include "subject.h"

/* ---- counting allocations, to show that evaluation never allocates */

#include "alloc_count.h"

/* ---- helpers */

#define D(y, m, d) vg_expr_days((y), (m), (d))

/* The three lines every test policy starts with: what follows is line 4. */
#define HEAD "policy: t\ntitle: Test policy\nversion: 2026-01-01\n"

static bool
load_text(struct vg_policy *p, const char *name, const char *text, struct vg_err *err)
{
	return vg_policy_load_mem(p, name, text, strlen(text), err);
}

/* A set of one file, loaded and finished; the test fails on any error. */
static struct vg_policy *
load_one(const char *text)
{
	struct vg_policy *p = vg_policy_new();
	struct vg_err err;

	assert_non_null(p);
	if (!load_text(p, "p.yaml", text, &err) || !vg_policy_finish(p, &err))
		fail_msg("rejected: %s", err.msg);
	return p;
}

static void
expect_load_error(const char *text, const char *want)
{
	struct vg_policy *p = vg_policy_new();
	struct vg_err err;

	assert_non_null(p);
	if (load_text(p, "p.yaml", text, &err)) {
		vg_policy_free(p);
		fail_msg("accepted:\n%s\nwanted \"%s\"", text, want);
	}
	if (strcmp(err.msg, want) != 0)
		fail_msg("input:\n%s\ngot    \"%s\"\nwanted \"%s\"", text, err.msg, want);
	assert_int_equal(vg_policy_n_files(p), 0);
	assert_int_equal(vg_policy_n_controls(p), 0);
	assert_int_equal(vg_policy_n_waivers(p), 0);
	vg_policy_free(p);
}

static void
expect_finish_error(const char *text, const char *want)
{
	struct vg_policy *p = vg_policy_new();
	struct vg_err err;

	assert_non_null(p);
	if (!load_text(p, "p.yaml", text, &err))
		fail_msg("load rejected: %s", err.msg);
	if (vg_policy_finish(p, &err)) {
		vg_policy_free(p);
		fail_msg("finish accepted:\n%s\nwanted \"%s\"", text, want);
	}
	if (strcmp(err.msg, want) != 0)
		fail_msg("input:\n%s\ngot    \"%s\"\nwanted \"%s\"", text, err.msg, want);
	vg_policy_free(p);
}

/* What one evaluation gave, copied out of the callback. */
#define GOT_MAX 16

struct got {
	size_t n;
	struct {
		const char *id;
		enum vg_result result;
		const struct vg_waiver *waiver;
		const struct vg_subject *subject;
		char message[VG_POLICY_MESSAGE_MAX];
	} f[GOT_MAX];
};

static void
collect(void *arg, const struct vg_finding *f)
{
	struct got *g = arg;

	assert_true(g->n < GOT_MAX);
	g->f[g->n].id = f->control->id;
	g->f[g->n].result = f->result;
	g->f[g->n].waiver = f->waiver;
	g->f[g->n].subject = f->subject;
	assert_true(strlen(f->message) < VG_POLICY_MESSAGE_MAX);
	strcpy(g->f[g->n].message, f->message);
	g->n++;
}

static char msgbuf[VG_POLICY_MESSAGE_MAX];

static void
eval(const struct vg_policy *p, const struct vg_subject *s, int32_t today, struct got *g)
{
	memset(g, 0, sizeof(*g));
	vg_policy_eval(p, s, today, msgbuf, collect, g);
}

/* The finding of control id; the test fails when there is none. */
static size_t
find(const struct got *g, const char *id)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->f[i].id, id) == 0)
			return i;
	fail_msg("no finding for %s", id);
	return 0;
}

static void
expect_result(const struct got *g, const char *id, enum vg_result r, const char *message)
{
	size_t i = find(g, id);

	if (g->f[i].result != r)
		fail_msg("%s: got %s, wanted %s (%s)", id, vg_result_name(g->f[i].result),
		    vg_result_name(r), g->f[i].message);
	if (message != NULL)
		assert_string_equal(g->f[i].message, message);
}

/* A waiver's owner, or "-" for a finding no waiver covers. */
static const char *
waived_by(const struct got *g, const char *id)
{
	size_t i = find(g, id);

	return g->f[i].waiver != NULL ? g->f[i].waiver->owner : "-";
}

static void
set_int(struct vg_subject *s, enum vg_sfield f, int64_t i)
{
	struct vg_val v = { .t = VG_V_INT, .u.i = i };

	vg_subject_set(s, f, &v);
}

static void
set_bool(struct vg_subject *s, enum vg_sfield f, bool b)
{
	struct vg_val v = { .t = VG_V_BOOL, .u.b = b };

	vg_subject_set(s, f, &v);
}

static void
set_date(struct vg_subject *s, enum vg_sfield f, int32_t d)
{
	struct vg_val v = { .t = VG_V_DATE, .u.date = d };

	vg_subject_set(s, f, &v);
}

static void
set_absent(struct vg_subject *s, enum vg_sfield f)
{
	struct vg_val v = { .t = VG_V_NULL };

	vg_subject_set(s, f, &v);
}

static void
set_str(struct vg_subject *s, enum vg_sfield f, const char *str)
{
	assert_true(vg_subject_set_str(s, f, str));
}

static void
set_list(struct vg_subject *s, enum vg_sfield f, const char *const *items, size_t n)
{
	assert_true(vg_subject_set_list(s, f, items, n));
}

/* Subjects are too big for comfort on the stack of every test. */
static struct vg_subject subj, subj2;

/* ---- results of when and require */

static const char results_policy[] = HEAD
    "controls:\n"
    "  - id: R-1\n"
    "    title: Port 443 only\n"
    "    references: [GDPR Art. 32]\n"
    "    severity: medium\n"
    "    applies_to: flow\n"
    "    require: dst_port == 443\n"
    "    message: 'port {dst_port}'\n"
    "  - id: R-2\n"
    "    title: OpenAI traffic stays in the EEA\n"
    "    references: [GDPR Art. 44]\n"
    "    severity: high\n"
    "    applies_to: flow\n"
    "    when: hostname glob '*.openai.com'\n"
    "    require: dest.jurisdiction contains 'eea'\n"
    "    message: '{hostname} is in {dest.jurisdiction}'\n"
    "  - id: R-3\n"
    "    title: Deployments have an owner\n"
    "    references: [GDPR Art. 30(1)(a)]\n"
    "    severity: low\n"
    "    applies_to: deployment\n"
    "    require: exists owner\n"
    "    message: '{name} has no owner'\n"
    "  - id: R-4\n"
    "    title: Not to the US\n"
    "    references: [GDPR Art. 44]\n"
    "    severity: high\n"
    "    applies_to: flow\n"
    "    require: dest.country != 'US'\n"
    "    message: 'country {dest.country}'\n";

static void
test_results(void **state)
{
	static const char *const eea[] = { "eu", "eea" };
	static const char *const third[] = { "third-country" };
	struct vg_policy *p = load_one(results_policy);
	int32_t today = D(2026, 8, 2);
	struct got g;

	assert_int_equal(vg_policy_n_controls(p), 4);
	assert_int_equal(vg_policy_n_for(p, VG_SUBJ_FLOW), 3);
	assert_int_equal(vg_policy_n_for(p, VG_SUBJ_DEPLOYMENT), 1);
	assert_int_equal(vg_policy_n_for(p, VG_SUBJ_ENDPOINT), 0);

	/* when holds, require holds: pass, with the title as message */
	vg_subject_init(&subj, VG_SUBJ_FLOW, today);
	set_int(&subj, VG_SF_DST_PORT, 443);
	set_str(&subj, VG_SF_HOSTNAME, "api.openai.com");
	set_list(&subj, VG_SF_D_JURIS, eea, 2);
	set_str(&subj, VG_SF_D_COUNTRY, "IE");
	eval(p, &subj, today, &g);
	/* only the flow controls, in load order */
	assert_int_equal(g.n, 3);
	assert_string_equal(g.f[0].id, "R-1");
	assert_string_equal(g.f[1].id, "R-2");
	assert_string_equal(g.f[2].id, "R-4");
	assert_ptr_equal(g.f[0].subject, &subj);
	expect_result(&g, "R-1", VG_RES_PASS, "Port 443 only");
	expect_result(&g, "R-2", VG_RES_PASS, "OpenAI traffic stays in the EEA");
	expect_result(&g, "R-4", VG_RES_PASS, "Not to the US");
	assert_string_equal(waived_by(&g, "R-1"), "-");

	/* when holds, require does not: fail, with the rendered message */
	set_int(&subj, VG_SF_DST_PORT, 8443);
	set_list(&subj, VG_SF_D_JURIS, third, 1);
	set_str(&subj, VG_SF_D_COUNTRY, "US");
	eval(p, &subj, today, &g);
	expect_result(&g, "R-1", VG_RES_FAIL, "port 8443");
	expect_result(&g, "R-2", VG_RES_FAIL, "api.openai.com is in third-country");
	expect_result(&g, "R-4", VG_RES_FAIL, "country US");

	/* when does not hold: not applicable whatever require says */
	set_str(&subj, VG_SF_HOSTNAME, "api.mistral.ai");
	eval(p, &subj, today, &g);
	expect_result(&g, "R-2", VG_RES_NA, "not covered by the control's 'when'");
	set_list(&subj, VG_SF_D_JURIS, eea, 2);
	eval(p, &subj, today, &g);
	expect_result(&g, "R-2", VG_RES_NA, "not covered by the control's 'when'");

	/* absent fields: when on an absent hostname is false; != on an absent country is false */
	vg_subject_init(&subj, VG_SUBJ_FLOW, today);
	eval(p, &subj, today, &g);
	expect_result(&g, "R-1", VG_RES_FAIL, "port unknown");
	expect_result(&g, "R-2", VG_RES_NA, NULL);
	expect_result(&g, "R-4", VG_RES_FAIL, "country unknown");

	/* a deployment sees only the deployment control */
	vg_subject_init(&subj, VG_SUBJ_DEPLOYMENT, today);
	set_str(&subj, VG_SF_NAME, "chat");
	eval(p, &subj, today, &g);
	assert_int_equal(g.n, 1);
	expect_result(&g, "R-3", VG_RES_FAIL, "chat has no owner");
	set_str(&subj, VG_SF_OWNER, "Jane Roe");
	eval(p, &subj, today, &g);
	expect_result(&g, "R-3", VG_RES_PASS, "Deployments have an owner");

	/* an endpoint: no control applies, the callback is never called */
	vg_subject_init(&subj, VG_SUBJ_ENDPOINT, today);
	eval(p, &subj, today, &g);
	assert_int_equal(g.n, 0);

	/* what the loader kept of a control */
	{
		const struct vg_control *c = vg_policy_find(p, "R-2");
		assert_non_null(c);
		assert_ptr_equal(vg_policy_control(p, 1), c);
		assert_null(vg_policy_control(p, 4));
		assert_null(vg_policy_find(p, "R-9"));
		assert_string_equal(c->title, "OpenAI traffic stays in the EEA");
		assert_int_equal(c->n_references, 1);
		assert_string_equal(c->references[0], "GDPR Art. 44");
		assert_int_equal(c->n_soc2, 0);
		assert_int_equal(c->severity, VG_SEV_HIGH);
		assert_int_equal(c->applies_to, VG_SUBJ_FLOW);
		assert_int_equal(c->applies_from, VG_DATE_NONE);
		assert_string_equal(c->when_text, "hostname glob '*.openai.com'");
		assert_string_equal(c->require_text, "dest.jurisdiction contains 'eea'");
		assert_string_equal(c->message_text, "{hostname} is in {dest.jurisdiction}");
		assert_string_equal(c->file->path, "p.yaml");
		assert_string_equal(c->file->id, "t");
		assert_string_equal(c->file->title, "Test policy");
		assert_string_equal(c->file->version, "2026-01-01");
		assert_int_equal(c->line, 12);
		assert_int_equal(c->col, 5);
		assert_null(vg_policy_find(p, "R-1")->when);
	}
	vg_policy_free(p);
}

/* ---- applies_from: the subject's date, which for a flow is its own */

static const char applies_policy[] = HEAD
    "controls:\n"
    "  - id: A-1\n"
    "    title: Flows from August\n"
    "    references: [AI Act Art. 113]\n"
    "    severity: high\n"
    "    applies_to: flow\n"
    "    applies_from: 2026-08-02\n"
    "    require: dst_port == 443\n"
    "    message: 'port {dst_port}'\n"
    "  - id: A-2\n"
    "    title: Deployments from August\n"
    "    references: [AI Act Art. 113]\n"
    "    severity: high\n"
    "    applies_to: deployment\n"
    "    applies_from: 2026-08-02\n"
    "    require: exists fria.ref\n"
    "    message: '{name} has no FRIA'\n";

static void
test_applies_from(void **state)
{
	struct vg_policy *p = load_one(applies_policy);
	struct got g;

	assert_int_equal(vg_policy_find(p, "A-1")->applies_from, D(2026, 8, 2));

	/* a flow of the day before, evaluated later: not applicable */
	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 9, 1));
	set_date(&subj, VG_SF_DATE, D(2026, 8, 1));
	set_int(&subj, VG_SF_DST_PORT, 80);
	eval(p, &subj, D(2026, 9, 1), &g);
	expect_result(&g, "A-1", VG_RES_NA, "does not apply before 2026-08-02");
	/* on the day and after */
	set_date(&subj, VG_SF_DATE, D(2026, 8, 2));
	eval(p, &subj, D(2026, 9, 1), &g);
	expect_result(&g, "A-1", VG_RES_FAIL, "port 80");
	set_date(&subj, VG_SF_DATE, D(2026, 8, 3));
	eval(p, &subj, D(2026, 9, 1), &g);
	expect_result(&g, "A-1", VG_RES_FAIL, "port 80");
	/* applies_from comes before when and require: a passing flow of the day before is n/a */
	set_date(&subj, VG_SF_DATE, D(2026, 8, 1));
	set_int(&subj, VG_SF_DST_PORT, 443);
	eval(p, &subj, D(2026, 9, 1), &g);
	expect_result(&g, "A-1", VG_RES_NA, NULL);
	/* the flow's date counts, not the evaluation date */
	set_date(&subj, VG_SF_DATE, D(2026, 8, 2));
	eval(p, &subj, D(2026, 7, 1), &g);
	expect_result(&g, "A-1", VG_RES_PASS, "Flows from August");
	/* a subject without a date is judged at the evaluation date */
	set_absent(&subj, VG_SF_DATE);
	eval(p, &subj, D(2026, 8, 1), &g);
	expect_result(&g, "A-1", VG_RES_NA, "does not apply before 2026-08-02");
	eval(p, &subj, D(2026, 8, 2), &g);
	expect_result(&g, "A-1", VG_RES_PASS, NULL);

	/* a deployment's date is the evaluation date it was built with */
	vg_subject_init(&subj, VG_SUBJ_DEPLOYMENT, D(2026, 8, 1));
	set_str(&subj, VG_SF_NAME, "chat");
	eval(p, &subj, D(2026, 8, 1), &g);
	expect_result(&g, "A-2", VG_RES_NA, "does not apply before 2026-08-02");
	vg_subject_init(&subj, VG_SUBJ_DEPLOYMENT, D(2026, 8, 2));
	set_str(&subj, VG_SF_NAME, "chat");
	eval(p, &subj, D(2026, 8, 2), &g);
	expect_result(&g, "A-2", VG_RES_FAIL, "chat has no FRIA");
	vg_subject_init(&subj, VG_SUBJ_DEPLOYMENT, D(2027, 1, 1));
	set_str(&subj, VG_SF_NAME, "chat");
	set_str(&subj, VG_SF_FRIA_REF, "FRIA-1");
	eval(p, &subj, D(2027, 1, 1), &g);
	expect_result(&g, "A-2", VG_RES_PASS, "Deployments from August");
	vg_policy_free(p);
}

/* ---- waivers */

static const char waiver_policy[] = HEAD
    "controls:\n"
    "  - id: W-1\n"
    "    title: Processing in France\n"
    "    references: [GDPR Art. 44]\n"
    "    severity: high\n"
    "    applies_to: flow\n"
    "    require: dest.country == 'FR'\n"
    "    message: '{hostname} is processed in {dest.country}'\n"
    "  - id: W-2\n"
    "    title: Never\n"
    "    references: [GDPR Art. 5(1)(f)]\n"
    "    severity: critical\n"
    "    applies_to: flow\n"
    "    require: false\n"
    "    message: never\n"
    "  - id: W-3\n"
    "    title: FRIA on file\n"
    "    references: [AI Act Art. 27]\n"
    "    severity: medium\n"
    "    applies_to: deployment\n"
    "    require: exists fria.ref\n"
    "    message: 'no FRIA for {name}'\n"
    "waivers:\n"
    "  - control: W-1\n"
    "    owner: alice\n"
    "    reason: pilot with a US region\n"
    "    expires: 2026-06-30\n"
    "    ticket: SEC-1\n"
    "    when: hostname == 'pilot.example.com'\n"
    "  - control: W-2\n"
    "    owner: first\n"
    "    reason: port 443 only\n"
    "    expires: 2026-12-31\n"
    "    when: dst_port == 443\n"
    "  - control: W-2\n"
    "    owner: second\n"
    "    reason: everything else\n"
    "    expires: 2026-12-31\n"
    "  - control: W-3\n"
    "    owner: dana\n"
    "    reason: assessment under way\n"
    "    expires: 2026-06-30\n";

static void
test_waivers(void **state)
{
	struct vg_policy *p = load_one(waiver_policy);
	const struct vg_control *w1 = vg_policy_find(p, "W-1"), *w2 = vg_policy_find(p, "W-2");
	const struct vg_waiver *w;
	struct got g;

	assert_int_equal(vg_policy_n_waivers(p), 4);
	assert_int_equal(w1->n_waivers, 1);
	assert_int_equal(w2->n_waivers, 2);
	assert_string_equal(w2->waivers[0]->owner, "first");
	assert_string_equal(w2->waivers[1]->owner, "second");
	w = vg_policy_waiver(p, 0);
	assert_ptr_equal(w, w1->waivers[0]);
	assert_string_equal(w->control, "W-1");
	assert_string_equal(w->owner, "alice");
	assert_string_equal(w->reason, "pilot with a US region");
	assert_string_equal(w->ticket, "SEC-1");
	assert_int_equal(w->expires, D(2026, 6, 30));
	assert_string_equal(w->when_text, "hostname == 'pilot.example.com'");
	assert_non_null(w->when);
	assert_int_equal(w->line, 27);
	assert_int_equal(w->col, 5);
	assert_null(vg_policy_waiver(p, 2)->ticket);
	assert_null(vg_policy_waiver(p, 2)->when);
	assert_null(vg_policy_waiver(p, 4));

	/* within its expiry, on its last day, the day after */
	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 6, 1));
	set_str(&subj, VG_SF_HOSTNAME, "pilot.example.com");
	set_str(&subj, VG_SF_D_COUNTRY, "US");
	eval(p, &subj, D(2026, 6, 1), &g);
	expect_result(&g, "W-1", VG_RES_FAIL, "pilot.example.com is processed in US");
	assert_string_equal(waived_by(&g, "W-1"), "alice");
	set_date(&subj, VG_SF_DATE, D(2026, 6, 30));
	eval(p, &subj, D(2026, 6, 30), &g);
	expect_result(&g, "W-1", VG_RES_FAIL, NULL);
	assert_string_equal(waived_by(&g, "W-1"), "alice");
	set_date(&subj, VG_SF_DATE, D(2026, 7, 1));
	eval(p, &subj, D(2026, 7, 1), &g);
	expect_result(&g, "W-1", VG_RES_FAIL, "pilot.example.com is processed in US");
	assert_string_equal(waived_by(&g, "W-1"), "-");
	/* a flow is waived by its own date: a flow of the last day, evaluated later */
	set_date(&subj, VG_SF_DATE, D(2026, 6, 30));
	eval(p, &subj, D(2026, 7, 15), &g);
	assert_string_equal(waived_by(&g, "W-1"), "alice");

	/* a waiver whose when does not hold */
	set_str(&subj, VG_SF_HOSTNAME, "prod.example.com");
	eval(p, &subj, D(2026, 6, 30), &g);
	expect_result(&g, "W-1", VG_RES_FAIL, "prod.example.com is processed in US");
	assert_string_equal(waived_by(&g, "W-1"), "-");
	/* a waiver never touches a pass */
	set_str(&subj, VG_SF_HOSTNAME, "pilot.example.com");
	set_str(&subj, VG_SF_D_COUNTRY, "FR");
	eval(p, &subj, D(2026, 6, 1), &g);
	expect_result(&g, "W-1", VG_RES_PASS, NULL);
	assert_string_equal(waived_by(&g, "W-1"), "-");

	/* two waivers that both hold: the first in load order wins */
	set_int(&subj, VG_SF_DST_PORT, 443);
	eval(p, &subj, D(2026, 6, 1), &g);
	expect_result(&g, "W-2", VG_RES_FAIL, "never");
	assert_string_equal(waived_by(&g, "W-2"), "first");
	/* the first does not hold: the second */
	set_int(&subj, VG_SF_DST_PORT, 80);
	eval(p, &subj, D(2026, 6, 1), &g);
	assert_string_equal(waived_by(&g, "W-2"), "second");
	/* both expired */
	set_date(&subj, VG_SF_DATE, D(2027, 1, 1));
	eval(p, &subj, D(2027, 1, 1), &g);
	assert_string_equal(waived_by(&g, "W-2"), "-");

	/* a deployment's date is the evaluation date */
	vg_subject_init(&subj, VG_SUBJ_DEPLOYMENT, D(2026, 6, 30));
	set_str(&subj, VG_SF_NAME, "chat");
	eval(p, &subj, D(2026, 6, 30), &g);
	expect_result(&g, "W-3", VG_RES_FAIL, "no FRIA for chat");
	assert_string_equal(waived_by(&g, "W-3"), "dana");
	vg_subject_init(&subj, VG_SUBJ_DEPLOYMENT, D(2026, 7, 1));
	set_str(&subj, VG_SF_NAME, "chat");
	eval(p, &subj, D(2026, 7, 1), &g);
	assert_string_equal(waived_by(&g, "W-3"), "-");

	/* finishing again neither duplicates nor reorders waivers */
	{
		struct vg_err err;
		assert_true(vg_policy_finish(p, &err));
		assert_int_equal(w2->n_waivers, 2);
		assert_string_equal(w2->waivers[0]->owner, "first");
	}
	vg_policy_free(p);
}

/* Waivers of a control of another file; the waiver's condition uses its own file's names. */
static void
test_waivers_across_files(void **state)
{
	static const char b[] =
	    "policy: exceptions\n"
	    "title: Exceptions\n"
	    "version: 2026-05-01\n"
	    "lists:\n"
	    "  pilots: [pilot.example.com, beta.example.com]\n"
	    "waivers:\n"
	    "  - control: W-1\n"
	    "    owner: bob\n"
	    "    reason: pilots\n"
	    "    expires: 2026-12-31\n"
	    "    when: hostname in pilots\n";
	struct vg_policy *p = vg_policy_new();
	const struct vg_control *c;
	struct vg_err err;
	struct got g;

	assert_true(load_text(p, "a.yaml", waiver_policy, &err));
	assert_true(load_text(p, "b.yaml", b, &err));
	if (!vg_policy_finish(p, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(vg_policy_n_files(p), 2);
	assert_int_equal(vg_policy_n_controls(p), 3);
	assert_int_equal(vg_policy_n_waivers(p), 5);
	assert_string_equal(vg_policy_file(p, 1)->id, "exceptions");
	assert_string_equal(vg_policy_waiver(p, 4)->file->path, "b.yaml");
	c = vg_policy_find(p, "W-1");
	assert_int_equal(c->n_waivers, 2);
	assert_string_equal(c->waivers[1]->owner, "bob");

	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 6, 1));
	set_str(&subj, VG_SF_D_COUNTRY, "US");
	set_str(&subj, VG_SF_HOSTNAME, "pilot.example.com");
	/* both hold: a.yaml's comes first */
	eval(p, &subj, D(2026, 6, 1), &g);
	assert_string_equal(waived_by(&g, "W-1"), "alice");
	/* alice's has expired, bob's has not */
	set_date(&subj, VG_SF_DATE, D(2026, 7, 1));
	eval(p, &subj, D(2026, 7, 1), &g);
	assert_string_equal(waived_by(&g, "W-1"), "bob");
	set_str(&subj, VG_SF_HOSTNAME, "beta.example.com");
	eval(p, &subj, D(2026, 7, 1), &g);
	assert_string_equal(waived_by(&g, "W-1"), "bob");
	set_str(&subj, VG_SF_HOSTNAME, "prod.example.com");
	eval(p, &subj, D(2026, 7, 1), &g);
	assert_string_equal(waived_by(&g, "W-1"), "-");
	vg_policy_free(p);
}

/* ---- messages */

static const char message_policy[] = HEAD
    "controls:\n"
    "  - id: M-1\n"
    "    title: Flow message\n"
    "    references: [x]\n"
    "    severity: info\n"
    "    applies_to: flow\n"
    "    require: false\n"
    "    message: 's={hostname} i={dst_port} t={ech} f={dest.anycast} l={alpn} "
    "e={dest.jurisdiction} d={date} a={http_method} {{x}} }}{{ {{{hostname}}}'\n"
    "  - id: M-2\n"
    "    title: Deployment message\n"
    "    references: [x]\n"
    "    severity: info\n"
    "    applies_to: deployment\n"
    "    require: false\n"
    "    message: '{name}: tia {transfer.tia_date}, {transfer.tia_age_days} days; "
    "{providers}; {logging.retention_days}'\n"
    "  - id: M-3\n"
    "    title: Long hostname\n"
    "    references: [x]\n"
    "    severity: info\n"
    "    applies_to: flow\n"
    "    require: false\n"
    "    message: '<{hostname}>'\n"
    "  - id: M-4\n"
    "    title: No fields\n"
    "    references: [x]\n"
    "    severity: info\n"
    "    applies_to: flow\n"
    "    require: false\n"
    "    message: plain text\n";

static void
test_messages(void **state)
{
	static const char *const alpn[] = { "h2", "http/1.1" };
	struct vg_policy *p = load_one(message_policy);
	const struct vg_control *m1 = vg_policy_find(p, "M-1"), *m2 = vg_policy_find(p, "M-2");
	const struct vg_control *m3 = vg_policy_find(p, "M-3"), *m4 = vg_policy_find(p, "M-4");
	char buf[VG_POLICY_MESSAGE_MAX], *longname;
	struct got g;

	/* every field absent but the date */
	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 8, 2));
	vg_policy_message(m1, &subj, buf, sizeof(buf));
	assert_string_equal(buf, "s=unknown i=unknown t=unknown f=unknown l=unknown e=unknown "
	    "d=2026-08-02 a=unknown {x} }{ {unknown}");

	/* a value of each type; an empty list is "none" */
	set_str(&subj, VG_SF_HOSTNAME, "api.openai.com");
	set_int(&subj, VG_SF_DST_PORT, -5);
	set_bool(&subj, VG_SF_ECH, true);
	set_bool(&subj, VG_SF_D_ANYCAST, false);
	set_list(&subj, VG_SF_ALPN, alpn, 2);
	set_list(&subj, VG_SF_D_JURIS, NULL, 0);
	set_date(&subj, VG_SF_DATE, D(1970, 1, 1));
	set_str(&subj, VG_SF_HTTP_METHOD, "POST");
	vg_policy_message(m1, &subj, buf, sizeof(buf));
	assert_string_equal(buf, "s=api.openai.com i=-5 t=yes f=no l=h2, http/1.1 e=none "
	    "d=1970-01-01 a=POST {x} }{ {api.openai.com}");
	/* the same through evaluation */
	eval(p, &subj, D(2026, 8, 2), &g);
	expect_result(&g, "M-1", VG_RES_FAIL, "s=api.openai.com i=-5 t=yes f=no l=h2, http/1.1 "
	    "e=none d=1970-01-01 a=POST {x} }{ {api.openai.com}");
	expect_result(&g, "M-4", VG_RES_FAIL, "plain text");

	/* a deployment */
	vg_subject_init(&subj2, VG_SUBJ_DEPLOYMENT, D(2026, 8, 2));
	set_str(&subj2, VG_SF_NAME, "chat");
	vg_policy_message(m2, &subj2, buf, sizeof(buf));
	assert_string_equal(buf, "chat: tia unknown, unknown days; unknown; unknown");
	set_date(&subj2, VG_SF_T_TIA_DATE, D(2026, 3, 2));
	set_int(&subj2, VG_SF_T_TIA_AGE, 153);
	set_list(&subj2, VG_SF_PROVIDERS, (const char *const[]){ "openai" }, 1);
	set_int(&subj2, VG_SF_LOG_RETENTION, 9223372036854775807LL);
	vg_policy_message(m2, &subj2, buf, sizeof(buf));
	assert_string_equal(buf, "chat: tia 2026-03-02, 153 days; openai; 9223372036854775807");

	/* truncation: at most VG_POLICY_MESSAGE_MAX - 1 bytes, the last three "..." */
	longname = malloc(2001);
	assert_non_null(longname);
	memset(longname, 'h', 2000);
	longname[2000] = '\0';
	set_str(&subj, VG_SF_HOSTNAME, longname);
	vg_policy_message(m3, &subj, buf, sizeof(buf));
	assert_int_equal(strlen(buf), VG_POLICY_MESSAGE_MAX - 1);
	assert_int_equal(buf[0], '<');
	assert_int_equal(buf[VG_POLICY_MESSAGE_MAX - 5], 'h');
	assert_string_equal(buf + VG_POLICY_MESSAGE_MAX - 4, "...");
	eval(p, &subj, D(2026, 8, 2), &g);
	assert_int_equal(strlen(g.f[find(&g, "M-3")].message), VG_POLICY_MESSAGE_MAX - 1);
	assert_string_equal(g.f[find(&g, "M-3")].message + VG_POLICY_MESSAGE_MAX - 4, "...");
	/* exactly what fits is not truncated: "<" + 1021 + ">" is 1023 bytes */
	longname[VG_POLICY_MESSAGE_MAX - 3] = '\0';
	set_str(&subj, VG_SF_HOSTNAME, longname);
	vg_policy_message(m3, &subj, buf, sizeof(buf));
	assert_int_equal(strlen(buf), VG_POLICY_MESSAGE_MAX - 1);
	assert_int_equal(buf[VG_POLICY_MESSAGE_MAX - 2], '>');
	/* one byte more is */
	longname[VG_POLICY_MESSAGE_MAX - 3] = 'h';
	longname[VG_POLICY_MESSAGE_MAX - 2] = '\0';
	set_str(&subj, VG_SF_HOSTNAME, longname);
	vg_policy_message(m3, &subj, buf, sizeof(buf));
	assert_int_equal(strlen(buf), VG_POLICY_MESSAGE_MAX - 1);
	assert_string_equal(buf + VG_POLICY_MESSAGE_MAX - 4, "...");
	free(longname);
	/* a small buffer; too small for "..." */
	vg_policy_message(m4, &subj, buf, 8);
	assert_string_equal(buf, "plai...");
	vg_policy_message(m4, &subj, buf, 11);
	assert_string_equal(buf, "plain text");
	vg_policy_message(m4, &subj, buf, 3);
	assert_string_equal(buf, "pl");
	buf[0] = 'x';
	vg_policy_message(m4, &subj, buf, 0);
	assert_int_equal(buf[0], 'x');
	vg_policy_free(p);
}

/* Literal text of a message that is exactly n bytes, or n bytes with an "é" at byte at. */
static char *
long_message_policy(size_t n, size_t at)
{
	static const char head[] = HEAD
	    "controls:\n"
	    "  - id: L-1\n"
	    "    title: Long\n"
	    "    references: [x]\n"
	    "    severity: info\n"
	    "    applies_to: flow\n"
	    "    require: false\n"
	    "    message: '";
	size_t h = strlen(head);
	char *t = malloc(h + n + 8);

	assert_non_null(t);
	memcpy(t, head, h);
	memset(t + h, 'a', n);
	if (at != 0) {
		t[h + at] = '\xc3';
		t[h + at + 1] = '\xa9';
	}
	strcpy(t + h + n, "'\n");
	return t;
}

static void
test_message_literal_limit(void **state)
{
	char buf[VG_POLICY_MESSAGE_MAX];
	struct vg_policy *p;
	char *t;

	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 8, 2));
	t = long_message_policy(VG_POLICY_MESSAGE_MAX - 1, 0);
	p = load_one(t);
	vg_policy_message(vg_policy_find(p, "L-1"), &subj, buf, sizeof(buf));
	assert_int_equal(strlen(buf), VG_POLICY_MESSAGE_MAX - 1);
	assert_int_equal(buf[VG_POLICY_MESSAGE_MAX - 2], 'a');
	vg_policy_free(p);
	free(t);

	t = long_message_policy(VG_POLICY_MESSAGE_MAX, 0);
	p = load_one(t);
	vg_policy_message(vg_policy_find(p, "L-1"), &subj, buf, sizeof(buf));
	assert_int_equal(strlen(buf), VG_POLICY_MESSAGE_MAX - 1);
	assert_string_equal(buf + VG_POLICY_MESSAGE_MAX - 4, "...");
	vg_policy_free(p);
	free(t);

	/* the longest message text a control may have */
	t = long_message_policy(VG_POLICY_TEXT_MAX, 0);
	p = load_one(t);
	vg_policy_free(p);
	free(t);
	t = long_message_policy(VG_POLICY_TEXT_MAX + 1, 0);
	expect_load_error(t, "p.yaml:11:14: 'message' is longer than 4096 bytes");
	free(t);
}

static bool
utf8_valid(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u != '\0') {
		size_t n = *u < 0x80 ? 0 : (*u & 0xe0) == 0xc0 ? 1 : (*u & 0xf0) == 0xe0 ? 2 :
		    (*u & 0xf8) == 0xf0 ? 3 : 4;
		if (n == 4)
			return false;
		for (size_t i = 1; i <= n; i++)
			if ((u[i] & 0xc0) != 0x80)
				return false;
		u += n + 1;
	}
	return true;
}

/*
 * Truncation must not split a UTF-8 sequence: findings are JSON, and
 * jansson refuses a string that is not UTF-8. Here "é" straddles the
 * byte where "..." starts.
 */
static void
test_message_truncation_utf8(void **state)
{
	char buf[VG_POLICY_MESSAGE_MAX];
	struct vg_policy *p;
	char *t = long_message_policy(VG_POLICY_MESSAGE_MAX + 10, VG_POLICY_MESSAGE_MAX - 5);
	size_t n;

	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 8, 2));
	p = load_one(t);
	vg_policy_message(vg_policy_find(p, "L-1"), &subj, buf, sizeof(buf));
	vg_policy_free(p);
	free(t);
	n = strlen(buf);
	assert_true(n <= VG_POLICY_MESSAGE_MAX - 1 && n >= VG_POLICY_MESSAGE_MAX - 4);
	assert_string_equal(buf + n - 3, "...");
	if (!utf8_valid(buf))
		fail_msg("truncated message is not UTF-8: ...%02x %02x %02x %02x",
		    (unsigned char)buf[n - 5], (unsigned char)buf[n - 4],
		    (unsigned char)buf[n - 3], (unsigned char)buf[n - 2]);
}

/* ---- load errors */

/* A control: CTL(lines) is lines 4 to 9 (id on line 5), then the lines given from line 10. */
#define CTL(rest) "controls:\n  - id: C-1\n    title: C\n    references: [GDPR Art. 44]\n" \
	"    severity: high\n    applies_to: flow\n" rest
#define OKREQ "    require: dst_port == 443\n    message: m\n"

static void
test_load_errors(void **state)
{
	/* the reference: accepted */
	vg_policy_free(load_one(HEAD CTL(OKREQ)));

	expect_load_error("- a\n", "p.yaml:1:1: a policy file must be a mapping");
	expect_load_error(HEAD "polcy: x\n" CTL(OKREQ), "p.yaml:4:1: unknown key 'polcy'; did you mean 'policy'?");
	expect_load_error(HEAD CTL(OKREQ "    severty: low\n"),
	    "p.yaml:12:5: unknown key 'severty'; did you mean 'severity'?");
	expect_load_error("title: T\nversion: 2026-01-01\n" CTL(OKREQ),
	    "p.yaml:1:1: the file has no 'policy'");
	expect_load_error("policy: 'gdpr residency'\ntitle: T\nversion: 2026-01-01\n" CTL(OKREQ),
	    "p.yaml:1:9: policy id 'gdpr residency' must start with a letter and hold only "
	    "letters, digits, '-', '_' and '.', at most 64 bytes");
	expect_load_error("policy: t\ntitle: T\nversion: 1.0\n" CTL(OKREQ),
	    "p.yaml:3:10: 'version' must be a date YYYY-MM-DD from 1970-01-01 to 9999-12-31, "
	    "not '1.0'");
	expect_load_error("policy: t\ntitle:\nversion: 2026-01-01\n" CTL(OKREQ),
	    "p.yaml:2:7: 'title' is empty");
	expect_load_error(HEAD, "p.yaml:1:1: the file has neither controls nor waivers");
	expect_load_error(HEAD "controls: {}\n", "p.yaml:4:11: 'controls' must be a list of controls");
	expect_load_error(HEAD CTL("    message: m\n"), "p.yaml:5:5: the control has no 'require'");
	expect_load_error(HEAD CTL(OKREQ "    applies_from: 2026-02-30\n"),
	    "p.yaml:12:19: 'applies_from' must be a date YYYY-MM-DD from 1970-01-01 to "
	    "9999-12-31, not '2026-02-30'");
	expect_load_error(HEAD "controls:\n  - id: 1A\n    title: C\n    references: [x]\n"
	    "    severity: high\n    applies_to: flow\n" OKREQ,
	    "p.yaml:5:9: control id '1A' must start with a letter and hold only letters, "
	    "digits, '-', '_' and '.', at most 64 bytes");
	expect_load_error(HEAD CTL(OKREQ) "  - id: C-1\n    title: D\n    references: [x]\n"
	    "    severity: low\n    applies_to: flow\n" OKREQ,
	    "p.yaml:12:9: duplicate control id 'C-1' (first at line 5)");
	expect_load_error(HEAD "controls:\n  - id: C-1\n    title: C\n    references: []\n"
	    "    severity: high\n    applies_to: flow\n" OKREQ,
	    "p.yaml:7:17: 'references' is empty; cite at least one");
	expect_load_error(HEAD "controls:\n  - id: C-1\n    title: C\n    references: [x]\n"
	    "    severity: urgent\n    applies_to: flow\n" OKREQ,
	    "p.yaml:8:15: severity 'urgent' is not one of info, low, medium, high, critical");
	expect_load_error(HEAD "controls:\n  - id: C-1\n    title: C\n    references: [x]\n"
	    "    severity: high\n    applies_to: flows\n" OKREQ,
	    "p.yaml:9:17: applies_to 'flows' is not one of flow, endpoint, deployment");
	/* conditions: the position of the offending token */
	expect_load_error(HEAD CTL("    require: dst_port == 443 and dest.contry == 'US'\n"
	    "    message: m\n"),
	    "p.yaml:10:34: unknown name 'dest.contry'; did you mean 'dest.country'? "
	    "(col 21 of the condition)");
	expect_load_error(HEAD CTL("    require: exists owner\n    message: m\n"),
	    "p.yaml:10:21: unknown name 'owner' (col 8 of the condition)");
	expect_load_error(HEAD CTL("    require: hostname\n    message: m\n"),
	    "p.yaml:10:14: expected a condition, found a string (col 1 of the condition)");
	expect_load_error(HEAD CTL("    when: [a]\n" OKREQ),
	    "p.yaml:10:11: 'when' must be a condition (a string), not a list");
	expect_load_error(HEAD CTL("    require: |\n      dst_port == 443 and\n"
	    "        hostnme == 'x'\n    message: m\n"),
	    "p.yaml:12:9: unknown name 'hostnme'; did you mean 'hostname'? "
	    "(line 2, col 3 of the condition)");
	/* messages */
	expect_load_error(HEAD CTL("    require: true\n    message: 'to {hostnme}'\n"),
	    "p.yaml:11:18: unknown field 'hostnme' in the message: a flow has no such field; "
	    "did you mean 'hostname'?");
	expect_load_error(HEAD CTL("    require: true\n    message: 'by {owner}'\n"),
	    "p.yaml:11:18: unknown field 'owner' in the message: a flow has no such field");
	expect_load_error(HEAD CTL("    require: true\n    message: to {hostname\n"),
	    "p.yaml:11:17: unclosed '{' in the message (write '{{' for a brace)");
	expect_load_error(HEAD CTL("    require: true\n    message: a } b\n"),
	    "p.yaml:11:16: unmatched '}' in the message (write '}}' for a brace)");
	/* lists and macros */
	expect_load_error(HEAD "lists:\n  contains: [a]\n" CTL(OKREQ),
	    "p.yaml:5:3: list name 'contains' is a reserved word");
	expect_load_error(HEAD "lists:\n  hostname: [a]\n" CTL(OKREQ),
	    "p.yaml:5:3: list name 'hostname' is the name of a field");
	expect_load_error(HEAD "lists:\n  eu:\n    - FR\n    - FR\n" CTL(OKREQ),
	    "p.yaml:7:7: list 'eu' holds 'FR' twice (first at line 6)");
	expect_load_error(HEAD "lists:\n  eu: [a]\nmacros:\n  eu: 'true'\n" CTL(OKREQ),
	    "p.yaml:7:3: macro name 'eu' is already a list");
	/* a macro no control uses is still checked, against the fields of every kind */
	expect_load_error(HEAD "macros:\n  m: owner == 'x' or dest.contry == 'x'\n" CTL(OKREQ),
	    "p.yaml:5:22: unknown name 'dest.contry'; did you mean 'dest.country'? "
	    "(col 17 of the condition)");
	/* waivers */
	expect_load_error(HEAD CTL(OKREQ) "waivers:\n  - control: C-1\n    owner: o\n"
	    "    reason: r\n",
	    "p.yaml:13:5: the waiver has no 'expires'");
	expect_load_error(HEAD CTL(OKREQ) "waivers:\n  - control: C-1\n    owner: o\n"
	    "    reason: r\n    expires: 2026-12-31\n    expiry: 2027-01-01\n",
	    "p.yaml:17:5: unknown key 'expiry'; did you mean 'expires'?");
	/* YAML itself */
	expect_load_error(HEAD CTL("    require: true\n    require: false\n    message: m\n"),
	    "p.yaml:11:5: duplicate key 'require' (first at line 10)");
}

static void
test_finish_errors(void **state)
{
	expect_finish_error(HEAD CTL(OKREQ) "waivers:\n  - control: C-2\n    owner: o\n"
	    "    reason: r\n    expires: 2026-12-31\n",
	    "p.yaml:13:14: waiver of unknown control 'C-2'");
	/* the waived control's kind decides the fields of the waiver's when */
	expect_finish_error(HEAD CTL(OKREQ) "waivers:\n  - control: C-1\n    owner: o\n"
	    "    reason: r\n    expires: 2026-12-31\n    when: owner == 'x'\n",
	    "p.yaml:17:11: unknown name 'owner' (col 1 of the condition)");
}

/* ---- a file that fails leaves the set as it was */

static const char file_a[] =
    "policy: a\n"
    "title: A\n"
    "version: 2026-01-01\n"
    "controls:\n"
    "  - id: X-1\n"
    "    title: HTTPS\n"
    "    references: [x]\n"
    "    severity: high\n"
    "    applies_to: flow\n"
    "    require: dst_port == 443\n"
    "    message: 'port {dst_port}'\n"
    "  - id: X-2\n"
    "    title: Owner\n"
    "    references: [x]\n"
    "    severity: low\n"
    "    applies_to: deployment\n"
    "    require: exists owner\n"
    "    message: no owner\n"
    "waivers:\n"
    "  - control: X-1\n"
    "    owner: alice\n"
    "    reason: r\n"
    "    expires: 2026-12-31\n"
    "    when: dst_port == 8443\n";

/* Each is broken after some of it loaded well. */
static const char *const broken_b[] = {
	/* a good control, then a bad one */
	"policy: b\ntitle: B\nversion: 2026-01-01\ncontrols:\n"
	"  - id: Y-1\n    title: Y\n    references: [x]\n    severity: high\n"
	"    applies_to: flow\n    require: true\n    message: m\n"
	"  - id: Y-2\n    title: Y\n    references: [x]\n    severity: high\n"
	"    applies_to: flow\n    require: dst_prt == 1\n    message: m\n",
	/* good controls, a broken waiver */
	"policy: b\ntitle: B\nversion: 2026-01-01\ncontrols:\n"
	"  - id: Y-1\n    title: Y\n    references: [x]\n    severity: high\n"
	"    applies_to: flow\n    require: true\n    message: m\n"
	"waivers:\n  - control: X-1\n    owner: bob\n    reason: r\n    expires: 2026-12-31\n"
	"  - control: Y-1\n    owner: bob\n",
	/* a control id of the other file */
	"policy: b\ntitle: B\nversion: 2026-01-01\ncontrols:\n"
	"  - id: Y-1\n    title: Y\n    references: [x]\n    severity: high\n"
	"    applies_to: flow\n    require: true\n    message: m\n"
	"  - id: X-1\n    title: Y\n    references: [x]\n    severity: high\n"
	"    applies_to: flow\n    require: true\n    message: m\n",
	/* the policy id of the other file */
	"policy: a\ntitle: B\nversion: 2026-01-01\ncontrols:\n"
	"  - id: Y-1\n    title: Y\n    references: [x]\n    severity: high\n"
	"    applies_to: flow\n    require: true\n    message: m\n",
	/* not YAML */
	"policy: b\ntitle: [\n",
};

static const char *const broken_b_errors[] = {
	"b.yaml:17:14: unknown name 'dst_prt'; did you mean 'dst_port'? (col 1 of the condition)",
	"b.yaml:17:5: the waiver has no 'reason'",
	"b.yaml:12:9: duplicate control id 'X-1' (already defined at a.yaml:5)",
	"b.yaml:1:9: policy 'a' is already loaded from a.yaml",
	NULL, /* libyaml's wording */
};

static void
check_set_a(const struct vg_policy *p)
{
	struct got g;

	assert_int_equal(vg_policy_n_files(p), 1);
	assert_int_equal(vg_policy_n_controls(p), 2);
	assert_int_equal(vg_policy_n_waivers(p), 1);
	assert_int_equal(vg_policy_n_for(p, VG_SUBJ_FLOW), 1);
	assert_int_equal(vg_policy_n_for(p, VG_SUBJ_DEPLOYMENT), 1);
	assert_null(vg_policy_find(p, "Y-1"));
	assert_null(vg_policy_file(p, 1));
	assert_int_equal(vg_policy_find(p, "X-1")->n_waivers, 1);

	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 6, 1));
	set_int(&subj, VG_SF_DST_PORT, 80);
	eval(p, &subj, D(2026, 6, 1), &g);
	assert_int_equal(g.n, 1);
	expect_result(&g, "X-1", VG_RES_FAIL, "port 80");
	assert_string_equal(waived_by(&g, "X-1"), "-");
	set_int(&subj, VG_SF_DST_PORT, 8443);
	eval(p, &subj, D(2026, 6, 1), &g);
	assert_string_equal(waived_by(&g, "X-1"), "alice");
	set_int(&subj, VG_SF_DST_PORT, 443);
	eval(p, &subj, D(2026, 6, 1), &g);
	expect_result(&g, "X-1", VG_RES_PASS, "HTTPS");
}

static void
test_failed_load_changes_nothing(void **state)
{
	struct vg_policy *p = vg_policy_new();
	struct vg_err err;

	assert_true(load_text(p, "a.yaml", file_a, &err));
	assert_true(vg_policy_finish(p, &err));
	check_set_a(p);
	for (size_t i = 0; i < sizeof(broken_b) / sizeof(broken_b[0]); i++) {
		if (load_text(p, "b.yaml", broken_b[i], &err))
			fail_msg("broken file %zu accepted", i);
		if (broken_b_errors[i] != NULL && strcmp(err.msg, broken_b_errors[i]) != 0)
			fail_msg("broken file %zu:\ngot    \"%s\"\nwanted \"%s\"", i, err.msg,
			    broken_b_errors[i]);
		assert_true(strncmp(err.msg, "b.yaml:", 7) == 0);
		check_set_a(p);
		/* finishing again is harmless */
		assert_true(vg_policy_finish(p, &err));
		check_set_a(p);
	}
	/* and a good file still loads after them */
	{
		static const char good[] =
		    "policy: c\ntitle: C\nversion: 2026-01-01\ncontrols:\n"
		    "  - id: Z-1\n    title: Z\n    references: [x]\n    severity: high\n"
		    "    applies_to: flow\n    require: true\n    message: m\n"
		    "waivers:\n  - control: X-1\n    owner: carol\n    reason: r\n"
		    "    expires: 2026-12-31\n";
		struct got g;

		assert_true(load_text(p, "c.yaml", good, &err));
		assert_true(vg_policy_finish(p, &err));
		assert_int_equal(vg_policy_n_files(p), 2);
		assert_int_equal(vg_policy_n_controls(p), 3);
		assert_int_equal(vg_policy_n_waivers(p), 2);
		assert_int_equal(vg_policy_find(p, "X-1")->n_waivers, 2);
		vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 6, 1));
		set_int(&subj, VG_SF_DST_PORT, 80);
		eval(p, &subj, D(2026, 6, 1), &g);
		assert_int_equal(g.n, 2);
		assert_string_equal(waived_by(&g, "X-1"), "carol");
		expect_result(&g, "Z-1", VG_RES_PASS, "Z");
	}
	vg_policy_free(p);
}

/* A control id of another file; ids are case-sensitive. */
static void
test_duplicate_across_files(void **state)
{
	static const char b[] =
	    "policy: b\ntitle: B\nversion: 2026-01-01\ncontrols:\n"
	    "  - id: X-2\n    title: Again\n    references: [x]\n    severity: high\n"
	    "    applies_to: endpoint\n    require: true\n    message: m\n";
	struct vg_policy *p = vg_policy_new();
	struct vg_err err;

	assert_true(load_text(p, "a.yaml", file_a, &err));
	assert_false(load_text(p, "b.yaml", b, &err));
	assert_string_equal(err.msg, "b.yaml:5:9: duplicate control id 'X-2' (already defined at "
	    "a.yaml:12)");
	/* ids are case-sensitive */
	{
		char lower[sizeof(b)];
		memcpy(lower, b, sizeof(b));
		lower[strstr(lower, "X-2") - lower] = 'x';
		assert_true(load_text(p, "b.yaml", lower, &err));
		assert_non_null(vg_policy_find(p, "x-2"));
	}
	vg_policy_free(p);
}

/* The cap on files in a set. */
static void
test_files_cap(void **state)
{
	struct vg_policy *p = vg_policy_new();
	struct vg_err err;
	char text[512], name[32];

	for (unsigned i = 0; i <= VG_POLICY_FILES_MAX; i++) {
		snprintf(text, sizeof(text), "policy: p%u\ntitle: P\nversion: 2026-01-01\n"
		    "controls:\n  - id: C-%u\n    title: C\n    references: [x]\n"
		    "    severity: low\n    applies_to: flow\n    require: true\n    message: m\n",
		    i, i);
		snprintf(name, sizeof(name), "p%u.yaml", i);
		if (i < VG_POLICY_FILES_MAX) {
			if (!load_text(p, name, text, &err))
				fail_msg("%s", err.msg);
		} else {
			assert_false(load_text(p, name, text, &err));
			assert_string_equal(err.msg, "p64.yaml: more than 64 policy files");
		}
	}
	assert_int_equal(vg_policy_n_files(p), VG_POLICY_FILES_MAX);
	assert_int_equal(vg_policy_n_controls(p), VG_POLICY_FILES_MAX);
	vg_policy_free(p);
}

/* ---- evaluation allocates nothing */

static const char busy_policy[] = HEAD
    "lists:\n"
    "  eea_ok: [eu, eea, adequate]\n"
    "macros:\n"
    "  ai: dest.category in ['llm', 'speech']\n"
    "controls:\n"
    "  - id: B-1\n"
    "    title: AI traffic stays in the EEA\n"
    "    references: [GDPR Art. 44]\n"
    "    severity: high\n"
    "    applies_to: flow\n"
    "    when: ai\n"
    "    require: dest.jurisdiction contains 'eea' or dest.country in eea_ok\n"
    "    message: '{hostname} ({dest.provider}) goes to {dest.country}, {dest.jurisdiction}; "
    "alpn {alpn}, {bytes_out} bytes, {date}, ech {ech}'\n"
    "  - id: B-2\n"
    "    title: HTTPS\n"
    "    references: [GDPR Art. 32]\n"
    "    severity: low\n"
    "    applies_to: flow\n"
    "    applies_from: 2026-03-01\n"
    "    require: dst_port == 443 and hostname glob '*.example.com'\n"
    "    message: 'port {dst_port} to {hostname}'\n"
    "waivers:\n"
    "  - control: B-1\n"
    "    owner: alice\n"
    "    reason: r\n"
    "    expires: 2026-06-30\n"
    "    when: hostname startswith 'pilot'\n"
    "  - control: B-2\n"
    "    owner: bob\n"
    "    reason: r\n"
    "    expires: 2026-12-31\n";

struct tally {
	unsigned long n[VG_RESULTS], waived;
};

static void
count(void *arg, const struct vg_finding *f)
{
	struct tally *t = arg;

	if (f->waiver != NULL)
		t->waived++;
	else
		t->n[f->result]++;
}

static void
test_no_alloc(void **state)
{
	static const char *const juris[2][2] = { { "third-country" }, { "eu", "eea" } };
	static const char *const alpn[] = { "h2" };
	static const char *const hosts[] = { "pilot.example.com", "api.example.com",
		"api.example.org", "x.example.com" };
	struct vg_policy *p = load_one(busy_policy);
	struct tally t;
	char buf[VG_POLICY_MESSAGE_MAX];

	if (!alloc_counter_ready()) {
		vg_policy_free(p);
		skip();
	}
	memset(&t, 0, sizeof(t));
	counting = 1;
	n_allocs = 0;
	for (int i = 0; i < 10000; i++) {
		struct vg_val v;

		vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 6, 1));
		/* dates from 2026-02-15 to 2026-08-04: before B-2 applies, around alice's expiry */
		v = (struct vg_val){ .t = VG_V_DATE, .u.date = D(2026, 2, 15) + (i % 171) };
		vg_subject_set(&subj, VG_SF_DATE, &v);
		(void)vg_subject_set_str(&subj, VG_SF_HOSTNAME, hosts[i % 4]);
		(void)vg_subject_set_str(&subj, VG_SF_D_PROVIDER, "acme");
		(void)vg_subject_set_str(&subj, VG_SF_D_CATEGORY, (i & 4) ? "llm" : "storage");
		(void)vg_subject_set_str(&subj, VG_SF_D_COUNTRY, (i & 8) ? "FR" : "US");
		(void)vg_subject_set_list(&subj, VG_SF_D_JURIS, juris[(i >> 3) & 1],
		    (i & 8) ? 2 : 1);
		(void)vg_subject_set_list(&subj, VG_SF_ALPN, alpn, 1);
		v = (struct vg_val){ .t = VG_V_INT, .u.i = (i & 16) ? 443 : 80 };
		vg_subject_set(&subj, VG_SF_DST_PORT, &v);
		v = (struct vg_val){ .t = VG_V_INT, .u.i = i * 1000 };
		vg_subject_set(&subj, VG_SF_BYTES_OUT, &v);
		v = (struct vg_val){ .t = VG_V_BOOL, .u.b = i & 1 };
		vg_subject_set(&subj, VG_SF_ECH, &v);
		vg_policy_eval(p, &subj, D(2026, 6, 1), buf, count, &t);
	}
	counting = 0;
	vg_policy_free(p);
	assert_int_equal(n_allocs, 0);
	/* every outcome was exercised */
	print_message("no alloc: %lu pass, %lu fail, %lu waived, %lu n/a\n", t.n[VG_RES_PASS],
	    t.n[VG_RES_FAIL], t.waived, t.n[VG_RES_NA]);
	assert_int_equal(t.n[VG_RES_PASS] + t.n[VG_RES_FAIL] + t.n[VG_RES_NA] + t.waived, 20000);
	assert_int_equal(t.n[VG_RES_ERROR], 0);
	assert_true(t.n[VG_RES_PASS] > 1000);
	assert_true(t.n[VG_RES_FAIL] > 1000);
	assert_true(t.n[VG_RES_NA] > 1000);
	assert_true(t.waived > 1000);
}

/* ---- subjects from flows and manifests */

static void
expect_str(const struct vg_subject *s, enum vg_sfield f, const char *want)
{
	if (want == NULL) {
		if (s->v[f].t != VG_V_NULL)
			fail_msg("field %d: present (type %d), wanted absent", (int)f, (int)s->v[f].t);
		return;
	}
	if (s->v[f].t != VG_V_STR)
		fail_msg("field %d: type %d, wanted string '%s'", (int)f, (int)s->v[f].t, want);
	assert_string_equal(s->v[f].u.s, want);
}

static void
expect_int(const struct vg_subject *s, enum vg_sfield f, int64_t want)
{
	assert_int_equal(s->v[f].t, VG_V_INT);
	assert_int_equal(s->v[f].u.i, want);
}

static void
expect_bool(const struct vg_subject *s, enum vg_sfield f, bool want)
{
	assert_int_equal(s->v[f].t, VG_V_BOOL);
	assert_int_equal(s->v[f].u.b, want);
}

/* want: the items joined with ',' ("" for an empty list), or NULL for absent. */
static void
expect_list(const struct vg_subject *s, enum vg_sfield f, const char *want)
{
	char got[512] = "";
	size_t n = 0;

	if (want == NULL) {
		assert_int_equal(s->v[f].t, VG_V_NULL);
		return;
	}
	if (s->v[f].t != VG_V_LIST)
		fail_msg("field %d: type %d, wanted list '%s'", (int)f, (int)s->v[f].t, want);
	for (size_t i = 0; i < s->v[f].u.list.n; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", i ? "," : "",
		    s->v[f].u.list.items[i]);
	assert_string_equal(got, want);
}

/* Every value a subject holds has its field's declared type, and only fields of its kind are set. */
static void
check_types(const struct vg_subject *s)
{
	for (int f = 0; f < VG_SF__N; f++) {
		size_t n;
		const struct vg_field *fields = vg_subject_fields(s->kind, &n), *fd = NULL;

		for (size_t i = 0; i < n; i++)
			if (fields[i].id == f)
				fd = &fields[i];
		if (s->v[f].t == VG_V_NULL)
			continue;
		if (fd == NULL)
			fail_msg("a %s holds field %d, which it does not have",
			    vg_subject_kind_name(s->kind), f);
		if (s->v[f].t != fd->type)
			fail_msg("field %s has type %d, declared %d", fd->name, (int)s->v[f].t,
			    (int)fd->type);
	}
}

static void
test_subject_flow(void **state)
{
	static const uint8_t src[4] = { 10, 0, 0, 5 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1 };
	struct vg_tls_hello hello;
	struct vg_flow_record r;
	struct vg_dest d;

	memset(&hello, 0, sizeof(hello));
	hello.legacy_version = 0x0303;
	hello.ech = true;
	/* GREASE values (RFC 8701) are not versions, whatever their numeric value */
	hello.n_versions = 4;
	hello.versions[0] = 0xfafa;
	hello.versions[1] = 0x0304;
	hello.versions[2] = 0x0303;
	hello.versions[3] = 0x7f1c;
	hello.n_alpn = 3;
	strcpy(hello.alpn[0], "h2");
	strcpy(hello.alpn[1], "http/1.1");
	strcpy(hello.alpn[2], "h2");

	memset(&r, 0, sizeof(r));
	/* 2026-08-02T23:59:59.999999Z: still the 2nd */
	r.ts_start = (uint64_t)D(2026, 8, 2) * 86400000000ull + 86399999999ull;
	r.ts_end = r.ts_start + 5000000;
	r.proto = 6;
	vg_addr_set4(&r.src_ip, src);
	vg_addr_set6(&r.dst_ip, dst);
	r.src_port = 51234;
	r.dst_port = 443;
	r.pkts_out = 12;
	r.bytes_out = 3400;
	r.pkts_in = 10;
	r.bytes_in = 56000;
	r.app = VG_APP_TLS;
	r.hostname = "api.openai.com";
	r.hostname_source = VG_HS_TLS;
	r.hello = &hello;

	memset(&d, 0, sizeof(d));
	d.provider = "openai";
	d.provider_name = "OpenAI";
	d.legal_seat = "US";
	d.seat_groups = VG_JG_THIRD;
	d.service = "openai-api";
	d.category = "llm";
	strcpy(d.region, "eu-west-1");
	strcpy(d.cloud, "aws");
	d.country = "IE";
	d.groups = VG_JG_EU | VG_JG_EEA;
	d.basis = VG_BASIS_TLS_SNI;
	d.confidence = VG_CONF_HIGH;
	d.storage_only = true;

	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 9, 1));
	vg_subject_flow(&subj, &r, &d, NULL);
	check_types(&subj);
	assert_int_equal(subj.kind, VG_SUBJ_FLOW);
	assert_int_equal(subj.v[VG_SF_DATE].t, VG_V_DATE);
	assert_int_equal(subj.v[VG_SF_DATE].u.date, D(2026, 8, 2));
	assert_int_equal(subj.ts_start, r.ts_start);
	assert_null(subj.file);
	assert_string_equal(subj.label, "api.openai.com");
	expect_str(&subj, VG_SF_PROTO, "tcp");
	expect_str(&subj, VG_SF_SRC_IP, "10.0.0.5");
	expect_str(&subj, VG_SF_DST_IP, "2001:db8::1");
	expect_int(&subj, VG_SF_SRC_PORT, 51234);
	expect_int(&subj, VG_SF_DST_PORT, 443);
	expect_str(&subj, VG_SF_APP, "tls");
	expect_str(&subj, VG_SF_HOSTNAME, "api.openai.com");
	expect_str(&subj, VG_SF_HOSTNAME_SOURCE, "tls");
	expect_list(&subj, VG_SF_ALPN, "h2,http/1.1");
	expect_bool(&subj, VG_SF_ECH, true);
	expect_str(&subj, VG_SF_TLS_VERSION, "1.3");
	expect_str(&subj, VG_SF_HTTP_METHOD, NULL);
	expect_int(&subj, VG_SF_PKTS_OUT, 12);
	expect_int(&subj, VG_SF_BYTES_OUT, 3400);
	expect_int(&subj, VG_SF_PKTS_IN, 10);
	expect_int(&subj, VG_SF_BYTES_IN, 56000);
	expect_str(&subj, VG_SF_D_PROVIDER, "openai");
	expect_str(&subj, VG_SF_D_PROVIDER_NAME, "OpenAI");
	expect_str(&subj, VG_SF_D_LEGAL_SEAT, "US");
	expect_list(&subj, VG_SF_D_SEAT_JURIS, "third-country");
	expect_str(&subj, VG_SF_D_SERVICE, "openai-api");
	expect_str(&subj, VG_SF_D_CATEGORY, "llm");
	expect_str(&subj, VG_SF_D_REGION, "eu-west-1");
	expect_str(&subj, VG_SF_D_CLOUD, "aws");
	expect_str(&subj, VG_SF_D_COUNTRY, "IE");
	expect_str(&subj, VG_SF_D_AREA, NULL);
	expect_list(&subj, VG_SF_D_JURIS, "eu,eea");
	expect_str(&subj, VG_SF_D_BASIS, "tls_sni");
	expect_str(&subj, VG_SF_D_CONFIDENCE, "high");
	expect_bool(&subj, VG_SF_D_STORAGE_ONLY, true);
	expect_bool(&subj, VG_SF_D_ANYCAST, false);
	expect_str(&subj, VG_SF_D_REASON, NULL);
	/* no manifests: the declared fields are absent, not false */
	assert_int_equal(subj.v[VG_SF_DECLARED].t, VG_V_NULL);
	expect_list(&subj, VG_SF_DECL_REGIONS, NULL);
	expect_list(&subj, VG_SF_DECL_DEPLOYMENTS, NULL);
	/* nor does a flow have the fields of the other kinds */
	assert_int_equal(subj.v[VG_SF_URL].t, VG_V_NULL);
	assert_int_equal(subj.v[VG_SF_OWNER].t, VG_V_NULL);

	/* supported_versions of only GREASE and unknown values: legacy_version */
	hello.n_versions = 2;
	hello.versions[0] = 0x1a1a;
	hello.versions[1] = 0x7f1c;
	hello.n_alpn = 0;
	hello.ech = false;
	/* a UDP flow without hostname, an area but no country, no seat groups */
	r.proto = 17;
	r.app = VG_APP_QUIC;
	r.hostname = NULL;
	r.hostname_source = VG_HS_NONE;
	r.ts_start = (uint64_t)D(2026, 8, 3) * 86400000000ull;
	d.country = NULL;
	d.area = "eu";
	d.groups = VG_JG_EU;
	d.seat_groups = 0;
	d.region[0] = '\0';
	d.cloud[0] = '\0';
	d.reason = "the hostname names no region";
	d.basis = VG_BASIS_DNS;
	d.confidence = VG_CONF_MEDIUM;
	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 9, 1));
	vg_subject_flow(&subj, &r, &d, NULL);
	check_types(&subj);
	assert_int_equal(subj.v[VG_SF_DATE].u.date, D(2026, 8, 3));
	assert_string_equal(subj.label, "2001:db8::1");
	expect_str(&subj, VG_SF_PROTO, "udp");
	expect_str(&subj, VG_SF_APP, "quic");
	expect_str(&subj, VG_SF_HOSTNAME, NULL);
	expect_str(&subj, VG_SF_HOSTNAME_SOURCE, NULL);
	expect_str(&subj, VG_SF_TLS_VERSION, "1.2");
	expect_list(&subj, VG_SF_ALPN, "");
	expect_bool(&subj, VG_SF_ECH, false);
	expect_str(&subj, VG_SF_D_COUNTRY, NULL);
	expect_str(&subj, VG_SF_D_AREA, "eu");
	expect_str(&subj, VG_SF_D_REGION, NULL);
	expect_str(&subj, VG_SF_D_CLOUD, NULL);
	expect_list(&subj, VG_SF_D_JURIS, "eu");
	expect_list(&subj, VG_SF_D_SEAT_JURIS, NULL);
	expect_str(&subj, VG_SF_D_BASIS, "dns_answer");
	expect_str(&subj, VG_SF_D_CONFIDENCE, "medium");
	expect_str(&subj, VG_SF_D_REASON, "the hostname names no region");

	/* neither country nor area: no jurisdiction at all, not an empty one */
	d.area = NULL;
	d.groups = 0;
	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 9, 1));
	vg_subject_flow(&subj, &r, &d, NULL);
	expect_list(&subj, VG_SF_D_JURIS, NULL);
	expect_str(&subj, VG_SF_D_PROVIDER, "openai");

	/* no ClientHello, no attribution */
	r.hello = NULL;
	r.app = VG_APP_HTTP;
	r.http_method = "POST";
	r.hostname = "example.com";
	r.hostname_source = VG_HS_HTTP;
	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 9, 1));
	vg_subject_flow(&subj, &r, NULL, NULL);
	check_types(&subj);
	expect_str(&subj, VG_SF_HTTP_METHOD, "POST");
	expect_str(&subj, VG_SF_HOSTNAME_SOURCE, "http");
	expect_list(&subj, VG_SF_ALPN, NULL);
	assert_int_equal(subj.v[VG_SF_ECH].t, VG_V_NULL);
	expect_str(&subj, VG_SF_TLS_VERSION, NULL);
	for (int f = VG_SF_D_PROVIDER; f <= VG_SF_D_REASON; f++)
		assert_int_equal(subj.v[f].t, VG_V_NULL);
	/* an attribution that learnt nothing counts as none */
	memset(&d, 0, sizeof(d));
	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 9, 1));
	vg_subject_flow(&subj, &r, &d, NULL);
	for (int f = VG_SF_D_PROVIDER; f <= VG_SF_D_REASON; f++)
		assert_int_equal(subj.v[f].t, VG_V_NULL);
}

/* Two hand-built manifests: a subset of what the loader would fill. */
static struct vg_mf_provider chat_prov[2], batch_prov[2];
static struct vg_manifest chat, batch;

static void
build_manifests(void)
{
	memset(chat_prov, 0, sizeof(chat_prov));
	memset(batch_prov, 0, sizeof(batch_prov));
	memset(&chat, 0, sizeof(chat));
	memset(&batch, 0, sizeof(batch));

	chat_prov[0].provider = "openai";
	chat_prov[0].region = "eu";
	strcpy(chat_prov[0].host, "eu.api.openai.com");
	chat_prov[0].dpf_certified = VG_TRI_YES;
	chat_prov[1].provider = "mistral";
	chat_prov[1].region = "eea";
	strcpy(chat_prov[1].host, "api.eu.mistral.ai");
	chat.file = "chat.yaml";
	chat.name = "chat";
	chat.providers = chat_prov;
	chat.n_providers = 2;
	strcpy(chat.gateway_host, "gw.example.eu");
	chat.transfer_mechanism = "scc";

	batch_prov[0].provider = "openai";
	batch_prov[0].region = "us";
	strcpy(batch_prov[0].host, "api.openai.com");
	batch_prov[0].dpf_certified = VG_TRI_NO;
	batch_prov[1].provider = "anthropic";
	batch_prov[1].dpf_certified = VG_TRI_NO;
	batch.file = "batch.yaml";
	batch.name = "batch";
	batch.providers = batch_prov;
	batch.n_providers = 2;
	batch.tia_date = VG_DATE_NONE;
	chat.tia_date = VG_DATE_NONE;
}

static void
flow_to(const char *provider, const struct vg_declared *decl)
{
	vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 8, 2));
	if (provider != NULL)
		set_str(&subj, VG_SF_D_PROVIDER, provider);
	vg_subject_declared(&subj, decl);
	check_types(&subj);
}

static void
test_subject_declared(void **state)
{
	const struct vg_manifest *both[2] = { &chat, &batch };
	struct vg_declared decl = { .m = both, .n = 2 }, none = { .m = both, .n = 0 };

	build_manifests();
	/* declared by both: everything from both */
	flow_to("openai", &decl);
	expect_bool(&subj, VG_SF_DECLARED, true);
	expect_list(&subj, VG_SF_DECL_REGIONS, "eu,us");
	expect_list(&subj, VG_SF_DECL_HOSTS, "eu.api.openai.com,api.openai.com");
	expect_list(&subj, VG_SF_DECL_GATEWAYS, "gw.example.eu");
	expect_list(&subj, VG_SF_DECL_TRANSFER, "scc");
	expect_list(&subj, VG_SF_DECL_DEPLOYMENTS, "chat,batch");
	/* one entry says yes: true */
	expect_bool(&subj, VG_SF_DECL_DPF, true);

	/* declared by one, without host or region there */
	flow_to("anthropic", &decl);
	expect_bool(&subj, VG_SF_DECLARED, true);
	expect_list(&subj, VG_SF_DECL_REGIONS, "");
	expect_list(&subj, VG_SF_DECL_HOSTS, "");
	/* the gateways of every manifest, not only of those that declare the provider */
	expect_list(&subj, VG_SF_DECL_GATEWAYS, "gw.example.eu");
	expect_list(&subj, VG_SF_DECL_TRANSFER, "");
	expect_list(&subj, VG_SF_DECL_DEPLOYMENTS, "batch");
	expect_bool(&subj, VG_SF_DECL_DPF, false);

	/* declared without a word on DPF: dpf_certified absent */
	flow_to("mistral", &decl);
	expect_bool(&subj, VG_SF_DECLARED, true);
	expect_list(&subj, VG_SF_DECL_REGIONS, "eea");
	expect_list(&subj, VG_SF_DECL_DEPLOYMENTS, "chat");
	expect_list(&subj, VG_SF_DECL_TRANSFER, "scc");
	assert_int_equal(subj.v[VG_SF_DECL_DPF].t, VG_V_NULL);

	/* a provider no manifest declares: false, with empty lists */
	flow_to("google", &decl);
	expect_bool(&subj, VG_SF_DECLARED, false);
	expect_list(&subj, VG_SF_DECL_REGIONS, "");
	expect_list(&subj, VG_SF_DECL_DEPLOYMENTS, "");
	expect_list(&subj, VG_SF_DECL_GATEWAYS, "gw.example.eu");
	assert_int_equal(subj.v[VG_SF_DECL_DPF].t, VG_V_NULL);

	/* provider ids are compared exactly */
	flow_to("OpenAI", &decl);
	expect_bool(&subj, VG_SF_DECLARED, false);

	/* no provider, or no manifests: absent */
	flow_to(NULL, &decl);
	assert_int_equal(subj.v[VG_SF_DECLARED].t, VG_V_NULL);
	expect_list(&subj, VG_SF_DECL_REGIONS, NULL);
	expect_list(&subj, VG_SF_DECL_GATEWAYS, NULL);
	flow_to("openai", &none);
	assert_int_equal(subj.v[VG_SF_DECLARED].t, VG_V_NULL);
	flow_to("openai", NULL);
	assert_int_equal(subj.v[VG_SF_DECLARED].t, VG_V_NULL);

	/* the order of the manifests is the order of the items */
	{
		const struct vg_manifest *rev[2] = { &batch, &chat };
		struct vg_declared d2 = { .m = rev, .n = 2 };
		flow_to("openai", &d2);
		expect_list(&subj, VG_SF_DECL_REGIONS, "us,eu");
		expect_list(&subj, VG_SF_DECL_DEPLOYMENTS, "batch,chat");
	}

	/* through vg_subject_flow and a control */
	{
		static const char pol[] = HEAD
		    "controls:\n"
		    "  - id: D-1\n"
		    "    title: Declared providers only\n"
		    "    references: [GDPR Art. 30]\n"
		    "    severity: medium\n"
		    "    applies_to: flow\n"
		    "    when: exists declared\n"
		    "    require: declared and dest.provider != 'x'\n"
		    "    message: '{dest.provider} is declared by {declared.deployments}'\n";
		struct vg_policy *p = load_one(pol);
		struct vg_flow_record r;
		struct vg_dest d;
		struct got g;

		memset(&r, 0, sizeof(r));
		r.proto = 6;
		r.ts_start = (uint64_t)D(2026, 8, 2) * 86400000000ull;
		memset(&d, 0, sizeof(d));
		d.provider = "google";
		d.basis = VG_BASIS_TLS_SNI;
		vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 8, 2));
		vg_subject_flow(&subj, &r, &d, &decl);
		eval(p, &subj, D(2026, 8, 2), &g);
		expect_result(&g, "D-1", VG_RES_FAIL, "google is declared by none");
		d.provider = "openai";
		vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 8, 2));
		vg_subject_flow(&subj, &r, &d, &decl);
		eval(p, &subj, D(2026, 8, 2), &g);
		expect_result(&g, "D-1", VG_RES_PASS, NULL);
		vg_subject_init(&subj, VG_SUBJ_FLOW, D(2026, 8, 2));
		vg_subject_flow(&subj, &r, &d, NULL);
		eval(p, &subj, D(2026, 8, 2), &g);
		expect_result(&g, "D-1", VG_RES_NA, NULL);
		vg_policy_free(p);
	}
}

/* A deployment's TIA age is the evaluation date minus tia_date. */
static void
test_subject_deployment(void **state)
{
	build_manifests();
	chat.owner = "Jane Roe";
	chat.tia_date = D(2026, 3, 2);
	chat.retention_days = VG_INT_NONE;
	chat.fria_date = VG_DATE_NONE;
	chat.literacy_date = VG_DATE_NONE;
	chat.screen_date = VG_DATE_NONE;
	chat.first_use = D(2026, 3, 1);
	chat.personal_data = VG_TRI_YES;
	vg_subject_init(&subj, VG_SUBJ_DEPLOYMENT, D(2026, 8, 2));
	vg_subject_deployment(&subj, &chat);
	check_types(&subj);
	assert_string_equal(subj.file, "chat.yaml");
	assert_string_equal(subj.label, "chat");
	expect_str(&subj, VG_SF_NAME, "chat");
	expect_str(&subj, VG_SF_OWNER, "Jane Roe");
	expect_str(&subj, VG_SF_PURPOSE, NULL);
	expect_int(&subj, VG_SF_T_TIA_AGE, 153);
	assert_int_equal(subj.v[VG_SF_T_TIA_DATE].u.date, D(2026, 3, 2));
	assert_int_equal(subj.v[VG_SF_FIRST_USE].u.date, D(2026, 3, 1));
	assert_int_equal(subj.v[VG_SF_LOG_RETENTION].t, VG_V_NULL);
	assert_int_equal(subj.v[VG_SF_FRIA_DATE].t, VG_V_NULL);
	expect_bool(&subj, VG_SF_PERSONAL, true);
	assert_int_equal(subj.v[VG_SF_SPECIAL].t, VG_V_NULL);
	expect_list(&subj, VG_SF_PROVIDERS, "openai,mistral");
	expect_list(&subj, VG_SF_REGIONS, "eu,eea");
	expect_list(&subj, VG_SF_MODELS, "");
	expect_list(&subj, VG_SF_PRACTICES, NULL);
	/* a TIA dated after the evaluation date has a negative age */
	vg_subject_init(&subj, VG_SUBJ_DEPLOYMENT, D(2026, 3, 1));
	vg_subject_deployment(&subj, &chat);
	expect_int(&subj, VG_SF_T_TIA_AGE, -1);
	/* no tia_date, no age */
	chat.tia_date = VG_DATE_NONE;
	vg_subject_init(&subj, VG_SUBJ_DEPLOYMENT, D(2026, 8, 2));
	vg_subject_deployment(&subj, &chat);
	assert_int_equal(subj.v[VG_SF_T_TIA_AGE].t, VG_V_NULL);
}

/* ---- test files: what host: gives each kind of case */

static const char host_policy[] =
    "policy: h\n"
    "title: Host cases\n"
    "version: 2026-01-01\n"
    "controls:\n"
    "  - id: H-1\n"
    "    title: A TLS 1.3 flow to OpenAI's EU endpoint\n"
    "    references: [x]\n"
    "    severity: low\n"
    "    applies_to: flow\n"
    "    require: >-\n"
    "      proto == 'tcp' and dst_port == 443 and app == 'tls' and\n"
    "      hostname_source == 'tls' and tls_version == '1.3' and\n"
    "      hostname == 'eu.api.openai.com' and dest.provider == 'openai' and\n"
    "      dest.basis == 'tls_sni'\n"
    "    message: '{hostname} {dst_port} {dest.basis}'\n"
    "  - id: H-2\n"
    "    title: An endpoint attributed to OpenAI by name\n"
    "    references: [x]\n"
    "    severity: low\n"
    "    applies_to: endpoint\n"
    "    require: dest.provider == 'openai' and dest.basis == 'name'\n"
    "    message: '{hostname}: {dest.provider} {dest.basis}'\n";

/* Line numbers in comments: the case's line, as events report it. */
static const char host_tests[] =
    "policy: h.yaml\n"
    "date: 2026-11-22\n"
    "cases:\n"
    "  - name: flow, upper-case host with a trailing dot\n"             /* 4 */
    "    subject: flow\n"
    "    host: EU.API.OpenAI.com.\n"
    "    expect: { H-1: pass }\n"
    "  - name: flow, fields override what host gives\n"                 /* 8 */
    "    subject: flow\n"
    "    host: eu.api.openai.com\n"
    "    fields: { dst_port: 80 }\n"
    "    expect: { H-1: fail }\n"
    "  - name: endpoint without manifest\n"                             /* 13 */
    "    subject: endpoint\n"
    "    host: EU.API.OpenAI.com\n"
    "    expect: { H-2: pass }\n"
    "  - name: endpoint of a manifest\n"                                /* 17 */
    "    subject: endpoint\n"
    "    manifest:\n"
    "      kind: AIDeployment\n"
    "      name: x\n"
    "      providers:\n"
    "        - provider: openai\n"
    "          endpoint: https://EU.api.openai.com/v1\n"
    "    expect: { H-2: pass }\n"
    "  - name: endpoint of a manifest, upper-case host\n"               /* 26 */
    "    subject: endpoint\n"
    "    host: EU.API.OpenAI.com\n"
    "    manifest:\n"
    "      kind: AIDeployment\n"
    "      name: x\n"
    "      providers:\n"
    "        - provider: openai\n"
    "          endpoint: https://eu.api.openai.com/v1\n"
    "    expect: { H-2: pass }\n"
    "  - name: endpoint without host\n"                                 /* 36 */
    "    subject: endpoint\n"
    "    expect: { H-2: fail }\n";

struct events {
	unsigned n, bad;
	char first_bad[512];
};

static void
on_event(void *arg, const struct vg_ptest_event *ev)
{
	struct events *e = arg;

	e->n++;
	if (ev->case_name != NULL && ev->ok)
		return;
	if (e->bad++ == 0) {
		if (ev->case_name == NULL)
			snprintf(e->first_bad, sizeof(e->first_bad), "gap %s: %s", ev->control,
			    ev->gap);
		else
			snprintf(e->first_bad, sizeof(e->first_bad), "line %u, %s: %s: expected %s, "
			    "got %s (%s)", ev->line, ev->case_name, ev->control,
			    vg_ptest_expect_name(&ev->want), vg_ptest_expect_name(&ev->got),
			    ev->message);
	}
}

static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/*
 * host: is put in canonical form whatever the case: a name typed in upper
 * case or with a trailing dot must attribute as the catalog's name does.
 */
static void
test_ptest_host(void **state)
{
	const char *top = getenv("top_srcdir");
	char dir[64] = "/tmp/vigie-policy-XXXXXX", rules[4096], path[512];
	struct vg_ptest_totals t = { 0, 0, 0, 0 };
	struct events ev = { 0, 0, "" };
	struct vg_attrib *a;
	struct vg_err err;
	bool ok;

	snprintf(rules, sizeof(rules), "%s/rules", top != NULL ? top : VG_SRCDIR);
	if ((a = vg_attrib_load(rules, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_non_null(mkdtemp(dir));
	put_file(dir, "h.yaml", host_policy);
	put_file(dir, "h.test.yaml", host_tests);
	snprintf(path, sizeof(path), "%s/h.test.yaml", dir);
	ok = vg_ptest_run(path, a, on_event, &ev, &t, &err);
	vg_attrib_free(a);
	snprintf(path, sizeof(path), "%s/h.test.yaml", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/h.yaml", dir);
	unlink(path);
	rmdir(dir);
	if (!ok)
		fail_msg("%s", err.msg);
	assert_int_equal(t.cases, 6);
	assert_int_equal(t.checks, 6);
	assert_int_equal(ev.n, 6);
	if (ev.bad > 0)
		fail_msg("%u of %u checks failed; first: %s", ev.bad, ev.n, ev.first_bad);
	assert_int_equal(t.failed, 0);
	assert_int_equal(t.gaps, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results),
		cmocka_unit_test(test_applies_from),
		cmocka_unit_test(test_waivers),
		cmocka_unit_test(test_waivers_across_files),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_message_literal_limit),
		cmocka_unit_test(test_message_truncation_utf8),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_finish_errors),
		cmocka_unit_test(test_failed_load_changes_nothing),
		cmocka_unit_test(test_duplicate_across_files),
		cmocka_unit_test(test_files_cap),
		cmocka_unit_test(test_no_alloc),
		cmocka_unit_test(test_subject_flow),
		cmocka_unit_test(test_subject_declared),
		cmocka_unit_test(test_subject_deployment),
		cmocka_unit_test(test_ptest_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
