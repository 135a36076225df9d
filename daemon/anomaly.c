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
