/* cmd_db.c - `vigie verify` and `vigie db info|prune|export-key`: the audit store from outside. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "chain.h"
#include "cmd.h"
#include "out_json.h"
#include "store.h"
#include "witness_check.h"

/* EU AI Act Art. 26(6): deployers keep the logs at least six months. */
#define RETENTION_MIN_DAYS 183

static int
open_exit(enum vg_store_errkind kind)
{
	return kind == VG_STORE_EUSAGE ? VG_EXIT_USAGE : VG_EXIT_INPUT;
}

static struct vg_store *
open_ro(const char *cmd, const char *db, int *ex)
{
	struct vg_store_opts o = { .read_only = true };
	enum vg_store_errkind kind;
	struct vg_store *st;
	struct vg_err err;

	if ((st = vg_store_open(db, &o, &kind, &err)) == NULL) {
		vg_warn("%s: %s", cmd, err.msg);
		*ex = open_exit(kind);
	}
	return st;
}

static FILE *
open_out(const char *cmd, const char *path)
{
	FILE *fp;

	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	if ((fp = fopen(path, "w")) == NULL)
		vg_warn("%s: %s: %s", cmd, path, strerror(errno));
	return fp;
}

static int
close_out(const char *cmd, FILE *fp, const char *path)
{
	int bad = ferror(fp) != 0;

	if (fp == stdout)
		bad |= fflush(fp) != 0;
	else
		bad |= fclose(fp) != 0;
	if (bad) {
		vg_warn("%s: writing %s failed", cmd, path != NULL ? path : "standard output");
		return -1;
	}
	return 0;
}

static void
ts_or_dash(uint64_t us, char *buf, size_t len)
{
	if (us == 0)
		snprintf(buf, len, "-");
	else
		vg_format_ts(us, buf, len);
}

