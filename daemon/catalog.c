/* catalog.c - loads the endpoint catalog and matches hostnames through a suffix hash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "hostname.h"

enum lkind { L_LIT, L_CAP };
enum cap { CAP_REGION, CAP_CLOUD, CAP_ID };

struct plabel {
	enum lkind kind;
	enum cap cap;
	const char *lit; /* L_LIT: the label; L_CAP: the fixed prefix */
	size_t lit_len;
	const char *suf; /* L_CAP: the fixed suffix */
	size_t suf_len;
};

struct rule {
	struct vg_host_rule pub;
	struct plabel labels[VG_PATTERN_LABELS_MAX]; /* left to right, without a leading '*' */
	uint8_t n;
	bool star;          /* "*." prefix: one or more labels */
	bool exact;         /* no capture, no star */
	size_t literal;     /* literal bytes, the tie-breaker between patterns */
	char key[VG_HOSTNAME_MAX + 1]; /* trailing literal labels: the index key */
	const struct vg_ynode *sample; /* for errors about the sample */
};

struct slot {
	uint64_t hash;
	const char *key;
	uint32_t *rules;
	uint32_t n;
};

struct vg_catalog {
	struct vg_ydoc *doc;
	const char *version;
	struct vg_provider *providers;
	size_t n_providers;
	struct vg_service *services;
	size_t n_services;
	struct rule *rules;
	size_t n_rules;
	struct slot *slots;
	size_t mask;
};

static const char *const categories[] = { "llm-api", "chat-app", "speech", "image", "video",
	"embedding", "router", "gateway", "sovereign-cloud", "coding-assistant", "search", NULL };
static const char *const clouds[] = { "aws", "azure", "gcp", "oci", "alibaba", NULL };

/* FNV-1a over the name read right to left, so every label suffix is one prefix of the pass. */
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t
suffix_hash(const char *s, size_t len)
{
	uint64_t h = FNV_OFFSET;

	while (len-- > 0)
		h = (h ^ (uint8_t)s[len]) * FNV_PRIME;
	return h;
}

void
vg_catalog_free(struct vg_catalog *c)
{
	if (c == NULL)
		return;
	if (c->slots != NULL)
		for (size_t i = 0; i <= c->mask; i++)
			free(c->slots[i].rules);
	free(c->slots);
	free(c->rules);
	free(c->services);
	free(c->providers);
	vg_ydoc_free(c->doc);
	free(c);
}

const char *vg_catalog_version(const struct vg_catalog *c) { return c->version; }
const char *vg_catalog_file(const struct vg_catalog *c) { return vg_ydoc_name(c->doc); }

size_t
vg_catalog_count(const struct vg_catalog *c, size_t *providers, size_t *services)
{
	if (providers != NULL)
		*providers = c->n_providers;
	if (services != NULL)
		*services = c->n_services;
	return c->n_rules;
}

const struct vg_host_rule *
vg_catalog_rule(const struct vg_catalog *c, size_t i)
{
	return i < c->n_rules ? &c->rules[i].pub : NULL;
}

static bool
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

bool
vg_catalog_id_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static bool
cc_ok(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] == '\0';
}

/* Literal label text: what vg_hostname_canon would accept inside one label. */
static bool
lit_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '_'))
			return false;
	return true;
}

