/* fuzz_manifest.c - fuzzes the AIDeployment manifest loader and checks what it promises of what loads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "hostname.h"
#include "manifest.h"
#include "policy_expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loaded once per process; NULL when the source tree is not there (then the check is skipped). */
static struct vg_catalog *catalog;
static int catalog_tried;

static void
check_text(const char *s)
{
	if (s != NULL && (s[0] == '\0' || strlen(s) > VG_MANIFEST_TEXT_MAX))
		abort();
}

static void
check_list(const struct vg_mf_list *l)
{
	if (l->items == NULL) {
		if (l->n != 0)
			abort();
		return;
	}
	if (l->n > VG_MANIFEST_LIST_MAX || l->items[l->n] != NULL)
		abort();
	for (size_t i = 0; i < l->n; i++) {
		check_text(l->items[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(l->items[i], l->items[j]) == 0)
				abort(); /* duplicates are refused */
	}
}

static void
check_date(int32_t d)
{
	if (d != VG_DATE_NONE && (d < VG_EXPR_DATE_MIN || d > VG_EXPR_DATE_MAX))
		abort();
}

/* A canonical host canonicalises to itself (IPv6 literals aside: they hold ':'). */
static void
check_host(const char *host)
{
	char again[VG_HOSTNAME_MAX + 1];

	if (host[0] == '\0' || strchr(host, ':') != NULL)
		return;
	if (!vg_hostname_canon((const uint8_t *)host, strlen(host), again) ||
	    strcmp(again, host) != 0)
		abort();
}

static void
check(const struct vg_manifest *m)
{
	const char *const *texts[] = { &m->owner, &m->purpose, &m->role, &m->risk_class,
		&m->annex_iii_area, &m->approved_gateway, &m->transfer_mechanism, &m->tia_ref,
		&m->derogation, &m->oversight_contact, &m->oversight_stop_procedure,
		&m->transparency_notice, &m->fria_ref, &m->literacy_record, &m->screen_ref };

	if (m->name == NULL || strcmp(m->file, "fuzz.yaml") != 0 || m->line == 0)
		abort();
	check_text(m->name);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		check_text(*texts[i]);
	check_list(&m->practices);
	check_list(&m->data_categories);
	check_date(m->tia_date);
	check_date(m->fria_date);
	check_date(m->literacy_date);
	check_date(m->screen_date);
	check_date(m->first_use);
	if (m->retention_days != VG_INT_NONE && (m->retention_days < 0 || m->retention_days > 36500))
		abort();
	if (m->derogation != NULL && (m->transfer_mechanism == NULL ||
	    strcmp(m->transfer_mechanism, "derogation") != 0))
		abort();
	if ((m->approved_gateway == NULL) != (m->gateway_host[0] == '\0'))
		abort();
	check_host(m->gateway_host);
	if (m->n_providers > VG_MANIFEST_PROVIDERS_MAX || (m->n_providers > 0 && m->providers == NULL))
		abort();
	for (size_t i = 0; i < m->n_providers; i++) {
		const struct vg_mf_provider *p = &m->providers[i];

		if (p->provider == NULL || p->provider_line == 0 || p->line == 0)
			abort();
		check_text(p->model);
		check_text(p->region);
		check_text(p->routing);
		if ((p->endpoint == NULL) != (p->host[0] == '\0') ||
		    (p->endpoint == NULL) != (p->endpoint_line == 0))
			abort();
		check_host(p->host);
		if (strcmp(p->scheme, "https") == 0 || strcmp(p->scheme, "http") == 0) {
			if (p->port == 0)
				abort();
		} else if (p->scheme[0] != '\0' || p->port != 0) {
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_err err;
	struct vg_manifest *m;

	if (size > 1u << 20)
		return 0;
	if (!catalog_tried) {
		catalog_tried = 1;
		catalog = vg_catalog_load(VG_SRCDIR "/rules/ai-endpoints.yaml", &err);
	}
	if ((m = vg_manifest_load_mem("fuzz.yaml", data, size, &err)) == NULL) {
		/* Every failure says where: "fuzz.yaml:LINE:COL: ..." or "fuzz.yaml: ...". */
		if (strncmp(err.msg, "fuzz.yaml:", 10) != 0)
			abort();
		return 0;
	}
	check(m);
	if (catalog != NULL && !vg_manifest_check(m, catalog, &err) &&
	    strncmp(err.msg, "fuzz.yaml:", 10) != 0)
		abort();
	vg_manifest_free(m);
	return 0;
}
