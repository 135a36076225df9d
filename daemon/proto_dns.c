/* proto_dns.c - DNS message parser (RFC 1035 §4) for UDP, TCP and mDNS payloads. */
#include <string.h>

#include "cursor.h"
#include "proto_dns.h"

#define DNS_HEADER_LEN 12
#define DNS_CNAME_CHAIN_MAX 8
#define DNS_CLASS_IN 1
/*
 * mDNS reuses the top bit of the class: cache-flush in records (RFC 6762
 * §10.2), unicast-response in questions (§5.4). No unicast class uses it, so
 * it is masked everywhere and one parser serves ports 53 and 5353.
 */
#define DNS_CLASS_MASK 0x7fff

/* "No anomaly" from the internal helpers, which return the anomaly to count. */
#define DNS_OK VG_AN__COUNT

static bool
dns_plain_byte(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
	    ch == '*';
}

/*
 * Appends one label byte in presentation form (RFC 4343 §2.1): letters
 * folded, '.' inside a label as "\." so it cannot be taken for a separator,
 * anything else outside [a-z0-9-_*] as \DDD. False when the name would
 * outgrow VG_DNS_NAME_MAX.
 */
static bool
dns_put_byte(char *out, size_t *n, uint8_t ch)
{
	char esc[4];
	size_t k;

	if (ch >= 'A' && ch <= 'Z')
		ch = (uint8_t)(ch - 'A' + 'a');
	if (dns_plain_byte(ch)) {
		esc[0] = (char)ch;
		k = 1;
	} else if (ch == '.') {
		esc[0] = '\\';
		esc[1] = '.';
		k = 2;
	} else {
		esc[0] = '\\';
		esc[1] = (char)('0' + ch / 100);
		esc[2] = (char)('0' + ch / 10 % 10);
		esc[3] = (char)('0' + ch % 10);
		k = 4;
	}
	if (k > VG_DNS_NAME_MAX - *n)
		return false;
	memcpy(out + *n, esc, k);
	*n += k;
	return true;
}

/*
 * Decodes the name at the cursor into presentation form (RFC 1035 §3.1,
 * §4.1.4) in out (VG_DNS_NAME_MAX + 1 bytes). On success the cursor sits
 * after the root label or after the first compression pointer; on a fault
 * it is unchanged and the anomaly is returned.
 *
 * Loops are impossible by construction: each pointer must point strictly
 * before the offset where the current run of labels began (the name's own
 * start, then the previous pointer's target). Targets therefore strictly
 * decrease, which also forbids self and forward pointers. RFC 1035 §4.1.4
 * only ever points at a prior occurrence, so no real compressor is refused;
 * a pointer back into the name's own earlier labels (which some decoders
 * follow) is refused as forward.
 */
static enum vg_anomaly
dns_name(struct vg_cur *c, char *out)
{
	struct vg_cur w = *c;
	size_t limit = vg_cur_off(c), end = 0, n = 0, target;
	unsigned pointers = 0;
	enum vg_anomaly err;
	uint8_t len, lo, ch;
	bool jumped = false;

	for (;;) {
		if (!vg_cur_u8(&w, &len)) {
			err = VG_AN_DNS_TRUNCATED;
			goto fail;
		}
		if (len == 0)
			break;
		switch (len >> 6) {
		case 0: /* a label of 1..63 bytes: the length field has 6 bits */
			if (n > 0) {
				if (n >= VG_DNS_NAME_MAX) {
					err = VG_AN_DNS_NAME_TOO_LONG;
					goto fail;
				}
				out[n++] = '.';
			}
			while (len-- > 0) {
				if (!vg_cur_u8(&w, &ch)) {
					err = VG_AN_DNS_TRUNCATED;
					goto fail;
				}
				if (!dns_put_byte(out, &n, ch)) {
					err = VG_AN_DNS_NAME_TOO_LONG;
					goto fail;
				}
			}
			break;
		case 3: /* compression pointer, RFC 1035 §4.1.4 */
			if (!vg_cur_u8(&w, &lo)) {
				err = VG_AN_DNS_TRUNCATED;
				goto fail;
			}
			target = (size_t)(len & 0x3f) << 8 | lo;
			if (target >= limit) {
				err = VG_AN_DNS_POINTER_FORWARD;
				goto fail;
			}
			if (++pointers > VG_DNS_POINTERS_MAX) {
				err = VG_AN_DNS_POINTER_LIMIT;
				goto fail;
			}
			if (!jumped) {
				end = vg_cur_off(&w); /* the name ends at its first pointer */
				jumped = true;
			}
			limit = target;
			vg_cur_seek(&w, target); /* target < limit <= len: cannot fail */
			break;
		default: /* 0b01 extended labels (RFC 6891 §5: deprecated), 0b10 reserved */
			err = VG_AN_DNS_BAD_LABEL_TYPE;
			goto fail;
		}
	}
	if (n == 0)
		out[n++] = '.'; /* the root */
	out[n] = '\0';
	vg_cur_seek(c, jumped ? end : vg_cur_off(&w));
	return DNS_OK;
fail:
	out[0] = '\0'; /* never leave half a name behind */
	return err;
}

