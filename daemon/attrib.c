/* attrib.c - combines the endpoint catalog with regions and jurisdictions into a destination. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"

struct vg_attrib {
	struct vg_catalog *catalog;
	struct vg_juris *juris;
	struct vg_ipranges *ranges;
	const struct vg_geoip *geoip; /* borrowed */
};

const char *
vg_basis_name(enum vg_basis b)
{
	static const char *const n[] = { NULL, "tls_sni", "quic_sni", "http_host", "name",
		"dns_answer", "ip_range", "geoip" };
	return (size_t)b < sizeof(n) / sizeof(n[0]) ? n[b] : NULL;
}

const char *
vg_confidence_name(enum vg_confidence c)
{
	static const char *const n[] = { NULL, "low", "medium", "high" };
	return (size_t)c < sizeof(n) / sizeof(n[0]) ? n[c] : NULL;
}

void
vg_attrib_free(struct vg_attrib *a)
{
	if (a == NULL)
		return;
	vg_catalog_free(a->catalog);
	vg_juris_free(a->juris);
	vg_ipranges_free(a->ranges);
	free(a);
}

const struct vg_catalog *vg_attrib_catalog(const struct vg_attrib *a) { return a->catalog; }
const struct vg_juris *vg_attrib_juris(const struct vg_attrib *a) { return a->juris; }
const struct vg_ipranges *vg_attrib_ranges(const struct vg_attrib *a) { return a->ranges; }

bool
vg_attrib_has_geoip(const struct vg_attrib *a)
{
	return a->geoip != NULL;
}

void
vg_attrib_set_geoip(struct vg_attrib *a, const struct vg_geoip *g)
{
	a->geoip = g;
}

static bool
path_in(char *buf, size_t len, const char *dir, const char *file, struct vg_err *err)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, file) >= len) {
		snprintf(err->msg, sizeof(err->msg), "%s: rules directory path too long", dir);
		return false;
	}
	return true;
}

/* The files must agree with one another: a typo in one would silently attribute nothing. */
static bool
cross_check(struct vg_attrib *a, struct vg_err *err)
{
	size_t n = vg_catalog_count(a->catalog, NULL, NULL);
	const char *file = vg_catalog_file(a->catalog);

	for (size_t i = 0; i < n; i++) {
		const struct vg_host_rule *r = vg_catalog_rule(a->catalog, i);
		const char *seat = r->service->provider->legal_seat;

		if (vg_juris_country(a->juris, seat) == NULL) {
			snprintf(err->msg, sizeof(err->msg), "%s:%u: provider '%s': legal_seat '%s' is "
			    "not in jurisdictions.yaml", file, r->service->provider->line,
			    r->service->provider->id, seat);
			return false;
		}
		if (r->where == VG_WHERE_COUNTRY && vg_juris_country(a->juris, r->country) == NULL) {
			snprintf(err->msg, sizeof(err->msg), "%s:%u: country '%s' is not in "
			    "jurisdictions.yaml", file, r->line, r->country);
			return false;
		}
		if (r->where == VG_WHERE_REGION && r->region != NULL && r->cloud != NULL &&
		    vg_juris_region(a->juris, r->cloud, r->region) == NULL) {
			snprintf(err->msg, sizeof(err->msg), "%s:%u: region '%s' is not a %s region of "
			    "cloud-regions.yaml", file, r->line, r->region, r->cloud);
			return false;
		}
	}
	return true;
}

struct vg_attrib *
vg_attrib_load(const char *dir, struct vg_err *err)
{
	char cat[4096], jur[4096], reg[4096], rng[4096];
	struct vg_attrib *a;

	if (!path_in(cat, sizeof(cat), dir, "ai-endpoints.yaml", err) ||
	    !path_in(jur, sizeof(jur), dir, "jurisdictions.yaml", err) ||
	    !path_in(reg, sizeof(reg), dir, "cloud-regions.yaml", err) ||
	    !path_in(rng, sizeof(rng), dir, "ip-ranges", err))
		return NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	if ((a->juris = vg_juris_load(jur, reg, err)) == NULL ||
	    (a->catalog = vg_catalog_load(cat, err)) == NULL || !cross_check(a, err) ||
	    (a->ranges = vg_ipranges_load(rng, err)) == NULL) {
		vg_attrib_free(a);
		return NULL;
	}
	return a;
}

static enum vg_confidence
confidence_of(enum vg_basis b)
{
	switch (b) {
	case VG_BASIS_TLS_SNI:
	case VG_BASIS_QUIC_SNI:
	case VG_BASIS_HTTP_HOST:
	case VG_BASIS_NAME:
		return VG_CONF_HIGH;
	case VG_BASIS_DNS:
	case VG_BASIS_IP_RANGE:
		return VG_CONF_MEDIUM;
	case VG_BASIS_GEOIP:
		return VG_CONF_LOW;
	default:
		return VG_CONF_NONE;
	}
}

