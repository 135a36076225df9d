/* jurisdiction.h - countries and their legal groups (rules/jurisdictions.yaml), cloud regions to countries. */
#ifndef VG_JURISDICTION_H
#define VG_JURISDICTION_H

#include <stdbool.h>

#include "yamldoc.h"

/* Groups of GDPR Chapter V: where personal data may go without further safeguards. */
#define VG_JG_EU 0x1u       /* member state of the European Union */
#define VG_JG_EEA 0x2u      /* European Economic Area (EU + IS, LI, NO) */
#define VG_JG_ADEQUATE 0x4u /* covered by an Art. 45 adequacy decision, within its scope */
#define VG_JG_THIRD 0x8u    /* third country without an adequacy decision */

#define VG_REGIONS_MAX 2048 /* cloud regions across all clouds */

struct vg_country {
	char code[3];
	const char *name;
	unsigned groups;
	/* Art. 45 decision, only when VG_JG_ADEQUATE. */
	const char *decision, *decision_date, *scope, *source;
};

struct vg_juris;

/*
 * Loads jurisdictions.yaml and cloud-regions.yaml, strictly (unknown keys,
 * unknown groups, codes that are not two capitals, duplicates, a region
 * whose country is missing from jurisdictions.yaml: FILE:LINE:COL errors).
 * Owns everything it returns; free with vg_juris_free (NULL ok).
 */
struct vg_juris *vg_juris_load(const char *jurisdictions, const char *regions, struct vg_err *err);
void vg_juris_free(struct vg_juris *j);

const char *vg_juris_version(const struct vg_juris *j);  /* jurisdictions.yaml's version */
const char *vg_regions_version(const struct vg_juris *j); /* cloud-regions.yaml's version */

/* NULL when the code is unknown. */
const struct vg_country *vg_juris_country(const struct vg_juris *j, const char *code);
/* ISO code of a cloud region, or NULL. cloud: aws | azure | gcp | oci | alibaba. */
const char *vg_juris_region(const struct vg_juris *j, const char *cloud, const char *region);

/* Writes group names ("eu", "eea", "adequate", "third-country") of a mask; returns how many. */
unsigned vg_juris_group_names(unsigned groups, const char *names[4]);

#endif