/* Compiles pattern text into labels (rules/README, "Pattern syntax"). */
static bool
compile(struct vg_catalog *c, const struct vg_ynode *at, struct rule *r, struct vg_err *err)
{
	const char *p = r->pub.pattern, *end, *open, *close;
	bool seen[3] = { false, false, false };
	size_t first_lit = 0;

	if (strncmp(p, "*.", 2) == 0) {
		r->star = true;
		p += 2;
	}
	while (*p != '\0') {
		struct plabel *l = &r->labels[r->n];

		if (r->n == VG_PATTERN_LABELS_MAX)
			return vg_yerr(c->doc, at, err, "pattern has more than %d labels",
			    VG_PATTERN_LABELS_MAX);
		end = strchr(p, '.');
		if (end == NULL)
			end = p + strlen(p);
		if (end == p)
			return vg_yerr(c->doc, at, err, "empty label in pattern '%s'", r->pub.pattern);
		open = memchr(p, '{', (size_t)(end - p));
		if (open == NULL) {
			l->kind = L_LIT;
			l->lit = p;
			l->lit_len = (size_t)(end - p);
			if (!lit_ok(p, l->lit_len))
				return vg_yerr(c->doc, at, err, "bad character in pattern '%s' (labels "
				    "are lower-case letters, digits, '-', '_')", r->pub.pattern);
			r->literal += l->lit_len;
		} else {
			const char *name;
			size_t nlen;
			enum cap cap;

			close = memchr(open, '}', (size_t)(end - open));
			if (close == NULL || memchr(close + 1, '{', (size_t)(end - close - 1)) != NULL)
				return vg_yerr(c->doc, at, err, "pattern '%s': one {capture} per label, "
				    "closed in the label", r->pub.pattern);
			name = open + 1;
			nlen = (size_t)(close - name);
			if (nlen == 6 && strncmp(name, "region", 6) == 0)
				cap = CAP_REGION;
			else if (nlen == 5 && strncmp(name, "cloud", 5) == 0)
				cap = CAP_CLOUD;
			else if (nlen == 2 && strncmp(name, "id", 2) == 0)
				cap = CAP_ID;
			else
				return vg_yerr(c->doc, at, err, "pattern '%s': unknown capture '{%.*s}' "
				    "(region, cloud, id)", r->pub.pattern, (int)nlen, name);
			if (seen[cap])
				return vg_yerr(c->doc, at, err, "pattern '%s': capture '{%.*s}' twice",
				    r->pub.pattern, (int)nlen, name);
			seen[cap] = true;
			l->kind = L_CAP;
			l->cap = cap;
			l->lit = p;
			l->lit_len = (size_t)(open - p);
			l->suf = close + 1;
			l->suf_len = (size_t)(end - close - 1);
			if (!lit_ok(l->lit, l->lit_len) || !lit_ok(l->suf, l->suf_len))
				return vg_yerr(c->doc, at, err, "bad character in pattern '%s'",
				    r->pub.pattern);
			r->literal += l->lit_len + l->suf_len;
			first_lit = r->n + 1u;
		}
		r->n++;
		p = *end == '.' ? end + 1 : end;
		if (*end == '.' && *p == '\0')
			return vg_yerr(c->doc, at, err, "pattern '%s' ends with a dot", r->pub.pattern);
	}
	if (r->n == 0)
		return vg_yerr(c->doc, at, err, "empty pattern");
	r->exact = !r->star && first_lit == 0;
	/* The key: labels after the last capture; a pattern must keep a registrable suffix. */
	if (r->n - first_lit < (r->exact ? 1u : 2u))
		return vg_yerr(c->doc, at, err, "pattern '%s' must end in at least two literal labels",
		    r->pub.pattern);
	{
		char *k = r->key;
		for (size_t i = first_lit; i < r->n; i++) {
			if (i > first_lit)
				*k++ = '.';
			memcpy(k, r->labels[i].lit, r->labels[i].lit_len);
			k += r->labels[i].lit_len;
		}
		*k = '\0';
	}
	return true;
}

static struct slot *
slot_find(const struct vg_catalog *c, uint64_t h, const char *key, size_t len)
{
	for (size_t i = (size_t)h & c->mask;; i = (i + 1) & c->mask) {
		struct slot *s = &c->slots[i];
		if (s->key == NULL)
			return s;
		if (s->hash == h && strlen(s->key) == len && memcmp(s->key, key, len) == 0)
			return s;
	}
}

static bool
index_rules(struct vg_catalog *c, struct vg_err *err)
{
	size_t n = 16;

	while (n < c->n_rules * 2)
		n <<= 1;
	if ((c->slots = calloc(n, sizeof(*c->slots))) == NULL)
		goto oom;
	c->mask = n - 1;
	for (size_t i = 0; i < c->n_rules; i++) {
		const char *k = c->rules[i].key;
		size_t len = strlen(k);
		uint64_t h = suffix_hash(k, len);
		struct slot *s = slot_find(c, h, k, len);
		uint32_t *p = realloc(s->rules, (s->n + 1) * sizeof(*p));

		if (p == NULL)
			goto oom;
		s->rules = p;
		s->rules[s->n++] = (uint32_t)i;
		s->hash = h;
		s->key = k;
	}
	return true;
oom:
	snprintf(err->msg, sizeof(err->msg), "%s: out of memory", vg_ydoc_name(c->doc));
	return false;
}

