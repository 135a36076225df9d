/* fuzz_http.c - libFuzzer target for the HTTP/1.x request head parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum vg_parse_rc
run(const uint8_t *data, size_t size, struct vg_http_request *r)
{
	struct vg_anomalies an;
	enum vg_parse_rc rc;
	size_t need;

	memset(&an, 0, sizeof(an));
	rc = vg_http_parse_request(data, size, r, &need, &an);
	switch (rc) {
	case VG_PARSE_MORE:
		if (need <= size || size >= VG_HTTP_HEAD_MAX || vg_anomalies_total(&an) != 0)
			__builtin_trap();
		break;
	case VG_PARSE_NOMATCH:
		if (vg_anomalies_total(&an) != 0)
			__builtin_trap();
		break;
	case VG_PARSE_ERROR:
		if (vg_anomalies_total(&an) != 1)
			__builtin_trap();
		break;
	case VG_PARSE_DONE:
		if (memchr(r->method, '\0', sizeof(r->method)) == NULL || r->method[0] == '\0' ||
		    memchr(r->host, '\0', sizeof(r->host)) == NULL ||
		    r->has_host != (r->host[0] != '\0') || (!r->has_host && r->host_port != 0) ||
		    r->version_minor > 9)
			__builtin_trap();
		/* Success carries at most a request-line and a Host complaint. */
		if (vg_anomalies_total(&an) != an.n[VG_AN_HTTP_BAD_HOST] + an.n[VG_AN_HTTP_NO_HOST] +
		    an.n[VG_AN_HTTP_BAD_REQUEST_LINE] || an.n[VG_AN_HTTP_BAD_REQUEST_LINE] > 1 ||
		    an.n[VG_AN_HTTP_BAD_HOST] + an.n[VG_AN_HTTP_NO_HOST] > 1)
			__builtin_trap();
		break;
	default:
		__builtin_trap();
	}
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_http_request a, b;

	/* A head complete in a prefix stays the same head with more bytes behind it. */
	if (run(data, size, &a) == VG_PARSE_DONE || size == 0)
		return 0;
	if (run(data, size - 1, &b) == VG_PARSE_DONE)
		__builtin_trap();
	return 0;
}
