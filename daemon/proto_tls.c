/* proto_tls.c - TLS ClientHello parser: record reassembly, SNI, ALPN, supported_versions, ECH. */
#include <string.h>

#include "cursor.h"
#include "proto_tls.h"

#define TLS_CT_HANDSHAKE 22     /* RFC 8446 §5.1 ContentType.handshake */
#define TLS_HS_CLIENT_HELLO 1   /* RFC 8446 §4 HandshakeType.client_hello */
#define TLS_RECORD_HDR 5        /* type(1) legacy_record_version(2) length(2) */
#define TLS_HS_HDR 4            /* msg_type(1) length(3) */
/*
 * RFC 8446 §5.1 caps a plaintext fragment at 2^14; accept up to the 2^14 + 256
 * of a protected record (§5.2), as peers do, before calling the record broken.
 */
#define TLS_RECORD_MAX (16384 + 256)
/*
 * A ClientHello normally fits one record and needs at most two. Evasion tools
 * cut it into many tiny records; past this many the stream prefix the caller
 * must keep would no longer be bounded by VG_TLS_HELLO_MAX + a small overhead.
 */
#define TLS_RECORDS_MAX 64

#define TLS_EXT_SERVER_NAME 0
#define TLS_EXT_ALPN 16
#define TLS_EXT_PRE_SHARED_KEY 41
#define TLS_EXT_SUPPORTED_VERSIONS 43
#define TLS_EXT_ECH 0xfe0d

/* RFC 8701 §2: GREASE values are 0x?A?A with both bytes equal. */
static bool
tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* RFC 6066 §3: ServerNameList; the first host_name (type 0) is the one we keep. */
static bool
tls_ext_server_name(struct vg_cur *ext, struct vg_tls_hello *out, bool *bad_name)
{
	struct vg_cur list, name;
	uint8_t type;
	bool seen = false;

	/* ServerName server_name_list<1..2^16-1>, exactly filling the extension. */
	if (!vg_cur_vec16(ext, &list) || !vg_cur_empty(ext) || vg_cur_empty(&list))
		return false;
	while (!vg_cur_empty(&list)) {
		/*
		 * Every name_type defined so far is followed by a 16-bit vector,
		 * and that is how deployed servers walk the list.
		 */
		if (!vg_cur_u8(&list, &type) || !vg_cur_vec16(&list, &name))
			return false;
		if (type != 0 || seen)
			continue;
		seen = true;
		/* HostName<1..2^16-1>; an empty or invalid name is reported, not fatal. */
		if (!vg_hostname_canon(vg_cur_here(&name), vg_cur_left(&name), out->sni)) {
			*bad_name = true;
			continue;
		}
		out->has_sni = true;
	}
	return true;
}

static bool
tls_alpn_printable(const struct vg_cur *name)
{
	struct vg_cur c = *name;
	uint8_t ch;

	while (vg_cur_u8(&c, &ch))
		if (ch < 0x21 || ch > 0x7e)
			return false;
	return true;
}

/* RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>, names <1..2^8-1>. */
static bool
tls_ext_alpn(struct vg_cur *ext, struct vg_tls_hello *out)
{
	struct vg_cur list, name;
	size_t n;

	if (!vg_cur_vec16(ext, &list) || !vg_cur_empty(ext) || vg_cur_empty(&list))
		return false;
	while (!vg_cur_empty(&list)) {
		if (!vg_cur_vec8(&list, &name))
			return false;
		n = vg_cur_len(&name);
		if (n == 0)
			return false; /* "Empty strings MUST NOT be included" */
		/* Keep what a log line can show; the rest is legal but skipped. */
		if (out->n_alpn >= VG_TLS_ALPN_MAX || n > VG_TLS_ALPN_LEN ||
		    !tls_alpn_printable(&name))
			continue;
		vg_cur_copy(&name, out->alpn[out->n_alpn], n);
		out->alpn[out->n_alpn][n] = '\0';
		out->n_alpn++;
	}
	return true;
}

