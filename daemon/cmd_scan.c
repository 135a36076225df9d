/* cmd_scan.c - `vigie scan`: captures in, flow records and a summary out. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attrib.h"
#include "audit.h"
#include "capture.h"
#include "cmd.h"
#include "decode.h"
#include "engine.h"
#include "manifest.h"
#include "out_finding.h"
#include "out_json.h"
#include "out_text.h"
#include "geoip.h"
#include "paths.h"
#include "policy.h"
#include "subject.h"

#define OPT_PATHS_MAX 64 /* -p or -m options */

enum fmt { FMT_TEXT, FMT_JSON };

struct scan {
	enum fmt fmt;
	FILE *out;
	FILE *findings;   /* text: findings gathered here, written after the flow table */
	bool write_failed;
	bool progress;
	bool all_results; /* --results all: pass and notapplicable findings too */
	const struct vg_attrib *attrib;
	uint64_t attributed;
	const struct vg_policy *policy; /* NULL: no policy */
	struct vg_declared decl;
	struct vg_pstats *stats;
	int32_t today;
	struct vg_subject subj;
	char msg[VG_POLICY_MESSAGE_MAX];
	struct vg_audit *audit;  /* --db: every record also goes into the store */
};

static void
on_finding(void *arg, const struct vg_finding *f)
{
	struct scan *s = arg;
	int rc;

	vg_pstats_add(s->stats, f);
	if (!s->all_results && f->result != VG_RES_FAIL && f->result != VG_RES_ERROR)
		return;
	rc = s->fmt == FMT_JSON ? vg_json_finding(s->out, f) : vg_text_finding(s->findings, f);
	if (rc != 0)
		s->write_failed = true;
	if (s->audit != NULL && vg_json_finding(vg_audit_stream(s->audit), f) == 0)
		vg_audit_record(s->audit, "finding");
}

static void
on_record(void *arg, const struct vg_flow_record *r)
{
	struct scan *s = arg;
	struct vg_dest d;
	int rc;

	if (vg_attrib_flow(s->attrib, r, &d))
		s->attributed++;
	rc = s->fmt == FMT_JSON ? vg_json_flow(s->out, r, &d) : vg_text_flow(s->out, r, &d);
	if (rc != 0)
		s->write_failed = true;
	if (s->audit != NULL && vg_json_flow(vg_audit_stream(s->audit), r, &d) == 0)
		vg_audit_record(s->audit, "flow");
	if (s->policy != NULL && vg_policy_n_for(s->policy, VG_SUBJ_FLOW) > 0) {
		vg_subject_init(&s->subj, VG_SUBJ_FLOW, s->today);
		vg_subject_flow(&s->subj, r, &d, s->decl.n > 0 ? &s->decl : NULL);
		vg_policy_eval(s->policy, &s->subj, s->today, s->msg, on_finding, s);
	}
}

/* An expired waiver no longer hides anything, and is itself a finding so that it gets renewed or removed. */
static void
report_expired(struct scan *s)
{
	for (size_t i = 0; i < vg_policy_n_waivers(s->policy); i++) {
		const struct vg_waiver *w = vg_policy_waiver(s->policy, i);
		const struct vg_control *c = vg_policy_find(s->policy, w->control);
		int rc;

		if (w->expires >= s->today || c == NULL)
			continue;
		vg_pstats_expired(s->stats);
		rc = s->fmt == FMT_JSON ? vg_json_expired_waiver(s->out, w, c, s->today) :
		    vg_text_expired_waiver(s->findings, w, c, s->today);
		if (rc != 0)
			s->write_failed = true;
		if (s->audit != NULL &&
		    vg_json_expired_waiver(vg_audit_stream(s->audit), w, c, s->today) == 0)
			vg_audit_record(s->audit, "finding");
	}
}

