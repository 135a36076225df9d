/* hash.h - keyed SipHash-2-4 for tables whose keys an attacker chooses. */
#ifndef VG_HASH_H
#define VG_HASH_H

#include <stddef.h>
#include <stdint.h>

struct vg_hash_key {
	uint64_t k0, k1;
};

/* Fills key from getrandom(2); falls back to a time/address mix if that fails. */
void vg_hash_key_random(struct vg_hash_key *key);

/* SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF"). */
uint64_t vg_siphash(const struct vg_hash_key *key, const void *data, size_t len);

#endif
