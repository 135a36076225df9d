/* test_out_ci.c - the SARIF and JUnit writers, parsed back by jansson and libxml2. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "finding_list.h"
#include "out_finding.h"
#include "out_junit.h"
#include "out_sarif.h"
#include "policy.h"

/* ---- the policy set and the findings every test starts from */

static const char policy_a[] =
    "policy: ci-a\n"
    "title: CI writers test policy\n"
    "version: 2026-01-01\n"
    "controls:\n"
    "  - id: C-1\n"
    "    title: Endpoints stay in the EU\n"
    "    description: Every AI endpoint is served from the EU.\n"
    "    references: [GDPR Art. 44, GDPR Art. 46]\n"
    "    soc2: [CC6.7, P6.1]\n"
    "    severity: high\n"
    "    applies_to: endpoint\n"
    "    require: region == 'eu'\n"
    "    message: '{url} is outside the EU'\n"
    "  - id: C-2\n"
    "    title: Deployments name an owner\n"
    "    references: [EU AI Act Art. 26, CC1.1]\n"
    "    soc2: [CC1.1]\n"
    "    severity: medium\n"
    "    applies_to: deployment\n"
    "    require: exists owner\n"
    "    message: '{name} has no owner'\n"
    "  - id: C-3\n"
    "    title: Flows use TLS 1.3\n"
    "    references: [GDPR Art. 32]\n"
    "    severity: low\n"
    "    applies_to: flow\n"
    "    require: tls_version == '1.3'\n"
    "    message: '{hostname} uses TLS {tls_version}'\n"
    "waivers:\n"
    "  - control: C-1\n"
    "    owner: alice\n"
    "    reason: pilot in a US region\n"
    "    expires: 2026-12-31\n"
    "    ticket: SEC-1\n";

static const char policy_b[] =
    "policy: ci-b\n"
    "title: Second file\n"
    "version: 2026-02-01\n"
    "controls:\n"
    "  - id: C-4\n"
    "    title: Endpoints name their provider\n"
    "    references: [GDPR Art. 28]\n"
    "    severity: critical\n"
    "    applies_to: endpoint\n"
    "    require: exists provider\n"
    "    message: '{url} has no provider'\n";

/* A message that XML and JSON must both carry: markup, a bad byte, a control character. */
#define NASTY "bad <tag> & \"q\" 'a' \xff end\x01!"
/* The same after the writers: the bad byte as U+FFFD; XML also replaces the control. */
#define NASTY_JSON "bad <tag> & \"q\" 'a' \xef\xbf\xbd end\x01!"
#define NASTY_XML "bad <tag> & \"q\" 'a' \xef\xbf\xbd end\xef\xbf\xbd!"
#define WEIRD_PATH "cfg/my app/\xc3\xbc#1?.env"
#define WEIRD_URI "cfg/my%20app/%C3%BC%231%3F.env"

struct fx {
	struct vg_policy *p;
	struct vg_flist l;
	struct vg_ci_info ci;
	const struct vg_control *c1, *c2, *c3, *c4;
};

static const char *const argv_fixed[] = { "vigie", "check", "-f", "sarif", "my dir" };
static const char *const rules_versions[] = { "ai-endpoints 2026-11-01" };

static void
add(struct fx *f, const struct vg_control *c, enum vg_result r, const char *kind,
    const char *label, const char *file, unsigned line, unsigned col, const char *message,
    void (*tweak)(struct vg_fitem *, const struct fx *))
{
	struct vg_fitem it;

	memset(&it, 0, sizeof(it));
	it.control = c;
	it.result = r;
	it.severity = c->severity;
	it.kind = kind;
	it.label = label;
	it.file = file;
	it.line = line;
	it.col = col;
	it.message = message;
	if (tweak != NULL)
		tweak(&it, f);
	assert_non_null(vg_flist_add(&f->l, &it));
}

static void
t_key_new(struct vg_fitem *it, const struct fx *f)
{
	it->key = "spec.template.spec.containers[0].env[OPENAI_BASE_URL]";
	it->baseline = VG_BL_NEW;
}

static void
t_waived(struct vg_fitem *it, const struct fx *f)
{
	it->waiver = vg_policy_waiver(f->p, 0);
}

static void
t_unchanged(struct vg_fitem *it, const struct fx *f)
{
	it->baseline = VG_BL_UNCHANGED;
	it->attached = true;
}

static void
t_expired(struct vg_fitem *it, const struct fx *f)
{
	it->expired = true;
	it->severity = VG_SEV_LOW;
}

/*
 * The findings, in list order (index: what it is):
 *  0 C-1 fail, key, baseline new, message on two lines
 *  1 C-1 fail waived by alice, no column
 *  2 C-1 pass
 *  3 C-1 not applicable
 *  4 C-2 fail in the baseline, line unknown, attached
 *  5 C-3 fail of a flow: no file
 *  6 C-2 fail, path to percent-encode, message NASTY
 *  7 C-1 expired waiver, in the policy file
 *  8 C-2 pass, absolute path
 *  9 C-4 not applicable (its only item)
 */
