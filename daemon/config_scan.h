/* config_scan.h - finds configuration files and the AI endpoints their settings reveal. */
#ifndef VG_CONFIG_SCAN_H
#define VG_CONFIG_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config_rules.h"
#include "url.h"

#define VG_CSCAN_FILE_SIZE (4u * 1024 * 1024) /* default --max-file-size */
#define VG_CSCAN_FILES_MAX 1000000     /* configuration files of one run */
#define VG_CSCAN_DEPTH_MAX 64          /* nested directories */
#define VG_CSCAN_EXCLUDES_MAX 64
#define VG_CSCAN_ITEMS_MAX 4096        /* settings kept from one file */
#define VG_CSCAN_VISITS_MAX 1000000    /* nodes walked in one file (aliases can repeat them) */
#define VG_CSCAN_ENDPOINTS_MAX 262144  /* endpoints of one run */
#define VG_CSCAN_PROBLEMS_MAX 10000    /* errors and warnings kept */
#define VG_CSCAN_PATH_MAX 4096
#define VG_CSCAN_KEY_MAX 512           /* bytes of a key path shown */

enum vg_cfile_type {
	VG_CF_DOTENV = 0,
	VG_CF_KUBERNETES,
	VG_CF_COMPOSE,
	VG_CF_HELM,
	VG_CF_LITELLM,
	VG_CF_JSON,
	VG_CF_YAML,
	VG_CF_MANIFEST,   /* an AIDeployment manifest: loaded by the caller, not extracted */
	VG_CF__N
};

const char *vg_cfile_type_name(enum vg_cfile_type t);

/*
 * An AI endpoint a configuration file sets. Strings belong to the scan and
 * live until vg_cscan_free(); none of them ever holds a secret value.
 */
struct vg_cfg_endpoint {
	const char *file;
	enum vg_cfile_type type;
	unsigned line, col;          /* of the setting that revealed it */
	const char *key;             /* key path, e.g. "spec.template.spec.containers[0].env[X]" */
	const char *label;           /* the setting's name: variable or key */
	const char *context;         /* what sets it: "Deployment/chat", "service api", a model
	                              * name; NULL */
	const struct vg_ctarget *target; /* what the settings name; NULL when only a URL */
	const char *url;             /* user information, query and fragment removed; NULL */
	struct vg_url u;             /* url parsed once: host "" when url is NULL or no URL */
	bool url_default;            /* url is the target's default, not written in the file */
	bool unresolved;             /* the URL is a reference (${VAR}, os.environ/...) */
	const char *model;           /* without its "provider/" prefix; NULL */
	const char *region;          /* as configured; NULL */
};

struct vg_cscan_opts {
	const char *const *exclude;  /* globs (see vigie(1), --exclude) */
	size_t n_exclude;
	uint64_t max_file_size;      /* 0: VG_CSCAN_FILE_SIZE */
};

struct vg_cscan_stats {
	uint64_t files[VG_CF__N];    /* read, per type */
	uint64_t bytes;
	uint64_t dirs;
	uint64_t excluded;           /* files and directories left out by --exclude */
	uint64_t skipped;            /* Helm templates, lock files, Kubernetes Secrets */
	uint64_t errors, warnings;
	uint64_t endpoints_dropped;  /* past VG_CSCAN_ENDPOINTS_MAX: an error, counted here */
};

struct vg_cscan;

/* rules and opts (and the globs it points to) are borrowed for the scan's life. */
struct vg_cscan *vg_cscan_new(const struct vg_crules *rules, const struct vg_cscan_opts *opts);
void vg_cscan_free(struct vg_cscan *s); /* NULL ok */

/*
 * Walks a file or a directory (recursively, following symbolic links but
 * never twice into one directory). A file that cannot be read, is too
 * large or is malformed is an error "FILE[:LINE:COL]: message"; a loop or
 * a dangling link is a warning. Both are kept, and the walk goes on.
 * Returns false only when out of memory.
 */
bool vg_cscan_path(struct vg_cscan *s, const char *path);

/* One file's contents as if read from name (tests, fuzzing). */
bool vg_cscan_buffer(struct vg_cscan *s, const char *name, const void *buf, size_t len);

size_t vg_cscan_n_endpoints(const struct vg_cscan *s);
const struct vg_cfg_endpoint *vg_cscan_endpoint(const struct vg_cscan *s, size_t i);
/* AIDeployment manifests met on the way, as paths to load. */
size_t vg_cscan_n_manifests(const struct vg_cscan *s);
const char *vg_cscan_manifest(const struct vg_cscan *s, size_t i);
size_t vg_cscan_n_errors(const struct vg_cscan *s);
const char *vg_cscan_error(const struct vg_cscan *s, size_t i);
size_t vg_cscan_n_warnings(const struct vg_cscan *s);
const char *vg_cscan_warning(const struct vg_cscan *s, size_t i);
const struct vg_cscan_stats *vg_cscan_stats(const struct vg_cscan *s);

#endif
