/* out_jsonl.c - JSON-lines writer for audit events and checkpoints, reopened after rotation. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "chain.h"
#include "out_json.h"
#include "out_jsonl.h"

#define PATH_LEN_MAX 4096
#define LINE_FIXED_MAX 512  /* a line without ts, type and data */

/* Bumped by vg_jsonl_request_reopen(); a writer whose copy differs reopens its path. */
static volatile sig_atomic_t reopen_gen;

struct vg_jsonl {
	char *path;
	int fd;             /* -1: not open */
	bool sync;
	bool partial;       /* a failed write left part of a line in the file */
	sig_atomic_t gen;   /* reopen_gen when fd was opened */
};

void
vg_jsonl_request_reopen(void)
{
	reopen_gen = reopen_gen < SIG_ATOMIC_MAX ? reopen_gen + 1 : 0;
}

static int
open_path(struct vg_jsonl *j, struct vg_err *err)
{
	sig_atomic_t gen = reopen_gen;
	struct stat st;
	int fd;

	do
		fd = open(j->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		    VG_JSONL_MODE);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", j->path, strerror(errno));
		return -1;
	}
	/* A broken line only matters in the file that holds it. */
	if (j->partial && fstat(fd, &st) == 0 && st.st_size == 0)
		j->partial = false;
	if (j->fd >= 0)
		close(j->fd);
	j->fd = fd;
	j->gen = gen;
	return 0;
}

