/* subject.c - flows, endpoints and deployments turned into the typed fields policies evaluate. */
#include <stdio.h>
#include <string.h>

#include "config_scan.h"
#include "subject.h"

struct kfield {
	struct vg_field f;
	unsigned kinds;
};

static const struct kfield all_fields[] = {
#define VG_SF_ROW(id, name, type, kinds) { { name, type, VG_SF_##id }, kinds },
	VG_SUBJECT_FIELDS(VG_SF_ROW)
#undef VG_SF_ROW
};

/* Per-kind tables, filled from all_fields on first use. */
static struct vg_field flow_fields[VG_SF__N], endpoint_fields[VG_SF__N],
    deployment_fields[VG_SF__N];
static size_t flow_fields_n, endpoint_fields_n, deployment_fields_n;

static void
build_tables(void)
{
	/* Filled on the first call; loading a policy makes it, before any thread could share them. */
	size_t i, nf = 0, ne = 0, nd = 0;

	if (flow_fields_n != 0)
		return;
	for (i = 0; i < VG_SF__N; i++) {
		if (all_fields[i].kinds & VG_SF_F)
			flow_fields[nf++] = all_fields[i].f;
		if (all_fields[i].kinds & VG_SF_E)
			endpoint_fields[ne++] = all_fields[i].f;
		if (all_fields[i].kinds & VG_SF_D)
			deployment_fields[nd++] = all_fields[i].f;
	}
	endpoint_fields_n = ne;
	deployment_fields_n = nd;
	flow_fields_n = nf;
}

const struct vg_field *
vg_subject_fields(enum vg_subject_kind k, size_t *n)
{
	build_tables();
	switch (k) {
	case VG_SUBJ_FLOW:
		*n = flow_fields_n;
		return flow_fields;
	case VG_SUBJ_ENDPOINT:
		*n = endpoint_fields_n;
		return endpoint_fields;
	case VG_SUBJ_DEPLOYMENT:
		*n = deployment_fields_n;
		return deployment_fields;
	}
	*n = 0;
	return NULL;
}

const struct vg_field *
vg_subject_field(enum vg_subject_kind k, const char *name)
{
	size_t n, i;
	const struct vg_field *f = vg_subject_fields(k, &n);

	for (i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

static const char *const kind_names[VG_SUBJ_KINDS] = { "flow", "endpoint", "deployment" };

const char *
vg_subject_kind_name(enum vg_subject_kind k)
{
	return (unsigned)k < VG_SUBJ_KINDS ? kind_names[k] : "?";
}

bool
vg_subject_kind_parse(const char *s, enum vg_subject_kind *k)
{
	for (unsigned i = 0; i < VG_SUBJ_KINDS; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*k = (enum vg_subject_kind)i;
			return true;
		}
	return false;
}

void
vg_subject_init(struct vg_subject *s, enum vg_subject_kind k, int32_t today)
{
	memset(s->v, 0, sizeof(s->v));
	s->kind = k;
	s->file = NULL;
	s->line = 0;
	s->col = 0;
	s->key = NULL;
	s->label = NULL;
	s->ts_start = 0;
	s->n_lists = 0;
	s->used = 0;
	s->v[VG_SF_DATE] = (struct vg_val){ .t = VG_V_DATE, .u.date = today };
}

void
vg_subject_set(struct vg_subject *s, enum vg_sfield f, const struct vg_val *v)
{
	if ((unsigned)f < VG_SF__N)
		s->v[f] = *v;
}

static void
set_str(struct vg_subject *s, enum vg_sfield f, const char *str)
{
	if (str != NULL)
		s->v[f] = (struct vg_val){ .t = VG_V_STR, .u.s = str };
	else
		s->v[f].t = VG_V_NULL;
}

static void
set_int(struct vg_subject *s, enum vg_sfield f, int64_t i)
{
	s->v[f] = (struct vg_val){ .t = VG_V_INT, .u.i = i };
}

static void
set_bool(struct vg_subject *s, enum vg_sfield f, bool b)
{
	s->v[f] = (struct vg_val){ .t = VG_V_BOOL, .u.b = b };
}

static void
set_tri(struct vg_subject *s, enum vg_sfield f, enum vg_tri t)
{
	if (t != VG_TRI_UNSET)
		set_bool(s, f, t == VG_TRI_YES);
}

static void
set_date(struct vg_subject *s, enum vg_sfield f, int32_t d)
{
	if (d != VG_DATE_NONE)
		s->v[f] = (struct vg_val){ .t = VG_V_DATE, .u.date = d };
}

static char *
arena_copy(struct vg_subject *s, const char *str)
{
	size_t n = strlen(str) + 1;
	char *p;

	if (n > sizeof(s->arena) - s->used)
		return NULL;
	p = s->arena + s->used;
	memcpy(p, str, n);
	s->used += n;
	return p;
}

bool
vg_subject_set_str(struct vg_subject *s, enum vg_sfield f, const char *str)
{
	char *p;

	if ((unsigned)f >= VG_SF__N || (p = arena_copy(s, str)) == NULL)
		return false;
	set_str(s, f, p);
	return true;
}

/* A new empty list slot; NULL when all are taken. */
static const char **
list_slot(struct vg_subject *s, enum vg_sfield f)
{
	const char **l;

	if (s->n_lists == sizeof(s->lists) / sizeof(s->lists[0]))
		return NULL;
	l = s->lists[s->n_lists++];
	s->v[f] = (struct vg_val){ .t = VG_V_LIST, .u.list = { l, 0 } };
	return l;
}

/* Appends str (borrowed) unless the list already has it. */
static bool
list_add(struct vg_subject *s, enum vg_sfield f, const char *str)
{
	const char **items = (const char **)s->v[f].u.list.items;
	size_t n = s->v[f].u.list.n;

	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i], str) == 0)
			return true;
	if (n == VG_SUBJECT_LIST_MAX)
		return false;
	items[n] = str;
	s->v[f].u.list.n = n + 1;
	return true;
}

