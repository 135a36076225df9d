/* proto_quic.c - QUIC v1/v2 client Initial decryption and ClientHello reassembly from CRYPTO frames. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cursor.h"
#include "proto_quic.h"
#include "quic_crypto.h"
#include "reasm.h"

/*
 * Largest packet we decrypt: the largest UDP payload (65535 - 8). Real
 * Initials are about 1200-1500 bytes; the working copy (a 64 KiB array)
 * lives on the stack of initial_packet() for the duration of one packet.
 */
#define QUIC_PKT_MAX 65527

/*
 * Per-flow state: about 120 bytes on LP64, plus the CRYPTO stream's
 * reassembly buffer (reasm.h, about 19 KiB) allocated when the first
 * CRYPTO byte arrives, freed with the state.
 *
 * Retry (RFC 9000 §8.1) is not followed: the keys always come from the
 * DCID of the first client Initial seen. A client that restarts after a
 * Retry resends its ClientHello in Initials keyed by the server-chosen DCID
 * (RFC 9001 §5.2), which fail to decrypt here; in practice the first
 * ClientHello is complete in the first flight, before any Retry, so the
 * flow is DONE by then and later datagrams are not looked at.
 */
struct vg_quic {
	struct vg_reasm *crypto;   /* the CRYPTO stream, from offset 0 */
	size_t contig;             /* [0, contig) of the CRYPTO stream is present */
	size_t need;               /* prefix the TLS parser asked for last time */
	size_t parsed;             /* contig when the TLS parser last ran */
	uint64_t largest_pn;       /* largest Initial packet number decrypted */
	bool have_pn;
	bool started;              /* version, dcid and keys are set */
	enum vg_parse_rc final;    /* DONE or ERROR once finished, else MORE */
	uint32_t version;          /* version of the first client Initial */
	uint8_t dcid_len;
	uint8_t dcid[VG_QUIC_CID_MAX];
	struct vg_quic_keys keys;  /* client Initial keys for version and dcid */
};

/* Long header packet types, independent of the version's encoding. */
enum lh_type {
	LH_INITIAL,
	LH_0RTT,
	LH_HANDSHAKE,
	LH_RETRY,
};

/* What parsing one long header found. */
enum lh_rc {
	LH_OK,
	LH_NOT_OURS,   /* short header, Version Negotiation, unknown version, fixed bit clear */
	LH_TRUNCATED,  /* a field or the Length runs past the datagram */
	LH_BAD_CID,    /* a connection ID over 20 bytes */
};

struct long_hdr {
	uint32_t version;
	enum lh_type type;
	uint8_t dcid_len;
	const uint8_t *dcid;
	size_t pn_off;    /* offset of the Packet Number from the first byte */
	uint64_t length;  /* Length field: packet number and protected payload */
};

struct vg_quic *
vg_quic_new(void)
{
	struct vg_quic *q = calloc(1, sizeof(*q));

	if (q != NULL)
		q->final = VG_PARSE_MORE;
	return q;
}

void
vg_quic_free(struct vg_quic *q)
{
	if (q == NULL)
		return;
	vg_reasm_free(q->crypto);
	OPENSSL_cleanse(&q->keys, sizeof(q->keys));
	free(q);
}

/*
 * RFC 9000 §17.2 (v2: RFC 9369 §3.2). On LH_OK the cursor is left at the
 * Packet Number field and the packet is known to fit the datagram. With
 * lax set, a header cut short only needs to reach its Length field (the
 * cheap detection of vg_quic_is_initial()).
 */