struct vg_jsonl *
vg_jsonl_open(const char *path, bool sync, struct vg_err *err)
{
	struct vg_jsonl *j;
	size_t n = strnlen(path, PATH_LEN_MAX + 1);

	if (n == 0 || n > PATH_LEN_MAX) {
		snprintf(err->msg, sizeof(err->msg), "JSON-lines path: %s",
		    n == 0 ? "empty" : "too long");
		return NULL;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL || (j->path = strdup(path)) == NULL) {
		free(j);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	j->fd = -1;
	j->sync = sync;
	if (open_path(j, err) != 0) {
		vg_jsonl_free(j);
		return NULL;
	}
	return j;
}

void
vg_jsonl_free(struct vg_jsonl *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	free(j);
}

/* Bytes written before a failure go to *done. */
static int
write_all(int fd, const char *p, size_t n, size_t *done)
{
	ssize_t r;

	*done = 0;
	while (*done < n) {
		r = write(fd, p + *done, n - *done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		*done += (size_t)r;
	}
	return 0;
}

static int
write_line(struct vg_jsonl *j, const char *line, size_t n, struct vg_err *err)
{
	size_t done;

	/* A failed reopen keeps the old file open but unused: the caller re-sends later. */
	if ((j->fd < 0 || j->gen != reopen_gen) && open_path(j, err) != 0)
		return -1;
	if (j->partial) {
		/* End the broken line so that it stands alone and readers can skip it. */
		if (write_all(j->fd, "\n", 1, &done) != 0)
			goto fail;
		j->partial = false;
	}
	if (write_all(j->fd, line, n, &done) != 0) {
		j->partial = done > 0;
		goto fail;
	}
	if (j->sync && fsync(j->fd) != 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: fsync: %s", j->path, strerror(errno));
		return -1;
	}
	return 0;
fail:
	snprintf(err->msg, sizeof(err->msg), "%s: write: %s", j->path,
	    errno != 0 ? strerror(errno) : "nothing written");
	return -1;
}

/*
 * The data member exactly as the canonical text has it. RFC 8785 sorts "data" before "ts"
 * before "type", so the text is {"data":D,"ts":T,"type":Y}; D is taken when the text has that
 * shape and D parses back to the same value. Otherwise the caller serializes data itself.
 */
static bool
raw_data(const struct vg_event *e, json_t *root, json_t *data, const char *ts,
    const char *type, const char **d, size_t *dlen)
{
	static const char head[] = "{\"data\":";
	size_t hl = sizeof(head) - 1, tl = strlen(ts), yl = strlen(type), sl;
	const char *end;
	json_t *back;
	bool same;

	/* ,"ts": T ,"type": Y } */
	sl = 6 + tl + 8 + yl + 1;
	if (json_object_size(root) != 3 || e->json_len < hl + sl ||
	    e->json_len - hl - sl == 0 || memcmp(e->json, head, hl) != 0)
		return false;
	end = e->json + e->json_len - sl;
	if (memcmp(end, ",\"ts\":", 6) != 0 || memcmp(end + 6, ts, tl) != 0 ||
	    memcmp(end + 6 + tl, ",\"type\":", 8) != 0 || memcmp(end + 14 + tl, type, yl) != 0 ||
	    end[14 + tl + yl] != '}')
		return false;
	*d = e->json + hl;
	*dlen = (size_t)(end - *d);
	back = json_loadb(*d, *dlen, JSON_REJECT_DUPLICATES, NULL);
	same = back != NULL && json_equal(back, data);
	json_decref(back);
	return same;
}

int
vg_jsonl_write_event(struct vg_jsonl *j, const struct vg_event *e,
    const uint8_t store_id[VG_STORE_ID_LEN], struct vg_err *err)
{
	char store[2 * VG_STORE_ID_LEN + 1], hash[2 * VG_HASH_LEN + 1], prev[2 * VG_HASH_LEN + 1];
	char *ts = NULL, *type = NULL, *dump = NULL, *line = NULL;
	const char *d;
	size_t dlen, cap;
	json_t *root = NULL, *data;
	json_error_t jerr;
	int n, rc = -1;

	if (e->json == NULL || e->json_len > VG_JSONL_JSON_MAX) {
		snprintf(err->msg, sizeof(err->msg), "event %llu: JSON missing or over %u bytes",
		    (unsigned long long)e->seq, VG_JSONL_JSON_MAX);
		return -1;
	}
	root = json_loadb(e->json, e->json_len, JSON_REJECT_DUPLICATES, &jerr);
	data = json_object_get(root, "data");
	if (!json_is_object(root) || !json_is_string(json_object_get(root, "ts")) ||
	    !json_is_string(json_object_get(root, "type")) || data == NULL) {
		snprintf(err->msg, sizeof(err->msg), "event %llu: not an event's JSON%s%s",
		    (unsigned long long)e->seq, root == NULL ? ": " : "",
		    root == NULL ? jerr.text : "");
		goto out;
	}
	ts = json_dumps(json_object_get(root, "ts"), JSON_ENCODE_ANY | JSON_COMPACT);
	type = json_dumps(json_object_get(root, "type"), JSON_ENCODE_ANY | JSON_COMPACT);
	if (ts == NULL || type == NULL)
		goto oom;
	if (!raw_data(e, root, data, ts, type, &d, &dlen)) {
		dump = json_dumps(data, JSON_ENCODE_ANY | JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (dump == NULL)
			goto oom;
		d = dump;
		dlen = strlen(dump);
	}
	vg_hex(store_id, VG_STORE_ID_LEN, store);
	vg_hex(e->hash, VG_HASH_LEN, hash);
	vg_hex(e->prev, VG_HASH_LEN, prev);
	/* Each part is bounded: the JSON by VG_JSONL_JSON_MAX, the rest by LINE_FIXED_MAX. */
	cap = LINE_FIXED_MAX + strlen(ts) + strlen(type) + dlen;
	if ((line = malloc(cap)) == NULL)
		goto oom;
	n = snprintf(line, cap, "{\"seq\":%llu,\"store\":\"%s\",\"hash\":\"%s\",\"prev\":\"%s\","
	    "\"ts\":%s,\"type\":%s,\"data\":%.*s}\n", (unsigned long long)e->seq, store, hash,
	    prev, ts, type, (int)dlen, d);
	if (n < 0 || (size_t)n >= cap)
		goto oom;
	rc = write_line(j, line, (size_t)n, err);
	goto out;
oom:
	snprintf(err->msg, sizeof(err->msg), "event %llu: out of memory",
	    (unsigned long long)e->seq);
out:
	free(line);
	free(dump);
	free(ts);
	free(type);
	json_decref(root);
	return rc;
}

int
vg_jsonl_write_checkpoint(struct vg_jsonl *j, const struct vg_checkpoint *c,
    struct vg_err *err)
{
	char store[2 * VG_STORE_ID_LEN + 1], head[2 * VG_HASH_LEN + 1], sig[2 * VG_SIG_LEN + 1];
	char ts[32], line[LINE_FIXED_MAX];
	size_t i;
	int n;

	/* The key id goes into the line as is: it must be what vg_key_id() makes. */
	for (i = 0; i < VG_KEY_ID_HEX; i++)
		if (!((c->key_id[i] >= '0' && c->key_id[i] <= '9') ||
		    (c->key_id[i] >= 'a' && c->key_id[i] <= 'f')))
			break;
	if (i != VG_KEY_ID_HEX || c->key_id[i] != '\0') {
		snprintf(err->msg, sizeof(err->msg), "checkpoint %llu: the key id is not %d hex "
		    "digits", (unsigned long long)c->seq, VG_KEY_ID_HEX);
		return -1;
	}
	vg_hex(c->store_id, VG_STORE_ID_LEN, store);
	vg_hex(c->head, VG_HASH_LEN, head);
	vg_hex(c->sig, VG_SIG_LEN, sig);
	vg_format_ts(c->ts_us, ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "{\"type\":\"checkpoint\",\"seq\":%llu,\"store\":\"%s\","
	    "\"head\":\"%s\",\"ts\":\"%s\",\"key\":\"%s\",\"sig\":\"%s\"}\n",
	    (unsigned long long)c->seq, store, head, ts, c->key_id, sig);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		snprintf(err->msg, sizeof(err->msg), "checkpoint %llu: line too long",
		    (unsigned long long)c->seq);
		return -1;
	}
	return write_line(j, line, (size_t)n, err);
}
