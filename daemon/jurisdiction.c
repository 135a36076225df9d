/* jurisdiction.c - loads the country groups and the cloud region map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jurisdiction.h"

struct region {
	const char *cloud, *code, *country;
};

struct vg_juris {
	struct vg_ydoc *jdoc, *rdoc;
	const char *jversion, *rversion;
	struct vg_country countries[26 * 26]; /* indexed by the two letters */
	struct region *regions;
	size_t n_regions;
};

static const char *const group_names[] = { "eu", "eea", "adequate", "third-country" };

static int
cc_index(const char *s)
{
	if (s == NULL || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' || s[2] != '\0')
		return -1;
	return (s[0] - 'A') * 26 + (s[1] - 'A');
}

void
vg_juris_free(struct vg_juris *j)
{
	if (j == NULL)
		return;
	free(j->regions);
	vg_ydoc_free(j->jdoc);
	vg_ydoc_free(j->rdoc);
	free(j);
}

const char *vg_juris_version(const struct vg_juris *j) { return j->jversion; }
const char *vg_regions_version(const struct vg_juris *j) { return j->rversion; }

const struct vg_country *
vg_juris_country(const struct vg_juris *j, const char *code)
{
	int i = cc_index(code);

	return i >= 0 && j->countries[i].name != NULL ? &j->countries[i] : NULL;
}

static int
region_cmp(const void *x, const void *y)
{
	const struct region *a = x, *b = y;
	int c = strcmp(a->cloud, b->cloud);

	return c != 0 ? c : strcmp(a->code, b->code);
}

const char *
vg_juris_region(const struct vg_juris *j, const char *cloud, const char *region)
{
	struct region key = { cloud, region, NULL }, *r;

	r = bsearch(&key, j->regions, j->n_regions, sizeof(*r), region_cmp);
	return r != NULL ? r->country : NULL;
}

unsigned
vg_juris_group_names(unsigned groups, const char *names[4])
{
	unsigned n = 0;

	for (unsigned i = 0; i < 4; i++)
		if (groups & (1u << i))
			names[n++] = group_names[i];
	return n;
}

static bool
load_countries(struct vg_juris *j, struct vg_err *err)
{
	static const char *const top[] = { "version", "groups", "countries", NULL };
	static const char *const ckeys[] = { "name", "groups", "adequacy", NULL };
	static const char *const akeys[] = { "decision", "date", "scope", "source", NULL };
	const struct vg_ydoc *d = j->jdoc;
	const struct vg_ynode *root = vg_ydoc_root(d), *groups, *countries;

	if (!vg_yexpect(d, root, VG_Y_MAP, "jurisdictions", err) || !vg_ykeys(d, root, top, err) ||
	    (j->jversion = vg_ystr(d, root, "version", err)) == NULL)
		return false;
	if ((groups = vg_ymap_get(root, "groups")) == NULL)
		return vg_yerr(d, root, err, "missing key 'groups'");
	if ((countries = vg_ymap_get(root, "countries")) == NULL)
		return vg_yerr(d, root, err, "missing key 'countries'");
	if (!vg_yexpect(d, groups, VG_Y_MAP, "groups", err) ||
	    !vg_yexpect(d, countries, VG_Y_MAP, "countries", err) ||
	    !vg_ykeys(d, groups, group_names, err))
		return false;
	for (size_t i = 0; i < countries->n; i++) {
		const struct vg_ynode *k = countries->items[2 * i], *v = countries->items[2 * i + 1];
		const struct vg_ynode *g, *a;
		int idx = cc_index(k->str);
		struct vg_country *c;

		if (idx < 0)
			return vg_yerr(d, k, err, "'%s' is not an ISO 3166-1 alpha-2 code in capitals",
			    k->str);
		c = &j->countries[idx];
		memcpy(c->code, k->str, 3);
		if (!vg_yexpect(d, v, VG_Y_MAP, k->str, err) || !vg_ykeys(d, v, ckeys, err) ||
		    (c->name = vg_ystr(d, v, "name", err)) == NULL)
			return false;
		if ((g = vg_ymap_get(v, "groups")) == NULL)
			return vg_yerr(d, v, err, "%s: missing key 'groups'", k->str);
		if (!vg_yexpect(d, g, VG_Y_SEQ, "groups", err))
			return false;
		for (size_t gi = 0; gi < g->n; gi++) {
			unsigned bit = 0;

			if (g->items[gi]->kind == VG_Y_SCALAR)
				for (unsigned b = 0; b < 4; b++)
					if (strcmp(g->items[gi]->str, group_names[b]) == 0)
						bit = 1u << b;
			if (bit == 0)
				return vg_yerr(d, g->items[gi], err,
				    "unknown group (eu, eea, adequate, third-country)");
			c->groups |= bit;
		}
		/* The combinations Chapter V knows; anything else is a typo. */
		if (c->groups != (VG_JG_EU | VG_JG_EEA) && c->groups != VG_JG_EEA &&
		    c->groups != VG_JG_ADEQUATE && c->groups != VG_JG_THIRD)
			return vg_yerr(d, g, err, "%s: groups must be [eu, eea], [eea], [adequate] or "
			    "[third-country]", k->str);
		a = vg_ymap_get(v, "adequacy");
		if ((a != NULL) != (c->groups == VG_JG_ADEQUATE))
			return vg_yerr(d, a != NULL ? a : v, err, "%s: an adequacy mapping goes with "
			    "the adequate group, and only with it", k->str);
		if (a != NULL) {
			if (!vg_yexpect(d, a, VG_Y_MAP, "adequacy", err) || !vg_ykeys(d, a, akeys, err) ||
			    (c->decision = vg_ystr(d, a, "decision", err)) == NULL ||
			    (c->decision_date = vg_ystr(d, a, "date", err)) == NULL ||
			    (c->scope = vg_ystr(d, a, "scope", err)) == NULL ||
			    (c->source = vg_ystr(d, a, "source", err)) == NULL)
				return false;
		}
	}
	return true;
}

static bool
load_regions(struct vg_juris *j, struct vg_err *err)
{
	static const char *const top[] = { "version", "clouds", NULL };
	static const char *const cloud_names[] = { "aws", "azure", "gcp", "oci", "alibaba", NULL };
	static const char *const ckeys[] = { "source", "regions", NULL };
	const struct vg_ydoc *d = j->rdoc;
	const struct vg_ynode *root = vg_ydoc_root(d), *clouds;
	size_t total = 0;

	if (!vg_yexpect(d, root, VG_Y_MAP, "cloud regions", err) || !vg_ykeys(d, root, top, err) ||
	    (j->rversion = vg_ystr(d, root, "version", err)) == NULL)
		return false;
	if ((clouds = vg_ymap_get(root, "clouds")) == NULL)
		return vg_yerr(d, root, err, "missing key 'clouds'");
	if (!vg_yexpect(d, clouds, VG_Y_MAP, "clouds", err) || !vg_ykeys(d, clouds, cloud_names, err))
		return false;
	for (size_t i = 0; i < clouds->n; i++) {
		const struct vg_ynode *v = clouds->items[2 * i + 1], *r;

		if (!vg_yexpect(d, v, VG_Y_MAP, clouds->items[2 * i]->str, err) ||
		    !vg_ykeys(d, v, ckeys, err) || vg_ystr(d, v, "source", err) == NULL)
			return false;
		if ((r = vg_ymap_get(v, "regions")) == NULL)
			return vg_yerr(d, v, err, "missing key 'regions'");
		if (!vg_yexpect(d, r, VG_Y_MAP, "regions", err))
			return false;
		total += r->n;
	}
	if (total > VG_REGIONS_MAX)
		return vg_yerr(d, clouds, err, "more than %d regions", VG_REGIONS_MAX);
	if ((j->regions = calloc(total + 1, sizeof(*j->regions))) == NULL)
		return vg_yerr(d, root, err, "out of memory");
	for (size_t i = 0; i < clouds->n; i++) {
		const struct vg_ynode *r = vg_ymap_get(clouds->items[2 * i + 1], "regions");

		for (size_t k = 0; k < r->n; k++) {
			const struct vg_ynode *code = r->items[2 * k], *cc = r->items[2 * k + 1];

			if (cc->kind != VG_Y_SCALAR || vg_juris_country(j, cc->str) == NULL)
				return vg_yerr(d, cc, err, "region %s: '%s' is not a country of "
				    "jurisdictions.yaml", code->str, cc->kind == VG_Y_SCALAR ? cc->str :
				    "(not a scalar)");
			j->regions[j->n_regions++] = (struct region){ clouds->items[2 * i]->str,
				code->str, vg_juris_country(j, cc->str)->code };
		}
	}
	qsort(j->regions, j->n_regions, sizeof(*j->regions), region_cmp);
	return true;
}

struct vg_juris *
vg_juris_load(const char *jpath, const char *rpath, struct vg_err *err)
{
	struct vg_juris *j = calloc(1, sizeof(*j));

	if (j == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	if ((j->jdoc = vg_ydoc_load(jpath, err)) == NULL || !load_countries(j, err) ||
	    (j->rdoc = vg_ydoc_load(rpath, err)) == NULL || !load_regions(j, err)) {
		vg_juris_free(j);
		return NULL;
	}
	return j;
}