static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct vg_err err;

	assert_non_null(f);
	assert_non_null(f->p = vg_policy_new());
	if (!vg_policy_load_mem(f->p, "policies/a.yaml", policy_a, strlen(policy_a), &err) ||
	    !vg_policy_load_mem(f->p, "policies/b.yaml", policy_b, strlen(policy_b), &err) ||
	    !vg_policy_finish(f->p, &err))
		fail_msg("policy rejected: %s", err.msg);
	assert_non_null(f->c1 = vg_policy_find(f->p, "C-1"));
	assert_non_null(f->c2 = vg_policy_find(f->p, "C-2"));
	assert_non_null(f->c3 = vg_policy_find(f->p, "C-3"));
	assert_non_null(f->c4 = vg_policy_find(f->p, "C-4"));
	vg_flist_init(&f->l);
	add(f, f->c1, VG_RES_FAIL, "endpoint", "OPENAI_BASE_URL", "deploy/app.yaml", 12, 7,
	    "line one\nline two", t_key_new);
	add(f, f->c1, VG_RES_FAIL, "endpoint", "AZURE_URL", "deploy/app.yaml", 20, 0,
	    "https://x.openai.azure.com is outside the EU", t_waived);
	add(f, f->c1, VG_RES_PASS, "endpoint", "LOCAL_URL", "deploy/app.yaml", 30, 3, "", NULL);
	add(f, f->c1, VG_RES_NA, "endpoint", "NA_URL", "deploy/app.yaml", 40, 3, "n/a", NULL);
	add(f, f->c2, VG_RES_FAIL, "deployment", "cv-screening", "ai/cv.yaml", 0, 0,
	    "cv-screening has no owner", t_unchanged);
	add(f, f->c3, VG_RES_FAIL, "flow", "10.0.0.1 -> api.openai.com", NULL, 0, 0,
	    "api.openai.com uses TLS 1.2", NULL);
	add(f, f->c2, VG_RES_FAIL, "deployment", "weird", WEIRD_PATH, 3, 5, NASTY, NULL);
	add(f, f->c1, VG_RES_FAIL, "waiver", "waiver of C-1 by alice", "policies/a.yaml", 37, 5,
	    "the waiver owned by alice expired", t_expired);
	add(f, f->c2, VG_RES_PASS, "deployment", "etc", "/etc/vigie/x y.yaml", 2, 1, "ok", NULL);
	add(f, f->c4, VG_RES_NA, "endpoint", "NA_URL", "deploy/app.yaml", 40, 3, "n/a", NULL);
	f->ci.tool_version = "0.1.0";
	f->ci.rules_versions = rules_versions;
	f->ci.n_rules_versions = 1;
	f->ci.date = vg_expr_days(2026, 11, 22);
	f->ci.fail_on = VG_SEV_HIGH;
	f->ci.argv = argv_fixed;
	f->ci.argc = 5;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	vg_flist_free(&f->l);
	vg_policy_free(f->p);
	free(f);
	return 0;
}

/* ---- rendering into memory */

typedef int (*writer_fn)(FILE *, const struct vg_flist *, const struct vg_policy *,
    const struct vg_ci_info *);

static char *
render(writer_fn fn, const struct fx *f, const struct vg_ci_info *ci, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);

	assert_non_null(fp);
	assert_int_equal(fn(fp, &f->l, f->p, ci), 0);
	assert_int_equal(fclose(fp), 0);
	if (len != NULL)
		*len = n;
	return buf;
}

static json_t *
sarif_of(const struct fx *f, const struct vg_ci_info *ci)
{
	char *buf = render(vg_sarif_write, f, ci, NULL);
	const char *path = getenv("TEST_SARIF_OUT");
	json_error_t e;
	json_t *log;

	/* For a run of tests/sarif-validate.sh by hand on what the writer makes. */
	if (path != NULL && ci->all_results) {
		FILE *out = fopen(path, "w");

		assert_non_null(out);
		assert_int_equal(fputs(buf, out) >= 0, 1);
		assert_int_equal(fclose(out), 0);
	}
	if ((log = json_loads(buf, JSON_REJECT_DUPLICATES, &e)) == NULL)
		fail_msg("SARIF does not parse: %s at %d:%d", e.text, e.line, e.column);
	free(buf);
	return log;
}

/* The value at "a.b.0.c" (object keys and array indices); NULL when there is none. */
static json_t *
at(json_t *o, const char *path)
{
	json_t *v = o;
	char key[64];

	while (v != NULL && *path != '\0') {
		size_t n = strcspn(path, ".");

		assert_true(n < sizeof(key));
		memcpy(key, path, n);
		key[n] = '\0';
		path += n + (path[n] == '.');
		v = json_is_array(v) ? json_array_get(v, strtoul(key, NULL, 10)) :
		    json_object_get(v, key);
	}
	return v;
}

static const char *
str_at(json_t *o, const char *path)
{
	return json_string_value(at(o, path));
}

static void
assert_str(json_t *o, const char *path, const char *want)
{
	const char *got = str_at(o, path);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", wanted \"%s\"", path, got ? got : "(none)", want);
}

static json_t *
sarif_of_list(const struct vg_flist *l, const struct vg_policy *p, const struct vg_ci_info *ci)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);
	json_t *log;

	assert_non_null(fp);
	assert_int_equal(vg_sarif_write(fp, l, p, ci), 0);
	assert_int_equal(fclose(fp), 0);
	log = json_loads(buf, 0, NULL);
	assert_non_null(log);
	free(buf);
	return log;
}

/* An item of c with a file, and nothing else to it. */
static void
add_plain(struct vg_flist *l, const struct vg_control *c, enum vg_result r)
{
	struct vg_fitem it;

	memset(&it, 0, sizeof(it));
	it.control = c;
	it.result = r;
	it.severity = c->severity;
	it.kind = "endpoint";
	it.label = "x";
	it.file = "a.env";
	it.line = 1;
	assert_non_null(vg_flist_add(l, &it));
}

/* The result whose properties.label is label; NULL when none. */
static json_t *
result_by_label(json_t *log, const char *label)
{
	json_t *results = at(log, "runs.0.results"), *r;
	size_t i;

	json_array_foreach(results, i, r) {
		const char *l = str_at(r, "properties.label");

		if (l != NULL && strcmp(l, label) == 0)
			return r;
	}
	return NULL;
}

/* ---- SARIF */

