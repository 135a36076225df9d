/* engine.h - the packet path: decode, flow table, application parsers and the DNS cache. */
#ifndef VG_ENGINE_H
#define VG_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "decode.h"
#include "dnscache.h"
#include "flow.h"
#include "record.h"

#define VG_INSPECT_MAX 16     /* payload packets per direction a TCP/QUIC parser may wait for */
#define VG_DNS_INSPECT_MAX 32 /* DNS messages parsed per flow */

struct vg_engine_config {
	struct vg_flow_config flow;
	size_t dnscache_entries;
	uint32_t dns_min_ttl;      /* seconds a DNS-derived name stays usable at least */
	size_t max_parser_buffers; /* concurrent reassembly/QUIC buffers (about 19 KiB each) */
};

void vg_engine_config_default(struct vg_engine_config *cfg);

struct vg_engine_stats {
	uint64_t packets;
	uint64_t bytes;            /* frame bytes on the wire */
	uint64_t records;
	uint64_t hostnames[5];     /* records per enum vg_hostname_source */
	struct vg_decode_stats decode;
	struct vg_flow_stats flows;
	struct vg_dnscache_stats dnscache;
	struct vg_anomalies anomalies;
};

/* Receives each finished flow; rec is valid during the call only. */
typedef void (*vg_record_fn)(void *arg, const struct vg_flow_record *rec);

struct vg_engine;

/* NULL on allocation failure or an invalid config. Free with vg_engine_free (NULL ok). */
struct vg_engine *vg_engine_new(const struct vg_engine_config *cfg, vg_record_fn cb, void *arg);
void vg_engine_free(struct vg_engine *e);

/* One captured frame of link type dlt. */
void vg_engine_packet(struct vg_engine *e, int dlt, uint64_t ts_us, const uint8_t *data,
    size_t caplen, size_t wirelen);

/* Counts an anomaly found outside the packet path (e.g. by the capture reader). */
void vg_engine_anomaly(struct vg_engine *e, enum vg_anomaly id);

/*
 * End of one input: emits every flow and forgets DNS answers, so separate
 * captures never share flows or names. Statistics keep accumulating.
 */
void vg_engine_flush(struct vg_engine *e);

/* Snapshot of the counters. */
void vg_engine_stats(const struct vg_engine *e, struct vg_engine_stats *st);

#endif