/* Host labels, left to right. */
struct hlabels {
	const char *s[VG_HOSTNAME_MAX / 2 + 1];
	size_t len[VG_HOSTNAME_MAX / 2 + 1];
	size_t n;
};

static bool
rule_match(const struct rule *r, const struct hlabels *h, struct vg_host_match *m)
{
	size_t off;

	if (r->star ? h->n <= r->n : h->n != r->n)
		return false;
	off = h->n - r->n;
	m->region[0] = m->cloud[0] = m->id[0] = '\0';
	for (size_t i = 0; i < r->n; i++) {
		const struct plabel *l = &r->labels[i];
		const char *s = h->s[off + i];
		size_t len = h->len[off + i], mid;
		char *dst;

		if (l->kind == L_LIT) {
			if (len != l->lit_len || memcmp(s, l->lit, len) != 0)
				return false;
			continue;
		}
		if (len <= l->lit_len + l->suf_len || memcmp(s, l->lit, l->lit_len) != 0 ||
		    memcmp(s + len - l->suf_len, l->suf, l->suf_len) != 0)
			return false;
		mid = len - l->lit_len - l->suf_len;
		if (mid > VG_CAPTURE_MAX)
			return false;
		dst = l->cap == CAP_REGION ? m->region : l->cap == CAP_CLOUD ? m->cloud : m->id;
		memcpy(dst, s + l->lit_len, mid);
		dst[mid] = '\0';
	}
	m->rule = &r->pub;
	if (r->pub.region != NULL)
		snprintf(m->region, sizeof(m->region), "%s", r->pub.region);
	if (r->pub.cloud != NULL)
		snprintf(m->cloud, sizeof(m->cloud), "%s", r->pub.cloud);
	return true;
}

bool
vg_catalog_match(const struct vg_catalog *c, const char *host, struct vg_host_match *m)
{
	struct hlabels h;
	uint64_t hashes[VG_HOSTNAME_MAX / 2 + 1];
	size_t starts[VG_HOSTNAME_MAX / 2 + 1], n = 0, len = strnlen(host, VG_HOSTNAME_MAX + 1);
	uint64_t hv = FNV_OFFSET;

	if (len == 0 || len > VG_HOSTNAME_MAX)
		return false;
	/* One pass right to left: label boundaries and the hash of every label suffix. */
	h.n = 0;
	for (size_t i = len, lend = len;; i--) {
		if (i == 0 || host[i - 1] == '.') {
			if (lend == i)
				return false; /* empty label */
			starts[n] = i;
			hashes[n++] = hv;
			h.s[h.n] = host + i;
			h.len[h.n++] = lend - i;
			lend = i - 1;
			if (i == 0)
				break;
		}
		hv = (hv ^ (uint8_t)host[i - 1]) * FNV_PRIME;
	}
	/* h is right to left so far; put it left to right. */
	for (size_t i = 0; i < h.n / 2; i++) {
		const char *ts = h.s[i];
		size_t tl = h.len[i];
		h.s[i] = h.s[h.n - 1 - i], h.len[i] = h.len[h.n - 1 - i];
		h.s[h.n - 1 - i] = ts, h.len[h.n - 1 - i] = tl;
	}
	/* Longest suffix first: the most specific key that has a matching rule wins. */
	while (n-- > 0) {
		const struct slot *s = slot_find(c, hashes[n], host + starts[n], len - starts[n]);
		const struct rule *best = NULL;
		struct vg_host_match tmp;

		if (s->key == NULL)
			continue;
		for (uint32_t i = 0; i < s->n; i++) {
			const struct rule *r = &c->rules[s->rules[i]];
			if (best != NULL && (best->exact || (!r->exact && r->literal <= best->literal)))
				continue;
			if (rule_match(r, &h, &tmp)) {
				best = r;
				*m = tmp;
			}
		}
		if (best != NULL)
			return true;
	}
	return false;
}

/* ---- loading */

static const char *
lower_copy_check(struct vg_catalog *c, const struct vg_ynode *v, struct vg_err *err)
{
	for (const char *p = v->str; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z') {
			vg_yerr(c->doc, v, err, "'%s' must be lower case", v->str);
			return NULL;
		}
	return v->str;
}

