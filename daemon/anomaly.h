/* anomaly.h - the registry of named counters for malformed or unexpected input. */
#ifndef VG_ANOMALY_H
#define VG_ANOMALY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every decoder reports malformed input by bumping one of these counters
 * instead of logging. Names are stable: they appear in summary records and
 * in the audit store, so rename only with a migration. Keep each module's
 * entries together and in the order a packet meets them.
 */
#define VG_ANOMALIES(X)                                                   \
	X(CAPTURE_TRUNCATED, "capture.truncated")                         \
	X(PKT_SNAPLEN_CUT, "packet.snaplen_cut")                          \
	X(PKT_EMPTY, "packet.empty")                                      \
	X(LINK_UNSUPPORTED, "link.unsupported_type")                      \
	X(LINK_TRUNCATED, "link.truncated")                               \
	X(LINK_VLAN_TOO_DEEP, "link.vlan_too_deep")                       \
	X(LINK_MPLS_TOO_DEEP, "link.mpls_too_deep")                       \
	X(LINK_BAD_FAMILY, "link.bad_family")                             \
	X(IPV4_TRUNCATED, "ipv4.truncated")                               \
	X(IPV4_BAD_VERSION, "ipv4.bad_version")                           \
	X(IPV4_BAD_HLEN, "ipv4.bad_header_length")                        \
	X(IPV4_BAD_TOTAL_LEN, "ipv4.bad_total_length")                    \
	X(IPV4_BAD_OPTIONS, "ipv4.bad_options")                           \
	X(IPV6_TRUNCATED, "ipv6.truncated")                               \
	X(IPV6_BAD_VERSION, "ipv6.bad_version")                           \
	X(IPV6_BAD_PAYLOAD_LEN, "ipv6.bad_payload_length")                \
	X(IPV6_EXT_TRUNCATED, "ipv6.ext_header_truncated")                \
	X(IPV6_EXT_TOO_MANY, "ipv6.ext_header_too_many")                  \
	X(TCP_TRUNCATED, "tcp.truncated")                                 \
	X(TCP_BAD_OFFSET, "tcp.bad_data_offset")                          \
	X(TCP_REASM_WINDOW, "tcp.reasm_beyond_window")                    \
	X(TCP_REASM_OVERLAP_DIFF, "tcp.reasm_overlap_differs")            \
	X(TCP_REASM_NO_MEMORY, "tcp.reasm_no_memory")                     \
	X(UDP_TRUNCATED, "udp.truncated")                                 \
	X(UDP_BAD_LENGTH, "udp.bad_length")                               \
	X(TUNNEL_TOO_DEEP, "tunnel.too_deep")                             \
	X(GRE_TRUNCATED, "gre.truncated")                                 \
	X(GRE_UNSUPPORTED, "gre.unsupported")                             \
	X(VXLAN_TRUNCATED, "vxlan.truncated")                             \
	X(GTP_TRUNCATED, "gtp.truncated")                                 \
	X(FLOW_ALLOC_FAILED, "flow.alloc_failed")                         \
	X(TLS_BAD_RECORD, "tls.bad_record")                               \
	X(TLS_TOO_MANY_RECORDS, "tls.too_many_records")                   \
	X(TLS_NOT_CLIENT_HELLO, "tls.not_client_hello")                   \
	X(TLS_BAD_HANDSHAKE, "tls.bad_handshake_length")                  \
	X(TLS_HELLO_TOO_LONG, "tls.hello_too_long")                       \
	X(TLS_HELLO_INCOMPLETE, "tls.hello_incomplete")                   \
	X(TLS_BAD_HELLO, "tls.bad_client_hello")                          \
	X(TLS_BAD_EXTENSION, "tls.bad_extension")                         \
	X(TLS_DUP_EXTENSION, "tls.duplicate_extension")                   \
	X(TLS_BAD_SNI, "tls.bad_server_name")                             \
	X(TLS_BAD_ALPN, "tls.bad_alpn")                                   \
	X(TLS_BAD_VERSIONS, "tls.bad_supported_versions")                 \
	X(HTTP_BAD_REQUEST_LINE, "http.bad_request_line")                 \
	X(HTTP_HEADER_TOO_LONG, "http.header_too_long")                   \
	X(HTTP_BAD_HEADER, "http.bad_header")                             \
	X(HTTP_NO_HOST, "http.missing_host")                              \
	X(HTTP_BAD_HOST, "http.bad_host")                                 \
	X(HTTP_DUP_HOST, "http.duplicate_host")                           \
	X(DNS_TRUNCATED, "dns.truncated")                                 \
	X(DNS_BAD_TCP_LENGTH, "dns.bad_tcp_length")                       \
	X(DNS_POINTER_FORWARD, "dns.pointer_forward")                     \
	X(DNS_POINTER_LIMIT, "dns.pointer_limit")                         \
	X(DNS_NAME_TOO_LONG, "dns.name_too_long")                         \
	X(DNS_BAD_LABEL_TYPE, "dns.bad_label_type")                       \
	X(DNS_TOO_MANY_RECORDS, "dns.too_many_records")                   \
	X(DNS_BAD_RDLENGTH, "dns.bad_rdlength")                           \
	X(DNS_TRAILING_BYTES, "dns.trailing_bytes")                       \
	X(DNS_CNAME_CHAIN_TOO_LONG, "dns.cname_chain_too_long")           \
	X(QUIC_TRUNCATED, "quic.truncated")                               \
	X(QUIC_BAD_HEADER, "quic.bad_header")                             \
	X(QUIC_BAD_CID, "quic.bad_connection_id")                         \
	X(QUIC_DECRYPT_FAILED, "quic.decrypt_failed")                     \
	X(QUIC_BAD_FRAME, "quic.bad_frame")                               \
	X(QUIC_CRYPTO_TOO_LARGE, "quic.crypto_too_large")                 \
	X(QUIC_CRYPTO_CONFLICT, "quic.crypto_conflict")                   \
	X(QUIC_HELLO_INCOMPLETE, "quic.hello_incomplete")

enum vg_anomaly {
#define VG_AN_ENUM(id, name) VG_AN_##id,
	VG_ANOMALIES(VG_AN_ENUM)
#undef VG_AN_ENUM
	VG_AN__COUNT
};

struct vg_anomalies {
	uint64_t n[VG_AN__COUNT];
};

/* Sum of all counters. */
uint64_t vg_anomalies_total(const struct vg_anomalies *a);

/* Static string; never NULL for a valid id. */
const char *vg_anomaly_name(enum vg_anomaly id);

/* Accepts NULL so unit tests can call parsers without a counter set. */
static inline void
vg_anomaly_inc(struct vg_anomalies *a, enum vg_anomaly id)
{
	if (a != NULL && id < VG_AN__COUNT)
		a->n[id]++;
}

#endif