static void
test_sarif_log_and_rules(void **state)
{
	struct fx *f = *state;
	json_t *log = sarif_of(f, &f->ci), *rules, *tags;

	assert_str(log, "version", "2.1.0");
	assert_int_equal(json_array_size(at(log, "runs")), 1);
	assert_str(log, "runs.0.tool.driver.name", "vigie");
	assert_str(log, "runs.0.tool.driver.version", "0.1.0");
	assert_str(log, "runs.0.tool.driver.semanticVersion", "0.1.0");
	assert_str(log, "runs.0.tool.driver.properties.rulesVersions.0", "ai-endpoints 2026-11-01");
	assert_str(log, "runs.0.properties.evaluationDate", "2026-11-22");
	assert_str(log, "runs.0.properties.failOn", "high");
	assert_str(log, "runs.0.properties.policies.1.id", "ci-b");
	assert_str(log, "runs.0.properties.policies.1.version", "2026-02-01");

	/* Every control of both files, in set order. */
	rules = at(log, "runs.0.tool.driver.rules");
	assert_int_equal(json_array_size(rules), 4);
	assert_str(rules, "0.id", "C-1");
	assert_str(rules, "0.name", "ci-a/C-1");
	assert_str(rules, "0.shortDescription.text", "Endpoints stay in the EU");
	assert_str(rules, "0.fullDescription.text", "Every AI endpoint is served from the EU.");
	assert_str(rules, "0.help.text", "Every AI endpoint is served from the EU.\n\n"
	    "References: GDPR Art. 44, GDPR Art. 46\nSOC 2: CC6.7, P6.1\nPolicy: ci-a");
	assert_null(at(rules, "1.fullDescription"));
	assert_str(rules, "3.id", "C-4");
	assert_str(rules, "3.name", "ci-b/C-4");
	/* Levels and GitHub's scores: high, medium, low, critical. */
	assert_str(rules, "0.defaultConfiguration.level", "error");
	assert_str(rules, "1.defaultConfiguration.level", "warning");
	assert_str(rules, "2.defaultConfiguration.level", "note");
	assert_str(rules, "3.defaultConfiguration.level", "error");
	assert_str(rules, "0.properties.security-severity", "8.0");
	assert_str(rules, "1.properties.security-severity", "5.5");
	assert_str(rules, "2.properties.security-severity", "3.0");
	assert_str(rules, "3.properties.security-severity", "9.5");
	/* References, then criteria, then the policy; CC1.1 is both and appears once. */
	tags = at(rules, "0.properties.tags");
	assert_int_equal(json_array_size(tags), 5);
	assert_str(tags, "0", "GDPR Art. 44");
	assert_str(tags, "2", "CC6.7");
	assert_str(tags, "4", "ci-a");
	tags = at(rules, "1.properties.tags");
	assert_int_equal(json_array_size(tags), 3);
	assert_str(tags, "0", "EU AI Act Art. 26");
	assert_str(tags, "1", "CC1.1");
	assert_str(tags, "2", "ci-a");
	json_decref(log);
}

static void
test_sarif_results(void **state)
{
	struct fx *f = *state;
	json_t *log = sarif_of(f, &f->ci), *results = at(log, "runs.0.results"), *rules, *r;
	size_t i;

	/* Failures with a file: items 0, 1, 4, 6 and 7; 5 has no file, 2 and 8 pass, 3 and 9 NA. */
	assert_int_equal(json_array_size(results), 5);
	rules = at(log, "runs.0.tool.driver.rules");
	json_array_foreach(results, i, r) {
		json_t *ri = json_object_get(r, "ruleIndex");

		assert_true(json_is_integer(ri));
		assert_str(r, "kind", "fail");
		assert_string_equal(str_at(json_array_get(rules, (size_t)json_integer_value(ri)),
		    "id"), str_at(r, "ruleId"));
	}
	assert_null(result_by_label(log, "LOCAL_URL"));
	assert_null(result_by_label(log, "NA_URL"));
	assert_null(result_by_label(log, "10.0.0.1 -> api.openai.com"));

	r = result_by_label(log, "OPENAI_BASE_URL");
	assert_non_null(r);
	assert_str(r, "ruleId", "C-1");
	assert_int_equal(json_integer_value(at(r, "ruleIndex")), 0);
	assert_str(r, "level", "error");
	assert_str(r, "message.text", "line one\nline two");
	assert_str(r, "locations.0.physicalLocation.artifactLocation.uri", "deploy/app.yaml");
	assert_str(r, "locations.0.physicalLocation.artifactLocation.uriBaseId", "%SRCROOT%");
	assert_int_equal(json_integer_value(at(r, "locations.0.physicalLocation.region.startLine")),
	    12);
	assert_int_equal(json_integer_value(
	    at(r, "locations.0.physicalLocation.region.startColumn")), 7);
	assert_str(r, "locations.0.logicalLocations.0.fullyQualifiedName",
	    "spec.template.spec.containers[0].env[OPENAI_BASE_URL]");
	assert_str(r, "partialFingerprints.vigieFindingHash/v1", f->l.v[0].fingerprint);
	assert_int_equal(strlen(f->l.v[0].fingerprint), 16);
	assert_str(r, "baselineState", "new");
	assert_null(at(r, "suppressions"));
	assert_str(r, "properties.subjectKind", "endpoint");
	assert_str(r, "properties.severity", "high");
	assert_true(json_is_true(at(r, "properties.blocking")));
	assert_null(at(r, "properties.attached"));

	r = result_by_label(log, "AZURE_URL");
	assert_non_null(r);
	assert_str(r, "level", "error");
	assert_int_equal(json_integer_value(at(r, "locations.0.physicalLocation.region.startLine")),
	    20);
	assert_null(at(r, "locations.0.physicalLocation.region.startColumn"));
	assert_null(at(r, "locations.0.logicalLocations"));
	assert_null(at(r, "baselineState"));
	assert_int_equal(json_array_size(at(r, "suppressions")), 1);
	assert_str(r, "suppressions.0.kind", "external");
	assert_str(r, "suppressions.0.status", "accepted");
	assert_str(r, "suppressions.0.justification",
	    "waived by alice until 2026-12-31: pilot in a US region (SEC-1)");
	assert_true(json_is_false(at(r, "properties.blocking")));

	r = result_by_label(log, "cv-screening");
	assert_non_null(r);
	assert_str(r, "ruleId", "C-2");
	assert_int_equal(json_integer_value(at(r, "ruleIndex")), 1);
	assert_str(r, "level", "warning");
	assert_str(r, "baselineState", "unchanged");
	assert_null(at(r, "locations.0.physicalLocation.region"));
	assert_true(json_is_true(at(r, "properties.attached")));

	r = result_by_label(log, "weird");
	assert_non_null(r);
	assert_str(r, "message.text", NASTY_JSON);
	assert_str(r, "locations.0.physicalLocation.artifactLocation.uri", WEIRD_URI);
	assert_str(r, "properties.severity", "medium");
	assert_true(json_is_false(at(r, "properties.blocking")));

	/* The expired waiver: its control's rule, low, in the policy file. */
	r = result_by_label(log, "waiver of C-1 by alice");
	assert_non_null(r);
	assert_str(r, "ruleId", "C-1");
	assert_str(r, "level", "note");
	assert_str(r, "properties.subjectKind", "waiver");
	assert_str(r, "locations.0.physicalLocation.artifactLocation.uri", "policies/a.yaml");
	json_decref(log);
}

