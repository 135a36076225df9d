/* out_syslog.c - RFC 5424 messages for audit events, over unix datagram, TCP or TLS streams. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#ifdef HAVE_SYSLOG_NG
#include <evtlog.h>
#endif

#include "chain.h"
#include "out_json.h"
#include "out_syslog.h"

#define APP_NAME "vigie"
_Static_assert(sizeof(APP_NAME) - 1 <= VG_SYSLOG_APPNAME_MAX, "APP-NAME too long");

#define FACILITY_MAX 23
#define HOST_NAME_MAX_DNS 253      /* characters of a DNS name in a destination */
#define DATA_PARAMS_MAX 8          /* parameters of the flow or finding element */
/* The flow or finding element: every value escaped at worst doubles. */
#define SD2_MAX (DATA_PARAMS_MAX * (2 * VG_SYSLOG_VALUE_MAX + 32) + 32)
#define FRAME_ROOM 16              /* room before a message for "65536 " */
#define SCRATCH_MAX 4096           /* bytes read at once from a collector that talks back */
#define TIMEOUT_MAX_MS 3600000u    /* an hour: beyond that a timeout is a mistake */
#define DRAIN_MAX 16               /* reads of unexpected collector data before each send */

#ifdef HAVE_SYSLOG_NG
#define DEST_FORMS "local, unix:PATH, tcp://HOST[:PORT], tls://HOST[:PORT] or evtlog"
#else
#define DEST_FORMS "local, unix:PATH, tcp://HOST[:PORT] or tls://HOST[:PORT]"
#endif

static void __attribute__((format(printf, 2, 3)))
set_err(struct vg_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* ---- building messages */

struct sb {
	char *p;
	size_t len, cap;
	bool overflow;
};

static void
sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->overflow || n > b->cap - b->len) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
sb_str(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void
sb_u64(struct sb *b, uint64_t v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%llu", (unsigned long long)v);

	sb_add(b, t, (size_t)n);
}

/* PARAM-VALUE (RFC 5424 section 6.3.3): '"', '\' and ']' take a backslash, nothing else does. */
static void
sb_value(struct sb *b, const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '"' && s[i] != '\\' && s[i] != ']')
			continue;
		sb_add(b, s + run, i - run);
		sb_add(b, "\\", 1);
		run = i;
	}
	sb_add(b, s + run, n - run);
}

static void
sb_param(struct sb *b, const char *name, const char *v, size_t n)
{
	sb_add(b, " ", 1);
	sb_str(b, name);
	sb_add(b, "=\"", 2);
	sb_value(b, v, n);
	sb_add(b, "\"", 1);
}

static void
sb_hex_param(struct sb *b, const char *name, const uint8_t *in, size_t n)
{
	char hex[2 * VG_SIG_LEN + 1];

	vg_hex(in, n, hex);
	sb_param(b, name, hex, 2 * n);
}

