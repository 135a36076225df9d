/* config_rules.h - rules/config-extractors.yaml: which configuration settings reveal an AI endpoint. */
#ifndef VG_CONFIG_RULES_H
#define VG_CONFIG_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "yamldoc.h"

#define VG_CRULES_TARGETS_MAX 256
#define VG_CRULES_VARS_MAX 4096      /* variable names, all rules together */
#define VG_CRULES_KEYS_MAX 256
#define VG_CRULES_MODELS_MAX 256
#define VG_CRULES_SECRETS_MAX 128
#define VG_CKEY_SEGS_MAX 16          /* segments of one key path */

/* What a setting tells. */
enum vg_cgives {
	VG_CG_ENDPOINT = 0, /* its value is a URL or hostname */
	VG_CG_REGION,       /* its value is a region code */
	VG_CG_MODEL,        /* its value is a model name */
	VG_CG_TARGET,       /* being set at all means the target is used (its value is never read) */
};

/* A provider's service that configuration can name without a URL. */
struct vg_ctarget {
	const char *id, *provider;
	const char *url;            /* may hold "{region}"; NULL when there is no default */
	const char *global_url;     /* for region "global"; NULL */
	const char *sample_region;  /* required when url holds {region} */
	unsigned line;
};

struct vg_crule {
	const char *name;           /* variable name, or key path as written */
	enum vg_cgives gives;
	const struct vg_ctarget *target; /* NULL: none implied */
	const char *segs[VG_CKEY_SEGS_MAX]; /* key paths: split at '.', "[]" and "*" as written */
	size_t n_segs;
	unsigned line;
};

struct vg_cmodel {
	const char *prefix;
	size_t len;
	const struct vg_ctarget *target;
};

/* Everything loaded; owned by the rules and valid until vg_crules_free(). */
struct vg_crules;

/*
 * Loads the file strictly (unknown keys, unknown targets, duplicate names,
 * bad globs or paths are errors "FILE:LINE:COL: message"). NULL with err.
 */
struct vg_crules *vg_crules_load(const char *path, struct vg_err *err);
struct vg_crules *vg_crules_load_mem(const char *name, const void *buf, size_t len,
    struct vg_err *err);
void vg_crules_free(struct vg_crules *r); /* NULL ok */

const char *vg_crules_version(const struct vg_crules *r);
const char *vg_crules_file(const struct vg_crules *r);
size_t vg_crules_n_targets(const struct vg_crules *r);
const struct vg_ctarget *vg_crules_target(const struct vg_crules *r, size_t i);
size_t vg_crules_n_keys(const struct vg_crules *r);
const struct vg_crule *vg_crules_key(const struct vg_crules *r, size_t i);

/* The rule of a variable name (exact, case-sensitive as environments are), or NULL. */
const struct vg_crule *vg_crules_var(const struct vg_crules *r, const char *name);
/* True when key (any case) matches a secret_keys glob: its value must never be read. */
bool vg_crules_secret(const struct vg_crules *r, const char *key);
/* The longest models: prefix of model, or NULL. */
const struct vg_cmodel *vg_crules_model(const struct vg_crules *r, const char *model);

/*
 * A target's URL for a region (NULL region: the URL only if it needs
 * none). Returns false when the target has no URL for it or buf is short.
 */
bool vg_ctarget_url(const struct vg_ctarget *t, const char *region, char *buf, size_t len);

#endif
