/* out_sarif.h - the findings of a run as one SARIF 2.1.0 log, for code scanning services. */
#ifndef VG_OUT_SARIF_H
#define VG_OUT_SARIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "finding_list.h"
#include "policy.h"

/* What the CI writers (SARIF, JUnit) say about the run besides its findings. All borrowed. */
struct vg_ci_info {
	const char *tool_version;     /* PACKAGE_VERSION; NULL: not said */
	const char *const *rules_versions; /* "catalog 2026-11-01", ...; may be NULL when n is 0 */
	size_t n_rules_versions;
	int32_t date;                 /* evaluation date, days since 1970-01-01 */
	unsigned fail_on;             /* enum vg_severity, or VG_FAIL_ON_NONE */
	bool all_results;             /* --results all: passes too (SARIF; JUnit always has them) */
	const char *const *argv;      /* the command line, for the SARIF invocation; NULL: none */
	int argc;
};

/*
 * Writes one SARIF log with one run: a rule for every control of p (which
 * may be NULL: no rules), a result for every failure of l and, with
 * ci->all_results, every pass after them; not-applicable items never.
 * Code scanning rejects results without a location and logs past its
 * limits: items without a file, and results past the 25,000th (passes
 * first), are left out and counted in notifications of the invocation;
 * evaluation errors are notifications too. The output depends only on the
 * arguments (no clock, no environment). Strings that are not valid UTF-8
 * are written with U+FFFD for each bad byte. Returns 0, or -1 on a write
 * or allocation error (fp may then hold part of the log).
 */
int vg_sarif_write(FILE *fp, const struct vg_flist *l, const struct vg_policy *p,
    const struct vg_ci_info *ci);

/*
 * The percent-encoded URI of a file path as SARIF's artifactLocation.uri
 * wants it: a relative reference for a relative path (RFC 3986 §4.2, with a
 * colon of the first segment encoded so that it cannot read as a scheme,
 * and a leading "./" dropped), a file:// URI for an absolute one. *relative
 * tells which. Returns a string the caller frees, NULL when out of memory.
 */
char *vg_sarif_uri(const char *path, bool *relative);

/*
 * Decodes one UTF-8 character at s (s[0] != 0): stores its code point in
 * *cp and returns its length in bytes. A byte that does not start a valid,
 * shortest-form sequence of a Unicode scalar value gives U+FFFD and length
 * 1, so that a caller that writes *cp for each step writes valid UTF-8.
 */
size_t vg_utf8_next(const char *s, uint32_t *cp);

/* Writes code point cp as UTF-8 into out (4 bytes at least); returns the length. */
size_t vg_utf8_put(uint32_t cp, char *out);

#endif