bool
vg_subject_set_list(struct vg_subject *s, enum vg_sfield f, const char *const *items, size_t n)
{
	const char **l;

	if ((unsigned)f >= VG_SF__N || n > VG_SUBJECT_LIST_MAX || (l = list_slot(s, f)) == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		char *p = arena_copy(s, items[i]);
		if (p == NULL || !list_add(s, f, p))
			return false;
	}
	return true;
}

static void
set_mf_list(struct vg_subject *s, enum vg_sfield f, const struct vg_mf_list *l)
{
	const char **slot;

	if (l->items == NULL && l->n == 0)
		return;
	if ((slot = list_slot(s, f)) == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		(void)list_add(s, f, l->items[i]);
}

static const char *
tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0300: return "ssl3";
	case 0x0301: return "1.0";
	case 0x0302: return "1.1";
	case 0x0303: return "1.2";
	case 0x0304: return "1.3";
	default: return NULL;
	}
}

/*
 * The highest version the client offers: supported_versions when present
 * (RFC 8446 §4.2.1; GREASE values are not versions), else legacy_version.
 */
static const char *
offered_version(const struct vg_tls_hello *h)
{
	uint16_t best = 0;

	for (unsigned i = 0; i < h->n_versions && i < VG_TLS_VERSIONS_MAX; i++)
		if (tls_version_name(h->versions[i]) != NULL && h->versions[i] > best)
			best = h->versions[i];
	if (best == 0)
		best = h->legacy_version;
	return tls_version_name(best);
}

void
vg_subject_dest(struct vg_subject *s, const struct vg_dest *d)
{
	const char *groups[4];
	unsigned ng, i;
	const char **l;

	if (d == NULL || d->basis == VG_BASIS_NONE)
		return;
	set_str(s, VG_SF_D_PROVIDER, d->provider);
	set_str(s, VG_SF_D_PROVIDER_NAME, d->provider_name);
	set_str(s, VG_SF_D_LEGAL_SEAT, d->legal_seat);
	set_str(s, VG_SF_D_SERVICE, d->service);
	set_str(s, VG_SF_D_CATEGORY, d->category);
	set_str(s, VG_SF_D_REGION, d->region[0] != '\0' ? d->region : NULL);
	set_str(s, VG_SF_D_CLOUD, d->cloud[0] != '\0' ? d->cloud : NULL);
	set_str(s, VG_SF_D_COUNTRY, d->country);
	set_str(s, VG_SF_D_AREA, d->area);
	set_str(s, VG_SF_D_BASIS, vg_basis_name(d->basis));
	set_str(s, VG_SF_D_CONFIDENCE, vg_confidence_name(d->confidence));
	set_str(s, VG_SF_D_REASON, d->reason);
	set_bool(s, VG_SF_D_STORAGE_ONLY, d->storage_only);
	set_bool(s, VG_SF_D_ANYCAST, d->anycast);
	/* A destination with neither country nor area has no jurisdiction: absent, not []. */
	if (d->country != NULL || d->area != NULL) {
		ng = vg_juris_group_names(d->groups, groups);
		if ((l = list_slot(s, VG_SF_D_JURIS)) != NULL)
			for (i = 0; i < ng; i++)
				(void)list_add(s, VG_SF_D_JURIS, groups[i]);
	}
	if (d->legal_seat != NULL && d->seat_groups != 0) {
		ng = vg_juris_group_names(d->seat_groups, groups);
		if ((l = list_slot(s, VG_SF_D_SEAT_JURIS)) != NULL)
			for (i = 0; i < ng; i++)
				(void)list_add(s, VG_SF_D_SEAT_JURIS, groups[i]);
	}
}

