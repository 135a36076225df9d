/* decode.c - link, network and transport decoding, including the cheap tunnels. */
#include <pcap/dlt.h>
#include <string.h>

#include "cursor.h"
#include "decode.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

#define ET_IPV4 0x0800
#define ET_IPV6 0x86dd
#define ET_VLAN 0x8100
#define ET_QINQ 0x88a8
#define ET_QINQ_OLD 0x9100
#define ET_MPLS 0x8847
#define ET_MPLS_MC 0x8848
#define ET_PPPOE_SESS 0x8864
#define ET_TEB 0x6558 /* transparent Ethernet bridging */
#define ET_ERSPAN2 0x88be
#define ET_ERSPAN3 0x22eb
#define ET_PPP 0x880b

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

#define PORT_VXLAN 4789
#define PORT_GENEVE 6081
#define PORT_GTPU 2152
#define PORT_GRE_UDP 4754

struct dctx {
	struct vg_packet *pkt;
	struct vg_decode_stats *st;
	struct vg_anomalies *an;
	bool cut;      /* the frame was shortened by snaplen */
	bool nonfirst; /* a fragment other than the first: no transport header */
	unsigned depth; /* tunnels entered */
};

static enum vg_decode_rc dec_ethernet(struct dctx *, struct vg_cur *);
static enum vg_decode_rc dec_ethertype(struct dctx *, struct vg_cur *, uint16_t);
static enum vg_decode_rc dec_ip(struct dctx *, struct vg_cur *, int version);

static enum vg_decode_rc
bad(struct dctx *d, enum vg_anomaly a)
{
	vg_anomaly_inc(d->an, a);
	return VG_DECODE_BAD;
}

/*
 * Decodes an inner packet of an encapsulation. When the tunnel depth is
 * exhausted the caller keeps the outer packet as it is.
 */
static bool
tunnel_enter(struct dctx *d)
{
	if (d->depth >= VG_TUNNEL_MAX) {
		vg_anomaly_inc(d->an, VG_AN_TUNNEL_TOO_DEEP);
		return false;
	}
	d->depth++;
	d->pkt->tunnels = (uint8_t)d->depth;
	return true;
}

/* PPP protocol field, possibly after the HDLC address/control bytes (RFC 1662 §3.1). */
static enum vg_decode_rc
dec_ppp(struct dctx *d, struct vg_cur *c)
{
	uint8_t b0, b1;
	uint16_t proto;

	if (vg_cur_peek(c, 0, &b0) && b0 == 0xff && vg_cur_peek(c, 1, &b1) && b1 == 0x03)
		vg_cur_skip(c, 2);
	if (!vg_cur_peek(c, 0, &b0))
		return bad(d, VG_AN_LINK_TRUNCATED);
	if (b0 & 1) { /* protocol field compressed to one byte (RFC 1661 §6.5) */
		vg_cur_skip(c, 1);
		proto = b0;
	} else if (!vg_cur_u16(c, &proto)) {
		return bad(d, VG_AN_LINK_TRUNCATED);
	}
	if (proto == PPP_IPV4)
		return dec_ip(d, c, 4);
	if (proto == PPP_IPV6)
		return dec_ip(d, c, 6);
	d->st->not_ip++;
	return VG_DECODE_NOT_IP;
}

/* MPLS label stack (RFC 3032 §2.1); the payload's IP version is guessed from its first nibble. */
static enum vg_decode_rc
dec_mpls(struct dctx *d, struct vg_cur *c)
{
	uint32_t lse;
	uint8_t b;
	unsigned i;

	for (i = 0;; i++) {
		if (i == VG_MPLS_MAX)
			return bad(d, VG_AN_LINK_MPLS_TOO_DEEP);
		if (!vg_cur_u32(c, &lse))
			return bad(d, VG_AN_LINK_TRUNCATED);
		if (lse & 0x100) /* bottom of stack */
			break;
	}
	if (!vg_cur_peek(c, 0, &b))
		return bad(d, VG_AN_LINK_TRUNCATED);
	if (b >> 4 == 4 || b >> 4 == 6)
		return dec_ip(d, c, b >> 4);
	/* Pseudowire with an Ethernet payload after a zero control word (RFC 4448 §4.6). */
	if (b >> 4 == 0 && vg_cur_skip(c, 4))
		return dec_ethernet(d, c);
	d->st->not_ip++;
	return VG_DECODE_NOT_IP;
}

