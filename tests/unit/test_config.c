/* test_config.c - extractor rules (exact load errors) and how settings join into endpoints. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config_rules.h"
#include "config_scan.h"

/* A small rule set; line numbers below are counted in it. */
static const char rules_text[] =
    "version: 2026-11-22\n"                                     /* 1 */
    "secret_keys: ['*api_key*', '*token*']\n"                   /* 2 */
    "targets:\n"                                                /* 3 */
    "  - { id: bedrock, provider: aws, url: 'https://bedrock-runtime.{region}.amazonaws.com',"
    " sample_region: eu-central-1, source: s }\n"               /* 4 */
    "  - { id: mistral, provider: mistral, url: 'https://api.mistral.ai/v1', source: s }\n"
    "variables:\n"                                              /* 6 */
    "  - { names: [AWS_REGION], gives: region, target: bedrock, source: s }\n"
    "  - { names: [MISTRAL_API_KEY], gives: target, target: mistral, source: s }\n"
    "  - { names: [MISTRAL_BASE], gives: endpoint, target: mistral, source: s }\n"
    "keys:\n"
    "  - { path: 'model_list[].litellm_params.model', gives: model, source: s }\n"
    "  - { path: 'model_list[].litellm_params.api_base', gives: endpoint, source: s }\n"
    "models:\n"
    "  - { prefix: bedrock/, target: bedrock }\n";

static struct vg_crules *
rules(void)
{
	struct vg_err err;
	struct vg_crules *r = vg_crules_load_mem("r.yaml", rules_text, strlen(rules_text), &err);

	if (r == NULL)
		fail_msg("%s", err.msg);
	return r;
}

static void
expect_error(const char *text, const char *want)
{
	struct vg_err err;
	struct vg_crules *r = vg_crules_load_mem("r.yaml", text, strlen(text), &err);

	if (r != NULL) {
		vg_crules_free(r);
		fail_msg("accepted:\n%s", text);
	}
	if (strcmp(err.msg, want) != 0)
		fail_msg("got    \"%s\"\nwanted \"%s\"", err.msg, want);
}

#define T "version: 1\ntargets:\n  - { id: a, provider: p, source: s }\n"

static void
test_rule_errors(void **state)
{
	(void)state;
	expect_error("version: 1\n", "r.yaml:1:1: missing key 'targets'");
	expect_error(T "variables:\n  - { names: [X], gives: region, source: s }\n",
	    "r.yaml:5:5: missing key 'target'");
	expect_error(T "variables:\n  - { names: [X], gives: place, target: a, source: s }\n",
	    "r.yaml:5:26: gives must be endpoint, region, model or target, not 'place'");
	expect_error(T "variables:\n  - { names: [X], gives: region, target: b, source: s }\n",
	    "r.yaml:5:42: unknown target 'b'");
	expect_error(T "variables:\n  - { names: [X, X], gives: endpoint, source: s }\n",
	    "r.yaml:5:18: variable 'X' already has a rule (line 5)");
	expect_error(T "variables:\n  - { names: ['A B'], gives: endpoint, source: s }\n",
	    "r.yaml:5:15: 'A B' is not a variable name");
	expect_error(T "keys:\n  - { path: 'a..b', gives: endpoint, source: s }\n",
	    "r.yaml:5:13: path must be keys separated by '.', each a name, a name followed by "
	    "'[]' or '*' (at most 16)");
	expect_error(T "models:\n  - { prefix: a/, target: a }\n  - { prefix: a/b/, target: a }\n",
	    "r.yaml:6:15: prefix 'a/b/' is hidden by 'a/' before it: list longer prefixes first");
	expect_error("version: 1\ntargets:\n  - { id: a, provider: p, url: 'http://x', source: s }\n",
	    "r.yaml:3:32: url must be https:// with at most one {region}");
	expect_error("version: 1\ntargets:\n  - { id: a, provider: p, url: 'https://{region}.x',"
	    " source: s }\n", "r.yaml:3:5: a url with {region} needs a sample_region");
}

static void
test_target_url(void **state)
{
	struct vg_crules *r = rules();
	const struct vg_ctarget *b = vg_crules_target(r, 0);
	char buf[128];

	(void)state;
	assert_true(vg_ctarget_url(b, "eu-central-1", buf, sizeof(buf)));
	assert_string_equal(buf, "https://bedrock-runtime.eu-central-1.amazonaws.com");
	/* A region that is not a region code never reaches a URL. */
	assert_false(vg_ctarget_url(b, "eu/../x", buf, sizeof(buf)));
	assert_false(vg_ctarget_url(b, NULL, buf, sizeof(buf)));
	assert_false(vg_ctarget_url(b, "eu-central-1", buf, 20));
	assert_true(vg_crules_secret(r, "OPENAI_API_KEY"));
	assert_true(vg_crules_secret(r, "github_TOKEN"));
	assert_false(vg_crules_secret(r, "MISTRAL_BASE"));
	vg_crules_free(r);
}