/* PRINTUSASCII (%d33-126), from 1 to max characters. */
static bool
printusascii(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || (unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return false;
	return i > 0;
}

static const char *
or_nil(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

static int
put_header(struct sb *b, const struct vg_syslog_hdr *h, int severity, uint64_t ts_us,
    const char *msgid, struct vg_err *err)
{
	const char *host = or_nil(h->hostname), *procid = or_nil(h->procid);
	char ts[32];

	if (h->facility < 0 || h->facility > FACILITY_MAX) {
		set_err(err, "syslog facility %d is not between 0 and %d", h->facility,
		    FACILITY_MAX);
		return -1;
	}
	if (!printusascii(host, VG_SYSLOG_HOSTNAME_MAX)) {
		set_err(err, "syslog HOSTNAME must be 1 to %d printable US-ASCII characters",
		    VG_SYSLOG_HOSTNAME_MAX);
		return -1;
	}
	if (!printusascii(procid, VG_SYSLOG_PROCID_MAX)) {
		set_err(err, "syslog PROCID must be 1 to %d printable US-ASCII characters",
		    VG_SYSLOG_PROCID_MAX);
		return -1;
	}
	if (!printusascii(msgid, VG_SYSLOG_MSGID_MAX)) {
		set_err(err, "syslog MSGID must be 1 to %d printable US-ASCII characters",
		    VG_SYSLOG_MSGID_MAX);
		return -1;
	}
	sb_add(b, "<", 1);
	sb_u64(b, (uint64_t)(h->facility * 8 + severity));
	sb_add(b, ">1 ", 3);
	sb_str(b, vg_format_ts(ts_us, ts, sizeof(ts)));
	sb_add(b, " ", 1);
	sb_str(b, host);
	sb_str(b, " " APP_NAME " ");
	sb_str(b, procid);
	sb_add(b, " ", 1);
	sb_str(b, msgid);
	sb_add(b, " ", 1);
	return 0;
}

/* ---- the second SD element, from the event's data */

struct dfield {
	const char *name;   /* PARAM-NAME */
	const char *key;    /* member of data */
	const char *sub;    /* member of that member, or NULL */
	bool dash;          /* "-" rather than left out when missing */
};

static const struct dfield flow_fields[] = {
	{ "host", "hostname", NULL, true },
	{ "provider", "dest", "provider", false },
	{ "region", "dest", "region", false },
	{ "country", "dest", "country", false },
	{ "dst", "dst_ip", NULL, false },
	{ "port", "dst_port", NULL, false },
	{ "proto", "proto", NULL, false },
};

static const struct dfield finding_fields[] = {
	{ "control", "control", NULL, false },
	{ "result", "result", NULL, false },
	{ "severity", "severity", NULL, false },
	{ "subject", "subject", "kind", false },
};

struct dparams {
	const char *sd_name;        /* "flow" or "finding"; NULL: no element */
	bool failed;                /* a finding whose result is "fail" */
	size_t n;
	struct {
		const char *name;
		const char *v;      /* into root or num */
		size_t len;
		char num[24];
	} p[DATA_PARAMS_MAX];
	json_t *root;
};

_Static_assert(sizeof(flow_fields) / sizeof(flow_fields[0]) <= DATA_PARAMS_MAX, "flow params");
_Static_assert(sizeof(finding_fields) / sizeof(finding_fields[0]) <= DATA_PARAMS_MAX,
    "finding params");

/*
 * A value goes into SD only when it is short and free of control characters: RFC 5424 has no
 * escape for a newline, and a line break would let data forge a second record for a receiver
 * that splits on it. The canonical JSON in MSG keeps the value whatever it is.
 */
static bool
take_value(json_t *v, const char **out, size_t *len, char *num, size_t numlen)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t i, n = json_string_length(v);

		if (n == 0 || n > VG_SYSLOG_VALUE_MAX)
			return false;
		for (i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return false;
		*out = s;
		*len = n;
		return true;
	}
	if (json_is_integer(v)) {
		int k = snprintf(num, numlen, "%lld", (long long)json_integer_value(v));

		if (k < 0 || (size_t)k >= numlen)
			return false;
		*out = num;
		*len = (size_t)k;
		return true;
	}
	return false;
}

/* Fills d from e's data for flow and finding events; anything malformed just leaves fields out. */
static void
data_params(const struct vg_event *e, struct dparams *d)
{
	const struct dfield *f;
	size_t nf, i;
	json_t *data, *v;
	json_error_t jerr;

	memset(d, 0, sizeof(*d));
	if (strcmp(e->type, "flow") == 0) {
		f = flow_fields;
		nf = sizeof(flow_fields) / sizeof(flow_fields[0]);
	} else if (strcmp(e->type, "finding") == 0) {
		f = finding_fields;
		nf = sizeof(finding_fields) / sizeof(finding_fields[0]);
	} else {
		return;
	}
	if (e->json == NULL || e->json_len > VG_SYSLOG_DATA_MAX)
		return;
	d->root = json_loadb(e->json, e->json_len, JSON_REJECT_DUPLICATES, &jerr);
	if ((data = json_object_get(d->root, "data")) == NULL || !json_is_object(data))
		return;
	d->sd_name = f == flow_fields ? "flow" : "finding";
	for (i = 0; i < nf; i++) {
		v = json_object_get(data, f[i].key);
		if (f[i].sub != NULL)
			v = json_is_object(v) ? json_object_get(v, f[i].sub) : NULL;
		d->p[d->n].name = f[i].name;
		if (take_value(v, &d->p[d->n].v, &d->p[d->n].len, d->p[d->n].num,
		    sizeof(d->p[d->n].num))) {
			d->n++;
		} else if (f[i].dash) {
			d->p[d->n].v = "-";
			d->p[d->n].len = 1;
			d->n++;
		}
	}
	v = json_object_get(data, "result");
	d->failed = f == finding_fields && json_is_string(v) &&
	    strcmp(json_string_value(v), "fail") == 0;
	if (d->n == 0)
		d->sd_name = NULL;
}

static int
event_type_ok(const struct vg_event *e, struct vg_err *err)
{
	if (memchr(e->type, '\0', sizeof(e->type)) == NULL ||
	    !printusascii(e->type, VG_SYSLOG_MSGID_MAX)) {
		set_err(err, "event %llu: the type is not 1 to %zu printable US-ASCII characters",
		    (unsigned long long)e->seq, sizeof(e->type) - 1);
		return -1;
	}
	return 0;
}

/* The largest n <= room (room < len) that does not cut a UTF-8 sequence of s. */
static size_t
utf8_cut(const char *s, size_t room)
{
	size_t n = room;

	for (int i = 0; i < 3 && n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80; i++)
		n--;
	return n;
}

int
vg_syslog_format_event(const struct vg_syslog_hdr *h, const struct vg_event *e,
    const uint8_t store_id[VG_STORE_ID_LEN], char *buf, size_t len, struct vg_err *err)
{
	char sd2buf[SD2_MAX];
	struct sb b = { buf, 0, 0, false }, sd2 = { sd2buf, 0, sizeof(sd2buf), false };
	struct dparams d;
	size_t rest, msglen = e->json != NULL ? e->json_len : 0, cut;
	int rc = -1;

	if (len == 0) {
		set_err(err, "event %llu: no room for the syslog message",
		    (unsigned long long)e->seq);
		return -1;
	}
	b.cap = len - 1 < VG_SYSLOG_MSG_MAX ? len - 1 : VG_SYSLOG_MSG_MAX;
	if (event_type_ok(e, err) != 0)
		return -1;
	data_params(e, &d);
	if (put_header(&b, h, d.failed ? VG_SYSLOG_SEV_WARNING : VG_SYSLOG_SEV_INFO, e->ts_us,
	    e->type, err) != 0)
		goto out;
	sb_str(&b, "[vigie@" VG_SYSLOG_PEN);
	sb_hex_param(&b, "store", store_id, VG_STORE_ID_LEN);
	sb_add(&b, " seq=\"", 6);
	sb_u64(&b, e->seq);
	sb_add(&b, "\"", 1);
	sb_param(&b, "type", e->type, strlen(e->type));
	sb_hex_param(&b, "hash", e->hash, VG_HASH_LEN);
	sb_hex_param(&b, "prev", e->prev, VG_HASH_LEN);
	if (d.sd_name != NULL) {
		sb_add(&sd2, "[", 1);
		sb_str(&sd2, d.sd_name);
		sb_str(&sd2, "@" VG_SYSLOG_PEN);
		for (size_t i = 0; i < d.n; i++)
			sb_param(&sd2, d.p[i].name, d.p[i].v, d.p[i].len);
		sb_add(&sd2, "]", 1);
	}
	if (sd2.overflow) {
		set_err(err, "event %llu: structured data too long", (unsigned long long)e->seq);
		goto out;
	}
	rest = 1 + sd2.len + (msglen > 0 ? 1 + msglen : 0);
	if (!b.overflow && rest <= VG_SYSLOG_MSG_MAX - b.len) {
		cut = msglen;
	} else {
		sb_str(&b, " truncated=\"1\"");
		/* The SD is bounded far below the cap, so only MSG can be what is too long. */
		if (b.overflow || 2 + sd2.len > VG_SYSLOG_MSG_MAX - b.len)
			goto small;
		cut = msglen > 0 ? utf8_cut(e->json, VG_SYSLOG_MSG_MAX - b.len - 2 - sd2.len) : 0;
	}
	sb_add(&b, "]", 1);
	sb_add(&b, sd2.p, sd2.len);
	if (msglen > 0) {
		sb_add(&b, " ", 1);
		sb_add(&b, e->json, cut);
	}
	if (b.overflow)
		goto small;
	buf[b.len] = '\0';
	rc = (int)b.len;
	goto out;
small:
	set_err(err, "event %llu: the syslog message does not fit in %zu bytes",
	    (unsigned long long)e->seq, len);
out:
	json_decref(d.root);
	return rc;
}

int
vg_syslog_format_checkpoint(const struct vg_syslog_hdr *h, const struct vg_checkpoint *c,
    char *buf, size_t len, struct vg_err *err)
{
	struct sb b = { buf, 0, len > 0 ? len - 1 : 0, false };
	char ts[32], head[2 * VG_HASH_LEN + 1];
	size_t klen = strnlen(c->key_id, sizeof(c->key_id));

	if (klen == sizeof(c->key_id)) {
		set_err(err, "checkpoint %llu: key id not terminated", (unsigned long long)c->seq);
		return -1;
	}
	if (b.cap > VG_SYSLOG_MSG_MAX)
		b.cap = VG_SYSLOG_MSG_MAX;
	if (put_header(&b, h, VG_SYSLOG_SEV_NOTICE, c->ts_us, "checkpoint", err) != 0)
		return -1;
	vg_hex(c->head, VG_HASH_LEN, head);
	sb_str(&b, "[vigie@" VG_SYSLOG_PEN);
	sb_hex_param(&b, "store", c->store_id, VG_STORE_ID_LEN);
	sb_add(&b, " seq=\"", 6);
	sb_u64(&b, c->seq);
	sb_str(&b, "\" type=\"checkpoint\"");
	sb_param(&b, "hash", head, 2 * VG_HASH_LEN);
	sb_str(&b, "][checkpoint@" VG_SYSLOG_PEN);
	vg_format_ts(c->ts_us, ts, sizeof(ts));
	sb_param(&b, "ts", ts, strlen(ts));
	sb_param(&b, "key", c->key_id, klen);
	sb_hex_param(&b, "sig", c->sig, VG_SIG_LEN);
	sb_str(&b, "] checkpoint seq=");
	sb_u64(&b, c->seq);
	sb_str(&b, " head=");
	sb_str(&b, head);
	if (b.overflow) {
		set_err(err, "checkpoint %llu: the syslog message does not fit in %zu bytes",
		    (unsigned long long)c->seq, len);
		return -1;
	}
	buf[b.len] = '\0';
	return (int)b.len;
}

int
vg_syslog_parse_facility(const char *name)
{
	static const char *const names[] = {
		"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
		"authpriv", "ftp", NULL, NULL, NULL, NULL,
		"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
	};

	for (int i = 0; i <= FACILITY_MAX; i++)
		if (names[i] != NULL && strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

/* ---- transports */

enum sl_kind {
	SL_UNIX,
	SL_TCP,
	SL_TLS,
	SL_EVTLOG,
};

struct vg_syslog {
	enum sl_kind kind;
	char dest[VG_SYSLOG_DEST_MAX + 1];   /* as given, for error messages */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char host[HOST_NAME_MAX_DNS + 1];    /* without brackets */
	char port[6];
	bool host_is_ip;
	int fd;                              /* -1: not connected */
	int socktype;
	SSL_CTX *ctx;
	SSL *ssl;
	BIO_METHOD *biom;
	char hostname[VG_SYSLOG_HOSTNAME_MAX + 1];
	int facility;
	unsigned timeout_ms;
	char *buf;                           /* FRAME_ROOM, then a message and its NUL */
#ifdef HAVE_SYSLOG_NG
	EVTCONTEXT *evt;
#endif
};

static bool
host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_';
}

static int
parse_hostport(struct vg_syslog *s, const char *p, const char *defport, struct vg_err *err)
{
	const char *q, *end;
	size_t n;
	unsigned long port = 0;
	unsigned char a[sizeof(struct in6_addr)];

	if (*p == '[') {
		if ((end = strchr(p, ']')) == NULL) {
			set_err(err, "syslog destination '%s': '[' without ']'", s->dest);
			return -1;
		}
		n = (size_t)(end - p - 1);
		if (n == 0 || n >= INET6_ADDRSTRLEN) {
			set_err(err, "syslog destination '%s': not an IPv6 address in brackets",
			    s->dest);
			return -1;
		}
		memcpy(s->host, p + 1, n);
		s->host[n] = '\0';
		if (inet_pton(AF_INET6, s->host, a) != 1) {
			set_err(err, "syslog destination '%s': '%s' is not an IPv6 address",
			    s->dest, s->host);
			return -1;
		}
		s->host_is_ip = true;
		q = end + 1;
	} else {
		for (q = p; *q != '\0' && *q != ':'; q++) {
			if (!host_char(*q)) {
				set_err(err, "syslog destination '%s': '%c' cannot be part of "
				    "a host name", s->dest, *q);
				return -1;
			}
		}
		n = (size_t)(q - p);
		if (*q == ':' && strchr(q + 1, ':') != NULL) {
			set_err(err, "syslog destination '%s': an IPv6 address goes in brackets, "
			    "[addr]:port", s->dest);
			return -1;
		}
		if (n == 0 || n > HOST_NAME_MAX_DNS) {
			set_err(err, "syslog destination '%s': %s", s->dest,
			    n == 0 ? "no host" : "host name too long");
			return -1;
		}
		memcpy(s->host, p, n);
		s->host[n] = '\0';
		s->host_is_ip = inet_pton(AF_INET, s->host, a) == 1;
	}
	if (*q == '\0') {
		snprintf(s->port, sizeof(s->port), "%s", defport);
		return 0;
	}
	if (*q != ':') {
		set_err(err, "syslog destination '%s': unexpected '%s' after the host", s->dest, q);
		return -1;
	}
	for (n = 0, q++; q[n] != '\0'; n++) {
		if (q[n] < '0' || q[n] > '9' || n >= 5) {
			set_err(err, "syslog destination '%s': the port must be a number from 1 to "
			    "65535", s->dest);
			return -1;
		}
		port = port * 10 + (unsigned long)(q[n] - '0');
	}
	if (n == 0 || port == 0 || port > 65535) {
		set_err(err, "syslog destination '%s': the port must be a number from 1 to 65535",
		    s->dest);
		return -1;
	}
	snprintf(s->port, sizeof(s->port), "%lu", port);
	return 0;
}

static int
parse_dest(struct vg_syslog *s, const char *dest, struct vg_err *err)
{
	size_t n = strnlen(dest, VG_SYSLOG_DEST_MAX + 1);

	if (n == 0 || n > VG_SYSLOG_DEST_MAX) {
		set_err(err, "syslog destination: %s", n == 0 ? "empty" : "too long");
		return -1;
	}
	memcpy(s->dest, dest, n + 1);
	if (strcmp(dest, "local") == 0) {
		s->kind = SL_UNIX;
		snprintf(s->path, sizeof(s->path), "%s", VG_SYSLOG_LOCAL_PATH);
		return 0;
	}
	if (strncmp(dest, "unix:", 5) == 0) {
		s->kind = SL_UNIX;
		if (dest[5] == '\0' || strlen(dest + 5) >= sizeof(s->path)) {
			set_err(err, "syslog destination '%s': the socket path must have 1 to %zu "
			    "characters", dest, sizeof(s->path) - 1);
			return -1;
		}
		memcpy(s->path, dest + 5, strlen(dest + 5) + 1);
		return 0;
	}
	if (strncmp(dest, "tcp://", 6) == 0) {
		s->kind = SL_TCP;
		return parse_hostport(s, dest + 6, VG_SYSLOG_PORT_TCP, err);
	}
	if (strncmp(dest, "tls://", 6) == 0) {
		s->kind = SL_TLS;
		return parse_hostport(s, dest + 6, VG_SYSLOG_PORT_TLS, err);
	}
#ifdef HAVE_SYSLOG_NG
	if (strcmp(dest, "evtlog") == 0) {
		s->kind = SL_EVTLOG;
		return 0;
	}
#endif
	set_err(err, "syslog destination '%s': expected " DEST_FORMS, dest);
	return -1;
}

static int64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int
left_ms(int64_t deadline)
{
	int64_t l = deadline - now_ms();

	return l < 0 ? 0 : (int)l;
}

/* connect() bounded by the deadline; -1 with errno set. */
static int
connect_until(int fd, const struct sockaddr *sa, socklen_t salen, int64_t deadline)
{
	struct pollfd p = { fd, POLLOUT, 0 };
	int flags = fcntl(fd, F_GETFL), soerr = 0, r;
	socklen_t sl = sizeof(soerr);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	if (connect(fd, sa, salen) < 0) {
		if (errno != EINPROGRESS && errno != EINTR)
			return -1;
		do
			r = poll(&p, 1, left_ms(deadline));
		while (r < 0 && errno == EINTR && left_ms(deadline) > 0);
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			return -1;
		if (soerr != 0) {
			errno = soerr;
			return -1;
		}
	}
	return fcntl(fd, F_SETFL, flags);
}

static int
set_timeouts(int fd, unsigned ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -1;
	return 0;
}

static int
connect_unix(struct vg_syslog *s, int64_t deadline, struct vg_err *err)
{
	struct sockaddr_un sun;
	int types[2] = { SOCK_DGRAM, SOCK_STREAM }, saved = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, s->path, strlen(s->path) + 1);
	for (int i = 0; i < 2; i++) {
		if ((s->fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0)) < 0)
			break;
		if (connect_until(s->fd, (struct sockaddr *)&sun, sizeof(sun), deadline) == 0) {
			s->socktype = types[i];
			return 0;
		}
		saved = errno;
		close(s->fd);
		s->fd = -1;
		/* EPROTOTYPE: the listener is a stream socket, as some syslog daemons make it. */
		if (saved != EPROTOTYPE)
			break;
	}
	set_err(err, "syslog %s: connect to %s: %s", s->dest, s->path,
	    strerror(saved != 0 ? saved : errno));
	return -1;
}

