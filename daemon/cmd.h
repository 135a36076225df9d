/* cmd.h - the vigie subcommands and the exit codes they share. */
#ifndef VG_CMD_H
#define VG_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* Exit codes, the same for every command (see vigie(1), EXIT STATUS). */
enum vg_exit {
	VG_EXIT_OK = 0,        /* compliant, or success */
	VG_EXIT_FINDINGS = 1,  /* findings at or above --fail-on */
	VG_EXIT_USAGE = 2,     /* usage, configuration or policy error */
	VG_EXIT_INPUT = 3,     /* an input could not be read or is corrupt */
	VG_EXIT_INTEGRITY = 4, /* audit-log integrity check failed */
};

/* Messages on stderr, prefixed with the program name. */
void vg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct vg_attrib;
struct vg_geoip;

/*
 * Loads the rules (rules_dir or the default) and the GeoIP database (path,
 * or the default search; "none" turns it off). A missing default database
 * is said once on stderr and attribution goes on without it. NULL after
 * a message when the rules or a named database cannot be loaded.
 */
struct vg_attrib *vg_cmd_attrib(const char *rules_dir, const char *geoip_path,
    struct vg_geoip **geoip);

struct vg_policy;
struct vg_manifest;

/*
 * Loads policies from files and directories (each directory's *.yaml but
 * its *.test.yaml, sorted), or from the default directory when n is 0;
 * "none" alone loads nothing (*out NULL). Returns an exit code after a
 * message; *out is the caller's.
 */
int vg_cmd_policies(char *const *paths, size_t n, struct vg_policy **out);
/*
 * Loads AIDeployment manifests and checks their providers against a's
 * catalog (a may be NULL). Returns an exit code after a message (3 for a
 * manifest that cannot be read or is invalid). Free with vg_cmd_manifests_free.
 */
int vg_cmd_manifests(char *const *paths, size_t n, const struct vg_attrib *a,
    struct vg_manifest ***out, size_t *n_out);
void vg_cmd_manifests_free(struct vg_manifest **v, size_t n);
/*
 * Evaluates each manifest's deployment, then each of its providers[]
 * endpoints (attributed by its host), calling fn per finding as
 * vg_policy_eval() does. subj and msg are the caller's scratch space.
 */
void vg_cmd_eval_manifests(const struct vg_policy *p, const struct vg_attrib *a,
    struct vg_manifest *const *m, size_t n, int32_t today, struct vg_subject *subj, char *msg,
    vg_finding_fn fn, void *arg);
/* Parses --date; false after a message. */
bool vg_cmd_date(const char *arg, int32_t *out);

struct vg_engine;
/*
 * Feeds one capture file to the engine and flushes its flows; a progress
 * line on stderr when asked. False after a message when the capture could
 * not be read or is corrupt (the flows read before the damage are kept).
 */
bool vg_cmd_read_capture(struct vg_engine *e, const char *path, bool progress);
/* Parses --fail-on (a severity or none); false after a message naming cmd. */
bool vg_cmd_fail_on(const char *cmd, const char *arg, unsigned *out);

int vg_cmd_scan(int argc, char **argv);
int vg_cmd_check(int argc, char **argv);
int vg_cmd_policy(int argc, char **argv);
int vg_cmd_explain(int argc, char **argv);
int vg_cmd_verify(int argc, char **argv);
int vg_cmd_db(int argc, char **argv);
int vg_cmd_forward(int argc, char **argv);

#endif