static struct vg_cscan *
scan(struct vg_crules *r, const char *name, const char *text)
{
	struct vg_cscan *s = vg_cscan_new(r, NULL);

	assert_non_null(s);
	assert_true(vg_cscan_buffer(s, name, text, strlen(text)));
	return s;
}

/* A region alone names nothing; beside a model of its target it fills the URL. */
static void
test_join_region(void **state)
{
	struct vg_crules *r = rules();
	struct vg_cscan *s = scan(r, "a.env", "AWS_REGION=us-east-1\n");
	const struct vg_cfg_endpoint *e;

	(void)state;
	assert_int_equal(vg_cscan_n_endpoints(s), 0);
	vg_cscan_free(s);
	s = scan(r, "c.yaml", "model_list:\n  - litellm_params:\n"
	    "      model: bedrock/eu.x\n      aws_region_name: eu-west-1\n");
	/* aws_region_name has no rule here: the endpoint has no region, hence no URL. */
	assert_int_equal(vg_cscan_n_endpoints(s), 1);
	e = vg_cscan_endpoint(s, 0);
	assert_string_equal(e->model, "eu.x");
	assert_null(e->url);
	assert_int_equal(e->line, 3);
	assert_int_equal(e->col, 14);
	assert_string_equal(e->key, "model_list[0].litellm_params.model");
	vg_cscan_free(s);
	s = scan(r, "b.env", "MISTRAL_BASE=https://u:p@eu.example/v1?key=1\nAWS_REGION=x\n");
	assert_int_equal(vg_cscan_n_endpoints(s), 1);
	e = vg_cscan_endpoint(s, 0);
	/* User information and query carry credentials: gone, and the host parsed once. */
	assert_string_equal(e->url, "https://eu.example/v1");
	assert_string_equal(e->u.host, "eu.example");
	assert_int_equal(e->u.port, 443);
	vg_cscan_free(s);
	vg_crules_free(r);
}

/* An API key names its target's default URL unless the group sets the endpoint itself. */
static void
test_join_target(void **state)
{
	struct vg_crules *r = rules();
	struct vg_cscan *s = scan(r, "a.env", "MISTRAL_API_KEY=sk-x\n");
	const struct vg_cfg_endpoint *e;

	(void)state;
	assert_int_equal(vg_cscan_n_endpoints(s), 1);
	e = vg_cscan_endpoint(s, 0);
	assert_string_equal(e->url, "https://api.mistral.ai/v1");
	assert_true(e->url_default);
	vg_cscan_free(s);
	s = scan(r, "a.env", "MISTRAL_API_KEY=sk-x\nMISTRAL_BASE=https://gw.example\n");
	assert_int_equal(vg_cscan_n_endpoints(s), 1);
	assert_string_equal(vg_cscan_endpoint(s, 0)->url, "https://gw.example");
	vg_cscan_free(s);
	/* Kubernetes: a valueFrom of a variable the file also sets with a value adds nothing. */
	s = scan(r, "k.yaml", "kind: ConfigMap\napiVersion: v1\ndata:\n  MISTRAL_BASE: https://a.example\n"
	    "---\nkind: Pod\napiVersion: v1\nspec:\n  containers:\n    - name: c\n      image: i\n"
	    "      env:\n        - name: MISTRAL_BASE\n          valueFrom: {configMapKeyRef: {}}\n");
	assert_int_equal(vg_cscan_n_endpoints(s), 1);
	assert_string_equal(vg_cscan_endpoint(s, 0)->url, "https://a.example");
	vg_cscan_free(s);
	vg_crules_free(r);
}

/* Aliases share nodes: a billion laughs must stay bounded and end. */
static void
test_alias_bomb(void **state)
{
	struct vg_crules *r = rules();
	char text[4096];
	int n = snprintf(text, sizeof(text), "a: &a {MISTRAL_BASE: https://x.example}\n");

	(void)state;
	for (int i = 0; i < 20; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%c: &%c [*%c, *%c, *%c, *%c]\n",
		    'b' + i, 'b' + i, 'a' + i, 'a' + i, 'a' + i, 'a' + i);
	struct vg_cscan *s = scan(r, "bomb.yaml", text);
	/* 4^20 paths lead to the one mapping; the walk gives up long before. */
	assert_true(vg_cscan_n_endpoints(s) < 100000);
	assert_int_equal(vg_cscan_stats(s)->errors, 0);
	vg_cscan_free(s);
	vg_crules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_target_url),
		cmocka_unit_test(test_join_region),
		cmocka_unit_test(test_join_target),
		cmocka_unit_test(test_alias_bomb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