static int
connect_tcp(struct vg_syslog *s, int64_t deadline, struct vg_err *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (s->host_is_ip ? AI_NUMERICHOST : 0);
	if ((rc = getaddrinfo(s->host, s->port, &hints, &res)) != 0) {
		set_err(err, "syslog %s: %s: %s", s->dest, s->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((s->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) < 0) {
			saved = errno;
			continue;
		}
		if (connect_until(s->fd, ai->ai_addr, ai->ai_addrlen, deadline) == 0)
			break;
		saved = errno;
		close(s->fd);
		s->fd = -1;
		if (left_ms(deadline) == 0)
			break;
	}
	freeaddrinfo(res);
	if (s->fd < 0) {
		set_err(err, "syslog %s: connect: %s", s->dest, strerror(saved));
		return -1;
	}
	s->socktype = SOCK_STREAM;
	return 0;
}

/*
 * The socket BIO writes with write(2), which raises SIGPIPE on a closed connection; this
 * one sends with MSG_NOSIGNAL so that a collector going away is an error, not the end of vigie.
 */
static int
bio_write(BIO *b, const char *data, int n)
{
	struct vg_syslog *s = BIO_get_data(b);
	ssize_t r;

	BIO_clear_retry_flags(b);
	do
		r = send(s->fd, data, (size_t)n, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : (int)r;
}

static int
bio_read(BIO *b, char *data, int n)
{
	struct vg_syslog *s = BIO_get_data(b);
	ssize_t r;

	BIO_clear_retry_flags(b);
	do
		r = recv(s->fd, data, (size_t)n, 0);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : (int)r;
}

static long
bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static void
ssl_err(struct vg_syslog *s, const char *what, struct vg_err *err)
{
	unsigned long e = ERR_peek_last_error();
	long vr = s->ssl != NULL ? SSL_get_verify_result(s->ssl) : X509_V_OK;
	char buf[256];

	if (vr != X509_V_OK)
		snprintf(buf, sizeof(buf), "certificate verify failed: %s",
		    X509_verify_cert_error_string(vr));
	else if (e != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	else if (errno == EAGAIN || errno == EWOULDBLOCK)
		snprintf(buf, sizeof(buf), "timed out");
	else
		snprintf(buf, sizeof(buf), "%s",
		    errno != 0 ? strerror(errno) : "connection closed");
	set_err(err, "syslog %s: %s: %s", s->dest, what, buf);
	ERR_clear_error();
}

static int
tls_setup(struct vg_syslog *s, const struct vg_syslog_opts *o, struct vg_err *err)
{
	int idx;

	ERR_clear_error();
	if (o->ca_file == NULL || o->ca_file[0] == '\0') {
		set_err(err, "syslog %s: a CA file is required to verify the collector", s->dest);
		return -1;
	}
	if ((o->cert_file == NULL) != (o->key_file == NULL)) {
		set_err(err, "syslog %s: a client certificate and its key go together", s->dest);
		return -1;
	}
	if ((idx = BIO_get_new_index()) == -1 ||
	    (s->ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    (s->biom = BIO_meth_new(idx | BIO_TYPE_SOURCE_SINK, "vigie socket")) == NULL ||
	    BIO_meth_set_write(s->biom, bio_write) != 1 ||
	    BIO_meth_set_read(s->biom, bio_read) != 1 ||
	    BIO_meth_set_ctrl(s->biom, bio_ctrl) != 1 ||
	    SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION) != 1) {
		ssl_err(s, "TLS setup", err);
		return -1;
	}
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	/* OpenSSL 3: a peer closing without close_notify still ends the stream for finish(). */
	SSL_CTX_set_options(s->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
	SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_load_verify_locations(s->ctx, o->ca_file, NULL) != 1) {
		ssl_err(s, o->ca_file, err);
		return -1;
	}
	if (o->cert_file != NULL &&
	    (SSL_CTX_use_certificate_chain_file(s->ctx, o->cert_file) != 1 ||
	    SSL_CTX_use_PrivateKey_file(s->ctx, o->key_file, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(s->ctx) != 1)) {
		ssl_err(s, o->cert_file, err);
		return -1;
	}
	return 0;
}

static int
tls_handshake(struct vg_syslog *s, struct vg_err *err)
{
	BIO *bio;

	ERR_clear_error();
	errno = 0;
	if ((s->ssl = SSL_new(s->ctx)) == NULL || (bio = BIO_new(s->biom)) == NULL) {
		ssl_err(s, "TLS setup", err);
		return -1;
	}
	BIO_set_data(bio, s);
	BIO_set_init(bio, 1);
	SSL_set_bio(s->ssl, bio, bio);
	if (s->host_is_ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->ssl), s->host) != 1) {
			ssl_err(s, "TLS setup", err);
			return -1;
		}
	} else if (SSL_set_tlsext_host_name(s->ssl, s->host) != 1 ||
	    SSL_set1_host(s->ssl, s->host) != 1) {
		ssl_err(s, "TLS setup", err);
		return -1;
	}
	if (SSL_connect(s->ssl) != 1) {
		ssl_err(s, "TLS handshake", err);
		return -1;
	}
	return 0;
}

static void
close_conn(struct vg_syslog *s)
{
	SSL_free(s->ssl);
	s->ssl = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static int
connect_dest(struct vg_syslog *s, struct vg_err *err)
{
	int64_t deadline = now_ms() + s->timeout_ms;

	close_conn(s);
	if (s->kind == SL_EVTLOG)
		return 0;
	if ((s->kind == SL_UNIX ? connect_unix(s, deadline, err) :
	    connect_tcp(s, deadline, err)) != 0)
		return -1;
	if (set_timeouts(s->fd, s->timeout_ms) != 0) {
		set_err(err, "syslog %s: socket timeouts: %s", s->dest, strerror(errno));
		close_conn(s);
		return -1;
	}
	if (s->kind == SL_TLS && tls_handshake(s, err) != 0) {
		close_conn(s);
		return -1;
	}
	return 0;
}

struct vg_syslog *
vg_syslog_open(const char *dest, const struct vg_syslog_opts *o, struct vg_err *err)
{
	static const struct vg_syslog_opts defaults = { .facility = VG_SYSLOG_FACILITY_DEFAULT };
	struct vg_syslog *s;

	if (o == NULL)
		o = &defaults;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		set_err(err, "out of memory");
		return NULL;
	}
	s->fd = -1;
	if (parse_dest(s, dest, err) != 0)
		goto fail;
	if (o->facility < 0 || o->facility > FACILITY_MAX) {
		set_err(err, "syslog facility %d is not between 0 and %d", o->facility,
		    FACILITY_MAX);
		goto fail;
	}
	s->facility = o->facility;
	s->timeout_ms = o->timeout_ms != 0 ? o->timeout_ms : VG_SYSLOG_TIMEOUT_DEFAULT_MS;
	if (s->timeout_ms > TIMEOUT_MAX_MS) {
		set_err(err, "syslog timeout of %u ms is over an hour", s->timeout_ms);
		goto fail;
	}
	if (o->hostname != NULL) {
		if (o->hostname[0] != '\0' && !printusascii(o->hostname, VG_SYSLOG_HOSTNAME_MAX)) {
			set_err(err, "syslog hostname must be 1 to %d printable US-ASCII "
			    "characters", VG_SYSLOG_HOSTNAME_MAX);
			goto fail;
		}
		snprintf(s->hostname, sizeof(s->hostname), "%s", o->hostname);
	} else if (gethostname(s->hostname, sizeof(s->hostname)) != 0 ||
	    memchr(s->hostname, '\0', sizeof(s->hostname)) == NULL ||
	    !printusascii(s->hostname, VG_SYSLOG_HOSTNAME_MAX)) {
		s->hostname[0] = '\0';  /* formatted as "-" */
	}
	if (s->kind != SL_TLS && (o->ca_file != NULL || o->cert_file != NULL ||
	    o->key_file != NULL)) {
		set_err(err, "syslog %s: TLS options need a tls:// destination", s->dest);
		goto fail;
	}
	if (s->kind == SL_TLS && tls_setup(s, o, err) != 0)
		goto fail;
#ifdef HAVE_SYSLOG_NG
	if (s->kind == SL_EVTLOG &&
	    (s->evt = evt_ctx_init(APP_NAME, s->facility << 3)) == NULL) {
		set_err(err, "syslog %s: evtlog context: out of memory", s->dest);
		goto fail;
	}
#endif
	if ((s->buf = malloc(FRAME_ROOM + VG_SYSLOG_MSG_MAX + 1)) == NULL) {
		set_err(err, "out of memory");
		goto fail;
	}
	if (connect_dest(s, err) != 0)
		goto fail;
	return s;
fail:
	vg_syslog_free(s);
	return NULL;
}

int
vg_syslog_reconnect(struct vg_syslog *s, struct vg_err *err)
{
	return connect_dest(s, err);
}

/*
 * A collector never talks on a syslog stream, so the socket turning readable means it
 * closed or reset the connection. Catching that before writing saves the message that would
 * otherwise vanish into a dead connection's send buffer.
 */
static bool
peer_gone(struct vg_syslog *s, struct vg_err *err)
{
	struct pollfd p = { s->fd, POLLIN | POLLRDHUP, 0 };
	char scratch[SCRATCH_MAX];
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	ssize_t r = 1;

	if (poll(&p, 1, 0) <= 0)
		return false;
	if ((p.revents & (POLLERR | POLLHUP | POLLRDHUP)) != 0) {
		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
		set_err(err, "syslog %s: the collector %s the connection", s->dest,
		    soerr == ECONNRESET || (p.revents & POLLERR) != 0 ? "reset" : "closed");
		return true;
	}
	/* TLS may legitimately send session tickets; they wait for finish() to read them. */
	if (s->kind == SL_TLS)
		return false;
	for (int i = 0; i < DRAIN_MAX && (r = recv(s->fd, scratch, sizeof(scratch),
	    MSG_DONTWAIT)) > 0; i++)
		;
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		set_err(err, "syslog %s: the collector closed the connection", s->dest);
		return true;
	}
	return false;
}

