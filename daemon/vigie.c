/* vigie.c - the vigie command: dispatches to the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

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

static void
usage(FILE *fp)
{
	fputs("usage: vigie scan [-f text|json] [-o FILE] [-r RULES_DIR] [-q] [--max-flows N] "
	      "CAPTURE...\n"
	      "       vigie explain [-f text|json] [-r RULES_DIR] HOSTNAME|IP...\n"
	      "       vigie --version | --help\n"
	      "Commands planned in the design and not in this version: check, report, verify,\n"
	      "policy. See vigie(1).\n", fp);
}

int
main(int argc, char **argv)
{
	static const char *const planned[] = { "check", "report", "verify", "policy" };

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
	if (strcmp(argv[1], "explain") == 0)
		return vg_cmd_explain(argc - 1, argv + 1);
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
