/* finding_list.h - the findings of one run kept in order, for writers that need them all at once. */
#ifndef VG_FINDING_LIST_H
#define VG_FINDING_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "policy.h"

#define VG_FLIST_MAX (1u << 22)   /* findings one run keeps */

/* How a finding relates to the baseline given with --baseline. */
enum vg_baseline {
	VG_BL_NONE = 0,      /* no baseline given */
	VG_BL_NEW,           /* not in the baseline: it counts */
	VG_BL_UNCHANGED,     /* in the baseline: reported, never blocking */
};

/*
 * One finding, copied out of the evaluation callback. Strings belong to
 * the list; control and waiver are borrowed from the policy set, which
 * must outlive the list.
 */
struct vg_fitem {
	const struct vg_control *control;
	enum vg_result result;
	const struct vg_waiver *waiver;  /* unexpired waiver covering a fail; else NULL */
	bool expired;                    /* an expired waiver reported as a finding of its own */
	enum vg_severity severity;       /* the control's, or low for an expired waiver */
	enum vg_baseline baseline;
	const char *message;
	const char *kind;                /* flow | endpoint | deployment | waiver */
	const char *label;               /* the subject in a few words ("OPENAI_BASE_URL", a flow) */
	const char *file;                /* where the subject is written; NULL: nowhere (a flow) */
	unsigned line, col;              /* of the subject in file, from 1; 0 when unknown */
	const char *key;                 /* key path in file ("spec.template...env[OPENAI_BASE_URL]"); NULL */
	bool attached;                   /* file/line is where the subject was declared, not the subject */
	const char *subject_json;        /* the subject as a compact JSON object (-f json); NULL */
	char fingerprint[17];            /* hex; stable across line moves (see finding_list.c) */
};

struct vg_flist {
	struct vg_fitem *v;
	size_t n, cap;
	struct vg_arena arena;
};

void vg_flist_init(struct vg_flist *l);
void vg_flist_free(struct vg_flist *l);  /* NULL ok; leaves l empty and reusable */

/*
 * Appends a copy of it (strings copied into the list, NULL kept NULL) and
 * computes its fingerprint. Returns the stored item, or NULL when out of
 * memory or when the list already holds VG_FLIST_MAX items.
 */
struct vg_fitem *vg_flist_add(struct vg_flist *l, const struct vg_fitem *it);

/* An unwaived failure, not in the baseline, whose severity is at or above fail_on. */
bool vg_fitem_blocking(const struct vg_fitem *it, unsigned fail_on);

#endif