/* RFC 1035 §4.1.2. */
static enum vg_anomaly
dns_question(struct vg_cur *c, struct vg_dns_msg *out)
{
	struct vg_dns_question scratch, *q;
	enum vg_anomaly err;

	q = out->n_questions < VG_DNS_QUESTIONS_MAX ? &out->questions[out->n_questions] :
	    &scratch;
	if ((err = dns_name(c, q->name)) != DNS_OK)
		return err;
	if (!vg_cur_u16(c, &q->type) || !vg_cur_u16(c, &q->qclass))
		return VG_AN_DNS_TRUNCATED;
	q->qclass &= DNS_CLASS_MASK;
	if (q != &scratch)
		out->n_questions++;
	return DNS_OK;
}

/*
 * CNAME RDATA is exactly one name (RFC 1035 §3.3.1). It is decoded through a
 * view of the message that ends with the RDATA, so its labels cannot run
 * into the next record; its pointers may still reach any earlier byte.
 */
static enum vg_anomaly
dns_cname(const uint8_t *msg, size_t rd_off, size_t rd_len, char *target)
{
	struct vg_cur v;
	enum vg_anomaly err;

	vg_cur_init(&v, msg, rd_off + rd_len);
	vg_cur_seek(&v, rd_off);
	if ((err = dns_name(&v, target)) != DNS_OK)
		return err == VG_AN_DNS_TRUNCATED ? VG_AN_DNS_BAD_RDLENGTH : err;
	if (!vg_cur_empty(&v))
		return VG_AN_DNS_BAD_RDLENGTH; /* bytes after the name */
	return DNS_OK;
}

/*
 * RFC 1035 §4.1.3. A, AAAA and CNAME are kept only in class IN, where A and
 * AAAA RDATA is an address (RFC 1035 §3.4.1, RFC 3596 §2.2). Other classes
 * give the same type codes other data: Chaos A is not 4 bytes, and UPDATE
 * prerequisites and deletions (RFC 2136 §2.4, §2.5) use class ANY or NONE
 * with empty RDATA. Those records are skipped like any other type.
 */
static enum vg_anomaly
dns_answer(struct vg_cur *c, const uint8_t *msg, struct vg_dns_msg *out)
{
	struct vg_dns_rr scratch, *rr;
	struct vg_cur rd;
	enum vg_anomaly err;
	uint16_t rdlength;
	size_t rd_off;
	bool keep;

	keep = out->n_answers < VG_DNS_ANSWERS_MAX;
	rr = keep ? &out->answers[out->n_answers] : &scratch;
	if ((err = dns_name(c, rr->name)) != DNS_OK)
		return err;
	if (!vg_cur_u16(c, &rr->type) || !vg_cur_u16(c, &rr->rclass) ||
	    !vg_cur_u32(c, &rr->ttl) || !vg_cur_u16(c, &rdlength))
		return VG_AN_DNS_TRUNCATED;
	rd_off = vg_cur_off(c);
	if (!vg_cur_sub(c, rdlength, &rd))
		return VG_AN_DNS_BAD_RDLENGTH;
	rr->rclass &= DNS_CLASS_MASK;
	/* RFC 2181 §8: a TTL with the top bit set is to be read as zero. */
	if (rr->ttl > INT32_MAX)
		rr->ttl = 0;

	if (rr->rclass != DNS_CLASS_IN)
		return DNS_OK;
	switch (rr->type) {
	case VG_DNS_T_A:
	case VG_DNS_T_AAAA:
		if (rdlength != (rr->type == VG_DNS_T_A ? 4 : 16))
			return VG_AN_DNS_BAD_RDLENGTH;
		vg_cur_copy(&rd, rr->data.addr, rdlength); /* the sub holds exactly rdlength */
		break;
	case VG_DNS_T_CNAME:
		if (!keep)
			return DNS_OK; /* not kept: skipped by rdlength, target unchecked */
		if ((err = dns_cname(msg, rd_off, rdlength, rr->data.target)) != DNS_OK)
			return err;
		break;
	default:
		return DNS_OK;
	}
	if (keep)
		out->n_answers++;
	return DNS_OK;
}

