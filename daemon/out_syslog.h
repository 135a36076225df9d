/* out_syslog.h - audit events and checkpoints as RFC 5424 syslog messages, local or remote. */
#ifndef VG_OUT_SYSLOG_H
#define VG_OUT_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "yamldoc.h"

/* Enterprise number of vigie's SD-IDs (RFC 5612's documentation number until vigie has one). */
#define VG_SYSLOG_PEN "32473"

#define VG_SYSLOG_MSG_MAX 65536         /* bytes of one whole message, framing excluded */
#define VG_SYSLOG_HOSTNAME_MAX 255      /* RFC 5424 section 6 header field limits */
#define VG_SYSLOG_APPNAME_MAX 48
#define VG_SYSLOG_PROCID_MAX 128
#define VG_SYSLOG_MSGID_MAX 32
#define VG_SYSLOG_VALUE_MAX 256         /* bytes of one SD value taken from an event's data */
#define VG_SYSLOG_DATA_MAX (1u << 20)   /* longer event JSON gets no second SD element */
#define VG_SYSLOG_DEST_MAX 1024         /* characters of a destination string */
#define VG_SYSLOG_PORT_TCP "601"        /* RFC 6587 */
#define VG_SYSLOG_PORT_TLS "6514"       /* RFC 5425 */
#define VG_SYSLOG_FACILITY_DEFAULT 16   /* local0 */
#define VG_SYSLOG_TIMEOUT_DEFAULT_MS 5000u
#define VG_SYSLOG_LOCAL_PATH "/dev/log"

/* Severities the messages carry (RFC 5424 table 2). */
#define VG_SYSLOG_SEV_WARNING 4         /* a finding whose result is "fail" */
#define VG_SYSLOG_SEV_NOTICE 5          /* a checkpoint */
#define VG_SYSLOG_SEV_INFO 6            /* every other event */

/* The header fields that do not come from the event. APP-NAME is always "vigie". */
struct vg_syslog_hdr {
	int facility;           /* 0 (kern) to 23 (local7) */
	const char *hostname;   /* NULL or "": "-" */
	const char *procid;     /* NULL or "": "-" */
};

/*
 * One event (or checkpoint) as a complete RFC 5424 message in buf, NUL-terminated, as vigie's
 * syslog contract has it: PRI, header, the [vigie@PEN ...] element, a flow or finding element
 * taken from the event's data, and the canonical JSON as MSG, cut on a UTF-8 boundary (with
 * truncated="1") so that the whole stays within VG_SYSLOG_MSG_MAX. Returns the message length,
 * or -1 with err set when a header field is not valid, the event cannot be represented or
 * len is too small (VG_SYSLOG_MSG_MAX + 1 is always enough).
 */
int vg_syslog_format_event(const struct vg_syslog_hdr *h, const struct vg_event *e,
    const uint8_t store_id[VG_STORE_ID_LEN], char *buf, size_t len, struct vg_err *err);
int vg_syslog_format_checkpoint(const struct vg_syslog_hdr *h, const struct vg_checkpoint *c,
    char *buf, size_t len, struct vg_err *err);

/* "kern" ... "local7" to 0 ... 23; -1 for an unknown name. */
int vg_syslog_parse_facility(const char *name);

struct vg_syslog_opts {
	const char *ca_file;    /* tls: CA certificates (PEM) the server must chain to; required */
	const char *cert_file;  /* tls: client certificate (PEM) for mutual TLS; NULL: none */
	const char *key_file;   /* tls: its private key; given together with cert_file */
	const char *hostname;   /* HOSTNAME; "": "-"; NULL: gethostname(), "-" if unusable */
	int facility;           /* 0 to 23, see vg_syslog_parse_facility() */
	unsigned timeout_ms;    /* connect, each write, each TLS read; 0: the default. Name
	                           resolution (getaddrinfo) has no timeout of its own. */
};

struct vg_syslog;

/*
 * Connects to dest: "local" (VG_SYSLOG_LOCAL_PATH), "unix:PATH" (a datagram socket, or a
 * stream socket with each message NUL-terminated as syslog(3) does), "tcp://HOST[:PORT]" or
 * "tls://HOST[:PORT]" (octet-counted frames, RFC 6587 3.4.1 and RFC 5425; an IPv6 HOST in
 * brackets). o NULL: defaults (no TLS options). Under HAVE_SYSLOG_NG, "evtlog" hands events to
 * syslog-ng's evtlog library instead (see below). NULL with err set on any failure.
 * The handle owns copies of everything it needs; free it with vg_syslog_free().
 */
struct vg_syslog *vg_syslog_open(const char *dest, const struct vg_syslog_opts *o,
    struct vg_err *err);

/*
 * Sends one message. 0: sent (a stream transport has it in its socket buffer: only
 * vg_syslog_finish() confirms delivery). -1: the transport failed or is closed; the connection
 * is closed and the message was not, or not entirely, sent: reconnect and re-send whatever must
 * not be lost. -2: this event cannot be formatted; nothing was sent and the connection is
 * unchanged. err is set on every failure.
 */
int vg_syslog_send_event(struct vg_syslog *s, const struct vg_event *e,
    const uint8_t store_id[VG_STORE_ID_LEN], struct vg_err *err);
int vg_syslog_send_checkpoint(struct vg_syslog *s, const struct vg_checkpoint *c,
    struct vg_err *err);

/* Closes the connection if there is one and connects again. 0 or -1 (err set). */
int vg_syslog_reconnect(struct vg_syslog *s, struct vg_err *err);

/*
 * Ends the connection and tells whether the peer read everything: for tcp and tls, shuts our
 * side (after a TLS close_notify) and waits up to timeout_ms (0: the handle's timeout) for the
 * peer to close its side. 1: the peer closed, after reading all we sent. 0: not confirmed
 * (timeout, reset, evtlog). -1: there was no connection or the shutdown failed (err set).
 * Datagram sockets give 1 (the kernel took each datagram whole). The connection is closed
 * afterwards in every case; vg_syslog_reconnect() opens a new one.
 */
int vg_syslog_finish(struct vg_syslog *s, unsigned timeout_ms, struct vg_err *err);

void vg_syslog_free(struct vg_syslog *s);

#ifdef HAVE_SYSLOG_NG
/*
 * The text evtlog would hand syslog(3) for e: "<type>; store='...', seq='...', ...", with the
 * same names and values as the SD parameters. malloc'd; NULL with err set.
 */
char *vg_syslog_evtlog_text(const struct vg_event *e, const uint8_t store_id[VG_STORE_ID_LEN],
    struct vg_err *err);
#endif

#endif