/* SO_SNDTIMEO expiring shows as EAGAIN. */
static const char *
send_errstr(int e)
{
	return e == EAGAIN || e == EWOULDBLOCK ? "timed out" : strerror(e);
}

static int
transmit(struct vg_syslog *s, char *msg, size_t n, struct vg_err *err)
{
	char prefix[FRAME_ROOM];
	const char *p = msg;
	size_t left = n;
	ssize_t r;
	int plen;

	if (s->socktype == SOCK_DGRAM) {
		do
			r = send(s->fd, msg, n, MSG_NOSIGNAL);
		while (r < 0 && errno == EINTR);
		if (r == (ssize_t)n)
			return 0;
		set_err(err, "syslog %s: send: %s", s->dest,
		    r >= 0 ? "datagram cut short" : send_errstr(errno));
		close_conn(s);
		return -1;
	}
	if (peer_gone(s, err)) {
		close_conn(s);
		return -1;
	}
	if (s->kind == SL_UNIX) {
		/* syslog(3)'s framing on a stream /dev/log: the message and its NUL. */
		left = n + 1;
	} else {
		plen = snprintf(prefix, sizeof(prefix), "%zu ", n);
		p = msg - plen;
		memcpy(msg - plen, prefix, (size_t)plen);
		left = n + (size_t)plen;
	}
	while (left > 0) {
		size_t w = 0;

		if (s->ssl != NULL) {
			ERR_clear_error();
			errno = 0;
			if (SSL_write_ex(s->ssl, p, left, &w) != 1) {
				ssl_err(s, "TLS write", err);
				close_conn(s);
				return -1;
			}
		} else {
			r = send(s->fd, p, left, MSG_NOSIGNAL);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				set_err(err, "syslog %s: send: %s", s->dest,
				    send_errstr(errno));
				close_conn(s);
				return -1;
			}
			w = (size_t)r;
		}
		p += w;
		left -= w;
	}
	return 0;
}

