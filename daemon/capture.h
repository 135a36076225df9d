/* capture.h - reading pcap and pcapng files (plain or gzip-compressed) through libpcap. */
#ifndef VG_CAPTURE_H
#define VG_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct vg_capture;

enum vg_capture_rc {
	VG_CAP_PACKET = 1,     /* one packet returned */
	VG_CAP_END = 0,        /* clean end of file */
	VG_CAP_TRUNCATED = -1, /* the file ends inside a record: what came before is good */
	VG_CAP_CORRUPT = -2,   /* unreadable record in the middle; err says what */
};

/*
 * Opens a capture file ("-" is standard input). On failure returns NULL
 * and writes a message (without the path) into err. Close with
 * vg_capture_close (NULL ok).
 */
struct vg_capture *vg_capture_open_file(const char *path, char *err, size_t errlen);
void vg_capture_close(struct vg_capture *cap);

int vg_capture_datalink(const struct vg_capture *cap);
const char *vg_capture_datalink_name(const struct vg_capture *cap);

/*
 * Next packet. *data is owned by the capture and valid until the next call.
 * On VG_CAP_CORRUPT or VG_CAP_TRUNCATED, err holds libpcap's reason.
 */
enum vg_capture_rc vg_capture_next(struct vg_capture *cap, uint64_t *ts_us, const uint8_t **data,
    size_t *caplen, size_t *wirelen, char *err, size_t errlen);

/* Bytes consumed and total size for a progress display; size 0 when unknown (pipes). */
void vg_capture_progress(const struct vg_capture *cap, uint64_t *pos, uint64_t *size);

#endif
