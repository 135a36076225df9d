/* fuzz_canon.c - canonical JSON of any parsed value: parses back equal, and is a fixed point. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "canon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_buf a = { 0 }, b = { 0 };
	struct vg_err err;
	json_error_t je;
	json_t *v, *w;

	v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES |
	    JSON_ALLOW_NUL, &je);
	if (v == NULL)
		return 0;
	if (vg_canon_json(v, &a, &err) != 0) {
		/* Refused: a real, a huge integer, too deep or too long; never a crash. */
		json_decref(v);
		vg_buf_free(&a);
		return 0;
	}
	/* What vigie hashes must read back as the same value... */
	w = json_loadb(a.p, a.len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (w == NULL || !json_equal(v, w))
		abort();
	/* ...and serialize to the same bytes again: one value, one text (RFC 8785). */
	if (vg_canon_json(w, &b, &err) != 0 || a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
		abort();
	json_decref(v);
	json_decref(w);
	vg_buf_free(&a);
	vg_buf_free(&b);
	return 0;
}
