/* engine.c - drives each packet from decode through the flow table to the application parsers. */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "engine.h"
#include "proto_dns.h"
#include "proto_http.h"
#include "proto_quic.h"
#include "proto_tls.h"
#include "reasm.h"

struct vg_engine {
	struct vg_engine_config cfg;
	vg_record_fn cb;
	void *arg;
	struct vg_flow_table *flows;
	struct vg_dnscache *dns;
	struct vg_engine_stats st;
	uint64_t now;         /* latest packet time seen in this input */
	uint64_t next_sweep;  /* packet time of the next timeout sweep */
	size_t buffers;       /* live reassembly and QUIC states */
	struct vg_dns_msg msg; /* scratch for one DNS message, too large for the stack */
};

void
vg_engine_config_default(struct vg_engine_config *cfg)
{
	vg_flow_config_default(&cfg->flow);
	cfg->dnscache_entries = 65536;
	cfg->dns_min_ttl = 60; /* clients keep using an answer a while after a short TTL */
	cfg->max_parser_buffers = 4096;
}

const char *
vg_app_name(enum vg_app app)
{
	static const char *const n[] = { NULL, "tls", "http", "quic", "dns" };
	return (size_t)app < sizeof(n) / sizeof(n[0]) ? n[app] : NULL;
}

const char *
vg_hostname_source_name(enum vg_hostname_source s)
{
	static const char *const n[] = { NULL, "tls", "quic", "http", "dns" };
	return (size_t)s < sizeof(n) / sizeof(n[0]) ? n[s] : NULL;
}

const char *
vg_flow_end_name(enum vg_flow_end e)
{
	static const char *const n[] = { "timeout", "closed", "evicted", "eof" };
	return (size_t)e < sizeof(n) / sizeof(n[0]) ? n[e] : "unknown";
}

static struct vg_flow_info *
info_of(struct vg_engine *e, struct vg_flow *f)
{
	if (f->info == NULL && (f->info = calloc(1, sizeof(*f->info))) == NULL)
		vg_anomaly_inc(&e->st.anomalies, VG_AN_FLOW_ALLOC_FAILED);
	return f->info;
}

static void
set_hostname(struct vg_engine *e, struct vg_flow *f, const char *name, enum vg_hostname_source src)
{
	struct vg_flow_info *in = info_of(e, f);
	size_t n = strlen(name);

	if (in == NULL || n > VG_HOSTNAME_MAX)
		return;
	memcpy(in->hostname, name, n + 1);
	in->hostname_source = (uint8_t)src;
}

static void
release_parsers(struct vg_engine *e, struct vg_flow *f)
{
	if (f->reasm != NULL) {
		vg_reasm_free(f->reasm);
		f->reasm = NULL;
		e->buffers--;
	}
	if (f->quic != NULL) {
		vg_quic_free(f->quic);
		f->quic = NULL;
		e->buffers--;
	}
}

static void
finish(struct vg_engine *e, struct vg_flow *f, enum vg_app_state st)
{
	f->app_state = (uint8_t)st;
	release_parsers(e, f);
}

/* TCP reassembly: events counted under the tcp.* names. */
static size_t
tcp_reasm_add(struct vg_engine *e, struct vg_flow *f, uint32_t seq, const struct vg_packet *p)
{
	unsigned ev = 0;
	size_t n = vg_reasm_add(f->reasm, seq, p->payload, p->payload_len, &ev);

	if (ev & VG_REASM_OVERLAP_DIFFERS)
		vg_anomaly_inc(&e->st.anomalies, VG_AN_TCP_REASM_OVERLAP_DIFF);
	if (ev & VG_REASM_BEYOND_WINDOW)
		vg_anomaly_inc(&e->st.anomalies, VG_AN_TCP_REASM_WINDOW);
	return n;
}

static bool
buffer_available(struct vg_engine *e)
{
	if (e->buffers >= e->cfg.max_parser_buffers) {
		vg_anomaly_inc(&e->st.anomalies, VG_AN_TCP_REASM_NO_MEMORY);
		return false;
	}
	return true;
}

static bool
is_dns_port(const struct vg_flow_key *k)
{
	/* DNS (RFC 1035), mDNS (RFC 6762), LLMNR (RFC 4795) share the message format. */
	return k->pa == 53 || k->pb == 53 || k->pa == 5353 || k->pb == 5353 || k->pa == 5355 ||
	    k->pb == 5355;
}

