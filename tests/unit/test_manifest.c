/* test_manifest.c - AIDeployment manifests: every field, absent fields, exact errors, URLs, the catalog check. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "catalog.h"
#include "manifest.h"
#include "policy_expr.h"
#include "yamldoc.h"

#define HEAD "kind: AIDeployment\nname: x\n"
/* HEAD is 2 lines: what follows starts on line 3. */

static struct vg_manifest *
load(const char *text, struct vg_err *err)
{
	return vg_manifest_load_mem("m.yaml", text, strlen(text), err);
}

static void
expect_error(const char *text, const char *want)
{
	struct vg_err err;
	struct vg_manifest *m = load(text, &err);

	if (m != NULL) {
		vg_manifest_free(m);
		fail_msg("accepted:\n%s\nwanted \"%s\"", text, want);
	}
	if (strcmp(err.msg, want) != 0)
		fail_msg("input:\n%s\ngot    \"%s\"\nwanted \"%s\"", text, err.msg, want);
}

static void
test_example_file(void **state)
{
	const char *path = VG_SRCDIR "/tests/data/deployment.yaml";
	struct vg_err err;
	struct vg_manifest *m = vg_manifest_load(path, &err);
	const struct vg_mf_provider *p;
	struct vg_catalog *c;

	if (m == NULL)
		fail_msg("%s", err.msg);
	assert_string_equal(m->file, path);
	assert_int_equal(m->line, 2);
	assert_string_equal(m->name, "support-assistant");
	assert_string_equal(m->owner, "Customer Care, Jane Roe <jane.roe@example.eu>");
	assert_string_equal(m->purpose, "Drafts answers to customer e-mails about orders");
	assert_int_equal(m->practices.n, 2);
	assert_string_equal(m->practices.items[0], "customer-support");
	assert_string_equal(m->practices.items[1], "drafting");
	assert_null(m->practices.items[2]);
	assert_string_equal(m->role, "deployer");
	assert_string_equal(m->risk_class, "limited");
	assert_null(m->annex_iii_area);
	assert_int_equal(m->personal_data, VG_TRI_YES);
	assert_int_equal(m->special_data, VG_TRI_NO);
	assert_int_equal(m->data_categories.n, 2);
	assert_string_equal(m->data_categories.items[0], "contact-details");
	assert_string_equal(m->data_categories.items[1], "order-history");
	assert_int_equal(m->interacts_with_persons, VG_TRI_YES);

	assert_int_equal(m->n_providers, 2);
	p = &m->providers[0];
	assert_string_equal(p->provider, "openai");
	assert_string_equal(p->model, "gpt-4o-mini");
	assert_string_equal(p->endpoint, "https://eu.api.openai.com/v1");
	assert_string_equal(p->host, "eu.api.openai.com");
	assert_string_equal(p->scheme, "https");
	assert_int_equal(p->port, 443);
	assert_string_equal(p->region, "eu");
	assert_string_equal(p->routing, "regional");
	assert_int_equal(p->dpf_certified, VG_TRI_YES);
	assert_int_equal(p->line, 16);
	assert_int_equal(p->col, 5);
	assert_int_equal(p->provider_line, 16);
	assert_int_equal(p->provider_col, 15);
	assert_int_equal(p->endpoint_line, 18);
	assert_int_equal(p->endpoint_col, 15);
	p = &m->providers[1];
	assert_string_equal(p->provider, "mistral");
	assert_string_equal(p->model, "mistral-small-latest");
	assert_string_equal(p->endpoint, "api.eu.mistral.ai");
	assert_string_equal(p->host, "api.eu.mistral.ai");
	assert_string_equal(p->scheme, "");
	assert_int_equal(p->port, 0);
	assert_string_equal(p->region, "eea");
	assert_string_equal(p->routing, "regional");
	assert_int_equal(p->dpf_certified, VG_TRI_UNSET);
	assert_int_equal(p->line, 22);
	assert_int_equal(p->col, 5);
	assert_int_equal(p->provider_line, 22);
	assert_int_equal(p->provider_col, 15);
	assert_int_equal(p->endpoint_line, 24);
	assert_int_equal(p->endpoint_col, 15);

	assert_string_equal(m->approved_gateway, "https://llm-gateway.example.eu");
	assert_string_equal(m->gateway_host, "llm-gateway.example.eu");
	assert_string_equal(m->transfer_mechanism, "scc");
	assert_string_equal(m->tia_ref, "TIA-2026-014");
	assert_int_equal(m->tia_date, vg_expr_days(2026, 3, 2));
	assert_int_equal(m->tia_date, 20514);
	assert_null(m->derogation);
	assert_int_equal(m->logging_enabled, VG_TRI_YES);
	assert_int_equal(m->retention_days, 200);
	assert_string_equal(m->oversight_contact, "ops-oncall@example.eu");
	assert_string_equal(m->oversight_stop_procedure, "https://wiki.example.eu/runbooks/ai-stop");
	assert_string_equal(m->transparency_notice, "https://example.eu/ai-notice");
	assert_string_equal(m->fria_ref, "FRIA-2026-03");
	assert_int_equal(m->fria_date, vg_expr_days(2026, 2, 10));
	assert_string_equal(m->literacy_record, "LMS course AI-101, 2026 cohort");
	assert_int_equal(m->literacy_date, vg_expr_days(2026, 1, 20));
	assert_string_equal(m->screen_ref, "ART5-2026-01");
	assert_int_equal(m->screen_date, vg_expr_days(2026, 1, 5));
	assert_int_equal(m->workers_informed, VG_TRI_YES);
	assert_int_equal(m->first_use, vg_expr_days(2026, 3, 1));

	/* The example names real catalog providers. */
	c = vg_catalog_load(VG_SRCDIR "/rules/ai-endpoints.yaml", &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_true(vg_manifest_check(m, c, &err));
	vg_catalog_free(c);
	vg_manifest_free(m);
}

static void
test_minimal(void **state)
{
	struct vg_err err;
	struct vg_manifest *m = load("# only what is required\nkind: AIDeployment\nname: "
	    "0.a_b-c\n", &err);

	if (m == NULL)
		fail_msg("%s", err.msg);
	assert_string_equal(m->file, "m.yaml");
	assert_int_equal(m->line, 2);
	assert_string_equal(m->name, "0.a_b-c");
	assert_null(m->owner);
	assert_null(m->purpose);
	assert_null(m->practices.items);
	assert_int_equal(m->practices.n, 0);
	assert_null(m->role);
	assert_null(m->risk_class);
	assert_null(m->annex_iii_area);
	assert_int_equal(m->personal_data, VG_TRI_UNSET);
	assert_int_equal(m->special_data, VG_TRI_UNSET);
	assert_null(m->data_categories.items);
	assert_int_equal(m->data_categories.n, 0);
	assert_int_equal(m->interacts_with_persons, VG_TRI_UNSET);
	assert_null(m->providers);
	assert_int_equal(m->n_providers, 0);
	assert_null(m->approved_gateway);
	assert_string_equal(m->gateway_host, "");
	assert_null(m->transfer_mechanism);
	assert_null(m->tia_ref);
	assert_int_equal(m->tia_date, VG_DATE_NONE);
	assert_null(m->derogation);
	assert_int_equal(m->logging_enabled, VG_TRI_UNSET);
	assert_true(m->retention_days == VG_INT_NONE);
	assert_null(m->oversight_contact);
	assert_null(m->oversight_stop_procedure);
	assert_null(m->transparency_notice);
	assert_null(m->fria_ref);
	assert_int_equal(m->fria_date, VG_DATE_NONE);
	assert_null(m->literacy_record);
	assert_int_equal(m->literacy_date, VG_DATE_NONE);
	assert_null(m->screen_ref);
	assert_int_equal(m->screen_date, VG_DATE_NONE);
	assert_int_equal(m->workers_informed, VG_TRI_UNSET);
	assert_int_equal(m->first_use, VG_DATE_NONE);
	vg_manifest_free(m);
	vg_manifest_free(NULL);
}

/* Parts of a mapping given, the rest absent; and the values the example file does not use. */
static void
test_partial_and_other_values(void **state)
{
	static const char text[] = HEAD
	    "practices: []\n"
	    "role: provider\n"
	    "risk:\n"
	    "  annex_iii_area: justice-democracy\n"
	    "data:\n"
	    "  special: true\n"
	    "interacts_with_persons: false\n"
	    "providers:\n"
	    "  - provider: openai\n"
	    "    dpf_certified: false\n"
	    "  - provider: openai\n"
	    "    endpoint: api.openai.com\n"
	    "  - provider: openai\n"
	    "    model: gpt-4o\n"
	    "  - provider: openai\n"
	    "    model: \"gpt-4o\"\n"
	    "    endpoint: https://api.openai.com\n"
	    "  - provider: openai\n"
	    "    model: gpt-4o\n"
	    "    endpoint: https://api.openai.com/v1\n"
	    "transfer:\n"
	    "  mechanism: derogation\n"
	    "  derogation: \"Art. 49(1)(a)\"\n"
	    "logging:\n"
	    "  retention_days: 0\n"
	    "fria:\n"
	    "  date: \"2024-02-29\"\n"
	    "workers_informed: false\n"
	    "first_use: 9999-12-31\n";
	struct vg_err err;
	struct vg_manifest *m = load(text, &err);

	if (m == NULL)
		fail_msg("%s", err.msg);
	assert_non_null(m->practices.items);
	assert_int_equal(m->practices.n, 0);
	assert_null(m->practices.items[0]);
	assert_string_equal(m->role, "provider");
	assert_null(m->risk_class);
	assert_string_equal(m->annex_iii_area, "justice-democracy");
	assert_int_equal(m->personal_data, VG_TRI_UNSET);
	assert_int_equal(m->special_data, VG_TRI_YES);
	assert_null(m->data_categories.items);
	assert_int_equal(m->interacts_with_persons, VG_TRI_NO);
	assert_int_equal(m->n_providers, 5);
	assert_int_equal(m->providers[0].dpf_certified, VG_TRI_NO);
	assert_null(m->providers[0].model);
	assert_null(m->providers[0].endpoint);
	assert_string_equal(m->providers[0].host, "");
	assert_string_equal(m->providers[0].scheme, "");
	assert_int_equal(m->providers[0].port, 0);
	assert_int_equal(m->providers[0].endpoint_line, 0);
	assert_int_equal(m->providers[0].endpoint_col, 0);
	assert_null(m->providers[0].region);
	assert_null(m->providers[0].routing);
	assert_string_equal(m->providers[1].host, "api.openai.com");
	assert_string_equal(m->providers[2].model, "gpt-4o");
	assert_string_equal(m->providers[3].host, "api.openai.com");
	assert_string_equal(m->providers[4].endpoint, "https://api.openai.com/v1");
	assert_string_equal(m->transfer_mechanism, "derogation");
	assert_string_equal(m->derogation, "Art. 49(1)(a)");
	assert_null(m->tia_ref);
	assert_int_equal(m->tia_date, VG_DATE_NONE);
	assert_int_equal(m->logging_enabled, VG_TRI_UNSET);
	assert_true(m->retention_days == 0);
	assert_null(m->fria_ref);
	assert_int_equal(m->fria_date, 19782);
	assert_int_equal(m->workers_informed, VG_TRI_NO);
	assert_int_equal(m->first_use, VG_EXPR_DATE_MAX);
	vg_manifest_free(m);

	m = load(HEAD "transfer:\n  mechanism: none\nlogging:\n  enabled: false\n  retention_days: "
	    "36500\nfirst_use: 1970-01-01\nrisk:\n  class: high\n  annex_iii_area: biometrics\n",
	    &err);
	if (m == NULL)
		fail_msg("%s", err.msg);
	assert_string_equal(m->transfer_mechanism, "none");
	assert_int_equal(m->logging_enabled, VG_TRI_NO);
	assert_true(m->retention_days == 36500);
	assert_int_equal(m->first_use, 0);
	assert_string_equal(m->risk_class, "high");
	assert_string_equal(m->annex_iii_area, "biometrics");
	vg_manifest_free(m);
}

static char long_text[VG_MANIFEST_TEXT_MAX + 64];

static const char *
owner_of_len(size_t n)
{
	memcpy(long_text, HEAD "owner: ", sizeof(HEAD "owner: ") - 1);
	memset(long_text + sizeof(HEAD "owner: ") - 1, 'a', n);
	strcpy(long_text + sizeof(HEAD "owner: ") - 1 + n, "\n");
	return long_text;
}

static void
test_caps(void **state)
{
	char buf[8192];
	size_t n;
	struct vg_err err;
	struct vg_manifest *m;

	/* Exactly the cap of bytes is fine; one more is not. */
	m = load(owner_of_len(VG_MANIFEST_TEXT_MAX), &err);
	if (m == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(strlen(m->owner), VG_MANIFEST_TEXT_MAX);
	vg_manifest_free(m);
	expect_error(owner_of_len(VG_MANIFEST_TEXT_MAX + 1),
	    "m.yaml:3:8: 'owner' is longer than 1024 bytes");

	/* 64 tags are fine, 65 are not; the error is at the 65th. */
	n = (size_t)snprintf(buf, sizeof(buf), HEAD "practices:\n");
	for (int i = 0; i < VG_MANIFEST_LIST_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "  - p%d\n", i);
	m = load(buf, &err);
	if (m == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(m->practices.n, VG_MANIFEST_LIST_MAX);
	assert_string_equal(m->practices.items[63], "p63");
	vg_manifest_free(m);
	snprintf(buf + n, sizeof(buf) - n, "  - p64\n");
	expect_error(buf, "m.yaml:68:5: 'practices' has more than 64 items");

	n = (size_t)snprintf(buf, sizeof(buf), HEAD "providers:\n");
	for (int i = 0; i < VG_MANIFEST_PROVIDERS_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "  - provider: openai\n    model: "
		    "m%d\n", i);
	m = load(buf, &err);
	if (m == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(m->n_providers, VG_MANIFEST_PROVIDERS_MAX);
	assert_string_equal(m->providers[63].model, "m63");
	assert_int_equal(m->providers[63].line, 4 + 2 * 63);
	vg_manifest_free(m);
	snprintf(buf + n, sizeof(buf) - n, "  - provider: openai\n");
	expect_error(buf, "m.yaml:132:5: 'providers' has more than 64 entries");

	/* A name of 64 bytes is the longest. */
	memset(buf, 0, sizeof(buf));
	strcpy(buf, "kind: AIDeployment\nname: ");
	memset(buf + strlen(buf), 'n', 64);
	m = load(buf, &err);
	if (m == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(strlen(m->name), 64);
	vg_manifest_free(m);
	strcat(buf, "n");
	expect_error(buf, "m.yaml:2:7: 'name' must be 1 to 64 of a-z, 0-9, '.', '_' and '-', "
	    "starting with a letter or digit, not "
	    "'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...'");
}

static const struct {
	const char *text, *want;
} bad[] = {
	{ "", "m.yaml:1:1: empty document" },
	{ "- kind: AIDeployment\n", "m.yaml:1:1: a manifest must be a mapping, not a sequence" },
	{ "AIDeployment\n", "m.yaml:1:1: a manifest must be a mapping, not a scalar" },
	{ "name: x\nowner: y\n", "m.yaml:1:1: missing key 'kind' (expected kind: AIDeployment)" },
	{ "name: x\nkind: Policy\n", "m.yaml:2:7: 'kind' must be AIDeployment, not 'Policy'" },
	{ "kind: aideployment\n", "m.yaml:1:7: 'kind' must be AIDeployment, not 'aideployment'" },
	{ "kind: [AIDeployment]\n", "m.yaml:1:7: 'kind' must be a scalar, not a sequence" },
	{ "kind:\nname: x\n", "m.yaml:1:1: 'kind' is empty" },
	{ "kind: AIDeployment\nowner: x\n", "m.yaml:1:1: missing key 'name'" },
	{ HEAD "ownr: x\n", "m.yaml:3:1: unknown key 'ownr' (expected one of: kind, name, owner, "
	    "purpose, practices, role, risk, data, interacts_with_persons, providers, "
	    "approved_gateway, transfer, logging, oversight, transparency_notice, fria, "
	    "ai_literacy, prohibited_screen, workers_informed, first_use)" },
	{ HEAD "owner: a\nowner: b\n", "m.yaml:4:1: duplicate key 'owner' (first at line 3)" },
	{ "kind: AIDeployment\nname: Support Bot\n", "m.yaml:2:7: 'name' must be 1 to 64 of a-z, "
	    "0-9, '.', '_' and '-', starting with a letter or digit, not 'Support Bot'" },
	{ "kind: AIDeployment\nname: -x\n", "m.yaml:2:7: 'name' must be 1 to 64 of a-z, 0-9, '.', "
	    "'_' and '-', starting with a letter or digit, not '-x'" },
	{ "kind: AIDeployment\nname: true\n",
	    "m.yaml:2:7: 'name' must be a string, not the boolean true" },
	{ HEAD "owner:\n", "m.yaml:3:1: 'owner' is empty" },
	{ HEAD "owner: ~\n", "m.yaml:3:1: 'owner' is empty" },
	{ HEAD "owner: null\n", "m.yaml:3:1: 'owner' is empty" },
	{ HEAD "owner: \"\"\n", "m.yaml:3:1: 'owner' is empty" },
	{ HEAD "owner: [a, b]\n", "m.yaml:3:8: 'owner' must be a scalar, not a sequence" },
	{ HEAD "purpose: {a: b}\n", "m.yaml:3:10: 'purpose' must be a scalar, not a mapping" },
	{ HEAD "transparency_notice: true\n",
	    "m.yaml:3:22: 'transparency_notice' must be a string, not the boolean true" },
	{ HEAD "practices: customer-support\n",
	    "m.yaml:3:12: 'practices' must be a sequence, not a scalar" },
	{ HEAD "practices: [Customer Support]\n",
	    "m.yaml:3:13: 'practices' item 'Customer Support' must be made of a-z, 0-9 and '-'" },
	{ HEAD "practices: [a, b, a]\n", "m.yaml:3:19: duplicate 'a' in 'practices' (first at 3:13)" },
	{ HEAD "practices: [a, [b]]\n", "m.yaml:3:16: 'practices' items must be scalars, not a "
	    "sequence" },
	{ HEAD "practices: [a, ~]\n", "m.yaml:3:16: 'practices' has an empty item" },
	{ HEAD "practices:\n", "m.yaml:3:1: 'practices' is empty" },
	{ HEAD "role: user\n",
	    "m.yaml:3:7: unknown 'role' value 'user' (expected one of: provider, deployer)" },
	{ HEAD "role: Deployer\n",
	    "m.yaml:3:7: unknown 'role' value 'Deployer' (expected one of: provider, deployer)" },
	{ HEAD "risk:\n  clas: high\n", "m.yaml:4:3: unknown key 'clas' in 'risk' (expected one "
	    "of: class, annex_iii_area)" },
	{ HEAD "risk:\n  class: medium\n", "m.yaml:4:10: unknown 'risk.class' value 'medium' "
	    "(expected one of: minimal, limited, high, prohibited)" },
	{ HEAD "risk:\n  annex_iii_area: hr\n", "m.yaml:4:19: unknown 'risk.annex_iii_area' value "
	    "'hr' (expected one of: biometrics, critical-infrastructure, education, employment, "
	    "essential-services, law-enforcement, migration, justice-democracy)" },
	{ HEAD "risk: high\n", "m.yaml:3:7: 'risk' must be a mapping, not a scalar" },
	{ HEAD "risk:\n", "m.yaml:3:1: 'risk' is empty" },
	{ HEAD "risk:\n  class:\n", "m.yaml:4:3: 'risk.class' is empty" },
	{ HEAD "data:\n  personal: \"true\"\n",
	    "m.yaml:4:13: 'data.personal' must be true or false, not the quoted string 'true'" },
	{ HEAD "data:\n  personal: yes\n",
	    "m.yaml:4:13: 'data.personal' must be true or false, not 'yes'" },
	{ HEAD "data:\n  special: True\n",
	    "m.yaml:4:12: 'data.special' must be true or false, not 'True'" },
	{ HEAD "data:\n  special: [true]\n",
	    "m.yaml:4:12: 'data.special' must be a scalar, not a sequence" },
	{ HEAD "data:\n  categories: [ok, Bad_Tag]\n",
	    "m.yaml:4:20: 'data.categories' item 'Bad_Tag' must be made of a-z, 0-9 and '-'" },
	{ HEAD "interacts_with_persons: 1\n",
	    "m.yaml:3:25: 'interacts_with_persons' must be true or false, not '1'" },
	{ HEAD "logging:\n  retention_days: 36501\n",
	    "m.yaml:4:19: 'logging.retention_days' must be from 0 to 36500, not 36501" },
	{ HEAD "logging:\n  retention_days: -1\n",
	    "m.yaml:4:19: 'logging.retention_days' must be from 0 to 36500, not -1" },
	{ HEAD "logging:\n  retention_days: 99999999999999999999\n",
	    "m.yaml:4:19: 'logging.retention_days' must be from 0 to 36500, not "
	    "99999999999999999999" },
	{ HEAD "logging:\n  retention_days: \"200\"\n", "m.yaml:4:19: 'logging.retention_days' "
	    "must be a decimal integer, not the quoted string '200'" },
	{ HEAD "logging:\n  retention_days: 0x10\n",
	    "m.yaml:4:19: 'logging.retention_days' must be a decimal integer, not '0x10'" },
	{ HEAD "logging:\n  retention_days: 0200\n",
	    "m.yaml:4:19: 'logging.retention_days' must be a decimal integer, not '0200'" },
	{ HEAD "logging:\n  retention_days: 1e3\n",
	    "m.yaml:4:19: 'logging.retention_days' must be a decimal integer, not '1e3'" },
	{ HEAD "logging:\n  retention_days: +5\n",
	    "m.yaml:4:19: 'logging.retention_days' must be a decimal integer, not '+5'" },
	{ HEAD "logging:\n  enabled: on\n",
	    "m.yaml:4:12: 'logging.enabled' must be true or false, not 'on'" },
	{ HEAD "first_use: 2026-02-30\n",
	    "m.yaml:3:12: 'first_use' is not a calendar date: '2026-02-30'" },
	{ HEAD "first_use: 2025-02-29\n",
	    "m.yaml:3:12: 'first_use' is not a calendar date: '2025-02-29'" },
	{ HEAD "first_use: 2026-3-1\n",
	    "m.yaml:3:12: 'first_use' must be a date YYYY-MM-DD, not '2026-3-1'" },
	{ HEAD "first_use: 2026-03-01T10:00:00Z\n",
	    "m.yaml:3:12: 'first_use' must be a date YYYY-MM-DD, not '2026-03-01T10:00:00Z'" },
	{ HEAD "first_use: 1969-12-31\n",
	    "m.yaml:3:12: 'first_use' must be from 1970-01-01 to 9999-12-31, not '1969-12-31'" },
	{ HEAD "first_use: 2026-01-1a\n",
	    "m.yaml:3:12: 'first_use' must be a date YYYY-MM-DD, not '2026-01-1a'" },
	{ HEAD "first_use: [2026-01-01]\n",
	    "m.yaml:3:12: 'first_use' must be a scalar, not a sequence" },
	{ HEAD "logging:\n  retention_days: [1]\n",
	    "m.yaml:4:19: 'logging.retention_days' must be a scalar, not a sequence" },
	{ HEAD "practices: [chat, false]\n",
	    "m.yaml:3:19: 'practices' must be a string, not the boolean false" },
	{ HEAD "approved_gateway:\n", "m.yaml:3:1: 'approved_gateway' is empty" },
	{ HEAD "transfer:\n  mechanism: derogation\n  derogation: ~\n",
	    "m.yaml:5:3: 'transfer.derogation' is empty" },
	{ HEAD "providers:\n  - provider: openai\n    model: [x]\n",
	    "m.yaml:5:12: 'providers.model' must be a scalar, not a sequence" },
	{ HEAD "providers:\n  - provider: openai\n    region: true\n",
	    "m.yaml:5:13: 'providers.region' must be a string, not the boolean true" },
	{ HEAD "fria:\n  date: 2026-13-01\n",
	    "m.yaml:4:9: 'fria.date' is not a calendar date: '2026-13-01'" },
	{ HEAD "fria:\n  date: 2026-00-10\n",
	    "m.yaml:4:9: 'fria.date' is not a calendar date: '2026-00-10'" },
	{ HEAD "ai_literacy:\n  record: x\n  when: 2026-01-01\n", "m.yaml:5:3: unknown key 'when' "
	    "in 'ai_literacy' (expected one of: record, date)" },
	{ HEAD "prohibited_screen: []\n",
	    "m.yaml:3:20: 'prohibited_screen' must be a mapping, not a sequence" },
	{ HEAD "oversight:\n  contact: [a]\n",
	    "m.yaml:4:12: 'oversight.contact' must be a scalar, not a sequence" },
	{ HEAD "transfer:\n  mechanism: sccs\n", "m.yaml:4:14: unknown 'transfer.mechanism' value "
	    "'sccs' (expected one of: adequacy, scc, bcr, derogation, none)" },
	{ HEAD "transfer:\n  derogation: Art. 49(1)(b)\n", "m.yaml:4:3: 'transfer.derogation' "
	    "needs 'transfer.mechanism: derogation' (mechanism not given)" },
	{ HEAD "transfer:\n  derogation: x\n  mechanism: scc\n", "m.yaml:4:3: "
	    "'transfer.derogation' needs 'transfer.mechanism: derogation' (mechanism is 'scc')" },
	{ HEAD "transfer:\n  tia_date: 2026-02-29\n",
	    "m.yaml:4:13: 'transfer.tia_date' is not a calendar date: '2026-02-29'" },
	{ HEAD "providers: openai\n", "m.yaml:3:12: 'providers' must be a sequence, not a scalar" },
	{ HEAD "providers:\n  - openai\n",
	    "m.yaml:4:5: 'providers' items must be mappings, not a scalar" },
	{ HEAD "providers:\n  - model: gpt-4o\n",
	    "m.yaml:4:5: missing key 'provider' in 'providers' entry" },
	{ HEAD "providers:\n  - {}\n",
	    "m.yaml:4:5: missing key 'provider' in 'providers' entry" },
	{ HEAD "providers:\n  - provider: OpenAI\n",
	    "m.yaml:4:15: 'providers.provider' must be made of a-z, 0-9 and '-', not 'OpenAI'" },
	{ HEAD "providers:\n  - provider:\n", "m.yaml:4:5: 'providers.provider' is empty" },
	{ HEAD "providers:\n  - provider: openai\n    modl: x\n", "m.yaml:5:5: unknown key 'modl' "
	    "in 'providers' (expected one of: provider, model, endpoint, region, routing, "
	    "dpf_certified)" },
	{ HEAD "providers:\n  - provider: openai\n    region: eu west\n", "m.yaml:5:13: "
	    "'providers.region' must be made of A-Z, a-z, 0-9, '.', '_' and '-', not 'eu west'" },
	{ HEAD "providers:\n  - provider: openai\n    routing: local\n", "m.yaml:5:14: unknown "
	    "'providers.routing' value 'local' (expected one of: regional, datazone, global)" },
	{ HEAD "providers:\n  - provider: openai\n    model: gpt 4o\n", "m.yaml:5:12: "
	    "'providers.model' must be one word of printable ASCII, not 'gpt 4o'" },
	{ HEAD "providers:\n  - provider: openai\n    dpf_certified: no\n",
	    "m.yaml:5:20: 'providers.dpf_certified' must be true or false, not 'no'" },
	{ HEAD "providers:\n  - provider: openai\n    endpoint: ftp://x.example.eu\n",
	    "m.yaml:5:15: bad URL 'ftp://x.example.eu' in 'providers.endpoint': the scheme must be "
	    "http or https" },
	/* One endpoint, two spellings: a duplicate all the same. */
	{ HEAD "providers:\n  - provider: openai\n    endpoint: https://API.openai.com/v1/\n"
	    "  - provider: openai\n    endpoint: https://api.openai.com:443/v1\n",
	    "m.yaml:6:5: 'providers' entry repeats the one at line 4 (same provider, model and "
	    "endpoint)" },
	{ HEAD "providers:\n  - provider: openai\n  - model: gpt-4o\n    provider: openai\n"
	    "  - provider: openai\n", "m.yaml:7:5: 'providers' entry repeats the one at line 4 "
	    "(same provider, model and endpoint)" },
	{ HEAD "approved_gateway: gw.example.eu:8443\n", "m.yaml:3:19: bad URL "
	    "'gw.example.eu:8443' in 'approved_gateway': a bare hostname takes no port or path "
	    "(write a URL)" },
	/* yamldoc's own refusals reach the caller unchanged. */
	{ HEAD "owner: &a x\n", "m.yaml:3:8: anchors are not supported ('&a')" },
	{ HEAD "owner: !!str x\n", "m.yaml:3:8: tags are not supported ('tag:yaml.org,2002:str')" },
	{ HEAD "---\nkind: AIDeployment\n", "m.yaml:3:1: only one document per file" },
};

static void
test_malformed(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(bad[i].text, bad[i].want);
}

static struct vg_manifest *
load_endpoint(const char *endpoint, struct vg_err *err)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), HEAD "providers:\n  - provider: openai\n    endpoint: '%s'\n"
	    "approved_gateway: '%s'\n", endpoint, endpoint);
	return load(buf, err);
}

static void
test_urls_good(void **state)
{
	static const struct {
		const char *in, *scheme, *host;
		uint16_t port;
	} good[] = {
		{ "https://eu.api.openai.com/v1", "https", "eu.api.openai.com", 443 },
		{ "HTTPS://EU.API.OpenAI.com", "https", "eu.api.openai.com", 443 },
		{ "Http://gw.example.eu", "http", "gw.example.eu", 80 },
		{ "http://10.0.0.5:8080/v1/", "http", "10.0.0.5", 8080 },
		{ "https://[2001:DB8:0::0001]:8443", "https", "2001:db8::1", 8443 },
		{ "https://[::1]/", "https", "::1", 443 },
		{ "http://localhost", "http", "localhost", 80 },
		{ "https://gw.example.eu:65535/a/b%20c", "https", "gw.example.eu", 65535 },
		{ "https://gw.example.eu:1", "https", "gw.example.eu", 1 },
		{ "https://my_host.example.eu./x@y", "https", "my_host.example.eu", 443 },
		{ "api.mistral.ai", "", "api.mistral.ai", 0 },
		{ "API.Mistral.AI.", "", "api.mistral.ai", 0 },
		{ "192.0.2.7", "", "192.0.2.7", 0 },
		{ "gateway", "", "gateway", 0 },
	};
	struct vg_err err;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct vg_manifest *m = load_endpoint(good[i].in, &err);

		if (m == NULL)
			fail_msg("%s: %s", good[i].in, err.msg);
		assert_string_equal(m->providers[0].endpoint, good[i].in);
		assert_string_equal(m->providers[0].scheme, good[i].scheme);
		assert_string_equal(m->providers[0].host, good[i].host);
		assert_int_equal(m->providers[0].port, good[i].port);
		assert_string_equal(m->approved_gateway, good[i].in);
		assert_string_equal(m->gateway_host, good[i].host);
		vg_manifest_free(m);
	}
}

static void
test_urls_bad(void **state)
{
	static const struct {
		const char *in, *why;
	} bad_urls[] = {
		{ "ftp://x.example.eu", "the scheme must be http or https" },
		{ "htp://x.example.eu", "the scheme must be http or https" },
		{ "://x.example.eu", "the scheme must be http or https" },
		{ "https://user:pw@x.example.eu/", "user information ('@') is not allowed" },
		{ "https://@x.example.eu", "user information ('@') is not allowed" },
		{ "user@x.example.eu", "user information ('@') is not allowed" },
		{ "https://x.example.eu/v1?a=b", "a query or fragment is not allowed (a base URL "
		    "takes none)" },
		{ "https://x.example.eu/#top", "a query or fragment is not allowed (a base URL "
		    "takes none)" },
		{ "https://x.example .eu", "spaces are not allowed" },
		{ "https://x.example.eu/a b", "spaces are not allowed" },
		{ "https://ex\xc3\xa4mple.eu", "only printable ASCII is allowed" },
		{ "https://", "no host" },
		{ "https:///v1", "no host" },
		{ "https://:443", "no host" },
		{ "https://x.example.eu:0", "the port must be 1 to 65535" },
		{ "https://x.example.eu:65536", "the port must be 1 to 65535" },
		{ "https://x.example.eu:123456", "the port must be 1 to 65535" },
		{ "https://x.example.eu:", "the port must be 1 to 65535" },
		{ "https://x.example.eu:8a/", "the port must be 1 to 65535" },
		{ "https://x.example.eu:1:2", "the port must be 1 to 65535" },
		{ "https://[2001:db8::1", "unclosed '[' in the host" },
		{ "https://[not-ipv6]/", "not a hostname or IP address" },
		{ "https://[::1]x/", "not a hostname or IP address" },
		{ "https://x]/", "not a hostname or IP address" },
		{ "https://*.example.eu", "not a hostname or IP address" },
		{ "https://a..example.eu", "not a hostname or IP address" },
		{ "https://999.1.1.1", "not a hostname or IP address" },
		{ "https://1.2.3", "not a hostname or IP address" },
		{ "https://x!.example.eu", "not a hostname or IP address" },
		{ "x.example.eu:443", "a bare hostname takes no port or path (write a URL)" },
		{ "x.example.eu/v1", "a bare hostname takes no port or path (write a URL)" },
		{ "[::1]", "an IPv6 address needs a URL (https://[...])" },
		{ "exa!mple.eu", "not a hostname or IPv4 address" },
		{ "*.example.eu", "not a hostname or IPv4 address" },
		{ "10.0.0.256", "not a hostname or IPv4 address" },
	};
	char want[512];
	struct vg_err err;

	for (size_t i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
		struct vg_manifest *m = load_endpoint(bad_urls[i].in, &err);

		if (m != NULL) {
			vg_manifest_free(m);
			fail_msg("accepted %s", bad_urls[i].in);
		}
		snprintf(want, sizeof(want), "m.yaml:5:15: bad URL '%s' in 'providers.endpoint': %s",
		    bad_urls[i].in, bad_urls[i].why);
		if (strcmp(err.msg, want) != 0)
			fail_msg("got    \"%s\"\nwanted \"%s\"", err.msg, want);
	}
}

/* A host of 253 bytes is the longest name; the error shows 64 bytes of the value. */
static void
test_url_long_host(void **state)
{
	char host[300], url[320];
	struct vg_err err;
	struct vg_manifest *m;

	memset(host, 0, sizeof(host));
	for (size_t i = 0; i < 253; i++)
		host[i] = i % 50 == 49 ? '.' : 'h';
	snprintf(url, sizeof(url), "https://%s/v1", host);
	if ((m = load_endpoint(url, &err)) == NULL)
		fail_msg("%s", err.msg);
	assert_string_equal(m->providers[0].host, host);
	vg_manifest_free(m);
	host[253] = 'h';
	snprintf(url, sizeof(url), "https://%s/v1", host);
	assert_null(load_endpoint(url, &err));
	assert_string_equal(err.msg, "m.yaml:5:15: bad URL 'https://hhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
	    "hhhhhhhhhhhhhhhhhhhh.hhhhhh...' in 'providers.endpoint': not a hostname or "
	    "IP address");
}

/* Policy test cases embed manifests; the manifest outlives the document it came from. */
static void
test_from_node(void **state)
{
	static const char text[] =
	    "cases:\n"
	    "  - manifest:\n"
	    "      kind: AIDeployment\n"
	    "      name: embedded\n"
	    "      owner: Team A\n"
	    "      practices: [chat]\n"
	    "      providers:\n"
	    "        - provider: openai\n"
	    "          endpoint: https://eu.api.openai.com\n"
	    "  - manifest:\n"
	    "      kind: AIDeployment\n"
	    "      name: broken\n"
	    "      risk: {class: huge}\n";
	struct vg_err err;
	struct vg_ydoc *d = vg_ydoc_load_mem("p.yaml", text, sizeof(text) - 1, &err);
	const struct vg_ynode *cases;
	struct vg_manifest *m;

	if (d == NULL)
		fail_msg("%s", err.msg);
	cases = vg_ymap_get(vg_ydoc_root(d), "cases");
	m = vg_manifest_from_node(d, vg_ymap_get(cases->items[0], "manifest"), &err);
	if (m == NULL)
		fail_msg("%s", err.msg);
	assert_null(vg_manifest_from_node(d, vg_ymap_get(cases->items[1], "manifest"), &err));
	assert_string_equal(err.msg, "p.yaml:13:21: unknown 'risk.class' value 'huge' (expected "
	    "one of: minimal, limited, high, prohibited)");
	assert_null(vg_manifest_from_node(d, cases, &err));
	assert_string_equal(err.msg, "p.yaml:2:3: a manifest must be a mapping, not a sequence");
	vg_ydoc_free(d);
	/* Everything below reads copies: the document is gone. */
	assert_string_equal(m->file, "p.yaml");
	assert_int_equal(m->line, 3);
	assert_string_equal(m->name, "embedded");
	assert_string_equal(m->owner, "Team A");
	assert_string_equal(m->practices.items[0], "chat");
	assert_string_equal(m->providers[0].provider, "openai");
	assert_string_equal(m->providers[0].endpoint, "https://eu.api.openai.com");
	assert_int_equal(m->providers[0].line, 8);
	assert_int_equal(m->providers[0].col, 11);
	assert_int_equal(m->providers[0].provider_line, 8);
	assert_int_equal(m->providers[0].provider_col, 21);
	assert_int_equal(m->providers[0].endpoint_line, 9);
	assert_int_equal(m->providers[0].endpoint_col, 21);
	vg_manifest_free(m);
}

static void
test_file_errors(void **state)
{
	struct vg_err err;

	assert_null(vg_manifest_load(VG_SRCDIR "/tests/data/no-such-manifest.yaml", &err));
	assert_string_equal(err.msg, VG_SRCDIR "/tests/data/no-such-manifest.yaml: cannot open: "
	    "No such file or directory");
	/* A policy given where a manifest is expected: one clear error, not a list of unknown keys. */
	assert_null(load("# a policy\npolicy: gdpr\ncontrols: []\n", &err));
	assert_string_equal(err.msg, "m.yaml:2:1: missing key 'kind' (expected kind: AIDeployment)");
}

static void
test_catalog_check(void **state)
{
	static const char text[] = HEAD
	    "owner: o\n"
	    "providers:\n"
	    "  - provider: mistral\n"
	    "  - provider: openai\n"
	    "    model: gpt-4o\n"
	    "  - provider: aws\n"
	    "    model: anthropic.claude-3-5-sonnet-20240620-v1:0\n"
	    "  - model: x\n"
	    "    provider: %s\n";
	static const struct {
		const char *id, *want;
	} cases[] = {
		{ "opneai", "m.yaml:11:15: unknown provider 'opneai' (not in ai-endpoints.yaml); "
		    "did you mean 'openai'?" },
		{ "mistal", "m.yaml:11:15: unknown provider 'mistal' (not in ai-endpoints.yaml); "
		    "did you mean 'mistral'?" },
		{ "anthropicc", "m.yaml:11:15: unknown provider 'anthropicc' (not in "
		    "ai-endpoints.yaml); did you mean 'anthropic'?" },
		{ "gogle", "m.yaml:11:15: unknown provider 'gogle' (not in ai-endpoints.yaml); "
		    "did you mean 'google'?" },
		{ "acme-ai", "m.yaml:11:15: unknown provider 'acme-ai' (not in ai-endpoints.yaml)" },
		{ "opxyzi", "m.yaml:11:15: unknown provider 'opxyzi' (not in ai-endpoints.yaml)" },
		{ "openai", NULL },
		{ "aleph-alpha", NULL },
	};
	char buf[1024];
	struct vg_err err;
	struct vg_catalog *c = vg_catalog_load(VG_SRCDIR "/rules/ai-endpoints.yaml", &err);

	if (c == NULL)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vg_manifest *m;

		snprintf(buf, sizeof(buf), text, cases[i].id);
		if ((m = load(buf, &err)) == NULL)
			fail_msg("%s", err.msg);
		assert_string_equal(m->providers[2].model, "anthropic.claude-3-5-sonnet-20240620-v1:0");
		if (cases[i].want == NULL) {
			if (!vg_manifest_check(m, c, &err))
				fail_msg("%s: %s", cases[i].id, err.msg);
		} else {
			assert_false(vg_manifest_check(m, c, &err));
			assert_string_equal(err.msg, cases[i].want);
		}
		vg_manifest_free(m);
	}
	vg_catalog_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_partial_and_other_values),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_urls_good),
		cmocka_unit_test(test_urls_bad),
		cmocka_unit_test(test_url_long_host),
		cmocka_unit_test(test_from_node),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_catalog_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
