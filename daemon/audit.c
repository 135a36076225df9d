/* audit.c - what `scan` and `check` record with --db, and the outputs that follow the store. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "audit.h"
#include "chain.h"
#include "cmd.h"
#include "paths.h"

#define AUDIT_DIR_FILES_MAX 4096 /* files one directory given as policy or rules adds */
#define AUDIT_DIR_DEPTH_MAX 4

struct vg_audit {
	const struct vg_audit_opts *o;
	struct vg_store *st;
	FILE *mem;
	char *buf;
	size_t len;
	bool failed;
	uint64_t files;
};

void
vg_audit_opts_init(struct vg_audit_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->so.facility = VG_SYSLOG_FACILITY_DEFAULT;
}

int
vg_audit_opt(struct vg_audit_opts *o, int c, const char *arg, const char *cmd)
{
	switch (c) {
	case VG_AOPT_DB: o->db = arg; return 1;
	case VG_AOPT_SIGNING_KEY: o->signing_key = arg; return 1;
	case VG_AOPT_JSONL: o->jsonl = arg; return 1;
	case VG_AOPT_SYSLOG_CA: o->so.ca_file = arg; return 1;
	case VG_AOPT_SYSLOG_CERT: o->so.cert_file = arg; return 1;
	case VG_AOPT_SYSLOG_KEY: o->so.key_file = arg; return 1;
	case VG_AOPT_SYSLOG_FACILITY:
		if ((o->so.facility = vg_syslog_parse_facility(arg)) < 0) {
			vg_warn("%s: unknown syslog facility '%s' (kern .. local7)", cmd, arg);
			return -1;
		}
		return 1;
	case VG_AOPT_SYSLOG:
		if (o->n_syslog == VG_FWD_TARGETS_MAX - 1) {
			vg_warn("%s: at most %d --syslog destinations", cmd, VG_FWD_TARGETS_MAX - 1);
			return -1;
		}
		o->syslog[o->n_syslog++] = arg;
		return 1;
	}
	return 0;
}

bool
vg_audit_opts_ok(const struct vg_audit_opts *o, const char *cmd)
{
	if (o->db == NULL && (o->n_syslog > 0 || o->jsonl != NULL || o->signing_key != NULL)) {
		/* Outputs follow the store: what they carry is what the chain holds. */
		vg_warn("%s: --syslog, --jsonl and --signing-key need --db", cmd);
		return false;
	}
	if ((o->so.cert_file == NULL) != (o->so.key_file == NULL)) {
		vg_warn("%s: --syslog-cert and --syslog-key go together", cmd);
		return false;
	}
	return true;
}

static int
append(struct vg_audit *a, const char *type, json_t *data)
{
	struct vg_err err;
	int rc;

	if (data == NULL) {
		vg_warn("%s: out of memory", a->o->db);
		a->failed = true;
		return -1;
	}
	rc = vg_store_append(a->st, type, data, NULL, &err);
	json_decref(data);
	if (rc != 0) {
		vg_warn("%s", err.msg);
		a->failed = true;
	}
	return rc;
}

struct vg_audit *
vg_audit_open(const struct vg_audit_opts *o, const char *cmd, int argc, char **argv, int *ex)
{
	struct vg_store_opts so = { .key_path = o->signing_key, .create = true };
	enum vg_store_errkind kind;
	struct vg_audit *a;
	struct vg_err err;
	char host[256] = "";
	json_t *args;
	int i;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		vg_warn("out of memory");
		*ex = VG_EXIT_INPUT;
		return NULL;
	}
	a->o = o;
	if ((a->st = vg_store_open(o->db, &so, &kind, &err)) == NULL) {
		vg_warn("%s: %s", cmd, err.msg);
		*ex = kind == VG_STORE_EUSAGE ? VG_EXIT_USAGE : VG_EXIT_INPUT;
		free(a);
		return NULL;
	}
	if ((a->mem = open_memstream(&a->buf, &a->len)) == NULL) {
		vg_warn("out of memory");
		vg_store_free(a->st);
		free(a);
		*ex = VG_EXIT_INPUT;
		return NULL;
	}
	gethostname(host, sizeof(host) - 1);
	args = json_array();
	for (i = 1; i < argc && args != NULL; i++)
		json_array_append_new(args, json_string(argv[i]));
	if (append(a, "start", json_pack("{s:s,s:s,s:s,s:I,s:o}", "command", cmd, "version",
	    PACKAGE_VERSION, "host", host, "pid", (json_int_t)getpid(), "args",
	    args != NULL ? args : json_null())) != 0) {
		*ex = VG_EXIT_INPUT;
		fclose(a->mem);
		free(a->buf);
		vg_store_free(a->st);
		free(a);
		return NULL;
	}
	return a;
}

