/* paths.h - where the programs find their shipped data. */
#ifndef VG_PATHS_H
#define VG_PATHS_H

#include <stddef.h>

/*
 * The rules directory used when -r is not given: the source tree's rules/
 * when the running program sits in the build tree (so tests and developers
 * use what they edit), otherwise the data directory chosen at configure
 * time. Writes into buf and returns it.
 */
const char *vg_default_rules_dir(char *buf, size_t len);

/* The same for the shipped policies (policies/), used when -p is not given. */
const char *vg_default_policies_dir(char *buf, size_t len);

/*
 * The GeoIP database used when --geoip is not given: $VIGIE_GEOIP, then
 * what contrib/install-geoip.sh installs (the data directory's geoip/, then
 * ~/.local/share/vigie/), then a MaxMind GeoLite2 Country file where
 * geoipupdate puts it. NULL when none exists; *tried lists where it looked.
 */
const char *vg_find_geoip(char *buf, size_t len, char *tried, size_t tried_len);

#endif
