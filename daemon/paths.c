/* paths.c - build-tree or installed data directories. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

static int
in_build_tree(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t b = strlen(VG_BUILDDIR);

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	return strncmp(exe, VG_BUILDDIR, b) == 0 && exe[b] == '/';
}

const char *
vg_default_rules_dir(char *buf, size_t len)
{
	char real[PATH_MAX];
	const char *top = in_build_tree() ? VG_SRCDIR : VG_DATADIR;

	/* Messages name rule files by this path: make it the plain one, without "build/..". */
	snprintf(buf, len, "%s/rules", realpath(top, real) != NULL ? real : top);
	return buf;
}
