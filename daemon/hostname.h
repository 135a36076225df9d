/* hostname.h - parser result codes and the canonical form of hostnames taken from traffic. */
#ifndef VG_HOSTNAME_H
#define VG_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 1035 §2.3.4: 255 octets on the wire is at most 253 characters in text. */
#define VG_HOSTNAME_MAX 253

/* What every application parser returns. */
enum vg_parse_rc {
	VG_PARSE_DONE = 0,    /* the wanted message was parsed; output is filled */
	VG_PARSE_MORE = 1,    /* so far well-formed, but more bytes are needed */
	VG_PARSE_NOMATCH = 2, /* these bytes are not this protocol; nothing counted */
	VG_PARSE_ERROR = 3,   /* malformed; an anomaly was counted */
};

/*
 * Canonicalises a hostname seen on the wire (SNI, Host, DNS owner name): ASCII
 * letters folded to lower case, one trailing dot removed. Accepts letters,
 * digits, '-', '_', '.' and '*'; rejects empty labels, labels over 63 bytes,
 * names over VG_HOSTNAME_MAX, and any other byte. IP literals pass since they
 * are made of accepted characters, except IPv6, which only
 * vg_hostname_from_host() accepts (it strips the brackets).
 * out must hold VG_HOSTNAME_MAX + 1 bytes. Returns false and leaves out as ""
 * when the name is not acceptable.
 */
bool vg_hostname_canon(const uint8_t *in, size_t len, char *out);

/*
 * Canonicalises an HTTP Host value (RFC 9110 §7.2): strips an optional
 * ":port" and the brackets of an IPv6 literal (RFC 3986 §3.2.2), then checks
 * the name as above or as an IPv6 address. *port gets the port or 0.
 */
bool vg_hostname_from_host(const uint8_t *in, size_t len, char *out, uint16_t *port);

#endif
