/* witness.h - reads a log collected away from the store (a witness) into events and checkpoints. */
#ifndef VG_WITNESS_H
#define VG_WITNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "out_jsonl.h"
#include "yamldoc.h"

/*
 * A line, or an octet-counted frame with its count, longer than this is an
 * error. A JSON-lines event holds up to VG_JSONL_JSON_MAX bytes of event
 * JSON, which the writer may re-serialize a little longer; a syslog-ng line
 * holds a message of at most VG_SYSLOG_MSG_MAX bytes, which JSON escaping
 * can double. A raw RFC 5424 message over VG_SYSLOG_MSG_MAX is refused on
 * its own.
 */
#define VG_WITNESS_LINE_MAX (2 * VG_JSONL_JSON_MAX)
#define VG_WITNESS_COUNT_DIGITS 9       /* digits of an octet count; more is not a frame */
#define VG_WITNESS_SD_ELEMENTS_MAX 32   /* SD-ELEMENTs of one RFC 5424 message */
#define VG_WITNESS_SD_PARAMS_MAX 64     /* SD-PARAMs of one element */
#define VG_WITNESS_VALUE_MAX 256        /* bytes of a value vigie reads, once unescaped */

enum vg_witness_kind {
	VG_WITNESS_EVENT = 1,
	VG_WITNESS_CHECKPOINT,
};

/* Which of the accepted forms a line was in. */
enum vg_witness_form {
	VG_WITNESS_SYSLOG_NG = 1,  /* JSON of contrib/syslog-ng/vigie.conf: {"vigie":{...},...} */
	VG_WITNESS_RFC5424,        /* a raw RFC 5424 message, with or without an octet count */
	VG_WITNESS_JSONL,          /* vigie's own JSON-lines file: {"seq":N,"store":...} */
};

/*
 * What one line says. hash is the event's chain hash, or for a checkpoint
 * the head it signs. For a checkpoint, ckpt is complete (seq, head and
 * store_id repeat the fields above) so that vg_ckpt_verify() can check it;
 * for an event it is all zero.
 */
struct vg_witness_item {
	enum vg_witness_kind kind;
	enum vg_witness_form form;
	uint8_t store_id[VG_STORE_ID_LEN];
	uint64_t seq;                    /* 1 or more */
	uint8_t hash[VG_HASH_LEN];
	uint8_t prev[VG_HASH_LEN];       /* events only */
	char type[VG_EVENT_TYPE_MAX];    /* the event type; "checkpoint" for a checkpoint */
	bool truncated;                  /* the message text was cut (truncated="1") */
	struct vg_checkpoint ckpt;
};

/*
 * One line (without its line end) of a witness. Accepted, after optional
 * leading blanks for JSON:
 *
 *   - a JSON object with a "vigie" member: the syslog-ng form. vigie is an
 *     object of strings store, seq, type, hash, prev (events), truncated
 *     (optional, "1"); a checkpoint also has a "checkpoint" object of
 *     strings ts, key and sig. seq may be a string or an integer; "msgid",
 *     when present, must equal the type. Other members are ignored.
 *   - a JSON object with a "store" member: vigie's JSON-lines format, an
 *     event {"seq":N,"store","hash","prev","ts","type","data"} or a
 *     checkpoint {"type":"checkpoint","seq":N,"store","head","ts","key","sig"}.
 *   - an RFC 5424 message ("<PRI>1 ..."), or "LEN <PRI>1 ..." where LEN
 *     (RFC 6587 octet counting) is exactly the number of bytes after the
 *     space, carrying a [vigie@PEN ...] element (and for a checkpoint a
 *     [checkpoint@PEN ts key sig] element), parsed per RFC 5424 section 6
 *     with the PARAM-VALUE escapes \" \\ \] (a backslash before anything
 *     else is kept with it). MSGID must equal the type.
 *
 * Hex fields must have exactly their length (store 32, hash/prev/head 64,
 * key 16, sig 128 digits, either case); seq is a decimal of at most 20
 * digits without sign or leading zero that fits 64 bits (a JSON integer in
 * the JSON-lines form, so at most 2^63 - 1 there); ts is RFC 3339 UTC with
 * six fractional digits ("2026-01-02T03:04:05.000006Z"), as vigie writes it
 * and signs it.
 *
 * Returns 1 with *it filled; 0 when the line is not vigie's (blank, another
 * program's message, a JSON object of neither form, an RFC 5424 message
 * without a vigie@PEN element, text in any other format); -1 when it is
 * vigie's but malformed, with err->msg "NAME:LINENO: message" (a syntax
 * error names its column, the byte from 1; the message never quotes the
 * line). Counted as malformed whatever they hold, as nobody can tell whose
 * they were: a line over VG_WITNESS_LINE_MAX and a line that starts like
 * JSON ('{') but is not valid JSON (JSON is the witness's own format).
 * A syslog line that breaks RFC 5424, or a frame whose count is wrong, is
 * malformed when it holds "[vigie@PEN" or its APP-NAME is "vigie", and
 * another program's otherwise.
 */
int vg_witness_parse_line(const char *name, unsigned long lineno, const char *line, size_t len,
    struct vg_witness_item *it, struct vg_err *err);

struct vg_witness_stats {
	unsigned long lines;             /* lines and frames read */
	uint64_t items;                  /* events + checkpoints */
	uint64_t events, checkpoints;
	uint64_t skipped;                /* not vigie's, blank lines included */
	uint64_t errors;                 /* malformed vigie lines */
	struct vg_err first_error;       /* the first of them; empty when there is none */
};

/* Called for each item and each malformed line; 0 reads on, a positive value stops. */
typedef int (*vg_witness_item_fn)(void *arg, const struct vg_witness_item *it);
typedef int (*vg_witness_error_fn)(void *arg, const struct vg_err *err);

/*
 * Reads a whole witness, line by line. A line starting with an octet count
 * and a space before '<' is a frame: its count decides where it ends (it may
 * hold line ends of its own), and a line end right after it is skipped, so a
 * raw TCP stream with or without line ends between frames reads as well as
 * a file of one message a line. A CR before a line end is dropped. A line or
 * frame over VG_WITNESS_LINE_MAX is one error and is skipped. Malformed
 * lines are counted, passed to on_error (may be NULL) and reading goes on.
 * st is filled (counts from zero) in every case; the item and error passed to
 * the callbacks live during the call only. Lines are numbered from 1; a
 * frame has the number of the line it starts on.
 *
 * Returns 0 at the end of the file, -1 when it cannot be opened or read (err
 * set to "NAME: ..."), or the positive value a callback stopped with.
 */
int vg_witness_read(const char *path, vg_witness_item_fn on_item, vg_witness_error_fn on_error,
    void *arg, struct vg_witness_stats *st, struct vg_err *err);
/* The same from an open stream, which stays open; name is what messages call it. */
int vg_witness_read_fp(const char *name, FILE *fp, vg_witness_item_fn on_item,
    vg_witness_error_fn on_error, void *arg, struct vg_witness_stats *st, struct vg_err *err);

#endif