static void
test_sarif_invocation(void **state)
{
	struct fx *f = *state;
	json_t *log = sarif_of(f, &f->ci), *inv = at(log, "runs.0.invocations.0"), *notes;
	const char *text;

	assert_true(json_is_true(at(inv, "executionSuccessful")));
	assert_str(inv, "commandLine", "vigie check -f sarif 'my dir'");
	assert_int_equal(json_array_size(at(inv, "arguments")), 5);
	assert_str(inv, "arguments.4", "my dir");
	notes = at(inv, "toolExecutionNotifications");
	assert_int_equal(json_array_size(notes), 1);
	assert_str(notes, "0.level", "note");
	assert_int_equal(json_integer_value(at(notes, "0.properties.omittedFailures")), 1);
	assert_int_equal(json_integer_value(at(notes, "0.properties.omittedPasses")), 0);
	text = str_at(notes, "0.message.text");
	assert_non_null(text);
	assert_true(strncmp(text, "1 finding ", 10) == 0);
	assert_non_null(strstr(text, "-f json"));
	json_decref(log);
}

static void
test_sarif_all_results(void **state)
{
	struct fx *f = *state;
	struct vg_ci_info ci = f->ci;
	json_t *log, *r;

	ci.all_results = true;
	ci.tool_version = "dev";
	log = sarif_of(f, &ci);
	/* The five failures and the passes 2 and 8; never the NA items 3 and 9. */
	assert_int_equal(json_array_size(at(log, "runs.0.results")), 7);
	assert_null(result_by_label(log, "NA_URL"));
	r = result_by_label(log, "LOCAL_URL");
	assert_non_null(r);
	assert_str(r, "kind", "pass");
	assert_str(r, "level", "none");
	/* An empty message gives the control's title. */
	assert_str(r, "message.text", "Endpoints stay in the EU");
	r = result_by_label(log, "etc");
	assert_non_null(r);
	assert_str(r, "locations.0.physicalLocation.artifactLocation.uri",
	    "file:///etc/vigie/x%20y.yaml");
	assert_null(at(r, "locations.0.physicalLocation.artifactLocation.uriBaseId"));
	/* The flow fails and has no file: still one left out, no pass left out. */
	assert_int_equal(json_integer_value(at(log,
	    "runs.0.invocations.0.toolExecutionNotifications.0.properties.omittedFailures")), 1);
	assert_str(log, "runs.0.tool.driver.version", "dev");
	assert_null(at(log, "runs.0.tool.driver.semanticVersion"));
	json_decref(log);
}

static void
test_sarif_empty(void **state)
{
	struct fx *f = *state;
	struct vg_flist empty;
	struct vg_ci_info ci = f->ci;
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);
	json_t *log;

	vg_flist_init(&empty);
	assert_non_null(fp);
	ci.fail_on = VG_FAIL_ON_NONE;
	ci.argv = NULL;
	ci.argc = 0;
	assert_int_equal(vg_sarif_write(fp, &empty, NULL, &ci), 0);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(log = json_loads(buf, 0, NULL));
	assert_int_equal(json_array_size(at(log, "runs.0.results")), 0);
	assert_int_equal(json_array_size(at(log, "runs.0.tool.driver.rules")), 0);
	assert_null(at(log, "runs.0.invocations.0.toolExecutionNotifications"));
	assert_str(log, "runs.0.properties.failOn", "none");
	assert_null(at(log, "runs.0.invocations.0.commandLine"));
	assert_null(at(log, "runs.0.invocations.0.arguments"));
	assert_true(json_is_true(at(log, "runs.0.invocations.0.executionSuccessful")));
	json_decref(log);
	free(buf);
}

/*
 * GitHub's hard limits (its "SARIF results exceed hard limit"): 25,000
 * results in a run, 20 tags on a rule. Past them the writer leaves out
 * passes before failures, and references before the policy id.
 */
