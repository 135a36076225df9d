/* proto_dns.h - DNS message parser (RFC 1035) for queries and answers over UDP and TCP. */
#ifndef VG_PROTO_DNS_H
#define VG_PROTO_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"
#include "hostname.h"

#define VG_DNS_QUESTIONS_MAX 4   /* questions kept; more are skipped */
#define VG_DNS_ANSWERS_MAX 32    /* answer-section records kept; more are skipped */
#define VG_DNS_RECORDS_MAX 512   /* records walked in all sections before giving up */
#define VG_DNS_POINTERS_MAX 32   /* compression pointers followed per name */
#define VG_DNS_NAME_MAX 253      /* presentation length; longer names are an anomaly */

#define VG_DNS_T_A 1
#define VG_DNS_T_CNAME 5
#define VG_DNS_T_AAAA 28

/*
 * A name in presentation form: lower case, no trailing dot, "." for the
 * root, bytes outside [a-z0-9-_*] escaped as \DDD (RFC 4343 §2.1) so the
 * string is always printable. Names longer than VG_DNS_NAME_MAX characters
 * after escaping are rejected (dns.name_too_long).
 */
struct vg_dns_question {
	char name[VG_DNS_NAME_MAX + 1];
	uint16_t type;
	uint16_t qclass;
};

struct vg_dns_rr {
	char name[VG_DNS_NAME_MAX + 1]; /* owner */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	union {
		uint8_t addr[16];                 /* A: 4 bytes, AAAA: 16 */
		char target[VG_DNS_NAME_MAX + 1]; /* CNAME */
	} data;
};

/* One parsed message; plain data, owned by the caller (about 17 KiB: keep off the flow table). */
struct vg_dns_msg {
	uint16_t id;
	bool response;  /* QR */
	bool truncated; /* TC */
	uint8_t opcode;
	uint8_t rcode;
	uint16_t qdcount, ancount, nscount, arcount; /* as in the header */
	uint8_t n_questions;
	uint8_t n_answers; /* A, AAAA and CNAME records of the answer section only */
	struct vg_dns_question questions[VG_DNS_QUESTIONS_MAX];
	struct vg_dns_rr answers[VG_DNS_ANSWERS_MAX];
};

/*
 * Parses one DNS message (UDP payload, or one TCP message without its length
 * prefix). Compression pointers must point strictly before the label that
 * holds them (RFC 1035 §4.1.4 allows only prior occurrences); at most
 * VG_DNS_POINTERS_MAX per name. Returns DONE, NOMATCH (too short for a
 * header) or ERROR (anomaly counted; questions and answers parsed before the
 * fault stay in *out).
 */
enum vg_parse_rc vg_dns_parse(const uint8_t *msg, size_t len, struct vg_dns_msg *out,
    struct vg_anomalies *an);

/*
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): buf starts at a 2-byte length
 * prefix. DONE: one message parsed and *consumed set to 2 + its length;
 * MORE: *consumed set to the total bytes needed; ERROR as above.
 */
enum vg_parse_rc vg_dns_parse_tcp(const uint8_t *buf, size_t len, struct vg_dns_msg *out,
    size_t *consumed, struct vg_anomalies *an);

/*
 * For each A/AAAA answer, the name the client asked for: follows the CNAME
 * chain from the answer's owner back to a question name (at most 8 steps;
 * dns.cname_chain_too_long beyond). Calls cb(arg, name, addr, family(4|6), ttl)
 * with the question name, or the owner name when no chain reaches a question.
 * The ttl passed is the smallest TTL along the chain. name is valid only
 * during the call.
 */
typedef void (*vg_dns_addr_cb)(void *arg, const char *name, const uint8_t *addr, int family,
    uint32_t ttl);
void vg_dns_foreach_address(const struct vg_dns_msg *m, vg_dns_addr_cb cb, void *arg,
    struct vg_anomalies *an);

/* "A", "AAAA", ... or NULL; static storage. */
const char *vg_dns_type_name(uint16_t type);

#endif