int
vg_cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "key", required_argument, NULL, 'k' },
		{ "witness", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *keypath = NULL, *outpath = NULL;
	const char *witness[VG_WITNESS_FILES_MAX];
	size_t n_witness = 0;
	struct vg_verify_report r;
	struct vg_witness_result wr;
	struct vg_store_info info;
	struct vg_store *st;
	EVP_PKEY *key = NULL;
	struct vg_err err;
	bool json = false;
	FILE *out;
	int c, ex = VG_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'k':
			keypath = optarg;
			break;
		case 'w':
			if (n_witness == VG_WITNESS_FILES_MAX) {
				vg_warn("verify: at most %d --witness files", VG_WITNESS_FILES_MAX);
				return VG_EXIT_USAGE;
			}
			witness[n_witness++] = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
				vg_warn("verify: unknown format '%s' (text, json)", optarg);
				return VG_EXIT_USAGE;
			}
			json = strcmp(optarg, "json") == 0;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			printf("usage: vigie verify --db FILE [--key PUBLIC_KEY] [--witness FILE]... "
			    "[-f text|json] [-o FILE]\n");
			return VG_EXIT_OK;
		default:
			return VG_EXIT_USAGE;
		}
	}
	if (db == NULL || optind != argc) {
		vg_warn("verify: usage: vigie verify --db FILE [--key PUBLIC_KEY] [--witness FILE]...");
		return VG_EXIT_USAGE;
	}
	if (keypath != NULL && (key = vg_key_load_public(keypath, &err)) == NULL) {
		vg_warn("verify: %s", err.msg);
		return VG_EXIT_USAGE;
	}
	if ((st = open_ro("verify", db, &ex)) == NULL) {
		EVP_PKEY_free(key);
		return ex;
	}
	if (vg_store_verify(st, key, &r, &err) != 0 || vg_store_info(st, &info, &err) != 0) {
		vg_warn("verify: %s", err.msg);
		vg_store_free(st);
		EVP_PKEY_free(key);
		return VG_EXIT_INPUT;
	}
	memset(&wr, 0, sizeof(wr));
	for (size_t i = 0; i < n_witness && r.kind == VG_TAMPER_NONE; i++) {
		int rc = vg_witness_check(st, key, witness[i], &r, &wr, &err);

		if (rc < 0) {
			vg_warn("verify: %s", err.msg);
			ex = VG_EXIT_INPUT;
		}
	}
	if (wr.malformed > 0)
		vg_warn("verify: %llu malformed vigie line(s) in the witness; the first: %s",
		    (unsigned long long)wr.malformed, wr.first_error);
	if ((out = open_out("verify", outpath)) == NULL) {
		vg_witness_result_free(&wr);
		vg_store_free(st);
		EVP_PKEY_free(key);
		return VG_EXIT_USAGE;
	}
	if (json) {
		char sid[2 * VG_STORE_ID_LEN + 1];
		json_t *o;

		vg_hex(info.store_id, VG_STORE_ID_LEN, sid);
		o = json_pack("{s:s,s:b,s:s,s:s?,s:I,s:I,s:s,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I}",
		    "type", "verify", "ok", r.kind == VG_TAMPER_NONE, "tampering",
		    vg_tamper_name(r.kind), "detail", r.kind == VG_TAMPER_NONE ? NULL : r.detail,
		    "first_bad", (json_int_t)r.first_bad, "last_bad", (json_int_t)r.last_bad,
		    "store", sid, "key_id", r.key_id, "key_from_store", r.key_from_store,
		    "events", (json_int_t)r.events, "first_seq", (json_int_t)r.first_seq,
		    "last_seq", (json_int_t)r.last_seq, "checkpoints", (json_int_t)r.checkpoints,
		    "anchor_seq", (json_int_t)r.anchor_seq, "pruned", (json_int_t)r.pruned);
		if (o != NULL && n_witness > 0)
			json_object_set_new(o, "witness", json_pack(
			    "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			    "events", (json_int_t)wr.events, "checkpoints",
			    (json_int_t)wr.checkpoints, "missing", (json_int_t)wr.missing,
			    "duplicates", (json_int_t)wr.duplicates, "pruned", (json_int_t)wr.pruned,
			    "malformed", (json_int_t)wr.malformed, "unsigned_checkpoints",
			    (json_int_t)wr.unsigned_ckpt, "foreign", (json_int_t)wr.foreign));
		vg_json_write(out, o);
	} else if (r.kind == VG_TAMPER_NONE) {
		char a[32], b[32], sid[2 * VG_STORE_ID_LEN + 1];

		vg_hex(info.store_id, VG_STORE_ID_LEN, sid);
		ts_or_dash(info.first_ts_us, a, sizeof(a));
		ts_or_dash(info.last_ts_us, b, sizeof(b));
		fprintf(out, "%s: intact\n", db);
		fprintf(out, "  store %s, schema %d\n", sid, info.schema);
		fprintf(out, "  events %llu (seq %llu..%llu, %s .. %s)\n",
		    (unsigned long long)r.events, (unsigned long long)r.first_seq,
		    (unsigned long long)r.last_seq, a, b);
		fprintf(out, "  checkpoints %llu, every signature valid, key %s%s\n",
		    (unsigned long long)r.checkpoints, r.key_id,
		    r.key_from_store ? " (the store's own; give --key to check against yours)" : "");
		if (info.last_ckpt_seq < r.last_seq)
			fprintf(out, "  events after the last checkpoint: %llu (chained, not yet "
			    "signed)\n", (unsigned long long)(r.last_seq - info.last_ckpt_seq));
		if (r.anchor_seq != 0)
			fprintf(out, "  pruned %llu event(s); the chain starts from the signed "
			    "checkpoint at %llu\n", (unsigned long long)r.pruned,
			    (unsigned long long)r.anchor_seq);
		if (n_witness > 0)
			fprintf(out, "  witness: %llu checkpoint(s) and %llu event(s) agree; %llu "
			    "event(s) of the store missing from it, %llu duplicate(s), %llu before "
			    "the anchor\n", (unsigned long long)wr.checkpoints,
			    (unsigned long long)wr.events, (unsigned long long)wr.missing,
			    (unsigned long long)wr.duplicates, (unsigned long long)wr.pruned);
		if (n_witness > 0 && (wr.unsigned_ckpt > 0 || wr.foreign > 0))
			fprintf(out, "  witness lines ignored: %llu checkpoint(s) whose signature "
			    "does not verify, %llu of another store\n",
			    (unsigned long long)wr.unsigned_ckpt, (unsigned long long)wr.foreign);
	} else {
		fprintf(out, "%s: TAMPERED: %s at seq %llu", db, vg_tamper_name(r.kind),
		    (unsigned long long)r.first_bad);
		if (r.last_bad > r.first_bad)
			fprintf(out, "..%llu", (unsigned long long)r.last_bad);
		fprintf(out, "\n  %s\n", r.detail);
		fprintf(out, "  %llu event(s) verified before it\n", (unsigned long long)r.events);
	}
	vg_witness_result_free(&wr);
	if (close_out("verify", out, outpath) != 0 && ex == VG_EXIT_OK)
		ex = VG_EXIT_INPUT;
	if (r.kind != VG_TAMPER_NONE)
		ex = VG_EXIT_INTEGRITY;
	vg_store_free(st);
	EVP_PKEY_free(key);
	return ex;
}