/* ---- DNS */

static int
dnslog_put(struct vg_dns_log *log, const char *s)
{
	size_t n = strlen(s) + 1;
	int off = log->used;

	if (n > (size_t)VG_DNSLOG_ARENA - log->used)
		return -1;
	memcpy(log->arena + log->used, s, n);
	log->used = (uint16_t)(log->used + n);
	return off;
}

static void
dnslog_add(struct vg_dns_log *log, bool answer, const char *name, uint16_t type, uint32_t ttl,
    const char *data)
{
	struct vg_dns_entry *en;
	int no, d = 0;

	for (uint16_t i = 0; i < log->n; i++) {
		en = &log->e[i];
		if (en->answer == answer && en->type == type && strcmp(log->arena + en->name, name) == 0 &&
		    (!answer || strcmp(log->arena + en->data, data) == 0))
			return; /* retransmissions and repeated questions are logged once */
	}
	if (log->n == VG_DNSLOG_ENTRIES || (no = dnslog_put(log, name)) < 0 ||
	    (answer && (d = dnslog_put(log, data)) < 0)) {
		log->omitted++;
		return;
	}
	en = &log->e[log->n++];
	en->answer = answer;
	en->name = (uint16_t)no;
	en->data = (uint16_t)d;
	en->type = type;
	en->ttl = ttl;
}

static void
dns_cache_cb(void *arg, const char *name, const uint8_t *addr, int family, uint32_t ttl)
{
	struct vg_engine *e = arg;
	char canon[VG_HOSTNAME_MAX + 1];
	struct vg_addr a;

	/* Names with escaped bytes cannot be hostnames a client connects to. */
	if (!vg_hostname_canon((const uint8_t *)name, strlen(name), canon))
		return;
	if (family == 4)
		vg_addr_set4(&a, addr);
	else
		vg_addr_set6(&a, addr);
	vg_dnscache_put(e->dns, &a, canon, ttl, e->now);
}

static void
dns_message(struct vg_engine *e, struct vg_flow *f)
{
	const struct vg_dns_msg *m = &e->msg;
	struct vg_flow_info *in;
	char data[VG_DNS_NAME_MAX + 1];
	struct vg_addr a;

	f->app = VG_APP_DNS;
	if ((in = info_of(e, f)) == NULL)
		return;
	if (in->dns == NULL && (in->dns = calloc(1, sizeof(*in->dns))) == NULL) {
		vg_anomaly_inc(&e->st.anomalies, VG_AN_FLOW_ALLOC_FAILED);
		return;
	}
	for (uint8_t i = 0; i < m->n_questions; i++)
		dnslog_add(in->dns, false, m->questions[i].name, m->questions[i].type, 0, NULL);
	/* Only answers to standard queries name addresses; UPDATE and NOTIFY carry other data. */
	if (!m->response || m->opcode != 0)
		return;
	for (uint8_t i = 0; i < m->n_answers; i++) {
		const struct vg_dns_rr *rr = &m->answers[i];

		if (rr->type == VG_DNS_T_A || rr->type == VG_DNS_T_AAAA) {
			if (rr->type == VG_DNS_T_A)
				vg_addr_set4(&a, rr->data.addr);
			else
				vg_addr_set6(&a, rr->data.addr);
			vg_addr_str(&a, data, sizeof(data));
		} else {
			memcpy(data, rr->data.target, sizeof(data));
		}
		dnslog_add(in->dns, true, rr->name, rr->type, rr->ttl, data);
	}
	vg_dns_foreach_address(m, dns_cache_cb, e, &e->st.anomalies);
}

static void
udp_dns(struct vg_engine *e, struct vg_flow *f, int dir, const struct vg_packet *p)
{
	enum vg_parse_rc rc;

	if (f->inspected[dir] >= VG_DNS_INSPECT_MAX)
		return;
	f->inspected[dir]++;
	rc = vg_dns_parse(p->payload, p->payload_len, &e->msg, &e->st.anomalies);
	/* After ERROR the records parsed before the fault are still worth keeping. */
	if (rc == VG_PARSE_DONE || rc == VG_PARSE_ERROR)
		dns_message(e, f);
}

