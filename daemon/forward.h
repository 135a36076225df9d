/* forward.h - hands the store's committed events to syslog and JSON-lines outputs, resumably. */
#ifndef VG_FORWARD_H
#define VG_FORWARD_H

#include <stdbool.h>
#include <stdint.h>

#include "out_jsonl.h"
#include "out_syslog.h"
#include "store.h"

/* After a broken connection, what was sent on it is sent again, up to these bounds. */
#define VG_FWD_RESEND_EVENTS 65536
#define VG_FWD_RESEND_BYTES (16u << 20)
#define VG_FWD_TARGETS_MAX 8
#define VG_FWD_NAME_MAX 1100

enum vg_fwd_kind { VG_FWD_SYSLOG, VG_FWD_JSONL };

/* One output. The caller opens s or j and keeps ownership. */
struct vg_fwd_target {
	enum vg_fwd_kind kind;
	struct vg_syslog *s;
	struct vg_jsonl *j;
	char name[VG_FWD_NAME_MAX];  /* the store's cursor name: "syslog:DEST" or "jsonl:PATH" */
};

struct vg_fwd_opts {
	uint64_t from;          /* 0: where the target's cursor stopped, plus one */
	unsigned rate;          /* events per second at most; 0: no limit */
	unsigned retry_secs;    /* how long to keep reconnecting after a failure; 0: 30 */
	unsigned finish_ms;     /* how long to wait for the peer to confirm at the end; 0: 5000 */
};

struct vg_fwd_stats {
	uint64_t sent;           /* events and checkpoints written, re-sent ones included */
	uint64_t resent;         /* of those, sent again after a reconnect */
	uint64_t reconnects;
	uint64_t unformattable;  /* events the target cannot represent (skipped, counted) */
	uint64_t last_seq;       /* the last event handed over */
	bool confirmed;          /* the peer confirmed it read everything (or a file was written) */
	uint64_t cursor;         /* where the next run starts, minus one */
};

/*
 * Sends every committed event from the target's cursor (or o->from) to the
 * head, each checkpoint right after the event it signs, then stores the new
 * cursor: the last event when delivery was confirmed, else the event before
 * the first one sent on the unconfirmed connection, so a later run sends
 * those again. 0, or -1 with err set (what was confirmed is kept).
 */
int vg_forward(struct vg_store *st, struct vg_fwd_target *t, const struct vg_fwd_opts *o,
    struct vg_fwd_stats *stats, struct vg_err *err);

#endif