static int
db_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct vg_store_info info;
	struct vg_store *st;
	struct vg_err err;
	const char *db = NULL;
	char sid[2 * VG_STORE_ID_LEN + 1], a[32], b[32];
	bool json = false;
	int c, ex = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0))
			json = strcmp(optarg, "json") == 0;
		else
			return VG_EXIT_USAGE;
	}
	if (db == NULL || optind != argc) {
		vg_warn("db info: usage: vigie db info --db FILE [-f text|json]");
		return VG_EXIT_USAGE;
	}
	if ((st = open_ro("db info", db, &ex)) == NULL)
		return ex;
	if (vg_store_info(st, &info, &err) != 0) {
		vg_warn("db info: %s", err.msg);
		vg_store_free(st);
		return VG_EXIT_INPUT;
	}
	vg_hex(info.store_id, VG_STORE_ID_LEN, sid);
	ts_or_dash(info.first_ts_us, a, sizeof(a));
	ts_or_dash(info.last_ts_us, b, sizeof(b));
	if (json)
		vg_json_write(stdout, json_pack("{s:s,s:s,s:i,s:s,s:I,s:I,s:I,s:s,s:s,s:I,s:I,s:I,s:I}",
		    "type", "store", "store", sid, "schema", info.schema, "key_id", info.key_id,
		    "events", (json_int_t)info.events, "first_seq", (json_int_t)info.first_seq,
		    "last_seq", (json_int_t)info.last_seq, "first_ts", a, "last_ts", b,
		    "checkpoints", (json_int_t)info.checkpoints,
		    "last_checkpoint_seq", (json_int_t)info.last_ckpt_seq,
		    "anchor_seq", (json_int_t)info.anchor_seq, "pruned", (json_int_t)info.pruned));
	else
		printf("store %s\nschema %d\nkey %s\nevents %llu (seq %llu..%llu)\nfirst %s\n"
		    "last %s\ncheckpoints %llu (last at %llu)\nanchor %llu (%llu pruned)\n", sid,
		    info.schema, info.key_id, (unsigned long long)info.events,
		    (unsigned long long)info.first_seq, (unsigned long long)info.last_seq, a, b,
		    (unsigned long long)info.checkpoints, (unsigned long long)info.last_ckpt_seq,
		    (unsigned long long)info.anchor_seq, (unsigned long long)info.pruned);
	vg_store_free(st);
	return fflush(stdout) == 0 ? VG_EXIT_OK : VG_EXIT_INPUT;
}

static int
db_export_key(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *outpath = NULL;
	struct vg_store *st;
	struct vg_err err;
	char *pem;
	FILE *out;
	int c, ex = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else if (c == 'o')
			outpath = optarg;
		else
			return VG_EXIT_USAGE;
	}
	if (db == NULL || optind != argc) {
		vg_warn("db export-key: usage: vigie db export-key --db FILE [-o FILE]");
		return VG_EXIT_USAGE;
	}
	if ((st = open_ro("db export-key", db, &ex)) == NULL)
		return ex;
	pem = vg_store_public_pem(st, &err);
	vg_store_free(st);
	if (pem == NULL) {
		vg_warn("db export-key: %s", err.msg);
		return VG_EXIT_INPUT;
	}
	if ((out = open_out("db export-key", outpath)) == NULL) {
		free(pem);
		return VG_EXIT_USAGE;
	}
	fputs(pem, out);
	free(pem);
	return close_out("db export-key", out, outpath) == 0 ? VG_EXIT_OK : VG_EXIT_INPUT;
}