static enum lh_rc
long_header(struct vg_cur *c, struct long_hdr *h, bool lax)
{
	size_t start = vg_cur_off(c);
	uint8_t first, scid_len, bits;
	uint64_t token_len;

	if (!vg_cur_u8(c, &first) || (first & 0x80) == 0)
		return LH_NOT_OURS;
	/* Version 0 is Version Negotiation (§17.2.1), which a client does not send. */
	if (!vg_cur_u32(c, &h->version) || !vg_quic_version_supported(h->version))
		return LH_NOT_OURS;
	/* The fixed bit (§17.2) tells QUIC from other UDP traffic. */
	if ((first & 0x40) == 0)
		return LH_NOT_OURS;
	if (!vg_cur_u8(c, &h->dcid_len))
		return LH_TRUNCATED;
	if (h->dcid_len > VG_QUIC_CID_MAX && !lax)
		return LH_BAD_CID;
	if (!vg_cur_bytes(c, h->dcid_len, &h->dcid) || !vg_cur_u8(c, &scid_len))
		return LH_TRUNCATED;
	if (scid_len > VG_QUIC_CID_MAX && !lax)
		return LH_BAD_CID;
	if (!vg_cur_skip(c, scid_len))
		return LH_TRUNCATED;
	bits = (first >> 4) & 0x03;
	if (h->version == VG_QUIC_V2)
		/* RFC 9369 §3.2: Initial 0b01, 0-RTT 0b10, Handshake 0b11, Retry 0b00. */
		h->type = (enum lh_type)((bits + 3) & 0x03);
	else
		/* RFC 9000 §17.2: Initial 0b00, 0-RTT 0b01, Handshake 0b10, Retry 0b11. */
		h->type = (enum lh_type)bits;
	/* A Retry (§17.2.5) has no Length and is sent only by servers. */
	if (h->type == LH_RETRY)
		return LH_NOT_OURS;
	if (h->type == LH_INITIAL) {
		/* §17.2.2: Token Length and Token. */
		if (!vg_cur_varint(c, &token_len) || token_len > vg_cur_left(c) ||
		    !vg_cur_skip(c, (size_t)token_len))
			return LH_TRUNCATED;
	}
	if (!vg_cur_varint(c, &h->length))
		return LH_TRUNCATED;
	h->pn_off = vg_cur_off(c) - start;
	/* The Length must fit the datagram (§17.2). */
	if (!lax && h->length > vg_cur_left(c))
		return LH_TRUNCATED;
	return LH_OK;
}

bool
vg_quic_is_initial(const uint8_t *dgram, size_t len)
{
	struct vg_cur c;
	struct long_hdr h;

	vg_cur_init(&c, dgram, len);
	return long_header(&c, &h, true) == LH_OK && h.type == LH_INITIAL;
}

/*
 * Places CRYPTO data (RFC 9000 §19.6) at its stream offset. Bytes already
 * present are kept: a retransmission carries the same bytes, and a
 * different byte is counted once per frame as quic.crypto_conflict.
 */
static enum vg_parse_rc
crypto_store(struct vg_quic *q, uint64_t off, struct vg_cur *data, struct vg_anomalies *an)
{
	size_t len = vg_cur_left(data);
	const uint8_t *bytes;
	unsigned ev = 0;

	if (off > VG_QUIC_CRYPTO_MAX || len > VG_QUIC_CRYPTO_MAX - off) {
		vg_anomaly_inc(an, VG_AN_QUIC_CRYPTO_TOO_LARGE);
		return VG_PARSE_ERROR;
	}
	if (len == 0)
		return VG_PARSE_MORE;
	if (q->crypto == NULL && (q->crypto = vg_reasm_new(0)) == NULL) {
		vg_anomaly_inc(an, VG_AN_FLOW_ALLOC_FAILED);
		return VG_PARSE_ERROR;
	}
	vg_cur_bytes(data, len, &bytes);
	/* Offsets are below VG_QUIC_CRYPTO_MAX < VG_REASM_MAX here, so they fit the 32-bit space. */
	q->contig = vg_reasm_add(q->crypto, (uint32_t)off, bytes, len, &ev);
	if (ev & VG_REASM_OVERLAP_DIFFERS)
		vg_anomaly_inc(an, VG_AN_QUIC_CRYPTO_CONFLICT);
	if (q->contig > VG_QUIC_CRYPTO_MAX)
		q->contig = VG_QUIC_CRYPTO_MAX;
	return VG_PARSE_MORE;
}

/* RFC 9000 §19.3: ACK frame fields after the type, walked to find its end. */
static bool
skip_ack(struct vg_cur *c, bool ecn)
{
	uint64_t largest, delay, count, first, gap, range, ect0, ect1, ce, i;

	if (!vg_cur_varint(c, &largest) || !vg_cur_varint(c, &delay) ||
	    !vg_cur_varint(c, &count) || !vg_cur_varint(c, &first))
		return false;
	/* Each range is at least two bytes, so a short payload ends a huge count quickly. */
	for (i = 0; i < count; i++)
		if (!vg_cur_varint(c, &gap) || !vg_cur_varint(c, &range))
			return false;
	/* §19.3.2: ECN counts follow for type 0x03. */
	if (ecn && (!vg_cur_varint(c, &ect0) || !vg_cur_varint(c, &ect1) ||
	    !vg_cur_varint(c, &ce)))
		return false;
	return true;
}