bool
vg_cmd_fail_on(const char *cmd, const char *arg, unsigned *out)
{
	enum vg_severity sv;

	if (strcmp(arg, "none") == 0) {
		*out = VG_FAIL_ON_NONE;
		return true;
	}
	if (!vg_severity_parse(arg, &sv)) {
		vg_warn("%s: --fail-on must be info, low, medium, high, critical or none, not '%s'",
		    cmd, arg);
		return false;
	}
	*out = (unsigned)sv;
	return true;
}

/* Copies the text findings gathered during the scan to the output, after the flow table. */
static int
flush_findings(struct scan *s)
{
	char buf[8192];
	size_t n;
	long size;

	if (s->findings == NULL)
		return 0;
	if (fflush(s->findings) != 0 || (size = ftell(s->findings)) < 0)
		return -1;
	if (size == 0)
		return 0;
	rewind(s->findings);
	if (fputs("\nfindings:\n", s->out) == EOF)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), s->findings)) > 0)
		if (fwrite(buf, 1, n, s->out) != n)
			return -1;
	return ferror(s->findings) ? -1 : 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
show_progress(const char *path, struct vg_capture *cap, uint64_t packets)
{
	uint64_t pos, size;

	vg_capture_progress(cap, &pos, &size);
	if (size > 0)
		fprintf(stderr, "\rvigie: %s: %3u%%, %llu packets ", path,
		    (unsigned)(pos * 100 / size), (unsigned long long)packets);
	else
		fprintf(stderr, "\rvigie: %s: %llu packets ", path, (unsigned long long)packets);
}

bool
vg_cmd_read_capture(struct vg_engine *e, const char *path, bool progress)
{
	char err[512];
	struct vg_capture *cap = vg_capture_open_file(path, err, sizeof(err));
	const uint8_t *data;
	size_t caplen, wirelen;
	uint64_t ts, n = 0;
	double next = 0;
	int dlt;
	bool ok = true;

	if (cap == NULL) {
		vg_warn("%s: %s", path, err);
		return false;
	}
	dlt = vg_capture_datalink(cap);
	if (!vg_decode_linktype_supported(dlt))
		vg_warn("%s: link type %d (%s) is not supported; its packets are counted as "
		    "link.unsupported_type", path, dlt, vg_capture_datalink_name(cap));
	for (;;) {
		enum vg_capture_rc rc = vg_capture_next(cap, &ts, &data, &caplen, &wirelen, err,
		    sizeof(err));

		if (rc == VG_CAP_PACKET) {
			vg_engine_packet(e, dlt, ts, data, caplen, wirelen);
			if (progress && (++n & 0xfff) == 0 && now_s() >= next) {
				show_progress(path, cap, n);
				next = now_s() + 0.5;
			}
			continue;
		}
		if (rc == VG_CAP_TRUNCATED) {
			vg_engine_anomaly(e, VG_AN_CAPTURE_TRUNCATED);
			vg_warn("%s: capture is truncated in its last record; the packets before it "
			    "were read (%s)", path, err);
		} else if (rc == VG_CAP_CORRUPT) {
			vg_warn("%s: corrupt capture after %llu packets: %s", path,
			    (unsigned long long)n, err);
			ok = false;
		}
		break;
	}
	if (progress && next != 0)
		fprintf(stderr, "\r\033[K");
	vg_capture_close(cap);
	/* Flows end with their input: records from what was read are never lost. */
	vg_engine_flush(e);
	return ok;
}

/* What one capture added: packets and bytes read, flows, and whether it was read to its end. */
static void
audit_capture(struct scan *s, struct vg_engine *e, const char *path,
    const struct vg_engine_stats *before, bool ok)
{
	struct vg_engine_stats after;

	vg_engine_stats(e, &after);
	if (vg_json_write(vg_audit_stream(s->audit), json_pack("{s:s,s:s?,s:I,s:I,s:I,s:i,s:b}",
	    "type", "capture", "source", path, "packets", (json_int_t)(after.packets -
	    before->packets), "bytes", (json_int_t)(after.bytes - before->bytes), "records",
	    (json_int_t)(after.records - before->records), "dropped", 0, "complete", ok)) == 0)
		vg_audit_record(s->audit, "capture");
}

