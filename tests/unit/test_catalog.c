/* test_catalog.c - strict YAML loading and the endpoint catalog: matching, and rejection with FILE:LINE:COL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "catalog.h"
#include "yamldoc.h"

#define HEAD                                                             \
	"version: 2026-11-22\n"                                          \
	"providers:\n"                                                   \
	"  - id: aws\n"                                                  \
	"    name: AWS\n"                                                \
	"    legal_seat: US\n"                                           \
	"    source: https://aws.amazon.com/\n"                          \
	"services:\n"                                                    \
	"  - id: bedrock\n"                                              \
	"    provider: aws\n"                                            \
	"    service: Bedrock\n"                                         \
	"    category: llm-api\n"                                        \
	"    hosts:\n"
/* HEAD is 12 lines: host entries start on line 13. */

#define HOST_REGION                                                      \
	"      - pattern: \"bedrock-runtime.{region}.amazonaws.com\"\n"  \
	"        region: \"{region}\"\n"                                 \
	"        cloud: aws\n"                                           \
	"        sample: bedrock-runtime.eu-central-1.amazonaws.com\n"   \
	"        source: https://docs.aws.amazon.com/bedrock/\n"

static struct vg_catalog *
load(const char *text, struct vg_err *err)
{
	struct vg_ydoc *d = vg_ydoc_load_mem("t.yaml", text, strlen(text), err);

	return d != NULL ? vg_catalog_from_doc(d, err) : NULL;
}

static void
expect_error(const char *text, const char *want)
{
	struct vg_err err;
	struct vg_catalog *c = load(text, &err);

	if (c != NULL) {
		vg_catalog_free(c);
		fail_msg("accepted, wanted \"%s\"", want);
	}
	if (strncmp(err.msg, want, strlen(want)) != 0)
		fail_msg("got \"%s\", wanted \"%s...\"", err.msg, want);
}

static void
test_match_forms(void **state)
{
	static const char text[] = HEAD HOST_REGION
	    "      - pattern: bedrock.amazonaws.com\n"
	    "        region: unknown\n"
	    "        reason: control plane, not inference\n"
	    "        sample: bedrock.amazonaws.com\n"
	    "        source: https://docs.aws.amazon.com/bedrock/\n"
	    "      - pattern: \"*.bedrock.example.com\"\n"
	    "        country: DE\n"
	    "        sample: a.b.bedrock.example.com\n"
	    "        source: https://docs.aws.amazon.com/bedrock/\n"
	    "      - pattern: \"{id}.{region}.{cloud}.endpoints.example.cloud\"\n"
	    "        region: \"{region}\"\n"
	    "        cloud: \"{cloud}\"\n"
	    "        sample: x1.eu-west-1.aws.endpoints.example.cloud\n"
	    "        source: https://docs.aws.amazon.com/bedrock/\n"
	    "      - pattern: \"{region}-ai.example.net\"\n"
	    "        region: \"{region}\"\n"
	    "        cloud: gcp\n"
	    "        sample: europe-west4-ai.example.net\n"
	    "        source: https://docs.aws.amazon.com/bedrock/\n";
	struct vg_err err;
	struct vg_catalog *c = load(text, &err);
	struct vg_host_match m;

	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_true(vg_catalog_match(c, "bedrock-runtime.eu-west-3.amazonaws.com", &m));
	assert_string_equal(m.region, "eu-west-3");
	assert_string_equal(m.cloud, "aws");
	assert_int_equal(m.rule->line, 13);
	assert_true(vg_catalog_match(c, "x9.us-east-1.azure.endpoints.example.cloud", &m));
	assert_string_equal(m.id, "x9");
	assert_string_equal(m.region, "us-east-1");
	assert_string_equal(m.cloud, "azure");
	assert_true(vg_catalog_match(c, "us-central1-ai.example.net", &m));
	assert_string_equal(m.region, "us-central1");
	/* A capture needs at least one byte; a star needs at least one label. */
	assert_false(vg_catalog_match(c, "-ai.example.net", &m));
	assert_false(vg_catalog_match(c, "bedrock.example.com", &m));
	assert_true(vg_catalog_match(c, "q.bedrock.example.com", &m));
	/* Wrong label counts and near misses. */
	assert_false(vg_catalog_match(c, "bedrock-runtime.amazonaws.com", &m));
	assert_false(vg_catalog_match(c, "x.bedrock-runtime.eu-west-3.amazonaws.com", &m));
	assert_false(vg_catalog_match(c, "bedrock.amazonaws.com.evil.example", &m));
	assert_false(vg_catalog_match(c, "notbedrock.amazonaws.com", &m));
	assert_false(vg_catalog_match(c, "", &m));
	assert_false(vg_catalog_match(c, "a..amazonaws.com", &m));
	assert_true(vg_catalog_match(c, "bedrock.amazonaws.com", &m));
	assert_string_equal(m.rule->reason, "control plane, not inference");
	vg_catalog_free(c);
	vg_catalog_free(NULL);
}

