/* fuzz_quic.c - fuzz target for QUIC client Initial decryption, frame walking and CRYPTO reassembly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "proto_quic.h"
#include "quic_crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DGRAM_MAX 4096
#define CHUNKS_MAX 16

/*
 * Input: one mode byte, then chunks of a 2-byte big-endian length and that
 * many bytes.
 *   mode bit 0 clear: each chunk is a raw client datagram.
 *   mode bit 0 set:   each chunk is the plaintext frames of one client
 *                     Initial, sealed here with the RFC 9001 A.1 DCID so the
 *                     fuzzer reaches the frame parser and the reassembly;
 *                     a chunk whose first byte is odd is coalesced with
 *                     the previous packet into one datagram.
 */

static const uint8_t dcid[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };

/* RFC 9001 §5.3-5.4 protection of one Initial; returns its length or 0. */
static size_t
seal(const struct vg_quic_keys *k, uint64_t pn, size_t pn_len, const uint8_t *pt,
    size_t pt_len, uint8_t *out, size_t cap)
{
	uint8_t nonce[VG_QUIC_IV_LEN], mask[VG_QUIC_MASK_LEN];
	size_t n = 0, pn_off, i, payload = pt_len, total;
	EVP_CIPHER_CTX *ctx;
	int outl = 0;
	bool ok;

	/* Room for the header protection sample (RFC 9001 §5.4.2). */
	if (payload + pn_len < 4)
		payload = 4 - pn_len;
	total = pn_len + payload + VG_QUIC_TAG_LEN;
	if (total >= 16384 || 18 + total > cap)
		return 0;
	out[n++] = (uint8_t)(0xc0 | (pn_len - 1));
	out[n++] = 0;
	out[n++] = 0;
	out[n++] = 0;
	out[n++] = 1;
	out[n++] = sizeof(dcid);
	memcpy(out + n, dcid, sizeof(dcid));
	n += sizeof(dcid);
	out[n++] = 0;                         /* SCID length */
	out[n++] = 0;                         /* Token Length */
	out[n++] = (uint8_t)(0x40 | total >> 8);
	out[n++] = (uint8_t)total;
	pn_off = n;
	for (i = 0; i < pn_len; i++)
		out[n++] = (uint8_t)(pn >> (8 * (pn_len - 1 - i)));
	memset(out + n, 0, payload);
	if (pt_len > 0)
		memcpy(out + n, pt, pt_len);
	memcpy(nonce, k->iv, sizeof(nonce));
	for (i = 0; i < 8; i++)
		nonce[VG_QUIC_IV_LEN - 1 - i] ^= (uint8_t)(pn >> (8 * i));
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return 0;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k->key, nonce) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)n) == 1 &&
	    EVP_EncryptUpdate(ctx, out + n, &outl, out + n, (int)payload) == 1 &&
	    EVP_EncryptFinal_ex(ctx, out + n + payload, &outl) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, VG_QUIC_TAG_LEN,
	    out + n + payload) == 1;
	EVP_CIPHER_CTX_free(ctx);
	n += payload + VG_QUIC_TAG_LEN;
	if (!ok || !vg_quic_hp_mask(k->hp, out + pn_off + 4, mask))
		return 0;
	out[0] ^= mask[0] & 0x0f;
	for (i = 0; i < pn_len; i++)
		out[pn_off + i] ^= mask[1 + i];
	return n;
}

/* Feeds a datagram from an exact-size heap copy, so ASan sees a read past its end. */
static void
feed(struct vg_quic *q, const uint8_t *d, size_t len, struct vg_anomalies *an)
{
	struct vg_tls_hello hello;
	uint32_t version;
	uint8_t *copy;

	if ((copy = malloc(len > 0 ? len : 1)) == NULL)
		return;
	if (len > 0)
		memcpy(copy, d, len);
	(void)vg_quic_is_initial(copy, len);
	(void)vg_quic_client_datagram(q, copy, len, &hello, &version, an);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t dgram[DGRAM_MAX];
	struct vg_quic_keys k;
	struct vg_anomalies an;
	struct vg_quic *q;
	size_t off = 1, len, dlen = 0, n, chunks = 0;
	uint64_t pn = 0;
	bool sealed;

	if (size < 1)
		return 0;
	sealed = data[0] & 1;
	if (sealed && !vg_quic_client_initial_keys(VG_QUIC_V1, dcid, sizeof(dcid), &k))
		return 0;
	if ((q = vg_quic_new()) == NULL)
		return 0;
	memset(&an, 0, sizeof(an));
	while (size - off >= 2 && chunks++ < CHUNKS_MAX) {
		len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		if (!sealed) {
			feed(q, data + off, len, &an);
		} else {
			/* Flush the pending datagram unless this packet joins it. */
			if (dlen > 0 && (len == 0 || (data[off] & 1) == 0)) {
				feed(q, dgram, dlen, &an);
				dlen = 0;
			}
			n = seal(&k, pn, 1 + (size_t)(pn % 4), data + off, len, dgram + dlen,
			    sizeof(dgram) - dlen);
			pn++;
			dlen += n;
		}
		off += len;
	}
	if (sealed && dlen > 0)
		feed(q, dgram, dlen, &an);
	vg_quic_free(q);
	return 0;
}
