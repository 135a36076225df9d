/* out_json.c - JSON-lines writer for flow and summary records, on jansson. */
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "out_json.h"
#include "proto_dns.h"
#include "proto_quic.h"

char *
vg_format_ts(uint64_t us, char *buf, size_t len)
{
	time_t s = (time_t)(us / 1000000u);
	struct tm tm;
	char base[24];

	if (gmtime_r(&s, &tm) == NULL || strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(base, sizeof(base), "1970-01-01T00:00:00");
	snprintf(buf, len, "%s.%06uZ", base, (unsigned)(us % 1000000u));
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

/* Takes a reference-stealing value; NULL C strings become JSON null. */
static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
dest_unattributed(void)
{
	/* Filled by attribution; until a rule matches, every field says "unknown" as null. */
	return json_pack("{s:n,s:n,s:n,s:n,s:n,s:[],s:n,s:n}", "provider", "service", "category",
	    "region", "country", "jurisdiction", "basis", "confidence");
}

static json_t *
dns_json(const struct vg_dns_log *log)
{
	json_t *q = json_array(), *a = json_array(), *o;
	const char *tn;
	char tbuf[16];

	for (uint16_t i = 0; i < log->n; i++) {
		const struct vg_dns_entry *en = &log->e[i];

		if ((tn = vg_dns_type_name(en->type)) == NULL) {
			snprintf(tbuf, sizeof(tbuf), "TYPE%u", en->type); /* RFC 3597 §5 */
			tn = tbuf;
		}
		if (en->answer)
			json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:s}", "name",
			    log->arena + en->name, "type", tn, "ttl", (json_int_t)en->ttl, "data",
			    log->arena + en->data));
		else
			json_array_append_new(q, json_pack("{s:s,s:s}", "name", log->arena + en->name,
			    "type", tn));
	}
	o = json_pack("{s:o,s:o,s:I}", "queries", q, "answers", a, "omitted",
	    (json_int_t)log->omitted);
	return o;
}

static int
write_line(FILE *fp, json_t *o)
{
	int rc;

	if (o == NULL)
		return -1;
	rc = json_dumpf(o, fp, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (rc != 0 || fputc('\n', fp) == EOF)
		return -1;
	return 0;
}

int
vg_json_flow(FILE *fp, const struct vg_flow_record *r)
{
	char ts0[32], ts1[32], src[VG_ADDR_STRLEN], dst[VG_ADDR_STRLEN];
	json_t *o, *alpn = json_null(), *versions = json_null();
	const struct vg_tls_hello *h = r->hello;

	if (h != NULL) {
		if (h->n_alpn > 0) {
			json_decref(alpn);
			alpn = json_array();
			for (uint8_t i = 0; i < h->n_alpn; i++)
				json_array_append_new(alpn, json_string(h->alpn[i]));
		}
		if (h->n_versions > 0) {
			json_decref(versions);
			versions = json_array();
			for (uint8_t i = 0; i < h->n_versions; i++) {
				const char *vn = vg_tls_version_name(h->versions[i]);
				char hex[8];
				if (vn == NULL) {
					snprintf(hex, sizeof(hex), "0x%04x", h->versions[i]);
					vn = hex;
				}
				json_array_append_new(versions, json_string(vn));
			}
		}
	}
	o = json_object();
	json_object_set_new(o, "type", json_string("flow"));
	json_object_set_new(o, "ts_start", json_string(vg_format_ts(r->ts_start, ts0, sizeof(ts0))));
	json_object_set_new(o, "ts_end", json_string(vg_format_ts(r->ts_end, ts1, sizeof(ts1))));
	json_object_set_new(o, "proto", json_string(r->proto == 6 ? "tcp" : "udp"));
	json_object_set_new(o, "src_ip", json_string(vg_addr_str(&r->src_ip, src, sizeof(src))));
	json_object_set_new(o, "src_port", json_integer(r->src_port));
	json_object_set_new(o, "dst_ip", json_string(vg_addr_str(&r->dst_ip, dst, sizeof(dst))));
	json_object_set_new(o, "dst_port", json_integer(r->dst_port));
	json_object_set_new(o, "app", str_or_null(vg_app_name(r->app)));
	json_object_set_new(o, "hostname", str_or_null(r->hostname));
	json_object_set_new(o, "hostname_source", str_or_null(vg_hostname_source_name(r->hostname_source)));
	json_object_set_new(o, "alpn", alpn);
	json_object_set_new(o, "ech", json_boolean(h != NULL && h->ech));
	json_object_set_new(o, "tls_versions", versions);
	json_object_set_new(o, "quic_version", str_or_null(r->quic_version != 0 ?
	    vg_quic_version_name(r->quic_version) : NULL));
	json_object_set_new(o, "http_method", str_or_null(r->http_method));
	json_object_set_new(o, "dns", r->dns != NULL ? dns_json(r->dns) : json_null());
	json_object_set_new(o, "pkts_out", json_integer((json_int_t)r->pkts_out));
	json_object_set_new(o, "bytes_out", json_integer((json_int_t)r->bytes_out));
	json_object_set_new(o, "pkts_in", json_integer((json_int_t)r->pkts_in));
	json_object_set_new(o, "bytes_in", json_integer((json_int_t)r->bytes_in));
	json_object_set_new(o, "end_reason", json_string(vg_flow_end_name(r->end)));
	json_object_set_new(o, "dest", dest_unattributed());
	return write_line(fp, o);
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
	return write_line(fp, o);
}
