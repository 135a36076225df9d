/* catalog.h - the AI endpoint catalog (rules/ai-endpoints.yaml): hostname patterns to services. */
#ifndef VG_CATALOG_H
#define VG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "yamldoc.h"

#define VG_CATALOG_RULES_MAX 4096   /* host patterns per catalog */
#define VG_PATTERN_LABELS_MAX 16    /* labels per pattern */
#define VG_CAPTURE_MAX 63           /* bytes of one captured label */

enum vg_where {
	VG_WHERE_UNKNOWN = 0, /* region: unknown, with a reason */
	VG_WHERE_COUNTRY,     /* country: XX */
	VG_WHERE_REGION,      /* region (fixed or captured) of a cloud */
	VG_WHERE_AREA,        /* area: eu, eea, us, ... */
};

struct vg_provider {
	const char *id, *name, *legal_seat, *source;
	unsigned line; /* of legal_seat in the catalog file */
};

struct vg_service {
	const char *id, *name, *category;
	const struct vg_provider *provider;
};

struct vg_host_rule {
	const char *pattern;
	const struct vg_service *service;
	enum vg_where where;
	const char *country;  /* VG_WHERE_COUNTRY */
	const char *region;   /* VG_WHERE_REGION; NULL when captured */
	const char *cloud;    /* VG_WHERE_REGION; NULL when captured */
	const char *area;     /* VG_WHERE_AREA */
	const char *reason, *note, *source, *sample;
	bool storage_only;
	unsigned line;        /* of the pattern in the catalog file */
};

/* One successful match; captures are copies, valid as long as the struct. */
struct vg_host_match {
	const struct vg_host_rule *rule;
	char region[VG_CAPTURE_MAX + 1]; /* fixed or captured; "" when none */
	char cloud[VG_CAPTURE_MAX + 1];
	char id[VG_CAPTURE_MAX + 1];
};

struct vg_catalog;

/*
 * Loads and checks a catalog file (schema in rules/README). Strict:
 * unknown keys, missing sources or samples, malformed patterns, unknown
 * providers, duplicate ids or patterns are errors naming FILE:LINE:COL.
 * NULL on error. The catalog owns everything it returns; free with
 * vg_catalog_free (NULL ok).
 */
struct vg_catalog *vg_catalog_load(const char *path, struct vg_err *err);
struct vg_catalog *vg_catalog_from_doc(struct vg_ydoc *doc, struct vg_err *err); /* takes doc */
void vg_catalog_free(struct vg_catalog *c);

/* True when s is [a-z0-9-]+: the syntax of catalog ids, which manifests also use for their tags. */
bool vg_catalog_id_ok(const char *s);

const char *vg_catalog_version(const struct vg_catalog *c);
const char *vg_catalog_file(const struct vg_catalog *c);
size_t vg_catalog_count(const struct vg_catalog *c, size_t *providers, size_t *services);
const struct vg_host_rule *vg_catalog_rule(const struct vg_catalog *c, size_t i);

/*
 * The most specific rule for a canonical hostname (vg_hostname_canon form):
 * the longest literal suffix wins, then an exact name over a pattern, then
 * the pattern with more literal bytes. Allocates nothing. False when no
 * rule matches.
 */
bool vg_catalog_match(const struct vg_catalog *c, const char *host, struct vg_host_match *m);

#endif
