/* url.c - http(s) base URLs and bare hostnames as configuration writes them. */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "hostname.h"
#include "url.h"

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * A host to connect to: no wildcard, and a last label of digits only is no
 * DNS name (RFC 3696 §2), so such a host must be an IPv4 address.
 */
static bool
host_ok(const char *canon)
{
	const char *last = strrchr(canon, '.');
	struct in_addr a;

	last = last != NULL ? last + 1 : canon;
	if (strchr(canon, '*') != NULL)
		return false;
	if (strchr(canon, ':') != NULL)
		return true; /* IPv6, already checked by inet_pton */
	for (const char *p = last; *p != '\0'; p++)
		if (!is_digit(*p))
			return true;
	return inet_pton(AF_INET, canon, &a) == 1;
}

/*
 * An http(s) base URL (RFC 3986 §3: scheme "://" host [":" port] [path])
 * or a bare hostname. Returns NULL when good, else why not.
 */
const char *
vg_url_parse(const char *s, struct vg_url *u)
{
	const char *p, *auth, *end, *host_end, *colon = NULL;
	uint16_t ignored;

	memset(u, 0, sizeof(*u));
	for (p = s; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t')
			return "spaces are not allowed";
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return "only printable ASCII is allowed";
		if (*p == '?' || *p == '#')
			return "a query or fragment is not allowed (a base URL takes none)";
	}
	if ((p = strstr(s, "://")) == NULL) {
		if (strchr(s, '@') != NULL)
			return "user information ('@') is not allowed";
		if (s[0] == '[')
			return "an IPv6 address needs a URL (https://[...])";
		if (strpbrk(s, ":/[]") != NULL)
			return "a bare hostname takes no port or path (write a URL)";
		if (!vg_hostname_canon((const uint8_t *)s, strlen(s), u->host) || !host_ok(u->host)) {
			u->host[0] = '\0';
			return "not a hostname or IPv4 address";
		}
		return NULL;
	}
	if ((size_t)(p - s) == 5 && strncasecmp(s, "https", 5) == 0) {
		strcpy(u->scheme, "https");
		u->port = 443;
	} else if ((size_t)(p - s) == 4 && strncasecmp(s, "http", 4) == 0) {
		strcpy(u->scheme, "http");
		u->port = 80;
	} else {
		return "the scheme must be http or https";
	}
	auth = p + 3;
	end = strchr(auth, '/');
	if (end == NULL)
		end = auth + strlen(auth);
	if (memchr(auth, '@', (size_t)(end - auth)) != NULL)
		return "user information ('@') is not allowed";
	if (end == auth)
		return "no host";
	if (*auth == '[') {
		host_end = memchr(auth, ']', (size_t)(end - auth));
		if (host_end == NULL)
			return "unclosed '[' in the host";
		host_end++;
		if (host_end < end && *host_end != ':')
			return "not a hostname or IP address";
	} else {
		host_end = memchr(auth, ':', (size_t)(end - auth));
		if (host_end == NULL)
			host_end = end;
	}
	if (host_end < end)
		colon = host_end;
	if (host_end == auth)
		return "no host";
	if (!vg_hostname_from_host((const uint8_t *)auth, (size_t)(host_end - auth), u->host,
	    &ignored) || !host_ok(u->host)) {
		u->host[0] = '\0';
		return "not a hostname or IP address";
	}
	if (colon != NULL) {
		uint32_t port = 0;

		if (colon + 1 == end || end - (colon + 1) > 5)
			return "the port must be 1 to 65535";
		for (p = colon + 1; p < end; p++) {
			if (!is_digit(*p))
				return "the port must be 1 to 65535";
			port = port * 10 + (uint32_t)(*p - '0');
		}
		if (port == 0 || port > 65535)
			return "the port must be 1 to 65535";
		u->port = (uint16_t)port;
	}
	return NULL;
}

