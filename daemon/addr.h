/* addr.h - IPv4/IPv6 addresses as flow keys and their text form. */
#ifndef VG_ADDR_H
#define VG_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IPv4 lives in b[0..3] with the rest zero, so memcmp on the struct compares keys. */
struct vg_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t b[16];
};

#define VG_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

void vg_addr_set4(struct vg_addr *a, const uint8_t b[4]);
void vg_addr_set6(struct vg_addr *a, const uint8_t b[16]);
bool vg_addr_eq(const struct vg_addr *x, const struct vg_addr *y);
int vg_addr_cmp(const struct vg_addr *x, const struct vg_addr *y);
/* Writes the RFC 5952 text form into buf (at least VG_ADDR_STRLEN bytes); returns buf. */
char *vg_addr_str(const struct vg_addr *a, char *buf, size_t len);
/* Parses dotted-quad or RFC 4291 text; false if it is neither. */
bool vg_addr_parse(const char *s, struct vg_addr *a);

#endif
