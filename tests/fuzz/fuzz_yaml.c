/* fuzz_yaml.c - fuzzes the strict YAML loader and the catalog schema on top of it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "yamldoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_err err;
	struct vg_ydoc *d;
	struct vg_catalog *c;
	struct vg_host_match m;

	if (size > 1u << 20)
		return 0;
	if ((d = vg_ydoc_load_mem("fuzz.yaml", data, size, &err)) == NULL) {
		/* Every failure says where: "fuzz.yaml:LINE:COL: ..." or "fuzz.yaml: ...". */
		if (strncmp(err.msg, "fuzz.yaml:", 10) != 0)
			abort();
		return 0;
	}
	if ((c = vg_catalog_from_doc(d, &err)) != NULL) {
		for (size_t i = 0; i < vg_catalog_count(c, NULL, NULL); i++)
			if (!vg_catalog_match(c, vg_catalog_rule(c, i)->sample, &m))
				abort(); /* the loader promised every sample resolves */
		vg_catalog_match(c, "a.b.c.example.com", &m);
		vg_catalog_free(c);
	} else if (strncmp(err.msg, "fuzz.yaml", 9) != 0 && strcmp(err.msg, "out of memory") != 0) {
		abort();
	}
	return 0;
}