void
vg_subject_declared(struct vg_subject *s, const struct vg_declared *decl)
{
	const char *prov;
	bool any = false, dpf = false, dpf_known = false;
	/* An endpoint is the provider it is configured for; a flow, the one it reached. */
	enum vg_sfield pf = s->kind == VG_SUBJ_ENDPOINT && s->v[VG_SF_PROVIDER].t == VG_V_STR ?
	    VG_SF_PROVIDER : VG_SF_D_PROVIDER;

	if (decl == NULL || decl->n + decl->n_cfg == 0 || s->v[pf].t != VG_V_STR)
		return;
	prov = s->v[pf].u.s;
	(void)list_slot(s, VG_SF_DECL_REGIONS);
	(void)list_slot(s, VG_SF_DECL_HOSTS);
	(void)list_slot(s, VG_SF_DECL_TRANSFER);
	(void)list_slot(s, VG_SF_DECL_DEPLOYMENTS);
	for (size_t i = 0; i < decl->n; i++) {
		const struct vg_manifest *m = decl->m[i];
		bool here = false;

		/* Absent unless some manifest names a gateway: "exists declared.gateways" asks just that. */
		if (m->gateway_host[0] != '\0') {
			if (s->v[VG_SF_DECL_GATEWAYS].t != VG_V_LIST)
				(void)list_slot(s, VG_SF_DECL_GATEWAYS);
			(void)list_add(s, VG_SF_DECL_GATEWAYS, m->gateway_host);
		}
		for (size_t j = 0; j < m->n_providers; j++) {
			const struct vg_mf_provider *p = &m->providers[j];
			if (strcmp(p->provider, prov) != 0)
				continue;
			here = true;
			if (p->region != NULL)
				(void)list_add(s, VG_SF_DECL_REGIONS, p->region);
			if (p->host[0] != '\0')
				(void)list_add(s, VG_SF_DECL_HOSTS, p->host);
			if (p->dpf_certified != VG_TRI_UNSET) {
				dpf_known = true;
				dpf = dpf || p->dpf_certified == VG_TRI_YES;
			}
		}
		if (here) {
			any = true;
			(void)list_add(s, VG_SF_DECL_DEPLOYMENTS, m->name);
			if (m->transfer_mechanism != NULL)
				(void)list_add(s, VG_SF_DECL_TRANSFER, m->transfer_mechanism);
		}
	}
	/*
	 * Configuration declares too: what a repository configures is where its
	 * traffic should go, with the region it configures or the one its
	 * hostname names.
	 */
	for (size_t i = 0; i < decl->n_cfg; i++) {
		const struct vg_cfg_endpoint *e = decl->cfg[i];
		const struct vg_dest *d = &decl->cfg_dest[i];
		const char *p = d->provider != NULL ? d->provider :
		    e->target != NULL ? e->target->provider : NULL;

		if (p == NULL || strcmp(p, prov) != 0)
			continue;
		any = true;
		if (e->region != NULL)
			(void)list_add(s, VG_SF_DECL_REGIONS, e->region);
		else if (d->region[0] != '\0')
			(void)list_add(s, VG_SF_DECL_REGIONS, d->region);
		else if (d->area != NULL)
			(void)list_add(s, VG_SF_DECL_REGIONS, d->area);
		else if (d->country != NULL)
			(void)list_add(s, VG_SF_DECL_REGIONS, d->country);
		if (e->u.host[0] != '\0')
			(void)list_add(s, VG_SF_DECL_HOSTS, e->u.host);
	}
	set_bool(s, VG_SF_DECLARED, any);
	if (dpf_known)
		set_bool(s, VG_SF_DECL_DPF, dpf);
}