static enum vg_decode_rc
dec_ethertype(struct dctx *d, struct vg_cur *c, uint16_t et)
{
	unsigned vlans = 0;
	uint16_t tci;

	while (et == ET_VLAN || et == ET_QINQ || et == ET_QINQ_OLD) {
		if (++vlans > VG_VLAN_MAX)
			return bad(d, VG_AN_LINK_VLAN_TOO_DEEP);
		if (!vg_cur_u16(c, &tci) || !vg_cur_u16(c, &et))
			return bad(d, VG_AN_LINK_TRUNCATED);
	}
	switch (et) {
	case ET_IPV4:
		return dec_ip(d, c, 4);
	case ET_IPV6:
		return dec_ip(d, c, 6);
	case ET_MPLS:
	case ET_MPLS_MC:
		return dec_mpls(d, c);
	case ET_PPPOE_SESS: /* RFC 2516 §4: ver/type, code, session id, length, then PPP */
		if (!vg_cur_skip(c, 6))
			return bad(d, VG_AN_LINK_TRUNCATED);
		return dec_ppp(d, c);
	default:
		d->st->not_ip++;
		return VG_DECODE_NOT_IP;
	}
}

static enum vg_decode_rc
dec_ethernet(struct dctx *d, struct vg_cur *c)
{
	uint16_t et;

	if (!vg_cur_skip(c, 12) || !vg_cur_u16(c, &et))
		return bad(d, VG_AN_LINK_TRUNCATED);
	if (et <= 1500) { /* an 802.3 length: LLC frames carry no IP we follow */
		d->st->not_ip++;
		return VG_DECODE_NOT_IP;
	}
	return dec_ethertype(d, c, et);
}

/* GRE, RFC 2784/2890 (version 0) and the PPTP variant, RFC 2637 §4.1 (version 1). */
static enum vg_decode_rc
dec_gre(struct dctx *d, struct vg_cur *c)
{
	uint16_t flags, proto;
	unsigned ver;
	uint8_t b;

	if (!vg_cur_u16(c, &flags) || !vg_cur_u16(c, &proto))
		return bad(d, VG_AN_GRE_TRUNCATED);
	ver = flags & 0x7;
	if (ver == 0) {
		if (flags & 0x4000) /* source routing (RFC 1701) */
			return bad(d, VG_AN_GRE_UNSUPPORTED);
		if (((flags & 0x8000) && !vg_cur_skip(c, 4)) || /* checksum + reserved */
		    ((flags & 0x2000) && !vg_cur_skip(c, 4)) || /* key */
		    ((flags & 0x1000) && !vg_cur_skip(c, 4)))   /* sequence */
			return bad(d, VG_AN_GRE_TRUNCATED);
	} else if (ver == 1) {
		if (proto != ET_PPP || !(flags & 0x2000))
			return bad(d, VG_AN_GRE_UNSUPPORTED);
		if (!vg_cur_skip(c, 4) || ((flags & 0x1000) && !vg_cur_skip(c, 4)) ||
		    ((flags & 0x0080) && !vg_cur_skip(c, 4)))
			return bad(d, VG_AN_GRE_TRUNCATED);
	} else {
		return bad(d, VG_AN_GRE_UNSUPPORTED);
	}
	switch (proto) {
	case ET_TEB:
		return dec_ethernet(d, c);
	case ET_ERSPAN2: /* type II has an 8-byte header when S is set; type I has none */
		if ((flags & 0x1000) && !vg_cur_skip(c, 8))
			return bad(d, VG_AN_GRE_TRUNCATED);
		return dec_ethernet(d, c);
	case ET_ERSPAN3: /* 12 bytes, then an 8-byte platform subheader when O is set */
		if (!vg_cur_peek(c, 11, &b) || !vg_cur_skip(c, 12) ||
		    ((b & 0x01) && !vg_cur_skip(c, 8)))
			return bad(d, VG_AN_GRE_TRUNCATED);
		return dec_ethernet(d, c);
	case ET_PPP:
		return dec_ppp(d, c);
	case ET_IPV4:
	case ET_IPV6:
	case ET_MPLS:
	case ET_MPLS_MC:
		return dec_ethertype(d, c, proto);
	default:
		return bad(d, VG_AN_GRE_UNSUPPORTED);
	}
}

