/* audit.h - what `scan` and `check` record with --db, and the outputs that follow the store. */
#ifndef VG_AUDIT_H
#define VG_AUDIT_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "forward.h"

/* Long options shared by scan, check and db forward; values above any short option. */
enum {
	VG_AOPT_DB = 1000,
	VG_AOPT_SIGNING_KEY,
	VG_AOPT_SYSLOG,
	VG_AOPT_SYSLOG_CA,
	VG_AOPT_SYSLOG_CERT,
	VG_AOPT_SYSLOG_KEY,
	VG_AOPT_SYSLOG_FACILITY,
	VG_AOPT_JSONL,
};

#define VG_AUDIT_LONGOPTS \
	{ "db", required_argument, NULL, VG_AOPT_DB }, \
	{ "signing-key", required_argument, NULL, VG_AOPT_SIGNING_KEY }, \
	{ "syslog", required_argument, NULL, VG_AOPT_SYSLOG }, \
	{ "syslog-ca", required_argument, NULL, VG_AOPT_SYSLOG_CA }, \
	{ "syslog-cert", required_argument, NULL, VG_AOPT_SYSLOG_CERT }, \
	{ "syslog-key", required_argument, NULL, VG_AOPT_SYSLOG_KEY }, \
	{ "syslog-facility", required_argument, NULL, VG_AOPT_SYSLOG_FACILITY }, \
	{ "jsonl", required_argument, NULL, VG_AOPT_JSONL }

struct vg_audit_opts {
	const char *db, *signing_key, *jsonl;
	const char *syslog[VG_FWD_TARGETS_MAX];
	size_t n_syslog;
	struct vg_syslog_opts so;
};

/* Zeroes o and sets the defaults (syslog facility local0). */
void vg_audit_opts_init(struct vg_audit_opts *o);
/* Takes option c if it is one of VG_AUDIT_LONGOPTS: 1 taken, 0 not ours, -1 bad (said). */
int vg_audit_opt(struct vg_audit_opts *o, int c, const char *arg, const char *cmd);
/* Checks the combination once options are read; false after a message. */
bool vg_audit_opts_ok(const struct vg_audit_opts *o, const char *cmd);

struct vg_audit;

/*
 * Opens (or creates) the store and records a "start" event for cmd. NULL
 * with *ex set after a message. argv is recorded as given.
 */
struct vg_audit *vg_audit_open(const struct vg_audit_opts *o, const char *cmd, int argc,
    char **argv, int *ex);
/*
 * A scratch stream: write one JSON record into it, then vg_audit_record()
 * appends it as an event of type.
 */
FILE *vg_audit_stream(struct vg_audit *a);
int vg_audit_record(struct vg_audit *a, const char *type);
/* A "config" event with the SHA-256 of path (each *.yaml of a directory, recursively). */
int vg_audit_file(struct vg_audit *a, const char *role, const char *path);
/*
 * Signs the head, hands the new events to every output, closes. Returns an
 * exit code: 0, or 3 after a message when the store or an output failed.
 * NULL ok.
 */
int vg_audit_close(struct vg_audit *a);
/*
 * vg_audit_open(), then a "config" event for each policy (the default
 * directory when n_pol is 0, none for "none"), the rules and each manifest.
 */
struct vg_audit *vg_cmd_audit_open(const struct vg_audit_opts *o, const char *cmd, int argc,
    char **argv, char *const *pol, size_t n_pol, const char *rules, char *const *man,
    size_t n_man, int *ex);
/*
 * Forwards store st to the outputs of o; an exit code after messages. strict:
 * delivery the collector did not confirm is a failure (3), not only a warning.
 */
int vg_audit_forward(struct vg_store *st, const struct vg_audit_opts *o,
    const struct vg_fwd_opts *fo, bool verbose, bool strict);

#endif
