/* store_int.h - the store's internals, shared by store.c, store_prune.c and store_verify.c only. */
#ifndef VG_STORE_INT_H
#define VG_STORE_INT_H

#include <sqlite3.h>

#include "canon.h"
#include "store.h"

struct vg_store {
	char *path, *key_path;
	sqlite3 *db;
	EVP_PKEY *key;        /* private; NULL when read-only */
	bool read_only, in_txn, broken;
	unsigned batch, pending;
	uint64_t ckpt_events, ckpt_secs;
	uint8_t store_id[VG_STORE_ID_LEN];
	uint64_t head_seq, committed;
	uint8_t head[VG_HASH_LEN];
	uint64_t ckpt_seq, ckpt_ts;
	struct vg_buf canon;
	sqlite3_stmt *q_meta_get, *q_meta_set, *q_head, *q_anchor, *q_last_ckpt;
	sqlite3_stmt *q_insert, *q_ckpt;
};

void vg_store_sqlerr(struct vg_store *st, struct vg_err *err, const char *what);
uint64_t vg_store_now_us(void);
int vg_store_exec(struct vg_store *st, const char *sql, struct vg_err *err);
sqlite3_stmt *vg_store_prep(struct vg_store *st, const char *sql, struct vg_err *err);
int vg_store_step1(struct vg_store *st, sqlite3_stmt *s, struct vg_err *err);
int vg_store_read_head(struct vg_store *st, uint64_t *seq, uint8_t hash[VG_HASH_LEN],
    struct vg_err *err);
int vg_store_read_ckpt_row(struct vg_store *st, sqlite3_stmt *s, struct vg_checkpoint *c);
void vg_store_event_row(sqlite3_stmt *s, struct vg_event *e);
/* The canonical event text into b (replacing what it held). */
int vg_event_canon(struct vg_buf *b, const json_t *data, uint64_t ts_us, const char *type,
    struct vg_err *err);

#endif