enum vg_parse_rc
vg_dns_parse(const uint8_t *msg, size_t len, struct vg_dns_msg *out, struct vg_anomalies *an)
{
	struct vg_cur c;
	enum vg_anomaly err = DNS_OK;
	uint16_t flags;
	unsigned walked = 0, i;

	out->n_questions = 0;
	out->n_answers = 0;
	vg_cur_init(&c, msg, len);
	/* RFC 1035 §4.1.1: the fixed 12-byte header. */
	if (!vg_cur_u16(&c, &out->id) || !vg_cur_u16(&c, &flags) ||
	    !vg_cur_u16(&c, &out->qdcount) || !vg_cur_u16(&c, &out->ancount) ||
	    !vg_cur_u16(&c, &out->nscount) || !vg_cur_u16(&c, &out->arcount)) {
		memset(out, 0, offsetof(struct vg_dns_msg, questions));
		return VG_PARSE_NOMATCH;
	}
	out->response = (flags & 0x8000) != 0;
	out->opcode = (uint8_t)(flags >> 11 & 0x0f);
	out->truncated = (flags & 0x0200) != 0;
	out->rcode = (uint8_t)(flags & 0x0f);

	/*
	 * Counts are walked as given even when the message is too short for
	 * them: the first record that does not fit ends the walk as truncated.
	 * VG_DNS_RECORDS_MAX bounds the work a crafted 64 KiB message can cause.
	 */
	for (i = 0; i < out->qdcount && err == DNS_OK; i++) {
		if (++walked > VG_DNS_RECORDS_MAX)
			err = VG_AN_DNS_TOO_MANY_RECORDS;
		else
			err = dns_question(&c, out);
	}
	for (i = 0; i < out->ancount && err == DNS_OK; i++) {
		if (++walked > VG_DNS_RECORDS_MAX)
			err = VG_AN_DNS_TOO_MANY_RECORDS;
		else
			err = dns_answer(&c, msg, out);
	}
	if (err != DNS_OK) {
		vg_anomaly_inc(an, err);
		return VG_PARSE_ERROR;
	}
	/*
	 * Authority and additional records are not parsed: nothing here needs
	 * them, and stopping keeps the cost per message down. So trailing bytes
	 * can only be told apart when both of those sections are declared
	 * empty; they are counted but the message is still usable.
	 */
	if (out->nscount == 0 && out->arcount == 0 && !vg_cur_empty(&c))
		vg_anomaly_inc(an, VG_AN_DNS_TRAILING_BYTES);
	return VG_PARSE_DONE;
}

enum vg_parse_rc
vg_dns_parse_tcp(const uint8_t *buf, size_t len, struct vg_dns_msg *out, size_t *consumed,
    struct vg_anomalies *an)
{
	struct vg_cur c;
	const uint8_t *msg;
	uint16_t mlen;

	out->n_questions = 0;
	out->n_answers = 0;
	vg_cur_init(&c, buf, len);
	/* RFC 1035 §4.2.2: each message is preceded by its 2-byte length. */
	if (!vg_cur_u16(&c, &mlen)) {
		*consumed = 2;
		return VG_PARSE_MORE;
	}
	*consumed = 2 + (size_t)mlen;
	/*
	 * A length that cannot hold a header breaks the framing for the rest of
	 * the stream; *consumed still says how far the prefix claimed to reach.
	 */
	if (mlen < DNS_HEADER_LEN) {
		vg_anomaly_inc(an, VG_AN_DNS_BAD_TCP_LENGTH);
		return VG_PARSE_ERROR;
	}
	if (!vg_cur_bytes(&c, mlen, &msg))
		return VG_PARSE_MORE;
	return vg_dns_parse(msg, mlen, out, an);
}

