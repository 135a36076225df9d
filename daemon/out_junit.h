/* out_junit.h - the findings of a run as one JUnit XML report, for CI test dashboards. */
#ifndef VG_OUT_JUNIT_H
#define VG_OUT_JUNIT_H

#include <stdio.h>

#include "finding_list.h"
#include "out_sarif.h"
#include "policy.h"

/*
 * Writes one <testsuites> document: a <testsuite> per policy file of p, a
 * <testcase> per evaluated, applicable (control, subject) pair of l, in
 * control order and then list order, and one skipped testcase for each
 * control that applied to nothing, so that every control shows. A pass is
 * an empty testcase: l should hold the passes (and may hold not-applicable
 * items, which are not written) whatever ci->all_results says, or controls
 * that passed everywhere show as applying to nothing. Items whose control
 * is not one of p's are left out. Text is escaped for XML 1.0 and written
 * as valid UTF-8; characters XML cannot carry become U+FFFD. The output
 * depends only on the arguments. Returns 0, or -1 on a write or allocation
 * error (fp may then hold part of the document).
 */
int vg_junit_write(FILE *fp, const struct vg_flist *l, const struct vg_policy *p,
    const struct vg_ci_info *ci);

#endif
