/* cmd_explain.c - `vigie explain`: how a hostname is attributed, with the evidence and sources. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "attrib.h"
#include "cmd.h"
#include "hostname.h"
#include "geoip.h"
#include "paths.h"

/* ["eu", "eea"] for a group mask. */
static json_t *
groups_json(unsigned groups)
{
	const char *g[4];
	unsigned n = vg_juris_group_names(groups, g);
	json_t *a = json_array();

	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, json_string(g[i]));
	return a;
}

static json_t *
country_json(const struct vg_juris *j, const char *code)
{
	const struct vg_country *c = code != NULL ? vg_juris_country(j, code) : NULL;
	json_t *o;

	if (c == NULL)
		return json_null();
	o = json_pack("{s:s,s:s,s:o}", "code", c->code, "name", c->name, "groups",
	    groups_json(c->groups));
	if (c->decision != NULL)
		json_object_set_new(o, "adequacy", json_pack("{s:s,s:s,s:s,s:s}", "decision",
		    c->decision, "date", c->decision_date, "scope", c->scope, "source", c->source));
	return o;
}

static void
print_country(const struct vg_juris *j, const char *label, const char *code)
{
	const struct vg_country *c = vg_juris_country(j, code);
	const char *g[4];
	unsigned n;

	if (c == NULL) {
		printf("  %-11s %s\n", label, code);
		return;
	}
	n = vg_juris_group_names(c->groups, g);
	printf("  %-11s %s (%s):", label, c->name, c->code);
	for (unsigned i = 0; i < n; i++)
		printf(" %s", g[i]);
	printf("\n");
	if (c->decision != NULL)
		printf("  %-11s %s of %s; %s\n", "", c->decision, c->decision_date, c->scope);
}