/*
 * UDP encapsulations recognised by port. Returns NOT_IP with the cursor
 * untouched when the bytes do not look like the expected header, so the
 * datagram stays an ordinary UDP flow.
 */
static bool
udp_tunnel(struct dctx *d, struct vg_cur *pl, enum vg_decode_rc *rc)
{
	struct vg_packet *p = d->pkt;
	struct vg_cur c = *pl;
	uint8_t flags, type, optlen, next;
	uint16_t proto, len;

	if (p->dport == PORT_VXLAN || p->sport == PORT_VXLAN) {
		/* RFC 7348 §5: flags with only I set, 3 reserved, VNI, reserved */
		if (!vg_cur_u8(&c, &flags) || flags != 0x08 || !vg_cur_skip(&c, 7))
			return false;
		if (!tunnel_enter(d))
			return false;
		*rc = dec_ethernet(d, &c);
		return true;
	}
	if (p->dport == PORT_GENEVE || p->sport == PORT_GENEVE) {
		/* RFC 8926 §3.4: version 0, option length in 4-byte words, protocol type */
		if (!vg_cur_u8(&c, &optlen) || optlen >> 6 != 0 || !vg_cur_skip(&c, 1) ||
		    !vg_cur_u16(&c, &proto) || !vg_cur_skip(&c, 4))
			return false;
		if (!tunnel_enter(d))
			return false;
		if (!vg_cur_skip(&c, (size_t)(optlen & 0x3f) * 4)) {
			*rc = bad(d, VG_AN_VXLAN_TRUNCATED);
			return true;
		}
		*rc = proto == ET_TEB ? dec_ethernet(d, &c) : dec_ethertype(d, &c, proto);
		return true;
	}
	if (p->dport == PORT_GTPU || p->sport == PORT_GTPU) {
		/* 3GPP TS 29.281 §5.1: version 1, PT 1, message type 255 (G-PDU) */
		if (!vg_cur_u8(&c, &flags) || (flags & 0xf0) != 0x30 || !vg_cur_u8(&c, &type) ||
		    type != 0xff || !vg_cur_u16(&c, &len) || !vg_cur_skip(&c, 4))
			return false;
		if (!tunnel_enter(d))
			return false;
		if (flags & 0x07) { /* sequence number, N-PDU number, next extension type */
			if (!vg_cur_skip(&c, 3) || !vg_cur_u8(&c, &next)) {
				*rc = bad(d, VG_AN_GTP_TRUNCATED);
				return true;
			}
			for (unsigned i = 0; next != 0; i++) { /* extension headers, length in 4-byte words */
				uint8_t elen;
				if (i == 8 || !vg_cur_u8(&c, &elen) || elen == 0 ||
				    !vg_cur_skip(&c, (size_t)elen * 4 - 2) || !vg_cur_u8(&c, &next)) {
					*rc = bad(d, VG_AN_GTP_TRUNCATED);
					return true;
				}
			}
		}
		*rc = dec_ip(d, &c, 0);
		return true;
	}
	if (p->dport == PORT_GRE_UDP || p->sport == PORT_GRE_UDP) {
		if (!tunnel_enter(d))
			return false;
		*rc = dec_gre(d, &c); /* RFC 8086 */
		return true;
	}
	return false;
}

