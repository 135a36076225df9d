/* forward.c - hands the store's committed events to syslog and JSON-lines outputs, resumably. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "forward.h"

#define RESTART 2 /* a callback's "begin again from f->restart" */

struct fwd {
	struct vg_store *st;
	struct vg_fwd_target *t;
	const struct vg_fwd_opts *o;
	struct vg_fwd_stats *stats;
	struct vg_err *err;
	uint8_t store_id[VG_STORE_ID_LEN];
	uint64_t conn_first;     /* first event sent on this connection; 0: none yet */
	uint64_t window_events;  /* sent on this connection since conn_first */
	uint64_t window_bytes;
	uint64_t high;           /* the highest seq ever sent in this run */
	uint64_t restart;
	uint64_t t0_us, n_rate;
	uint64_t last_resume;        /* where the last reconnect started sending again */
	unsigned stalls;             /* reconnects in a row that started again from there */
	bool failed;
};

/* A collector that drops the connection at the same place every time is not retried forever. */
#define STALLS_MAX 5

static uint64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
sleep_us(uint64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000u), (long)(us % 1000000u) * 1000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void
pace(struct fwd *f)
{
	uint64_t due, now;

	if (f->o->rate == 0)
		return;
	if (f->t0_us == 0)
		f->t0_us = mono_us();
	due = f->t0_us + f->n_rate * 1000000u / f->o->rate;
	f->n_rate++;
	now = mono_us(); /* once: two readings could straddle due and underflow the difference */
	if (due > now)
		sleep_us(due - now);
}

/*
 * Reconnects with growing pauses until retry_secs pass. The events sent on the
 * broken connection may sit unread in either side's socket buffer, so the walk
 * starts again from the oldest of them still in the resend window.
 */
static int
reconnect(struct fwd *f, uint64_t failed_seq)
{
	uint64_t deadline = mono_us() + (uint64_t)(f->o->retry_secs != 0 ? f->o->retry_secs : 30) *
	    1000000u, pause = 100000;
	struct vg_err e2;

	uint64_t resume = f->conn_first != 0 ? f->conn_first : failed_seq;

	/* The window moves on only as connections last: breaking again at its start is no progress. */
	f->stalls = resume == f->last_resume ? f->stalls + 1 : 0;
	f->last_resume = resume;
	if (f->stalls >= STALLS_MAX) {
		snprintf(f->err->msg, sizeof(f->err->msg), "%.180s: %d reconnects in a row that "
		    "started again from event %llu; giving up", f->t->name, STALLS_MAX,
		    (unsigned long long)resume);
		f->failed = true;
		return -1;
	}
	for (;;) {
		if (vg_syslog_reconnect(f->t->s, &e2) == 0)
			break;
		if (mono_us() + pause > deadline) {
			snprintf(f->err->msg, sizeof(f->err->msg), "%.180s: gave up reconnecting: %.280s",
			    f->t->name, e2.msg);
			f->failed = true;
			return -1;
		}
		sleep_us(pause);
		if (pause < 5000000)
			pause *= 2;
	}
	f->stats->reconnects++;
	f->restart = resume;
	f->conn_first = 0;
	f->window_events = f->window_bytes = 0;
	return RESTART;
}

static int
on_event(void *arg, const struct vg_event *e)
{
	struct fwd *f = arg;
	int rc;

	pace(f);
	if (f->t->kind == VG_FWD_JSONL) {
		if (vg_jsonl_write_event(f->t->j, e, f->store_id, f->err) != 0) {
			f->failed = true;
			return -1;
		}
	} else {
		rc = vg_syslog_send_event(f->t->s, e, f->store_id, f->err);
		if (rc == -2) {
			f->stats->unformattable++;
			return 0;
		}
		if (rc != 0)
			return reconnect(f, e->seq);
		/* Bounded resend window: beyond it the oldest events count as delivered. */
		if (f->conn_first == 0 || f->window_events >= VG_FWD_RESEND_EVENTS ||
		    f->window_bytes >= VG_FWD_RESEND_BYTES) {
			f->conn_first = e->seq;
			f->window_events = f->window_bytes = 0;
		}
		f->window_events++;
		f->window_bytes += e->json_len;
	}
	if (e->seq <= f->high)
		f->stats->resent++;
	else
		f->high = e->seq;
	f->stats->sent++;
	f->stats->last_seq = e->seq;
	return 0;
}

static int
on_ckpt(void *arg, const struct vg_checkpoint *c)
{
	struct fwd *f = arg;

	if (f->t->kind == VG_FWD_JSONL) {
		if (vg_jsonl_write_checkpoint(f->t->j, c, f->err) != 0) {
			f->failed = true;
			return -1;
		}
	} else {
		int rc = vg_syslog_send_checkpoint(f->t->s, c, f->err);

		/* Unrepresentable (a malformed key id): skipped, or every reconnect would retry it. */
		if (rc == -2) {
			f->stats->unformattable++;
			return 0;
		}
		if (rc != 0)
			return reconnect(f, c->seq);
	}
	f->stats->sent++;
	return 0;
}

int
vg_forward(struct vg_store *st, struct vg_fwd_target *t, const struct vg_fwd_opts *o,
    struct vg_fwd_stats *stats, struct vg_err *err)
{
	struct fwd f;
	uint64_t cursor, from;
	int rc, fin = 1;

	memset(stats, 0, sizeof(*stats));
	memset(&f, 0, sizeof(f));
	f.st = st;
	f.t = t;
	f.o = o;
	f.stats = stats;
	f.err = err;
	if (vg_store_cursor_get(st, t->name, &cursor, err) != 0)
		return -1;
	memcpy(f.store_id, vg_store_id(st), VG_STORE_ID_LEN);
	from = o->from != 0 ? o->from : cursor + 1;
	stats->cursor = cursor;
	while ((rc = vg_store_foreach(st, from, on_event, on_ckpt, &f, err)) == RESTART)
		from = f.restart;
	if (rc != 0 && !f.failed)
		return -1;
	if (t->kind == VG_FWD_SYSLOG && !f.failed) {
		struct vg_err e2;

		fin = vg_syslog_finish(t->s, o->finish_ms != 0 ? o->finish_ms : 5000, &e2);
	}
	stats->confirmed = !f.failed && fin == 1;
	if (stats->last_seq == 0) {
		/* Nothing sent: the cursor stays where it was. */
	} else if (stats->confirmed) {
		stats->cursor = stats->last_seq;
	} else {
		/* Unconfirmed: what the last connection carried (or was to carry) goes again. */
		uint64_t resume = f.conn_first != 0 ? f.conn_first : f.restart;

		if (resume != 0 && resume - 1 > cursor)
			stats->cursor = resume - 1;
	}
	if (stats->cursor != cursor && vg_store_cursor_set(st, t->name, stats->cursor,
	    f.failed ? &(struct vg_err){ { 0 } } : err) != 0 && !f.failed)
		return -1;
	return f.failed ? -1 : 0;
}
