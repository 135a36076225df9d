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

static const char *
data_dir(const char *what, char *buf, size_t len)
{
	char real[PATH_MAX];
	const char *top = in_build_tree() ? VG_SRCDIR : VG_DATADIR;

	/* Messages name files by this path: make it the plain one, without "build/..". */
	snprintf(buf, len, "%s/%s", realpath(top, real) != NULL ? real : top, what);
	return buf;
}

const char *
vg_default_rules_dir(char *buf, size_t len)
{
	return data_dir("rules", buf, len);
}

const char *
vg_default_policies_dir(char *buf, size_t len)
{
	return data_dir("policies", buf, len);
}

const char *
vg_find_geoip(char *buf, size_t len, char *tried, size_t tried_len)
{
	const char *env = getenv("VIGIE_GEOIP"), *home = getenv("HOME");
	char cand[4][1024];
	size_t n = 0, used = 0;

	if (env != NULL && *env != '\0')
		snprintf(cand[n++], sizeof(cand[0]), "%s", env);
	snprintf(cand[n++], sizeof(cand[0]), "%s/geoip/geo-whois-asn-country.mmdb", VG_DATADIR);
	if (home != NULL && *home != '\0')
		snprintf(cand[n++], sizeof(cand[0]), "%s/.local/share/vigie/geo-whois-asn-country.mmdb",
		    home);
	snprintf(cand[n++], sizeof(cand[0]), "/var/lib/GeoIP/GeoLite2-Country.mmdb");
	if (tried_len > 0)
		tried[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (access(cand[i], R_OK) == 0) {
			snprintf(buf, len, "%s", cand[i]);
			return buf;
		}
		if (used < tried_len) {
			int w = snprintf(tried + used, tried_len - used, "%s%s", used ? ", " : "", cand[i]);
			used += w > 0 ? (size_t)w : 0;
		}
	}
	return NULL;
}
