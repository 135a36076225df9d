/* catalog-bench.c - hostname lookups per second over the shipped endpoint catalog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attrib.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	/* Names that are not AI endpoints: most traffic, and the path that probes every suffix. */
	static const char *const misses[] = { "www.example.org", "fonts.gstatic.com",
		"login.microsoftonline.com", "s3.eu-central-1.amazonaws.com", "api.github.com",
		"cdn.jsdelivr.net", "a.b.c.d.e.f.example.co.uk", "telemetry.internal.corp.example" };
	const char *names[8192];
	size_t n = 0, rules, hits = 0;
	struct vg_err err;
	struct vg_attrib *a;
	const struct vg_catalog *c;
	struct vg_host_match m;
	double t0, t;
	unsigned long total = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000000ul;

	if (argc < 2 || (a = vg_attrib_load(argv[1], &err)) == NULL) {
		fprintf(stderr, "usage: catalog-bench RULES_DIR [LOOKUPS]%s%s\n", argc < 2 ? "" : ": ",
		    argc < 2 ? "" : err.msg);
		return 2;
	}
	c = vg_attrib_catalog(a);
	rules = vg_catalog_count(c, NULL, NULL);
	/* Every sample (a hit) and, for each, a miss: half the lookups find nothing. */
	for (size_t i = 0; i < rules && n + 2 <= sizeof(names) / sizeof(names[0]); i++) {
		names[n++] = vg_catalog_rule(c, i)->sample;
		names[n++] = misses[i % (sizeof(misses) / sizeof(misses[0]))];
	}
	t0 = now();
	for (unsigned long i = 0; i < total; i++)
		hits += vg_catalog_match(c, names[i % n], &m);
	t = now() - t0;
	printf("catalog: %zu rules, %zu distinct names, %lu lookups (%zu hits) in %.3f s: "
	    "%.2f million lookups/s (target >= 5)\n", rules, n, total, hits, t, total / t / 1e6);
	vg_attrib_free(a);
	return 0;
}
