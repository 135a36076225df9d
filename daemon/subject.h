/* subject.h - what policy controls look at: flows, configured endpoints and declared deployments as typed fields. */
#ifndef VG_SUBJECT_H
#define VG_SUBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attrib.h"
#include "manifest.h"
#include "policy_expr.h"
#include "record.h"

enum vg_subject_kind {
	VG_SUBJ_FLOW = 0,    /* an observed connection */
	VG_SUBJ_ENDPOINT,    /* an AI endpoint configured somewhere (a manifest's providers:) */
	VG_SUBJ_DEPLOYMENT,  /* a declared AI deployment (an AIDeployment manifest) */
};
#define VG_SUBJ_KINDS 3

/*
 * Every field of every kind: M(ID, "name", type, kinds) with kinds a mask of
 * F (flow), E (endpoint), D (deployment). vigie-policy(5) lists them; a
 * field's meaning never depends on the kind.
 */
#define VG_SF_F 1u
#define VG_SF_E 2u
#define VG_SF_D 4u
#define VG_SUBJECT_FIELDS(M) \
	M(DATE, "date", VG_V_DATE, VG_SF_F | VG_SF_E | VG_SF_D) \
	M(PROTO, "proto", VG_V_STR, VG_SF_F) \
	M(SRC_IP, "src_ip", VG_V_STR, VG_SF_F) \
	M(SRC_PORT, "src_port", VG_V_INT, VG_SF_F) \
	M(DST_IP, "dst_ip", VG_V_STR, VG_SF_F) \
	M(DST_PORT, "dst_port", VG_V_INT, VG_SF_F) \
	M(APP, "app", VG_V_STR, VG_SF_F) \
	M(HOSTNAME, "hostname", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(HOSTNAME_SOURCE, "hostname_source", VG_V_STR, VG_SF_F) \
	M(ALPN, "alpn", VG_V_LIST, VG_SF_F) \
	M(ECH, "ech", VG_V_BOOL, VG_SF_F) \
	M(TLS_VERSION, "tls_version", VG_V_STR, VG_SF_F) \
	M(HTTP_METHOD, "http_method", VG_V_STR, VG_SF_F) \
	M(PKTS_OUT, "pkts_out", VG_V_INT, VG_SF_F) \
	M(BYTES_OUT, "bytes_out", VG_V_INT, VG_SF_F) \
	M(PKTS_IN, "pkts_in", VG_V_INT, VG_SF_F) \
	M(BYTES_IN, "bytes_in", VG_V_INT, VG_SF_F) \
	M(URL, "url", VG_V_STR, VG_SF_E) \
	M(SCHEME, "scheme", VG_V_STR, VG_SF_E) \
	M(PORT, "port", VG_V_INT, VG_SF_E) \
	M(PROVIDER, "provider", VG_V_STR, VG_SF_E) \
	M(MODEL, "model", VG_V_STR, VG_SF_E) \
	M(REGION, "region", VG_V_STR, VG_SF_E) \
	M(ROUTING, "routing", VG_V_STR, VG_SF_E) \
	M(DPF_CERTIFIED, "dpf_certified", VG_V_BOOL, VG_SF_E) \
	M(DEPLOYMENT, "deployment", VG_V_STR, VG_SF_E) \
	M(SOURCE, "source", VG_V_STR, VG_SF_E) \
	M(CONFIG_TYPE, "config.type", VG_V_STR, VG_SF_E) \
	M(CONFIG_KEY, "config.key", VG_V_STR, VG_SF_E) \
	M(D_PROVIDER, "dest.provider", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_PROVIDER_NAME, "dest.provider_name", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_LEGAL_SEAT, "dest.legal_seat", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_SEAT_JURIS, "dest.legal_seat_jurisdiction", VG_V_LIST, VG_SF_F | VG_SF_E) \
	M(D_SERVICE, "dest.service", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_CATEGORY, "dest.category", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_REGION, "dest.region", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_CLOUD, "dest.cloud", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_COUNTRY, "dest.country", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_AREA, "dest.area", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_JURIS, "dest.jurisdiction", VG_V_LIST, VG_SF_F | VG_SF_E) \
	M(D_BASIS, "dest.basis", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_CONFIDENCE, "dest.confidence", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(D_STORAGE_ONLY, "dest.storage_only", VG_V_BOOL, VG_SF_F | VG_SF_E) \
	M(D_ANYCAST, "dest.anycast", VG_V_BOOL, VG_SF_F | VG_SF_E) \
	M(D_REASON, "dest.reason", VG_V_STR, VG_SF_F | VG_SF_E) \
	M(DECLARED, "declared", VG_V_BOOL, VG_SF_F | VG_SF_E) \
	M(DECL_REGIONS, "declared.regions", VG_V_LIST, VG_SF_F | VG_SF_E) \
	M(DECL_HOSTS, "declared.hosts", VG_V_LIST, VG_SF_F | VG_SF_E) \
	M(DECL_GATEWAYS, "declared.gateways", VG_V_LIST, VG_SF_F | VG_SF_E) \
	M(DECL_TRANSFER, "declared.transfer", VG_V_LIST, VG_SF_F | VG_SF_E) \
	M(DECL_DPF, "declared.dpf_certified", VG_V_BOOL, VG_SF_F | VG_SF_E) \
	M(DECL_DEPLOYMENTS, "declared.deployments", VG_V_LIST, VG_SF_F | VG_SF_E) \
	M(NAME, "name", VG_V_STR, VG_SF_D) \
	M(OWNER, "owner", VG_V_STR, VG_SF_D) \
	M(PURPOSE, "purpose", VG_V_STR, VG_SF_D) \
	M(PRACTICES, "practices", VG_V_LIST, VG_SF_D) \
	M(ROLE, "role", VG_V_STR, VG_SF_D) \
	M(RISK_CLASS, "risk.class", VG_V_STR, VG_SF_D) \
	M(ANNEX_III, "risk.annex_iii_area", VG_V_STR, VG_SF_D) \
	M(PERSONAL, "data.personal", VG_V_BOOL, VG_SF_D | VG_SF_E) \
	M(SPECIAL, "data.special", VG_V_BOOL, VG_SF_D) \
	M(CATEGORIES, "data.categories", VG_V_LIST, VG_SF_D) \
	M(INTERACTS, "interacts_with_persons", VG_V_BOOL, VG_SF_D) \
	M(PROVIDERS, "providers", VG_V_LIST, VG_SF_D) \
	M(MODELS, "models", VG_V_LIST, VG_SF_D) \
	M(REGIONS, "regions", VG_V_LIST, VG_SF_D) \
	M(ROUTINGS, "routings", VG_V_LIST, VG_SF_D) \
	M(GATEWAY, "approved_gateway", VG_V_STR, VG_SF_D) \
	M(T_MECHANISM, "transfer.mechanism", VG_V_STR, VG_SF_D | VG_SF_E) \
	M(T_TIA_REF, "transfer.tia_ref", VG_V_STR, VG_SF_D) \
	M(T_TIA_DATE, "transfer.tia_date", VG_V_DATE, VG_SF_D) \
	M(T_TIA_AGE, "transfer.tia_age_days", VG_V_INT, VG_SF_D) \
	M(T_DEROGATION, "transfer.derogation", VG_V_STR, VG_SF_D) \
	M(LOG_ENABLED, "logging.enabled", VG_V_BOOL, VG_SF_D) \
	M(LOG_RETENTION, "logging.retention_days", VG_V_INT, VG_SF_D) \
	M(OV_CONTACT, "oversight.contact", VG_V_STR, VG_SF_D) \
	M(OV_STOP, "oversight.stop_procedure", VG_V_STR, VG_SF_D) \
	M(NOTICE, "transparency_notice", VG_V_STR, VG_SF_D) \
	M(FRIA_REF, "fria.ref", VG_V_STR, VG_SF_D) \
	M(FRIA_DATE, "fria.date", VG_V_DATE, VG_SF_D) \
	M(LIT_RECORD, "ai_literacy.record", VG_V_STR, VG_SF_D) \
	M(LIT_DATE, "ai_literacy.date", VG_V_DATE, VG_SF_D) \
	M(SCREEN_REF, "prohibited_screen.ref", VG_V_STR, VG_SF_D) \
	M(SCREEN_DATE, "prohibited_screen.date", VG_V_DATE, VG_SF_D) \
	M(WORKERS, "workers_informed", VG_V_BOOL, VG_SF_D) \
	M(FIRST_USE, "first_use", VG_V_DATE, VG_SF_D)

enum vg_sfield {
#define VG_SF_ENUM(id, name, type, kinds) VG_SF_##id,
	VG_SUBJECT_FIELDS(VG_SF_ENUM)
#undef VG_SF_ENUM
	VG_SF__N
};

#define VG_SUBJECT_LIST_MAX 64  /* items of one list value held by a subject */
#define VG_SUBJECT_ARENA 8192   /* bytes of strings a subject holds */

/*
 * A subject: one value per field (VG_V_NULL when absent) plus where it
 * came from. Its strings either point into what it was built from (record,
 * attribution, manifest; borrowed) or into its own arena. Meant to live on
 * the stack and be rebuilt per subject: building one never allocates.
 */
struct vg_subject {
	enum vg_subject_kind kind;
	struct vg_val v[VG_SF__N];
	const char *file;      /* where a configured subject comes from; NULL for flows */
	unsigned line, col;    /* col 0 when unknown */
	const char *key;       /* key path in file of a configured endpoint; NULL */
	const char *label;     /* short text naming the subject in messages */
	uint64_t ts_start;     /* flows: µs since the epoch; else 0 */
	/* storage */
	const char *lists[16][VG_SUBJECT_LIST_MAX];
	unsigned n_lists;
	char arena[VG_SUBJECT_ARENA];
	size_t used;
};

/* The fields of a kind, for vg_expr_env; static storage. */
const struct vg_field *vg_subject_fields(enum vg_subject_kind k, size_t *n);
/* The field of a kind by name, or NULL. */
const struct vg_field *vg_subject_field(enum vg_subject_kind k, const char *name);
const char *vg_subject_kind_name(enum vg_subject_kind k);
bool vg_subject_kind_parse(const char *s, enum vg_subject_kind *k);

struct vg_cfg_endpoint;

/*
 * What is declared, for joining flows and configured endpoints against it:
 * the manifests, and for flows also the endpoints configuration files set
 * (with their attribution, cfg_dest[i] for cfg[i]).
 */
struct vg_declared {
	const struct vg_manifest *const *m;
	size_t n;
	const struct vg_cfg_endpoint *const *cfg;
	const struct vg_dest *cfg_dest;
	size_t n_cfg;
};

/* Empties s and sets its kind and evaluation date (days since 1970-01-01). */
void vg_subject_init(struct vg_subject *s, enum vg_subject_kind k, int32_t today);

/*
 * A flow: the record's fields, d's attribution (may be NULL), and, when
 * decl is not NULL, how the manifests declare the destination's provider
 * (declared is false for an undeclared provider, absent for a flow with
 * no provider or when no manifest is given).
 */
void vg_subject_flow(struct vg_subject *s, const struct vg_flow_record *r,
    const struct vg_dest *d, const struct vg_declared *decl);

/* Sets the dest.* fields from an attribution (flows and endpoints). */
void vg_subject_dest(struct vg_subject *s, const struct vg_dest *d);

/* Declared-provider fields of a flow or test subject whose dest.provider is set. */
void vg_subject_declared(struct vg_subject *s, const struct vg_declared *decl);

/* An endpoint: providers[i] of m, attributed by d (may be NULL). */
void vg_subject_endpoint(struct vg_subject *s, const struct vg_manifest *m, size_t i,
    const struct vg_dest *d);

/*
 * An endpoint a configuration file sets, attributed by d (may be NULL);
 * decl (may be NULL) joins its provider against the manifests.
 */
void vg_subject_config(struct vg_subject *s, const struct vg_cfg_endpoint *e,
    const struct vg_dest *d, const struct vg_declared *decl);

/* A deployment. */
void vg_subject_deployment(struct vg_subject *s, const struct vg_manifest *m);

/*
 * Sets one field to a value from text (policy test cases). Strings and list
 * items are copied into the arena. False when the arena or a list is full.
 */
bool vg_subject_set_str(struct vg_subject *s, enum vg_sfield f, const char *str);
bool vg_subject_set_list(struct vg_subject *s, enum vg_sfield f, const char *const *items,
    size_t n);
void vg_subject_set(struct vg_subject *s, enum vg_sfield f, const struct vg_val *v);

/* The get callback of vg_expr_eval(); arg is the struct vg_subject. */
void vg_subject_get(void *arg, int field_id, struct vg_val *val);

#endif