/* Transport header; ip_payload holds the captured bytes, declared is the length the IP header claims. */
static enum vg_decode_rc
dec_l4(struct dctx *d, struct vg_cur *c, uint8_t proto, uint32_t declared)
{
	struct vg_packet *p = d->pkt;
	uint8_t off_flags, flags;
	uint16_t ulen;
	size_t hlen;
	enum vg_decode_rc rc;

	p->l4 = proto;
	switch (proto) {
	case VG_L4_TCP:
		if (!vg_cur_u16(c, &p->sport) || !vg_cur_u16(c, &p->dport) ||
		    !vg_cur_u32(c, &p->seq) || !vg_cur_skip(c, 4) || !vg_cur_u8(c, &off_flags) ||
		    !vg_cur_u8(c, &flags) || !vg_cur_skip(c, 6))
			return bad(d, VG_AN_TCP_TRUNCATED);
		hlen = (size_t)(off_flags >> 4) * 4;
		if (hlen < 20 || hlen > declared)
			return bad(d, VG_AN_TCP_BAD_OFFSET);
		if (!vg_cur_skip(c, hlen - 20))
			return bad(d, VG_AN_TCP_TRUNCATED);
		p->tcp_flags = flags;
		p->payload_wire_len = declared - (uint32_t)hlen;
		d->st->tcp++;
		break;
	case VG_L4_UDP:
		if (!vg_cur_u16(c, &p->sport) || !vg_cur_u16(c, &p->dport) ||
		    !vg_cur_u16(c, &ulen) || !vg_cur_skip(c, 2))
			return bad(d, VG_AN_UDP_TRUNCATED);
		/* A UDP length of 0 is legal only for IPv6 jumbograms (RFC 2675); treat both as bad. */
		if (ulen < 8 || ulen > declared)
			return bad(d, VG_AN_UDP_BAD_LENGTH);
		p->payload_wire_len = ulen - 8u;
		vg_cur_limit(c, p->payload_wire_len);
		d->st->udp++;
		if (!p->fragment && udp_tunnel(d, c, &rc))
			return rc;
		break;
	default:
		d->st->other_ip++;
		p->payload_wire_len = declared;
		break;
	}
	p->payload_len = vg_cur_left(c);
	vg_cur_bytes(c, p->payload_len, &p->payload);
	p->cut = p->payload_len < p->payload_wire_len;
	return VG_DECODE_OK;
}

/* After an IP header: follow encapsulations or decode the transport. */
static enum vg_decode_rc
dec_ip_next(struct dctx *d, struct vg_cur *c, uint8_t proto, uint32_t declared)
{
	if (!d->pkt->fragment && (proto == 4 || proto == 41 || proto == 47) && tunnel_enter(d)) {
		d->st->tunnelled++;
		if (proto == 47)
			return dec_gre(d, c);
		return dec_ip(d, c, proto == 4 ? 4 : 6);
	}
	if (d->nonfirst) {
		/* A non-first fragment has no transport header: no ports, no flow. */
		d->pkt->l4 = VG_L4_OTHER;
		d->pkt->payload_wire_len = declared;
		d->pkt->payload_len = 0;
		d->st->other_ip++;
		return VG_DECODE_OK;
	}
	return dec_l4(d, c, proto, declared);
}

