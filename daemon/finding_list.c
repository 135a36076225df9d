/* finding_list.c - findings of one run, copied out of evaluation callbacks and fingerprinted. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "finding_list.h"

void
vg_flist_init(struct vg_flist *l)
{
	memset(l, 0, sizeof(*l));
}

void
vg_flist_free(struct vg_flist *l)
{
	if (l == NULL)
		return;
	free(l->v);
	vg_arena_free(&l->arena);
	memset(l, 0, sizeof(*l));
}

static bool
copy(struct vg_flist *l, const char **s)
{
	if (*s == NULL)
		return true;
	return (*s = vg_arena_strdup(&l->arena, *s)) != NULL;
}

/*
 * A finding's identity for baselines: what was checked and by which
 * control, never where it sits, so that editing lines above it does not
 * make it new. Each part is length-prefixed so that no two different
 * tuples hash alike by moving a separator.
 */
static void
fingerprint(struct vg_fitem *it)
{
	const char *parts[5] = { it->control->id, it->kind, it->file, it->key, it->label };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static const char hex[] = "0123456789abcdef";
	bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;

	for (size_t i = 0; ok && i < 5; i++) {
		const char *p = parts[i] != NULL ? parts[i] : "";
		size_t n = strlen(p);
		unsigned char len[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
		    (unsigned char)(n >> 8), (unsigned char)n };
		ok = EVP_DigestUpdate(ctx, len, sizeof(len)) == 1 && EVP_DigestUpdate(ctx, p, n) == 1;
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen >= 8;
	EVP_MD_CTX_free(ctx);
	for (size_t i = 0; i < 8; i++) {
		it->fingerprint[2 * i] = ok ? hex[md[i] >> 4] : '0';
		it->fingerprint[2 * i + 1] = ok ? hex[md[i] & 15] : '0';
	}
	it->fingerprint[16] = '\0';
}

struct vg_fitem *
vg_flist_add(struct vg_flist *l, const struct vg_fitem *src)
{
	struct vg_fitem *it;

	if (l->n == VG_FLIST_MAX)
		return NULL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct vg_fitem *v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	it = &l->v[l->n];
	*it = *src;
	if (!copy(l, &it->message) || !copy(l, &it->kind) || !copy(l, &it->label) ||
	    !copy(l, &it->file) || !copy(l, &it->key) || !copy(l, &it->subject_json))
		return NULL;
	fingerprint(it);
	l->n++;
	return it;
}

bool
vg_fitem_blocking(const struct vg_fitem *it, unsigned fail_on)
{
	return it->result == VG_RES_FAIL && it->waiver == NULL &&
	    it->baseline != VG_BL_UNCHANGED && (unsigned)it->severity >= fail_on;
}