void
vg_subject_flow(struct vg_subject *s, const struct vg_flow_record *r, const struct vg_dest *d,
    const struct vg_declared *decl)
{
	char ip[VG_ADDR_STRLEN];
	const char *app, *p;
	const char **l;

	/* A flow is judged by the day it started: an obligation binds what happened after it applied. */
	s->v[VG_SF_DATE].u.date = (int32_t)(r->ts_start / 1000000u / 86400u);
	s->ts_start = r->ts_start;
	set_str(s, VG_SF_PROTO, r->proto == 6 ? "tcp" : "udp");
	set_str(s, VG_SF_SRC_IP, arena_copy(s, vg_addr_str(&r->src_ip, ip, sizeof(ip))));
	set_str(s, VG_SF_DST_IP, (p = arena_copy(s, vg_addr_str(&r->dst_ip, ip, sizeof(ip)))));
	s->label = p;
	set_int(s, VG_SF_SRC_PORT, r->src_port);
	set_int(s, VG_SF_DST_PORT, r->dst_port);
	if ((app = vg_app_name(r->app)) != NULL)
		set_str(s, VG_SF_APP, app);
	set_str(s, VG_SF_HOSTNAME, r->hostname);
	if (r->hostname != NULL)
		s->label = r->hostname;
	set_str(s, VG_SF_HOSTNAME_SOURCE, vg_hostname_source_name(r->hostname_source));
	if (r->hello != NULL) {
		set_bool(s, VG_SF_ECH, r->hello->ech);
		if ((l = list_slot(s, VG_SF_ALPN)) != NULL)
			for (unsigned i = 0; i < r->hello->n_alpn && i < VG_TLS_ALPN_MAX; i++)
				(void)list_add(s, VG_SF_ALPN, r->hello->alpn[i]);
		set_str(s, VG_SF_TLS_VERSION, offered_version(r->hello));
	}
	set_str(s, VG_SF_HTTP_METHOD, r->http_method);
	set_int(s, VG_SF_PKTS_OUT, (int64_t)r->pkts_out);
	set_int(s, VG_SF_BYTES_OUT, (int64_t)r->bytes_out);
	set_int(s, VG_SF_PKTS_IN, (int64_t)r->pkts_in);
	set_int(s, VG_SF_BYTES_IN, (int64_t)r->bytes_in);
	vg_subject_dest(s, d);
	vg_subject_declared(s, decl);
}

void
vg_subject_endpoint(struct vg_subject *s, const struct vg_manifest *m, size_t i,
    const struct vg_dest *d)
{
	const struct vg_mf_provider *p = &m->providers[i];

	s->file = m->file;
	s->line = p->endpoint_line != 0 ? p->endpoint_line : p->line;
	set_str(s, VG_SF_DEPLOYMENT, m->name);
	set_str(s, VG_SF_SOURCE, "manifest");
	set_str(s, VG_SF_URL, p->endpoint);
	if (p->host[0] != '\0') {
		set_str(s, VG_SF_HOSTNAME, p->host);
		set_str(s, VG_SF_SCHEME, p->scheme[0] != '\0' ? p->scheme : NULL);
		if (p->port != 0)
			set_int(s, VG_SF_PORT, p->port);
	}
	s->label = p->endpoint != NULL ? p->endpoint : p->provider;
	set_str(s, VG_SF_PROVIDER, p->provider);
	set_str(s, VG_SF_MODEL, p->model);
	set_str(s, VG_SF_REGION, p->region);
	set_str(s, VG_SF_ROUTING, p->routing);
	set_tri(s, VG_SF_DPF_CERTIFIED, p->dpf_certified);
	set_tri(s, VG_SF_PERSONAL, m->personal_data);
	set_str(s, VG_SF_T_MECHANISM, m->transfer_mechanism);
	vg_subject_dest(s, d);
}