/*
 * The frames of a decrypted Initial. RFC 9000 §12.4 (Table 3) allows only
 * PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE of type 0x1c there.
 */
static enum vg_parse_rc
initial_frames(struct vg_quic *q, struct vg_cur *c, struct vg_anomalies *an)
{
	uint64_t type, off, len, code, ftype;
	struct vg_cur data;
	enum vg_parse_rc rc;

	/* §12.4: a packet with no frames is a protocol violation. */
	if (vg_cur_empty(c))
		goto bad;
	while (!vg_cur_empty(c)) {
		if (!vg_cur_varint(c, &type))
			goto bad;
		switch (type) {
		case 0x00: /* PADDING, §19.1 */
		case 0x01: /* PING, §19.2 */
			break;
		case 0x02: /* ACK, §19.3 */
		case 0x03:
			if (!skip_ack(c, type == 0x03))
				goto bad;
			break;
		case 0x06: /* CRYPTO, §19.6 */
			if (!vg_cur_varint(c, &off) || !vg_cur_varint(c, &len) ||
			    len > vg_cur_left(c) || !vg_cur_sub(c, (size_t)len, &data))
				goto bad;
			if ((rc = crypto_store(q, off, &data, an)) == VG_PARSE_ERROR)
				return rc;
			break;
		case 0x1c: /* CONNECTION_CLOSE, §19.19: the client gave up */
			if (!vg_cur_varint(c, &code) || !vg_cur_varint(c, &ftype) ||
			    !vg_cur_varint(c, &len) || len > vg_cur_left(c) ||
			    !vg_cur_skip(c, (size_t)len))
				goto bad;
			return VG_PARSE_MORE;
		default:
			goto bad;
		}
	}
	return VG_PARSE_MORE;
bad:
	vg_anomaly_inc(an, VG_AN_QUIC_BAD_FRAME);
	return VG_PARSE_ERROR;
}

/*
 * Removes header protection from, decrypts and walks one client Initial.
 * pkt spans the packet from its first byte to the end of its Length.
 */
