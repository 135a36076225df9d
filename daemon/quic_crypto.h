/* quic_crypto.h - QUIC Initial packet protection (RFC 9001 §5, RFC 9369 §3.3); internal to proto_quic.c. */
#ifndef VG_QUIC_CRYPTO_H
#define VG_QUIC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_QUIC_CID_MAX 20      /* RFC 9000 §17.2: v1 connection IDs are at most 20 bytes */
#define VG_QUIC_SECRET_LEN 32   /* SHA-256 output: Initial secrets use HKDF-SHA256 */
#define VG_QUIC_KEY_LEN 16      /* AEAD_AES_128_GCM key */
#define VG_QUIC_IV_LEN 12       /* AEAD_AES_128_GCM nonce */
#define VG_QUIC_HP_LEN 16       /* AES-128 header protection key */
#define VG_QUIC_TAG_LEN 16      /* AEAD_AES_128_GCM tag */
#define VG_QUIC_SAMPLE_LEN 16   /* RFC 9001 §5.4.2: header protection sample */
#define VG_QUIC_MASK_LEN 5      /* first byte plus up to 4 packet number bytes */

/* The client's Initial packet protection keys, RFC 9001 §5.1. */
struct vg_quic_keys {
	uint8_t key[VG_QUIC_KEY_LEN];
	uint8_t iv[VG_QUIC_IV_LEN];
	uint8_t hp[VG_QUIC_HP_LEN];
};

/* True for the versions whose Initials we can decrypt (v1 and v2). */
bool vg_quic_version_supported(uint32_t version);

/*
 * RFC 9001 §5.2 (v2: RFC 9369 §3.3.1): initial_secret = HKDF-Extract(salt,
 * dcid) and client_initial_secret = HKDF-Expand-Label(initial_secret,
 * "client in", "", 32). initial may be NULL. False for an unsupported
 * version, a DCID over VG_QUIC_CID_MAX or a libcrypto failure.
 */
bool vg_quic_client_secret(uint32_t version, const uint8_t *dcid, size_t dcid_len,
    uint8_t initial[VG_QUIC_SECRET_LEN], uint8_t client[VG_QUIC_SECRET_LEN]);

/*
 * RFC 9001 §5.1 (v2: RFC 9369 §3.3.2): key, iv and hp from a packet
 * protection secret, with the version's labels.
 */
bool vg_quic_keys_from_secret(uint32_t version, const uint8_t secret[VG_QUIC_SECRET_LEN],
    struct vg_quic_keys *k);

/* Both steps above: the client's Initial keys for this DCID. */
bool vg_quic_client_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len,
    struct vg_quic_keys *k);

/* RFC 9001 §5.4.3: mask = AES-ECB(hp, sample), of which the first 5 bytes are used. */
bool vg_quic_hp_mask(const uint8_t hp[VG_QUIC_HP_LEN], const uint8_t sample[VG_QUIC_SAMPLE_LEN],
    uint8_t mask[VG_QUIC_MASK_LEN]);

/*
 * RFC 9000 Appendix A.3: the full packet number closest to expected (the
 * largest packet number received so far plus one) whose low pn_nbits bits
 * are truncated.
 */
uint64_t vg_quic_pn_decode(uint64_t expected, uint64_t truncated, unsigned pn_nbits);

/*
 * RFC 9001 §5.3: AEAD_AES_128_GCM open with nonce = iv XOR packet number.
 * out receives ct_len bytes and may equal ct. False when the tag does not
 * verify (out contents are then unspecified) or on a libcrypto failure.
 */
bool vg_quic_aead_open(const struct vg_quic_keys *k, uint64_t pn, const uint8_t *aad,
    size_t aad_len, const uint8_t *ct, size_t ct_len, const uint8_t tag[VG_QUIC_TAG_LEN],
    uint8_t *out);

#endif
