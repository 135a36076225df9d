/* geoip.h - country of an address from a MaxMind-format database (libmaxminddb). */
#ifndef VG_GEOIP_H
#define VG_GEOIP_H

#include <stdbool.h>

#include "addr.h"
#include "yamldoc.h"

struct vg_geoip;

/*
 * Opens an mmdb file: the CC0 ip-location-db country database
 * (country_code) and MaxMind GeoLite2/GeoIP2 Country or City
 * (country.iso_code) both work. NULL with err when it cannot be read.
 */
struct vg_geoip *vg_geoip_open(const char *path, struct vg_err *err);
void vg_geoip_close(struct vg_geoip *g);

/* The database's own description, e.g. its type and build date; static to g. */
const char *vg_geoip_describe(const struct vg_geoip *g);

/* Writes the ISO 3166-1 alpha-2 country of a into cc; false when the database has none. */
bool vg_geoip_country(const struct vg_geoip *g, const struct vg_addr *a, char cc[3]);

#endif