static int
explain_one(const struct vg_attrib *a, const char *arg, bool json)
{
	const struct vg_juris *j = vg_attrib_juris(a);
	const struct vg_catalog *cat = vg_attrib_catalog(a);
	char host[VG_HOSTNAME_MAX + 1];
	struct vg_dest d;
	struct vg_addr ip;
	bool matched;
	json_t *o;

	if (vg_addr_parse(arg, &ip)) {
		char text[VG_ADDR_STRLEN];
		bool learnt = vg_attrib_addr(a, &ip, &d);

		vg_addr_str(&ip, text, sizeof(text));
		if (json) {
			json_t *groups = groups_json(d.groups);

			o = json_pack("{s:s,s:s,s:s,s:b}", "type", "explain", "query", arg, "address",
			    text, "matched", learnt);
			json_object_set_new(o, "dest", json_pack(
			    "{s:s?,s:s?,s:s?,s:s?,s:s?,s:o,s:s?,s:s?,s:b,s:s?}",
			    "provider", d.provider, "service", d.service,
			    "region", d.region[0] ? d.region : NULL, "cloud", d.cloud[0] ? d.cloud : NULL,
			    "country", d.country, "jurisdiction", groups, "basis", vg_basis_name(d.basis),
			    "confidence", vg_confidence_name(d.confidence), "anycast", d.anycast,
			    "reason", d.reason));
			json_object_set_new(o, "country", country_json(j, d.country));
			if (d.basis == VG_BASIS_IP_RANGE)
				json_object_set_new(o, "rule", json_pack("{s:s,s:i,s:i,s:s}", "file", d.file,
				    "line", (int)d.line, "prefix_len", (int)d.prefix_len, "source",
				    d.source));
			json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
			json_decref(o);
			putchar('\n');
			return VG_EXIT_OK;
		}
		printf("%s\n", text);
		if (!learnt) {
			printf("  unknown: no IP range holds it and %s\n", a != NULL &&
			    vg_attrib_has_geoip(a) ? "the GeoIP database has no country for it" :
			    "no GeoIP database is loaded");
			return VG_EXIT_OK;
		}
		if (d.provider != NULL)
			printf("  %-11s %s%s%s\n", "provider", d.provider, d.service ? ", service " : "",
			    d.service ? d.service : "");
		if (d.country != NULL)
			print_country(j, "located in", d.country);
		else
			printf("  %-11s unknown: %s\n", "located in", d.reason != NULL ? d.reason : "-");
		if (d.region[0] != '\0')
			printf("  %-11s %s region %s\n", "region", d.cloud, d.region);
		if (d.basis == VG_BASIS_IP_RANGE)
			printf("  %-11s /%u (%s:%u)\n  %-11s %s\n", "range", d.prefix_len, d.file, d.line,
			    "source", d.source);
		printf("  %-11s %s (%s confidence)\n", "basis", vg_basis_name(d.basis),
		    vg_confidence_name(d.confidence));
		return VG_EXIT_OK;
	}
	if (!vg_hostname_canon((const uint8_t *)arg, strlen(arg), host)) {
		vg_warn("explain: '%s' is neither a hostname nor an IP address", arg);
		return VG_EXIT_USAGE;
	}
	matched = vg_attrib_host(a, host, VG_BASIS_NAME, &d);
	if (json) {
		json_t *groups = groups_json(d.groups);

		o = json_pack("{s:s,s:s,s:s,s:b}", "type", "explain", "query", arg, "hostname", host,
		    "matched", matched);
		if (matched) {
			json_object_set_new(o, "dest", json_pack(
			    "{s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:o,s:s,s:s,s:s?,s:s?,s:b}",
			    "provider", d.provider, "provider_name", d.provider_name,
			    "service", d.service, "service_name", d.service_name,
			    "category", d.category, "region", d.region[0] ? d.region : NULL,
			    "cloud", d.cloud[0] ? d.cloud : NULL, "country", d.country, "area", d.area,
			    "jurisdiction", groups, "basis", vg_basis_name(d.basis),
			    "confidence", vg_confidence_name(d.confidence), "reason", d.reason,
			    "note", d.note, "storage_only", d.storage_only));
			json_object_set_new(o, "country", country_json(j, d.country));
			json_object_set_new(o, "legal_seat", country_json(j, d.legal_seat));
			json_object_set_new(o, "rule", json_pack("{s:s,s:s,s:i,s:s}", "pattern", d.pattern,
			    "file", vg_catalog_file(cat), "line", (int)d.line, "source", d.source));
		} else {
			json_decref(groups);
			json_object_set_new(o, "dest", json_null());
		}
		json_object_set_new(o, "rules", json_pack("{s:s,s:s,s:s}", "catalog",
		    vg_catalog_version(cat), "cloud_regions", vg_regions_version(j), "jurisdictions",
		    vg_juris_version(j)));
		json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
		json_decref(o);
		putchar('\n');
		return VG_EXIT_OK;
	}
	printf("%s\n", host);
	if (!matched) {
		printf("  not an AI endpoint of the catalog (%s, version %s)\n", vg_catalog_file(cat),
		    vg_catalog_version(cat));
		return VG_EXIT_OK;
	}
	printf("  %-11s %s (%s), %s\n", "service", d.service_name, d.service, d.category);
	printf("  %-11s %s (%s)\n", "provider", d.provider_name, d.provider);
	print_country(j, "legal seat", d.legal_seat);
	if (d.country != NULL)
		print_country(j, d.storage_only ? "storage in" : "runs in", d.country);
	else if (d.area != NULL) {
		const char *g[4];
		unsigned n = vg_juris_group_names(d.groups, g);

		printf("  %-11s area %s%s", "runs in", d.area, n > 0 ? ":" : "");
		for (unsigned i = 0; i < n; i++)
			printf(" %s", g[i]);
		printf(", no single country\n");
	}
	else
		printf("  %-11s unknown: %s\n", "runs in", d.reason != NULL ? d.reason : "-");
	if (d.region[0] != '\0')
		printf("  %-11s %s region %s\n", "region", d.cloud[0] ? d.cloud : "?", d.region);
	if (d.note != NULL)
		printf("  %-11s %s\n", "note", d.note);
	printf("  %-11s %s (%s:%u)\n", "matched", d.pattern, vg_catalog_file(cat), d.line);
	printf("  %-11s %s\n", "source", d.source);
	printf("  %-11s catalog %s, cloud regions %s, jurisdictions %s\n", "rules",
	    vg_catalog_version(cat), vg_regions_version(j), vg_juris_version(j));
	return VG_EXIT_OK;
}

int
vg_cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "rules", required_argument, NULL, 'r' },
		{ "geoip", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rules = NULL, *geoip_path = NULL;
	struct vg_attrib *a;
	struct vg_geoip *geoip;
	bool json = false;
	int ch, rc = VG_EXIT_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "f:r:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0) {
				vg_warn("explain: unknown format '%s' (text, json)", optarg);
				return VG_EXIT_USAGE;
			}
			break;
		case 'r':
			rules = optarg;
			break;
		case 'G':
			geoip_path = optarg;
			break;
		case 'h':
			puts("usage: vigie explain [-f text|json] [-r RULES_DIR] [--geoip FILE|none] HOSTNAME|IP...");
			return VG_EXIT_OK;
		default:
			fputs("usage: vigie explain [-f text|json] [-r RULES_DIR] [--geoip FILE|none] "
			    "HOSTNAME|IP...\n",
			    stderr);
			return VG_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		vg_warn("explain: no hostname or address given");
		return VG_EXIT_USAGE;
	}
	if ((a = vg_cmd_attrib(rules, geoip_path, &geoip)) == NULL)
		return VG_EXIT_USAGE;
	for (int i = optind; i < argc; i++) {
		int r = explain_one(a, argv[i], json);
		if (r != VG_EXIT_OK)
			rc = r;
	}
	vg_attrib_free(a);
	vg_geoip_close(geoip);
	return rc;
}