#ifdef HAVE_SYSLOG_NG
/*
 * evtlog's plain format writes tag='value' and escapes only the quote, so a value holding a
 * backslash could end early and forge the tags after it: such values are left out.
 */
static int
evt_add(EVTREC *r, const char *name, const char *v, size_t n)
{
	EVTTAG *t;

	if (memchr(v, '\\', n) != NULL)
		return 0;
	if ((t = evt_tag_mem(name, v, n)) == NULL)
		return -1;
	evt_rec_add_tag(r, t);
	return 0;
}

static int
evt_add_hex(EVTREC *r, const char *name, const uint8_t *in, size_t n)
{
	char hex[2 * VG_SIG_LEN + 1];

	vg_hex(in, n, hex);
	return evt_add(r, name, hex, 2 * n);
}

static int
evt_add_u64(EVTREC *r, const char *name, uint64_t v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%llu", (unsigned long long)v);

	return evt_add(r, name, t, (size_t)n);
}

static EVTREC *
evt_event(EVTCONTEXT *ctx, int facility, const struct vg_event *e,
    const uint8_t store_id[VG_STORE_ID_LEN], struct vg_err *err)
{
	struct dparams d;
	EVTREC *r = NULL;
	int bad = 0;

	if (event_type_ok(e, err) != 0)
		return NULL;
	data_params(e, &d);
	if ((r = evt_rec_init(ctx, facility << 3 | (d.failed ? EVT_PRI_WARNING : EVT_PRI_INFO),
	    e->type)) == NULL)
		goto oom;
	bad |= evt_add_hex(r, "store", store_id, VG_STORE_ID_LEN);
	bad |= evt_add_u64(r, "seq", e->seq);
	bad |= evt_add(r, "type", e->type, strlen(e->type));
	bad |= evt_add_hex(r, "hash", e->hash, VG_HASH_LEN);
	bad |= evt_add_hex(r, "prev", e->prev, VG_HASH_LEN);
	for (size_t i = 0; i < d.n; i++)
		bad |= evt_add(r, d.p[i].name, d.p[i].v, d.p[i].len);
	if (bad != 0)
		goto oom;
	json_decref(d.root);
	return r;
oom:
	if (r != NULL)
		evt_rec_free(r);
	json_decref(d.root);
	set_err(err, "event %llu: evtlog record: out of memory", (unsigned long long)e->seq);
	return NULL;
}

