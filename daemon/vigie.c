/* vigie.c - the vigie command: dispatches to the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "attrib.h"
#include "cmd.h"
#include "geoip.h"
#include "paths.h"

void
vg_warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vigie: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct vg_attrib *
vg_cmd_attrib(const char *rules_dir, const char *geoip_path, struct vg_geoip **geoip)
{
	char rbuf[4096], gbuf[4096], tried[2048];
	struct vg_attrib *a;
	struct vg_err err;

	*geoip = NULL;
	if (rules_dir == NULL)
		rules_dir = vg_default_rules_dir(rbuf, sizeof(rbuf));
	if ((a = vg_attrib_load(rules_dir, &err)) == NULL) {
		vg_warn("%s", err.msg);
		return NULL;
	}
	if (geoip_path != NULL && strcmp(geoip_path, "none") == 0)
		return a;
	if (geoip_path == NULL && (geoip_path = vg_find_geoip(gbuf, sizeof(gbuf), tried,
	    sizeof(tried))) == NULL) {
		vg_warn("no GeoIP database (looked for %s); addresses that no name or range "
		    "explains get no country (contrib/install-geoip.sh installs one)", tried);
		return a;
	}
	if ((*geoip = vg_geoip_open(geoip_path, &err)) == NULL) {
		vg_warn("%s", err.msg);
		vg_attrib_free(a);
		return NULL;
	}
	vg_attrib_set_geoip(a, *geoip);
	return a;
}

static void
usage(FILE *fp)
{
	fputs("usage: vigie scan [-p POLICY|none]... [-m MANIFEST]... [-f text|json] [-o FILE]\n"
	      "                  [-r RULES_DIR] [--geoip FILE|none] [--fail-on SEVERITY]\n"
	      "                  [--date YYYY-MM-DD] [--results fail|all] [-q] [--max-flows N]\n"
	      "                  [--db FILE [--signing-key KEY] [--syslog DEST]... [--jsonl FILE]]\n"
	      "                  CAPTURE...\n"
	      "       vigie check [-p POLICY]... [-m MANIFEST]... [-f text|json|sarif|junit]\n"
	      "                   [-o FILE] [--fail-on SEVERITY] [--exclude GLOB]...\n"
	      "                   [--capture FILE]... [--baseline FILE] [--write-baseline FILE]\n"
	      "                   [--db FILE [--signing-key KEY] [--syslog DEST]... [--jsonl FILE]]\n"
	      "                   PATH...\n"
	      "       vigie policy lint POLICY...\n"
	      "       vigie policy test [-v] [-r RULES_DIR] TEST|POLICY|DIR...\n"
	      "       vigie policy show [-f text|json] [POLICY|DIR...]\n"
	      "       vigie explain [-f text|json] [-r RULES_DIR] [--geoip FILE|none] HOSTNAME|IP...\n"
	      "       vigie --version | --help\n"
	      "       vigie verify --db FILE [--key PUBLIC_KEY] [--witness FILE]... [-f text|json]\n"
	      "       vigie db info --db FILE [-f text|json]\n"
	      "       vigie db prune --db FILE [--before YYYY-MM-DD | --retention DAYS] [--force]\n"
	      "       vigie db export-key --db FILE [-o FILE]\n"
	      "       vigie db forward --db FILE [--syslog DEST]... [--jsonl FILE] [--from SEQ]\n"
	      "                        [--rate N]\n"
	      "Commands planned in the design and not in this version: report.\n"
	      "See vigie(1).\n", fp);
}

int
main(int argc, char **argv)
{
	static const char *const planned[] = { "report" };

	if (argc < 2) {
		usage(stderr);
		return VG_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("vigie %s\n", PACKAGE_VERSION);
		return VG_EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return VG_EXIT_OK;
	}
	if (strcmp(argv[1], "scan") == 0)
		return vg_cmd_scan(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return vg_cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "explain") == 0)
		return vg_cmd_explain(argc - 1, argv + 1);
	if (strcmp(argv[1], "policy") == 0)
		return vg_cmd_policy(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return vg_cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "db") == 0)
		return vg_cmd_db(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(planned) / sizeof(planned[0]); i++) {
		if (strcmp(argv[1], planned[i]) == 0) {
			vg_warn("'%s' is not available in this version", argv[1]);
			return VG_EXIT_USAGE;
		}
	}
	vg_warn("unknown command '%s'", argv[1]);
	usage(stderr);
	return VG_EXIT_USAGE;
}