static enum vg_parse_rc
initial_packet(struct vg_quic *q, struct vg_cur *pkt, const struct long_hdr *h,
    const struct vg_quic_keys *k, struct vg_anomalies *an)
{
	uint8_t buf[QUIC_PKT_MAX];
	uint8_t mask[VG_QUIC_MASK_LEN];
	const uint8_t *sample, *aad, *ct, *tag;
	size_t plen = vg_cur_len(pkt), pn_len, hdr_len, ct_len, i;
	uint64_t trunc = 0, pn;
	struct vg_cur b, pt;

	if (plen > sizeof(buf)) {
		vg_anomaly_inc(an, VG_AN_QUIC_BAD_HEADER);
		return VG_PARSE_ERROR;
	}
	/*
	 * RFC 9001 §5.4.2: the sample starts 4 bytes after the Packet Number
	 * field, whatever its length, so a packet must hold at least 4 + 16
	 * bytes after it (which also covers the 16-byte tag).
	 */
	if (h->length < 4 + VG_QUIC_SAMPLE_LEN) {
		vg_anomaly_inc(an, VG_AN_QUIC_BAD_HEADER);
		return VG_PARSE_ERROR;
	}
	/* The input is const and the header is unmasked in place: work on a copy. */
	if (!vg_cur_copy(pkt, buf, plen))
		goto trunc;
	vg_cur_init(&b, buf, plen);
	if (!vg_cur_seek(&b, h->pn_off + 4) || !vg_cur_bytes(&b, VG_QUIC_SAMPLE_LEN, &sample))
		goto trunc;
	if (!vg_quic_hp_mask(k->hp, sample, mask)) {
		vg_anomaly_inc(an, VG_AN_QUIC_DECRYPT_FAILED);
		return VG_PARSE_ERROR;
	}
	/*
	 * RFC 9001 §5.4.1: long headers protect the low 4 bits of the first byte.
	 * The writes below go to our own copy, not the packet; the cursor reads
	 * above proved pn_off + 4 + 16 <= plen, and pn_len <= 4, so every index
	 * stays inside buf[0, plen).
	 */
	buf[0] ^= mask[0] & 0x0f;
	pn_len = (size_t)(buf[0] & 0x03) + 1;
	for (i = 0; i < pn_len; i++) {
		buf[h->pn_off + i] ^= mask[1 + i];
		trunc = trunc << 8 | buf[h->pn_off + i];
	}
	pn = vg_quic_pn_decode(q->have_pn ? q->largest_pn + 1 : 0, trunc, (unsigned)pn_len * 8);
	/* RFC 9001 §5.3: the AAD is the whole unprotected header, up to the packet number's end. */
	hdr_len = h->pn_off + pn_len;
	ct_len = (size_t)h->length - pn_len - VG_QUIC_TAG_LEN;
	vg_cur_init(&b, buf, plen);
	if (!vg_cur_bytes(&b, hdr_len, &aad) || !vg_cur_bytes(&b, ct_len, &ct) ||
	    !vg_cur_bytes(&b, VG_QUIC_TAG_LEN, &tag))
		goto trunc;
	if (!vg_quic_aead_open(k, pn, aad, hdr_len, ct, ct_len, tag, &buf[hdr_len])) {
		vg_anomaly_inc(an, VG_AN_QUIC_DECRYPT_FAILED);
		return VG_PARSE_ERROR;
	}
	/* RFC 9000 §17.2: Reserved Bits must be zero once protection is removed. */
	if ((buf[0] & 0x0c) != 0) {
		vg_anomaly_inc(an, VG_AN_QUIC_BAD_HEADER);
		return VG_PARSE_ERROR;
	}
	/* RFC 9000 §17.1: only authenticated packets move the largest packet number. */
	if (!q->have_pn || pn > q->largest_pn) {
		q->largest_pn = pn;
		q->have_pn = true;
	}
	vg_cur_init(&b, buf, plen);
	if (!vg_cur_skip(&b, hdr_len) || !vg_cur_sub(&b, ct_len, &pt))
		goto trunc;
	return initial_frames(q, &pt, an);
trunc:
	vg_anomaly_inc(an, VG_AN_QUIC_TRUNCATED);
	return VG_PARSE_ERROR;
}

/* First client Initial of the flow: remember its version and DCID, derive the keys. */
static bool
flow_start(struct vg_quic *q, const struct long_hdr *h)
{
	q->version = h->version;
	q->dcid_len = h->dcid_len;
	if (h->dcid_len > 0)
		memcpy(q->dcid, h->dcid, h->dcid_len);
	q->started = true;
	return vg_quic_client_initial_keys(q->version, q->dcid, q->dcid_len, &q->keys);
}

/* Calls the TLS parser once the contiguous CRYPTO prefix has grown enough. */
static enum vg_parse_rc
hello_try(struct vg_quic *q, struct vg_tls_hello *hello, uint32_t *version,
    struct vg_anomalies *an)
{
	const uint8_t *stream;
	enum vg_parse_rc rc;
	size_t need = 0, avail;

	if (q->contig <= q->parsed || q->contig < q->need)
		return VG_PARSE_MORE;
	q->parsed = q->contig;
	/* RFC 9001 §4.1.3: CRYPTO frames carry bare handshake messages, no record layer. */
	stream = vg_reasm_data(q->crypto, &avail);
	rc = vg_tls_parse_handshake(stream, q->contig, hello, &need, an);
	switch (rc) {
	case VG_PARSE_DONE:
		if (version != NULL)
			*version = q->version;
		return VG_PARSE_DONE;
	case VG_PARSE_MORE:
		/* A ClientHello longer than our buffer can never complete. */
		if (need > VG_QUIC_CRYPTO_MAX) {
			vg_anomaly_inc(an, VG_AN_QUIC_HELLO_INCOMPLETE);
			return VG_PARSE_ERROR;
		}
		q->need = need;
		return VG_PARSE_MORE;
	case VG_PARSE_NOMATCH:
		/* RFC 9001 §4.1.3: a client's Initial CRYPTO stream starts with its ClientHello. */
		vg_anomaly_inc(an, VG_AN_TLS_NOT_CLIENT_HELLO);
		return VG_PARSE_ERROR;
	case VG_PARSE_ERROR:
	default:
		return VG_PARSE_ERROR;
	}
}