static void
scan_usage(FILE *fp)
{
	fputs("usage: vigie scan [-p POLICY|none]... [-m MANIFEST]... [-f text|json] [-o FILE]\n"
	      "                  [-r RULES_DIR] [--geoip FILE|none] [--fail-on SEVERITY]\n"
	      "                  [--date YYYY-MM-DD] [--results fail|all] [-q] [--max-flows N]\n"
	      "                  [--db FILE [--signing-key KEY] [--syslog DEST]... [--jsonl FILE]]\n"
	      "                  CAPTURE...\n"
	      "  -p, --policy P      policy file or directory (repeatable; default: the shipped\n"
	      "                      policies/), or none\n"
	      "  -m, --manifest M    AIDeployment manifest (repeatable)\n"
	      "  -f, --format FMT    text (a table, the default) or json (one record per line)\n"
	      "  -r, --rules DIR     attribution rules (default: the installed rules/)\n"
	      "      --geoip FILE    GeoIP country database (mmdb), or none\n"
	      "      --fail-on SEV   exit 1 on an unwaived failure of this severity or above:\n"
	      "                      info, low, medium, high (default), critical, or none\n"
	      "      --date DATE     evaluate as of DATE instead of today (UTC)\n"
	      "      --results R     fail (default: failures only) or all (also pass, n/a)\n"
	      "  -o, --output FILE   write records to FILE instead of standard output\n"
	      "  -q, --quiet         no progress line on a terminal\n"
	      "      --max-flows N   flow table capacity (default 262144)\n"
	      "      --db FILE       append every record to this audit store (created if missing)\n"
	      "      --signing-key K checkpoint signing key (default FILE.key, made on first use)\n"
	      "      --syslog DEST   then send the new events: local, unix:PATH, tcp://HOST:PORT,\n"
	      "                      tls://HOST:PORT (--syslog-ca, --syslog-cert, --syslog-key,\n"
	      "                      --syslog-facility); repeatable\n"
	      "      --jsonl FILE    and append them to FILE as JSON lines\n"
	      "CAPTURE is a pcap or pcapng file, optionally gzip-compressed, or - for stdin.\n", fp);
}

