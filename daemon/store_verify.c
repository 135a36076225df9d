/* store_verify.c - walks the chain and its checkpoints, and names the damage. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "store_int.h"

static const char *const tamper_names[] = {
	[VG_TAMPER_NONE] = "none",
	[VG_TAMPER_MODIFIED] = "modified",
	[VG_TAMPER_REHASHED] = "modified-rehashed",
	[VG_TAMPER_DELETED] = "deleted",
	[VG_TAMPER_INSERTED] = "inserted",
	[VG_TAMPER_REORDERED] = "reordered",
	[VG_TAMPER_TRUNCATED] = "truncated",
	[VG_TAMPER_SIGNATURE] = "bad-signature",
	[VG_TAMPER_WITNESS] = "witness-mismatch",
};

const char *
vg_tamper_name(enum vg_tamper t)
{
	return (unsigned)t < sizeof(tamper_names) / sizeof(tamper_names[0]) ? tamper_names[t] : "?";
}

struct walk {
	struct vg_store *st;
	struct vg_verify_report *r;
	EVP_PKEY *key;
	sqlite3_stmt *by_hash;          /* seq of the event with a given hash */
	sqlite3_stmt *next_ckpt;        /* first checkpoint at or after a seq */
	struct vg_buf canon;
};

static void
found(struct vg_verify_report *r, enum vg_tamper kind, uint64_t first, uint64_t last,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
found(struct vg_verify_report *r, enum vg_tamper kind, uint64_t first, uint64_t last,
    const char *fmt, ...)
{
	va_list ap;

	r->kind = kind;
	r->first_bad = first;
	r->last_bad = last;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

/* Sequence number of the event whose stored hash is h; 0 when none. */
static uint64_t
seq_of_hash(struct walk *w, const uint8_t h[VG_HASH_LEN])
{
	uint64_t seq = 0;

	sqlite3_reset(w->by_hash);
	sqlite3_bind_blob(w->by_hash, 1, h, VG_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(w->by_hash) == SQLITE_ROW)
		seq = (uint64_t)sqlite3_column_int64(w->by_hash, 0);
	sqlite3_reset(w->by_hash);
	return seq;
}

/*
 * Event e is whole but does not follow the event before it. Where the hash
 * it links to is now tells insertion from reordering; when that hash is gone,
 * the next signed head tells deletion (the head sits at a lower sequence
 * number) from an event rewritten with a fresh hash.
 */
static void
classify_link(struct walk *w, const struct vg_event *e, uint64_t start_seq)
{
	uint64_t x = seq_of_hash(w, e->prev), y;
	struct vg_checkpoint c;

	if (e->seq == start_seq) {
		found(w->r, VG_TAMPER_REHASHED, e->seq, e->seq,
		    "event %llu does not link to the signed anchor the chain starts from",
		    (unsigned long long)e->seq);
		return;
	}
	if (x != 0 && x >= e->seq) {
		found(w->r, VG_TAMPER_REORDERED, e->seq, x,
		    "event %llu was appended after event %llu but now stands before it",
		    (unsigned long long)e->seq, (unsigned long long)x);
		return;
	}
	if (x != 0) {
		found(w->r, VG_TAMPER_INSERTED, x + 1, e->seq - 1,
		    "events %llu..%llu were never appended: event %llu links to event %llu",
		    (unsigned long long)(x + 1), (unsigned long long)(e->seq - 1),
		    (unsigned long long)e->seq, (unsigned long long)x);
		return;
	}
	sqlite3_reset(w->next_ckpt);
	sqlite3_bind_int64(w->next_ckpt, 1, (sqlite3_int64)e->seq);
	if (sqlite3_step(w->next_ckpt) == SQLITE_ROW &&
	    vg_store_read_ckpt_row(w->st, w->next_ckpt, &c) == 0 &&
	    vg_ckpt_verify(&c, w->key) == 1 && (y = seq_of_hash(w, c.head)) != 0 && y != c.seq) {
		sqlite3_reset(w->next_ckpt);
		if (y < c.seq)
			found(w->r, VG_TAMPER_DELETED, e->seq, e->seq + (c.seq - y) - 1,
			    "%llu event(s) deleted before event %llu and the rest renumbered: "
			    "the head signed at %llu now stands at %llu",
			    (unsigned long long)(c.seq - y), (unsigned long long)e->seq,
			    (unsigned long long)c.seq, (unsigned long long)y);
		else
			found(w->r, VG_TAMPER_INSERTED, e->seq, e->seq + (y - c.seq) - 1,
			    "%llu event(s) inserted before event %llu: the head signed at %llu now "
			    "stands at %llu", (unsigned long long)(y - c.seq),
			    (unsigned long long)e->seq, (unsigned long long)c.seq,
			    (unsigned long long)y);
		return;
	}
	sqlite3_reset(w->next_ckpt);
	found(w->r, VG_TAMPER_REHASHED, e->seq - 1, e->seq - 1,
	    "event %llu was changed and its hash recomputed: event %llu links to a hash that "
	    "no longer exists (or events were deleted and renumbered, which no later "
	    "checkpoint can tell apart)", (unsigned long long)(e->seq - 1),
	    (unsigned long long)e->seq);
}

/* 1 when e is whole (canonical, hash right); 0 with r filled when not; -1 on error. */
static int
check_event(struct walk *w, const struct vg_event *e, bool lengths_ok)
{
	uint8_t h[VG_HASH_LEN];
	struct vg_err err;
	json_error_t je;
	json_t *o, *data;
	int rc = 1;

	if (!lengths_ok) {
		found(w->r, VG_TAMPER_MODIFIED, e->seq, e->seq,
		    "event %llu: its prev or hash is not %d bytes", (unsigned long long)e->seq,
		    VG_HASH_LEN);
		return 0;
	}
	o = json_loadb(e->json, e->json_len, JSON_REJECT_DUPLICATES, &je);
	data = json_object_get(o, "data");
	if (o == NULL || !json_is_object(data) ||
	    vg_event_canon(&w->canon, data, e->ts_us, e->type, &err) != 0 ||
	    w->canon.len != e->json_len || memcmp(w->canon.p, e->json, e->json_len) != 0) {
		found(w->r, VG_TAMPER_MODIFIED, e->seq, e->seq,
		    "event %llu: its text is not the canonical form of its type, time and data",
		    (unsigned long long)e->seq);
		json_decref(o);
		return 0;
	}
	if (vg_chain_hash(e->prev, e->json, e->json_len, h) != 0) {
		json_decref(o);
		return -1;
	}
	if (memcmp(h, e->hash, VG_HASH_LEN) != 0) {
		found(w->r, VG_TAMPER_MODIFIED, e->seq, e->seq,
		    "event %llu: its content does not match its hash", (unsigned long long)e->seq);
		rc = 0;
	}
	json_decref(o);
	return rc;
}

static bool
check_ckpt(struct walk *w, const struct vg_checkpoint *c)
{
	char kid[VG_KEY_ID_HEX + 1];

	vg_key_id(w->key, kid);
	if (strcmp(kid, c->key_id) != 0) {
		found(w->r, VG_TAMPER_SIGNATURE, c->seq, c->seq,
		    "checkpoint %llu names key %s, not the verifying key %s",
		    (unsigned long long)c->seq, c->key_id, kid);
		return false;
	}
	if (vg_ckpt_verify(c, w->key) != 1) {
		found(w->r, VG_TAMPER_SIGNATURE, c->seq, c->seq,
		    "checkpoint %llu: the signature does not verify", (unsigned long long)c->seq);
		return false;
	}
	w->r->signatures_ok++;
	return true;
}

/* After the last event: signed heads and the writer's own head must not lie beyond it. */
static void
check_tail(struct walk *w, sqlite3_stmt *ck, int rck, uint64_t last, const uint8_t *last_hash)
{
	struct vg_checkpoint c;
	const void *v;
	uint64_t hseq = 0;
	unsigned i;

	if (rck == 1 && vg_store_read_ckpt_row(w->st, ck, &c) == 0) {
		sqlite3_stmt *mx = NULL;

		/* The last checkpoint, signed, is the strongest statement of what existed. */
		if (sqlite3_prepare_v2(w->st->db, "SELECT seq, ts, head, key_id, sig FROM checkpoints"
		    " ORDER BY seq DESC LIMIT 1", -1, &mx, NULL) == SQLITE_OK &&
		    sqlite3_step(mx) == SQLITE_ROW)
			vg_store_read_ckpt_row(w->st, mx, &c);
		sqlite3_finalize(mx);
		if (!check_ckpt(w, &c))
			return;
		found(w->r, VG_TAMPER_TRUNCATED, last + 1, c.seq,
		    "events %llu..%llu are gone: checkpoint %llu signed them",
		    (unsigned long long)(last + 1), (unsigned long long)c.seq,
		    (unsigned long long)c.seq);
		return;
	}
	sqlite3_reset(w->st->q_meta_get);
	sqlite3_bind_text(w->st->q_meta_get, 1, "head", -1, SQLITE_STATIC);
	if (sqlite3_step(w->st->q_meta_get) != SQLITE_ROW) {
		sqlite3_reset(w->st->q_meta_get);
		return;
	}
	v = sqlite3_column_blob(w->st->q_meta_get, 0);
	if (sqlite3_column_bytes(w->st->q_meta_get, 0) != 8 + VG_HASH_LEN) {
		found(w->r, VG_TAMPER_MODIFIED, 0, 0, "the writer's head record is malformed");
		sqlite3_reset(w->st->q_meta_get);
		return;
	}
	for (i = 0; i < 8; i++)
		hseq = hseq << 8 | ((const uint8_t *)v)[i];
	if (hseq > last)
		found(w->r, VG_TAMPER_TRUNCATED, last + 1, hseq,
		    "events %llu..%llu are gone: the writer committed up to %llu after the last "
		    "checkpoint", (unsigned long long)(last + 1), (unsigned long long)hseq,
		    (unsigned long long)hseq);
	else if (hseq < last)
		found(w->r, VG_TAMPER_INSERTED, hseq + 1, last,
		    "events %llu..%llu were added behind the writer's back (it committed up to %llu)",
		    (unsigned long long)(hseq + 1), (unsigned long long)last,
		    (unsigned long long)hseq);
	else if (last != 0 && memcmp((const uint8_t *)v + 8, last_hash, VG_HASH_LEN) != 0)
		found(w->r, VG_TAMPER_REHASHED, last, last,
		    "event %llu is not the head the writer committed", (unsigned long long)last);
	sqlite3_reset(w->st->q_meta_get);
}

int
vg_store_verify(struct vg_store *st, EVP_PKEY *key, struct vg_verify_report *r,
    struct vg_err *err)
{
	struct walk w;
	sqlite3_stmt *ev = NULL, *ck = NULL, *an = NULL;
	uint8_t expect_prev[VG_HASH_LEN] = { 0 }, last_hash[VG_HASH_LEN] = { 0 };
	uint64_t start_seq = 1, expect_seq, last_signed;
	EVP_PKEY *own = NULL;
	int rc = -1, rck;

	memset(r, 0, sizeof(*r));
	memset(&w, 0, sizeof(w));
	w.st = st;
	w.r = r;
	if (key == NULL) {
		/* No key given: the store's own, which only shows it agrees with itself. */
		if ((own = vg_store_public_key(st, err)) == NULL)
			return -1;
		key = own;
		r->key_from_store = true;
	}
	w.key = key;
	vg_key_id(key, r->key_id);
	if (sqlite3_prepare_v2(st->db, "SELECT seq FROM events WHERE hash = ? LIMIT 1", -1,
	    &w.by_hash, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT seq, ts, head, key_id, sig FROM checkpoints "
	    "WHERE seq >= ? ORDER BY seq LIMIT 1", -1, &w.next_ckpt, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT seq, ts, type, json, prev, hash FROM events "
	    "ORDER BY seq", -1, &ev, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT seq, ts, head, key_id, sig FROM checkpoints "
	    "WHERE seq >= ? ORDER BY seq", -1, &ck, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT seq, head, pruned FROM anchor", -1, &an, NULL) !=
	    SQLITE_OK) {
		vg_store_sqlerr(st, err, "reading");
		goto out;
	}

	/* A pruned store starts from its anchor, which must be a signed checkpoint. */
	if (sqlite3_step(an) == SQLITE_ROW) {
		struct vg_checkpoint c;
		int found_ck;

		r->anchor_seq = (uint64_t)sqlite3_column_int64(an, 0);
		r->pruned = (uint64_t)sqlite3_column_int64(an, 2);
		if (sqlite3_column_bytes(an, 1) != VG_HASH_LEN) {
			found(r, VG_TAMPER_MODIFIED, 0, 0, "the anchor's head is malformed");
			rc = 0;
			goto out;
		}
		memcpy(expect_prev, sqlite3_column_blob(an, 1), VG_HASH_LEN);
		start_seq = r->anchor_seq + 1;
		if ((found_ck = vg_store_get_checkpoint(st, r->anchor_seq, &c, err)) < 0)
			goto out;
		if (found_ck == 0 || memcmp(c.head, expect_prev, VG_HASH_LEN) != 0) {
			found(r, VG_TAMPER_REHASHED, start_seq, start_seq,
			    "the anchor at %llu is not a signed checkpoint",
			    (unsigned long long)r->anchor_seq);
			rc = 0;
			goto out;
		}
		if (!check_ckpt(&w, &c)) {
			rc = 0;
			goto out;
		}
	}
	r->first_seq = 0;
	expect_seq = start_seq;
	last_signed = r->anchor_seq;
	sqlite3_bind_int64(ck, 1, (sqlite3_int64)start_seq);
	if ((rck = vg_store_step1(st, ck, err)) < 0)
		goto out;
	for (;;) {
		struct vg_event e;
		bool lengths_ok;
		int ok, step = vg_store_step1(st, ev, err);

		if (step < 0)
			goto out;
		if (step == 0)
			break;
		vg_store_event_row(ev, &e);
		lengths_ok = sqlite3_column_bytes(ev, 4) == VG_HASH_LEN &&
		    sqlite3_column_bytes(ev, 5) == VG_HASH_LEN;
		if (r->first_seq == 0)
			r->first_seq = e.seq;
		if (e.seq < start_seq) {
			found(r, VG_TAMPER_INSERTED, e.seq, e.seq,
			    "event %llu lies before the anchor at %llu that pruning left",
			    (unsigned long long)e.seq, (unsigned long long)r->anchor_seq);
			rc = 0;
			goto out;
		}
		if (e.seq != expect_seq) {
			found(r, VG_TAMPER_DELETED, expect_seq, e.seq - 1,
			    "events %llu..%llu are missing", (unsigned long long)expect_seq,
			    (unsigned long long)(e.seq - 1));
			rc = 0;
			goto out;
		}
		if ((ok = check_event(&w, &e, lengths_ok)) < 0) {
			snprintf(err->msg, sizeof(err->msg), "SHA-256 failed");
			goto out;
		}
		if (ok == 0) {
			rc = 0;
			goto out;
		}
		if (memcmp(e.prev, expect_prev, VG_HASH_LEN) != 0) {
			classify_link(&w, &e, start_seq);
			rc = 0;
			goto out;
		}
		while (rck == 1 && (uint64_t)sqlite3_column_int64(ck, 0) <= e.seq) {
			struct vg_checkpoint c;

			if (vg_store_read_ckpt_row(st, ck, &c) != 0) {
				found(r, VG_TAMPER_MODIFIED, c.seq, c.seq,
				    "checkpoint %llu is malformed", (unsigned long long)c.seq);
				rc = 0;
				goto out;
			}
			if (!check_ckpt(&w, &c)) {
				rc = 0;
				goto out;
			}
			if (memcmp(c.head, e.hash, VG_HASH_LEN) != 0) {
				/* Every event links and hashes right: the whole run was recomputed. */
				found(r, VG_TAMPER_REHASHED, last_signed + 1, c.seq,
				    "the chain was recomputed: checkpoint %llu signed another head; "
				    "the damage lies after the previous checkpoint",
				    (unsigned long long)c.seq);
				rc = 0;
				goto out;
			}
			r->checkpoints++;
			last_signed = e.seq;
			if ((rck = vg_store_step1(st, ck, err)) < 0)
				goto out;
		}
		memcpy(expect_prev, e.hash, VG_HASH_LEN);
		memcpy(last_hash, e.hash, VG_HASH_LEN);
		expect_seq = e.seq + 1;
		r->events++;
	}
	r->last_seq = expect_seq - 1;
	if (r->events == 0)
		r->first_seq = 0;
	check_tail(&w, ck, rck, r->last_seq, last_hash);
	rc = 0;
out:
	sqlite3_finalize(w.by_hash);
	sqlite3_finalize(w.next_ckpt);
	sqlite3_finalize(ev);
	sqlite3_finalize(ck);
	sqlite3_finalize(an);
	vg_buf_free(&w.canon);
	EVP_PKEY_free(own);
	return rc;
}
