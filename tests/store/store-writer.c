/* store-writer.c - appends synthetic flow events to a store, for the crash test and benchmark. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "canon.h"
#include "store.h"

/*
 * Prints "committed N" after each commit, flushed, so a test that kills this
 * process knows which events the store promised to keep.
 */

#define POOL 4096 /* distinct rows, made before the clock starts and used in turn */

static json_t *
flow(uint64_t i)
{
	static const char *const hosts[] = { "api.openai.com", "api.mistral.ai",
	    "bedrock-runtime.eu-central-1.amazonaws.com", "europe-west4-aiplatform.googleapis.com" };
	static const char *const prov[] = { "openai", "mistral", "aws", "google" };
	static const char *const country[] = { "US", "FR", "DE", "NL" };
	char ip[32], ts[40];
	unsigned k = (unsigned)(i % 4);

	snprintf(ip, sizeof(ip), "10.%u.%u.%u", (unsigned)(i >> 16) & 255,
	    (unsigned)(i >> 8) & 255, (unsigned)i & 255);
	snprintf(ts, sizeof(ts), "2026-11-01T10:%02u:%02u.%06uZ", (unsigned)(i / 60) % 60,
	    (unsigned)i % 60, (unsigned)(i * 7919) % 1000000);
	return json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:i,s:s,s:s,s:I,s:I,s:{s:s,s:s,s:s,s:s,s:[s]}}",
	    "type", "flow", "ts_start", ts, "proto", "tcp", "src_ip", "192.0.2.10", "src_port",
	    40000 + (int)(i % 20000), "dst_ip", ip, "dst_port", 443, "hostname", hosts[k],
	    "hostname_source", "tls", "bytes_out", (json_int_t)(1000 + i % 5000),
	    "bytes_in", (json_int_t)(4000 + i % 9000), "dest", "provider", prov[k],
	    "region", k == 0 ? "unknown" : "eu", "country", country[k], "basis", "hostname",
	    "jurisdiction", k == 0 ? "third-country" : "eu");
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The baseline: the same rows' JSON inserted into a bare table, same batching and pragmas. */
static int
plain(const char *path, uint64_t n, unsigned batch, bool sync_normal)
{
	static char *texts[POOL];
	sqlite3 *db;
	sqlite3_stmt *ins;
	double t0;
	uint64_t i;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	sqlite3_exec(db, sync_normal ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL",
	    NULL, NULL, NULL);
	sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, ts INTEGER, "
	    "type TEXT, json TEXT)", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "INSERT INTO events(ts, type, json) VALUES(?,?,?)", -1, &ins,
	    NULL) != SQLITE_OK)
		return 1;
	for (i = 0; i < POOL; i++) {
		json_t *d = flow(i);

		struct vg_buf b = { 0 };
		struct vg_err err;

		if (vg_canon_json(d, &b, &err) != 0)
			return 1;
		texts[i] = b.p;
		json_decref(d);
	}
	t0 = now();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (i = 0; i < n; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)i);
		sqlite3_bind_text(ins, 2, "flow", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, texts[i % POOL], -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			return 1;
		if ((i + 1) % batch == 0) {
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
			sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		}
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	printf("plain %llu events %.3f s\n", (unsigned long long)n, now() - t0);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	for (i = 0; i < POOL; i++)
		free(texts[i]);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "events", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "key", required_argument, NULL, 'k' },
		{ "plain", no_argument, NULL, 'p' },
		{ "sync-normal", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "objects", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	static json_t *pool[POOL];
	static char *texts[POOL];
	struct vg_store_opts o = { .create = true };
	const char *db = NULL;
	uint64_t n = 1000, i, last = 0;
	bool is_plain = false, quiet = false, objects = false;
	struct vg_store *st;
	struct vg_err err;
	double t0;
	int c;

	o.batch = 1000;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'b': o.batch = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'k': o.key_path = optarg; break;
		case 'p': is_plain = true; break;
		case 's': o.sync_normal = true; break;
		case 'q': quiet = true; break;
		case 'o': objects = true; break;
		default: return 2;
		}
	}
	if (db == NULL || o.batch == 0) {
		fprintf(stderr, "usage: store-writer --db FILE [--events N] [--batch B] [--key K] "
		    "[--plain] [--sync-normal] [--quiet]\n");
		return 2;
	}
	if (is_plain)
		return plain(db, n, o.batch, o.sync_normal);
	if ((st = vg_store_open(db, &o, NULL, &err)) == NULL) {
		fprintf(stderr, "store-writer: %s\n", err.msg);
		return 3;
	}
	for (i = 0; i < POOL; i++) {
		struct vg_buf b = { 0 };

		pool[i] = flow(i);
		if (vg_canon_json(pool[i], &b, &err) != 0)
			return 3;
		texts[i] = b.p;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		/* Default: the same text the plain baseline inserts; --objects: from jansson values. */
		int rc = objects ? vg_store_append(st, "flow", pool[i % POOL], NULL, &err) :
		    vg_store_append_canon(st, "flow", texts[i % POOL], strlen(texts[i % POOL]), NULL,
		    &err);

		if (rc != 0) {
			fprintf(stderr, "store-writer: %s\n", err.msg);
			vg_store_free(st);
			return 3;
		}
		if (!quiet && vg_store_committed(st) != last) {
			last = vg_store_committed(st);
			printf("committed %llu\n", (unsigned long long)last);
			fflush(stdout);
		}
	}
	if (vg_store_close(st, &err) != 0) {
		fprintf(stderr, "store-writer: %s\n", err.msg);
		return 3;
	}
	printf("chained %llu events %.3f s\n", (unsigned long long)n, now() - t0);
	for (i = 0; i < POOL; i++) {
		json_decref(pool[i]);
		free(texts[i]);
	}
	return 0;
}