/*
 * DNS over TCP, RFC 7766: messages parsed from in-order segments only. A
 * message split across segments ends parsing in that direction: DNS over
 * TCP is rare on the paths we watch and reassembly is kept for hellos.
 */
static void
tcp_dns(struct vg_engine *e, struct vg_flow *f, int dir, const struct vg_packet *p, uint32_t seq)
{
	struct vg_cur c;
	size_t used;
	enum vg_parse_rc rc;

	if (!(f->have_isn & (1u << dir))) {
		f->isn[dir] = seq;
		f->have_isn |= (uint8_t)(1u << dir);
	}
	if (seq != f->isn[dir] || f->inspected[dir] >= VG_DNS_INSPECT_MAX)
		return;
	vg_cur_init(&c, p->payload, p->payload_len);
	while (!vg_cur_empty(&c) && f->inspected[dir] < VG_DNS_INSPECT_MAX) {
		rc = vg_dns_parse_tcp(vg_cur_here(&c), vg_cur_left(&c), &e->msg, &used,
		    &e->st.anomalies);
		if (rc != VG_PARSE_DONE)
			return;
		f->inspected[dir]++;
		dns_message(e, f);
		if (!vg_cur_skip(&c, used))
			return;
	}
	f->isn[dir] = seq + (uint32_t)p->payload_len;
}

/* ---- TLS and HTTP over TCP */

static enum vg_parse_rc
stream_parse(struct vg_engine *e, struct vg_flow *f, const uint8_t *buf, size_t len)
{
	struct vg_tls_hello hello;
	struct vg_http_request req;
	struct vg_flow_info *in;
	size_t need = 0;
	enum vg_parse_rc rc;

	if (len < f->need)
		return VG_PARSE_MORE;
	if (f->app == VG_APP_NONE || f->app == VG_APP_TLS) {
		rc = vg_tls_parse_stream(buf, len, &hello, &need, &e->st.anomalies);
		if (rc != VG_PARSE_NOMATCH) {
			f->app = VG_APP_TLS;
			if (rc == VG_PARSE_DONE && (in = info_of(e, f)) != NULL) {
				in->hello = hello;
				in->has_hello = true;
				if (hello.has_sni)
					set_hostname(e, f, hello.sni, VG_HS_TLS);
			}
			f->need = (uint32_t)need;
			return rc;
		}
	}
	if (f->app == VG_APP_NONE || f->app == VG_APP_HTTP) {
		rc = vg_http_parse_request(buf, len, &req, &need, &e->st.anomalies);
		if (rc != VG_PARSE_NOMATCH) {
			f->app = VG_APP_HTTP;
			if (rc == VG_PARSE_DONE && (in = info_of(e, f)) != NULL) {
				memcpy(in->http_method, req.method, sizeof(req.method));
				if (req.has_host)
					set_hostname(e, f, req.host, VG_HS_HTTP);
			}
			f->need = (uint32_t)need;
			return rc;
		}
	}
	return VG_PARSE_NOMATCH;
}

