/* cmd_forward.c - `vigie db forward`: the store's events to syslog and JSON lines, resumably. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cmd.h"

/* logrotate moved the JSON-lines file: the writer reopens its path before the next line. */
static void
on_hup(int sig)
{
	(void)sig;
	vg_jsonl_request_reopen();
}

static bool
number(const char *cmd, const char *what, const char *arg, unsigned long long max,
    unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(arg, &end, 10);
	if (errno != 0 || *end != '\0' || end == arg || arg[0] == '-' || *out > max) {
		vg_warn("%s: %s takes a number up to %llu, not '%s'", cmd, what, max, arg);
		return false;
	}
	return true;
}

int
vg_cmd_forward(int argc, char **argv)
{
	static const struct option opts[] = {
		VG_AUDIT_LONGOPTS,
		{ "from", required_argument, NULL, 'F' },
		{ "rate", required_argument, NULL, 'R' },
		{ "retry", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	static const char cmd[] = "db forward";
	struct vg_store_opts so = { .no_key = true };
	struct vg_audit_opts ao;
	struct vg_fwd_opts fo = { 0 };
	enum vg_store_errkind kind;
	struct vg_store *st;
	struct vg_err err;
	unsigned long long v;
	bool verbose = false;
	int c, ex;

	vg_audit_opts_init(&ao);
	optind = 1;
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		int taken = vg_audit_opt(&ao, c, optarg, cmd);

		if (taken < 0)
			return VG_EXIT_USAGE;
		if (taken > 0)
			continue;
		switch (c) {
		case 'F':
			if (!number(cmd, "--from", optarg, UINT64_MAX / 2, &v))
				return VG_EXIT_USAGE;
			fo.from = v;
			break;
		case 'R':
			if (!number(cmd, "--rate", optarg, 10000000, &v))
				return VG_EXIT_USAGE;
			fo.rate = (unsigned)v;
			break;
		case 'T':
			if (!number(cmd, "--retry", optarg, 86400, &v))
				return VG_EXIT_USAGE;
			fo.retry_secs = (unsigned)v;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			return VG_EXIT_USAGE;
		}
	}
	if (ao.db == NULL || optind != argc || (ao.n_syslog == 0 && ao.jsonl == NULL) ||
	    ao.signing_key != NULL) {
		vg_warn("%s: usage: vigie db forward --db FILE [--syslog DEST]... [--jsonl FILE] "
		    "[--from SEQ] [--rate N] [--retry SECONDS] [-v]", cmd);
		return VG_EXIT_USAGE;
	}
	if (!vg_audit_opts_ok(&ao, cmd))
		return VG_EXIT_USAGE;
	if ((st = vg_store_open(ao.db, &so, &kind, &err)) == NULL) {
		vg_warn("%s: %s", cmd, err.msg);
		return kind == VG_STORE_EUSAGE ? VG_EXIT_USAGE : VG_EXIT_INPUT;
	}
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_hup;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		sigaction(SIGHUP, &sa, NULL);
	}
	/* Delivering is this command's whole job: unconfirmed delivery is its failure. */
	ex = vg_audit_forward(st, &ao, &fo, verbose, true);
	vg_store_free(st);
	return ex;
}
