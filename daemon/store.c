/* store.c - the SQLite audit store: schema, chained appends, checkpoints, pruning, cursors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "canon.h"
#include "chain.h"
#include "out_json.h"
#include "store.h"
#include "store_int.h"

#define BUSY_TIMEOUT_MS 10000
#define PATH_KEY_MAX 4096

/*
 * Schema steps: migrations[v] takes a store from user_version v to v + 1.
 * A store is only ever moved forward, inside one transaction.
 */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE events(seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, type TEXT NOT NULL,"
	" json TEXT NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL);"
	"CREATE TABLE checkpoints(seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, head BLOB NOT NULL,"
	" key_id TEXT NOT NULL, sig BLOB NOT NULL);"
	"CREATE TABLE anchor(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,"
	" head BLOB NOT NULL, pruned INTEGER NOT NULL, ts INTEGER NOT NULL);"
	/*
	 * Flows, findings, configuration snapshots and capture statistics are views
	 * over the chained events: queryable, and unable to disagree with them.
	 */
	"CREATE VIEW flows AS SELECT seq, ts,"
	" json_extract(json, '$.data.ts_start') AS ts_start,"
	" json_extract(json, '$.data.hostname') AS hostname,"
	" json_extract(json, '$.data.dest.provider') AS provider,"
	" json_extract(json, '$.data.dest.region') AS region,"
	" json_extract(json, '$.data.dest.country') AS country,"
	" json_extract(json, '$.data.dst_ip') AS dst_ip,"
	" json_extract(json, '$.data.dst_port') AS dst_port,"
	" json_extract(json, '$.data') AS record FROM events WHERE type = 'flow';"
	"CREATE VIEW findings AS SELECT seq, ts,"
	" json_extract(json, '$.data.control') AS control,"
	" json_extract(json, '$.data.result') AS result,"
	" json_extract(json, '$.data.severity') AS severity,"
	" json_extract(json, '$.data.subject.kind') AS subject,"
	" json_extract(json, '$.data') AS record FROM events WHERE type = 'finding';"
	"CREATE VIEW config_snapshots AS SELECT seq, ts,"
	" json_extract(json, '$.data.path') AS path,"
	" json_extract(json, '$.data.role') AS role,"
	" json_extract(json, '$.data.sha256') AS sha256,"
	" json_extract(json, '$.data.size') AS size FROM events WHERE type = 'config';"
	"CREATE VIEW capture_stats AS SELECT seq, ts,"
	" json_extract(json, '$.data.source') AS source,"
	" json_extract(json, '$.data.packets') AS packets,"
	" json_extract(json, '$.data.dropped') AS dropped,"
	" json_extract(json, '$.data.complete') AS complete FROM events WHERE type = 'capture';"
	"CREATE TABLE cursors(name TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;",
};

void
vg_store_sqlerr(struct vg_store *st, struct vg_err *err, const char *what)
{
	snprintf(err->msg, sizeof(err->msg), "%s: %s: %s", st->path, what,
	    st->db != NULL ? sqlite3_errmsg(st->db) : "no database");
}

uint64_t
vg_store_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int
vg_store_exec(struct vg_store *st, const char *sql, struct vg_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err->msg, sizeof(err->msg), "%s: %s", st->path,
	    msg != NULL ? msg : sqlite3_errmsg(st->db));
	sqlite3_free(msg);
	return -1;
}

sqlite3_stmt *
vg_store_prep(struct vg_store *st, const char *sql, struct vg_err *err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		vg_store_sqlerr(st, err, "preparing a statement");
		return NULL;
	}
	return s;
}

/* Runs a statement that returns no row or one; 1 row, 0 none, -1 error. The row stays readable. */
int
vg_store_step1(struct vg_store *st, sqlite3_stmt *s, struct vg_err *err)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	vg_store_sqlerr(st, err, "reading");
	return -1;
}

static int
meta_get(struct vg_store *st, const char *key, const void **val, int *len, struct vg_err *err)
{
	int rc;

	sqlite3_reset(st->q_meta_get);
	sqlite3_bind_text(st->q_meta_get, 1, key, -1, SQLITE_STATIC);
	if ((rc = vg_store_step1(st, st->q_meta_get, err)) != 1)
		return rc;
	*val = sqlite3_column_blob(st->q_meta_get, 0);
	*len = sqlite3_column_bytes(st->q_meta_get, 0);
	return 1;
}

static int
meta_set(struct vg_store *st, const char *key, const void *val, int len, struct vg_err *err)
{
	sqlite3_stmt *s = st->q_meta_set;

	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, val, len, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE) {
		vg_store_sqlerr(st, err, "writing meta");
		return -1;
	}
	return 0;
}

