/* frames.h - builds Ethernet/IP/TCP/UDP frames byte by byte for the unit tests. */
#ifndef VG_TEST_FRAMES_H
#define VG_TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A frame under construction; fields are written big-endian unless named otherwise. */
struct fb {
	uint8_t b[2048];
	size_t n;
};

static inline void put(struct fb *f, const void *p, size_t n) { if (n > 0) memcpy(f->b + f->n, p, n); f->n += n; }
static inline void u8(struct fb *f, uint8_t v) { f->b[f->n++] = v; }
static inline void u16(struct fb *f, uint16_t v) { u8(f, (uint8_t)(v >> 8)); u8(f, (uint8_t)v); }
static inline void u32(struct fb *f, uint32_t v) { u16(f, (uint16_t)(v >> 16)); u16(f, (uint16_t)v); }
static inline void zero(struct fb *f, size_t n) { memset(f->b + f->n, 0, n); f->n += n; }

__attribute__((unused)) static const uint8_t ip_a[4] = { 192, 0, 2, 1 }, ip_b[4] = { 198, 51, 100, 7 };
__attribute__((unused)) static const uint8_t ip6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
__attribute__((unused)) static const uint8_t ip6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static inline void
eth(struct fb *f, uint16_t type)
{
	zero(f, 12);
	u16(f, type);
}

/* IPv4 header from src to dst with optional options (multiple of 4); total = header + l4len. */
static inline void
ipv4x(struct fb *f, uint8_t proto, size_t l4len, const uint8_t *opts, size_t optlen, uint16_t frag,
    const uint8_t src[4], const uint8_t dst[4])
{
	u8(f, (uint8_t)(0x40 | (5 + optlen / 4)));
	u8(f, 0);
	u16(f, (uint16_t)(20 + optlen + l4len));
	u16(f, 0x1234);
	u16(f, frag);
	u8(f, 64);
	u8(f, proto);
	u16(f, 0);
	put(f, src, 4);
	put(f, dst, 4);
	if (optlen)
		put(f, opts, optlen);
}

static inline void
ipv4(struct fb *f, uint8_t proto, size_t l4len, const uint8_t *opts, size_t optlen, uint16_t frag)
{
	ipv4x(f, proto, l4len, opts, optlen, frag, ip_a, ip_b);
}

static inline void
ipv6(struct fb *f, uint8_t nh, size_t plen)
{
	u32(f, 0x60000000);
	u16(f, (uint16_t)plen);
	u8(f, nh);
	u8(f, 64);
	put(f, ip6_a, 16);
	put(f, ip6_b, 16);
}

static inline void
tcp(struct fb *f, uint16_t sp, uint16_t dp, uint32_t seq, uint8_t flags, const char *payload)
{
	u16(f, sp);
	u16(f, dp);
	u32(f, seq);
	u32(f, 0);
	u8(f, 0x50);
	u8(f, flags);
	u16(f, 65535);
	u32(f, 0);
	put(f, payload, strlen(payload));
}

static inline void
udp(struct fb *f, uint16_t sp, uint16_t dp, size_t plen)
{
	u16(f, sp);
	u16(f, dp);
	u16(f, (uint16_t)(8 + plen));
	u16(f, 0);
}

#endif
