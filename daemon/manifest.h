/* manifest.h - the AIDeployment manifest: what a team declares about one AI deployment. */
#ifndef VG_MANIFEST_H
#define VG_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "yamldoc.h"

#define VG_MANIFEST_PROVIDERS_MAX 64 /* entries of providers: */
#define VG_MANIFEST_LIST_MAX 64      /* items of any list of strings */
#define VG_MANIFEST_TEXT_MAX 1024    /* bytes of any string value */

#define VG_DATE_NONE INT32_MIN       /* a date the manifest does not give */
#define VG_INT_NONE INT64_MIN        /* an integer the manifest does not give */

/* A yes/no the manifest may leave out. */
enum vg_tri {
	VG_TRI_UNSET = 0,
	VG_TRI_NO,
	VG_TRI_YES,
};

/*
 * A list of strings from the manifest; items live as long as the manifest.
 * items is NULL when the manifest leaves the list out; otherwise items[n]
 * is NULL, so "[]" (items set, n 0) differs from absent.
 */
struct vg_mf_list {
	const char *const *items;
	size_t n;
};

/* One entry of providers: a model reached through an endpoint. */
struct vg_mf_provider {
	const char *provider;  /* catalog provider id, e.g. "openai" (required) */
	const char *model;     /* NULL when not given */
	const char *endpoint;  /* as written: URL or bare hostname; NULL when not given */
	char host[254];        /* canonical hostname of the endpoint, "" when no endpoint */
	char scheme[8];        /* "https", "http", or "" for a bare hostname */
	uint16_t port;         /* from the URL, else 443 for https / 80 for http, 0 bare */
	const char *region;    /* declared region, area or country; NULL when not given */
	const char *routing;   /* regional | datazone | global; NULL when not given */
	enum vg_tri dpf_certified; /* the provider is listed under the EU-U.S. DPF */
	unsigned line, col;    /* of the entry (its first key) */
	unsigned provider_line, provider_col; /* of the provider value */
	unsigned endpoint_line, endpoint_col; /* of the endpoint value, 0 when absent */
};

/*
 * One AIDeployment. Strings are NUL-terminated copies, NULL when the
 * manifest leaves them out. Everything belongs to the manifest and lives
 * until vg_manifest_free().
 */
struct vg_manifest {
	const char *file;         /* as given to the loader */
	unsigned line;            /* of "kind:" */
	const char *name, *owner, *purpose;
	struct vg_mf_list practices;  /* declared practice tags, screened under AI Act Art. 5 */
	const char *role;         /* provider | deployer */
	const char *risk_class;   /* minimal | limited | high | prohibited */
	const char *annex_iii_area; /* biometrics | critical-infrastructure | education |
	                             * employment | essential-services | law-enforcement |
	                             * migration | justice-democracy; NULL when none */
	enum vg_tri personal_data, special_data;
	struct vg_mf_list data_categories;
	enum vg_tri interacts_with_persons;
	struct vg_mf_provider *providers;
	size_t n_providers;
	const char *approved_gateway;   /* URL or hostname as written */
	char gateway_host[254];         /* canonical hostname of it, "" when none */
	const char *transfer_mechanism; /* adequacy | scc | bcr | derogation | none */
	const char *tia_ref;
	int32_t tia_date;               /* days since 1970-01-01, or VG_DATE_NONE */
	const char *derogation;         /* e.g. "Art. 49(1)(a)", with mechanism derogation */
	enum vg_tri logging_enabled;
	int64_t retention_days;         /* VG_INT_NONE when not given */
	const char *oversight_contact, *oversight_stop_procedure;
	const char *transparency_notice;
	const char *fria_ref;
	int32_t fria_date;
	const char *literacy_record;
	int32_t literacy_date;
	const char *screen_ref;         /* prohibited-practice screen (Art. 5) */
	int32_t screen_date;
	enum vg_tri workers_informed;   /* Art. 26(7) */
	int32_t first_use;
};

/*
 * Loads one manifest file (one YAML document, "kind: AIDeployment").
 * Strict: unknown keys, wrong types, bad enum values, malformed dates,
 * URLs or hostnames, duplicate provider entries (same provider, model and
 * endpoint) and exceeded caps are errors "FILE:LINE:COL: message" naming
 * the offending key or value. NULL with err on failure; nothing is kept.
 */
struct vg_manifest *vg_manifest_load(const char *path, struct vg_err *err);
/* The same from memory; name is what errors call the input. */
struct vg_manifest *vg_manifest_load_mem(const char *name, const void *buf, size_t len,
    struct vg_err *err);
/*
 * From a mapping node of an already loaded document (policy test cases).
 * The manifest copies what it keeps: doc may be freed afterwards.
 */
struct vg_manifest *vg_manifest_from_node(const struct vg_ydoc *doc, const struct vg_ynode *map,
    struct vg_err *err);
void vg_manifest_free(struct vg_manifest *m); /* NULL ok */

struct vg_catalog;
/*
 * Every providers[].provider must be a provider id of the catalog; the
 * error names the value's FILE:LINE:COL and suggests a near id.
 */
bool vg_manifest_check(const struct vg_manifest *m, const struct vg_catalog *c,
    struct vg_err *err);

#endif
