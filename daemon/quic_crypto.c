/* quic_crypto.c - QUIC Initial secrets, header protection and AEAD with OpenSSL libcrypto. */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "proto_quic.h"
#include "quic_crypto.h"

#define SALT_LEN 20
#define LABEL_MAX 16  /* longest label used here is "quicv2 key" */

/* RFC 9001 §5.2. */
static const uint8_t salt_v1[SALT_LEN] = {
	0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
};

/* RFC 9369 §3.3.1. */
static const uint8_t salt_v2[SALT_LEN] = {
	0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
};

bool
vg_quic_version_supported(uint32_t version)
{
	return version == VG_QUIC_V1 || version == VG_QUIC_V2;
}

/*
 * Algorithms fetched once: OpenSSL 3 looks an algorithm up in its provider
 * store on every HMAC() call and every init with EVP_aes_128_gcm(), which
 * cost more than the cryptography itself. Never freed: they live as long
 * as the process.
 */
static EVP_MD *alg_sha256;
static EVP_CIPHER *alg_gcm, *alg_ecb;
static pthread_once_t alg_once = PTHREAD_ONCE_INIT;

static void
alg_fetch(void)
{
	alg_sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	alg_gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
	alg_ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
}

static bool
alg_ready(void)
{
	return pthread_once(&alg_once, alg_fetch) == 0 && alg_sha256 != NULL && alg_gcm != NULL &&
	    alg_ecb != NULL;
}

/* HMAC-SHA256 (RFC 2104) for keys of at most one block, which is all QUIC Initials use. */
static bool
hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
    uint8_t out[VG_QUIC_SECRET_LEN])
{
	uint8_t k[64] = { 0 }, pad[64], inner[VG_QUIC_SECRET_LEN];
	EVP_MD_CTX *ctx;
	unsigned int n = 0;
	size_t i;
	bool ok;

	if (key_len > sizeof(k) || !alg_ready() || (ctx = EVP_MD_CTX_new()) == NULL)
		return false;
	memcpy(k, key, key_len);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	ok = EVP_DigestInit_ex2(ctx, alg_sha256, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, pad, sizeof(pad)) == 1 &&
	    (msg_len == 0 || EVP_DigestUpdate(ctx, msg, msg_len) == 1) &&
	    EVP_DigestFinal_ex(ctx, inner, &n) == 1 && n == sizeof(inner);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	ok = ok && EVP_DigestInit_ex2(ctx, alg_sha256, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, pad, sizeof(pad)) == 1 &&
	    EVP_DigestUpdate(ctx, inner, sizeof(inner)) == 1 &&
	    EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == VG_QUIC_SECRET_LEN;
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(inner, sizeof(inner));
	return ok;
}

/* RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM). */
static bool
hkdf_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
    uint8_t prk[VG_QUIC_SECRET_LEN])
{
	return hmac_sha256(salt, salt_len, ikm, ikm_len, prk);
}

/*
 * RFC 8446 §7.1 HKDF-Expand-Label with an empty context, over RFC 5869 §2.3
 * HKDF-Expand. Every QUIC Initial output is at most one SHA-256 block, so
 * only T(1) = HMAC(PRK, info | 0x01) is computed.
 */
static bool
hkdf_expand_label(const uint8_t secret[VG_QUIC_SECRET_LEN], const char *label, uint8_t *out,
    size_t out_len)
{
	static const char prefix[] = "tls13 ";
	uint8_t info[2 + 1 + sizeof(prefix) - 1 + LABEL_MAX + 1 + 1];
	uint8_t t[VG_QUIC_SECRET_LEN];
	size_t llen = strlen(label), plen = sizeof(prefix) - 1, n = 0;

	if (llen > LABEL_MAX || out_len == 0 || out_len > sizeof(t))
		return false;
	info[n++] = (uint8_t)(out_len >> 8);       /* uint16 length */
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(plen + llen);        /* opaque label<7..255> */
	memcpy(info + n, prefix, plen);
	n += plen;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0;                             /* opaque context<0..255>, empty */
	info[n++] = 0x01;                          /* HKDF-Expand block counter */
	if (!hmac_sha256(secret, VG_QUIC_SECRET_LEN, info, n, t))
		return false;
	memcpy(out, t, out_len);
	OPENSSL_cleanse(t, sizeof(t));
	return true;
}

bool
vg_quic_client_secret(uint32_t version, const uint8_t *dcid, size_t dcid_len,
    uint8_t initial[VG_QUIC_SECRET_LEN], uint8_t client[VG_QUIC_SECRET_LEN])
{
	uint8_t prk[VG_QUIC_SECRET_LEN];
	const uint8_t *salt;
	bool ok;

	if (version == VG_QUIC_V1)
		salt = salt_v1;
	else if (version == VG_QUIC_V2)
		salt = salt_v2;
	else
		return false;
	if (dcid_len > VG_QUIC_CID_MAX)
		return false;
	if (!hkdf_extract(salt, SALT_LEN, dcid, dcid_len, prk))
		return false;
	/* The "client in" label is the same in v1 and v2 (RFC 9369 §3.3.2 changes only the packet labels). */
	ok = hkdf_expand_label(prk, "client in", client, VG_QUIC_SECRET_LEN);
	if (initial != NULL)
		memcpy(initial, prk, VG_QUIC_SECRET_LEN);
	OPENSSL_cleanse(prk, sizeof(prk));
	return ok;
}

