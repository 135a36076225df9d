/* anomaly.c - names of the anomaly counters. */
#include "anomaly.h"

static const char *const names[VG_AN__COUNT] = {
#define VG_AN_NAME(id, name) [VG_AN_##id] = name,
	VG_ANOMALIES(VG_AN_NAME)
#undef VG_AN_NAME
};

const char *
vg_anomaly_name(enum vg_anomaly id)
{
	return id < VG_AN__COUNT ? names[id] : "unknown";
}

uint64_t
vg_anomalies_total(const struct vg_anomalies *a)
{
	uint64_t t = 0;

	for (int i = 0; i < VG_AN__COUNT; i++)
		t += a->n[i];
	return t;
}