/* RFC 8446 §4.2.1, ClientHello form: ProtocolVersion versions<2..254>. */
static bool
tls_ext_supported_versions(struct vg_cur *ext, struct vg_tls_hello *out)
{
	struct vg_cur list;
	uint16_t v;

	if (!vg_cur_vec8(ext, &list) || !vg_cur_empty(ext) || vg_cur_len(&list) < 2 ||
	    vg_cur_len(&list) % 2 != 0)
		return false;
	while (vg_cur_u16(&list, &v)) {
		if (tls_is_grease(v) || out->n_versions >= VG_TLS_VERSIONS_MAX)
			continue;
		out->versions[out->n_versions++] = v;
	}
	return true;
}

/* Walks the extensions block; cur holds exactly its bytes. */
static enum vg_parse_rc
tls_extensions(struct vg_cur *cur, struct vg_tls_hello *out, struct vg_anomalies *an)
{
	uint8_t seen[65536 / 8];
	struct vg_cur ext;
	uint16_t type;
	bool ok, bad_name = false;

	memset(seen, 0, sizeof(seen));
	while (!vg_cur_empty(cur)) {
		if (!vg_cur_u16(cur, &type) || !vg_cur_vec16(cur, &ext)) {
			vg_anomaly_inc(an, VG_AN_TLS_BAD_EXTENSION);
			return VG_PARSE_ERROR;
		}
		/* RFC 8446 §4.2: no more than one extension of the same type. */
		if (seen[type / 8] & (1u << (type % 8))) {
			vg_anomaly_inc(an, VG_AN_TLS_DUP_EXTENSION);
			return VG_PARSE_ERROR;
		}
		seen[type / 8] |= (uint8_t)(1u << (type % 8));
		ok = true;
		switch (type) {
		case TLS_EXT_SERVER_NAME:
			if (!tls_ext_server_name(&ext, out, &bad_name)) {
				vg_anomaly_inc(an, VG_AN_TLS_BAD_EXTENSION);
				return VG_PARSE_ERROR;
			}
			break;
		case TLS_EXT_ALPN:
			if (!tls_ext_alpn(&ext, out)) {
				vg_anomaly_inc(an, VG_AN_TLS_BAD_ALPN);
				return VG_PARSE_ERROR;
			}
			break;
		case TLS_EXT_SUPPORTED_VERSIONS:
			if (!tls_ext_supported_versions(&ext, out)) {
				vg_anomaly_inc(an, VG_AN_TLS_BAD_VERSIONS);
				return VG_PARSE_ERROR;
			}
			break;
		case TLS_EXT_ECH:
			/* Only presence matters: the inner hello is encrypted. */
			out->ech = true;
			break;
		case TLS_EXT_PRE_SHARED_KEY:
			/* RFC 8446 §4.2.11: it MUST be the last extension. */
			ok = vg_cur_empty(cur);
			break;
		default:
			break;
		}
		if (!ok) {
			vg_anomaly_inc(an, VG_AN_TLS_BAD_EXTENSION);
			return VG_PARSE_ERROR;
		}
	}
	/* Counted only now so that an ERROR result carries exactly one anomaly. */
	if (bad_name)
		vg_anomaly_inc(an, VG_AN_TLS_BAD_SNI);
	return VG_PARSE_DONE;
}

/*
 * ClientHello body (RFC 8446 §4.1.2; RFC 5246 §7.4.1.2 for TLS 1.0-1.2,
 * where the extensions block may be absent). cur holds exactly the body.
 */
