/* iprange.c - loads range files into one radix tree. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "iprange.h"

struct vg_ipranges {
	struct vg_cidr *tree;
	struct vg_ydoc *docs[VG_IPRANGE_FILES_MAX];
	size_t n_docs;
	struct vg_iprange *entries[VG_IPRANGE_FILES_MAX];
	size_t total, duplicates;
};

void
vg_ipranges_free(struct vg_ipranges *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_docs; i++) {
		free(r->entries[i]);
		vg_ydoc_free(r->docs[i]);
	}
	vg_cidr_free(r->tree);
	free(r);
}

size_t
vg_ipranges_count(const struct vg_ipranges *r, size_t *files, size_t *duplicates)
{
	if (files != NULL)
		*files = r->n_docs;
	if (duplicates != NULL)
		*duplicates = r->duplicates;
	return vg_cidr_count(r->tree);
}

const struct vg_iprange *
vg_ipranges_lookup(const struct vg_ipranges *r, const struct vg_addr *a, unsigned *len)
{
	return vg_cidr_lookup(r->tree, a, len);
}

static bool
load_file(struct vg_ipranges *r, struct vg_ydoc *d, size_t slot, struct vg_err *err)
{
	static const char *const top[] = { "version", "source", "ranges", NULL };
	static const char *const keys[] = { "prefix", "provider", "service", "region", "cloud",
		"anycast", NULL };
	const struct vg_ynode *root = vg_ydoc_root(d), *ranges;
	const char *version, *source;
	struct vg_iprange *e;

	if (!vg_yexpect(d, root, VG_Y_MAP, "an ip-ranges file", err) || !vg_ykeys(d, root, top, err) ||
	    (version = vg_ystr(d, root, "version", err)) == NULL ||
	    (source = vg_ystr(d, root, "source", err)) == NULL)
		return false;
	if ((ranges = vg_ymap_get(root, "ranges")) == NULL)
		return vg_yerr(d, root, err, "missing key 'ranges'");
	if (!vg_yexpect(d, ranges, VG_Y_SEQ, "ranges", err))
		return false;
	if ((e = calloc(ranges->n + 1, sizeof(*e))) == NULL)
		return vg_yerr(d, root, err, "out of memory");
	r->entries[slot] = e;
	for (size_t i = 0; i < ranges->n; i++, e++) {
		const struct vg_ynode *n = ranges->items[i], *any;
		const char *prefix;
		struct vg_addr a;
		unsigned len;
		const void *old;
		bool ok1, ok2, ok3;

		if (!vg_yexpect(d, n, VG_Y_MAP, "a range", err) || !vg_ykeys(d, n, keys, err) ||
		    (prefix = vg_ystr(d, n, "prefix", err)) == NULL ||
		    (e->provider = vg_ystr(d, n, "provider", err)) == NULL)
			return false;
		e->service = vg_ystr_opt(d, n, "service", &ok1, err);
		e->region = vg_ystr_opt(d, n, "region", &ok2, err);
		e->cloud = vg_ystr_opt(d, n, "cloud", &ok3, err);
		if (!ok1 || !ok2 || !ok3)
			return false;
		if ((any = vg_ymap_get(n, "anycast")) != NULL) {
			if (any->kind != VG_Y_SCALAR || (strcmp(any->str, "true") != 0 &&
			    strcmp(any->str, "false") != 0))
				return vg_yerr(d, any, err, "anycast must be true or false");
			e->anycast = strcmp(any->str, "true") == 0;
		}
		if (e->region != NULL && e->cloud == NULL)
			return vg_yerr(d, vg_ymap_get(n, "region"), err, "a region needs cloud");
		if (!vg_cidr_parse(prefix, &a, &len))
			return vg_yerr(d, vg_ymap_get(n, "prefix"), err,
			    "'%s' is not a CIDR prefix with its host bits zero", prefix);
		e->file = vg_ydoc_name(d);
		e->line = n->line;
		e->source = source;
		e->version = version;
		if (!vg_cidr_insert(r->tree, &a, len, e, &old)) {
			if (old == NULL)
				return vg_yerr(d, n, err, "out of memory or more than %u ranges",
				    VG_CIDR_MAX);
			r->duplicates++;
		}
		r->total++;
	}
	return true;
}

static int
by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

struct vg_ipranges *
vg_ipranges_load(const char *dir, struct vg_err *err)
{
	struct vg_ipranges *r = calloc(1, sizeof(*r));
	char *names[VG_IPRANGE_FILES_MAX], path[4096];
	size_t n = 0;
	struct dirent *de;
	DIR *dp;
	bool ok = true;

	if (r == NULL || (r->tree = vg_cidr_new()) == NULL) {
		vg_ipranges_free(r);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	if ((dp = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return r;
		snprintf(err->msg, sizeof(err->msg), "%s: cannot open: %s", dir, strerror(errno));
		vg_ipranges_free(r);
		return NULL;
	}
	while (ok && (de = readdir(dp)) != NULL) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
			continue;
		if (n == VG_IPRANGE_FILES_MAX) {
			snprintf(err->msg, sizeof(err->msg), "%s: more than %d range files", dir,
			    VG_IPRANGE_FILES_MAX);
			ok = false;
		} else if ((names[n] = strdup(de->d_name)) == NULL) {
			snprintf(err->msg, sizeof(err->msg), "out of memory");
			ok = false;
		} else {
			n++;
		}
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		if (ok) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			if ((r->docs[r->n_docs] = vg_ydoc_load(path, err)) == NULL) {
				ok = false;
			} else {
				size_t slot = r->n_docs++;
				ok = load_file(r, r->docs[slot], slot, err);
			}
		}
		free(names[i]);
	}
	if (!ok) {
		vg_ipranges_free(r);
		return NULL;
	}
	return r;
}
