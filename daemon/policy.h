/* policy.h - policy files (controls, lists, macros, waivers) compiled once and evaluated per subject. */
#ifndef VG_POLICY_H
#define VG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy_expr.h"
#include "subject.h"
#include "yamldoc.h"

#define VG_POLICY_FILES_MAX 64       /* files in one set */
#define VG_POLICY_CONTROLS_MAX 1024  /* controls in one set */
#define VG_POLICY_WAIVERS_MAX 1024   /* waivers in one set */
#define VG_POLICY_LISTS_MAX 256      /* named lists of one file */
#define VG_POLICY_MACROS_MAX 256     /* macros of one file */
#define VG_POLICY_REFS_MAX 32        /* references or soc2 criteria of one control */
#define VG_POLICY_TEXT_MAX 4096      /* bytes of a title, description, message or reason */
#define VG_POLICY_MESSAGE_MAX 1024   /* bytes of a rendered message */

enum vg_severity {
	VG_SEV_INFO = 0,
	VG_SEV_LOW,
	VG_SEV_MEDIUM,
	VG_SEV_HIGH,
	VG_SEV_CRITICAL,
};

enum vg_result {
	VG_RES_PASS = 0,
	VG_RES_FAIL,
	VG_RES_NA,     /* the control does not cover this subject, or does not apply yet */
	VG_RES_ERROR,
};
#define VG_RESULTS 4

struct vg_policy_file;

struct vg_waiver {
	const char *control;       /* id of the waived control */
	const char *owner, *reason, *ticket; /* ticket NULL when not given */
	int32_t expires;           /* the last day it applies */
	struct vg_expr *when;      /* which subjects; NULL: all */
	const char *when_text;
	const struct vg_policy_file *file;
	unsigned line, col;        /* of the waiver entry */
};

struct vg_control {
	const char *id, *title, *description;
	const char *const *references;
	size_t n_references;
	const char *const *soc2;
	size_t n_soc2;
	enum vg_severity severity;
	enum vg_subject_kind applies_to;
	int32_t applies_from;      /* VG_DATE_NONE: always */
	struct vg_expr *when;      /* NULL: every subject of the kind */
	struct vg_expr *require;
	const char *when_text, *require_text, *message_text;
	const struct vg_policy_file *file;
	unsigned line, col;        /* of the control entry */
	size_t index;              /* in the set: vg_policy_control(p, index) is this control */
	/* waivers of this control, in load order; set by vg_policy_finish() */
	const struct vg_waiver **waivers;
	size_t n_waivers;
};

struct vg_policy_file {
	const char *path;
	const char *id;            /* policy: */
	const char *title, *version;
};

/* One evaluation result. Borrowed: valid during the callback only. */
struct vg_finding {
	const struct vg_control *control;
	enum vg_result result;
	const struct vg_waiver *waiver; /* a fail that an unexpired waiver covers; else NULL */
	const struct vg_subject *subject;
	const char *message;        /* rendered template, or why the control does not apply */
};

/*
 * A set of policy files. Controls of all files share one id space; a
 * waiver may name a control of any file of the set. Owns everything; free
 * with vg_policy_free (NULL ok).
 */
struct vg_policy;

struct vg_policy *vg_policy_new(void);
void vg_policy_free(struct vg_policy *p);

/*
 * Loads one file into the set (schema in vigie-policy(5)). Strict: unknown
 * keys, wrong types, bad values, duplicate control ids (across the set),
 * unknown names in conditions and templates and broken conditions are
 * errors "FILE:LINE:COL: message". On error the set is as it was before
 * the call: a broken file never half-loads.
 */
bool vg_policy_load(struct vg_policy *p, const char *path, struct vg_err *err);
bool vg_policy_load_mem(struct vg_policy *p, const char *name, const void *buf, size_t len,
    struct vg_err *err);

/*
 * Resolves waivers to their controls once every file is loaded: a waiver of
 * an unknown control, or whose condition uses a field the control's subject
 * kind lacks, is an error at the waiver. Must be called before evaluating.
 */
bool vg_policy_finish(struct vg_policy *p, struct vg_err *err);

size_t vg_policy_n_controls(const struct vg_policy *p);
const struct vg_control *vg_policy_control(const struct vg_policy *p, size_t i);
const struct vg_control *vg_policy_find(const struct vg_policy *p, const char *id);
size_t vg_policy_n_files(const struct vg_policy *p);
const struct vg_policy_file *vg_policy_file(const struct vg_policy *p, size_t i);
size_t vg_policy_n_waivers(const struct vg_policy *p);
const struct vg_waiver *vg_policy_waiver(const struct vg_policy *p, size_t i);
/* How many controls apply to a kind; evaluating a kind with none can be skipped. */
size_t vg_policy_n_for(const struct vg_policy *p, enum vg_subject_kind k);

/*
 * Evaluates every control of the subject's kind, in load order, and calls
 * fn once per control. For a control: NA when the subject's date is before
 * applies_from or when does not hold; else PASS when require holds, else
 * FAIL (with the first unexpired waiver whose condition holds). today is
 * the evaluation date for the condition language's today. Allocates
 * nothing; buf (at least VG_POLICY_MESSAGE_MAX bytes) holds messages.
 */
typedef void (*vg_finding_fn)(void *arg, const struct vg_finding *f);
void vg_policy_eval(const struct vg_policy *p, const struct vg_subject *s, int32_t today,
    char *buf, vg_finding_fn fn, void *arg);

/* Renders a control's message for a subject into buf (cap bytes, truncated with "..."). */
void vg_policy_message(const struct vg_control *c, const struct vg_subject *s, char *buf,
    size_t cap);

const char *vg_severity_name(enum vg_severity s);
bool vg_severity_parse(const char *s, enum vg_severity *out);
const char *vg_result_name(enum vg_result r);
bool vg_result_parse(const char *s, enum vg_result *out);

#endif