static enum vg_decode_rc
dec_ipv4(struct dctx *d, struct vg_cur *c)
{
	struct vg_packet *p = d->pkt;
	struct vg_cur opts, body;
	const uint8_t *src, *dst;
	uint8_t vhl, proto, ot, ol;
	uint16_t tot, frag;
	size_t hlen;

	if (!vg_cur_peek(c, 0, &vhl))
		return bad(d, VG_AN_IPV4_TRUNCATED);
	if (vhl >> 4 != 4)
		return bad(d, VG_AN_IPV4_BAD_VERSION);
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (hlen < 20)
		return bad(d, VG_AN_IPV4_BAD_HLEN);
	if (!vg_cur_skip(c, 2) || !vg_cur_u16(c, &tot) || !vg_cur_skip(c, 2) ||
	    !vg_cur_u16(c, &frag) || !vg_cur_skip(c, 1) || !vg_cur_u8(c, &proto) ||
	    !vg_cur_skip(c, 2) || !vg_cur_bytes(c, 4, &src) || !vg_cur_bytes(c, 4, &dst) ||
	    !vg_cur_sub(c, hlen - 20, &opts))
		return bad(d, VG_AN_IPV4_TRUNCATED);
	vg_addr_set4(&p->src, src);
	vg_addr_set4(&p->dst, dst);
	if (tot < hlen)
		return bad(d, VG_AN_IPV4_BAD_TOTAL_LEN);
	/* Options, RFC 791 §3.1: EOL and NOP are single bytes, the rest type-length-value. */
	while (vg_cur_u8(&opts, &ot) && ot != 0) {
		if (ot == 1)
			continue;
		if (!vg_cur_u8(&opts, &ol) || ol < 2 || !vg_cur_skip(&opts, ol - 2u))
			return bad(d, VG_AN_IPV4_BAD_OPTIONS);
	}
	/* Trailing Ethernet padding is not IP payload; a short buffer is a cut or a lie. */
	if (tot - hlen <= vg_cur_left(c)) {
		vg_cur_sub(c, tot - hlen, &body);
	} else {
		if (!d->cut)
			return bad(d, VG_AN_IPV4_BAD_TOTAL_LEN);
		vg_cur_rest(c, &body);
	}
	p->ip_len = tot;
	d->st->ipv4++;
	if ((frag & 0x3fff) != 0) { /* MF set or a non-zero offset */
		p->fragment = true;
		d->st->fragments++;
		if ((frag & 0x1fff) != 0)
			d->nonfirst = true;
	}
	return dec_ip_next(d, &body, proto, (uint32_t)(tot - hlen));
}

static bool
ipv6_ext(uint8_t nh)
{
	/* RFC 8200 §4: hop-by-hop, routing, fragment, destination options; AH (RFC 4302). */
	return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51;
}

static enum vg_decode_rc
dec_ipv6(struct dctx *d, struct vg_cur *c)
{
	struct vg_packet *p = d->pkt;
	struct vg_cur body;
	const uint8_t *src, *dst;
	uint8_t v, nh, next, hl;
	uint16_t plen, frag;
	unsigned n;
	size_t used = 0, elen;

	if (!vg_cur_peek(c, 0, &v))
		return bad(d, VG_AN_IPV6_TRUNCATED);
	if (v >> 4 != 6)
		return bad(d, VG_AN_IPV6_BAD_VERSION);
	if (!vg_cur_skip(c, 4) || !vg_cur_u16(c, &plen) || !vg_cur_u8(c, &nh) ||
	    !vg_cur_skip(c, 1) || !vg_cur_bytes(c, 16, &src) || !vg_cur_bytes(c, 16, &dst))
		return bad(d, VG_AN_IPV6_TRUNCATED);
	vg_addr_set6(&p->src, src);
	vg_addr_set6(&p->dst, dst);
	if (plen <= vg_cur_left(c)) {
		vg_cur_sub(c, plen, &body);
	} else {
		if (!d->cut)
			return bad(d, VG_AN_IPV6_BAD_PAYLOAD_LEN);
		vg_cur_rest(c, &body);
	}
	p->ip_len = 40u + plen;
	d->st->ipv6++;
	for (n = 0; ipv6_ext(nh); n++) {
		if (n == VG_IPV6_EXT_MAX)
			return bad(d, VG_AN_IPV6_EXT_TOO_MANY);
		if (!vg_cur_u8(&body, &next) || !vg_cur_u8(&body, &hl))
			return bad(d, VG_AN_IPV6_EXT_TRUNCATED);
		if (nh == 44) { /* fixed 8 bytes, RFC 8200 §4.5 */
			if (!vg_cur_u16(&body, &frag) || !vg_cur_skip(&body, 4))
				return bad(d, VG_AN_IPV6_EXT_TRUNCATED);
			elen = 8;
			p->fragment = true;
			d->st->fragments++;
			if ((frag & 0xfff8) != 0)
				d->nonfirst = true;
		} else {
			elen = nh == 51 ? ((size_t)hl + 2) * 4 : ((size_t)hl + 1) * 8;
			if (!vg_cur_skip(&body, elen - 2))
				return bad(d, VG_AN_IPV6_EXT_TRUNCATED);
		}
		used += elen;
		nh = next;
	}
	if (used > plen)
		return bad(d, VG_AN_IPV6_BAD_PAYLOAD_LEN);
	return dec_ip_next(d, &body, nh, (uint32_t)(plen - used));
}

