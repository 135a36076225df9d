/* test_store.c - the audit store: canonical JSON, chain, checkpoints, each kind of tampering, pruning. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "canon.h"
#include "chain.h"
#include "store.h"

static char dir[] = "/tmp/vg-store-XXXXXX";
static char db[256], keyf[256];

/* ---- canonical JSON: RFC 8785 examples */

static char *
canon_of(const char *json)
{
	struct vg_buf b = { 0 };
	struct vg_err err;
	json_error_t je;
	json_t *v = json_loads(json, JSON_DECODE_ANY, &je);

	if (v == NULL)
		fail_msg("test input does not parse: %s", je.text);
	if (vg_canon_json(v, &b, &err) != 0)
		fail_msg("canon failed: %s", err.msg);
	json_decref(v);
	return b.p;
}

static void
canon_rfc8785_sorting(void **state)
{
	/* RFC 8785 section 3.2.3: names sorted by UTF-16 code units (U+1F600 before U+FB33). */
	char *s = canon_of("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\","
	    "\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\",\"1\":\"One\","
	    "\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
	    "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}");

	(void)state;
	assert_string_equal(s, "{\"\\r\":\"Carriage Return\",\"1\":\"One\","
	    "\"\xc2\x80\":\"Control\",\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
	    "\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
	    "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
	free(s);
}

static void
canon_rfc8785_strings(void **state)
{
	/* RFC 8785 section 3.2.2.2's string example. */
	char *s = canon_of("\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"");

	(void)state;
	assert_string_equal(s, "\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"");
	free(s);
	s = canon_of("[1,-7,0,true,false,null,{},[]]");
	assert_string_equal(s, "[1,-7,0,true,false,null,{},[]]");
	free(s);
	s = canon_of("{\"b\":[{\"d\":1,\"c\":2}],\"a\":\"\\b\\f\\t\\u0001\\u007f\"}");
	assert_string_equal(s, "{\"a\":\"\\b\\f\\t\\u0001\x7f\",\"b\":[{\"c\":2,\"d\":1}]}");
	free(s);
}

static void
canon_refuses(void **state)
{
	struct vg_buf b = { 0 };
	struct vg_err err;
	json_t *v;
	int i;

	(void)state;
	v = json_pack("{s:f}", "x", 1.5);
	assert_int_equal(vg_canon_json(v, &b, &err), -1);
	assert_non_null(strstr(err.msg, "real"));
	json_decref(v);
	v = json_pack("{s:I}", "x", (json_int_t)9007199254740992LL);
	assert_int_equal(vg_canon_json(v, &b, &err), -1);
	assert_non_null(strstr(err.msg, "2^53"));
	json_decref(v);
	v = json_array();
	for (i = 0; i < VG_CANON_DEPTH_MAX + 2; i++) {
		json_t *inner = json_array();

		json_array_append_new(inner, v);
		v = inner;
	}
	assert_int_equal(vg_canon_json(v, &b, &err), -1);
	assert_non_null(strstr(err.msg, "nested"));
	json_decref(v);
	vg_buf_free(&b);
	vg_buf_free(NULL);
}

/* ---- chain hash: SHA-256 of prev || text, checked against a value computed by sha256sum */

static void
chain_hash_value(void **state)
{
	static const uint8_t zero[VG_HASH_LEN];
	uint8_t h[VG_HASH_LEN];
	char hex[2 * VG_HASH_LEN + 1];

	(void)state;
	/* head -c32 /dev/zero; printf 'abc' | sha256sum of the 35 bytes */
	assert_int_equal(vg_chain_hash(zero, "abc", 3, h), 0);
	vg_hex(h, VG_HASH_LEN, hex);
	assert_string_equal(hex, "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370");
}

/* ---- stores */

static struct vg_store *
open_rw(uint64_t every)
{
	struct vg_store_opts o = { .key_path = keyf, .create = true, .ckpt_events = every,
	    .ckpt_secs = 3600, .batch = 7 };
	struct vg_err err;
	struct vg_store *st = vg_store_open(db, &o, NULL, &err);

	if (st == NULL)
		fail_msg("open: %s", err.msg);
	return st;
}

static struct vg_store *
open_ro(void)
{
	struct vg_store_opts o = { .read_only = true };
	struct vg_err err;
	struct vg_store *st = vg_store_open(db, &o, NULL, &err);

	if (st == NULL)
		fail_msg("open read-only: %s", err.msg);
	return st;
}

static void
append_flows(struct vg_store *st, unsigned n)
{
	struct vg_err err;
	unsigned i;

	for (i = 0; i < n; i++) {
		json_t *d = json_pack("{s:s,s:s,s:i,s:s,s:{s:s,s:s,s:s}}", "ts_start",
		    "2026-11-01T10:00:00.000000Z", "dst_ip", "192.0.2.1", "dst_port", 443 + (int)i,
		    "hostname", "api.mistral.ai", "dest", "provider", "mistral", "region", "eu",
		    "country", "FR");

		if (vg_store_append(st, "flow", d, NULL, &err) != 0)
			fail_msg("append: %s", err.msg);
		json_decref(d);
	}
}

/* A store with n flow events and a checkpoint every `every`, closed (head signed). */
static void
make_store(unsigned n, uint64_t every)
{
	struct vg_store *st;
	struct vg_err err;

	unlink(db);
	st = open_rw(every);
	append_flows(st, n);
	if (vg_store_close(st, &err) != 0)
		fail_msg("close: %s", err.msg);
}

static void
sql(const char *fmt, ...)
{
	char q[1024];
	sqlite3 *h;
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	if (sqlite3_exec(h, q, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", q, msg);
	sqlite3_close(h);
}

/* Recomputes the hash of rows from..to from their (possibly altered) text, as a forger would. */
static void
rehash(uint64_t from, uint64_t to)
{
	sqlite3 *h;
	sqlite3_stmt *rd, *up;
	uint8_t prev[VG_HASH_LEN], hash[VG_HASH_LEN];
	uint64_t seq;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT hash FROM events WHERE seq = ?", -1, &rd,
	    NULL), SQLITE_OK);
	sqlite3_bind_int64(rd, 1, (sqlite3_int64)from - 1);
	assert_int_equal(sqlite3_step(rd), SQLITE_ROW);
	memcpy(prev, sqlite3_column_blob(rd, 0), VG_HASH_LEN);
	sqlite3_finalize(rd);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT json FROM events WHERE seq = ?", -1, &rd,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "UPDATE events SET prev = ?, hash = ? WHERE seq = ?",
	    -1, &up, NULL), SQLITE_OK);
	for (seq = from; seq <= to; seq++) {
		sqlite3_reset(rd);
		sqlite3_bind_int64(rd, 1, (sqlite3_int64)seq);
		assert_int_equal(sqlite3_step(rd), SQLITE_ROW);
		vg_chain_hash(prev, (const char *)sqlite3_column_text(rd, 0),
		    (size_t)sqlite3_column_bytes(rd, 0), hash);
		sqlite3_reset(up);
		sqlite3_bind_blob(up, 1, prev, VG_HASH_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_blob(up, 2, hash, VG_HASH_LEN, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 3, (sqlite3_int64)seq);
		assert_int_equal(sqlite3_step(up), SQLITE_DONE);
		memcpy(prev, hash, VG_HASH_LEN);
	}
	sqlite3_finalize(rd);
	sqlite3_finalize(up);
	sqlite3_close(h);
}

static struct vg_verify_report
verify(void)
{
	struct vg_verify_report r;
	struct vg_store *st = open_ro();
	struct vg_err err;

	if (vg_store_verify(st, NULL, &r, &err) != 0)
		fail_msg("verify: %s", err.msg);
	vg_store_free(st);
	return r;
}

static void
expect(enum vg_tamper kind, uint64_t first, uint64_t last)
{
	struct vg_verify_report r = verify();

	if (r.kind != kind || r.first_bad != first || r.last_bad != last)
		fail_msg("got %s at %llu..%llu (%s), wanted %s at %llu..%llu",
		    vg_tamper_name(r.kind), (unsigned long long)r.first_bad,
		    (unsigned long long)r.last_bad, r.detail, vg_tamper_name(kind),
		    (unsigned long long)first, (unsigned long long)last);
}

static void
intact(void **state)
{
	struct vg_verify_report r;
	struct stat sb;

	(void)state;
	make_store(50, 10);
	r = verify();
	assert_int_equal(r.kind, VG_TAMPER_NONE);
	assert_int_equal(r.events, 50);
	assert_int_equal(r.first_seq, 1);
	assert_int_equal(r.last_seq, 50);
	assert_int_equal(r.checkpoints, 5);     /* 10, 20, 30, 40, 50 */
	assert_int_equal(r.signatures_ok, 5);
	assert_true(r.key_from_store);
	assert_int_equal(stat(keyf, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

static void
modified(void **state)
{
	(void)state;
	make_store(50, 10);
	sql("UPDATE events SET json = replace(json, 'mistral', 'mistrai') WHERE seq = 17");
	expect(VG_TAMPER_MODIFIED, 17, 17);
	/* A row whose text is not canonical any more, hash unchanged. */
	make_store(50, 10);
	sql("UPDATE events SET json = replace(json, '{\"data\":{', '{\"data\": {') WHERE seq = 3");
	expect(VG_TAMPER_MODIFIED, 3, 3);
	/* The ts column no longer matches the text. */
	make_store(50, 10);
	sql("UPDATE events SET ts = ts + 1 WHERE seq = 44");
	expect(VG_TAMPER_MODIFIED, 44, 44);
}

static void
modified_rehashed(void **state)
{
	(void)state;
	make_store(50, 10);
	sql("UPDATE events SET json = replace(json, 'mistral', 'openai') WHERE seq = 17");
	rehash(17, 17);
	expect(VG_TAMPER_REHASHED, 17, 17);
	/* The whole rest recomputed: only the signed head of checkpoint 20 tells. */
	make_store(50, 10);
	sql("UPDATE events SET json = replace(json, 'mistral', 'openai') WHERE seq = 25");
	rehash(25, 50);
	expect(VG_TAMPER_REHASHED, 21, 30);
}

static void
deleted(void **state)
{
	(void)state;
	make_store(50, 10);
	sql("DELETE FROM events WHERE seq IN (23, 24)");
	expect(VG_TAMPER_DELETED, 23, 24);
	/* Deleted and renumbered: the head signed at 30 now stands at 29. */
	make_store(50, 10);
	sql("DELETE FROM events WHERE seq = 23; UPDATE events SET seq = seq - 1 WHERE seq > 23");
	expect(VG_TAMPER_DELETED, 23, 23);
}

static void
inserted(void **state)
{
	(void)state;
	make_store(50, 10);
	/* Renumber upwards in two steps (seq is unique), then add a self-consistent row 23. */
	sql("UPDATE events SET seq = -seq WHERE seq >= 23; UPDATE events SET seq = 1 - seq "
	    "WHERE seq < 0; INSERT INTO events SELECT 23, ts, type, json, hash, hash FROM events "
	    "WHERE seq = 22");
	rehash(23, 23);
	expect(VG_TAMPER_INSERTED, 23, 23);
}

static void
reordered(void **state)
{
	(void)state;
	make_store(50, 10);
	sql("UPDATE events SET seq = -1 WHERE seq = 31; UPDATE events SET seq = 31 WHERE seq = 32;"
	    " UPDATE events SET seq = 32 WHERE seq = -1");
	expect(VG_TAMPER_REORDERED, 31, 32);
}

static void
truncated(void **state)
{
	struct vg_store *st;
	struct vg_err err;

	(void)state;
	/* Committed but not signed yet (the writer died): the head record still tells. */
	unlink(db);
	st = open_rw(10);
	append_flows(st, 55);
	assert_int_equal(vg_store_flush(st, &err), 0);
	assert_int_equal(vg_store_committed(st), 55);
	vg_store_free(st);
	expect(VG_TAMPER_NONE, 0, 0);
	sql("DELETE FROM events WHERE seq > 52");
	expect(VG_TAMPER_TRUNCATED, 53, 55);
	/* Signed events gone as well: checkpoint 50 still names them. */
	make_store(55, 10);
	sql("DELETE FROM events WHERE seq > 44");
	expect(VG_TAMPER_TRUNCATED, 45, 55);
}

static void
bad_signature(void **state)
{
	struct vg_verify_report r;
	struct vg_store *st;
	struct vg_err err;
	EVP_PKEY *other;
	char other_key[300];

	(void)state;
	make_store(50, 10);
	sql("UPDATE checkpoints SET sig = zeroblob(64) WHERE seq = 20");
	expect(VG_TAMPER_SIGNATURE, 20, 20);
	/* A second key: every checkpoint names the wrong key. */
	make_store(50, 10);
	snprintf(other_key, sizeof(other_key), "%s/other.key", dir);
	unlink(other_key);
	other = vg_key_load_private(other_key, true, NULL, &err);
	assert_non_null(other);
	st = open_ro();
	assert_int_equal(vg_store_verify(st, other, &r, &err), 0);
	assert_int_equal(r.kind, VG_TAMPER_SIGNATURE);
	assert_int_equal(r.first_bad, 10);
	assert_false(r.key_from_store);
	vg_store_free(st);
	EVP_PKEY_free(other);
}

/* The views read the chained events: a hand-made store with known values. */
static void
views(void **state)
{
	struct vg_store *st;
	struct vg_err err;
	sqlite3 *h;
	sqlite3_stmt *q;
	json_t *d;

	(void)state;
	make_store(6, 10);
	st = open_rw(10);
	d = json_pack("{s:s,s:s,s:s,s:{s:s}}", "control", "GR-01", "result", "fail", "severity",
	    "high", "subject", "kind", "flow");
	assert_int_equal(vg_store_append(st, "finding", d, NULL, &err), 0);
	json_decref(d);
	d = json_pack("{s:s,s:s,s:s,s:i}", "path", "p.yaml", "role", "policy", "sha256", "ab",
	    "size", 12);
	assert_int_equal(vg_store_append(st, "config", d, NULL, &err), 0);
	json_decref(d);
	assert_int_equal(vg_store_close(st, &err), 0);
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	/* append_flows(): dst_port 443 + i for i = 0..5, all api.mistral.ai in FR. */
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*), sum(dst_port), min(hostname), "
	    "max(country) FROM flows", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 6);
	assert_int_equal(sqlite3_column_int(q, 1), 6 * 443 + 15);
	assert_string_equal((const char *)sqlite3_column_text(q, 2), "api.mistral.ai");
	assert_string_equal((const char *)sqlite3_column_text(q, 3), "FR");
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT seq, control, result, severity, subject "
	    "FROM findings", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 7);
	assert_string_equal((const char *)sqlite3_column_text(q, 1), "GR-01");
	assert_string_equal((const char *)sqlite3_column_text(q, 4), "flow");
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT path, size FROM config_snapshots", -1, &q,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "p.yaml");
	assert_int_equal(sqlite3_column_int(q, 1), 12);
	sqlite3_finalize(q);
	sqlite3_close(h);
}

static void
prune(void **state)
{
	struct vg_prune_result res;
	struct vg_verify_report r;
	struct vg_store *st;
	struct vg_err err;

	(void)state;
	unlink(db);
	st = open_rw(10);
	append_flows(st, 45);
	assert_int_equal(vg_store_flush(st, &err), 0); /* checkpoints at 10..40, 41..45 unsigned */
	/* Everything is older than "far in the future": pruning stops at a checkpoint. */
	assert_int_equal(vg_store_prune(st, UINT64_C(4102444800000000), &res, &err), 0);
	assert_int_equal(res.anchor_seq, 45);   /* prune signed 45 first */
	assert_int_equal(res.removed, 45);
	assert_int_equal(vg_store_close(st, &err), 0);
	r = verify();
	assert_int_equal(r.kind, VG_TAMPER_NONE);
	assert_int_equal(r.anchor_seq, 45);
	assert_int_equal(r.pruned, 45);
	assert_int_equal(r.events, 1);          /* the prune event */
	assert_int_equal(r.first_seq, 46);
	/* Appending after pruning chains on. */
	st = open_rw(10);
	append_flows(st, 3);
	assert_int_equal(vg_store_close(st, &err), 0);
	r = verify();
	assert_int_equal(r.kind, VG_TAMPER_NONE);
	assert_int_equal(r.last_seq, 49);
	/* A row slipped in before the anchor. */
	sql("INSERT INTO events SELECT 44, ts, type, json, prev, hash FROM events WHERE seq = 47");
	expect(VG_TAMPER_INSERTED, 44, 44);
	/* Nothing old: nothing pruned. */
	make_store(20, 10);
	st = open_rw(10);
	assert_int_equal(vg_store_prune(st, 1, &res, &err), 0);
	assert_int_equal(res.removed, 0);
	vg_store_free(st);
	expect(VG_TAMPER_NONE, 0, 0);
}

static void
uncommitted_is_gone(void **state)
{
	struct vg_verify_report r;
	struct vg_store *st;

	(void)state;
	make_store(20, 10);
	st = open_rw(10);
	append_flows(st, 5); /* batch is 7: not committed */
	assert_int_equal(vg_store_committed(st), 20);
	vg_store_free(st);
	r = verify();
	assert_int_equal(r.kind, VG_TAMPER_NONE);
	assert_int_equal(r.last_seq, 20);
}

static void
open_errors(void **state)
{
	struct vg_store_opts o = { .key_path = keyf, .create = true };
	enum vg_store_errkind kind;
	char other_key[300], junk[300];
	struct vg_err err;
	FILE *fp;

	(void)state;
	make_store(3, 10);
	/* Another key for an existing store. */
	snprintf(other_key, sizeof(other_key), "%s/fresh.key", dir);
	unlink(other_key);
	o.key_path = other_key;
	/* A missing key of an existing store is not replaced by a new one. */
	assert_null(vg_store_open(db, &o, &kind, &err));
	assert_int_equal(kind, VG_STORE_EUSAGE);
	assert_non_null(strstr(err.msg, "No such file"));
	assert_int_equal(access(other_key, F_OK), -1);
	EVP_PKEY_free(vg_key_load_private(other_key, true, NULL, &err));
	assert_null(vg_store_open(db, &o, &kind, &err));
	assert_int_equal(kind, VG_STORE_EUSAGE);
	assert_non_null(strstr(err.msg, "not the key this store was created with"));
	/* A key readable by others. */
	o.key_path = keyf;
	chmod(keyf, 0644);
	assert_null(vg_store_open(db, &o, &kind, &err));
	assert_int_equal(kind, VG_STORE_EUSAGE);
	assert_non_null(strstr(err.msg, "chmod 600"));
	chmod(keyf, 0600);
	/* A newer schema. */
	sql("PRAGMA user_version = 9");
	assert_null(vg_store_open(db, &o, &kind, &err));
	assert_int_equal(kind, VG_STORE_EINPUT);
	assert_non_null(strstr(err.msg, "newer"));
	/* Not SQLite at all, and SQLite that is not ours. */
	snprintf(junk, sizeof(junk), "%s/junk.db", dir);
	fp = fopen(junk, "w");
	fputs("this is not a database, just text that is long enough to look like a header..", fp);
	fclose(fp);
	o.read_only = true;
	assert_null(vg_store_open(junk, &o, &kind, &err));
	assert_int_equal(kind, VG_STORE_EINPUT);
	unlink(junk);
	{
		sqlite3 *h;

		assert_int_equal(sqlite3_open(junk, &h), SQLITE_OK);
		sqlite3_exec(h, "CREATE TABLE t(x)", NULL, NULL, NULL);
		sqlite3_close(h);
	}
	assert_null(vg_store_open(junk, &o, &kind, &err));
	assert_non_null(strstr(err.msg, "not a vigie store"));
	/* Missing, read-only. */
	unlink(junk);
	assert_null(vg_store_open(junk, &o, &kind, &err));
	assert_int_equal(kind, VG_STORE_EINPUT);
	vg_store_free(NULL);
	assert_int_equal(vg_store_close(NULL, &err), 0);
}

static void
foreach_and_cursor(void **state)
{
	struct vg_checkpoint c;
	struct vg_store *st;
	struct vg_err err;
	uint64_t seq;
	int rc;

	(void)state;
	make_store(25, 10);
	st = open_rw(10);
	assert_int_equal(vg_store_cursor_get(st, "syslog", &seq, &err), 0);
	assert_int_equal(seq, 0);
	assert_int_equal(vg_store_cursor_set(st, "syslog", 17, &err), 0);
	assert_int_equal(vg_store_cursor_get(st, "syslog", &seq, &err), 0);
	assert_int_equal(seq, 17);
	rc = vg_store_get_checkpoint(st, 20, &c, &err);
	assert_int_equal(rc, 1);
	assert_int_equal(c.seq, 20);
	EVP_PKEY *k = vg_key_load_private(keyf, false, NULL, &err);
	assert_non_null(k);
	assert_int_equal(vg_ckpt_verify(&c, k), 1);
	c.seq = 21; /* the signature binds the sequence number */
	assert_int_equal(vg_ckpt_verify(&c, k), 0);
	EVP_PKEY_free(k);
	assert_int_equal(vg_store_get_checkpoint(st, 21, &c, &err), 0);
	vg_store_free(st);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(db, sizeof(db), "%s/audit.db", dir);
	snprintf(keyf, sizeof(keyf), "%s/audit.key", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canon_rfc8785_sorting),
		cmocka_unit_test(canon_rfc8785_strings),
		cmocka_unit_test(canon_refuses),
		cmocka_unit_test(chain_hash_value),
		cmocka_unit_test(intact),
		cmocka_unit_test(modified),
		cmocka_unit_test(modified_rehashed),
		cmocka_unit_test(deleted),
		cmocka_unit_test(inserted),
		cmocka_unit_test(reordered),
		cmocka_unit_test(truncated),
		cmocka_unit_test(bad_signature),
		cmocka_unit_test(views),
		cmocka_unit_test(prune),
		cmocka_unit_test(uncommitted_is_gone),
		cmocka_unit_test(open_errors),
		cmocka_unit_test(foreach_and_cursor),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