static EVTREC *
evt_checkpoint(EVTCONTEXT *ctx, int facility, const struct vg_checkpoint *c, struct vg_err *err)
{
	char ts[32];
	size_t klen = strnlen(c->key_id, sizeof(c->key_id));
	EVTREC *r;
	int bad = 0;

	if (klen == sizeof(c->key_id)) {
		set_err(err, "checkpoint %llu: key id not terminated", (unsigned long long)c->seq);
		return NULL;
	}
	if ((r = evt_rec_init(ctx, facility << 3 | EVT_PRI_NOTICE, "checkpoint")) == NULL)
		goto oom;
	bad |= evt_add_hex(r, "store", c->store_id, VG_STORE_ID_LEN);
	bad |= evt_add_u64(r, "seq", c->seq);
	bad |= evt_add(r, "type", "checkpoint", 10);
	bad |= evt_add_hex(r, "hash", c->head, VG_HASH_LEN);
	vg_format_ts(c->ts_us, ts, sizeof(ts));
	bad |= evt_add(r, "ts", ts, strlen(ts));
	bad |= evt_add(r, "key", c->key_id, klen);
	bad |= evt_add_hex(r, "sig", c->sig, VG_SIG_LEN);
	if (bad == 0)
		return r;
	evt_rec_free(r);
oom:
	set_err(err, "checkpoint %llu: evtlog record: out of memory", (unsigned long long)c->seq);
	return NULL;
}

