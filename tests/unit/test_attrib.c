/* test_attrib.c - the shipped rules: they load, cross-check, and attribute known endpoints as documented. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "attrib.h"

static struct vg_attrib *a;

static int
setup(void **state)
{
	char dir[4096];
	const char *top = getenv("top_srcdir");
	struct vg_err err;

	snprintf(dir, sizeof(dir), "%s/rules", top != NULL ? top : VG_SRCDIR);
	if ((a = vg_attrib_load(dir, &err)) == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	vg_attrib_free(a);
	return 0;
}

/* Expected values come from the research notes and the providers' documentation, not from the rules. */
static void
test_jurisdictions(void **state)
{
	const struct vg_juris *j = vg_attrib_juris(a);
	const struct vg_country *c;

	assert_int_equal(vg_juris_country(j, "DE")->groups, VG_JG_EU | VG_JG_EEA);
	assert_int_equal(vg_juris_country(j, "NO")->groups, VG_JG_EEA);
	assert_int_equal(vg_juris_country(j, "IS")->groups, VG_JG_EEA);
	assert_int_equal(vg_juris_country(j, "CH")->groups, VG_JG_ADEQUATE);
	assert_int_equal(vg_juris_country(j, "CN")->groups, VG_JG_THIRD);
	assert_int_equal(vg_juris_country(j, "IN")->groups, VG_JG_THIRD);
	c = vg_juris_country(j, "US");
	assert_int_equal(c->groups, VG_JG_ADEQUATE);
	assert_non_null(strstr(c->decision, "2023/1795"));
	assert_non_null(strstr(c->scope, "Data Privacy Framework"));
	c = vg_juris_country(j, "BR");
	assert_int_equal(c->groups, VG_JG_ADEQUATE);
	assert_non_null(strstr(c->decision, "2026/179"));
	assert_int_equal(vg_juris_country(j, "GB")->groups, VG_JG_ADEQUATE);
	assert_int_equal(vg_juris_country(j, "JP")->groups, VG_JG_ADEQUATE);
	assert_null(vg_juris_country(j, "XX"));
	assert_null(vg_juris_country(j, "de"));
	/* 27 EU members, EU27 + IS LI NO in the EEA (outermost regions have their own codes). */
	int eu = 0;
	static const char *const eu27[] = { "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI",
		"FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO",
		"SK", "SI", "ES", "SE" };
	for (size_t i = 0; i < 27; i++)
		eu += (vg_juris_country(j, eu27[i])->groups & VG_JG_EU) != 0;
	assert_int_equal(eu, 27);
}

static void
test_regions(void **state)
{
	const struct vg_juris *j = vg_attrib_juris(a);

	assert_string_equal(vg_juris_region(j, "aws", "eu-central-1"), "DE");
	assert_string_equal(vg_juris_region(j, "aws", "eu-west-1"), "IE");
	assert_string_equal(vg_juris_region(j, "aws", "us-east-1"), "US");
	assert_string_equal(vg_juris_region(j, "azure", "westeurope"), "NL");
	assert_string_equal(vg_juris_region(j, "azure", "swedencentral"), "SE");
	assert_string_equal(vg_juris_region(j, "gcp", "europe-west4"), "NL");
	assert_string_equal(vg_juris_region(j, "gcp", "europe-west3"), "DE");
	assert_string_equal(vg_juris_region(j, "oci", "eu-frankfurt-1"), "DE");
	assert_string_equal(vg_juris_region(j, "alibaba", "cn-hangzhou"), "CN");
	assert_null(vg_juris_region(j, "aws", "europe-west4"));
	assert_null(vg_juris_region(j, "moon", "eu-central-1"));
}

static void
expect(const char *host, const char *provider, const char *country, unsigned groups)
{
	struct vg_dest d;

	if (!vg_attrib_host(a, host, VG_BASIS_TLS_SNI, &d))
		fail_msg("%s: no rule", host);
	assert_string_equal(d.provider, provider);
	if (country == NULL)
		assert_null(d.country);
	else
		assert_string_equal(d.country, country);
	assert_int_equal(d.groups, groups);
	assert_int_equal(d.confidence, VG_CONF_HIGH);
}

static void
test_endpoints(void **state)
{
	struct vg_dest d;

	expect("bedrock-runtime.eu-central-1.amazonaws.com", "aws", "DE", VG_JG_EU | VG_JG_EEA);
	expect("bedrock-runtime.us-west-2.amazonaws.com", "aws", "US", VG_JG_ADEQUATE);
	expect("europe-west4-aiplatform.googleapis.com", "google", "NL", VG_JG_EU | VG_JG_EEA);
	/* OpenAI and Mistral pin these hosts to the EEA and Switzerland: area eea, not eu. */
	expect("eu.api.openai.com", "openai", NULL, VG_JG_EEA);
	expect("api.deepseek.com", "deepseek", "CN", VG_JG_THIRD);
	expect("api.openai.com", "openai", NULL, 0);
	expect("myresource.openai.azure.com", "microsoft", NULL, 0);
	expect("api.mistral.ai", "mistral", NULL, 0);
	expect("api.eu.mistral.ai", "mistral", NULL, VG_JG_EEA);

	/* Where the hostname cannot tell, the reason says why. */
	assert_true(vg_attrib_host(a, "api.openai.com", VG_BASIS_DNS, &d));
	assert_non_null(d.reason);
	assert_int_equal(d.confidence, VG_CONF_MEDIUM);
	assert_string_equal(d.legal_seat, "US");
	assert_true(vg_attrib_host(a, "api.mistral.ai", VG_BASIS_TLS_SNI, &d));
	assert_string_equal(d.legal_seat, "FR");
	/* Not AI: nothing attributed, everything unknown. */
	assert_false(vg_attrib_host(a, "www.example.org", VG_BASIS_TLS_SNI, &d));
	assert_null(d.provider);
	assert_int_equal(d.basis, VG_BASIS_NONE);
	assert_false(vg_attrib_host(a, "openai.com.evil.example", VG_BASIS_TLS_SNI, &d));
}

