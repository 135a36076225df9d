/* proto_http.h - HTTP/1.x request line and Host header parser. */
#ifndef VG_PROTO_HTTP_H
#define VG_PROTO_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "hostname.h"

/* Request head bytes examined at most; a longer head is abandoned (http.header_too_long). */
#define VG_HTTP_HEAD_MAX 8192
#define VG_HTTP_METHOD_MAX 16

struct vg_http_request {
	char method[VG_HTTP_METHOD_MAX + 1];
	char host[VG_HOSTNAME_MAX + 1]; /* canonical, port and IPv6 brackets stripped; "" if none */
	bool has_host;
	uint16_t host_port;             /* port written in Host, 0 when absent */
	uint8_t version_minor;          /* HTTP/1.<minor> */
};

/*
 * Parses the start of a client stream as an HTTP/1.x request (RFC 9112 §3)
 * up to the end of its header section. When the request line carries an
 * absolute URI (proxy form, RFC 9112 §3.2.2) or a CONNECT authority, its host
 * is used, as a server would, even when a Host header disagrees; otherwise the
 * Host header names the host. Same return convention as the TLS
 * parser; NOMATCH when the bytes do not start with a method token and a
 * space.
 */
enum vg_parse_rc vg_http_parse_request(const uint8_t *buf, size_t len,
    struct vg_http_request *out, size_t *need, struct vg_anomalies *an);

#endif