static void
set_country(const struct vg_attrib *a, struct vg_dest *d, const char *code)
{
	const struct vg_country *c = vg_juris_country(a->juris, code);

	if (c != NULL) {
		d->country = c->code;
		d->groups = c->groups;
	}
}

bool
vg_attrib_host(const struct vg_attrib *a, const char *host, enum vg_basis basis, struct vg_dest *d)
{
	struct vg_host_match m;
	const struct vg_host_rule *r;
	const char *cc;

	memset(d, 0, sizeof(*d));
	if (host == NULL || !vg_catalog_match(a->catalog, host, &m))
		return false;
	r = m.rule;
	d->provider = r->service->provider->id;
	d->provider_name = r->service->provider->name;
	d->legal_seat = r->service->provider->legal_seat;
	if (d->legal_seat != NULL) {
		const struct vg_country *seat = vg_juris_country(a->juris, d->legal_seat);
		d->seat_groups = seat != NULL ? seat->groups : 0;
	}
	d->service = r->service->id;
	d->service_name = r->service->name;
	d->category = r->service->category;
	d->basis = basis;
	d->confidence = confidence_of(basis);
	d->reason = r->reason;
	d->note = r->note;
	d->source = r->source;
	d->pattern = r->pattern;
	d->line = r->line;
	d->file = vg_catalog_file(a->catalog);
	d->storage_only = r->storage_only;
	switch (r->where) {
	case VG_WHERE_COUNTRY:
		set_country(a, d, r->country);
		break;
	case VG_WHERE_AREA:
		d->area = r->area;
		/* eu and eea are groups; an area written as a country code is that country. */
		if (strcmp(r->area, "eu") == 0) {
			d->groups = VG_JG_EU | VG_JG_EEA;
		} else if (strcmp(r->area, "eea") == 0) {
			d->groups = VG_JG_EEA;
		} else if (strlen(r->area) == 2) {
			char up[3] = { (char)(r->area[0] & ~0x20), (char)(r->area[1] & ~0x20), 0 };
			set_country(a, d, up);
		}
		break;
	case VG_WHERE_REGION:
		memcpy(d->region, m.region, sizeof(d->region));
		memcpy(d->cloud, m.cloud, sizeof(d->cloud));
		if ((cc = vg_juris_region(a->juris, m.cloud, m.region)) != NULL)
			set_country(a, d, cc);
		else
			d->reason = "the region in the hostname is not in cloud-regions.yaml";
		break;
	case VG_WHERE_UNKNOWN:
		break;
	}
	return true;
}

bool
vg_attrib_addr(const struct vg_attrib *a, const struct vg_addr *ip, struct vg_dest *d)
{
	const struct vg_iprange *r;
	const char *cc;
	char geo[3];
	unsigned len;

	memset(d, 0, sizeof(*d));
	if ((r = vg_ipranges_lookup(a->ranges, ip, &len)) != NULL) {
		d->provider = r->provider;
		d->service = r->service;
		d->basis = VG_BASIS_IP_RANGE;
		d->confidence = VG_CONF_MEDIUM;
		d->anycast = r->anycast;
		d->prefix_len = len;
		d->file = r->file;
		d->line = r->line;
		d->source = r->source;
		if (r->anycast) {
			d->reason = "anycast range: the address is announced from many places";
			return true;
		}
		if (r->region != NULL && r->cloud != NULL) {
			snprintf(d->region, sizeof(d->region), "%s", r->region);
			snprintf(d->cloud, sizeof(d->cloud), "%s", r->cloud);
			if ((cc = vg_juris_region(a->juris, r->cloud, r->region)) != NULL)
				set_country(a, d, cc);
			else
				d->reason = "the range's region is not in cloud-regions.yaml";
		}
		return true;
	}
	if (a->geoip != NULL && vg_geoip_country(a->geoip, ip, geo)) {
		d->basis = VG_BASIS_GEOIP;
		d->confidence = VG_CONF_LOW;
		set_country(a, d, geo);
		return d->country != NULL;
	}
	return false;
}

bool
vg_attrib_flow(const struct vg_attrib *a, const struct vg_flow_record *r, struct vg_dest *d)
{
	static const enum vg_basis by_source[] = { VG_BASIS_NONE, VG_BASIS_TLS_SNI,
		VG_BASIS_QUIC_SNI, VG_BASIS_HTTP_HOST, VG_BASIS_DNS };
	enum vg_basis b = (size_t)r->hostname_source < sizeof(by_source) / sizeof(by_source[0]) ?
	    by_source[r->hostname_source] : VG_BASIS_NONE;

	/* A name the client used outranks anything the address can say (DESIGN, "Attribution"). */
	if (vg_attrib_host(a, r->hostname, b, d))
		return true;
	vg_attrib_addr(a, &r->dst_ip, d);
	return false;
}
