/* proto_quic.h - QUIC v1/v2 client Initial decryption and ClientHello extraction. */
#ifndef VG_PROTO_QUIC_H
#define VG_PROTO_QUIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "hostname.h"
#include "proto_tls.h"

#define VG_QUIC_V1 0x00000001u       /* RFC 9000 */
#define VG_QUIC_V2 0x6b3343cfu       /* RFC 9369 */
#define VG_QUIC_CRYPTO_MAX (16 * 1024) /* CRYPTO stream bytes reassembled at most */

/*
 * Per-flow QUIC parser state: the client's original Destination Connection
 * ID (which keys every client Initial, RFC 9001 §5.2) and the CRYPTO stream
 * reassembly buffer. Opaque; created on the first client Initial and freed
 * with vg_quic_free() (NULL accepted).
 */
struct vg_quic;

struct vg_quic *vg_quic_new(void);
void vg_quic_free(struct vg_quic *q);

/*
 * True when the datagram starts with a long-header Initial packet of a
 * version this parser decrypts. Cheap; no state, no crypto.
 */
bool vg_quic_is_initial(const uint8_t *dgram, size_t len);

/*
 * Feeds one UDP datagram sent by the client. Every coalesced Initial packet
 * in it (RFC 9000 §12.2) is decrypted and its CRYPTO frames are placed in the
 * stream buffer, in any order. Returns:
 *   DONE    - the ClientHello is complete; *hello and *version filled;
 *   MORE    - more client Initials are needed;
 *   NOMATCH - not a client Initial of a supported version;
 *   ERROR   - malformed or undecryptable; one anomaly counted in an.
 * After DONE or ERROR, later calls return the same without work.
 */
enum vg_parse_rc vg_quic_client_datagram(struct vg_quic *q, const uint8_t *dgram, size_t len,
    struct vg_tls_hello *hello, uint32_t *version, struct vg_anomalies *an);

#endif
