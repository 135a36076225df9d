/* out_finding.h - finding records (JSON lines and text) and the policy part of a summary. */
#ifndef VG_OUT_FINDING_H
#define VG_OUT_FINDING_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "policy.h"

/* Severity at or above which an unwaived failure fails the run (--fail-on); NONE: never. */
#define VG_FAIL_ON_NONE 5

/* Counts of one run, per control and in all. */
struct vg_pstats {
	const struct vg_policy *policy;  /* borrowed */
	uint64_t (*per_control)[VG_RESULTS + 1]; /* [i][result], [i][VG_RESULTS] = waived */
	uint64_t results[VG_RESULTS];
	uint64_t waived;
	uint64_t failed_by_severity[5];  /* unwaived failures */
	uint64_t expired_waivers;
	uint64_t blocking;               /* unwaived failures at or above fail_on */
	unsigned fail_on;                /* enum vg_severity, or VG_FAIL_ON_NONE */
	unsigned manifests;
	int32_t date;                    /* evaluation date */
};

/* NULL when out of memory. Free with vg_pstats_free (NULL ok). */
struct vg_pstats *vg_pstats_new(const struct vg_policy *p, unsigned fail_on, int32_t date);
void vg_pstats_free(struct vg_pstats *st);
void vg_pstats_add(struct vg_pstats *st, const struct vg_finding *f);
/* Counts an expired waiver (its finding has severity low and never blocks unless --fail-on low). */
void vg_pstats_expired(struct vg_pstats *st);

/*
 * One finding as a JSON line (the record contract in vigie(1)). -1 on a
 * write or allocation error.
 */
int vg_json_finding(FILE *fp, const struct vg_finding *f);
/* The finding an expired waiver gives: control of the waiver, subject kind "waiver". */
int vg_json_expired_waiver(FILE *fp, const struct vg_waiver *w, const struct vg_control *c,
    int32_t today);
int vg_text_finding(FILE *fp, const struct vg_finding *f);
int vg_text_expired_waiver(FILE *fp, const struct vg_waiver *w, const struct vg_control *c,
    int32_t today);

struct vg_fitem;
/* A subject as compact JSON text, as finding records carry it; malloc'd, NULL when out of memory. */
char *vg_subject_json_text(const struct vg_subject *s);
/* The subject of an expired waiver's finding, likewise. */
char *vg_waiver_subject_json_text(const struct vg_waiver *w);
/* The message of an expired waiver's finding. */
void vg_expired_message(const struct vg_waiver *w, int32_t today, char *buf, size_t len);
/*
 * A collected finding as a JSON line: the record vg_json_finding() writes,
 * plus "fingerprint" and, with a baseline, "baseline" (new | unchanged).
 */
int vg_json_fitem(FILE *fp, const struct vg_fitem *it);

/* The "policy" object of the summary record; NULL when out of memory. New reference. */
json_t *vg_pstats_json(const struct vg_pstats *st);
/* The same as lines of text for the text summary. */
int vg_pstats_text(FILE *fp, const struct vg_pstats *st);

#endif
