/* fuzz_witness.c - witness lines: what is accepted is sane and reads back in each form. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "out_json.h"
#include "witness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz"
#define PREFIX NAME ":7: "
#define LINE_ROOM 1024    /* any item written back in any form fits */

static int
is_lower_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

static int
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

static void
check_item(const struct vg_witness_item *it)
{
	size_t n = strnlen(it->type, sizeof(it->type));

	if (it->kind != VG_WITNESS_EVENT && it->kind != VG_WITNESS_CHECKPOINT)
		abort();
	if (it->form < VG_WITNESS_SYSLOG_NG || it->form > VG_WITNESS_JSONL)
		abort();
	if (it->seq == 0 || n == 0 || n >= sizeof(it->type))
		abort();
	for (size_t i = 0; i < n; i++) {
		char ch = it->type[i];

		if (!(ch >= 'a' && ch <= 'z') && ch != '_' && !(i > 0 && ch >= '0' && ch <= '9'))
			abort();
	}
	if ((it->kind == VG_WITNESS_CHECKPOINT) != (strcmp(it->type, "checkpoint") == 0))
		abort();
	if (it->kind == VG_WITNESS_EVENT) {
		if (!all_zero(&it->ckpt, sizeof(it->ckpt)))
			abort();
		return;
	}
	if (!all_zero(it->prev, sizeof(it->prev)) || it->ckpt.seq != it->seq ||
	    memcmp(it->ckpt.head, it->hash, VG_HASH_LEN) != 0 ||
	    memcmp(it->ckpt.store_id, it->store_id, VG_STORE_ID_LEN) != 0 ||
	    strlen(it->ckpt.key_id) != VG_KEY_ID_HEX)
		abort();
	for (size_t i = 0; i < VG_KEY_ID_HEX; i++)
		if (!is_lower_hex(it->ckpt.key_id[i]))
			abort();
}

static void
check_error(const struct vg_err *err)
{
	if (strncmp(err->msg, PREFIX, strlen(PREFIX)) != 0 || err->msg[strlen(PREFIX)] == '\0')
		abort();
	for (const char *c = err->msg; *c != '\0'; c++)
		if ((unsigned char)*c < ' ' || (unsigned char)*c > '~')
			abort();
}

/* The hex fields of an item, as every form writes them. */
struct hexes {
	char store[2 * VG_STORE_ID_LEN + 1], hash[2 * VG_HASH_LEN + 1], prev[2 * VG_HASH_LEN + 1];
	char sig[2 * VG_SIG_LEN + 1], ts[32];
};

static void
hexes_of(const struct vg_witness_item *it, struct hexes *h)
{
	vg_hex(it->store_id, VG_STORE_ID_LEN, h->store);
	vg_hex(it->hash, VG_HASH_LEN, h->hash);
	vg_hex(it->prev, VG_HASH_LEN, h->prev);
	vg_hex(it->ckpt.sig, VG_SIG_LEN, h->sig);
	vg_format_ts(it->ckpt.ts_us, h->ts, sizeof(h->ts));
}

static int
write_5424(const struct vg_witness_item *it, const struct hexes *h, char *buf, size_t len)
{
	int ck = it->kind == VG_WITNESS_CHECKPOINT;

	return snprintf(buf, len, "<133>1 - - vigie - %s [vigie@32473 store=\"%s\" seq=\"%llu\" "
	    "type=\"%s\" hash=\"%s\"%s%s%s%s]%s%s%s%s%s%s%s msg", it->type, h->store,
	    (unsigned long long)it->seq, it->type, h->hash, ck ? "" : " prev=\"", ck ? "" : h->prev,
	    ck ? "" : "\"", it->truncated ? " truncated=\"1\"" : "",
	    ck ? "[checkpoint@32473 ts=\"" : "", ck ? h->ts : "", ck ? "\" key=\"" : "",
	    ck ? it->ckpt.key_id : "", ck ? "\" sig=\"" : "", ck ? h->sig : "", ck ? "\"]" : "");
}

static int
write_ng(const struct vg_witness_item *it, const struct hexes *h, char *buf, size_t len)
{
	int ck = it->kind == VG_WITNESS_CHECKPOINT;

	return snprintf(buf, len, "{\"msgid\":\"%s\",\"vigie\":{\"store\":\"%s\",\"seq\":\"%llu\","
	    "\"type\":\"%s\",\"hash\":\"%s\"%s%s%s%s}%s%s%s%s%s%s%s}", it->type, h->store,
	    (unsigned long long)it->seq, it->type, h->hash, ck ? "" : ",\"prev\":\"",
	    ck ? "" : h->prev, ck ? "" : "\"", it->truncated ? ",\"truncated\":\"1\"" : "",
	    ck ? ",\"checkpoint\":{\"ts\":\"" : "", ck ? h->ts : "", ck ? "\",\"key\":\"" : "",
	    ck ? it->ckpt.key_id : "", ck ? "\",\"sig\":\"" : "", ck ? h->sig : "",
	    ck ? "\"}" : "");
}

