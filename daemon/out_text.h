/* out_text.h - human-readable table of flows and a summary block. */
#ifndef VG_OUT_TEXT_H
#define VG_OUT_TEXT_H

#include <stdio.h>

#include "out_json.h"
#include "record.h"

/* Column headings; written once before the first row. */
int vg_text_header(FILE *fp);
/* d may be NULL (nothing attributed). */
int vg_text_flow(FILE *fp, const struct vg_flow_record *r, const struct vg_dest *d);
int vg_text_summary(FILE *fp, const struct vg_scan_totals *t);

#endif