static bool
load_host(struct vg_catalog *c, const struct vg_ynode *h, const struct vg_service *svc,
    struct rule *r, struct vg_err *err)
{
	static const char *const keys[] = { "pattern", "region", "cloud", "country", "area",
		"reason", "note", "sample", "source", "storage_only", NULL };
	const struct vg_ynode *pv, *sov;
	const char *region, *cloud, *country, *area;
	bool ok1, ok2, ok3, ok4, ok5, ok6;
	int forms;

	if (!vg_yexpect(c->doc, h, VG_Y_MAP, "a host", err) || !vg_ykeys(c->doc, h, keys, err))
		return false;
	memset(r, 0, sizeof(*r));
	r->pub.service = svc;
	if ((r->pub.pattern = vg_ystr(c->doc, h, "pattern", err)) == NULL ||
	    (r->pub.sample = vg_ystr(c->doc, h, "sample", err)) == NULL ||
	    (r->pub.source = vg_ystr(c->doc, h, "source", err)) == NULL)
		return false;
	pv = vg_ymap_get(h, "pattern");
	r->pub.line = pv->line;
	r->sample = vg_ymap_get(h, "sample");
	if (lower_copy_check(c, pv, err) == NULL || !compile(c, pv, r, err))
		return false;
	if (strncmp(r->pub.source, "https://", 8) != 0)
		return vg_yerr(c->doc, vg_ymap_get(h, "source"), err,
		    "source must be an https:// URL, not '%s'", r->pub.source);
	region = vg_ystr_opt(c->doc, h, "region", &ok1, err);
	cloud = vg_ystr_opt(c->doc, h, "cloud", &ok2, err);
	country = vg_ystr_opt(c->doc, h, "country", &ok3, err);
	area = vg_ystr_opt(c->doc, h, "area", &ok4, err);
	r->pub.reason = vg_ystr_opt(c->doc, h, "reason", &ok5, err);
	r->pub.note = vg_ystr_opt(c->doc, h, "note", &ok6, err);
	if (!ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6)
		return false;
	if ((sov = vg_ymap_get(h, "storage_only")) != NULL) {
		if (sov->kind != VG_Y_SCALAR || (strcmp(sov->str, "true") != 0 &&
		    strcmp(sov->str, "false") != 0))
			return vg_yerr(c->doc, sov, err, "storage_only must be true or false");
		r->pub.storage_only = strcmp(sov->str, "true") == 0;
	}
	forms = (country != NULL) + (area != NULL) + (region != NULL);
	if (forms != 1)
		return vg_yerr(c->doc, h, err, "host '%s' needs exactly one of country, region, area",
		    r->pub.pattern);
	if (region != NULL && strcmp(region, "unknown") == 0) {
		if (r->pub.reason == NULL)
			return vg_yerr(c->doc, vg_ymap_get(h, "region"), err,
			    "region: unknown needs a reason");
		if (cloud != NULL)
			return vg_yerr(c->doc, vg_ymap_get(h, "cloud"), err,
			    "cloud makes no sense with region: unknown");
		r->pub.where = VG_WHERE_UNKNOWN;
	} else if (r->pub.reason != NULL) {
		return vg_yerr(c->doc, vg_ymap_get(h, "reason"), err,
		    "reason is for region: unknown (use note)");
	} else if (country != NULL) {
		if (!cc_ok(country))
			return vg_yerr(c->doc, vg_ymap_get(h, "country"), err,
			    "country must be an ISO 3166-1 alpha-2 code in capitals, not '%s'",
			    country);
		if (cloud != NULL)
			return vg_yerr(c->doc, vg_ymap_get(h, "cloud"), err, "cloud needs region");
		r->pub.where = VG_WHERE_COUNTRY;
		r->pub.country = country;
	} else if (area != NULL) {
		if (cloud != NULL)
			return vg_yerr(c->doc, vg_ymap_get(h, "cloud"), err, "cloud needs region");
		r->pub.where = VG_WHERE_AREA;
		r->pub.area = area;
	} else {
		bool cap_region = strcmp(region, "{region}") == 0;
		bool cap_cloud = cloud != NULL && strcmp(cloud, "{cloud}") == 0;

		if (cap_region != (strstr(r->pub.pattern, "{region}") != NULL))
			return vg_yerr(c->doc, vg_ymap_get(h, "region"), err, cap_region ?
			    "region \"{region}\" needs a {region} capture in the pattern" :
			    "the pattern captures {region}: write region: \"{region}\"");
		if (cloud == NULL)
			return vg_yerr(c->doc, vg_ymap_get(h, "region"), err,
			    "a region needs cloud (aws, azure, gcp, oci, alibaba, or \"{cloud}\")");
		if (cap_cloud != (strstr(r->pub.pattern, "{cloud}") != NULL))
			return vg_yerr(c->doc, vg_ymap_get(h, "cloud"), err,
			    "cloud \"{cloud}\" and a {cloud} capture go together");
		if (!cap_cloud && !in_list(cloud, clouds))
			return vg_yerr(c->doc, vg_ymap_get(h, "cloud"), err,
			    "unknown cloud '%s' (aws, azure, gcp, oci, alibaba)", cloud);
		r->pub.where = VG_WHERE_REGION;
		r->pub.region = cap_region ? NULL : region;
		r->pub.cloud = cap_cloud ? NULL : cloud;
	}
	return true;
}