static void
test_sarif_github_limits(void **state)
{
	struct fx *f = *state;
	struct vg_ci_info ci = f->ci;
	struct vg_flist l;
	struct vg_policy *p;
	struct vg_err err;
	char yaml[4096], *o = yaml;
	json_t *log, *results, *tags, *note;

	vg_flist_init(&l);
	for (size_t i = 0; i < 24999 + 3; i++)
		add_plain(&l, i < 24999 ? f->c1 : f->c2, i < 24999 ? VG_RES_PASS : VG_RES_FAIL);
	ci.all_results = true;
	log = sarif_of_list(&l, f->p, &ci);
	results = at(log, "runs.0.results");
	/* 25,002 wanted: the three failures first, then 24,997 of the passes. */
	assert_int_equal(json_array_size(results), 25000);
	assert_str(results, "0.kind", "fail");
	assert_str(results, "2.kind", "fail");
	assert_str(results, "3.kind", "pass");
	assert_str(results, "24999.kind", "pass");
	note = at(log, "runs.0.invocations.0.toolExecutionNotifications.0");
	assert_str(note, "level", "warning");
	assert_int_equal(json_integer_value(at(note, "properties.omittedPasses")), 2);
	assert_int_equal(json_integer_value(at(note, "properties.omittedFailures")), 0);
	json_decref(log);
	vg_flist_free(&l);

	/* 25 references and 5 criteria: 19 references, then the policy id. */
	o += sprintf(o, "policy: many\ntitle: Many tags\nversion: 2026-01-01\ncontrols:\n"
	    "  - id: M-1\n    title: t\n    severity: low\n    applies_to: endpoint\n"
	    "    require: exists url\n    message: m\n    references: [");
	for (int i = 0; i < 25; i++)
		o += sprintf(o, "%sR%02d", i ? ", " : "", i);
	o += sprintf(o, "]\n    soc2: [CC1.1, CC1.2, CC1.3, CC1.4, CC1.5]\n");
	assert_non_null(p = vg_policy_new());
	if (!vg_policy_load_mem(p, "m.yaml", yaml, (size_t)(o - yaml), &err) ||
	    !vg_policy_finish(p, &err))
		fail_msg("policy rejected: %s", err.msg);
	vg_flist_init(&l);
	log = sarif_of_list(&l, p, &ci);
	tags = at(log, "runs.0.tool.driver.rules.0.properties.tags");
	assert_int_equal(json_array_size(tags), 20);
	assert_str(tags, "0", "R00");
	assert_str(tags, "18", "R18");
	assert_str(tags, "19", "many");
	json_decref(log);
	vg_policy_free(p);
}