FILE *
vg_audit_stream(struct vg_audit *a)
{
	return a->mem;
}

int
vg_audit_record(struct vg_audit *a, const char *type)
{
	struct vg_err err;
	size_t n;

	if (fflush(a->mem) != 0) {
		a->failed = true;
		return -1;
	}
	n = a->len;
	while (n > 0 && a->buf[n - 1] == '\n')
		n--;
	if (n > 0 && vg_store_append_text(a->st, type, a->buf, n, NULL, &err) != 0) {
		vg_warn("%s: %s", a->o->db, err.msg);
		a->failed = true;
	}
	rewind(a->mem);
	return a->failed ? -1 : 0;
}

static int
hash_file(const char *path, char hex[2 * VG_HASH_LEN + 1], uint64_t *size)
{
	uint8_t buf[65536], md[VG_HASH_LEN];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int mdlen = 0;
	ssize_t n;
	int fd, rc = -1;

	*size = 0;
	if (ctx == NULL)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			goto out;
		*size += (uint64_t)n;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == VG_HASH_LEN) {
		vg_hex(md, VG_HASH_LEN, hex);
		rc = 0;
	}
out:
	close(fd);
	EVP_MD_CTX_free(ctx);
	return rc;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool
yaml_name(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && ((len > 5 && strcmp(n + len - 5, ".yaml") == 0) ||
	    (len > 4 && strcmp(n + len - 4, ".yml") == 0));
}

static int
audit_path(struct vg_audit *a, const char *role, const char *path, unsigned depth)
{
	char hex[2 * VG_HASH_LEN + 1];
	struct stat sb;
	uint64_t size;

	if (stat(path, &sb) != 0)
		return 0; /* the command itself reports what it cannot read */
	if (S_ISDIR(sb.st_mode)) {
		char *names[AUDIT_DIR_FILES_MAX], sub[4096];
		size_t n = 0, i;
		struct dirent *d;
		DIR *dp;
		int rc = 0;

		if (depth >= AUDIT_DIR_DEPTH_MAX || (dp = opendir(path)) == NULL)
			return 0;
		while ((d = readdir(dp)) != NULL) {
			if (d->d_name[0] == '.')
				continue;
			if (n == AUDIT_DIR_FILES_MAX) {
				vg_warn("%s: more than %d entries; the rest are not snapshotted", path,
				    AUDIT_DIR_FILES_MAX);
				break;
			}
			if ((names[n] = strdup(d->d_name)) != NULL)
				n++;
		}
		closedir(dp);
		qsort(names, n, sizeof(names[0]), cmp_str);
		for (i = 0; i < n; i++) {
			snprintf(sub, sizeof(sub), "%s/%s", path, names[i]);
			/* A policy directory's *.test.yaml are tests, not policies: not loaded. */
			if (stat(sub, &sb) == 0 && (S_ISDIR(sb.st_mode) || (yaml_name(names[i]) &&
			    !(strcmp(role, "policy") == 0 && strstr(names[i], ".test.y") != NULL))) &&
			    rc == 0)
				rc = audit_path(a, role, sub, depth + 1);
			free(names[i]);
		}
		return rc;
	}
	if (hash_file(path, hex, &size) != 0)
		return 0;
	a->files++;
	return append(a, "config", json_pack("{s:s,s:s,s:s,s:I}", "path", path, "role", role,
	    "sha256", hex, "size", (json_int_t)size));
}

int
vg_audit_file(struct vg_audit *a, const char *role, const char *path)
{
	return audit_path(a, role, path, 0);
}

static int
open_target(struct vg_fwd_target *t, const struct vg_audit_opts *o, size_t i)
{
	struct vg_err err;

	memset(t, 0, sizeof(*t));
	if (i < o->n_syslog) {
		t->kind = VG_FWD_SYSLOG;
		snprintf(t->name, sizeof(t->name), "syslog:%s", o->syslog[i]);
		if ((t->s = vg_syslog_open(o->syslog[i], &o->so, &err)) == NULL) {
			vg_warn("%s", err.msg); /* names the destination already */
			return -1;
		}
		return 0;
	}
	t->kind = VG_FWD_JSONL;
	snprintf(t->name, sizeof(t->name), "jsonl:%s", o->jsonl);
	if ((t->j = vg_jsonl_open(o->jsonl, false, &err)) == NULL) {
		vg_warn("%s", err.msg);
		return -1;
	}
	return 0;
}