char *
vg_syslog_evtlog_text(const struct vg_event *e, const uint8_t store_id[VG_STORE_ID_LEN],
    struct vg_err *err)
{
	EVTCONTEXT *ctx = evt_ctx_init(APP_NAME, VG_SYSLOG_FACILITY_DEFAULT << 3);
	EVTREC *r;
	char *text = NULL;

	if (ctx == NULL) {
		set_err(err, "evtlog context: out of memory");
		return NULL;
	}
	if ((r = evt_event(ctx, VG_SYSLOG_FACILITY_DEFAULT, e, store_id, err)) != NULL) {
		if ((text = evt_format(r)) == NULL)
			set_err(err, "event %llu: evtlog format: out of memory",
			    (unsigned long long)e->seq);
		evt_rec_free(r);
	}
	evt_ctx_free(ctx);
	return text;
}
#endif

int
vg_syslog_send_event(struct vg_syslog *s, const struct vg_event *e,
    const uint8_t store_id[VG_STORE_ID_LEN], struct vg_err *err)
{
	struct vg_syslog_hdr h;
	char pid[24];
	char *msg = s->buf + FRAME_ROOM;
	int n;

#ifdef HAVE_SYSLOG_NG
	if (s->kind == SL_EVTLOG) {
		EVTREC *r = evt_event(s->evt, s->facility, e, store_id, err);

		if (r == NULL)
			return -2;
		/* syslog(3) underneath: no error ever comes back. */
		evt_log(r);
		return 0;
	}
#endif
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	h = (struct vg_syslog_hdr){ s->facility, s->hostname, pid };
	if ((n = vg_syslog_format_event(&h, e, store_id, msg, VG_SYSLOG_MSG_MAX + 1, err)) < 0)
		return -2;
	if (s->fd < 0) {
		set_err(err, "syslog %s: not connected", s->dest);
		return -1;
	}
	return transmit(s, msg, (size_t)n, err);
}

