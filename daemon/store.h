/* store.h - the SQLite audit store: chained events, signed checkpoints, pruning, cursors. */
#ifndef VG_STORE_H
#define VG_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "event.h"
#include "yamldoc.h"

#define VG_STORE_SCHEMA 1              /* PRAGMA user_version of a current store */
#define VG_STORE_APP_ID 0x56494745     /* PRAGMA application_id: "VIGE" */
#define VG_STORE_CKPT_EVENTS 10000     /* default: sign the head after this many events */
#define VG_STORE_CKPT_SECS 60          /* or this many seconds */
#define VG_STORE_BATCH 1000            /* default events per transaction */
#define VG_STORE_BATCH_MAX 100000
#define VG_STORE_CURSOR_NAME_MAX 64

/* Which failures vg_store_open() reports, so the programs can choose an exit code. */
enum vg_store_errkind {
	VG_STORE_EUSAGE = 2,   /* bad option, key that does not match, ... */
	VG_STORE_EINPUT = 3,   /* the file cannot be read or is not a (current) vigie store */
};

struct vg_store_opts {
	const char *key_path;  /* signing key; NULL: "<db>.key". Unused when read_only. */
	bool read_only;        /* verify, report, export: no key, no writes */
	bool no_key;           /* forward: writes cursors, appends nothing, needs no key */
	bool create;           /* create the store (and the key) when missing */
	unsigned batch;        /* events per transaction; 0: VG_STORE_BATCH */
	uint64_t ckpt_events;  /* 0: VG_STORE_CKPT_EVENTS */
	uint64_t ckpt_secs;    /* 0: VG_STORE_CKPT_SECS */
	bool sync_normal;      /* synchronous=NORMAL: survives a crash of vigie, not of the OS */
};

struct vg_store_info {
	uint8_t store_id[VG_STORE_ID_LEN];
	char key_id[VG_KEY_ID_HEX + 1];  /* of the key the store was created with */
	int schema;
	uint64_t first_seq, last_seq;    /* 0, 0: no events */
	uint64_t events;
	uint64_t checkpoints, last_ckpt_seq;
	uint64_t anchor_seq;             /* 0: never pruned */
	uint64_t pruned;                 /* events removed by pruning, in all */
	uint64_t first_ts_us, last_ts_us;
};

struct vg_store;

/*
 * Opens (or with o->create creates) the store at path. A writer takes the
 * signing key (created with mode 0600 on first use) and refuses one that
 * does not match the store's. NULL on error, with err set and *kind telling
 * usage (2) from unreadable input (3); kind may be NULL. Free with
 * vg_store_close() or vg_store_free().
 */
struct vg_store *vg_store_open(const char *path, const struct vg_store_opts *o,
    enum vg_store_errkind *kind, struct vg_err *err);

/*
 * Appends one event of type with data (an object, borrowed) in canonical form.
 * Events are grouped into transactions of o->batch; nothing is committed
 * before vg_store_flush() or a full batch. out (may be NULL) receives the
 * event; its json stays valid until the next append. 0 or -1 (err set; the
 * open transaction is rolled back and what it held is lost).
 */
int vg_store_append(struct vg_store *st, const char *type, const json_t *data,
    struct vg_event *out, struct vg_err *err);
/* The same from JSON text (parsed strictly, then canonicalized). */
int vg_store_append_text(struct vg_store *st, const char *type, const char *json, size_t len,
    struct vg_event *out, struct vg_err *err);
/*
 * The same from data already in canonical form (vg_canon_json's output), for
 * writers that keep it: nothing is parsed. Text that is not canonical is
 * still chained, and vg_store_verify() reports it as modified, so only
 * canonical text may be given.
 */
int vg_store_append_canon(struct vg_store *st, const char *type, const char *data, size_t len,
    struct vg_event *out, struct vg_err *err);
/* Commits the open transaction, with a checkpoint when one is due. 0 or -1. */
int vg_store_flush(struct vg_store *st, struct vg_err *err);
/* Commits and signs the head now, if it is not signed yet. 0 or -1. */
int vg_store_checkpoint(struct vg_store *st, struct vg_err *err);
/* The last event known to be committed (durable at the chosen synchronous level). */
uint64_t vg_store_committed(const struct vg_store *st);

