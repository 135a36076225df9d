/* fuzz_dns.c - fuzz target for the DNS parser (UDP and TCP framing), CNAME walk and name cache. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dnscache.h"
#include "proto_dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vg_dns_msg msg; /* 17 KiB: kept off the stack */
static struct vg_dnscache *cache;
static uint64_t now_us = 1700000000ull * 1000000;

/* Presentation form as documented in proto_dns.h: printable, escaped, bounded. */
static void
check_name(const char *s)
{
	size_t n = strnlen(s, VG_DNS_NAME_MAX + 1), i;

	if (n == 0 || n > VG_DNS_NAME_MAX)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '_' || ch == '*' || ch == '.' || ch == '\\'))
			__builtin_trap();
	}
}

static void
check_msg(const struct vg_dns_msg *m)
{
	unsigned i;

	if (m->n_questions > VG_DNS_QUESTIONS_MAX || m->n_answers > VG_DNS_ANSWERS_MAX ||
	    m->n_questions > m->qdcount || m->n_answers > m->ancount)
		__builtin_trap();
	for (i = 0; i < m->n_questions; i++)
		check_name(m->questions[i].name);
	for (i = 0; i < m->n_answers; i++) {
		check_name(m->answers[i].name);
		if (m->answers[i].rclass != 1)
			__builtin_trap();
		if (m->answers[i].type == VG_DNS_T_CNAME)
			check_name(m->answers[i].data.target);
		else if (m->answers[i].type != VG_DNS_T_A && m->answers[i].type != VG_DNS_T_AAAA)
			__builtin_trap();
	}
}

/* Feeds each address to the cache and reads it straight back (min_ttl 1 keeps it live). */
static void
on_address(void *arg, const char *name, const uint8_t *addr, int family, uint32_t ttl)
{
	struct vg_addr a;
	const char *got;

	check_name(name);
	if (family == 4)
		vg_addr_set4(&a, addr);
	else if (family == 6)
		vg_addr_set6(&a, addr);
	else
		__builtin_trap();
	vg_dnscache_put(cache, &a, name, ttl, now_us);
	got = vg_dnscache_get(cache, &a, now_us);
	if (got == NULL || strcmp(got, name) != 0)
		__builtin_trap();
}

static void
use(enum vg_parse_rc rc)
{
	if (rc != VG_PARSE_DONE && rc != VG_PARSE_ERROR && rc != VG_PARSE_NOMATCH &&
	    rc != VG_PARSE_MORE)
		__builtin_trap();
	check_msg(&msg);
	vg_dns_foreach_address(&msg, on_address, NULL, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_anomalies an;
	enum vg_parse_rc rc;
	size_t off = 0, consumed;

	if (cache == NULL && (cache = vg_dnscache_new(64, 1)) == NULL)
		return 0;
	now_us += 1000000;
	memset(&an, 0, sizeof(an));

	/* The whole input as one UDP payload. */
	rc = vg_dns_parse(data, size, &msg, &an);
	if (rc == VG_PARSE_MORE)
		__builtin_trap();
	use(rc);

	/* The same bytes as a TCP stream of length-prefixed messages. */
	while (off < size) {
		rc = vg_dns_parse_tcp(data + off, size - off, &msg, &consumed, &an);
		if (rc == VG_PARSE_MORE) {
			if (consumed <= size - off)
				__builtin_trap(); /* MORE must ask for more than there is */
			break;
		}
		if (rc == VG_PARSE_NOMATCH || consumed < 2)
			__builtin_trap();
		use(rc);
		if (consumed > size - off)
			break;
		off += consumed;
	}
	return 0;
}
