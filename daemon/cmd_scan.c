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
#include "capture.h"
#include "cmd.h"
#include "decode.h"
#include "engine.h"
#include "out_json.h"
#include "out_text.h"
#include "geoip.h"
#include "paths.h"

enum fmt { FMT_TEXT, FMT_JSON };

struct scan {
	enum fmt fmt;
	FILE *out;
	bool write_failed;
	bool progress;
	const struct vg_attrib *attrib;
	uint64_t attributed;
};

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

/* Returns false when the capture could not be read or is corrupt. */
static bool
scan_file(struct scan *s, struct vg_engine *e, const char *path)
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
			if (s->progress && (++n & 0xfff) == 0 && now_s() >= next) {
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
	if (s->progress && next != 0)
		fprintf(stderr, "\r\033[K");
	vg_capture_close(cap);
	/* Flows end with their input: records from what was read are never lost. */
	vg_engine_flush(e);
	return ok;
}

static void
scan_usage(FILE *fp)
{
	fputs("usage: vigie scan [-f text|json] [-o FILE] [-r RULES_DIR] [-q] [--max-flows N] "
	      "CAPTURE...\n"
	      "  -f, --format FMT    text (a table, the default) or json (one record per line)\n"
	      "  -r, --rules DIR     attribution rules (default: the installed rules/)\n"
	      "      --geoip FILE    GeoIP country database (mmdb), or none\n"
	      "  -o, --output FILE   write records to FILE instead of standard output\n"
	      "  -q, --quiet         no progress line on a terminal\n"
	      "      --max-flows N   flow table capacity (default 262144)\n"
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scan s = { FMT_TEXT, stdout, false, false, NULL, 0 };
	const char *rules = NULL, *geoip_path = NULL;
	struct vg_attrib *attrib;
	struct vg_geoip *geoip;
	struct vg_engine_config cfg;
	struct vg_scan_totals tot;
	struct vg_engine *e;
	const char *outpath = NULL;
	bool quiet = false;
	char *end;
	int ch, rc;

	vg_engine_config_default(&cfg);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "f:o:r:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "text") == 0) {
				s.fmt = FMT_TEXT;
			} else if (strcmp(optarg, "json") == 0) {
				s.fmt = FMT_JSON;
			} else if (strcmp(optarg, "sarif") == 0 || strcmp(optarg, "junit") == 0) {
				vg_warn("scan: format '%s' reports policy findings, which this version "
				    "does not evaluate yet", optarg);
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
			scan_usage(stderr);
			return VG_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		vg_warn("scan: no capture given");
		scan_usage(stderr);
		return VG_EXIT_USAGE;
	}
	/* Rules first: a broken rules file must stop the scan before any output. */
	if ((attrib = vg_cmd_attrib(rules, geoip_path, &geoip)) == NULL)
		return VG_EXIT_USAGE;
	s.attrib = attrib;
	if (outpath != NULL && (s.out = fopen(outpath, "w")) == NULL) {
		vg_warn("%s: cannot write: %s", outpath, strerror(errno));
		vg_attrib_free(attrib);
		vg_geoip_close(geoip);
		return VG_EXIT_USAGE;
	}
	/* A progress line only where nobody parses stderr and it cannot mix with the table. */
	s.progress = !quiet && isatty(STDERR_FILENO) && (outpath != NULL || !isatty(STDOUT_FILENO));
	if ((e = vg_engine_new(&cfg, on_record, &s)) == NULL) {
		vg_warn("scan: out of memory");
		vg_attrib_free(attrib);
		vg_geoip_close(geoip);
		return VG_EXIT_USAGE;
	}
	memset(&tot, 0, sizeof(tot));
	if (s.fmt == FMT_TEXT && vg_text_header(s.out) != 0)
		s.write_failed = true;
	for (int i = optind; i < argc; i++) {
		tot.captures++;
		if (!scan_file(&s, e, argv[i]))
			tot.captures_failed++;
	}
	vg_engine_stats(e, &tot.st);
	vg_engine_free(e);
	tot.attributed = s.attributed;
	tot.catalog_version = vg_catalog_version(vg_attrib_catalog(attrib));
	tot.regions_version = vg_regions_version(vg_attrib_juris(attrib));
	tot.jurisdictions_version = vg_juris_version(vg_attrib_juris(attrib));
	rc = s.fmt == FMT_JSON ? vg_json_summary(s.out, &tot) : vg_text_summary(s.out, &tot);
	vg_attrib_free(attrib);
	vg_geoip_close(geoip);
	if (rc != 0 || s.write_failed || fflush(s.out) != 0 || ferror(s.out) ||
	    (s.out != stdout && fclose(s.out) != 0)) {
		vg_warn("%s: write error", outpath != NULL ? outpath : "standard output");
		return VG_EXIT_USAGE;
	}
	return tot.captures_failed > 0 ? VG_EXIT_INPUT : VG_EXIT_OK;
}
