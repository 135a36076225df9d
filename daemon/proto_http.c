/* proto_http.c - HTTP/1.x request head parser: request line, header syntax, Host. */
#include <string.h>

#include "cursor.h"
#include "proto_http.h"

/* RFC 9110 §5.6.2: tchar, the bytes a token (method, field name) is made of. */
static bool
http_tchar(uint8_t ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
		return true;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* RFC 9110 §5.5: field-value bytes are VCHAR, obs-text, SP and HTAB. */
static bool
http_field_byte(uint8_t ch)
{
	return ch == ' ' || ch == '\t' || (ch >= 0x21 && ch != 0x7f);
}

/* RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static bool
http_scheme_byte(uint8_t ch, bool first)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
		return true;
	return !first && ((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.');
}

/*
 * Carves the next line into *line without its terminator. RFC 9112 §2.2:
 * lines end in CRLF, but a bare LF is accepted. Returns false when no LF is
 * in the window yet.
 */
static bool
http_line(struct vg_cur *c, struct vg_cur *line)
{
	size_t i, n;
	uint8_t ch;

	for (i = 0; vg_cur_peek(c, i, &ch); i++)
		if (ch == '\n')
			break;
	if (!vg_cur_peek(c, i, &ch))
		return false;
	n = i;
	if (n > 0 && vg_cur_peek(c, n - 1, &ch) && ch == '\r')
		n--;
	vg_cur_sub(c, n, line);
	vg_cur_skip(c, i - n + 1);
	return true;
}

/* Reads bytes up to (not including) the next SP of the line into *tok. */
static bool
http_until_sp(struct vg_cur *line, struct vg_cur *tok)
{
	size_t i;
	uint8_t ch;

	for (i = 0; vg_cur_peek(line, i, &ch) && ch != ' '; i++)
		;
	if (!vg_cur_peek(line, i, &ch))
		return false;
	vg_cur_sub(line, i, tok);
	vg_cur_skip(line, 1);
	return true;
}

static bool
http_eq_nocase(const struct vg_cur *tok, const char *s)
{
	struct vg_cur c = *tok;
	uint8_t ch;

	if (vg_cur_len(&c) != strlen(s))
		return false;
	for (; vg_cur_u8(&c, &ch); s++) {
		if (ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch - 'A' + 'a');
		if (ch != (uint8_t)*s)
			return false;
	}
	return true;
}

/* True when the line contains "HTTP/": a request line that meant to be HTTP. */
static bool
http_mentions_version(const struct vg_cur *line)
{
	static const char tag[] = "HTTP/";
	struct vg_cur c = *line;
	size_t i;
	uint8_t ch;

	while (vg_cur_left(&c) >= sizeof(tag) - 1) {
		for (i = 0; i < sizeof(tag) - 1 && vg_cur_peek(&c, i, &ch) && ch == (uint8_t)tag[i]; i++)
			;
		if (i == sizeof(tag) - 1)
			return true;
		vg_cur_skip(&c, 1);
	}
	return false;
}

/*
 * request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
 * The method was checked already; this parses the whole line. A broken
 * line that still names an HTTP version is an HTTP client getting it
 * wrong: counted, *target left empty, and DONE so the caller reads the
 * header fields, since the Host there still names the destination. A
 * broken line that names no version (HTTP/0.9, SMTP's "EHLO host") is
 * NOMATCH: not the HTTP/1.x this parser reports on.
 */
static enum vg_parse_rc
http_request_line(struct vg_cur *line, struct vg_http_request *out, struct vg_cur *target,
    bool *bad_line)
{
	const struct vg_cur whole = *line;
	struct vg_cur method, t;
	uint8_t ch, ver[8];

	if (!http_until_sp(line, &method))
		goto bad;
	vg_cur_copy(&method, out->method, vg_cur_len(&method));
	out->method[vg_cur_len(&method)] = '\0';
	if (!http_until_sp(line, target))
		goto bad;
	/* No whitespace or controls inside the target (RFC 9112 §3.2). */
	if (vg_cur_empty(target))
		goto bad;
	for (t = *target; vg_cur_u8(&t, &ch);)
		if (ch <= 0x20 || ch == 0x7f)
			goto bad;
	/* HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3). */
	if (vg_cur_left(line) != sizeof(ver) || !vg_cur_copy(line, ver, sizeof(ver)) ||
	    memcmp(ver, "HTTP/", 5) != 0 || ver[6] != '.' || ver[7] < '0' || ver[7] > '9')
		goto bad;
	if (ver[5] != '1') {
		/* The HTTP/2 connection preface (RFC 9113 §3.4) is another protocol. */
		if (ver[5] == '2' && ver[7] == '0' && strcmp(out->method, "PRI") == 0)
			return VG_PARSE_NOMATCH;
		goto bad;
	}
	out->version_minor = (uint8_t)(ver[7] - '0');
	return VG_PARSE_DONE;
bad:
	if (!http_mentions_version(&whole)) {
		out->method[0] = '\0';
		return VG_PARSE_NOMATCH;
	}
	*bad_line = true;
	vg_cur_init(target, NULL, 0);
	out->version_minor = 0; /* unknown: no missing-Host anomaly on top */
	return VG_PARSE_DONE;
}

/*
 * field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). Sets *value
 * to the OWS-trimmed value when the name is Host.
 */
static bool
http_field_line(struct vg_cur *line, bool *is_host, struct vg_cur *value)
{
	struct vg_cur name, v;
	size_t i, n, lead, trail;
	uint8_t ch;

	*is_host = false;
	/*
	 * A line starting with whitespace is obs-fold (RFC 9112 §5.2) or
	 * whitespace before the first field (§2.2); the caller unfolds the
	 * first and this refuses the second.
	 */
	for (i = 0; vg_cur_peek(line, i, &ch) && ch != ':'; i++)
		if (!http_tchar(ch))
			return false; /* includes whitespace before the colon (§5.1) */
	if (i == 0 || !vg_cur_peek(line, i, &ch))
		return false;
	vg_cur_sub(line, i, &name);
	vg_cur_skip(line, 1);
	n = vg_cur_left(line);
	for (v = *line; vg_cur_u8(&v, &ch);)
		if (!http_field_byte(ch))
			return false; /* NUL, CR and other controls (RFC 9110 §5.5) */
	if (!http_eq_nocase(&name, "host"))
		return true;
	*is_host = true;
	for (lead = 0; lead < n && vg_cur_peek(line, lead, &ch) && (ch == ' ' || ch == '\t'); lead++)
		;
	for (trail = 0; trail < n - lead && vg_cur_peek(line, n - 1 - trail, &ch) &&
	    (ch == ' ' || ch == '\t'); trail++)
		;
	vg_cur_skip(line, lead);
	vg_cur_sub(line, n - lead - trail, value);
	return true;
}

/*
 * The authority of an absolute-form target (RFC 9112 §3.2.2, RFC 3986 §3.2):
 * what follows "scheme://" up to the path, query or fragment. Returns false
 * when the target is not in absolute form.
 */
static bool
http_target_authority(const struct vg_cur *target, struct vg_cur *auth)
{
	struct vg_cur c = *target;
	size_t i;
	uint8_t ch;

	for (i = 0; vg_cur_peek(&c, i, &ch) && http_scheme_byte(ch, i == 0); i++)
		;
	if (i == 0 || !vg_cur_skip(&c, i))
		return false;
	if (!vg_cur_u8(&c, &ch) || ch != ':' || !vg_cur_u8(&c, &ch) || ch != '/' ||
	    !vg_cur_u8(&c, &ch) || ch != '/')
		return false;
	for (i = 0; vg_cur_peek(&c, i, &ch) && ch != '/' && ch != '?' && ch != '#'; i++)
		;
	vg_cur_sub(&c, i, auth);
	return true;
}

static bool
http_has_byte(const struct vg_cur *span, uint8_t want)
{
	struct vg_cur c = *span;
	uint8_t ch;

	while (vg_cur_u8(&c, &ch))
		if (ch == want)
			return true;
	return false;
}

/* Fills out->host from a Host value or target authority; false when unusable. */
static bool
http_set_host(const struct vg_cur *v, struct vg_http_request *out)
{
	/* userinfo in an http(s) authority is to be treated as an error (RFC 9110 §4.2.4). */
	if (vg_cur_empty(v) || http_has_byte(v, '@'))
		return false;
	if (!vg_hostname_from_host(vg_cur_here(v), vg_cur_left(v), out->host, &out->host_port)) {
		out->host[0] = '\0';
		out->host_port = 0;
		return false;
	}
	out->has_host = true;
	return true;
}

enum vg_parse_rc
vg_http_parse_request(const uint8_t *buf, size_t len, struct vg_http_request *out,
    size_t *need, struct vg_anomalies *an)
{
	struct vg_cur c, line, target, value, host, auth;
	size_t i;
	uint8_t ch;
	bool host_seen = false, is_host, has_auth, last_was_host = false, bad_line = false;
	unsigned fields = 0;
	enum vg_parse_rc rc;

	memset(out, 0, sizeof(*out));
	*need = 0;
	/* Only the first VG_HTTP_HEAD_MAX bytes are ever looked at. */
	vg_cur_init(&c, buf, len < VG_HTTP_HEAD_MAX ? len : VG_HTTP_HEAD_MAX);
	/* Empty spans to start with; also keeps gcc -O3's flow analysis quiet. */
	vg_cur_init(&target, NULL, 0);
	vg_cur_init(&value, NULL, 0);
	vg_cur_init(&host, NULL, 0);
	vg_cur_init(&auth, NULL, 0);

	/*
	 * Decide whether this is HTTP at all before anything is counted: a
	 * method token (RFC 9110 §9.1) of bounded length, then SP. Other
	 * protocols on the port are not malformed HTTP.
	 */
	for (i = 0; i <= VG_HTTP_METHOD_MAX; i++) {
		if (!vg_cur_peek(&c, i, &ch))
			goto more;
		if (ch == ' ' && i > 0)
			break;
		if (!http_tchar(ch))
			return VG_PARSE_NOMATCH;
	}
	if (i > VG_HTTP_METHOD_MAX)
		return VG_PARSE_NOMATCH;

	if (!http_line(&c, &line))
		goto more;
	rc = http_request_line(&line, out, &target, &bad_line);
	if (rc != VG_PARSE_DONE)
		return rc;

	/* Field lines until the empty line that ends the head (RFC 9112 §2.1). */
	for (;;) {
		if (!http_line(&c, &line))
			goto more;
		if (vg_cur_empty(&line))
			break;
		/*
		 * obs-fold (RFC 9112 §5.2): a line starting with SP or HTAB
		 * continues the previous field; a recipient may unfold it. It
		 * matters only when it continues Host, which must be one token.
		 */
		if (vg_cur_peek(&line, 0, &ch) && (ch == ' ' || ch == '\t') && fields > 0) {
			if (last_was_host) {
				vg_anomaly_inc(an, VG_AN_HTTP_BAD_HOST);
				return VG_PARSE_ERROR;
			}
			continue;
		}
		fields++;
		if (!http_field_line(&line, &is_host, &value)) {
			vg_anomaly_inc(an, VG_AN_HTTP_BAD_HEADER);
			return VG_PARSE_ERROR;
		}
		last_was_host = is_host;
		if (!is_host)
			continue;
		/* RFC 9112 §3.2: more than one Host line must be rejected. */
		if (host_seen) {
			vg_anomaly_inc(an, VG_AN_HTTP_DUP_HOST);
			return VG_PARSE_ERROR;
		}
		host_seen = true;
		host = value;
	}

	/*
	 * A target that names the host wins over Host: RFC 9112 §3.2.2 has the
	 * server ignore Host for absolute-form, and CONNECT's authority-form
	 * (§3.2.3) is where the tunnel goes. Otherwise Host names the host.
	 */
	if (strcmp(out->method, "CONNECT") == 0 && !vg_cur_empty(&target)) {
		auth = target;
		has_auth = true;
	} else {
		has_auth = http_target_authority(&target, &auth);
	}
	/* Counted only now: a head still arriving returns MORE without counting. */
	if (bad_line)
		vg_anomaly_inc(an, VG_AN_HTTP_BAD_REQUEST_LINE);
	if (has_auth && !http_set_host(&auth, out) && strcmp(out->method, "CONNECT") == 0 &&
	    !vg_cur_empty(&host)) {
		/* CONNECT needs authority-form (RFC 9112 §3.2.3): "CONNECT /" is a broken line. */
		vg_anomaly_inc(an, VG_AN_HTTP_BAD_REQUEST_LINE);
		has_auth = false;
	} else if (has_auth) {
		if (!out->has_host)
			vg_anomaly_inc(an, VG_AN_HTTP_BAD_HOST);
		return VG_PARSE_DONE;
	}
	if (!vg_cur_empty(&host)) {
		if (!http_set_host(&host, out))
			vg_anomaly_inc(an, VG_AN_HTTP_BAD_HOST);
		return VG_PARSE_DONE;
	}
	/* HTTP/1.1 requires Host (RFC 9112 §3.2); HTTP/1.0 may omit it. */
	if (!host_seen && out->version_minor >= 1)
		vg_anomaly_inc(an, VG_AN_HTTP_NO_HOST);
	return VG_PARSE_DONE;

more:
	if (len >= VG_HTTP_HEAD_MAX) {
		vg_anomaly_inc(an, VG_AN_HTTP_HEADER_TOO_LONG);
		return VG_PARSE_ERROR;
	}
	memset(out, 0, sizeof(*out));
	*need = len + 1;
	return VG_PARSE_MORE;
}
