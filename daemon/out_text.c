/* out_text.c - text table writer; anything from the wire is printed through a sanitiser. */
#include <string.h>

#include "out_finding.h"
#include "out_text.h"

/* ip:port, with IPv6 in brackets (RFC 3986 §3.2.2) so the port stays unambiguous. */
static const char *
endpoint(const struct vg_addr *a, uint16_t port, char *buf, size_t len)
{
	char ip[VG_ADDR_STRLEN];

	vg_addr_str(a, ip, sizeof(ip));
	snprintf(buf, len, a->family == 6 ? "[%s]:%u" : "%s:%u", ip, port);
	return buf;
}

/* Sized for IPv4; longer values (IPv6, long names) push the row instead of being cut. */
#define FMT "%-27s %-5s %-21s %-21s %-4s %-40s %-5s %-14s %-5s %11s %15s\n"

int
vg_text_header(FILE *fp)
{
	return fprintf(fp, FMT, "START", "PROTO", "SOURCE", "DESTINATION", "APP", "HOSTNAME", "BY",
	    "PROVIDER", "WHERE", "PKTS OUT/IN", "BYTES OUT/IN") < 0 ? -1 : 0;
}

/* Where the destination is: a country, an area, "?" when the catalog says it cannot tell. */
static const char *
where(const struct vg_dest *d)
{
	if (d == NULL || d->basis == VG_BASIS_NONE)
		return "-";
	if (d->country != NULL)
		return d->country;
	if (d->area != NULL)
		return d->area;
	return "?";
}

int
vg_text_flow(FILE *fp, const struct vg_flow_record *r, const struct vg_dest *dest)
{
	char ts[32], s[VG_ADDR_STRLEN + 9], d[VG_ADDR_STRLEN + 9], pk[48], by[48];
	const char *app = vg_app_name(r->app), *src = vg_hostname_source_name(r->hostname_source);
	const char *name = r->hostname;

	snprintf(pk, sizeof(pk), "%llu/%llu", (unsigned long long)r->pkts_out,
	    (unsigned long long)r->pkts_in);
	snprintf(by, sizeof(by), "%llu/%llu", (unsigned long long)r->bytes_out,
	    (unsigned long long)r->bytes_in);
	/* A DNS flow goes to a resolver: show what was asked, marked as a query. */
	if (r->hostname == NULL && r->dns != NULL) {
		for (uint16_t i = 0; i < r->dns->n; i++) {
			if (!r->dns->e[i].answer) {
				name = r->dns->arena + r->dns->e[i].name;
				src = "query";
				break;
			}
		}
	}
	/* Hostnames are canonical and DNS names escaped to printable text: safe as they are. */
	return fprintf(fp, FMT, vg_format_ts(r->ts_start, ts, sizeof(ts)),
	    r->proto == 6 ? "tcp" : "udp", endpoint(&r->src_ip, r->src_port, s, sizeof(s)),
	    endpoint(&r->dst_ip, r->dst_port, d, sizeof(d)), app != NULL ? app : "-",
	    name != NULL ? name : "-", src != NULL ? src : "-",
	    dest != NULL && dest->provider != NULL ? dest->provider : "-", where(dest), pk, by) < 0 ?
	    -1 : 0;
}

int
vg_text_summary(FILE *fp, const struct vg_scan_totals *t)
{
	const struct vg_engine_stats *s = &t->st;
	int any = 0;

	fprintf(fp, "\n%u capture%s (%u failed), %llu packets, %llu bytes\n", t->captures,
	    t->captures == 1 ? "" : "s", t->captures_failed, (unsigned long long)s->packets,
	    (unsigned long long)s->bytes);
	fprintf(fp, "%llu flows (%llu evicted, peak %zu in table); hostnames: %llu tls, %llu quic, "
	    "%llu http, %llu dns, %llu none\n", (unsigned long long)s->records,
	    (unsigned long long)s->flows.evicted, s->flows.peak,
	    (unsigned long long)s->hostnames[VG_HS_TLS], (unsigned long long)s->hostnames[VG_HS_QUIC],
	    (unsigned long long)s->hostnames[VG_HS_HTTP], (unsigned long long)s->hostnames[VG_HS_DNS],
	    (unsigned long long)s->hostnames[VG_HS_NONE]);
	if (t->catalog_version != NULL)
		fprintf(fp, "%llu flows attributed to an AI service (catalog %s, jurisdictions %s)\n",
		    (unsigned long long)t->attributed, t->catalog_version,
		    t->jurisdictions_version != NULL ? t->jurisdictions_version : "-");
	for (int i = 0; i < VG_AN__COUNT; i++) {
		if (s->anomalies.n[i] == 0)
			continue;
		fprintf(fp, "%s%s %llu", any++ ? ", " : "anomalies: ",
		    vg_anomaly_name((enum vg_anomaly)i), (unsigned long long)s->anomalies.n[i]);
	}
	if (fprintf(fp, any ? "\n" : "anomalies: none\n") < 0)
		return -1;
	return t->policy != NULL ? vg_pstats_text(fp, t->policy) : 0;
}
