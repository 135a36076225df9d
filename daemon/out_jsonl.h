/* out_jsonl.h - audit events and checkpoints as JSON lines, in a file logrotate may move. */
#ifndef VG_OUT_JSONL_H
#define VG_OUT_JSONL_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "yamldoc.h"

#define VG_JSONL_JSON_MAX (1u << 20)  /* canonical event JSON accepted at most */
#define VG_JSONL_MODE 0640            /* of a file the writer creates (before the umask) */

struct vg_jsonl;

/*
 * Opens path for appending (created when missing). With sync, every line is fsync'd before
 * the write returns. The handle keeps a copy of path. NULL with err set.
 */
struct vg_jsonl *vg_jsonl_open(const char *path, bool sync, struct vg_err *err);

/*
 * Append one line each, written with a single write(2) when the kernel takes it whole:
 *   {"seq":N,"store":"<hex>","hash":"<hex>","prev":"<hex>","ts":..,"type":..,"data":{..}}
 *   {"type":"checkpoint","seq":N,"store":"<hex>","head":"<hex>","ts":"..","key":"<hex>",
 *    "sig":"<hex>"}
 * ts, type and data are copied from the event's canonical JSON. 0, or -1 with err set: the file
 * could not be (re)opened or written, or the event's JSON is not a canonical event.
 */
int vg_jsonl_write_event(struct vg_jsonl *j, const struct vg_event *e,
    const uint8_t store_id[VG_STORE_ID_LEN], struct vg_err *err);
int vg_jsonl_write_checkpoint(struct vg_jsonl *j, const struct vg_checkpoint *c,
    struct vg_err *err);

/*
 * Asks every open writer to close and reopen its path before its next line, after logrotate
 * moved the file away. Async-signal-safe: meant for the program's SIGHUP handler.
 */
void vg_jsonl_request_reopen(void);

void vg_jsonl_free(struct vg_jsonl *j);

#endif
