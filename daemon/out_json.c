/* out_json.c - JSON-lines writer for flow and summary records, on jansson. */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "out_finding.h"
#include "out_json.h"
#include "proto_dns.h"
#include "proto_quic.h"

/*
 * Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant,
 * "chrono-Compatible Low-Level Date Algorithms", civil_from_days): the
 * gmtime_r + strftime path cost more than the rest of a flow record.
 */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static char *
put_digits(char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

char *
vg_format_ts(uint64_t us, char *buf, size_t len)
{
	uint64_t s = us / 1000000u, sod = s % 86400u;
	int64_t y;
	unsigned m, d;
	char tmp[32], *p = tmp;

	civil_from_days((int64_t)(s / 86400u), &y, &m, &d);
	if (y > 9999)
		y = 9999; /* beyond RFC 3339's four-digit years; only forged timestamps get here */
	p = put_digits(p, (uint64_t)y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	p = put_digits(p, sod / 3600, 2);
	*p++ = ':';
	p = put_digits(p, sod / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, sod % 60, 2);
	*p++ = '.';
	p = put_digits(p, us % 1000000u, 6);
	*p++ = 'Z';
	*p++ = '\0';
	if ((size_t)(p - tmp) > len)
		return len > 0 ? (buf[0] = '\0', buf) : buf;
	memcpy(buf, tmp, (size_t)(p - tmp));
	return buf;
}

const char *
vg_quic_version_name(uint32_t v)
{
	switch (v) {
	case VG_QUIC_V1: return "v1";
	case VG_QUIC_V2: return "v2";
	case 0xff00001du: return "draft-29";
	default: return NULL;
	}
}

/*
 * Flow records are written by hand into a stack buffer: building them as
 * jansson trees cost more than everything else in a scan. The record's size
 * is bounded by its parts (the DNS log arena, the ALPN and version caps), so
 * the buffer cannot overflow in practice; if it would, the record fails
 * cleanly. tests/unit/test_out_json.c parses the output with jansson.
 */
#define REC_MAX (32 * 1024)

struct jw {
	char *buf;
	size_t len;
	bool overflow;
};

static void
jw_raw(struct jw *w, const char *s, size_t n)
{
	if (w->overflow || n > REC_MAX - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void
jw_lit(struct jw *w, const char *s)
{
	jw_raw(w, s, strlen(s));
}

/* A JSON string (RFC 8259 §7); bytes outside printable ASCII are written as \u00XX. */
static void
jw_str(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t run = 0;

	jw_raw(w, "\"", 1);
	for (;; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
			run++;
			continue;
		}
		jw_raw(w, (const char *)p - run, run);
		run = 0;
		if (*p == '\0')
			break;
		if (*p == '"' || *p == '\\') {
			char two[2] = { '\\', (char)*p };
			jw_raw(w, two, 2);
		} else {
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			jw_raw(w, esc, 6);
		}
	}
	jw_raw(w, "\"", 1);
}

static void
jw_str_or_null(struct jw *w, const char *s)
{
	if (s != NULL)
		jw_str(w, s);
	else
		jw_lit(w, "null");
}

static void
jw_u64(struct jw *w, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	jw_raw(w, tmp + i, sizeof(tmp) - i);
}

/* ,"key": as one write; key must be a string literal. */
#define jw_key(w, key) jw_raw((w), ",\"" key "\":", sizeof(",\"" key "\":") - 1)

static void
jw_dns(struct jw *w, const struct vg_dns_log *log)
{
	char tbuf[16];
	const char *tn;
	bool first;

	for (int pass = 0; pass < 2; pass++) {
		jw_lit(w, pass == 0 ? "{\"queries\":[" : "],\"answers\":[");
		first = true;
		for (uint16_t i = 0; i < log->n; i++) {
			const struct vg_dns_entry *en = &log->e[i];

			if (en->answer != (pass == 1))
				continue;
			if ((tn = vg_dns_type_name(en->type)) == NULL) {
				snprintf(tbuf, sizeof(tbuf), "TYPE%u", en->type); /* RFC 3597 §5 */
				tn = tbuf;
			}
			jw_lit(w, first ? "{\"name\":" : ",{\"name\":");
			first = false;
			jw_str(w, log->arena + en->name);
			jw_key(w, "type");
			jw_str(w, tn);
			if (en->answer) {
				jw_key(w, "ttl");
				jw_u64(w, en->ttl);
				jw_key(w, "data");
				jw_str(w, log->arena + en->data);
			}
			jw_lit(w, "}");
		}
	}
	jw_lit(w, "],\"omitted\":");
	jw_u64(w, log->omitted);
	jw_lit(w, "}");
}

static void
jw_dest(struct jw *w, const struct vg_dest *d)
{
	const char *groups[4];
	unsigned ng;

	/* Nothing learnt: every field null. A range or GeoIP may give a country and no provider. */
	if (d == NULL || d->basis == VG_BASIS_NONE) {
		jw_lit(w, ",\"dest\":{\"provider\":null,\"service\":null,\"category\":null,"
		    "\"region\":null,\"country\":null,\"jurisdiction\":[],\"basis\":null,"
		    "\"confidence\":null}");
		return;
	}
	jw_lit(w, ",\"dest\":{\"provider\":");
	jw_str_or_null(w, d->provider);
	jw_key(w, "service");
	jw_str_or_null(w, d->service);
	jw_key(w, "category");
	jw_str_or_null(w, d->category);
	jw_key(w, "region");
	jw_str_or_null(w, d->region[0] != '\0' ? d->region : NULL);
	jw_key(w, "country");
	jw_str_or_null(w, d->country);
	jw_key(w, "jurisdiction");
	ng = vg_juris_group_names(d->groups, groups);
	jw_lit(w, "[");
	for (unsigned i = 0; i < ng; i++) {
		if (i > 0)
			jw_lit(w, ",");
		jw_str(w, groups[i]);
	}
	jw_lit(w, "]");
	jw_key(w, "basis");
	jw_str_or_null(w, vg_basis_name(d->basis));
	jw_key(w, "confidence");
	jw_str_or_null(w, vg_confidence_name(d->confidence));
	jw_key(w, "legal_seat");
	jw_str_or_null(w, d->legal_seat);
	jw_key(w, "area");
	jw_str_or_null(w, d->area);
	jw_key(w, "storage_only");
	jw_lit(w, d->storage_only ? "true" : "false");
	jw_key(w, "anycast");
	jw_lit(w, d->anycast ? "true" : "false");
	jw_key(w, "reason");
	jw_str_or_null(w, d->reason);
	jw_key(w, "source");
	jw_str_or_null(w, d->source);
	jw_lit(w, "}");
}

int
vg_json_flow(FILE *fp, const struct vg_flow_record *r, const struct vg_dest *d)
{
	char buf[REC_MAX], ts[32], ip[VG_ADDR_STRLEN], hex[8];
	struct jw w = { buf, 0, false };
	const struct vg_tls_hello *h = r->hello;
	const char *vn;

	jw_lit(&w, "{\"type\":\"flow\"");
	jw_key(&w, "ts_start");
	jw_str(&w, vg_format_ts(r->ts_start, ts, sizeof(ts)));
	jw_key(&w, "ts_end");
	jw_str(&w, vg_format_ts(r->ts_end, ts, sizeof(ts)));
	jw_key(&w, "proto");
	jw_lit(&w, r->proto == 6 ? "\"tcp\"" : "\"udp\"");
	jw_key(&w, "src_ip");
	jw_str(&w, vg_addr_str(&r->src_ip, ip, sizeof(ip)));
	jw_key(&w, "src_port");
	jw_u64(&w, r->src_port);
	jw_key(&w, "dst_ip");
	jw_str(&w, vg_addr_str(&r->dst_ip, ip, sizeof(ip)));
	jw_key(&w, "dst_port");
	jw_u64(&w, r->dst_port);
	jw_key(&w, "app");
	jw_str_or_null(&w, vg_app_name(r->app));
	jw_key(&w, "hostname");
	jw_str_or_null(&w, r->hostname);
	jw_key(&w, "hostname_source");
	jw_str_or_null(&w, vg_hostname_source_name(r->hostname_source));
	jw_key(&w, "alpn");
	if (h != NULL && h->n_alpn > 0) {
		for (uint8_t i = 0; i < h->n_alpn; i++) {
			jw_lit(&w, i == 0 ? "[" : ",");
			jw_str(&w, h->alpn[i]);
		}
		jw_lit(&w, "]");
	} else {
		jw_lit(&w, "null");
	}
	jw_key(&w, "ech");
	jw_lit(&w, h != NULL && h->ech ? "true" : "false");
	jw_key(&w, "tls_versions");
	if (h != NULL && h->n_versions > 0) {
		for (uint8_t i = 0; i < h->n_versions; i++) {
			if ((vn = vg_tls_version_name(h->versions[i])) == NULL) {
				snprintf(hex, sizeof(hex), "0x%04x", h->versions[i]);
				vn = hex;
			}
			jw_lit(&w, i == 0 ? "[" : ",");
			jw_str(&w, vn);
		}
		jw_lit(&w, "]");
	} else {
		jw_lit(&w, "null");
	}
	jw_key(&w, "quic_version");
	jw_str_or_null(&w, r->quic_version != 0 ? vg_quic_version_name(r->quic_version) : NULL);
	jw_key(&w, "http_method");
	jw_str_or_null(&w, r->http_method);
	jw_key(&w, "dns");
	if (r->dns != NULL)
		jw_dns(&w, r->dns);
	else
		jw_lit(&w, "null");
	jw_key(&w, "pkts_out");
	jw_u64(&w, r->pkts_out);
	jw_key(&w, "bytes_out");
	jw_u64(&w, r->bytes_out);
	jw_key(&w, "pkts_in");
	jw_u64(&w, r->pkts_in);
	jw_key(&w, "bytes_in");
	jw_u64(&w, r->bytes_in);
	jw_key(&w, "end_reason");
	jw_str(&w, vg_flow_end_name(r->end));
	jw_dest(&w, d);
	jw_lit(&w, "}\n");
	if (w.overflow)
		return -1;
	return fwrite(buf, 1, w.len, fp) == w.len ? 0 : -1;
}

/* The summary and findings, rarer than flows, are built with jansson. */
int
vg_json_write(FILE *fp, json_t *o)
{
	char *text;
	int rc = -1;

	if (o == NULL)
		return -1;
	/* Insertion order: records read the same from one run to the next. */
	text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	if (text != NULL) {
		rc = fputs(text, fp) == EOF || fputc('\n', fp) == EOF ? -1 : 0;
		free(text);
	}
	json_decref(o);
	return rc;
}

int
vg_json_summary(FILE *fp, const struct vg_scan_totals *t)
{
	const struct vg_engine_stats *s = &t->st;
	json_t *an = json_object(), *o;

	/* Only the counters that moved: the names are the stable part. */
	for (int i = 0; i < VG_AN__COUNT; i++)
		if (s->anomalies.n[i] != 0)
			json_object_set_new(an, vg_anomaly_name((enum vg_anomaly)i),
			    json_integer((json_int_t)s->anomalies.n[i]));
	o = json_pack("{s:s,s:i,s:i,s:I,s:I,"
	    "s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},"
	    "s:{s:I,s:I,s:I,s:I,s:I,s:I},"
	    "s:{s:I,s:I,s:I,s:I,s:I},"
	    "s:{s:I,s:I,s:I},"
	    "s:o}",
	    "type", "summary",
	    "captures", (int)t->captures,
	    "captures_failed", (int)t->captures_failed,
	    "packets", (json_int_t)s->packets,
	    "bytes", (json_int_t)s->bytes,
	    "decoded",
	    "ipv4", (json_int_t)s->decode.ipv4, "ipv6", (json_int_t)s->decode.ipv6,
	    "tcp", (json_int_t)s->decode.tcp, "udp", (json_int_t)s->decode.udp,
	    "other_ip", (json_int_t)s->decode.other_ip, "not_ip", (json_int_t)s->decode.not_ip,
	    "fragments", (json_int_t)s->decode.fragments,
	    "tunnelled", (json_int_t)s->decode.tunnelled,
	    "flows",
	    "total", (json_int_t)s->flows.created, "emitted", (json_int_t)s->records,
	    "evicted", (json_int_t)s->flows.evicted, "timed_out", (json_int_t)s->flows.timed_out,
	    "closed", (json_int_t)s->flows.closed, "peak", (json_int_t)s->flows.peak,
	    "hostnames",
	    "tls", (json_int_t)s->hostnames[VG_HS_TLS], "quic", (json_int_t)s->hostnames[VG_HS_QUIC],
	    "http", (json_int_t)s->hostnames[VG_HS_HTTP], "dns", (json_int_t)s->hostnames[VG_HS_DNS],
	    "none", (json_int_t)s->hostnames[VG_HS_NONE],
	    "dns_cache",
	    "inserts", (json_int_t)s->dnscache.inserts, "evictions",
	    (json_int_t)s->dnscache.evictions, "hits", (json_int_t)s->dnscache.hits,
	    "anomalies", an);
	if (o != NULL) {
		json_object_set_new(o, "attributed", json_integer((json_int_t)t->attributed));
		json_object_set_new(o, "rules", json_pack("{s:s?,s:s?,s:s?}", "catalog",
		    t->catalog_version, "cloud_regions", t->regions_version, "jurisdictions",
		    t->jurisdictions_version));
		if (t->policy != NULL)
			json_object_set_new(o, "policy", vg_pstats_json(t->policy));
	}
	return vg_json_write(fp, o);
}