int
vg_syslog_send_checkpoint(struct vg_syslog *s, const struct vg_checkpoint *c,
    struct vg_err *err)
{
	struct vg_syslog_hdr h;
	char pid[24];
	char *msg = s->buf + FRAME_ROOM;
	int n;

#ifdef HAVE_SYSLOG_NG
	if (s->kind == SL_EVTLOG) {
		EVTREC *r = evt_checkpoint(s->evt, s->facility, c, err);

		if (r == NULL)
			return -2;
		evt_log(r);
		return 0;
	}
#endif
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	h = (struct vg_syslog_hdr){ s->facility, s->hostname, pid };
	if ((n = vg_syslog_format_checkpoint(&h, c, msg, VG_SYSLOG_MSG_MAX + 1, err)) < 0)
		return -2;
	if (s->fd < 0) {
		set_err(err, "syslog %s: not connected", s->dest);
		return -1;
	}
	return transmit(s, msg, (size_t)n, err);
}

/* After our side is shut: 1 when the peer ends its side, 0 on timeout or reset. */
static int
await_close(struct vg_syslog *s, int64_t deadline)
{
	char scratch[SCRATCH_MAX];
	struct pollfd p = { s->fd, POLLIN, 0 };
	ssize_t r;
	int pr;

	for (;;) {
		/* Check the TLS buffer first: the close_notify may already sit there. */
		if (s->ssl == NULL || SSL_pending(s->ssl) == 0) {
			pr = poll(&p, 1, left_ms(deadline));
			if (pr < 0 && errno == EINTR)
				continue;
			if (pr <= 0)
				return 0;
		}
		if (s->ssl != NULL) {
			size_t got;

			ERR_clear_error();
			if (SSL_read_ex(s->ssl, scratch, sizeof(scratch), &got) == 1)
				continue;
			return SSL_get_error(s->ssl, 0) == SSL_ERROR_ZERO_RETURN ? 1 : 0;
		}
		r = recv(s->fd, scratch, sizeof(scratch), MSG_DONTWAIT);
		if (r == 0)
			return 1;
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return 0;
	}
}

int
vg_syslog_finish(struct vg_syslog *s, unsigned timeout_ms, struct vg_err *err)
{
	int64_t deadline;
	int rc;

	if (s->kind == SL_EVTLOG) {
		set_err(err, "syslog %s: syslog(3) confirms nothing", s->dest);
		return 0;
	}
	if (s->fd < 0) {
		set_err(err, "syslog %s: not connected", s->dest);
		return -1;
	}
	if (s->socktype == SOCK_DGRAM) {
		close_conn(s);
		return 1;
	}
	if (timeout_ms == 0)
		timeout_ms = s->timeout_ms;
	if (timeout_ms > TIMEOUT_MAX_MS)
		timeout_ms = TIMEOUT_MAX_MS;
	deadline = now_ms() + timeout_ms;
	/* SSL reads below block in recv() at most this long past the deadline. */
	set_timeouts(s->fd, timeout_ms);
	if (s->ssl != NULL) {
		ERR_clear_error();
		if (SSL_shutdown(s->ssl) < 0) {
			ssl_err(s, "TLS close_notify", err);
			close_conn(s);
			return 0;
		}
	}
	if (shutdown(s->fd, SHUT_WR) != 0) {
		set_err(err, "syslog %s: shutdown: %s", s->dest, strerror(errno));
		close_conn(s);
		return 0;
	}
	rc = await_close(s, deadline);
	if (rc == 0)
		set_err(err, "syslog %s: the collector did not confirm within %u ms", s->dest,
		    timeout_ms);
	close_conn(s);
	return rc;
}

void
vg_syslog_free(struct vg_syslog *s)
{
	if (s == NULL)
		return;
	close_conn(s);
	SSL_CTX_free(s->ctx);
	BIO_meth_free(s->biom);
#ifdef HAVE_SYSLOG_NG
	if (s->evt != NULL)
		evt_ctx_free(s->evt);
#endif
	free(s->buf);
	free(s);
}