static int
pragma_int(struct vg_store *st, const char *sql, int *out, struct vg_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		vg_store_sqlerr(st, err, "reading the schema");
		return -1;
	}
	rc = vg_store_step1(st, s, err);
	if (rc == 1)
		*out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return rc == 1 ? 0 : -1;
}

static int
put_meta(struct vg_store *st, const char *key, const void *val, int len, struct vg_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO meta(key, value) VALUES(?, ?)", -1, &s, NULL) !=
	    SQLITE_OK) {
		vg_store_sqlerr(st, err, "writing meta");
		return -1;
	}
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, val, len, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		vg_store_sqlerr(st, err, "writing meta");
		rc = -1;
	}
	sqlite3_finalize(s);
	return rc;
}

/* A new store's identity and the key that signs it, in the transaction that creates it. */
static int
create_identity(struct vg_store *st, struct vg_err *err)
{
	char key_id[VG_KEY_ID_HEX + 1], *pem;
	int rc;

	if (getrandom(st->store_id, VG_STORE_ID_LEN, 0) != VG_STORE_ID_LEN) {
		snprintf(err->msg, sizeof(err->msg), "getrandom: %s", strerror(errno));
		return -1;
	}
	if ((pem = vg_key_public_pem(st->key)) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	vg_key_id(st->key, key_id);
	rc = put_meta(st, "store_id", st->store_id, VG_STORE_ID_LEN, err) == 0 &&
	    put_meta(st, "key_id", key_id, (int)strlen(key_id), err) == 0 &&
	    put_meta(st, "public_key", pem, (int)strlen(pem), err) == 0 ? 0 : -1;
	free(pem);
	return rc;
}

/*
 * Brings the schema to VG_STORE_SCHEMA. A new file gets its identity in the
 * same transaction, so a crash leaves either no store or a whole one.
 */
static int
migrate(struct vg_store *st, int version, struct vg_err *err)
{
	char sql[64];
	int v;

	if (vg_store_exec(st, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	/* Another writer may have migrated it while we waited for the lock. */
	if (pragma_int(st, "PRAGMA user_version", &v, err) != 0)
		goto fail;
	if (v == 0 && st->key == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s: not a vigie store yet", st->path);
		goto fail;
	}
	for (int from = v; v < VG_STORE_SCHEMA; v++) {
		if (vg_store_exec(st, migrations[v], err) != 0)
			goto fail;
		if (from == 0 && v == 0 && create_identity(st, err) != 0)
			goto fail;
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", VG_STORE_SCHEMA);
	if (vg_store_exec(st, sql, err) != 0)
		goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", VG_STORE_APP_ID);
	if (vg_store_exec(st, sql, err) != 0)
		goto fail;
	(void)version;
	return vg_store_exec(st, "COMMIT", err);
fail:
	vg_store_exec(st, "ROLLBACK", &(struct vg_err){ { 0 } });
	return -1;
}

static int
prepare_all(struct vg_store *st, struct vg_err *err)
{
	if ((st->q_meta_get = vg_store_prep(st, "SELECT value FROM meta WHERE key = ?", err)) == NULL ||
	    (st->q_meta_set = vg_store_prep(st,
	    "INSERT INTO meta(key, value) VALUES(?, ?) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value", err)) == NULL ||
	    (st->q_head = vg_store_prep(st,
	    "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", err)) == NULL ||
	    (st->q_anchor = vg_store_prep(st, "SELECT seq, head, pruned FROM anchor", err)) == NULL ||
	    (st->q_last_ckpt = vg_store_prep(st,
	    "SELECT seq, ts FROM checkpoints ORDER BY seq DESC LIMIT 1", err)) == NULL)
		return -1;
	if (st->read_only)
		return 0;
	if ((st->q_insert = vg_store_prep(st,
	    "INSERT INTO events(seq, ts, type, json, prev, hash) VALUES(?,?,?,?,?,?)", err)) == NULL ||
	    (st->q_ckpt = vg_store_prep(st,
	    "INSERT INTO checkpoints(seq, ts, head, key_id, sig) VALUES(?,?,?,?,?)", err)) == NULL)
		return -1;
	return 0;
}

/* Head of the chain as the database has it: the last event, else the anchor, else genesis. */
int
vg_store_read_head(struct vg_store *st, uint64_t *seq, uint8_t hash[VG_HASH_LEN],
    struct vg_err *err)
{
	int rc;

	sqlite3_reset(st->q_head);
	if ((rc = vg_store_step1(st, st->q_head, err)) < 0)
		return -1;
	if (rc == 1 && sqlite3_column_bytes(st->q_head, 1) == VG_HASH_LEN) {
		*seq = (uint64_t)sqlite3_column_int64(st->q_head, 0);
		memcpy(hash, sqlite3_column_blob(st->q_head, 1), VG_HASH_LEN);
		sqlite3_reset(st->q_head);
		return 0;
	}
	if (rc == 1) {
		snprintf(err->msg, sizeof(err->msg), "%s: the last event's hash is not %d bytes",
		    st->path, VG_HASH_LEN);
		sqlite3_reset(st->q_head);
		return -1;
	}
	sqlite3_reset(st->q_anchor);
	if ((rc = vg_store_step1(st, st->q_anchor, err)) < 0)
		return -1;
	if (rc == 1 && sqlite3_column_bytes(st->q_anchor, 1) == VG_HASH_LEN) {
		*seq = (uint64_t)sqlite3_column_int64(st->q_anchor, 0);
		memcpy(hash, sqlite3_column_blob(st->q_anchor, 1), VG_HASH_LEN);
	} else {
		*seq = 0;
		memset(hash, 0, VG_HASH_LEN);
	}
	sqlite3_reset(st->q_anchor);
	return 0;
}

static int
read_last_ckpt(struct vg_store *st, struct vg_err *err)
{
	int rc;

	sqlite3_reset(st->q_last_ckpt);
	if ((rc = vg_store_step1(st, st->q_last_ckpt, err)) < 0)
		return -1;
	st->ckpt_seq = rc == 1 ? (uint64_t)sqlite3_column_int64(st->q_last_ckpt, 0) : 0;
	/* With no checkpoint yet, the T seconds count from opening. */
	st->ckpt_ts = rc == 1 ? (uint64_t)sqlite3_column_int64(st->q_last_ckpt, 1) :
	    vg_store_now_us();
	sqlite3_reset(st->q_last_ckpt);
	return 0;
}

/* A new store gets an identity and records the key that signs it; a known one must match. */
static int
bind_identity(struct vg_store *st, bool fresh_key, enum vg_store_errkind *kind,
    struct vg_err *err)
{
	const void *v;
	char key_id[VG_KEY_ID_HEX + 1];
	int len, rc;

	if ((rc = meta_get(st, "store_id", &v, &len, err)) < 0)
		return -1;
	if (rc == 1) {
		if (len != VG_STORE_ID_LEN) {
			snprintf(err->msg, sizeof(err->msg), "%s: store_id is not %d bytes", st->path,
			    VG_STORE_ID_LEN);
			return -1;
		}
		memcpy(st->store_id, v, VG_STORE_ID_LEN);
		sqlite3_reset(st->q_meta_get);
		if (st->read_only || st->key == NULL)
			return 0;
		if ((rc = meta_get(st, "key_id", &v, &len, err)) != 1) {
			if (rc == 0)
				snprintf(err->msg, sizeof(err->msg), "%s: no key_id", st->path);
			return -1;
		}
		vg_key_id(st->key, key_id);
		if ((size_t)len != strlen(key_id) || memcmp(v, key_id, (size_t)len) != 0) {
			snprintf(err->msg, sizeof(err->msg),
			    "%s: the signing key %s (id %s) is not the key this store was created with "
			    "(id %.*s)%s", st->path, st->key_path, key_id, len > VG_KEY_ID_HEX ?
			    VG_KEY_ID_HEX : len, (const char *)v,
			    fresh_key ? "; it was just generated because the file was missing" : "");
			sqlite3_reset(st->q_meta_get);
			*kind = VG_STORE_EUSAGE;
			return -1;
		}
		sqlite3_reset(st->q_meta_get);
		return 0;
	}
	snprintf(err->msg, sizeof(err->msg), "%s: not a vigie store (no identity)", st->path);
	return -1;
}

struct vg_store *
vg_store_open(const char *path, const struct vg_store_opts *o, enum vg_store_errkind *kindp,
    struct vg_err *err)
{
	enum vg_store_errkind kind_local, *kind = kindp != NULL ? kindp : &kind_local;
	struct vg_store *st;
	struct stat sb;
	bool exists, fresh_key = false;
	int flags, version = 0, app = 0;

	*kind = VG_STORE_EINPUT;
	exists = stat(path, &sb) == 0;
	if (!exists && (o->read_only || !o->create)) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (exists && !S_ISREG(sb.st_mode)) {
		snprintf(err->msg, sizeof(err->msg), "%s: not a regular file", path);
		return NULL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL || (st->path = strdup(path)) == NULL) {
		free(st);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	st->read_only = o->read_only;
	st->batch = o->batch != 0 ? o->batch : VG_STORE_BATCH;
	if (st->batch > VG_STORE_BATCH_MAX)
		st->batch = VG_STORE_BATCH_MAX;
	st->ckpt_events = o->ckpt_events != 0 ? o->ckpt_events : VG_STORE_CKPT_EVENTS;
	st->ckpt_secs = o->ckpt_secs != 0 ? o->ckpt_secs : VG_STORE_CKPT_SECS;

	if (!st->read_only && !o->no_key) {
		char kp[PATH_KEY_MAX];

		if (o->key_path != NULL)
			snprintf(kp, sizeof(kp), "%s", o->key_path);
		else if (snprintf(kp, sizeof(kp), "%s.key", path) >= (int)sizeof(kp)) {
			snprintf(err->msg, sizeof(err->msg), "%s: path too long", path);
			*kind = VG_STORE_EUSAGE;
			goto fail;
		}
		if ((st->key_path = strdup(kp)) == NULL) {
			snprintf(err->msg, sizeof(err->msg), "out of memory");
			goto fail;
		}
		/* A new key only for a new store: a missing key of an existing one is an error. */
		st->key = vg_key_load_private(kp, !exists, &fresh_key, err);
		if (st->key == NULL) {
			*kind = VG_STORE_EUSAGE;
			goto fail;
		}
	}

	/*
	 * Readers open read-write when they may (query_only keeps them from
	 * writing): only a writable connection can recover the WAL a killed
	 * writer left behind.
	 */
	flags = !st->read_only ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE :
	    access(path, W_OK) == 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		vg_store_sqlerr(st, err, "opening");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(st->db, 1);
	if (st->read_only && vg_store_exec(st, "PRAGMA query_only = 1", err) != 0)
		goto fail;
	if (pragma_int(st, "PRAGMA application_id", &app, err) != 0) {
		/* "file is not a database" surfaces here. */
		goto fail;
	}
	if (pragma_int(st, "PRAGMA user_version", &version, err) != 0)
		goto fail;
	if (app != VG_STORE_APP_ID && !(app == 0 && version == 0)) {
		snprintf(err->msg, sizeof(err->msg), "%s: an SQLite database, but not a vigie store "
		    "(application_id %d)", path, app);
		goto fail;
	}
	if (version > VG_STORE_SCHEMA) {
		snprintf(err->msg, sizeof(err->msg), "%s: schema version %d is newer than this "
		    "vigie's (%d); use a newer vigie", path, version, VG_STORE_SCHEMA);
		goto fail;
	}
	if (version == 0 && exists && sb.st_size > 0 && app == 0) {
		int tables = 0;

		if (pragma_int(st, "SELECT count(*) FROM sqlite_schema", &tables, err) != 0)
			goto fail;
		if (tables > 0) {
			snprintf(err->msg, sizeof(err->msg),
			    "%s: an SQLite database, but not a vigie store", path);
			goto fail;
		}
	}
	if (st->read_only && version < VG_STORE_SCHEMA) {
		snprintf(err->msg, sizeof(err->msg), "%s: schema version %d; open it once with a "
		    "writing command to migrate it", path, version);
		goto fail;
	}
	if (!st->read_only) {
		/* WAL: readers (verify, report) never block the one writer. */
		if (vg_store_exec(st, "PRAGMA journal_mode = WAL", err) != 0 ||
		    vg_store_exec(st, o->sync_normal ? "PRAGMA synchronous = NORMAL" :
		    "PRAGMA synchronous = FULL", err) != 0)
			goto fail;
		if (version < VG_STORE_SCHEMA && migrate(st, version, err) != 0)
			goto fail;
		if (!exists)
			chmod(path, 0640);
	}
	if (vg_store_exec(st, "PRAGMA foreign_keys = OFF", err) != 0 || prepare_all(st, err) != 0)
		goto fail;
	if (bind_identity(st, fresh_key, kind, err) != 0)
		goto fail;
	if (vg_store_read_head(st, &st->head_seq, st->head, err) != 0 || read_last_ckpt(st, err) != 0)
		goto fail;
	st->committed = st->head_seq;
	return st;
fail:
	if (fresh_key && st->key_path != NULL && !exists)
		unlink(st->key_path);
	vg_store_free(st);
	return NULL;
}

void
vg_store_free(struct vg_store *st)
{
	if (st == NULL)
		return;
	if (st->in_txn)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(st->q_meta_get);
	sqlite3_finalize(st->q_meta_set);
	sqlite3_finalize(st->q_head);
	sqlite3_finalize(st->q_anchor);
	sqlite3_finalize(st->q_last_ckpt);
	sqlite3_finalize(st->q_insert);
	sqlite3_finalize(st->q_ckpt);
	sqlite3_close(st->db);
	EVP_PKEY_free(st->key);
	vg_buf_free(&st->canon);
	free(st->key_path);
	free(st->path);
	free(st);
}

static void
rollback(struct vg_store *st)
{
	struct vg_err ignore;

	if (!st->in_txn)
		return;
	vg_store_exec(st, "ROLLBACK", &ignore);
	st->in_txn = false;
	st->pending = 0;
	/* What the transaction appended is gone: start again from the committed head. */
	if (vg_store_read_head(st, &st->head_seq, st->head, &ignore) != 0)
		st->broken = true;
	read_last_ckpt(st, &ignore);
}

static int
begin(struct vg_store *st, struct vg_err *err)
{
	if (st->in_txn)
		return 0;
	if (st->broken) {
		snprintf(err->msg, sizeof(err->msg), "%s: the store failed earlier; reopen it",
		    st->path);
		return -1;
	}
	/* IMMEDIATE takes the write lock now: the head read below cannot change under us. */
	if (vg_store_exec(st, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	st->in_txn = true;
	st->pending = 0;
	if (vg_store_read_head(st, &st->head_seq, st->head, err) != 0 || read_last_ckpt(st, err) != 0) {
		rollback(st);
		return -1;
	}
	return 0;
}

static bool
valid_type(const char *type)
{
	size_t i, n = strlen(type);

	if (n == 0 || n >= VG_EVENT_TYPE_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!(type[i] >= 'a' && type[i] <= 'z') && type[i] != '_')
			return false;
	return true;
}

/* {"data":...,"ts":"...","type":"..."}: the members already in RFC 8785 order. */
int
vg_event_canon(struct vg_buf *b, const json_t *data, uint64_t ts_us, const char *type,
    struct vg_err *err)
{
	char ts[32];

	b->len = 0;
	if (vg_buf_add(b, "{\"data\":", 8) != 0)
		goto nomem;
	if (vg_canon_json(data, b, err) != 0)
		return -1;
	vg_format_ts(ts_us, ts, sizeof(ts));
	/* type is [a-z_]+ and ts RFC 3339: neither needs escaping. */
	if (vg_buf_add(b, ",\"ts\":\"", 7) != 0 || vg_buf_add(b, ts, strlen(ts)) != 0 ||
	    vg_buf_add(b, "\",\"type\":\"", 10) != 0 || vg_buf_add(b, type, strlen(type)) != 0 ||
	    vg_buf_add(b, "\"}", 2) != 0)
		goto nomem;
	return 0;
nomem:
	snprintf(err->msg, sizeof(err->msg), "event larger than %u bytes or out of memory",
	    VG_CANON_LEN_MAX);
	return -1;
}

static int sign_head(struct vg_store *st, struct vg_err *err);

/* Chains the event whose canonical text st->canon holds. */
static int
append_canon(struct vg_store *st, struct vg_event *e, struct vg_event *out, struct vg_err *err)
{
	sqlite3_stmt *s = st->q_insert;

	memcpy(e->prev, st->head, VG_HASH_LEN);
	if (vg_chain_hash(e->prev, st->canon.p, st->canon.len, e->hash) != 0) {
		snprintf(err->msg, sizeof(err->msg), "SHA-256 failed");
		return -1;
	}
	e->json = st->canon.p;
	e->json_len = st->canon.len;
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, (sqlite3_int64)e->seq);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)e->ts_us);
	sqlite3_bind_text(s, 3, e->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, e->json, (int)e->json_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, e->prev, VG_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 6, e->hash, VG_HASH_LEN, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		vg_store_sqlerr(st, err, "appending an event");
		rollback(st);
		return -1;
	}
	st->head_seq = e->seq;
	memcpy(st->head, e->hash, VG_HASH_LEN);
	st->pending++;
	/* Every N events exactly, in the transaction that holds them. */
	if (st->head_seq - st->ckpt_seq >= st->ckpt_events && sign_head(st, err) != 0) {
		rollback(st);
		return -1;
	}
	if (out != NULL)
		*out = *e;
	if (st->pending >= st->batch)
		return vg_store_flush(st, err);
	return 0;
}

/* Opens the transaction and numbers the event; 0 or -1. */
static int
prepare_event(struct vg_store *st, const char *type, struct vg_event *e, struct vg_err *err)
{
	if (st->read_only || st->key == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s: opened without the signing key", st->path);
		return -1;
	}
	if (!valid_type(type)) {
		snprintf(err->msg, sizeof(err->msg), "event type \"%s\" is not valid", type);
		return -1;
	}
	if (begin(st, err) != 0)
		return -1;
	memset(e, 0, sizeof(*e));
	e->seq = st->head_seq + 1;
	e->ts_us = vg_store_now_us();
	snprintf(e->type, sizeof(e->type), "%s", type);
	return 0;
}

int
vg_store_append(struct vg_store *st, const char *type, const json_t *data, struct vg_event *out,
    struct vg_err *err)
{
	struct vg_event e;

	if (!json_is_object(data)) {
		snprintf(err->msg, sizeof(err->msg), "event data is not an object");
		return -1;
	}
	if (prepare_event(st, type, &e, err) != 0)
		return -1;
	/* A refused event writes nothing: the transaction stays usable. */
	if (vg_event_canon(&st->canon, data, e.ts_us, type, err) != 0)
		return -1;
	return append_canon(st, &e, out, err);
}

int
vg_store_append_canon(struct vg_store *st, const char *type, const char *data, size_t len,
    struct vg_event *out, struct vg_err *err)
{
	struct vg_event e;
	char ts[32];

	if (len == 0 || data[0] != '{') {
		snprintf(err->msg, sizeof(err->msg), "event data is not an object");
		return -1;
	}
	if (prepare_event(st, type, &e, err) != 0)
		return -1;
	vg_format_ts(e.ts_us, ts, sizeof(ts));
	st->canon.len = 0;
	if (vg_buf_add(&st->canon, "{\"data\":", 8) != 0 || vg_buf_add(&st->canon, data, len) != 0 ||
	    vg_buf_add(&st->canon, ",\"ts\":\"", 7) != 0 ||
	    vg_buf_add(&st->canon, ts, strlen(ts)) != 0 ||
	    vg_buf_add(&st->canon, "\",\"type\":\"", 10) != 0 ||
	    vg_buf_add(&st->canon, e.type, strlen(e.type)) != 0 ||
	    vg_buf_add(&st->canon, "\"}", 2) != 0) {
		snprintf(err->msg, sizeof(err->msg), "event larger than %u bytes or out of memory",
		    VG_CANON_LEN_MAX);
		return -1;
	}
	return append_canon(st, &e, out, err);
}

int
vg_store_append_text(struct vg_store *st, const char *type, const char *json, size_t len,
    struct vg_event *out, struct vg_err *err)
{
	json_error_t je;
	json_t *data;
	int rc;

	data = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (data == NULL) {
		snprintf(err->msg, sizeof(err->msg), "event data: %s", je.text);
		return -1;
	}
	rc = vg_store_append(st, type, data, out, err);
	json_decref(data);
	return rc;
}

/* Signs the current head inside the open transaction. */
static int
sign_head(struct vg_store *st, struct vg_err *err)
{
	struct vg_checkpoint c;
	sqlite3_stmt *s = st->q_ckpt;

	memset(&c, 0, sizeof(c));
	c.seq = st->head_seq;
	c.ts_us = vg_store_now_us();
	memcpy(c.head, st->head, VG_HASH_LEN);
	memcpy(c.store_id, st->store_id, VG_STORE_ID_LEN);
	if (vg_ckpt_sign(&c, st->key, err) != 0)
		return -1;
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, (sqlite3_int64)c.seq);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)c.ts_us);
	sqlite3_bind_blob(s, 3, c.head, VG_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, c.key_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, c.sig, VG_SIG_LEN, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		vg_store_sqlerr(st, err, "writing a checkpoint");
		return -1;
	}
	st->ckpt_seq = c.seq;
	st->ckpt_ts = c.ts_us;
	return 0;
}

static int
commit(struct vg_store *st, bool force_ckpt, struct vg_err *err)
{
	uint8_t headrec[8 + VG_HASH_LEN];
	uint64_t now = vg_store_now_us();
	unsigned i;

	if (!st->in_txn)
		return 0;
	if (st->head_seq > st->ckpt_seq && (force_ckpt ||
	    now - st->ckpt_ts >= st->ckpt_secs * 1000000u)) {
		if (sign_head(st, err) != 0) {
			rollback(st);
			return -1;
		}
	}
	/* The head the writer last committed, so truncation past the last checkpoint shows. */
	for (i = 0; i < 8; i++)
		headrec[i] = (uint8_t)(st->head_seq >> (56 - 8 * i));
	memcpy(headrec + 8, st->head, VG_HASH_LEN);
	if (meta_set(st, "head", headrec, sizeof(headrec), err) != 0 ||
	    vg_store_exec(st, "COMMIT", err) != 0) {
		rollback(st);
		return -1;
	}
	st->in_txn = false;
	st->pending = 0;
	st->committed = st->head_seq;
	return 0;
}

int
vg_store_flush(struct vg_store *st, struct vg_err *err)
{
	return commit(st, false, err);
}

int
vg_store_checkpoint(struct vg_store *st, struct vg_err *err)
{
	if (st->read_only || st->key == NULL)
		return 0;
	if (!st->in_txn) {
		if (st->head_seq <= st->ckpt_seq)
			return 0;
		if (begin(st, err) != 0)
			return -1;
	}
	return commit(st, true, err);
}

uint64_t
vg_store_committed(const struct vg_store *st)
{
	return st->committed;
}

int
vg_store_close(struct vg_store *st, struct vg_err *err)
{
	int rc = 0;

	if (st == NULL)
		return 0;
	if (!st->read_only && !st->broken)
		rc = vg_store_checkpoint(st, err);
	vg_store_free(st);
	return rc;
}

char *
vg_store_public_pem(struct vg_store *st, struct vg_err *err)
{
	const void *v;
	char *pem;
	int len, rc;

	if ((rc = meta_get(st, "public_key", &v, &len, err)) != 1) {
		if (rc == 0)
			snprintf(err->msg, sizeof(err->msg), "%s: no public key recorded", st->path);
		return NULL;
	}
	if ((pem = malloc((size_t)len + 1)) != NULL) {
		memcpy(pem, v, (size_t)len);
		pem[len] = '\0';
	} else {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	}
	sqlite3_reset(st->q_meta_get);
	return pem;
}

const uint8_t *
vg_store_id(const struct vg_store *st)
{
	return st->store_id;
}

int
vg_store_last_seq(struct vg_store *st, uint64_t *seq, struct vg_err *err)
{
	uint8_t hash[VG_HASH_LEN];

	/* Committed by any writer since: read, not the cached head. */
	return vg_store_read_head(st, seq, hash, err);
}

EVP_PKEY *
vg_store_public_key(struct vg_store *st, struct vg_err *err)
{
	char *pem = vg_store_public_pem(st, err);
	EVP_PKEY *key;

	if (pem == NULL)
		return NULL;
	key = vg_key_public_from_pem(st->path, pem, strlen(pem), err);
	free(pem);
	return key;
}

static int
query_u64(struct vg_store *st, const char *sql, uint64_t *out, struct vg_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		vg_store_sqlerr(st, err, "reading");
		return -1;
	}
	rc = vg_store_step1(st, s, err);
	*out = rc == 1 ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc < 0 ? -1 : 0;
}

