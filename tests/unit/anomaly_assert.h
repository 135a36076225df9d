/* anomaly_assert.h - cmocka assertions on anomaly counters, shared by the parser tests. */
#ifndef VG_TEST_ANOMALY_ASSERT_H
#define VG_TEST_ANOMALY_ASSERT_H

#include "anomaly.h"

/* Exactly one anomaly was counted, and it is `id`. */
static inline void
assert_one_anomaly(const struct vg_anomalies *an, enum vg_anomaly id)
{
	assert_int_equal(an->n[id], 1);
	assert_int_equal(vg_anomalies_total(an), 1);
}

#endif
