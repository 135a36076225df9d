/* fuzz_tls.c - libFuzzer target for the TLS ClientHello parsers (stream and handshake-only). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto_tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Records of at most 64 headers on top of the largest hello; see proto_tls.c. */
#define FUZZ_NEED_MAX (4 + VG_TLS_HELLO_MAX + 64 * 5)

static void
check(enum vg_parse_rc rc, size_t size, size_t need, const struct vg_tls_hello *h,
    const struct vg_anomalies *an)
{
	uint64_t total = 0;

	for (size_t i = 0; i < VG_AN__COUNT; i++)
		total += an->n[i];
	switch (rc) {
	case VG_PARSE_MORE:
		/* The contract: more than we have, and bounded. */
		if (need <= size || need > FUZZ_NEED_MAX || total != 0)
			__builtin_trap();
		break;
	case VG_PARSE_ERROR:
		if (total != 1)
			__builtin_trap();
		break;
	case VG_PARSE_NOMATCH:
		if (total != 0)
			__builtin_trap();
		break;
	case VG_PARSE_DONE:
		if (h->n_alpn > VG_TLS_ALPN_MAX || h->n_versions > VG_TLS_VERSIONS_MAX ||
		    memchr(h->sni, '\0', sizeof(h->sni)) == NULL || h->has_sni != (h->sni[0] != '\0'))
			__builtin_trap();
		for (size_t i = 0; i < h->n_alpn; i++)
			if (memchr(h->alpn[i], '\0', sizeof(h->alpn[i])) == NULL || h->alpn[i][0] == '\0')
				__builtin_trap();
		/* Only a bad server name may be counted on success. */
		if (total != an->n[VG_AN_TLS_BAD_SNI] || total > 1)
			__builtin_trap();
		break;
	default:
		__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t need;
	enum vg_parse_rc rc;

	memset(&an, 0, sizeof(an));
	rc = vg_tls_parse_stream(data, size, &h, &need, &an);
	check(rc, size, need, &h, &an);

	memset(&an, 0, sizeof(an));
	rc = vg_tls_parse_handshake(data, size, &h, &need, &an);
	check(rc, size, need, &h, &an);

	/* A stream whose first record holds the input as its handshake payload. */
	if (size > 0 && size <= 16384) {
		static uint8_t rec[5 + 16384];

		rec[0] = 22;
		rec[1] = 3;
		rec[2] = 1;
		rec[3] = (uint8_t)(size >> 8);
		rec[4] = (uint8_t)size;
		memcpy(rec + 5, data, size);
		memset(&an, 0, sizeof(an));
		rc = vg_tls_parse_stream(rec, 5 + size, &h, &need, &an);
		check(rc, 5 + size, need, &h, &an);
	}
	return 0;
}