int
vg_store_info(struct vg_store *st, struct vg_store_info *info, struct vg_err *err)
{
	const void *v;
	int len, rc;

	memset(info, 0, sizeof(*info));
	memcpy(info->store_id, st->store_id, VG_STORE_ID_LEN);
	info->schema = VG_STORE_SCHEMA;
	if ((rc = meta_get(st, "key_id", &v, &len, err)) < 0)
		return -1;
	if (rc == 1) {
		snprintf(info->key_id, sizeof(info->key_id), "%.*s",
		    len > VG_KEY_ID_HEX ? VG_KEY_ID_HEX : len, (const char *)v);
		sqlite3_reset(st->q_meta_get);
	}
	if (query_u64(st, "SELECT min(seq) FROM events", &info->first_seq, err) != 0 ||
	    query_u64(st, "SELECT max(seq) FROM events", &info->last_seq, err) != 0 ||
	    query_u64(st, "SELECT count(*) FROM events", &info->events, err) != 0 ||
	    query_u64(st, "SELECT count(*) FROM checkpoints", &info->checkpoints, err) != 0 ||
	    query_u64(st, "SELECT max(seq) FROM checkpoints", &info->last_ckpt_seq, err) != 0 ||
	    query_u64(st, "SELECT seq FROM anchor", &info->anchor_seq, err) != 0 ||
	    query_u64(st, "SELECT pruned FROM anchor", &info->pruned, err) != 0 ||
	    query_u64(st, "SELECT min(ts) FROM events", &info->first_ts_us, err) != 0 ||
	    query_u64(st, "SELECT max(ts) FROM events", &info->last_ts_us, err) != 0)
		return -1;
	return 0;
}

