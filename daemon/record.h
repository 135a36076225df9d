/* record.h - the flow record handed to output writers and, later, to attribution and policy. */
#ifndef VG_RECORD_H
#define VG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "flow.h"
#include "proto_tls.h"

enum vg_app {
	VG_APP_NONE = 0,
	VG_APP_TLS,
	VG_APP_HTTP,
	VG_APP_QUIC,
	VG_APP_DNS,
};

enum vg_app_state {
	VG_APP_PENDING = 0, /* parsers still looking */
	VG_APP_DONE,        /* a parser produced its result */
	VG_APP_GAVEUP,      /* unknown protocol, malformed, or out of packets/bytes */
};

enum vg_hostname_source {
	VG_HS_NONE = 0,
	VG_HS_TLS,
	VG_HS_QUIC,
	VG_HS_HTTP,
	VG_HS_DNS,
};

/* DNS questions and answers seen on a DNS flow, in a fixed block allocated once per DNS flow. */
#define VG_DNSLOG_ENTRIES 24
#define VG_DNSLOG_ARENA 1536

struct vg_dns_entry {
	uint16_t name;   /* offset of the owner name in arena */
	uint16_t data;   /* offset of the answer text (address or CNAME target); answers only */
	uint16_t type;
	bool answer;     /* false: a question */
	uint32_t ttl;
};

struct vg_dns_log {
	uint16_t n;
	uint16_t used;     /* arena bytes used */
	uint32_t omitted;  /* entries that did not fit */
	struct vg_dns_entry e[VG_DNSLOG_ENTRIES];
	char arena[VG_DNSLOG_ARENA];
};

/*
 * What a parser learned about a flow; allocated once, when the first
 * result (a DNS cache name at creation, or a parsed message) arrives.
 */
struct vg_flow_info {
	char hostname[VG_HOSTNAME_MAX + 1];
	uint8_t hostname_source;        /* enum vg_hostname_source */
	bool has_hello;
	uint32_t quic_version;
	char http_method[20];
	struct vg_tls_hello hello;      /* TLS and QUIC flows */
	struct vg_dns_log *dns;         /* DNS flows; separately allocated */
};

/* A finished flow as writers see it. Borrowed: valid only during the callback. */
struct vg_flow_record {
	uint64_t ts_start, ts_end; /* µs since the epoch */
	uint8_t proto;             /* 6 or 17 */
	struct vg_addr src_ip, dst_ip; /* src: the initiator */
	uint16_t src_port, dst_port;
	uint64_t pkts_out, bytes_out, pkts_in, bytes_in;
	enum vg_app app;
	enum vg_flow_end end;
	const char *hostname;      /* NULL when unknown */
	enum vg_hostname_source hostname_source;
	const struct vg_tls_hello *hello; /* NULL unless a ClientHello was parsed */
	uint32_t quic_version;     /* 0 unless QUIC */
	const char *http_method;   /* NULL unless HTTP */
	const struct vg_dns_log *dns; /* NULL unless DNS */
};

const char *vg_app_name(enum vg_app app);                   /* NULL for VG_APP_NONE */
const char *vg_hostname_source_name(enum vg_hostname_source s); /* NULL for VG_HS_NONE */
const char *vg_flow_end_name(enum vg_flow_end e);

#endif