static void
tcp_app(struct vg_engine *e, struct vg_flow *f, int dir, const struct vg_packet *p)
{
	uint32_t seq = p->seq;
	const uint8_t *buf;
	size_t len, before = 0;
	enum vg_parse_rc rc;

	if (p->tcp_flags & VG_TCP_SYN) {
		/* The SYN takes one sequence number; data on a SYN (TFO, RFC 7413) follows it. */
		seq++;
		f->isn[dir] = seq;
		f->have_isn |= (uint8_t)(1u << dir);
	}
	if (p->payload_len == 0)
		return;
	if (is_dns_port(&f->key)) {
		tcp_dns(e, f, dir, p, seq);
		return;
	}
	if (dir != 0) /* hellos and requests come from the initiator */
		return;
	if (++f->inspected[0] > VG_INSPECT_MAX) {
		if (f->app == VG_APP_TLS)
			vg_anomaly_inc(&e->st.anomalies, VG_AN_TLS_HELLO_INCOMPLETE);
		finish(e, f, VG_APP_GAVEUP);
		return;
	}
	if (!(f->have_isn & 1)) {
		f->isn[0] = seq;
		f->have_isn |= 1;
	}
	if (f->reasm == NULL) {
		/* Fast path: the whole message in the first in-order segment, parsed in place. */
		if (seq == f->isn[0]) {
			rc = stream_parse(e, f, p->payload, p->payload_len);
			if (rc != VG_PARSE_MORE) {
				finish(e, f, rc == VG_PARSE_DONE ? VG_APP_DONE : VG_APP_GAVEUP);
				return;
			}
		}
		if (!buffer_available(e) || (f->reasm = vg_reasm_new(f->isn[0])) == NULL) {
			finish(e, f, VG_APP_GAVEUP);
			return;
		}
		e->buffers++;
		tcp_reasm_add(e, f, seq, p);
		if (seq == f->isn[0])
			return; /* this prefix was just parsed */
	} else {
		vg_reasm_data(f->reasm, &before);
		tcp_reasm_add(e, f, seq, p);
	}
	buf = vg_reasm_data(f->reasm, &len);
	if (len == before)
		return;
	rc = stream_parse(e, f, buf, len);
	if (rc == VG_PARSE_MORE && len >= VG_REASM_MAX)
		rc = VG_PARSE_ERROR; /* the parser wants more than we keep; it counted nothing */
	if (rc != VG_PARSE_MORE)
		finish(e, f, rc == VG_PARSE_DONE ? VG_APP_DONE : VG_APP_GAVEUP);
}

/* ---- QUIC and DNS over UDP */

static void
udp_app(struct vg_engine *e, struct vg_flow *f, int dir, const struct vg_packet *p)
{
	struct vg_tls_hello hello;
	struct vg_flow_info *in;
	uint32_t version = 0;
	enum vg_parse_rc rc;

	if (is_dns_port(&f->key)) {
		udp_dns(e, f, dir, p);
		return;
	}
	if (dir != 0)
		return;
	if (++f->inspected[0] > VG_INSPECT_MAX) {
		if (f->app == VG_APP_QUIC)
			vg_anomaly_inc(&e->st.anomalies, VG_AN_QUIC_HELLO_INCOMPLETE);
		finish(e, f, VG_APP_GAVEUP);
		return;
	}
	if (f->quic == NULL) {
		if (!vg_quic_is_initial(p->payload, p->payload_len))
			return;
		if (!buffer_available(e) || (f->quic = vg_quic_new()) == NULL) {
			finish(e, f, VG_APP_GAVEUP);
			return;
		}
		e->buffers++;
		f->app = VG_APP_QUIC;
	}
	rc = vg_quic_client_datagram(f->quic, p->payload, p->payload_len, &hello, &version,
	    &e->st.anomalies);
	if (rc == VG_PARSE_DONE) {
		if ((in = info_of(e, f)) != NULL) {
			in->hello = hello;
			in->has_hello = true;
			in->quic_version = version;
			if (hello.has_sni)
				set_hostname(e, f, hello.sni, VG_HS_QUIC);
		}
		finish(e, f, VG_APP_DONE);
	} else if (rc == VG_PARSE_ERROR) {
		finish(e, f, VG_APP_GAVEUP);
	}
}

/* ---- flow records */

static void
emit(void *arg, struct vg_flow *f, enum vg_flow_end why)
{
	struct vg_engine *e = arg;
	struct vg_flow_record r;
	struct vg_flow_info *in = f->info;
	bool a = f->init_is_a;

	if (f->app_state == VG_APP_PENDING && f->app == VG_APP_TLS)
		vg_anomaly_inc(&e->st.anomalies, VG_AN_TLS_HELLO_INCOMPLETE);
	else if (f->app_state == VG_APP_PENDING && f->app == VG_APP_QUIC)
		vg_anomaly_inc(&e->st.anomalies, VG_AN_QUIC_HELLO_INCOMPLETE);
	memset(&r, 0, sizeof(r));
	r.ts_start = f->ts_first;
	r.ts_end = f->ts_last;
	r.proto = f->key.proto;
	r.src_ip = a ? f->key.a : f->key.b;
	r.src_port = a ? f->key.pa : f->key.pb;
	r.dst_ip = a ? f->key.b : f->key.a;
	r.dst_port = a ? f->key.pb : f->key.pa;
	r.pkts_out = f->pkts[0];
	r.bytes_out = f->bytes[0];
	r.pkts_in = f->pkts[1];
	r.bytes_in = f->bytes[1];
	r.app = (enum vg_app)f->app;
	r.end = why;
	if (in != NULL) {
		if (in->hostname_source != VG_HS_NONE) {
			r.hostname = in->hostname;
			r.hostname_source = (enum vg_hostname_source)in->hostname_source;
		}
		r.hello = in->has_hello ? &in->hello : NULL;
		r.quic_version = in->quic_version;
		r.http_method = in->http_method[0] != '\0' ? in->http_method : NULL;
		r.dns = in->dns;
	}
	e->st.records++;
	e->st.hostnames[r.hostname_source]++;
	e->cb(e->arg, &r);
	release_parsers(e, f);
	if (in != NULL) {
		free(in->dns);
		free(in);
		f->info = NULL;
	}
}