static void
test_most_specific_wins(void **state)
{
	static const char text[] = HEAD
	    "      - pattern: \"*.api.example.com\"\n"
	    "        region: unknown\n"
	    "        reason: wildcard\n"
	    "        sample: zz.api.example.com\n"
	    "        source: https://example.com/\n"
	    "      - pattern: eu.api.example.com\n"
	    "        area: eu\n"
	    "        sample: eu.api.example.com\n"
	    "        source: https://example.com/\n"
	    "      - pattern: \"{region}.api.example.com\"\n"
	    "        region: \"{region}\"\n"
	    "        cloud: aws\n"
	    "        sample: x.y.api.example.com\n"
	    "        source: https://example.com/\n";
	struct vg_err err;

	/* {region} captures one label, so x.y.api.example.com belongs to the wildcard. */
	expect_error(text, "t.yaml:25:17: sample 'x.y.api.example.com' resolves to '*.api.example.com'");
	(void)err;
}

static void
test_exact_beats_capture(void **state)
{
	static const char text[] = HEAD
	    "      - pattern: \"{region}.api.example.com\"\n"
	    "        region: \"{region}\"\n"
	    "        cloud: aws\n"
	    "        sample: us-east-1.api.example.com\n"
	    "        source: https://example.com/\n"
	    "      - pattern: eu.api.example.com\n"
	    "        area: eu\n"
	    "        sample: eu.api.example.com\n"
	    "        source: https://example.com/\n";
	struct vg_err err;
	struct vg_catalog *c = load(text, &err);
	struct vg_host_match m;

	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_true(vg_catalog_match(c, "eu.api.example.com", &m));
	assert_string_equal(m.rule->pattern, "eu.api.example.com");
	assert_true(vg_catalog_match(c, "ap-south-1.api.example.com", &m));
	assert_string_equal(m.region, "ap-south-1");
	vg_catalog_free(c);
}