int
vg_audit_forward(struct vg_store *st, const struct vg_audit_opts *o, const struct vg_fwd_opts *fo,
    bool verbose, bool strict)
{
	size_t i, n = o->n_syslog + (o->jsonl != NULL ? 1 : 0);
	int ex = VG_EXIT_OK;

	for (i = 0; i < n; i++) {
		struct vg_fwd_target t;
		struct vg_fwd_stats fs;
		struct vg_err err;
		uint64_t cursor, last;
		char name[VG_FWD_NAME_MAX];

		/* Nothing new for this output: no connection to open (the collector may be away). */
		snprintf(name, sizeof(name), "%s:%s", i < o->n_syslog ? "syslog" : "jsonl",
		    i < o->n_syslog ? o->syslog[i] : o->jsonl);
		if (fo->from == 0 && vg_store_last_seq(st, &last, &err) == 0 &&
		    vg_store_cursor_get(st, name, &cursor, &err) == 0 && cursor >= last) {
			if (verbose)
				fprintf(stderr, "%s: 0 sent, up to event %llu already\n", name,
				    (unsigned long long)cursor);
			continue;
		}
		if (open_target(&t, o, i) != 0) {
			ex = VG_EXIT_INPUT;
			continue;
		}
		if (vg_forward(st, &t, fo, &fs, &err) != 0) {
			vg_warn("%s", err.msg);
			ex = VG_EXIT_INPUT;
		} else if (!fs.confirmed) {
			vg_warn("%s: delivery up to event %llu not confirmed by the peer; the next run "
			    "sends from event %llu again", t.name, (unsigned long long)fs.last_seq,
			    (unsigned long long)(fs.cursor + 1));
			if (strict)
				ex = VG_EXIT_INPUT;
		}
		if (verbose)
			fprintf(stderr, "%s: %llu sent (%llu again after %llu reconnect(s)), up to "
			    "event %llu, %s\n", t.name, (unsigned long long)fs.sent,
			    (unsigned long long)fs.resent, (unsigned long long)fs.reconnects,
			    (unsigned long long)fs.last_seq, fs.confirmed ? "confirmed" :
			    "not confirmed");
		vg_syslog_free(t.s);
		vg_jsonl_free(t.j);
	}
	return ex;
}

int
vg_audit_close(struct vg_audit *a)
{
	struct vg_fwd_opts fo = { 0 };
	struct vg_err err;
	int ex = VG_EXIT_OK;

	if (a == NULL)
		return VG_EXIT_OK;
	fclose(a->mem);
	free(a->buf);
	if (a->failed)
		ex = VG_EXIT_INPUT;
	if (vg_store_checkpoint(a->st, &err) != 0) {
		vg_warn("%s", err.msg);
		ex = VG_EXIT_INPUT;
	}
	if (ex == VG_EXIT_OK) {
		int fx = vg_audit_forward(a->st, a->o, &fo, false, false);

		if (fx != VG_EXIT_OK)
			ex = fx;
	}
	vg_store_free(a->st);
	free(a);
	return ex;
}

struct vg_audit *
vg_cmd_audit_open(const struct vg_audit_opts *o, const char *cmd, int argc, char **argv,
    char *const *pol, size_t n_pol, const char *rules, char *const *man, size_t n_man, int *ex)
{
	struct vg_audit *a = vg_audit_open(o, cmd, argc, argv, ex);
	char buf[4096];
	size_t i;

	if (a == NULL)
		return NULL;
	if (n_pol == 0)
		vg_audit_file(a, "policy", vg_default_policies_dir(buf, sizeof(buf)));
	for (i = 0; i < n_pol; i++)
		if (strcmp(pol[i], "none") != 0)
			vg_audit_file(a, "policy", pol[i]);
	vg_audit_file(a, "rules", rules != NULL ? rules : vg_default_rules_dir(buf, sizeof(buf)));
	for (i = 0; i < n_man; i++)
		vg_audit_file(a, "manifest", man[i]);
	return a;
}
