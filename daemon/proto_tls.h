/* proto_tls.h - TLS ClientHello parser: SNI, ALPN, supported_versions, ECH presence. */
#ifndef VG_PROTO_TLS_H
#define VG_PROTO_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "hostname.h"

/* Caps: a ClientHello larger than this is abandoned (tls.hello_too_long). */
#define VG_TLS_HELLO_MAX (16 * 1024)
#define VG_TLS_ALPN_MAX 8       /* protocols kept; more are ignored */
#define VG_TLS_ALPN_LEN 32      /* longer protocol ids are ignored */
#define VG_TLS_VERSIONS_MAX 8   /* supported_versions entries kept, GREASE removed */

/* Everything a ClientHello tells us; plain data, owned by the caller. */
struct vg_tls_hello {
	char sni[VG_HOSTNAME_MAX + 1]; /* canonical host_name, "" when absent */
	bool has_sni;
	bool ech;                      /* encrypted_client_hello (0xfe0d) extension present */
	uint16_t legacy_version;       /* ClientHello.legacy_version */
	uint8_t n_alpn;
	uint8_t n_versions;
	char alpn[VG_TLS_ALPN_MAX][VG_TLS_ALPN_LEN + 1];
	uint16_t versions[VG_TLS_VERSIONS_MAX];
};

/*
 * Parses the first bytes a TLS client sent on a stream (TLS record layer,
 * RFC 8446 §5.1; the ClientHello may be fragmented over several records,
 * and records may be split over TCP segments). buf is the contiguous stream
 * prefix from its first byte. Returns:
 *   DONE    - *out filled;
 *   MORE    - well-formed so far; *need is the total prefix length required
 *             next (always <= VG_TLS_HELLO_MAX + record overhead);
 *   NOMATCH - the bytes are not a TLS handshake record;
 *   ERROR   - malformed; one anomaly was counted in an (which may be NULL).
 */
enum vg_parse_rc vg_tls_parse_stream(const uint8_t *buf, size_t len, struct vg_tls_hello *out,
    size_t *need, struct vg_anomalies *an);

/*
 * Parses a handshake-message stream without record layer, as carried in QUIC
 * CRYPTO frames (RFC 9001 §4.1.3). Same return convention; NOMATCH when the
 * first message is not a ClientHello.
 */
enum vg_parse_rc vg_tls_parse_handshake(const uint8_t *buf, size_t len, struct vg_tls_hello *out,
    size_t *need, struct vg_anomalies *an);

/* "TLS 1.3", "TLS 1.2", ...; NULL for values it does not know. Static storage. */
const char *vg_tls_version_name(uint16_t v);

#endif
