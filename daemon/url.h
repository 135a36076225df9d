/* url.h - http(s) base URLs and bare hostnames as manifests and configuration files write them. */
#ifndef VG_URL_H
#define VG_URL_H

#include <stdbool.h>
#include <stdint.h>

#include "hostname.h"

struct vg_url {
	char host[VG_HOSTNAME_MAX + 1]; /* canonical (vg_hostname_canon); IPv6 without brackets */
	char scheme[8];                 /* "https", "http", or "" for a bare hostname */
	uint16_t port;                  /* from the URL, else 443 / 80; 0 for a bare hostname */
};

/*
 * An http(s) base URL (RFC 3986 §3: scheme "://" host [":" port] [path])
 * or a bare hostname. Strict: no query, fragment, user information,
 * spaces or non-ASCII. Returns NULL when good, else a static text saying
 * why not (it never quotes the input, which may hold a secret).
 */
const char *vg_url_parse(const char *s, struct vg_url *u);

#endif
