/* witness_check.c - compares a log collected away from the store (a witness) with the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "store_int.h"
#include "witness.h"
#include "witness_check.h"

struct wctx {
	struct vg_store *st;
	EVP_PKEY *key;
	struct vg_verify_report *r;
	struct vg_witness_result *wr;
	sqlite3_stmt *by_seq;
	uint64_t low, last;       /* events the store holds: low..last */
	uint8_t *seen;            /* one bit per event low..last; NULL: coverage not counted */
	const char *path;
};

static void
found(struct wctx *w, enum vg_tamper kind, uint64_t first, uint64_t last, const char *what,
    uint64_t seq)
{
	struct vg_verify_report *r = w->r;

	r->kind = kind;
	r->first_bad = first;
	r->last_bad = last;
	snprintf(r->detail, sizeof(r->detail), "%.200s: %s %llu", w->path, what,
	    (unsigned long long)seq);
}

/* 1 and the hash when the store holds event seq, 0 when not, -1 on error. */
static int
hash_of(struct wctx *w, uint64_t seq, uint8_t h[VG_HASH_LEN])
{
	int rc;

	sqlite3_reset(w->by_seq);
	sqlite3_bind_int64(w->by_seq, 1, (sqlite3_int64)seq);
	rc = sqlite3_step(w->by_seq);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	if (sqlite3_column_bytes(w->by_seq, 0) == VG_HASH_LEN)
		memcpy(h, sqlite3_column_blob(w->by_seq, 0), VG_HASH_LEN);
	else
		memset(h, 0, VG_HASH_LEN);
	sqlite3_reset(w->by_seq);
	return 1;
}

static int
on_item(void *arg, const struct vg_witness_item *it)
{
	struct wctx *w = arg;
	uint8_t h[VG_HASH_LEN];
	int rc;

	if (memcmp(it->store_id, w->st->store_id, VG_STORE_ID_LEN) != 0) {
		w->wr->foreign++;
		return 0;
	}
	if (it->seq < w->low) {
		/* Pruned since: the anchor's signed head vouches for what came before. */
		w->wr->pruned++;
		return 0;
	}
	/* A checkpoint line that does not verify proves nothing either way. */
	if (it->kind == VG_WITNESS_CHECKPOINT && vg_ckpt_verify(&it->ckpt, w->key) != 1) {
		w->wr->unsigned_ckpt++;
		return 0;
	}
	if ((rc = hash_of(w, it->seq, h)) < 0)
		return -1;
	if (rc == 0) {
		if (it->seq > w->last)
			found(w, VG_TAMPER_TRUNCATED, w->last + 1, it->seq, it->kind ==
			    VG_WITNESS_CHECKPOINT ? "the store ends before the signed checkpoint of "
			    "event" : "the store ends before event", it->seq);
		else
			found(w, VG_TAMPER_DELETED, it->seq, it->seq, "the store lacks event",
			    it->seq);
		return 1;
	}
	if (memcmp(h, it->hash, VG_HASH_LEN) != 0) {
		found(w, VG_TAMPER_WITNESS, it->seq, it->seq, it->kind == VG_WITNESS_CHECKPOINT ?
		    "the store's chain differs from the head signed and witnessed at event" :
		    "the store's event differs from the one witnessed:", it->seq);
		return 1;
	}
	if (it->kind == VG_WITNESS_CHECKPOINT) {
		w->wr->checkpoints++;
		return 0;
	}
	if (w->seen != NULL) {
		uint64_t b = it->seq - w->low;

		if (w->seen[b / 8] & (1u << (b % 8))) {
			w->wr->duplicates++; /* re-sent after a reconnect, or in two files */
			return 0;
		}
		w->seen[b / 8] |= (uint8_t)(1u << (b % 8));
	}
	w->wr->events++;
	return 0;
}

static int
on_error(void *arg, const struct vg_err *e)
{
	struct wctx *w = arg;

	if (w->wr->malformed++ == 0)
		snprintf(w->wr->first_error, sizeof(w->wr->first_error), "%s", e->msg);
	return 0;
}

int
vg_witness_check(struct vg_store *st, EVP_PKEY *key, const char *path,
    struct vg_verify_report *r, struct vg_witness_result *wr, struct vg_err *err)
{
	struct vg_witness_stats ws;
	struct vg_store_info info;
	struct wctx w;
	EVP_PKEY *own = NULL;
	int rc = -1;

	memset(&w, 0, sizeof(w));
	w.st = st;
	w.r = r;
	w.wr = wr;
	w.path = path;
	if (vg_store_info(st, &info, err) != 0)
		return -1;
	if (key == NULL) {
		/* No key given: the store's own, which only shows it agrees with itself. */
		if ((own = vg_store_public_key(st, err)) == NULL)
			return -1;
		key = own;
	}
	w.key = key;
	w.low = info.anchor_seq + 1;
	w.last = info.last_seq;
	if (wr->seen == NULL && w.last >= w.low && w.last - w.low < VG_WITNESS_EVENTS_MAX)
		wr->seen = calloc((size_t)((w.last - w.low) / 8 + 1), 1);
	w.seen = wr->seen;
	if (sqlite3_prepare_v2(st->db, "SELECT hash FROM events WHERE seq = ?", -1, &w.by_seq,
	    NULL) != SQLITE_OK) {
		vg_store_sqlerr(st, err, "reading events");
		goto out;
	}
	rc = vg_witness_read(path, on_item, on_error, &w, &ws, err);
	if (rc < 0)
		goto out;
	if (w.seen != NULL) {
		uint64_t seq, missing = 0;

		for (seq = w.low; seq <= w.last; seq++) {
			uint64_t b = seq - w.low;

			missing += !(w.seen[b / 8] & (1u << (b % 8)));
		}
		/* Over several witness files an event needs to be in one of them. */
		wr->missing = missing;
	}
	rc = 0;
out:
	sqlite3_finalize(w.by_seq);
	EVP_PKEY_free(own);
	return rc;
}

void
vg_witness_result_free(struct vg_witness_result *wr)
{
	if (wr == NULL)
		return;
	free(wr->seen);
	wr->seen = NULL;
}