/* Flushes, signs the head, closes. 0 or -1 (the store is freed either way). NULL ok. */
int vg_store_close(struct vg_store *st, struct vg_err *err);
/* Rolls back what is not committed and closes. NULL ok. */
void vg_store_free(struct vg_store *st);

/* Counts over the whole store (full scans: for info and verify, not for every append). */
int vg_store_info(struct vg_store *st, struct vg_store_info *info, struct vg_err *err);
/* The store's identity; valid while st is open. */
const uint8_t *vg_store_id(const struct vg_store *st);
/* The last event's sequence number (an index lookup); 0 when none. 0 or -1 with err set. */
int vg_store_last_seq(struct vg_store *st, uint64_t *seq, struct vg_err *err);
/* The PEM public key recorded in the store; malloc'd, NULL with err set. */
char *vg_store_public_pem(struct vg_store *st, struct vg_err *err);
/* The same as a key for vg_ckpt_verify(); the caller frees it with EVP_PKEY_free. */
EVP_PKEY *vg_store_public_key(struct vg_store *st, struct vg_err *err);

/*
 * Calls on_event for each event with seq >= from, in order, and on_ckpt (may
 * be NULL) right after the event a checkpoint signs. A callback returning
 * nonzero stops the walk and is returned. The event and checkpoint are valid
 * during the call only. -1 on a database error (err set).
 */
int vg_store_foreach(struct vg_store *st, uint64_t from,
    int (*on_event)(void *arg, const struct vg_event *e),
    int (*on_ckpt)(void *arg, const struct vg_checkpoint *c), void *arg, struct vg_err *err);
/* The checkpoint that signs event seq; 1 found, 0 none, -1 error. */
int vg_store_get_checkpoint(struct vg_store *st, uint64_t seq, struct vg_checkpoint *c,
    struct vg_err *err);
/* Where an output stopped: 0 when it never ran. */
int vg_store_cursor_get(struct vg_store *st, const char *name, uint64_t *seq, struct vg_err *err);
int vg_store_cursor_set(struct vg_store *st, const char *name, uint64_t seq, struct vg_err *err);

/* What pruning did. */
struct vg_prune_result {
	uint64_t removed;     /* events deleted now */
	uint64_t anchor_seq;  /* the signed checkpoint the remaining chain now starts from; 0: none */
	uint64_t kept_old;    /* events older than the date kept because no checkpoint follows them */
};

/*
 * Deletes the events appended before before_us, up to the last checkpoint
 * that covers only such events, so the rest still verifies from that signed
 * head (the anchor). Appends a "prune" event saying what was removed, and
 * signs the new head. 0 or -1.
 */
int vg_store_prune(struct vg_store *st, uint64_t before_us, struct vg_prune_result *res,
    struct vg_err *err);

/* The kinds of damage verification tells apart (vigie(1), VERIFY). */
enum vg_tamper {
	VG_TAMPER_NONE,
	VG_TAMPER_MODIFIED,    /* an event's content no longer matches its hash */
	VG_TAMPER_REHASHED,    /* content and hash replaced: caught by links or a signed head */
	VG_TAMPER_DELETED,     /* events missing inside the chain */
	VG_TAMPER_INSERTED,    /* events that were never appended */
	VG_TAMPER_REORDERED,   /* events moved to other sequence numbers */
	VG_TAMPER_TRUNCATED,   /* events missing at the end */
	VG_TAMPER_SIGNATURE,   /* a checkpoint whose signature does not verify */
	VG_TAMPER_WITNESS,     /* the store disagrees with a witness */
};
const char *vg_tamper_name(enum vg_tamper t);

struct vg_verify_report {
	enum vg_tamper kind;
	uint64_t first_bad;         /* sequence number, 0 when not about one event */
	uint64_t last_bad;          /* for a range, else == first_bad */
	char detail[384];
	uint64_t events, checkpoints, signatures_ok;
	uint64_t first_seq, last_seq, anchor_seq, pruned;
	char key_id[VG_KEY_ID_HEX + 1];
	bool key_from_store;        /* no key was given: the store's own was used */
};

/*
 * Walks the whole chain and every checkpoint. key (may be NULL: the public
 * key recorded in the store) checks the signatures. 0 when the check ran
 * (r->kind tells the result), -1 when it could not (err set).
 */
int vg_store_verify(struct vg_store *st, EVP_PKEY *key, struct vg_verify_report *r,
    struct vg_err *err);

#endif
