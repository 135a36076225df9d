/* policy_test.h - policy test files: subjects written by hand, the results each control must give. */
#ifndef VG_POLICY_TEST_H
#define VG_POLICY_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "attrib.h"
#include "policy.h"
#include "yamldoc.h"

#define VG_PTEST_CASES_MAX 4096   /* cases of one test file */
#define VG_PTEST_EXPECT_MAX 256   /* expectations of one case */

/* What a case expects of a control: a result, or "waived" (a fail an unexpired waiver covers). */
struct vg_ptest_expect {
	enum vg_result result;
	bool waived;
};

/* One checked expectation, or one coverage gap (case == NULL). Borrowed during the callback. */
struct vg_ptest_event {
	const char *file;
	unsigned line;            /* of the case, or of the control for a coverage gap */
	const char *case_name;    /* NULL: coverage gap of control */
	const char *control;
	struct vg_ptest_expect want, got;
	const char *message;      /* the finding's message */
	bool ok;
	const char *gap;          /* coverage gap: "no case where it passes" or "... fails" */
};

struct vg_ptest_totals {
	unsigned cases, checks, failed, gaps;
};

typedef void (*vg_ptest_fn)(void *arg, const struct vg_ptest_event *ev);

/*
 * Runs one test file (schema in vigie-policy(5), TEST FILES): loads the
 * policies it names (relative to its own directory), builds each case's
 * subject (host: is attributed with a, which may be NULL when no case
 * uses host:), evaluates it and compares with expect:. Then every control
 * of those policies must have at least one case where it passes and one
 * where it fails (or is waived); each gap is an event. fn gets every
 * check and gap. Returns false with err (FILE:LINE:COL) when the test file
 * or a policy cannot be loaded; a failed check is not an error.
 */
bool vg_ptest_run(const char *path, const struct vg_attrib *a, vg_ptest_fn fn, void *arg,
    struct vg_ptest_totals *t, struct vg_err *err);

/* "pass", "fail", "notapplicable", "error" or "waived". */
const char *vg_ptest_expect_name(const struct vg_ptest_expect *e);

#endif