static bool
dns_is_question(const struct vg_dns_msg *m, const char *name)
{
	unsigned i;

	for (i = 0; i < m->n_questions; i++)
		if (strcmp(m->questions[i].name, name) == 0)
			return true;
	return false;
}

/* The first CNAME answer whose target is name: one step back along the chain. */
static const struct vg_dns_rr *
dns_cname_to(const struct vg_dns_msg *m, const char *name)
{
	unsigned i;

	for (i = 0; i < m->n_answers; i++)
		if (m->answers[i].type == VG_DNS_T_CNAME &&
		    strcmp(m->answers[i].data.target, name) == 0)
			return &m->answers[i];
	return NULL;
}

void
vg_dns_foreach_address(const struct vg_dns_msg *m, vg_dns_addr_cb cb, void *arg,
    struct vg_anomalies *an)
{
	const struct vg_dns_rr *rr, *cn;
	const char *name;
	uint32_t ttl;
	unsigned i, steps;
	int family;
	bool found;

	for (i = 0; i < m->n_answers && i < VG_DNS_ANSWERS_MAX; i++) {
		rr = &m->answers[i];
		if (rr->type == VG_DNS_T_A)
			family = 4;
		else if (rr->type == VG_DNS_T_AAAA)
			family = 6;
		else
			continue;
		/*
		 * Walk back from the owner through CNAMEs (RFC 1034 §3.6.2) until
		 * a question name is reached. Names are already lower case, so
		 * strcmp is the case-insensitive compare RFC 4343 asks for. A
		 * CNAME loop cannot spin: the step cap ends it.
		 */
		name = rr->name;
		ttl = rr->ttl;
		steps = 0;
		while (!(found = dns_is_question(m, name))) {
			if ((cn = dns_cname_to(m, name)) == NULL)
				break;
			if (++steps > DNS_CNAME_CHAIN_MAX) {
				vg_anomaly_inc(an, VG_AN_DNS_CNAME_CHAIN_TOO_LONG);
				break;
			}
			name = cn->name;
			if (cn->ttl < ttl)
				ttl = cn->ttl;
		}
		if (!found) {
			/* No chain reaches a question: fall back to the owner. */
			name = rr->name;
			ttl = rr->ttl;
		}
		cb(arg, name, rr->data.addr, family, ttl);
	}
}

/* IANA "Resource Record (RR) TYPEs" registry, the types seen in practice. */
static const struct {
	uint16_t type;
	const char *name;
} dns_types[] = {
	{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 11, "WKS" }, { 12, "PTR" },
	{ 13, "HINFO" }, { 15, "MX" }, { 16, "TXT" }, { 17, "RP" }, { 18, "AFSDB" },
	{ 24, "SIG" }, { 25, "KEY" }, { 28, "AAAA" }, { 29, "LOC" }, { 33, "SRV" },
	{ 35, "NAPTR" }, { 36, "KX" }, { 37, "CERT" }, { 39, "DNAME" }, { 41, "OPT" },
	{ 42, "APL" }, { 43, "DS" }, { 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" },
	{ 47, "NSEC" }, { 48, "DNSKEY" }, { 49, "DHCID" }, { 50, "NSEC3" },
	{ 51, "NSEC3PARAM" }, { 52, "TLSA" }, { 53, "SMIMEA" }, { 55, "HIP" }, { 59, "CDS" },
	{ 60, "CDNSKEY" }, { 61, "OPENPGPKEY" }, { 62, "CSYNC" }, { 63, "ZONEMD" },
	{ 64, "SVCB" }, { 65, "HTTPS" }, { 99, "SPF" }, { 108, "EUI48" }, { 109, "EUI64" },
	{ 249, "TKEY" }, { 250, "TSIG" }, { 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" },
	{ 256, "URI" }, { 257, "CAA" },
};

const char *
vg_dns_type_name(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
		if (dns_types[i].type == type)
			return dns_types[i].name;
	return NULL;
}
