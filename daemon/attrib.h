/* attrib.h - a destination's provider, service, region, country and jurisdiction, with the evidence. */
#ifndef VG_ATTRIB_H
#define VG_ATTRIB_H

#include <stdbool.h>

#include "catalog.h"
#include "geoip.h"
#include "iprange.h"
#include "jurisdiction.h"
#include "record.h"

/* What the attribution rests on, strongest first (rules/README, DESIGN "Attribution"). */
enum vg_basis {
	VG_BASIS_NONE = 0,
	VG_BASIS_TLS_SNI,   /* the client named the server in its ClientHello */
	VG_BASIS_QUIC_SNI,  /* the same, inside a decrypted QUIC Initial */
	VG_BASIS_HTTP_HOST, /* the Host of a plaintext request */
	VG_BASIS_NAME,      /* a name given by a person (vigie explain, configuration) */
	VG_BASIS_DNS,       /* a DNS answer seen earlier for the address */
	VG_BASIS_IP_RANGE,  /* a published CIDR range */
	VG_BASIS_GEOIP,     /* a GeoIP database */
};

enum vg_confidence {
	VG_CONF_NONE = 0,
	VG_CONF_LOW,
	VG_CONF_MEDIUM,
	VG_CONF_HIGH,
};

/*
 * The attribution of one destination. Strings point into the loaded rules
 * and stay valid as long as the vg_attrib they came from.
 */
struct vg_dest {
	const char *provider, *provider_name, *legal_seat;
	unsigned seat_groups;            /* VG_JG_* of the legal seat's country, 0 when none */
	const char *service, *service_name, *category;
	char region[VG_CAPTURE_MAX + 1]; /* "" when the hostname names none */
	char cloud[VG_CAPTURE_MAX + 1];
	const char *country;             /* ISO 3166-1 alpha-2, NULL when unknown */
	const char *area;                /* e.g. "eu" when only an area is pinned */
	unsigned groups;                 /* VG_JG_* of the country or area */
	enum vg_basis basis;
	enum vg_confidence confidence;
	const char *reason;              /* why the country is unknown */
	const char *note, *source, *pattern;
	unsigned line;                   /* of the matching pattern or range */
	bool storage_only;               /* only storage is pinned to the country */
	bool anycast;                    /* the address is in an anycast/CDN range */
	unsigned prefix_len;             /* of the matching range (basis ip_range) */
	const char *file;                /* rules file of the rule or range that matched */
};

struct vg_attrib;

/*
 * Loads ai-endpoints.yaml, cloud-regions.yaml, jurisdictions.yaml and the
 * ip-ranges/ files from rules_dir and cross-checks them (every legal seat
 * and country exists, every fixed region is in its cloud's list). NULL
 * with err on failure.
 */
struct vg_attrib *vg_attrib_load(const char *rules_dir, struct vg_err *err);
void vg_attrib_free(struct vg_attrib *a);

/* Uses g (borrowed, may be NULL) for addresses that neither a name nor a range explains. */
void vg_attrib_set_geoip(struct vg_attrib *a, const struct vg_geoip *g);
const struct vg_ipranges *vg_attrib_ranges(const struct vg_attrib *a);
bool vg_attrib_has_geoip(const struct vg_attrib *a);

const struct vg_catalog *vg_attrib_catalog(const struct vg_attrib *a);
const struct vg_juris *vg_attrib_juris(const struct vg_attrib *a);

/*
 * Attributes a canonical hostname seen with the given basis. Always fills
 * *d (all unknown when nothing matches); true when a catalog rule matched.
 */
bool vg_attrib_host(const struct vg_attrib *a, const char *host, enum vg_basis basis,
    struct vg_dest *d);

/*
 * Attributes an address: a published range (basis ip_range, medium), else
 * GeoIP (basis geoip, low). An anycast range names its provider and no
 * country: GeoIP would only give the registrant's country. Returns true
 * when something was learnt.
 */
bool vg_attrib_addr(const struct vg_attrib *a, const struct vg_addr *ip, struct vg_dest *d);

/*
 * Attributes a finished flow: its hostname first (how it was learnt sets
 * the basis), else the destination address. True only when the catalog
 * named an AI service; *d is filled with whatever was learnt.
 */
bool vg_attrib_flow(const struct vg_attrib *a, const struct vg_flow_record *r, struct vg_dest *d);

const char *vg_basis_name(enum vg_basis b);           /* NULL for NONE */
const char *vg_confidence_name(enum vg_confidence c); /* NULL for NONE */

#endif