int
vg_store_read_ckpt_row(struct vg_store *st, sqlite3_stmt *s, struct vg_checkpoint *c)
{
	const unsigned char *kid;

	memset(c, 0, sizeof(*c));
	c->seq = (uint64_t)sqlite3_column_int64(s, 0);
	c->ts_us = (uint64_t)sqlite3_column_int64(s, 1);
	memcpy(c->store_id, st->store_id, VG_STORE_ID_LEN);
	kid = sqlite3_column_text(s, 3);
	snprintf(c->key_id, sizeof(c->key_id), "%s", kid != NULL ? (const char *)kid : "");
	if (sqlite3_column_bytes(s, 2) != VG_HASH_LEN || sqlite3_column_bytes(s, 4) != VG_SIG_LEN)
		return -1;
	memcpy(c->head, sqlite3_column_blob(s, 2), VG_HASH_LEN);
	memcpy(c->sig, sqlite3_column_blob(s, 4), VG_SIG_LEN);
	return 0;
}

int
vg_store_get_checkpoint(struct vg_store *st, uint64_t seq, struct vg_checkpoint *c,
    struct vg_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db,
	    "SELECT seq, ts, head, key_id, sig FROM checkpoints WHERE seq = ?", -1, &s, NULL) !=
	    SQLITE_OK) {
		vg_store_sqlerr(st, err, "reading checkpoints");
		return -1;
	}
	sqlite3_bind_int64(s, 1, (sqlite3_int64)seq);
	rc = vg_store_step1(st, s, err);
	if (rc == 1 && vg_store_read_ckpt_row(st, s, c) != 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: checkpoint %llu is malformed", st->path,
		    (unsigned long long)seq);
		rc = -1;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Fills e from a row of (seq, ts, type, json, prev, hash); lengths not checked here. */