bool
vg_quic_keys_from_secret(uint32_t version, const uint8_t secret[VG_QUIC_SECRET_LEN],
    struct vg_quic_keys *k)
{
	/* RFC 9001 §5.1 labels; RFC 9369 §3.3.2 gives v2 its own. */
	const char *lkey, *liv, *lhp;

	if (version == VG_QUIC_V1) {
		lkey = "quic key";
		liv = "quic iv";
		lhp = "quic hp";
	} else if (version == VG_QUIC_V2) {
		lkey = "quicv2 key";
		liv = "quicv2 iv";
		lhp = "quicv2 hp";
	} else
		return false;
	return hkdf_expand_label(secret, lkey, k->key, sizeof(k->key)) &&
	    hkdf_expand_label(secret, liv, k->iv, sizeof(k->iv)) &&
	    hkdf_expand_label(secret, lhp, k->hp, sizeof(k->hp));
}

bool
vg_quic_client_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len,
    struct vg_quic_keys *k)
{
	uint8_t secret[VG_QUIC_SECRET_LEN];
	bool ok;

	ok = vg_quic_client_secret(version, dcid, dcid_len, NULL, secret) &&
	    vg_quic_keys_from_secret(version, secret, k);
	OPENSSL_cleanse(secret, sizeof(secret));
	return ok;
}

bool
vg_quic_hp_mask(const uint8_t hp[VG_QUIC_HP_LEN], const uint8_t sample[VG_QUIC_SAMPLE_LEN],
    uint8_t mask[VG_QUIC_MASK_LEN])
{
	EVP_CIPHER_CTX *ctx;
	uint8_t block[VG_QUIC_SAMPLE_LEN + 16];
	int n = 0;
	bool ok = false;

	if (!alg_ready() || (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return false;
	/* RFC 9001 §5.4.3: one AES block, so ECB without padding. */
	if (EVP_EncryptInit_ex2(ctx, alg_ecb, hp, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_EncryptUpdate(ctx, block, &n, sample, VG_QUIC_SAMPLE_LEN) == 1 &&
	    n == VG_QUIC_SAMPLE_LEN) {
		memcpy(mask, block, VG_QUIC_MASK_LEN);
		ok = true;
	}
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

uint64_t
vg_quic_pn_decode(uint64_t expected, uint64_t truncated, unsigned pn_nbits)
{
	uint64_t win, hwin, mask, cand;

	if (pn_nbits == 0 || pn_nbits > 32)
		return truncated;
	win = (uint64_t)1 << pn_nbits;
	hwin = win / 2;
	mask = win - 1;
	cand = (expected & ~mask) | (truncated & mask);
	/* RFC 9000 Appendix A.3, with the signed comparisons made safe for unsigned values. */
	if (expected >= hwin && cand <= expected - hwin && cand < ((uint64_t)1 << 62) - win)
		return cand + win;
	if (cand > expected + hwin && cand >= win)
		return cand - win;
	return cand;
}

bool
vg_quic_aead_open(const struct vg_quic_keys *k, uint64_t pn, const uint8_t *aad,
    size_t aad_len, const uint8_t *ct, size_t ct_len, const uint8_t tag[VG_QUIC_TAG_LEN],
    uint8_t *out)
{
	EVP_CIPHER_CTX *ctx;
	uint8_t nonce[VG_QUIC_IV_LEN], t[VG_QUIC_TAG_LEN], fin_buf[16];
	size_t i;
	int n = 0, fin = 0;
	bool ok = false;

	if (ct_len > INT_MAX || aad_len > INT_MAX)
		return false;
	/* RFC 9001 §5.3: the 62-bit packet number, left-padded to the IV size, XORed with the IV. */
	memcpy(nonce, k->iv, sizeof(nonce));
	for (i = 0; i < 8; i++)
		nonce[VG_QUIC_IV_LEN - 1 - i] ^= (uint8_t)(pn >> (8 * i));
	/* Copied first: the tag may sit in the buffer that out overwrites. */
	memcpy(t, tag, sizeof(t));
	if (!alg_ready() || (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return false;
	/* The 12-byte nonce is GCM's default IV length. */
	if (EVP_DecryptInit_ex2(ctx, alg_gcm, k->key, nonce, NULL) != 1)
		goto out;
	if (aad_len > 0 && EVP_DecryptUpdate(ctx, NULL, &n, aad, (int)aad_len) != 1)
		goto out;
	if (ct_len > 0 && EVP_DecryptUpdate(ctx, out, &n, ct, (int)ct_len) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, VG_QUIC_TAG_LEN, t) != 1)
		goto out;
	/* GCM produces no output at Final; it only checks the tag. */
	ok = EVP_DecryptFinal_ex(ctx, fin_buf, &fin) == 1;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}