static int
write_jsonl(const struct vg_witness_item *it, const struct hexes *h, char *buf, size_t len)
{
	if (it->kind == VG_WITNESS_CHECKPOINT)
		return snprintf(buf, len, "{\"type\":\"checkpoint\",\"seq\":%llu,\"store\":\"%s\","
		    "\"head\":\"%s\",\"ts\":\"%s\",\"key\":\"%s\",\"sig\":\"%s\"}",
		    (unsigned long long)it->seq, h->store, h->hash, h->ts, it->ckpt.key_id, h->sig);
	return snprintf(buf, len, "{\"seq\":%llu,\"store\":\"%s\",\"hash\":\"%s\",\"prev\":\"%s\","
	    "\"type\":\"%s\",\"data\":{}}", (unsigned long long)it->seq, h->store, h->hash, h->prev,
	    it->type);
}

/* Written back in each form, the item reads back the same (JSON lines have no truncated). */
static void
round_trip(const struct vg_witness_item *it)
{
	static int (*const writers[])(const struct vg_witness_item *, const struct hexes *, char *,
	    size_t) = { write_ng, write_5424, write_jsonl };
	static const enum vg_witness_form forms[] = {
		VG_WITNESS_SYSLOG_NG, VG_WITNESS_RFC5424, VG_WITNESS_JSONL,
	};
	struct hexes h;
	char buf[LINE_ROOM];

	hexes_of(it, &h);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct vg_witness_item want = *it, got;
		struct vg_err err;
		int n;

		if (forms[i] == VG_WITNESS_JSONL && it->seq > INT64_MAX)
			continue; /* a JSON integer is read as a signed 64-bit number */
		n = writers[i](it, &h, buf, sizeof(buf));
		if (n < 0 || (size_t)n >= sizeof(buf))
			abort();
		if (vg_witness_parse_line(NAME, 7, buf, (size_t)n, &got, &err) != 1)
			abort();
		want.form = forms[i];
		if (forms[i] == VG_WITNESS_JSONL)
			want.truncated = false;
		if (memcmp(&want, &got, sizeof(got)) != 0)
			abort();
	}
}

struct tally {
	uint64_t items, errors;
};

static int
on_item(void *arg, const struct vg_witness_item *it)
{
	struct tally *t = arg;

	check_item(it);
	t->items++;
	return 0;
}

static int
on_error(void *arg, const struct vg_err *err)
{
	struct tally *t = arg;
	const char *s = err->msg + strlen(NAME ":");
	unsigned long line;
	int used = 0;

	/* "fuzz:LINE: message", LINE from 1. */
	if (strncmp(err->msg, NAME ":", strlen(NAME ":")) != 0 ||
	    sscanf(s, "%lu: %n", &line, &used) != 1 || used == 0 || line == 0)
		abort();
	t->errors++;
	return 0;
}

/* The input as a file: counts add up, and one plain line reads as vg_witness_parse_line has it. */
static void
as_file(const uint8_t *data, size_t size, int line_rc)
{
	struct tally t = { 0, 0 };
	struct vg_witness_stats st;
	struct vg_err err;
	FILE *fp;

	if (size == 0 || (fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return;
	if (vg_witness_read_fp(NAME, fp, on_item, on_error, &t, &st, &err) != 0)
		abort();
	fclose(fp);
	if (st.items != t.items || st.errors != t.errors ||
	    st.items != st.events + st.checkpoints || st.lines != st.items + st.skipped + st.errors)
		abort();
	if ((st.errors == 0) != (st.first_error.msg[0] == '\0'))
		abort();
	if (memchr(data, '\n', size) == NULL && data[size - 1] != '\r' &&
	    !(data[0] >= '1' && data[0] <= '9')) {
		if (st.lines != 1 || (line_rc == 1) != (st.items == 1) ||
		    (line_rc == -1) != (st.errors == 1))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_witness_item it;
	struct vg_err err;
	int rc;

	if (size > VG_WITNESS_LINE_MAX + 64)
		return 0;
	rc = vg_witness_parse_line(NAME, 7, (const char *)data, size, &it, &err);
	if (rc < -1 || rc > 1)
		abort();
	if (rc != 1 && !all_zero(&it, sizeof(it)))
		abort();
	if (rc == -1)
		check_error(&err);
	if (rc == 1) {
		check_item(&it);
		round_trip(&it);
	}
	as_file(data, size, rc);
	return 0;
}