void
vg_subject_config(struct vg_subject *s, const struct vg_cfg_endpoint *e, const struct vg_dest *d,
    const struct vg_declared *decl)
{
	s->file = e->file;
	s->line = e->line;
	s->col = e->col;
	s->key = e->key;
	s->label = e->label;
	set_str(s, VG_SF_SOURCE, "config");
	set_str(s, VG_SF_CONFIG_TYPE, vg_cfile_type_name(e->type));
	set_str(s, VG_SF_CONFIG_KEY, e->key);
	set_str(s, VG_SF_DEPLOYMENT, e->context != NULL ? e->context : e->file);
	set_str(s, VG_SF_URL, e->url);
	if (e->u.host[0] != '\0') {
		set_str(s, VG_SF_HOSTNAME, e->u.host);
		if (e->u.scheme[0] != '\0')
			set_str(s, VG_SF_SCHEME, e->u.scheme);
		if (e->u.port != 0)
			set_int(s, VG_SF_PORT, e->u.port);
	}
	/* The catalog knows better than the setting's name: OPENAI_BASE_URL may lead anywhere. */
	if (d != NULL && d->provider != NULL)
		set_str(s, VG_SF_PROVIDER, d->provider);
	else if (e->target != NULL)
		set_str(s, VG_SF_PROVIDER, e->target->provider);
	set_str(s, VG_SF_MODEL, e->model);
	set_str(s, VG_SF_REGION, e->region);
	vg_subject_dest(s, d);
	vg_subject_declared(s, decl);
}

void
vg_subject_deployment(struct vg_subject *s, const struct vg_manifest *m)
{
	int32_t today = s->v[VG_SF_DATE].u.date;

	s->file = m->file;
	s->line = m->line;
	s->label = m->name;
	set_str(s, VG_SF_NAME, m->name);
	set_str(s, VG_SF_OWNER, m->owner);
	set_str(s, VG_SF_PURPOSE, m->purpose);
	set_mf_list(s, VG_SF_PRACTICES, &m->practices);
	set_str(s, VG_SF_ROLE, m->role);
	set_str(s, VG_SF_RISK_CLASS, m->risk_class);
	set_str(s, VG_SF_ANNEX_III, m->annex_iii_area);
	set_tri(s, VG_SF_PERSONAL, m->personal_data);
	set_tri(s, VG_SF_SPECIAL, m->special_data);
	set_mf_list(s, VG_SF_CATEGORIES, &m->data_categories);
	set_tri(s, VG_SF_INTERACTS, m->interacts_with_persons);
	/* providers, models, regions and routings: present (maybe empty) once providers: is. */
	(void)list_slot(s, VG_SF_PROVIDERS);
	(void)list_slot(s, VG_SF_MODELS);
	(void)list_slot(s, VG_SF_REGIONS);
	(void)list_slot(s, VG_SF_ROUTINGS);
	for (size_t i = 0; i < m->n_providers; i++) {
		const struct vg_mf_provider *p = &m->providers[i];
		(void)list_add(s, VG_SF_PROVIDERS, p->provider);
		if (p->model != NULL)
			(void)list_add(s, VG_SF_MODELS, p->model);
		if (p->region != NULL)
			(void)list_add(s, VG_SF_REGIONS, p->region);
		if (p->routing != NULL)
			(void)list_add(s, VG_SF_ROUTINGS, p->routing);
	}
	set_str(s, VG_SF_GATEWAY, m->approved_gateway);
	set_str(s, VG_SF_T_MECHANISM, m->transfer_mechanism);
	set_str(s, VG_SF_T_TIA_REF, m->tia_ref);
	set_date(s, VG_SF_T_TIA_DATE, m->tia_date);
	if (m->tia_date != VG_DATE_NONE)
		set_int(s, VG_SF_T_TIA_AGE, (int64_t)today - m->tia_date);
	set_str(s, VG_SF_T_DEROGATION, m->derogation);
	set_tri(s, VG_SF_LOG_ENABLED, m->logging_enabled);
	if (m->retention_days != VG_INT_NONE)
		set_int(s, VG_SF_LOG_RETENTION, m->retention_days);
	set_str(s, VG_SF_OV_CONTACT, m->oversight_contact);
	set_str(s, VG_SF_OV_STOP, m->oversight_stop_procedure);
	set_str(s, VG_SF_NOTICE, m->transparency_notice);
	set_str(s, VG_SF_FRIA_REF, m->fria_ref);
	set_date(s, VG_SF_FRIA_DATE, m->fria_date);
	set_str(s, VG_SF_LIT_RECORD, m->literacy_record);
	set_date(s, VG_SF_LIT_DATE, m->literacy_date);
	set_str(s, VG_SF_SCREEN_REF, m->screen_ref);
	set_date(s, VG_SF_SCREEN_DATE, m->screen_date);
	set_tri(s, VG_SF_WORKERS, m->workers_informed);
	set_date(s, VG_SF_FIRST_USE, m->first_use);
}

void
vg_subject_get(void *arg, int field_id, struct vg_val *val)
{
	const struct vg_subject *s = arg;

	if (field_id >= 0 && field_id < VG_SF__N)
		*val = s->v[field_id];
}
