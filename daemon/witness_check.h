/* witness_check.h - compares a log collected away from the store (a witness) with the store. */
#ifndef VG_WITNESS_CHECK_H
#define VG_WITNESS_CHECK_H

#include <stdint.h>

#include <openssl/evp.h>

#include "store.h"

#define VG_WITNESS_FILES_MAX 8
#define VG_WITNESS_EVENTS_MAX (1ull << 30) /* events a coverage map may span (128 MiB of bits) */

struct vg_witness_result {
	uint64_t events;       /* event lines that agree with the store */
	uint64_t checkpoints;  /* signed checkpoints that agree */
	uint64_t missing;      /* events of the store the witness never saw */
	uint64_t duplicates;   /* event lines seen more than once (re-sent after a reconnect) */
	uint64_t pruned;       /* lines about events pruned from the store since */
	uint64_t foreign;      /* lines of another store */
	uint64_t unsigned_ckpt;/* checkpoint lines whose signature does not verify */
	uint64_t malformed;    /* vigie lines that could not be parsed */
	char first_error[512];
	uint8_t *seen;         /* events seen in any file so far, one bit each; freed by _free */
};

/* Releases what the checks kept between files (not r itself). NULL ok. */
void vg_witness_result_free(struct vg_witness_result *wr);

/*
 * Reads the witness at path and checks each checkpoint (signature with key,
 * or the store's own key when NULL) and each event hash against the store.
 * The first disagreement is written into r (kind VG_TAMPER_TRUNCATED when the
 * witness saw events the store no longer has, VG_TAMPER_WITNESS when a hash
 * differs); r is left alone when all agree. Counts accumulate in wr over
 * several calls. 0 when the check ran, -1 when the file could not be read.
 */
int vg_witness_check(struct vg_store *st, EVP_PKEY *key, const char *path,
    struct vg_verify_report *r, struct vg_witness_result *wr, struct vg_err *err);

#endif
