/* flow.h - the bounded flow table: 5-tuple lookup, timeouts, LRU eviction. */
#ifndef VG_FLOW_H
#define VG_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "decode.h"

#define VG_FLOW_MAX_CAP (1u << 24) /* hard ceiling on the configurable table size */

/* Why a flow left the table; printed as end_reason. */
enum vg_flow_end {
	VG_END_TIMEOUT = 0, /* idle past its timeout */
	VG_END_CLOSED,      /* FIN both ways or RST, then the closed grace period */
	VG_END_EVICTED,     /* pushed out by the table cap */
	VG_END_EOF,         /* end of input */
};

/* Timeout classes; each keeps its own LRU list so expiry is a walk from the head. */
enum vg_flow_class {
	VG_FC_TCP = 0,
	VG_FC_TCP_CLOSED,
	VG_FC_UDP,
	VG_FC__COUNT,
};

/* Canonical key: the (addr, port) pair that sorts first is side a. */
struct vg_flow_key {
	struct vg_addr a, b;
	uint16_t pa, pb;
	uint8_t proto;
	uint8_t pad[3];
};

struct vg_reasm;
struct vg_quic;
struct vg_flow_info;

/*
 * One flow. Fixed part: about 200 bytes (sizeof is checked in the unit
 * test), allocated when the flow is created. Parser state (reasm, quic) is
 * allocated only while a parser waits for more bytes and freed as soon as
 * it finishes; info is allocated once when a parser produces a result.
 * Nothing is allocated per packet.
 */
struct vg_flow {
	struct vg_flow *hnext;           /* hash chain */
	struct vg_flow *prev, *next;     /* LRU list of the class */
	struct vg_flow_key key;
	uint64_t id;                     /* creation order */
	uint64_t ts_first, ts_last;      /* µs since epoch */
	uint64_t pkts[2], bytes[2];      /* [0]: sent by the initiator */
	bool init_is_a;                  /* initiator is key.a */
	uint8_t cls;                     /* enum vg_flow_class */
	uint8_t fin;                     /* bit 0: initiator sent FIN, bit 1: responder */
	bool syn_seen;
	/* Application parsing, driven by the engine. */
	uint8_t app;                     /* enum vg_app */
	uint8_t app_state;               /* enum vg_app_state */
	uint8_t inspected[2];            /* payload packets looked at per direction */
	uint32_t isn[2];                 /* sequence number of stream byte 0 per direction */
	uint8_t have_isn;                /* bit per direction */
	uint32_t need;                   /* stream bytes the waiting parser asked for */
	struct vg_reasm *reasm;
	struct vg_quic *quic;
	struct vg_flow_info *info;
	const char *dns_name;            /* DNS-derived name when no SNI/Host; owned by info */
};

/*
 * Called for every flow leaving the table, then the flow is freed; the
 * callee must release reasm, quic and info.
 */
typedef void (*vg_flow_emit_fn)(void *arg, struct vg_flow *f, enum vg_flow_end why);

struct vg_flow_config {
	size_t max_flows;           /* entries at most; the LRU flow is evicted beyond */
	uint32_t tcp_timeout;       /* seconds idle, open TCP */
	uint32_t tcp_closed_timeout; /* seconds after FIN both ways or RST */
	uint32_t udp_timeout;       /* seconds idle, UDP */
};

void vg_flow_config_default(struct vg_flow_config *cfg);

struct vg_flow_stats {
	uint64_t created;
	uint64_t evicted;
	uint64_t timed_out;
	uint64_t closed;
	uint64_t alloc_failed;
	size_t active;
	size_t peak;
};

struct vg_flow_table;

/* NULL on allocation failure. vg_flow_table_free() emits nothing; flush first (NULL ok). */
struct vg_flow_table *vg_flow_table_new(const struct vg_flow_config *cfg, vg_flow_emit_fn emit,
    void *arg);
void vg_flow_table_free(struct vg_flow_table *t);

/*
 * Finds or creates the flow of a TCP or UDP packet and accounts it:
 * counters, timestamps, TCP FIN/RST state and its position in the LRU.
 * *dir is 0 when the packet was sent by the initiator, 1 otherwise. NULL
 * when a new flow could not be allocated (counted). Creation may evict
 * the least recently active flow when the table is full.
 */
struct vg_flow *vg_flow_packet(struct vg_flow_table *t, const struct vg_packet *p, int *dir);

/* Emits flows idle past their timeout at packet time now_us. Cheap when nothing expired. */
void vg_flow_expire(struct vg_flow_table *t, uint64_t now_us);

/* Emits every flow, oldest first: VG_END_CLOSED for closed TCP, VG_END_EOF for the rest. */
void vg_flow_flush(struct vg_flow_table *t);

void vg_flow_stats(const struct vg_flow_table *t, struct vg_flow_stats *st);

#endif