/* Each malformed file is rejected with the position of the culprit. */
static void
test_malformed(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "version: 1\n  bad: [\n", "t.yaml:2:" },
		{ "a: 1\na: 2\n", "t.yaml:2:1: duplicate key 'a' (first at line 1)" },
		{ "a: &x 1\nb: *x\n", "t.yaml:1:4: anchors are not supported" },
		{ "--- 1\n--- 2\n", "t.yaml:2:1: only one document per file" },
		{ "a: !!binary aGk=\n", "t.yaml:1:4: tags are not supported" },
		{ "", "t.yaml:1:1: empty document" },
		{ "[1, 2]\n", "t.yaml:1:1: the catalog must be a mapping, not a sequence" },
		{ "version: x\nproviders: []\nservices: []\nextra: 1\n", "t.yaml:4:1: unknown key 'extra'" },
		{ "version: x\nservices: []\n", "t.yaml:1:1: missing key 'providers'" },
		{ HEAD "      - pattern: a.example.com\n        area: eu\n        sample: a.example.com\n",
		    "t.yaml:13:9: missing key 'source'" },
		{ HEAD "      - pattern: a.example.com\n        area: eu\n        sample: a.example.com\n"
		    "        source: http://example.com/\n",
		    "t.yaml:16:17: source must be an https:// URL" },
		{ HEAD "      - pattern: \"{zone}.example.com\"\n        area: eu\n"
		    "        sample: a.example.com\n        source: https://example.com/\n",
		    "t.yaml:13:18: pattern '{zone}.example.com': unknown capture '{zone}'" },
		{ HEAD "      - pattern: \"{region}.com\"\n        region: \"{region}\"\n        cloud: aws\n"
		    "        sample: a.com\n        source: https://example.com/\n",
		    "t.yaml:13:18: pattern '{region}.com' must end in at least two literal labels" },
		{ HEAD "      - pattern: a.example.com\n        country: de\n"
		    "        sample: a.example.com\n        source: https://example.com/\n",
		    "t.yaml:14:18: country must be an ISO 3166-1 alpha-2 code" },
		{ HEAD "      - pattern: a.example.com\n        country: DE\n        area: eu\n"
		    "        sample: a.example.com\n        source: https://example.com/\n",
		    "t.yaml:13:9: host 'a.example.com' needs exactly one of country, region, area" },
		{ HEAD "      - pattern: a.example.com\n        region: unknown\n"
		    "        sample: a.example.com\n        source: https://example.com/\n",
		    "t.yaml:14:17: region: unknown needs a reason" },
		{ HEAD "      - pattern: A.example.com\n        area: eu\n"
		    "        sample: a.example.com\n        source: https://example.com/\n",
		    "t.yaml:13:18: 'A.example.com' must be lower case" },
		{ HEAD "      - pattern: a.example.com\n        area: eu\n"
		    "        sample: b.example.com\n        source: https://example.com/\n",
		    "t.yaml:15:17: sample 'b.example.com' matches no pattern" },
		{ HEAD HOST_REGION HOST_REGION,
		    "t.yaml:18:18: pattern 'bedrock-runtime.{region}.amazonaws.com' already at line 13" },
		{ HEAD "      - pattern: \"x.{region}.example.com\"\n        region: eu-west-1\n"
		    "        cloud: aws\n        sample: x.a.example.com\n        source: https://e.com/\n",
		    "t.yaml:14:17: the pattern captures {region}: write region: \"{region}\"" },
		{ HEAD "      - pattern: x.example.com\n        region: eu-west-1\n        cloud: moon\n"
		    "        sample: x.example.com\n        source: https://e.com/\n",
		    "t.yaml:15:16: unknown cloud 'moon'" },
		{ "version: x\nproviders:\n  - id: a\n    name: A\n    legal_seat: USA\n"
		  "    source: https://a.com/\nservices: []\n",
		    "t.yaml:5:17: legal_seat must be an ISO 3166-1 alpha-2 code" },
		{ "version: x\nproviders: []\nservices:\n  - id: s\n    provider: nobody\n"
		  "    service: S\n    category: llm-api\n    hosts: []\n",
		    "t.yaml:5:15: unknown provider 'nobody'" },
		{ HEAD "      - pattern: a.example.com\n        area: eu\n        sample: a.example.com\n"
		    "        source: https://example.com/\n        storage_only: maybe\n",
		    "t.yaml:17:23: storage_only must be true or false" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].text, cases[i].want);
}

static void
test_yaml_file_errors(void **state)
{
	struct vg_err err;
	struct vg_ydoc *d = vg_ydoc_load("/nonexistent/rules.yaml", &err);

	assert_null(d);
	assert_non_null(strstr(err.msg, "/nonexistent/rules.yaml: cannot open"));
	/* Nesting deeper than the cap. */
	char deep[200];
	size_t n = 0;
	for (int i = 0; i < 40; i++)
		deep[n++] = '[';
	deep[n] = '\0';
	d = vg_ydoc_load_mem("deep.yaml", deep, n, &err);
	assert_null(d);
	assert_non_null(strstr(err.msg, "deep.yaml:1:33: nested deeper than 32 levels"));
	vg_ydoc_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_forms),
		cmocka_unit_test(test_most_specific_wins),
		cmocka_unit_test(test_exact_beats_capture),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_yaml_file_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