/* One packet of the datagram walk; STOP ends the walk without error. */
enum walk_rc {
	WALK_NEXT,
	WALK_STOP,
	WALK_ERROR,
};

static enum walk_rc
walk_packet(struct vg_quic *q, struct vg_cur *c, struct long_hdr *first, bool is_first,
    bool *saw_initial, struct vg_anomalies *an)
{
	struct vg_quic_keys other;
	const struct vg_quic_keys *k = &q->keys;
	struct long_hdr h;
	struct vg_cur pkt;
	size_t start = vg_cur_off(c);
	enum vg_parse_rc rc;

	switch (long_header(c, &h, false)) {
	case LH_OK:
		break;
	case LH_NOT_OURS:
		/*
		 * §12.2: a short header packet ends the coalesced packets; so does
		 * anything else that is not a long header of ours (zero padding
		 * after the last packet reads as a short header).
		 */
		return WALK_STOP;
	case LH_BAD_CID:
		vg_anomaly_inc(an, VG_AN_QUIC_BAD_CID);
		return WALK_ERROR;
	case LH_TRUNCATED:
	default:
		vg_anomaly_inc(an, VG_AN_QUIC_TRUNCATED);
		return WALK_ERROR;
	}
	if (is_first)
		*first = h;
	else if (h.dcid_len != first->dcid_len ||
	    (h.dcid_len > 0 && memcmp(h.dcid, first->dcid, h.dcid_len) != 0))
		/* RFC 9000 §12.2: receivers SHOULD ignore coalesced packets with another DCID. */
		return WALK_STOP;
	if (!vg_cur_seek(c, start) || !vg_cur_sub(c, h.pn_off + (size_t)h.length, &pkt)) {
		vg_anomaly_inc(an, VG_AN_QUIC_TRUNCATED);
		return WALK_ERROR;
	}
	/* 0-RTT and Handshake packets are skipped by their Length. */
	if (h.type != LH_INITIAL)
		return WALK_NEXT;
	*saw_initial = true;
	if (!q->started) {
		if (!flow_start(q, &h)) {
			vg_anomaly_inc(an, VG_AN_QUIC_DECRYPT_FAILED);
			return WALK_ERROR;
		}
	} else if (h.version != q->version) {
		/*
		 * Compatible version negotiation (RFC 9368) may switch the client
		 * to the other version; its keys still come from the original DCID.
		 */
		if (!vg_quic_client_initial_keys(h.version, q->dcid, q->dcid_len, &other)) {
			vg_anomaly_inc(an, VG_AN_QUIC_DECRYPT_FAILED);
			return WALK_ERROR;
		}
		k = &other;
	}
	rc = initial_packet(q, &pkt, &h, k, an);
	if (k == &other)
		OPENSSL_cleanse(&other, sizeof(other));
	return rc == VG_PARSE_ERROR ? WALK_ERROR : WALK_NEXT;
}

enum vg_parse_rc
vg_quic_client_datagram(struct vg_quic *q, const uint8_t *dgram, size_t len,
    struct vg_tls_hello *hello, uint32_t *version, struct vg_anomalies *an)
{
	struct long_hdr first;
	struct vg_cur c;
	bool saw_initial = false, is_first = true;
	enum walk_rc w;

	if (q == NULL)
		return VG_PARSE_NOMATCH;
	/* Finished flows answer the same, without work; *hello was filled at DONE. */
	if (q->final != VG_PARSE_MORE) {
		if (q->final == VG_PARSE_DONE && version != NULL)
			*version = q->version;
		return q->final;
	}
	memset(&first, 0, sizeof(first));
	vg_cur_init(&c, dgram, len);
	/* RFC 9000 §12.2: walk every coalesced packet. */
	while (!vg_cur_empty(&c)) {
		w = walk_packet(q, &c, &first, is_first, &saw_initial, an);
		if (w == WALK_ERROR) {
			q->final = VG_PARSE_ERROR;
			return VG_PARSE_ERROR;
		}
		if (w == WALK_STOP)
			break;
		is_first = false;
	}
	if (!q->started)
		return VG_PARSE_NOMATCH;
	if (!saw_initial)
		return VG_PARSE_MORE;
	q->final = hello_try(q, hello, version, an);
	return q->final;
}
