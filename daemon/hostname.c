/* hostname.c - canonical form of hostnames read from SNI, HTTP Host and DNS. */
#include <arpa/inet.h>
#include <string.h>

#include "cursor.h"
#include "hostname.h"

static bool
host_byte_ok(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
	    ch == '*';
}

bool
vg_hostname_canon(const uint8_t *in, size_t len, char *out)
{
	struct vg_cur c;
	size_t n = 0, label = 0;
	uint8_t ch;

	out[0] = '\0';
	vg_cur_init(&c, in, len);
	/* One trailing dot names the root explicitly (RFC 1034 §3.1); drop it. */
	if (len > 1 && vg_cur_peek(&c, len - 1, &ch) && ch == '.')
		vg_cur_limit(&c, len - 1);
	if (vg_cur_left(&c) == 0 || vg_cur_left(&c) > VG_HOSTNAME_MAX)
		return false;
	while (vg_cur_u8(&c, &ch)) {
		if (ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch - 'A' + 'a');
		if (ch == '.') {
			if (label == 0)
				goto bad; /* empty label */
			label = 0;
		} else if (host_byte_ok(ch)) {
			if (++label > 63) /* RFC 1035 §2.3.4 */
				goto bad;
		} else {
			goto bad;
		}
		out[n++] = (char)ch;
	}
	if (label == 0)
		goto bad;
	out[n] = '\0';
	return true;
bad:
	out[0] = '\0';
	return false;
}

bool
vg_hostname_from_host(const uint8_t *in, size_t len, char *out, uint16_t *port)
{
	struct vg_cur c;
	const uint8_t *name;
	size_t name_len, i;
	uint8_t ch;
	uint32_t p = 0;
	bool has_port = false;

	out[0] = '\0';
	*port = 0;
	vg_cur_init(&c, in, len);
	if (vg_cur_peek(&c, 0, &ch) && ch == '[') {
		/* IP-literal = "[" IPv6address "]" (RFC 3986 §3.2.2) */
		char tmp[VG_HOSTNAME_MAX + 1];
		uint8_t bin[16];

		vg_cur_skip(&c, 1);
		for (i = 0; vg_cur_peek(&c, i, &ch) && ch != ']'; i++)
			;
		if (!vg_cur_peek(&c, i, &ch) || i == 0 || i >= sizeof(tmp))
			return false;
		vg_cur_copy(&c, tmp, i);
		tmp[i] = '\0';
		vg_cur_skip(&c, 1);
		if (inet_pton(AF_INET6, tmp, bin) != 1)
			return false;
		if (!vg_cur_empty(&c)) {
			if (!vg_cur_u8(&c, &ch) || ch != ':')
				return false;
			has_port = true;
		}
		/*
		 * One address has many spellings (case, zero runs, leading
		 * zeros); print the RFC 5952 §4 form so equal addresses compare
		 * equal as names.
		 */
		if (inet_ntop(AF_INET6, bin, out, VG_HOSTNAME_MAX + 1) == NULL) {
			out[0] = '\0';
			return false;
		}
	} else {
		for (i = 0; vg_cur_peek(&c, i, &ch) && ch != ':'; i++)
			;
		if (!vg_cur_bytes(&c, i, &name))
			return false;
		name_len = i;
		if (!vg_cur_empty(&c)) {
			vg_cur_skip(&c, 1);
			has_port = true;
		}
		if (!vg_hostname_canon(name, name_len, out))
			return false;
	}
	if (has_port) {
		if (vg_cur_empty(&c))
			return true; /* "host:" has an empty port, allowed by RFC 3986 */
		while (vg_cur_u8(&c, &ch)) {
			if (ch < '0' || ch > '9' || (p = p * 10 + (ch - '0')) > 65535) {
				out[0] = '\0';
				return false;
			}
		}
		*port = (uint16_t)p;
	}
	return true;
}