static const struct vg_provider *
find_provider(const struct vg_catalog *c, const char *id)
{
	for (size_t i = 0; i < c->n_providers; i++)
		if (strcmp(c->providers[i].id, id) == 0)
			return &c->providers[i];
	return NULL;
}

static bool
load(struct vg_catalog *c, struct vg_err *err)
{
	static const char *const top_keys[] = { "version", "providers", "services", NULL };
	static const char *const prov_keys[] = { "id", "name", "legal_seat", "source", NULL };
	static const char *const svc_keys[] = { "id", "provider", "service", "category", "hosts",
		NULL };
	const struct vg_ydoc *d = c->doc;
	const struct vg_ynode *root = vg_ydoc_root(d), *provs, *svcs;
	size_t total = 0;

	if (!vg_yexpect(d, root, VG_Y_MAP, "the catalog", err) || !vg_ykeys(d, root, top_keys, err) ||
	    (c->version = vg_ystr(d, root, "version", err)) == NULL)
		return false;
	if ((provs = vg_ymap_get(root, "providers")) == NULL)
		return vg_yerr(d, root, err, "missing key 'providers'");
	if ((svcs = vg_ymap_get(root, "services")) == NULL)
		return vg_yerr(d, root, err, "missing key 'services'");
	if (!vg_yexpect(d, provs, VG_Y_SEQ, "providers", err) ||
	    !vg_yexpect(d, svcs, VG_Y_SEQ, "services", err))
		return false;
	c->providers = calloc(provs->n + 1, sizeof(*c->providers));
	c->services = calloc(svcs->n + 1, sizeof(*c->services));
	if (c->providers == NULL || c->services == NULL)
		return vg_yerr(d, root, err, "out of memory");
	for (size_t i = 0; i < provs->n; i++) {
		const struct vg_ynode *p = provs->items[i];
		struct vg_provider *pr = &c->providers[i];

		if (!vg_yexpect(d, p, VG_Y_MAP, "a provider", err) || !vg_ykeys(d, p, prov_keys, err) ||
		    (pr->id = vg_ystr(d, p, "id", err)) == NULL ||
		    (pr->name = vg_ystr(d, p, "name", err)) == NULL ||
		    (pr->legal_seat = vg_ystr(d, p, "legal_seat", err)) == NULL ||
		    (pr->source = vg_ystr(d, p, "source", err)) == NULL)
			return false;
		pr->line = vg_ymap_get(p, "legal_seat")->line;
		if (!vg_catalog_id_ok(pr->id))
			return vg_yerr(d, vg_ymap_get(p, "id"), err, "id '%s': use [a-z0-9-]", pr->id);
		if (find_provider(c, pr->id) != NULL)
			return vg_yerr(d, vg_ymap_get(p, "id"), err, "duplicate provider '%s'", pr->id);
		if (!cc_ok(pr->legal_seat))
			return vg_yerr(d, vg_ymap_get(p, "legal_seat"), err,
			    "legal_seat must be an ISO 3166-1 alpha-2 code in capitals, not '%s'",
			    pr->legal_seat);
		if (strncmp(pr->source, "https://", 8) != 0)
			return vg_yerr(d, vg_ymap_get(p, "source"), err,
			    "source must be an https:// URL");
		c->n_providers++;
	}
	for (size_t i = 0; i < svcs->n; i++) {
		const struct vg_ynode *s = svcs->items[i], *hosts;
		struct vg_service *sv = &c->services[i];
		const char *pid;

		if (!vg_yexpect(d, s, VG_Y_MAP, "a service", err) || !vg_ykeys(d, s, svc_keys, err) ||
		    (sv->id = vg_ystr(d, s, "id", err)) == NULL ||
		    (pid = vg_ystr(d, s, "provider", err)) == NULL ||
		    (sv->name = vg_ystr(d, s, "service", err)) == NULL ||
		    (sv->category = vg_ystr(d, s, "category", err)) == NULL)
			return false;
		if (!vg_catalog_id_ok(sv->id))
			return vg_yerr(d, vg_ymap_get(s, "id"), err, "id '%s': use [a-z0-9-]", sv->id);
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->services[j].id, sv->id) == 0)
				return vg_yerr(d, vg_ymap_get(s, "id"), err, "duplicate service '%s'",
				    sv->id);
		if ((sv->provider = find_provider(c, pid)) == NULL)
			return vg_yerr(d, vg_ymap_get(s, "provider"), err, "unknown provider '%s'", pid);
		if (!in_list(sv->category, categories))
			return vg_yerr(d, vg_ymap_get(s, "category"), err, "unknown category '%s'",
			    sv->category);
		if ((hosts = vg_ymap_get(s, "hosts")) == NULL)
			return vg_yerr(d, s, err, "missing key 'hosts'");
		if (!vg_yexpect(d, hosts, VG_Y_SEQ, "hosts", err))
			return false;
		if (hosts->n == 0)
			return vg_yerr(d, hosts, err, "a service needs at least one host");
		total += hosts->n;
		c->n_services++;
	}
	if (total > VG_CATALOG_RULES_MAX)
		return vg_yerr(d, svcs, err, "more than %d host patterns", VG_CATALOG_RULES_MAX);
	if ((c->rules = calloc(total, sizeof(*c->rules))) == NULL)
		return vg_yerr(d, root, err, "out of memory");
	for (size_t i = 0; i < svcs->n; i++) {
		const struct vg_ynode *hosts = vg_ymap_get(svcs->items[i], "hosts");

		for (size_t j = 0; j < hosts->n; j++) {
			struct rule *r = &c->rules[c->n_rules];

			if (!load_host(c, hosts->items[j], &c->services[i], r, err))
				return false;
			for (size_t k = 0; k < c->n_rules; k++)
				if (strcmp(c->rules[k].pub.pattern, r->pub.pattern) == 0)
					return vg_yerr(d, vg_ymap_get(hosts->items[j], "pattern"), err,
					    "pattern '%s' already at line %u", r->pub.pattern,
					    c->rules[k].pub.line);
			c->n_rules++;
		}
	}
	if (!index_rules(c, err))
		return false;
	/* Every sample must come back to its own rule: the catalog checks itself. */
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct vg_host_rule *r = &c->rules[i].pub;
		char canon[VG_HOSTNAME_MAX + 1];
		struct vg_host_match m;
		const struct vg_ynode *h = c->rules[i].sample;

		if (!vg_hostname_canon((const uint8_t *)r->sample, strlen(r->sample), canon) ||
		    strcmp(canon, r->sample) != 0)
			return vg_yerr(d, h, err, "sample '%s' is not a canonical hostname", r->sample);
		if (!vg_catalog_match(c, r->sample, &m))
			return vg_yerr(d, h, err, "sample '%s' matches no pattern", r->sample);
		if (m.rule != r)
			return vg_yerr(d, h, err, "sample '%s' resolves to '%s' (line %u), not '%s'",
			    r->sample, m.rule->pattern, m.rule->line, r->pattern);
	}
	return true;
}

struct vg_catalog *
vg_catalog_from_doc(struct vg_ydoc *doc, struct vg_err *err)
{
	struct vg_catalog *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		vg_ydoc_free(doc);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	c->doc = doc;
	if (!load(c, err)) {
		vg_catalog_free(c);
		return NULL;
	}
	return c;
}

struct vg_catalog *
vg_catalog_load(const char *path, struct vg_err *err)
{
	struct vg_ydoc *doc = vg_ydoc_load(path, err);

	return doc != NULL ? vg_catalog_from_doc(doc, err) : NULL;
}