void
vg_store_event_row(sqlite3_stmt *s, struct vg_event *e)
{
	const unsigned char *type = sqlite3_column_text(s, 2);

	memset(e, 0, sizeof(*e));
	e->seq = (uint64_t)sqlite3_column_int64(s, 0);
	e->ts_us = (uint64_t)sqlite3_column_int64(s, 1);
	snprintf(e->type, sizeof(e->type), "%s", type != NULL ? (const char *)type : "");
	e->json = (const char *)sqlite3_column_text(s, 3);
	e->json_len = (size_t)sqlite3_column_bytes(s, 3);
	if (e->json == NULL)
		e->json = "";
	if (sqlite3_column_bytes(s, 4) == VG_HASH_LEN)
		memcpy(e->prev, sqlite3_column_blob(s, 4), VG_HASH_LEN);
	if (sqlite3_column_bytes(s, 5) == VG_HASH_LEN)
		memcpy(e->hash, sqlite3_column_blob(s, 5), VG_HASH_LEN);
}

int
vg_store_foreach(struct vg_store *st, uint64_t from,
    int (*on_event)(void *arg, const struct vg_event *e),
    int (*on_ckpt)(void *arg, const struct vg_checkpoint *c), void *arg, struct vg_err *err)
{
	sqlite3_stmt *ev = NULL, *ck = NULL;
	struct vg_checkpoint c;
	struct vg_event e;
	int rc = 0, rck = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT seq, ts, type, json, prev, hash FROM events "
	    "WHERE seq >= ? ORDER BY seq", -1, &ev, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT seq, ts, head, key_id, sig FROM checkpoints "
	    "WHERE seq >= ? ORDER BY seq", -1, &ck, NULL) != SQLITE_OK) {
		vg_store_sqlerr(st, err, "reading events");
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(ev, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(ck, 1, (sqlite3_int64)from);
	if ((rck = vg_store_step1(st, ck, err)) < 0) {
		rc = -1;
		goto out;
	}
	for (;;) {
		int r = vg_store_step1(st, ev, err);

		if (r < 0) {
			rc = -1;
			break;
		}
		if (r == 0)
			break;
		vg_store_event_row(ev, &e);
		if ((rc = on_event(arg, &e)) != 0)
			break;
		while (rck == 1 && (uint64_t)sqlite3_column_int64(ck, 0) <= e.seq) {
			if ((uint64_t)sqlite3_column_int64(ck, 0) == e.seq && on_ckpt != NULL &&
			    vg_store_read_ckpt_row(st, ck, &c) == 0 && (rc = on_ckpt(arg, &c)) != 0)
				goto out;
			if ((rck = vg_store_step1(st, ck, err)) < 0) {
				rc = -1;
				goto out;
			}
		}
	}
out:
	sqlite3_finalize(ev);
	sqlite3_finalize(ck);
	return rc;
}

int
vg_store_cursor_get(struct vg_store *st, const char *name, uint64_t *seq, struct vg_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*seq = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT seq FROM cursors WHERE name = ?", -1, &s, NULL) !=
	    SQLITE_OK) {
		vg_store_sqlerr(st, err, "reading cursors");
		return -1;
	}
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = vg_store_step1(st, s, err);
	if (rc == 1)
		*seq = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc < 0 ? -1 : 0;
}

int
vg_store_cursor_set(struct vg_store *st, const char *name, uint64_t seq, struct vg_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc = 0;

	if (strlen(name) > VG_STORE_CURSOR_NAME_MAX) {
		snprintf(err->msg, sizeof(err->msg), "cursor name longer than %d bytes",
		    VG_STORE_CURSOR_NAME_MAX);
		return -1;
	}
	if (vg_store_flush(st, err) != 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, "INSERT INTO cursors(name, seq) VALUES(?, ?) "
	    "ON CONFLICT(name) DO UPDATE SET seq = excluded.seq", -1, &s, NULL) != SQLITE_OK) {
		vg_store_sqlerr(st, err, "writing cursors");
		return -1;
	}
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)seq);
	if (sqlite3_step(s) != SQLITE_DONE) {
		vg_store_sqlerr(st, err, "writing cursors");
		rc = -1;
	}
	sqlite3_finalize(s);
	return rc;
}