static enum vg_parse_rc
tls_client_hello(struct vg_cur *cur, struct vg_tls_hello *out, struct vg_anomalies *an)
{
	struct vg_cur sid, suites, comp, exts;

	if (!vg_cur_u16(cur, &out->legacy_version) || (out->legacy_version >> 8) != 3 ||
	    !vg_cur_skip(cur, 32) ||                              /* random */
	    !vg_cur_vec8(cur, &sid) || vg_cur_len(&sid) > 32 ||  /* legacy_session_id<0..32> */
	    !vg_cur_vec16(cur, &suites) || vg_cur_len(&suites) < 2 ||
	    vg_cur_len(&suites) % 2 != 0 ||                       /* cipher_suites<2..2^16-2> */
	    !vg_cur_vec8(cur, &comp) || vg_cur_len(&comp) < 1)   /* compression_methods<1..2^8-1> */
		goto bad;
	if (vg_cur_empty(cur))
		return VG_PARSE_DONE; /* no extensions at all: legal before TLS 1.3 */
	if (!vg_cur_vec16(cur, &exts) || !vg_cur_empty(cur))
		goto bad;
	if (tls_extensions(&exts, out, an) == VG_PARSE_DONE)
		return VG_PARSE_DONE;
	/* Half-filled output must not be mistaken for a result. */
	memset(out, 0, sizeof(*out));
	return VG_PARSE_ERROR;
bad:
	memset(out, 0, sizeof(*out));
	vg_anomaly_inc(an, VG_AN_TLS_BAD_HELLO);
	return VG_PARSE_ERROR;
}

/*
 * Checks a handshake header (RFC 8446 §4) once its 4 bytes are known and
 * sets *body_len. NOMATCH for another message type; the callers decide
 * whether that is an anomaly.
 */
static enum vg_parse_rc
tls_hs_header(const uint8_t hdr[TLS_HS_HDR], uint32_t *body_len, struct vg_anomalies *an)
{
	struct vg_cur c;
	uint8_t type;

	vg_cur_init(&c, hdr, TLS_HS_HDR);
	if (!vg_cur_u8(&c, &type) || !vg_cur_u24(&c, body_len) || type != TLS_HS_CLIENT_HELLO)
		return VG_PARSE_NOMATCH;
	if (*body_len > VG_TLS_HELLO_MAX) {
		vg_anomaly_inc(an, VG_AN_TLS_HELLO_TOO_LONG);
		return VG_PARSE_ERROR;
	}
	return VG_PARSE_DONE;
}

enum vg_parse_rc
vg_tls_parse_handshake(const uint8_t *buf, size_t len, struct vg_tls_hello *out, size_t *need,
    struct vg_anomalies *an)
{
	struct vg_cur c, body;
	uint8_t hdr[TLS_HS_HDR], type;
	uint32_t body_len;
	enum vg_parse_rc rc;

	memset(out, 0, sizeof(*out));
	*need = 0;
	vg_cur_init(&c, buf, len);
	/* Decide on the type as soon as its byte is there (RFC 9001 §4.1.3). */
	if (vg_cur_peek(&c, 0, &type) && type != TLS_HS_CLIENT_HELLO)
		return VG_PARSE_NOMATCH;
	if (!vg_cur_copy(&c, hdr, sizeof(hdr))) {
		*need = TLS_HS_HDR;
		return VG_PARSE_MORE;
	}
	if ((rc = tls_hs_header(hdr, &body_len, an)) != VG_PARSE_DONE)
		return rc;
	if (!vg_cur_sub(&c, body_len, &body)) {
		*need = TLS_HS_HDR + (size_t)body_len;
		return VG_PARSE_MORE;
	}
	return tls_client_hello(&body, out, an);
}

/*
 * A record header is judged on whatever of its 5 bytes have arrived; MORE
 * means nothing seen so far rules it out.
 */
static enum vg_parse_rc
tls_record_prefix(const struct vg_cur *c, bool first, struct vg_anomalies *an)
{
	uint8_t type, major, minor;

	if (!vg_cur_peek(c, 0, &type))
		return VG_PARSE_MORE;
	if (type != TLS_CT_HANDSHAKE) {
		if (first)
			return VG_PARSE_NOMATCH;
		/* RFC 8446 §5.1: handshake messages are not interleaved with other types. */
		goto bad;
	}
	if (!vg_cur_peek(c, 1, &major))
		return VG_PARSE_MORE;
	if (major != 3) {
		if (first)
			return VG_PARSE_NOMATCH;
		goto bad;
	}
	if (!vg_cur_peek(c, 2, &minor))
		return VG_PARSE_MORE;
	if (minor > 4)
		goto bad;
	return VG_PARSE_MORE;
bad:
	vg_anomaly_inc(an, VG_AN_TLS_BAD_RECORD);
	return VG_PARSE_ERROR;
}