int
vg_cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "rules", required_argument, NULL, 'r' },
		{ "geoip", required_argument, NULL, 'G' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-flows", required_argument, NULL, 'M' },
		{ "policy", required_argument, NULL, 'p' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "date", required_argument, NULL, 'D' },
		{ "results", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		VG_AUDIT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static struct scan s; /* holds a subject: too big for the stack of small threads */
	char *pol_paths[OPT_PATHS_MAX], *man_paths[OPT_PATHS_MAX];
	size_t n_pol = 0, n_man = 0, n_m = 0;
	struct vg_policy *policy = NULL;
	struct vg_manifest **manifests = NULL;
	unsigned fail_on = VG_SEV_HIGH;
	const char *rules = NULL, *geoip_path = NULL;
	struct vg_attrib *attrib;
	struct vg_geoip *geoip;
	struct vg_engine_config cfg;
	struct vg_scan_totals tot;
	struct vg_engine *e;
	const char *outpath = NULL;
	struct vg_audit_opts ao;
	bool quiet = false;
	char *end;
	int ch, rc, taken, ax;

	vg_audit_opts_init(&ao);
	memset(&s, 0, sizeof(s));
	s.fmt = FMT_TEXT;
	s.out = stdout;
	s.today = vg_date_today();
	vg_engine_config_default(&cfg);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "f:o:r:p:m:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
		case 'm':
			if ((ch == 'p' ? n_pol : n_man) == OPT_PATHS_MAX) {
				vg_warn("scan: more than %u -%c options", OPT_PATHS_MAX, ch);
				return VG_EXIT_USAGE;
			}
			if (ch == 'p')
				pol_paths[n_pol++] = optarg;
			else
				man_paths[n_man++] = optarg;
			break;
		case 'F':
			if (!vg_cmd_fail_on("scan", optarg, &fail_on))
				return VG_EXIT_USAGE;
			break;
		case 'D':
			if (!vg_cmd_date(optarg, &s.today))
				return VG_EXIT_USAGE;
			break;
		case 'R':
			if (strcmp(optarg, "fail") != 0 && strcmp(optarg, "all") != 0) {
				vg_warn("scan: --results must be fail or all, not '%s'", optarg);
				return VG_EXIT_USAGE;
			}
			s.all_results = strcmp(optarg, "all") == 0;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0) {
				s.fmt = FMT_TEXT;
			} else if (strcmp(optarg, "json") == 0) {
				s.fmt = FMT_JSON;
			} else if (strcmp(optarg, "sarif") == 0 || strcmp(optarg, "junit") == 0) {
				vg_warn("scan: format '%s' is not available in this version (text, "
				    "json)", optarg);
				return VG_EXIT_USAGE;
			} else {
				vg_warn("scan: unknown format '%s' (text, json)", optarg);
				return VG_EXIT_USAGE;
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'r':
			rules = optarg;
			break;
		case 'G':
			geoip_path = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'M':
			errno = 0;
			cfg.flow.max_flows = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || cfg.flow.max_flows == 0 ||
			    cfg.flow.max_flows > VG_FLOW_MAX_CAP) {
				vg_warn("scan: --max-flows must be 1..%u", VG_FLOW_MAX_CAP);
				return VG_EXIT_USAGE;
			}
			break;
		case 'h':
			scan_usage(stdout);
			return VG_EXIT_OK;
		default:
			if ((taken = vg_audit_opt(&ao, ch, optarg, "scan")) > 0)
				break;
			if (taken == 0)
				scan_usage(stderr);
			return VG_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		vg_warn("scan: no capture given");
		scan_usage(stderr);
		return VG_EXIT_USAGE;
	}
	if (!vg_audit_opts_ok(&ao, "scan"))
		return VG_EXIT_USAGE;
	if (n_pol > 1)
		for (size_t i = 0; i < n_pol; i++)
			if (strcmp(pol_paths[i], "none") == 0) {
				vg_warn("scan: -p none cannot be combined with other -p options");
				return VG_EXIT_USAGE;
			}
	/* Rules, policies and manifests first: a broken one must stop the scan before any output. */
	if ((rc = vg_cmd_policies(pol_paths, n_pol, &policy)) != VG_EXIT_OK)
		return rc;
	if ((attrib = vg_cmd_attrib(rules, geoip_path, &geoip)) == NULL) {
		vg_policy_free(policy);
		return VG_EXIT_USAGE;
	}
	if ((rc = vg_cmd_manifests(man_paths, n_man, attrib, &manifests, &n_m)) != VG_EXIT_OK)
		goto fail;
	if (policy == NULL && n_m > 0)
		vg_warn("scan: manifests are only checked by policies, and -p none gives none");
	s.attrib = attrib;
	s.policy = policy;
	s.decl.m = (const struct vg_manifest *const *)manifests;
	s.decl.n = n_m;
	rc = VG_EXIT_USAGE;
	if (policy != NULL && (s.stats = vg_pstats_new(policy, fail_on, s.today)) == NULL) {
		vg_warn("scan: out of memory");
		goto fail;
	}
	if (s.stats != NULL)
		s.stats->manifests = (unsigned)n_m;
	if (ao.db != NULL && (s.audit = vg_cmd_audit_open(&ao, "scan", argc, argv, pol_paths, n_pol,
	    rules, man_paths, n_man, &rc)) == NULL)
		goto fail;
	rc = VG_EXIT_USAGE;
	if (policy != NULL && s.fmt == FMT_TEXT && (s.findings = tmpfile()) == NULL) {
		vg_warn("scan: cannot create a temporary file: %s", strerror(errno));
		goto fail;
	}
	if (outpath != NULL && (s.out = fopen(outpath, "w")) == NULL) {
		vg_warn("%s: cannot write: %s", outpath, strerror(errno));
		goto fail;
	}
	/* A progress line only where nobody parses stderr and it cannot mix with the table. */
	s.progress = !quiet && isatty(STDERR_FILENO) && (outpath != NULL || !isatty(STDOUT_FILENO));
	if ((e = vg_engine_new(&cfg, on_record, &s)) == NULL) {
		vg_warn("scan: out of memory");
		goto fail;
	}
	memset(&tot, 0, sizeof(tot));
	if (policy != NULL) {
		report_expired(&s);
		/* Declared deployments and their endpoints, before any traffic: they are known up front. */
		vg_cmd_eval_manifests(policy, attrib, manifests, n_m, s.today, &s.subj, s.msg,
		    on_finding, &s);
	}
	if (s.fmt == FMT_TEXT && vg_text_header(s.out) != 0)
		s.write_failed = true;
	for (int i = optind; i < argc; i++) {
		struct vg_engine_stats before;
		bool ok;

		tot.captures++;
		vg_engine_stats(e, &before);
		if (s.audit != NULL)
			vg_audit_file(s.audit, "capture", argv[i]);
		if (!(ok = vg_cmd_read_capture(e, argv[i], s.progress)))
			tot.captures_failed++;
		if (s.audit != NULL)
			audit_capture(&s, e, argv[i], &before, ok);
	}
	vg_engine_stats(e, &tot.st);
	vg_engine_free(e);
	tot.attributed = s.attributed;
	tot.catalog_version = vg_catalog_version(vg_attrib_catalog(attrib));
	tot.regions_version = vg_regions_version(vg_attrib_juris(attrib));
	tot.jurisdictions_version = vg_juris_version(vg_attrib_juris(attrib));
	tot.policy = s.stats;
	if (flush_findings(&s) != 0)
		s.write_failed = true;
	if (s.audit != NULL && vg_json_summary(vg_audit_stream(s.audit), &tot) == 0)
		vg_audit_record(s.audit, "stop");
	rc = s.fmt == FMT_JSON ? vg_json_summary(s.out, &tot) : vg_text_summary(s.out, &tot);
	if (rc != 0 || s.write_failed || fflush(s.out) != 0 || ferror(s.out) ||
	    (s.out != stdout && fclose(s.out) != 0)) {
		vg_warn("%s: write error", outpath != NULL ? outpath : "standard output");
		s.out = stdout;
		rc = VG_EXIT_USAGE;
		goto fail;
	}
	s.out = stdout;
	ax = vg_audit_close(s.audit);
	s.audit = NULL;
	/* An unreadable capture outranks findings: an incomplete scan proves nothing either way. */
	if (tot.captures_failed > 0 || ax != VG_EXIT_OK)
		rc = VG_EXIT_INPUT;
	else if (s.stats != NULL && s.stats->blocking > 0)
		rc = VG_EXIT_FINDINGS;
	else
		rc = VG_EXIT_OK;
fail:
	if (s.out != NULL && s.out != stdout)
		fclose(s.out);
	if (s.findings != NULL)
		fclose(s.findings);
	/* A failed scan keeps what it recorded (committed, signed, forwarded); its exit code stands. */
	vg_audit_close(s.audit);
	vg_pstats_free(s.stats);
	vg_cmd_manifests_free(manifests, n_m);
	vg_policy_free(policy);
	vg_attrib_free(attrib);
	vg_geoip_close(geoip);
	return rc;
}
