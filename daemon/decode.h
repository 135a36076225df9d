/* decode.h - link, network and transport headers of one captured frame to a packet view. */
#ifndef VG_DECODE_H
#define VG_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "anomaly.h"

#define VG_VLAN_MAX 4        /* 802.1Q/802.1ad tags followed (QinQ and one more) */
#define VG_MPLS_MAX 8        /* MPLS labels followed */
#define VG_IPV6_EXT_MAX 8    /* IPv6 extension headers followed */
#define VG_TUNNEL_MAX 3      /* nested encapsulations followed */

/* Link types we decode; the values are libpcap's DLT_* numbers. */
bool vg_decode_linktype_supported(int dlt);

enum vg_l4 {
	VG_L4_OTHER = 0,
	VG_L4_TCP = 6,
	VG_L4_UDP = 17,
};

#define VG_TCP_FIN 0x01
#define VG_TCP_SYN 0x02
#define VG_TCP_RST 0x04
#define VG_TCP_PSH 0x08
#define VG_TCP_ACK 0x10

/*
 * The decoded view of one frame. It borrows the frame's bytes: payload
 * points into the caller's buffer and is valid only as long as that buffer.
 */
struct vg_packet {
	uint64_t ts_us;           /* capture timestamp, microseconds since the epoch */
	struct vg_addr src, dst;  /* innermost IP header */
	uint32_t ip_len;          /* innermost IP datagram length as declared (header + payload) */
	uint8_t l4;               /* enum vg_l4, or the IP protocol number when other */
	uint8_t tcp_flags;
	uint16_t sport, dport;
	uint32_t seq;             /* TCP sequence number */
	const uint8_t *payload;   /* captured transport payload (may be shorter than declared) */
	size_t payload_len;
	uint32_t payload_wire_len; /* transport payload length declared by the headers */
	uint8_t tunnels;          /* encapsulation layers removed */
	bool fragment;            /* IPv4 or IPv6 fragment: counted, never reassembled */
	bool cut;                 /* payload shorter than declared (snaplen) */
};

enum vg_decode_rc {
	VG_DECODE_OK = 0,      /* IP packet with TCP or UDP, or another IP protocol (l4 says) */
	VG_DECODE_NOT_IP,      /* a well-formed frame that carries no IP (ARP, LLDP, ...) */
	VG_DECODE_BAD,         /* malformed; one anomaly counted */
};

/* Counters of what was decoded, next to the anomalies. */
struct vg_decode_stats {
	uint64_t ipv4, ipv6, tcp, udp, other_ip, not_ip, fragments, tunnelled;
};

/*
 * Decodes one frame of link type dlt: caplen bytes are present in data,
 * wirelen were on the wire (more when the capture's snaplen cut the frame).
 * Fills *pkt (ts_us is left to the caller). Never reads outside data.
 */
enum vg_decode_rc vg_decode(int dlt, const uint8_t *data, size_t caplen, size_t wirelen,
    struct vg_packet *pkt, struct vg_decode_stats *st, struct vg_anomalies *an);

#endif