/* Shipped rules plus one range file in a scratch directory. */
static struct vg_attrib *
with_ranges(char *tmp)
{
	static const char ranges[] =
	    "version: 2026-11-22\n"
	    "source: https://ip-ranges.amazonaws.com/ip-ranges.json\n"
	    "ranges:\n"
	    "  - prefix: 3.120.0.0/14\n"
	    "    provider: aws\n"
	    "    service: EC2\n"
	    "    region: eu-central-1\n"
	    "    cloud: aws\n"
	    "  - prefix: 104.16.0.0/13\n"
	    "    provider: cloudflare\n"
	    "    anycast: true\n";
	const char *top = getenv("top_srcdir");
	char path[512], target[512];
	static const char *const files[] = { "ai-endpoints.yaml", "cloud-regions.yaml",
		"jurisdictions.yaml" };
	struct vg_attrib *b;
	struct vg_err err;
	FILE *fp;

	strcpy(tmp, "/tmp/vigie-rules-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	for (size_t i = 0; i < 3; i++) {
		snprintf(target, sizeof(target), "%s/rules/%s", top != NULL ? top : VG_SRCDIR, files[i]);
		snprintf(path, sizeof(path), "%s/%s", tmp, files[i]);
		assert_int_equal(symlink(target, path), 0);
	}
	snprintf(path, sizeof(path), "%s/ip-ranges", tmp);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/ip-ranges/aws.yaml", tmp);
	assert_non_null(fp = fopen(path, "w"));
	fputs(ranges, fp);
	fclose(fp);
	if ((b = vg_attrib_load(tmp, &err)) == NULL)
		fail_msg("%s", err.msg);
	return b;
}

static void
test_address_and_precedence(void **state)
{
	char tmp[64], cmd[128];
	struct vg_attrib *b = with_ranges(tmp);
	struct vg_flow_record r;
	struct vg_dest d;
	struct vg_addr ip;

	/* A cloud range gives its region's country, with medium confidence. */
	assert_true(vg_addr_parse("3.121.4.5", &ip));
	assert_true(vg_attrib_addr(b, &ip, &d));
	assert_string_equal(d.provider, "aws");
	assert_string_equal(d.country, "DE");
	assert_int_equal(d.basis, VG_BASIS_IP_RANGE);
	assert_int_equal(d.confidence, VG_CONF_MEDIUM);
	assert_int_equal(d.prefix_len, 14);
	/* An anycast range names the network and no country. */
	assert_true(vg_addr_parse("104.18.32.7", &ip));
	assert_true(vg_attrib_addr(b, &ip, &d));
	assert_true(d.anycast);
	assert_null(d.country);
	assert_non_null(d.reason);
	/* Nothing known and no GeoIP: nothing learnt. */
	assert_true(vg_addr_parse("192.0.2.9", &ip));
	assert_false(vg_attrib_addr(b, &ip, &d));
	assert_int_equal(d.basis, VG_BASIS_NONE);

	/* A catalog hostname outranks the range of the address it went to. */
	memset(&r, 0, sizeof(r));
	assert_true(vg_addr_parse("3.121.4.5", &r.dst_ip));
	r.hostname = "api.openai.com";
	r.hostname_source = VG_HS_DNS;
	assert_true(vg_attrib_flow(b, &r, &d));
	assert_string_equal(d.provider, "openai");
	assert_int_equal(d.basis, VG_BASIS_DNS);
	assert_null(d.country);
	/* A hostname the catalog does not know leaves the address to speak. */
	r.hostname = "www.example.org";
	r.hostname_source = VG_HS_TLS;
	assert_false(vg_attrib_flow(b, &r, &d));
	assert_string_equal(d.country, "DE");
	assert_int_equal(d.basis, VG_BASIS_IP_RANGE);
	vg_attrib_free(b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

static void
test_catalog_size(void **state)
{
	size_t providers, services;
	size_t rules = vg_catalog_count(vg_attrib_catalog(a), &providers, &services);

	/* The issue asks for at least 40 services; every rule's sample was checked at load. */
	assert_true(services >= 40);
	assert_true(providers >= 30);
	assert_true(rules >= services);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jurisdictions),
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_address_and_precedence),
		cmocka_unit_test(test_catalog_size),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
