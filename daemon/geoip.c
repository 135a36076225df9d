/* geoip.c - libmaxminddb lookups, by address family, of a two-letter country code. */
#include <arpa/inet.h>
#include <maxminddb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geoip.h"

struct vg_geoip {
	MMDB_s db;
	char desc[160];
};

struct vg_geoip *
vg_geoip_open(const char *path, struct vg_err *err)
{
	struct vg_geoip *g = calloc(1, sizeof(*g));
	int rc;

	if (g == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	if ((rc = MMDB_open(path, MMDB_MODE_MMAP, &g->db)) != MMDB_SUCCESS) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, MMDB_strerror(rc));
		free(g);
		return NULL;
	}
	{
		time_t built = (time_t)g->db.metadata.build_epoch;
		struct tm tm;
		char day[16] = "?";

		if (gmtime_r(&built, &tm) != NULL)
			strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		snprintf(g->desc, sizeof(g->desc), "%s built %s",
		    g->db.metadata.database_type != NULL ? g->db.metadata.database_type : "mmdb", day);
	}
	return g;
}

void
vg_geoip_close(struct vg_geoip *g)
{
	if (g == NULL)
		return;
	MMDB_close(&g->db);
	free(g);
}

const char *
vg_geoip_describe(const struct vg_geoip *g)
{
	return g->desc;
}

static bool
code_from(MMDB_entry_s *e, char cc[3], const char *const *path)
{
	MMDB_entry_data_s v;

	if (MMDB_aget_value(e, &v, path) != MMDB_SUCCESS || !v.has_data ||
	    v.type != MMDB_DATA_TYPE_UTF8_STRING || v.data_size != 2)
		return false;
	if (v.utf8_string[0] < 'A' || v.utf8_string[0] > 'Z' || v.utf8_string[1] < 'A' ||
	    v.utf8_string[1] > 'Z')
		return false;
	cc[0] = v.utf8_string[0];
	cc[1] = v.utf8_string[1];
	cc[2] = '\0';
	return true;
}

bool
vg_geoip_country(const struct vg_geoip *g, const struct vg_addr *a, char cc[3])
{
	static const char *const ipldb[] = { "country_code", NULL };
	static const char *const maxmind[] = { "country", "iso_code", NULL };
	static const char *const registered[] = { "registered_country", "iso_code", NULL };
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const struct sockaddr *sa;
	MMDB_lookup_result_s res;
	int gai = 0, mmdb = 0;

	if (a->family == 4) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, a->b, 4);
		sa = (const struct sockaddr *)&sin;
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, a->b, 16);
		sa = (const struct sockaddr *)&sin6;
	}
	/* MMDB_lookup_sockaddr does not modify the database; the cast drops a const its API lacks. */
	res = MMDB_lookup_sockaddr((MMDB_s *)(uintptr_t)&g->db, sa, &mmdb);
	if (gai != 0 || mmdb != MMDB_SUCCESS || !res.found_entry)
		return false;
	return code_from(&res.entry, cc, ipldb) || code_from(&res.entry, cc, maxmind) ||
	    code_from(&res.entry, cc, registered);
}
