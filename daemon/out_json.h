/* out_json.h - flow and summary records as JSON lines (the contract in the README and vigie(1)). */
#ifndef VG_OUT_JSON_H
#define VG_OUT_JSON_H

#include <stdio.h>

#include <jansson.h>

#include "attrib.h"
#include "engine.h"
#include "record.h"

struct vg_pstats;

/* Totals of one `vigie scan` run for the summary record. */
struct vg_scan_totals {
	unsigned captures;        /* captures given */
	unsigned captures_failed; /* could not be opened or were corrupt */
	struct vg_engine_stats st;
	uint64_t attributed;      /* flows whose destination a catalog rule named */
	const char *catalog_version, *regions_version, *jurisdictions_version; /* NULL: none */
	const struct vg_pstats *policy; /* NULL: no policy evaluated */
};

/* RFC 3339 UTC with microseconds; buf needs 32 bytes. Returns buf. */
char *vg_format_ts(uint64_t us, char *buf, size_t len);

/* "v1", "v2", ... or NULL; static storage. */
const char *vg_quic_version_name(uint32_t v);

/* Writes o (NULL: fails) as one compact line and releases it; -1 on a write or allocation error. */
int vg_json_write(FILE *fp, json_t *o);

/* Each writes one line; -1 on a write or allocation error. d may be NULL (nothing attributed). */
int vg_json_flow(FILE *fp, const struct vg_flow_record *r, const struct vg_dest *d);
int vg_json_summary(FILE *fp, const struct vg_scan_totals *t);

#endif