/* version 0: take it from the first nibble. */
static enum vg_decode_rc
dec_ip(struct dctx *d, struct vg_cur *c, int version)
{
	uint8_t b;

	if (version == 0) {
		if (!vg_cur_peek(c, 0, &b))
			return bad(d, VG_AN_IPV4_TRUNCATED);
		version = b >> 4;
	}
	if (version == 4)
		return dec_ipv4(d, c);
	if (version == 6)
		return dec_ipv6(d, c);
	return bad(d, VG_AN_IPV4_BAD_VERSION);
}

bool
vg_decode_linktype_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_C_HDLC:
#if defined(DLT_RAW) && DLT_RAW != 12
	case 12:
#endif
#if DLT_RAW != 14
	case 14: /* DLT_RAW on OpenBSD */
#endif
		return true;
	default:
		return false;
	}
}

enum vg_decode_rc
vg_decode(int dlt, const uint8_t *data, size_t caplen, size_t wirelen, struct vg_packet *pkt,
    struct vg_decode_stats *st, struct vg_anomalies *an)
{
	struct dctx d = { pkt, st, an, caplen < wirelen, false, 0 };
	struct vg_cur c;
	uint16_t et;
	uint32_t fam;
	uint64_t ts = pkt->ts_us;

	memset(pkt, 0, sizeof(*pkt));
	pkt->ts_us = ts;
	vg_cur_init(&c, data, caplen);
	switch (dlt) {
	case DLT_EN10MB:
		return dec_ethernet(&d, &c);
	case DLT_LINUX_SLL: /* 16 bytes; protocol last */
		if (!vg_cur_skip(&c, 14) || !vg_cur_u16(&c, &et))
			return bad(&d, VG_AN_LINK_TRUNCATED);
		return dec_ethertype(&d, &c, et);
	case DLT_LINUX_SLL2: /* 20 bytes; protocol first */
		if (!vg_cur_u16(&c, &et) || !vg_cur_skip(&c, 18))
			return bad(&d, VG_AN_LINK_TRUNCATED);
		return dec_ethertype(&d, &c, et);
	case DLT_NULL:
	case DLT_LOOP:
		/* DLT_NULL stores the family in the writer's byte order, DLT_LOOP in network order. */
		if (dlt == DLT_LOOP ? !vg_cur_u32(&c, &fam) : !vg_cur_u32le(&c, &fam))
			return bad(&d, VG_AN_LINK_TRUNCATED);
		if (fam > 0xffff)
			fam = (fam >> 24) | ((fam >> 8) & 0xff00);
		if (fam == 2)
			return dec_ip(&d, &c, 4);
		if (fam == 10 || fam == 24 || fam == 28 || fam == 30) /* AF_INET6 on Linux and the BSDs */
			return dec_ip(&d, &c, 6);
		return bad(&d, VG_AN_LINK_BAD_FAMILY);
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		return dec_ppp(&d, &c);
	case DLT_C_HDLC: /* address, control, ethertype */
		if (!vg_cur_skip(&c, 2) || !vg_cur_u16(&c, &et))
			return bad(&d, VG_AN_LINK_TRUNCATED);
		return dec_ethertype(&d, &c, et);
	case DLT_IPV4:
		return dec_ip(&d, &c, 4);
	case DLT_IPV6:
		return dec_ip(&d, &c, 6);
	default:
		if (vg_decode_linktype_supported(dlt)) /* the DLT_RAW variants */
			return dec_ip(&d, &c, 0);
		return bad(&d, VG_AN_LINK_UNSUPPORTED);
	}
}