/* The same input gives the same bytes: golden files can hold the output. */
static void
test_sarif_deterministic(void **state)
{
	struct fx *f = *state;
	char *a = render(vg_sarif_write, f, &f->ci, NULL);
	char *b = render(vg_sarif_write, f, &f->ci, NULL);

	assert_string_equal(a, b);
	free(a);
	free(b);
	a = render(vg_junit_write, f, &f->ci, NULL);
	b = render(vg_junit_write, f, &f->ci, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* Each want is worked out by hand from RFC 3986 §2.3, §3.3 and §4.2. */
static void
test_sarif_uri(void **state)
{
	static const struct {
		const char *path, *uri;
		bool relative;
	} cases[] = {
		{ "deploy/app.yaml", "deploy/app.yaml", true },
		{ "./deploy/app.yaml", "deploy/app.yaml", true },
		{ ".//./x.env", "x.env", true },
		{ "../up/x.env", "../up/x.env", true },
		{ "a b/c%d", "a%20b/c%25d", true },
		{ "c:x/y:z", "c%3Ax/y:z", true },
		{ "k8s/a+b=c,(d);e!$&'*@~.yaml", "k8s/a+b=c,(d);e!$&'*@~.yaml", true },
		{ "q?#[]\"<>\\^`{|}", "q%3F%23%5B%5D%22%3C%3E%5C%5E%60%7B%7C%7D", true },
		{ "caf\xc3\xa9/\xff", "caf%C3%A9/%FF", true },
		{ "/etc/vigie/a b.yaml", "file:///etc/vigie/a%20b.yaml", false },
		{ "/srv/c:d", "file:///srv/c:d", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool rel = !cases[i].relative;
		char *u = vg_sarif_uri(cases[i].path, &rel);

		assert_non_null(u);
		if (strcmp(u, cases[i].uri) != 0)
			fail_msg("%s: got %s, wanted %s", cases[i].path, u, cases[i].uri);
		assert_int_equal(rel, cases[i].relative);
		free(u);
	}
}

/*
 * RFC 3629 §3 and §4 decide what is valid; each byte that is not part of a
 * valid sequence is one U+FFFD (simpler than Unicode's maximal subparts, and
 * as valid), so the wants follow byte by byte.
 */
static void
test_utf8(void **state)
{
	static const struct {
		const char *in;
		uint32_t cps[8];
		size_t n;
	} cases[] = {
		{ "A", { 0x41 }, 1 },
		{ "\xc3\xa9", { 0xe9 }, 1 },
		{ "\xe2\x82\xac", { 0x20ac }, 1 },
		{ "\xf0\x9f\x98\x80", { 0x1f600 }, 1 },
		{ "\xf4\x8f\xbf\xbf", { 0x10ffff }, 1 },
		{ "\xc0\xaf", { 0xfffd, 0xfffd }, 2 },          /* overlong '/' */
		{ "\xe0\x80\xaf", { 0xfffd, 0xfffd, 0xfffd }, 3 },
		{ "\xed\xa0\x80", { 0xfffd, 0xfffd, 0xfffd }, 3 }, /* a surrogate */
		{ "\xf4\x90\x80\x80", { 0xfffd, 0xfffd, 0xfffd, 0xfffd }, 4 }, /* past U+10FFFF */
		{ "\xe2\x82", { 0xfffd, 0xfffd }, 2 },          /* cut short by the end */
		{ "\xe2(", { 0xfffd, '(' }, 2 },
		{ "\xff\xfe", { 0xfffd, 0xfffd }, 2 },
	};
	char out[8];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = cases[i].in;
		size_t k = 0;
		uint32_t cp;

		while (*s != '\0') {
			size_t n = vg_utf8_next(s, &cp);

			assert_true(k < cases[i].n);
			if (cp != cases[i].cps[k])
				fail_msg("case %zu char %zu: U+%04X, wanted U+%04X", i, k, cp,
				    cases[i].cps[k]);
			/* A valid character re-encodes to the bytes it came from. */
			if (cp != 0xfffd) {
				assert_int_equal(vg_utf8_put(cp, out), n);
				assert_memory_equal(out, s, n);
			}
			s += n;
			k++;
		}
		assert_int_equal(k, cases[i].n);
	}
}

/* ---- JUnit */

static xmlDocPtr
junit_of(const struct fx *f, const struct vg_ci_info *ci, char **raw)
{
	size_t len;
	char *buf = render(vg_junit_write, f, ci, &len);
	xmlDocPtr doc;

	/* libxml2 is the oracle for well-formedness and encoding: it rejects bad UTF-8. */
	doc = xmlReadMemory(buf, (int)len, "junit.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL)
		fail_msg("JUnit does not parse:\n%s", buf);
	if (raw != NULL)
		*raw = buf;
	else
		free(buf);
	return doc;
}

static double
xnum(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	double v;

	assert_non_null(ctx);
	o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	assert_non_null(o);
	v = xmlXPathCastToNumber(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return v;
}

/* The string value of expr; the caller frees it with xmlFree. */
static char *
xstr(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	xmlChar *s;

	assert_non_null(ctx);
	o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	assert_non_null(o);
	s = xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return (char *)s;
}

static void
assert_xstr(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xstr(doc, expr);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", wanted \"%s\"", expr, got ? got : "(null)", want);
	xmlFree(got);
}

#define NUM(doc, expr, want) assert_int_equal((long)xnum((doc), (expr)), (want))

static void
test_junit_counts(void **state)
{
	struct fx *f = *state;
	xmlDocPtr doc = junit_of(f, &f->ci, NULL);

	/*
	 * By hand: ci-a has C-1 items 0 (fail), 1 (waived), 2 (pass), 7 (expired: fail);
	 * C-2 items 4 (baseline), 6 (fail), 8 (pass); C-3 item 5 (fail). ci-b has C-4
	 * with only an NA item: one skipped testcase. The NA items 3 and 9 give nothing.
	 */
	NUM(doc, "count(/testsuites)", 1);
	assert_xstr(doc, "string(/testsuites/@name)", "vigie");
	NUM(doc, "/testsuites/@tests", 9);
	NUM(doc, "/testsuites/@failures", 4);
	NUM(doc, "/testsuites/@skipped", 3);
	NUM(doc, "/testsuites/@errors", 0);
	NUM(doc, "count(//testsuite)", 2);
	assert_xstr(doc, "string(//testsuite[1]/@name)", "ci-a");
	NUM(doc, "//testsuite[1]/@tests", 8);
	NUM(doc, "//testsuite[1]/@failures", 4);
	NUM(doc, "//testsuite[1]/@skipped", 2);
	NUM(doc, "count(//testsuite[1]/testcase)", 8);
	NUM(doc, "count(//testsuite[1]/testcase/failure)", 4);
	NUM(doc, "count(//testsuite[1]/testcase/skipped)", 2);
	assert_xstr(doc, "string(//testsuite[2]/@name)", "ci-b");
	NUM(doc, "//testsuite[2]/@tests", 1);
	NUM(doc, "//testsuite[2]/@skipped", 1);
	NUM(doc, "count(//testcase)", 9);
	NUM(doc, "count(//testcase[@classname='ci-a.C-1'])", 4);
	NUM(doc, "count(//testcase[@classname='ci-a.C-2'])", 3);
	NUM(doc, "count(//testcase[@classname='ci-a.C-3'])", 1);
	NUM(doc, "count(//testcase[contains(@name, 'NA_URL')])", 0);
	assert_xstr(doc, "string(//testsuite[1]/properties/property[@name='date']/@value)",
	    "2026-11-22");
	assert_xstr(doc, "string(//testsuite[2]/properties/property[@name='version']/@value)",
	    "2026-02-01");
	xmlFreeDoc(doc);
}

static void
test_junit_testcases(void **state)
{
	struct fx *f = *state;
	char *raw;
	xmlDocPtr doc = junit_of(f, &f->ci, &raw);
	char *text;

	/* Control order, then list order within a control. */
	assert_xstr(doc, "string(//testsuite[1]/testcase[1]/@name)",
	    "C-1 endpoint OPENAI_BASE_URL (deploy/app.yaml:12)");
	assert_xstr(doc, "string(//testsuite[1]/testcase[4]/@name)",
	    "C-1 waiver waiver of C-1 by alice (policies/a.yaml:37)");
	assert_xstr(doc, "string(//testsuite[1]/testcase[5]/@name)",
	    "C-2 deployment cv-screening (ai/cv.yaml)");
	assert_xstr(doc, "string(//testsuite[1]/testcase[8]/@name)",
	    "C-3 flow 10.0.0.1 -> api.openai.com");
	assert_xstr(doc, "string(//testsuite[2]/testcase[1]/@name)", "C-4 (no applicable subject)");
	assert_xstr(doc, "string(//testsuite[2]/testcase[1]/@classname)", "ci-b.C-4");
	NUM(doc, "count(//testsuite[2]/testcase[1]/skipped)", 1);

	/* A failure: attribute newline kept by the &#10; reference, details in the text. */
	assert_xstr(doc, "string(//testsuite[1]/testcase[1]/failure/@message)",
	    "line one\nline two");
	assert_xstr(doc, "string(//testsuite[1]/testcase[1]/failure/@type)", "high");
	text = xstr(doc, "string(//testsuite[1]/testcase[1]/failure)");
	assert_non_null(strstr(text, "references: GDPR Art. 44, GDPR Art. 46\n"));
	assert_non_null(strstr(text, "SOC 2: CC6.7, P6.1\n"));
	assert_non_null(strstr(text, "location: deploy/app.yaml:12:7\n"));
	assert_non_null(strstr(text,
	    "key: spec.template.spec.containers[0].env[OPENAI_BASE_URL]\n"));
	assert_null(strstr(text, "below --fail-on"));
	xmlFree(text);

	/* Waived, and in the baseline: skipped with why. */
	assert_xstr(doc, "string(//testsuite[1]/testcase[2]/skipped/@message)",
	    "waived by alice until 2026-12-31: pilot in a US region (SEC-1)");
	NUM(doc, "count(//testsuite[1]/testcase[2]/failure)", 0);
	assert_xstr(doc, "string(//testsuite[1]/testcase[5]/skipped/@message)", "in baseline");

	/* A pass is an empty testcase. */
	assert_xstr(doc, "string(//testsuite[1]/testcase[3]/@name)",
	    "C-1 endpoint LOCAL_URL (deploy/app.yaml:30)");
	NUM(doc, "count(//testsuite[1]/testcase[3]/node())", 0);

	/* Markup, a bad byte and a control character: escaped, and replaced. */
	assert_xstr(doc, "string(//testsuite[1]/testcase[6]/@name)",
	    "C-2 deployment weird (" WEIRD_PATH ":3)");
	assert_xstr(doc, "string(//testsuite[1]/testcase[6]/failure/@message)", NASTY_XML);
	assert_xstr(doc, "string(//testsuite[1]/testcase[6]/failure/@type)", "medium");
	text = xstr(doc, "string(//testsuite[1]/testcase[6]/failure)");
	assert_true(strncmp(text, NASTY_XML "\n", strlen(NASTY_XML) + 1) == 0);
	assert_non_null(strstr(text,
	    "severity: medium (below --fail-on high: does not fail the run)"));
	xmlFree(text);
	/* The escapes themselves, as written (the oracle is XML 1.0 §2.4 and §3.3.3). */
	assert_non_null(strstr(raw, "message=\"bad &lt;tag&gt; &amp; &quot;q&quot; &apos;a&apos; "
	    "\xef\xbf\xbd end\xef\xbf\xbd!\""));
	assert_non_null(strstr(raw, "message=\"line one&#10;line two\""));
	assert_null(strchr(raw, '\x01'));
	assert_null(strchr(raw, '\xff'));
	free(raw);
	xmlFreeDoc(doc);
}

static void
test_junit_errors_and_no_policy(void **state)
{
	struct fx *f = *state;
	struct vg_flist l;
	struct vg_fitem it;
	char *buf = NULL;
	size_t n = 0;
	FILE *fp;
	xmlDocPtr doc;

	/* An evaluation error is an <error>, counted apart from failures. */
	vg_flist_init(&l);
	memset(&it, 0, sizeof(it));
	it.control = f->c4;
	it.result = VG_RES_ERROR;
	it.severity = VG_SEV_CRITICAL;
	it.kind = "endpoint";
	it.message = "cannot evaluate";
	assert_non_null(vg_flist_add(&l, &it));
	assert_non_null(fp = open_memstream(&buf, &n));
	assert_int_equal(vg_junit_write(fp, &l, f->p, &f->ci), 0);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(doc = xmlReadMemory(buf, (int)n, "e.xml", NULL, XML_PARSE_NONET));
	/* Four controls: C-1..C-3 apply to nothing here, C-4 has the error. */
	NUM(doc, "/testsuites/@tests", 4);
	NUM(doc, "/testsuites/@errors", 1);
	NUM(doc, "/testsuites/@skipped", 3);
	NUM(doc, "/testsuites/@failures", 0);
	assert_xstr(doc, "string(//testcase[@classname='ci-b.C-4']/error/@message)",
	    "cannot evaluate");
	xmlFreeDoc(doc);
	free(buf);
	vg_flist_free(&l);

	/* No policy: a report of nothing, still a document. */
	buf = NULL;
	assert_non_null(fp = open_memstream(&buf, &n));
	assert_int_equal(vg_junit_write(fp, &f->l, NULL, &f->ci), 0);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(doc = xmlReadMemory(buf, (int)n, "e.xml", NULL, XML_PARSE_NONET));
	NUM(doc, "/testsuites/@tests", 0);
	NUM(doc, "count(//testcase)", 0);
	xmlFreeDoc(doc);
	free(buf);
}

/* ---- any bytes at all */

/* xorshift64*: a fixed sequence, so that a failure can be replayed. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* A string of 0 to 40 bytes from 1..255, biased towards the ones that need care. */
static void
rnd_text(uint64_t *seed, char *buf)
{
	static const char special[] = "<>&\"'\t\n\r\x01\x1f\x7f\xc3\xa9\xef\xbf\xbe"
	    "\xed\xa0\x80\xf4\x90%:/ ";
	size_t n = rnd(seed) % 41;

	for (size_t i = 0; i < n; i++) {
		uint64_t r = rnd(seed);

		buf[i] = r % 2 ? special[r / 2 % (sizeof(special) - 1)] : (char)(1 + r / 2 % 255);
	}
	buf[n] = '\0';
}

#define RND_ITEMS 6

/*
 * Random text in every string of random items: both documents must parse,
 * and hold as many results and testcases as the rules say, counted here.
 */
static void
test_random_text(void **state)
{
	struct fx *f = *state;
	const struct vg_control *ctl[4] = { f->c1, f->c2, f->c3, f->c4 };
	char text[5][RND_ITEMS][48];
	uint64_t seed = 0x5eed;
	struct vg_ci_info ci = f->ci;

	ci.all_results = true;
	for (int iter = 0; iter < 400; iter++) {
		struct vg_flist l;
		size_t want_results = 0, want_cases = 0, len;
		bool used[4] = { false, false, false, false };
		char *buf = NULL;
		size_t n = 0;
		FILE *fp;
		json_t *log;
		xmlDocPtr doc;
		char expr[64];

		vg_flist_init(&l);
		for (size_t i = 0; i < RND_ITEMS; i++) {
			struct vg_fitem it;
			uint64_t r = rnd(&seed);

			memset(&it, 0, sizeof(it));
			it.control = ctl[r % 4];
			it.result = (enum vg_result)(r / 4 % 3); /* pass, fail, NA */
			it.severity = it.control->severity;
			for (size_t t = 0; t < 5; t++)
				rnd_text(&seed, text[t][i]);
			it.message = text[0][i];
			it.kind = text[1][i];
			it.label = text[2][i];
			it.key = r / 12 % 2 ? text[3][i] : NULL;
			it.file = text[4][i][0] != '\0' ? text[4][i] : NULL;
			it.line = (unsigned)(r / 24 % 3);
			it.col = (unsigned)(r / 72 % 3);
			if (it.result == VG_RES_FAIL && r / 216 % 2 != 0)
				it.waiver = vg_policy_waiver(f->p, 0);
			assert_non_null(vg_flist_add(&l, &it));
			if (it.result != VG_RES_NA) {
				want_cases++;
				used[r % 4] = true;
				want_results += it.file != NULL;
			}
		}
		for (size_t c = 0; c < 4; c++)
			want_cases += !used[c];

		assert_non_null(fp = open_memstream(&buf, &n));
		assert_int_equal(vg_sarif_write(fp, &l, f->p, &ci), 0);
		assert_int_equal(fclose(fp), 0);
		if ((log = json_loads(buf, 0, NULL)) == NULL)
			fail_msg("iteration %d: SARIF does not parse:\n%s", iter, buf);
		assert_int_equal(json_array_size(at(log, "runs.0.results")), want_results);
		json_decref(log);
		free(buf);

		buf = NULL;
		assert_non_null(fp = open_memstream(&buf, &len));
		assert_int_equal(vg_junit_write(fp, &l, f->p, &ci), 0);
		assert_int_equal(fclose(fp), 0);
		doc = xmlReadMemory(buf, (int)len, "r.xml", NULL, XML_PARSE_NONET |
		    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (doc == NULL)
			fail_msg("iteration %d: JUnit does not parse:\n%s", iter, buf);
		NUM(doc, "count(//testcase)", (long)want_cases);
		snprintf(expr, sizeof(expr), "number(/testsuites/@tests) = %zu", want_cases);
		NUM(doc, expr, 1);
		xmlFreeDoc(doc);
		free(buf);
		vg_flist_free(&l);
	}
}

/* ---- errors */

/* A stream that refuses writes: both writers must say so. */
static void
test_write_errors(void **state)
{
	struct fx *f = *state;
	FILE *fp = fopen("/dev/null", "r");

	assert_non_null(fp);
	assert_int_equal(vg_sarif_write(fp, &f->l, f->p, &f->ci), -1);
	clearerr(fp);
	assert_int_equal(vg_junit_write(fp, &f->l, f->p, &f->ci), -1);
	fclose(fp);
}

/*
 * One jansson allocation fails, the k-th, and those after it succeed: an
 * error that the writer dropped would then give a log that lacks a part
 * but says 0. Each k must give -1, until k passes the last allocation.
 */
static long alloc_fail_at = -1;

static void *
failing_malloc(size_t n)
{
	if (alloc_fail_at >= 0 && alloc_fail_at-- == 0)
		return NULL;
	return malloc(n);
}

static void
test_sarif_out_of_memory(void **state)
{
	struct fx *f = *state;
	struct vg_ci_info ci = f->ci;
	char *want;
	long k, refused = 0;

	ci.all_results = true;
	want = render(vg_sarif_write, f, &ci, NULL);
	json_set_alloc_funcs(failing_malloc, free);
	for (k = 0; k < 100000; k++) {
		char *buf = NULL;
		size_t n = 0;
		FILE *fp = open_memstream(&buf, &n);
		bool injected;
		int rc;

		assert_non_null(fp);
		alloc_fail_at = k;
		rc = vg_sarif_write(fp, &f->l, f->p, &ci);
		injected = alloc_fail_at < 0;
		alloc_fail_at = -1;
		fclose(fp);
		/* A string may be retried after a failure (jstr): 0 then needs the whole log. */
		if (rc == 0 && strcmp(buf, want) != 0)
			fail_msg("allocation %ld failed, yet 0 and a log that lacks a part", k);
		free(buf);
		if (!injected) {
			assert_int_equal(rc, 0);
			break;
		}
		assert_true(rc == 0 || rc == -1);
		refused += rc == -1;
	}
	json_set_alloc_funcs(malloc, free);
	free(want);
	/* It went past the last allocation, and most failures were reported. */
	assert_true(k > 50 && k < 100000);
	assert_true(refused > k / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sarif_log_and_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_invocation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_all_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_github_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_deterministic, setup, teardown),
		cmocka_unit_test(test_sarif_uri),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test_setup_teardown(test_junit_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junit_testcases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junit_errors_and_no_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sarif_out_of_memory, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
