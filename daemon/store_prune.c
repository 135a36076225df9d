/* store_prune.c - retention: old events go, a signed checkpoint stays as the chain's anchor. */
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "out_json.h"
#include "store_int.h"

static int
u64_query(struct vg_store *st, const char *sql, uint64_t bind, uint64_t *out, bool *null,
    struct vg_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		vg_store_sqlerr(st, err, "pruning");
		return -1;
	}
	sqlite3_bind_int64(s, 1, (sqlite3_int64)bind);
	rc = vg_store_step1(st, s, err);
	*null = rc != 1 || sqlite3_column_type(s, 0) == SQLITE_NULL;
	*out = *null ? 0 : (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc < 0 ? -1 : 0;
}

static int
delete_upto(struct vg_store *st, const char *table, uint64_t seq, bool inclusive,
    struct vg_err *err)
{
	char sql[128];
	sqlite3_stmt *s = NULL;
	int rc = 0;

	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE seq %s ?", table, inclusive ? "<=" : "<");
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		vg_store_sqlerr(st, err, "pruning");
		return -1;
	}
	sqlite3_bind_int64(s, 1, (sqlite3_int64)seq);
	if (sqlite3_step(s) != SQLITE_DONE) {
		vg_store_sqlerr(st, err, "pruning");
		rc = -1;
	}
	sqlite3_finalize(s);
	return rc;
}

int
vg_store_prune(struct vg_store *st, uint64_t before_us, struct vg_prune_result *res,
    struct vg_err *err)
{
	uint64_t first_new, anchor = 0, old_anchor, pruned_before, removed, old_left;
	struct vg_checkpoint c;
	sqlite3_stmt *s = NULL;
	json_t *data;
	bool null;
	char ts[32], head[2 * VG_HASH_LEN + 1];
	int rc;

	memset(res, 0, sizeof(*res));
	if (st->read_only) {
		snprintf(err->msg, sizeof(err->msg), "%s: opened read-only", st->path);
		return -1;
	}
	/* Sign what is there first, so the newest old events can be covered by a checkpoint. */
	if (vg_store_checkpoint(st, err) != 0)
		return -1;
	if (vg_store_exec(st, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	st->in_txn = true;
	st->pending = 0;
	/* The first event to keep; events are appended in time order by one writer at a time. */
	if (u64_query(st, "SELECT min(seq) FROM events WHERE ts >= ?", before_us, &first_new,
	    &null, err) != 0)
		goto fail;
	if (null)
		first_new = st->head_seq + 1;
	if (u64_query(st, "SELECT max(seq) FROM checkpoints WHERE seq < ?", first_new, &anchor,
	    &null, err) != 0 ||
	    u64_query(st, "SELECT seq FROM anchor WHERE ? >= 0", 0, &old_anchor, &null, err) != 0 ||
	    u64_query(st, "SELECT pruned FROM anchor WHERE ? >= 0", 0, &pruned_before, &null,
	    err) != 0)
		goto fail;
	if (anchor <= old_anchor) {
		/* Nothing to prune: no checkpoint closes a run of old events. */
		if (u64_query(st, "SELECT count(*) FROM events WHERE seq < ?", first_new,
		    &res->kept_old, &null, err) != 0)
			goto fail;
		res->anchor_seq = old_anchor;
		if (vg_store_exec(st, "ROLLBACK", err) != 0)
			goto fail;
		st->in_txn = false;
		return 0;
	}
	if (u64_query(st, "SELECT count(*) FROM events WHERE seq <= ?", anchor, &removed, &null,
	    err) != 0 ||
	    (rc = vg_store_get_checkpoint(st, anchor, &c, err)) < 0)
		goto fail;
	if (rc == 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: checkpoint %llu vanished", st->path,
		    (unsigned long long)anchor);
		goto fail;
	}
	if (delete_upto(st, "events", anchor, true, err) != 0 ||
	    delete_upto(st, "checkpoints", anchor, false, err) != 0)
		goto fail;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO anchor(id, seq, head, pruned, ts) "
	    "VALUES(1, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, "
	    "head = excluded.head, pruned = excluded.pruned, ts = excluded.ts", -1, &s, NULL) !=
	    SQLITE_OK) {
		vg_store_sqlerr(st, err, "pruning");
		goto fail;
	}
	sqlite3_bind_int64(s, 1, (sqlite3_int64)anchor);
	sqlite3_bind_blob(s, 2, c.head, VG_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)(pruned_before + removed));
	sqlite3_bind_int64(s, 4, (sqlite3_int64)vg_store_now_us());
	if (sqlite3_step(s) != SQLITE_DONE) {
		vg_store_sqlerr(st, err, "pruning");
		sqlite3_finalize(s);
		goto fail;
	}
	sqlite3_finalize(s);
	if (u64_query(st, "SELECT count(*) FROM events WHERE seq < ?", first_new, &old_left, &null,
	    err) != 0)
		goto fail;
	res->removed = removed;
	res->anchor_seq = anchor;
	res->kept_old = old_left;

	/* The pruning itself is evidence: it goes into the chain and is signed. */
	vg_format_ts(before_us, ts, sizeof(ts));
	vg_hex(c.head, VG_HASH_LEN, head);
	data = json_pack("{s:s,s:I,s:I,s:s,s:I}", "before", ts, "removed", (json_int_t)removed,
	    "anchor_seq", (json_int_t)anchor, "anchor_head", head, "kept_older",
	    (json_int_t)old_left);
	if (data == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		goto fail;
	}
	rc = vg_store_append(st, "prune", data, NULL, err);
	json_decref(data);
	if (rc != 0)
		return -1; /* append rolled back */
	return vg_store_checkpoint(st, err);
fail:
	vg_store_exec(st, "ROLLBACK", &(struct vg_err){ { 0 } });
	st->in_txn = false;
	return -1;
}