static int
db_prune(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "before", required_argument, NULL, 'b' },
		{ "retention", required_argument, NULL, 'r' },
		{ "signing-key", required_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	struct vg_store_opts so = { 0 };
	struct vg_prune_result res;
	enum vg_store_errkind kind;
	const char *db = NULL, *before = NULL;
	struct vg_store *st;
	struct vg_err err;
	long retention = RETENTION_MIN_DAYS;
	bool force = false, have_retention = false;
	int32_t day, today = (int32_t)(time(NULL) / 86400);
	uint64_t before_us;
	char ts[32];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'b':
			before = optarg;
			break;
		case 'r': {
			char *end;

			errno = 0;
			retention = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || retention < 1 ||
			    retention > 36500) {
				vg_warn("db prune: --retention takes days (1..36500), not '%s'", optarg);
				return VG_EXIT_USAGE;
			}
			have_retention = true;
			break;
		}
		case 'k':
			so.key_path = optarg;
			break;
		case 'F':
			force = true;
			break;
		default:
			return VG_EXIT_USAGE;
		}
	}
	if (db == NULL || optind != argc || (before != NULL && have_retention)) {
		vg_warn("db prune: usage: vigie db prune --db FILE [--before YYYY-MM-DD | "
		    "--retention DAYS] [--force]");
		return VG_EXIT_USAGE;
	}
	if (before != NULL) {
		if (!vg_cmd_date(before, &day))
			return VG_EXIT_USAGE;
	} else {
		day = today - (int32_t)retention;
	}
	if (day > today - RETENTION_MIN_DAYS && !force) {
		vg_warn("db prune: removing events newer than %d days keeps less than the six "
		    "months EU AI Act Art. 26(6) requires of deployers; give --force if another "
		    "law or your own duty allows it", RETENTION_MIN_DAYS);
		return VG_EXIT_USAGE;
	}
	before_us = day < 0 ? 0 : (uint64_t)day * 86400u * 1000000u;
	if ((st = vg_store_open(db, &so, &kind, &err)) == NULL) {
		vg_warn("db prune: %s", err.msg);
		return open_exit(kind);
	}
	if (vg_store_prune(st, before_us, &res, &err) != 0) {
		vg_warn("db prune: %s", err.msg);
		vg_store_free(st);
		return VG_EXIT_INPUT;
	}
	if (vg_store_close(st, &err) != 0) {
		vg_warn("db prune: %s", err.msg);
		return VG_EXIT_INPUT;
	}
	vg_format_ts(before_us, ts, sizeof(ts));
	printf("pruned %llu event(s) appended before %s; the chain now starts after the signed "
	    "checkpoint at %llu\n", (unsigned long long)res.removed, ts,
	    (unsigned long long)res.anchor_seq);
	if (res.kept_old > 0)
		printf("kept %llu older event(s): no checkpoint closes them before %s\n",
		    (unsigned long long)res.kept_old, ts);
	return VG_EXIT_OK;
}

int
vg_cmd_db(int argc, char **argv)
{
	if (argc < 2) {
		vg_warn("db: usage: vigie db info|prune|export-key|forward --db FILE ...");
		return VG_EXIT_USAGE;
	}
	if (strcmp(argv[1], "info") == 0)
		return db_info(argc - 1, argv + 1);
	if (strcmp(argv[1], "prune") == 0)
		return db_prune(argc - 1, argv + 1);
	if (strcmp(argv[1], "export-key") == 0)
		return db_export_key(argc - 1, argv + 1);
	if (strcmp(argv[1], "forward") == 0)
		return vg_cmd_forward(argc - 1, argv + 1);
	vg_warn("db: unknown subcommand '%s' (info, prune, export-key, forward)", argv[1]);
	return VG_EXIT_USAGE;
}
