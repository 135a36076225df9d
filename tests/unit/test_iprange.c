/* test_iprange.c - range files: loading, strictness with FILE:LINE:COL, longest match, duplicates. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "iprange.h"

static char dir[64];

static void
put_file(const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	strcpy(dir, "/tmp/vigie-iprange-XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char good_a[] =
    "version: 2026-11-22\n"
    "source: https://ip-ranges.amazonaws.com/ip-ranges.json\n"
    "ranges:\n"
    "  - prefix: 3.120.0.0/14\n"
    "    provider: aws\n"
    "    service: EC2\n"
    "    region: eu-central-1\n"
    "    cloud: aws\n"
    "  - prefix: 3.122.0.0/16\n"
    "    provider: aws\n"
    "    service: S3\n"
    "    region: eu-central-1\n"
    "    cloud: aws\n"
    "  - prefix: 2a05:d014::/35\n"
    "    provider: aws\n"
    "    region: eu-central-1\n"
    "    cloud: aws\n";
static const char good_b[] =
    "version: 2026-11-01\n"
    "source: https://www.cloudflare.com/ips-v4/\n"
    "ranges:\n"
    "  - prefix: 104.16.0.0/13\n"
    "    provider: cloudflare\n"
    "    anycast: true\n"
    "  - prefix: 3.120.0.0/14\n"
    "    provider: elsewhere\n";

static void
test_load_and_match(void **state)
{
	struct vg_ipranges *r;
	struct vg_err err;
	struct vg_addr a;
	const struct vg_iprange *e;
	size_t files, dups;
	unsigned len;

	put_file("a-aws.yaml", good_a);
	put_file("b-cdn.yaml", good_b);
	put_file("ignored.txt", "not yaml at all: [");
	r = vg_ipranges_load(dir, &err);
	if (r == NULL)
		fail_msg("%s", err.msg);
	/* Four distinct prefixes; the second 3.120.0.0/14 loses to the first file. */
	assert_int_equal(vg_ipranges_count(r, &files, &dups), 4);
	assert_int_equal(files, 2);
	assert_int_equal(dups, 1);
	assert_true(vg_addr_parse("3.122.1.2", &a));
	e = vg_ipranges_lookup(r, &a, &len);
	assert_non_null(e);
	assert_string_equal(e->service, "S3"); /* the /16 inside the /14 */
	assert_int_equal(len, 16);
	assert_int_equal(e->line, 9);
	assert_true(vg_addr_parse("3.121.0.1", &a));
	e = vg_ipranges_lookup(r, &a, &len);
	assert_string_equal(e->provider, "aws");
	assert_string_equal(e->region, "eu-central-1");
	assert_true(vg_addr_parse("2a05:d014:1::1", &a));
	assert_non_null(vg_ipranges_lookup(r, &a, NULL));
	assert_true(vg_addr_parse("104.18.0.1", &a));
	e = vg_ipranges_lookup(r, &a, NULL);
	assert_true(e->anycast);
	assert_string_equal(e->source, "https://www.cloudflare.com/ips-v4/");
	assert_true(vg_addr_parse("192.0.2.1", &a));
	assert_null(vg_ipranges_lookup(r, &a, NULL));
	vg_ipranges_free(r);
	vg_ipranges_free(NULL);
}

static void
expect_error(const char *text, const char *want)
{
	struct vg_ipranges *r;
	struct vg_err err;
	char full[256];

	put_file("x.yaml", text);
	r = vg_ipranges_load(dir, &err);
	if (r != NULL) {
		vg_ipranges_free(r);
		fail_msg("accepted, wanted %s", want);
	}
	snprintf(full, sizeof(full), "%s/x.yaml:%s", dir, want);
	if (strncmp(err.msg, full, strlen(full)) != 0)
		fail_msg("got \"%s\", wanted \"%s\"", err.msg, full);
}

static void
test_malformed(void **state)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/a-aws.yaml", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/b-cdn.yaml", dir);
	unlink(path);
	expect_error("version: x\nsource: s\nranges:\n  - prefix: 10.0.0.1/8\n    provider: p\n",
	    "4:13: '10.0.0.1/8' is not a CIDR prefix");
	expect_error("version: x\nsource: s\nranges:\n  - prefix: 10.0.0.0/8\n",
	    "4:5: missing key 'provider'");
	expect_error("version: x\nsource: s\nranges:\n  - prefix: 10.0.0.0/8\n    provider: p\n"
	    "    region: r\n", "6:13: a region needs cloud");
	expect_error("version: x\nsource: s\nranges:\n  - prefix: 10.0.0.0/8\n    provider: p\n"
	    "    anycast: yes\n", "6:14: anycast must be true or false");
	expect_error("version: x\nranges: []\n", "1:1: missing key 'source'");
	expect_error("version: x\nsource: s\nranges: {}\n", "3:9: ranges must be a sequence");
	expect_error("version: x\nsource: s\nranges: []\nmore: 1\n", "4:1: unknown key 'more'");
}

static void
test_missing_dir(void **state)
{
	struct vg_err err;
	struct vg_ipranges *r = vg_ipranges_load("/nonexistent/ip-ranges", &err);
	struct vg_addr a;

	assert_non_null(r); /* no range files is a valid setup */
	assert_int_equal(vg_ipranges_count(r, NULL, NULL), 0);
	assert_true(vg_addr_parse("1.1.1.1", &a));
	assert_null(vg_ipranges_lookup(r, &a, NULL));
	vg_ipranges_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_match),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_missing_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