enum vg_parse_rc
vg_tls_parse_stream(const uint8_t *buf, size_t len, struct vg_tls_hello *out, size_t *need,
    struct vg_anomalies *an)
{
	/* The handshake message, coalesced from the record payloads. */
	uint8_t hs[TLS_HS_HDR + VG_TLS_HELLO_MAX];
	size_t hs_len = 0, want = TLS_HS_HDR, rec_left, n;
	struct vg_cur c, body;
	uint32_t body_len;
	uint16_t rlen = 0;
	unsigned nrec = 0;
	bool have_hdr = false;
	enum vg_parse_rc rc;

	memset(out, 0, sizeof(*out));
	*need = 0;
	vg_cur_init(&c, buf, len);
	for (;;) {
		/* RFC 8446 §5.1 TLSPlaintext header. */
		rc = tls_record_prefix(&c, nrec == 0, an);
		if (rc != VG_PARSE_MORE)
			return rc;
		if (vg_cur_left(&c) < TLS_RECORD_HDR) {
			*need = vg_cur_off(&c) + TLS_RECORD_HDR;
			return VG_PARSE_MORE;
		}
		vg_cur_skip(&c, 3); /* type and version, checked above */
		vg_cur_u16(&c, &rlen);
		/* Zero-length handshake fragments are forbidden (RFC 8446 §5.1). */
		if (rlen == 0 || rlen > TLS_RECORD_MAX) {
			vg_anomaly_inc(an, VG_AN_TLS_BAD_RECORD);
			return VG_PARSE_ERROR;
		}
		if (++nrec > TLS_RECORDS_MAX) {
			vg_anomaly_inc(an, VG_AN_TLS_TOO_MANY_RECORDS);
			return VG_PARSE_ERROR;
		}
		for (rec_left = rlen; rec_left > 0;) {
			n = want - hs_len;
			if (n > rec_left)
				n = rec_left;
			if (vg_cur_empty(&c)) {
				/* Ask for what completes the current step within this record. */
				*need = vg_cur_off(&c) + n;
				return VG_PARSE_MORE;
			}
			if (n > vg_cur_left(&c))
				n = vg_cur_left(&c);
			vg_cur_copy(&c, hs + hs_len, n);
			hs_len += n;
			rec_left -= n;
			/* Refuse a server's or garbage stream on its first payload byte. */
			if (hs[0] != TLS_HS_CLIENT_HELLO) {
				vg_anomaly_inc(an, VG_AN_TLS_NOT_CLIENT_HELLO);
				return VG_PARSE_ERROR;
			}
			if (!have_hdr && hs_len == TLS_HS_HDR) {
				if ((rc = tls_hs_header(hs, &body_len, an)) != VG_PARSE_DONE)
					return rc;
				have_hdr = true;
				want = TLS_HS_HDR + (size_t)body_len;
			}
			if (have_hdr && hs_len == want) {
				/* Bytes after the message in its last record are not ours. */
				vg_cur_init(&body, hs, hs_len);
				vg_cur_skip(&body, TLS_HS_HDR);
				return tls_client_hello(&body, out, an);
			}
		}
	}
}

const char *
vg_tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0002:
		return "SSL 2.0";
	case 0x0300:
		return "SSL 3.0";
	case 0x0301:
		return "TLS 1.0";
	case 0x0302:
		return "TLS 1.1";
	case 0x0303:
		return "TLS 1.2";
	case 0x0304:
		return "TLS 1.3";
	case 0xfeff:
		return "DTLS 1.0";
	case 0xfefd:
		return "DTLS 1.2";
	case 0xfefc:
		return "DTLS 1.3";
	default:
		return NULL;
	}
}
