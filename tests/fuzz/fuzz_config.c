/* fuzz_config.c - fuzzes configuration extraction (.env, JSON, YAML streams) with the shipped extractor rules. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_rules.h"
#include "config_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vg_crules *rules;
static int rules_tried;

/* What every extracted endpoint promises, whatever the input. */
static void
check(const struct vg_cscan *s)
{
	for (size_t i = 0; i < vg_cscan_n_endpoints(s); i++) {
		const struct vg_cfg_endpoint *e = vg_cscan_endpoint(s, i);
		const char *auth;

		if (e->file == NULL || e->label == NULL || (unsigned)e->type >= VG_CF__N)
			abort();
		/* A URL never keeps user information or a query: they carry credentials. */
		if (e->url != NULL && (strchr(e->url, '?') != NULL || strchr(e->url, '#') != NULL))
			abort();
		if (e->url != NULL && (auth = strstr(e->url, "://")) != NULL) {
			auth += 3;
			if (memchr(auth, '@', strcspn(auth, "/")) != NULL)
				abort();
		}
		/* The host is parsed once, from the URL kept. */
		if (e->url == NULL && e->u.host[0] != '\0')
			abort();
		if (e->key != NULL && strlen(e->key) >= VG_CSCAN_KEY_MAX)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the file kind, as the name would. */
	static const char *const names[] = { "fuzz/.env", "fuzz/config.json", "fuzz/values.yaml",
		"fuzz/docker-compose.yml" };
	struct vg_cscan *s;
	struct vg_err err;

	if (!rules_tried) {
		rules_tried = 1;
		rules = vg_crules_load(VG_SRCDIR "/rules/config-extractors.yaml", &err);
	}
	if (rules == NULL || size == 0)
		return 0;
	if ((s = vg_cscan_new(rules, NULL)) == NULL)
		return 0;
	if (vg_cscan_buffer(s, names[data[0] % 4], data + 1, size - 1))
		check(s);
	vg_cscan_free(s);
	return 0;
}
