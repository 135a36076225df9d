/* event.h - one audit-store event and one signed checkpoint, as the store and its outputs see them. */
#ifndef VG_EVENT_H
#define VG_EVENT_H

#include <stddef.h>
#include <stdint.h>

#define VG_HASH_LEN 32      /* SHA-256 */
#define VG_SIG_LEN 64       /* Ed25519 (RFC 8032) */
#define VG_STORE_ID_LEN 16  /* random, chosen when a store is created */
#define VG_KEY_ID_HEX 16    /* hex of the first 8 bytes of SHA-256(raw public key) */
#define VG_EVENT_TYPE_MAX 16

/*
 * An appended event. json is the canonical serialization the chain hashes
 * (vigie(1), AUDIT STORE): {"data":{...},"ts":"...","type":"..."} with keys
 * sorted, no insignificant white space and integers only.
 *   hash = SHA-256(prev || json)
 * Whoever hands out a vg_event owns json; it stays valid until the next call
 * on the same handle unless the function says otherwise.
 */
struct vg_event {
	uint64_t seq;                    /* 1, 2, 3, ... with no gap */
	uint64_t ts_us;                  /* when appended, microseconds since the epoch, UTC */
	char type[VG_EVENT_TYPE_MAX];    /* start, stop, config, flow, finding, capture, prune */
	const char *json;
	size_t json_len;
	uint8_t prev[VG_HASH_LEN];       /* hash of event seq - 1; all zero before event 1 */
	uint8_t hash[VG_HASH_LEN];
};

/*
 * A signed statement "event seq of store store_id has chain hash head".
 * The signature covers the text vg_ckpt_message() builds.
 */
struct vg_checkpoint {
	uint64_t seq;
	uint64_t ts_us;                  /* when signed */
	uint8_t head[VG_HASH_LEN];
	uint8_t store_id[VG_STORE_ID_LEN];
	char key_id[VG_KEY_ID_HEX + 1];
	uint8_t sig[VG_SIG_LEN];
};

#endif
