/* addr.c - IPv4/IPv6 address helpers. */
#include <arpa/inet.h>
#include <string.h>

#include "addr.h"

void
vg_addr_set4(struct vg_addr *a, const uint8_t b[4])
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->b, b, 4);
}

void
vg_addr_set6(struct vg_addr *a, const uint8_t b[16])
{
	a->family = 6;
	memcpy(a->b, b, 16);
}

bool
vg_addr_eq(const struct vg_addr *x, const struct vg_addr *y)
{
	return x->family == y->family && memcmp(x->b, y->b, 16) == 0;
}

int
vg_addr_cmp(const struct vg_addr *x, const struct vg_addr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->b, y->b, 16);
}

/* Dotted quad without stdio: inet_ntop formats IPv4 through sprintf, the slowest part of a record. */
static char *
v4_str(const uint8_t b[4], char *buf, size_t len)
{
	char tmp[16], *p = tmp;

	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
	if ((size_t)(p - tmp) > len)
		return len > 0 ? (buf[0] = '\0', buf) : buf;
	memcpy(buf, tmp, (size_t)(p - tmp));
	return buf;
}

char *
vg_addr_str(const struct vg_addr *a, char *buf, size_t len)
{
	if (a->family == 4)
		return v4_str(a->b, buf, len);
	if (inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->b, buf, (socklen_t)len) == NULL &&
	    len > 0)
		buf[0] = '\0';
	return buf;
}

bool
vg_addr_parse(const char *s, struct vg_addr *a)
{
	uint8_t b[16];

	if (inet_pton(AF_INET, s, b) == 1) {
		vg_addr_set4(a, b);
		return true;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		vg_addr_set6(a, b);
		return true;
	}
	return false;
}