/* ---- public */

struct vg_engine *
vg_engine_new(const struct vg_engine_config *cfg, vg_record_fn cb, void *arg)
{
	struct vg_engine *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->cfg = *cfg;
	e->cb = cb;
	e->arg = arg;
	e->flows = vg_flow_table_new(&cfg->flow, emit, e);
	e->dns = vg_dnscache_new(cfg->dnscache_entries, cfg->dns_min_ttl);
	if (e->flows == NULL || e->dns == NULL) {
		vg_engine_free(e);
		return NULL;
	}
	return e;
}

void
vg_engine_free(struct vg_engine *e)
{
	if (e == NULL)
		return;
	vg_flow_table_free(e->flows);
	vg_dnscache_free(e->dns);
	free(e);
}

void
vg_engine_anomaly(struct vg_engine *e, enum vg_anomaly id)
{
	vg_anomaly_inc(&e->st.anomalies, id);
}

void
vg_engine_packet(struct vg_engine *e, int dlt, uint64_t ts_us, const uint8_t *data, size_t caplen,
    size_t wirelen)
{
	struct vg_packet p;
	struct vg_flow *f;
	int dir;

	e->st.packets++;
	e->st.bytes += wirelen;
	if (caplen == 0) {
		vg_anomaly_inc(&e->st.anomalies, VG_AN_PKT_EMPTY);
		return;
	}
	if (caplen < wirelen)
		vg_anomaly_inc(&e->st.anomalies, VG_AN_PKT_SNAPLEN_CUT);
	/* Captures are not always in time order; timeouts follow the latest time seen. */
	if (ts_us > e->now)
		e->now = ts_us;
	if (e->now >= e->next_sweep) {
		vg_flow_expire(e->flows, e->now);
		e->next_sweep = e->now + 1000000;
	}
	p.ts_us = ts_us;
	if (vg_decode(dlt, data, caplen, wirelen, &p, &e->st.decode, &e->st.anomalies) !=
	    VG_DECODE_OK)
		return;
	if (p.l4 != VG_L4_TCP && p.l4 != VG_L4_UDP)
		return;
	if ((f = vg_flow_packet(e->flows, &p, &dir)) == NULL) {
		vg_anomaly_inc(&e->st.anomalies, VG_AN_FLOW_ALLOC_FAILED);
		return;
	}
	if (f->pkts[0] + f->pkts[1] == 1 && !is_dns_port(&f->key)) {
		/* A new flow: name the responder from an answer seen earlier, if any. */
		const char *name = vg_dnscache_get(e->dns, dir == 0 ? &p.dst : &p.src, ts_us);
		if (name != NULL)
			set_hostname(e, f, name, VG_HS_DNS);
	}
	if (f->app_state != VG_APP_PENDING || p.fragment)
		return;
	if (p.l4 == VG_L4_TCP)
		tcp_app(e, f, dir, &p);
	else if (p.payload_len > 0)
		udp_app(e, f, dir, &p);
}

void
vg_engine_flush(struct vg_engine *e)
{
	vg_flow_flush(e->flows);
	vg_dnscache_clear(e->dns);
	e->now = 0;
	e->next_sweep = 0;
}

void
vg_engine_stats(const struct vg_engine *e, struct vg_engine_stats *st)
{
	*st = e->st;
	vg_flow_stats(e->flows, &st->flows);
	vg_dnscache_stats(e->dns, &st->dnscache);
}
