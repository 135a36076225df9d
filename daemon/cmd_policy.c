/* cmd_policy.c - `vigie policy lint|test|show`, and loading -p policies and -m manifests for every command. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "attrib.h"
#include "cmd.h"
#include "geoip.h"
#include "manifest.h"
#include "paths.h"
#include "policy.h"
#include "policy_test.h"

#define DIR_FILES_MAX 256

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool
is_test_file(const char *name)
{
	return ends_with(name, ".test.yaml") || ends_with(name, ".test.yml");
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
free_files(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * The YAML files of a directory, sorted so that load order (and thus
 * evaluation and output order) does not depend on the file system. tests
 * selects the .test.yaml files, else every other .yaml or .yml file.
 */
static int
dir_files(const char *dir, bool tests, char ***out, size_t *n_out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0;

	*out = NULL;
	*n_out = 0;
	if (d == NULL) {
		vg_warn("%s: cannot open directory: %s", dir, strerror(errno));
		return VG_EXIT_USAGE;
	}
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.' || !(ends_with(e->d_name, ".yaml") ||
		    ends_with(e->d_name, ".yml")) || is_test_file(e->d_name) != tests)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir,
		    dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name) >=
		    sizeof(path) ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == DIR_FILES_MAX) {
			/* Keeping the first ones in directory order would load an arbitrary subset. */
			vg_warn("%s: more than %u policy files", dir, DIR_FILES_MAX);
			closedir(d);
			free_files(v, n);
			return VG_EXIT_USAGE;
		}
		if ((n & 15) == 0) {
			char **nv = realloc(v, (n + 16) * sizeof(*v));
			if (nv == NULL)
				goto oom;
			v = nv;
		}
		if ((v[n] = strdup(path)) == NULL)
			goto oom;
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	*n_out = n;
	return VG_EXIT_OK;
oom:
	closedir(d);
	free_files(v, n);
	vg_warn("out of memory");
	return VG_EXIT_USAGE;
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Expands files and directories into a list of files. */
static int
expand(char *const *paths, size_t n, bool tests, char ***out, size_t *n_out)
{
	char **v = NULL;
	size_t nv = 0;

	for (size_t i = 0; i < n; i++) {
		char **sub = NULL;
		size_t ns = 0;
		char **nvv;

		if (is_dir(paths[i])) {
			int rc = dir_files(paths[i], tests, &sub, &ns);
			if (rc != VG_EXIT_OK) {
				free_files(v, nv);
				return rc;
			}
			if (ns == 0)
				vg_warn("%s: no %s files", paths[i], tests ? "*.test.yaml" :
				    "policy (*.yaml)");
		} else {
			if ((sub = malloc(sizeof(*sub))) == NULL || (sub[0] = strdup(paths[i])) ==
			    NULL) {
				free(sub);
				free_files(v, nv);
				vg_warn("out of memory");
				return VG_EXIT_USAGE;
			}
			ns = 1;
		}
		if ((nvv = realloc(v, (nv + ns + 1) * sizeof(*v))) == NULL) {
			free_files(sub, ns);
			free_files(v, nv);
			vg_warn("out of memory");
			return VG_EXIT_USAGE;
		}
		v = nvv;
		memcpy(v + nv, sub, ns * sizeof(*v));
		nv += ns;
		free(sub);
	}
	*out = v;
	*n_out = nv;
	return VG_EXIT_OK;
}

int
vg_cmd_policies(char *const *paths, size_t n, struct vg_policy **out)
{
	char dbuf[PATH_MAX], *def[1];
	char **files;
	size_t nf;
	struct vg_policy *p;
	struct vg_err err;
	int rc;

	*out = NULL;
	if (n == 1 && strcmp(paths[0], "none") == 0)
		return VG_EXIT_OK;
	if (n == 0) {
		def[0] = (char *)vg_default_policies_dir(dbuf, sizeof(dbuf));
		paths = def;
		n = 1;
	}
	if ((rc = expand(paths, n, false, &files, &nf)) != VG_EXIT_OK)
		return rc;
	if ((p = vg_policy_new()) == NULL) {
		free_files(files, nf);
		vg_warn("out of memory");
		return VG_EXIT_USAGE;
	}
	for (size_t i = 0; i < nf; i++) {
		if (is_test_file(files[i])) {
			vg_warn("%s: is a policy test file; run it with 'vigie policy test'",
			    files[i]);
			rc = VG_EXIT_USAGE;
			break;
		}
		if (!vg_policy_load(p, files[i], &err)) {
			vg_warn("%s", err.msg);
			rc = VG_EXIT_USAGE;
			break;
		}
	}
	free_files(files, nf);
	if (rc == VG_EXIT_OK && !vg_policy_finish(p, &err)) {
		vg_warn("%s", err.msg);
		rc = VG_EXIT_USAGE;
	}
	if (rc != VG_EXIT_OK) {
		vg_policy_free(p);
		return rc;
	}
	*out = p;
	return VG_EXIT_OK;
}

int
vg_cmd_manifests(char *const *paths, size_t n, const struct vg_attrib *a,
    struct vg_manifest ***out, size_t *n_out)
{
	struct vg_manifest **v;
	struct vg_err err;

	*out = NULL;
	*n_out = 0;
	if (n == 0)
		return VG_EXIT_OK;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		vg_warn("out of memory");
		return VG_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		/* A manifest is a configuration file of the deployment: unreadable or invalid is exit 3. */
		if ((v[i] = vg_manifest_load(paths[i], &err)) == NULL ||
		    (a != NULL && !vg_manifest_check(v[i], vg_attrib_catalog(a), &err))) {
			vg_warn("%s", err.msg);
			for (size_t j = 0; j <= i; j++)
				vg_manifest_free(v[j]);
			free(v);
			return VG_EXIT_INPUT;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(v[j]->name, v[i]->name) == 0) {
				vg_warn("%s:%u: deployment '%s' is already declared in %s", paths[i],
				    v[i]->line, v[i]->name, v[j]->file);
				for (size_t k = 0; k <= i; k++)
					vg_manifest_free(v[k]);
				free(v);
				return VG_EXIT_INPUT;
			}
	}
	*out = v;
	*n_out = n;
	return VG_EXIT_OK;
}

void
vg_cmd_eval_manifests(const struct vg_policy *p, const struct vg_attrib *a,
    struct vg_manifest *const *m, size_t n, int32_t today, struct vg_subject *subj, char *msg,
    vg_finding_fn fn, void *arg)
{
	struct vg_dest d;

	for (size_t i = 0; i < n; i++) {
		vg_subject_init(subj, VG_SUBJ_DEPLOYMENT, today);
		vg_subject_deployment(subj, m[i]);
		vg_policy_eval(p, subj, today, msg, fn, arg);
		for (size_t j = 0; j < m[i]->n_providers; j++) {
			const char *host = m[i]->providers[j].host;
			vg_subject_init(subj, VG_SUBJ_ENDPOINT, today);
			if (host[0] != '\0')
				vg_attrib_host(a, host, VG_BASIS_NAME, &d);
			vg_subject_endpoint(subj, m[i], j, host[0] != '\0' ? &d : NULL);
			vg_policy_eval(p, subj, today, msg, fn, arg);
		}
	}
}

void
vg_cmd_manifests_free(struct vg_manifest **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vg_manifest_free(v[i]);
	free(v);
}

bool
vg_cmd_date(const char *arg, int32_t *out)
{
	if (!vg_date_parse(arg, out)) {
		vg_warn("--date must be a date YYYY-MM-DD from 1970-01-01 to 9999-12-31, not '%s'",
		    arg);
		return false;
	}
	return true;
}

/* ---- vigie policy lint */

static int
policy_lint(int argc, char **argv)
{
	char **files;
	size_t nf;
	struct vg_policy *p;
	struct vg_err err;
	int rc, bad = 0;

	if (argc < 1) {
		vg_warn("policy lint: no policy file or directory given");
		return VG_EXIT_USAGE;
	}
	if ((rc = expand(argv, (size_t)argc, false, &files, &nf)) != VG_EXIT_OK)
		return rc;
	if ((p = vg_policy_new()) == NULL) {
		free_files(files, nf);
		return VG_EXIT_USAGE;
	}
	/* Each file on its own merits, then all together: cross-file ids and waivers. */
	for (size_t i = 0; i < nf; i++) {
		size_t before = vg_policy_n_controls(p), wbefore = vg_policy_n_waivers(p);
		if (is_test_file(files[i])) {
			vg_warn("%s: is a policy test file; run it with 'vigie policy test'", files[i]);
			bad++;
			continue;
		}
		if (!vg_policy_load(p, files[i], &err)) {
			vg_warn("%s", err.msg);
			bad++;
			continue;
		}
		printf("%s: %zu controls, %zu waivers\n", files[i], vg_policy_n_controls(p) - before,
		    vg_policy_n_waivers(p) - wbefore);
	}
	if (bad == 0 && !vg_policy_finish(p, &err)) {
		vg_warn("%s", err.msg);
		bad++;
	}
	free_files(files, nf);
	vg_policy_free(p);
	if (bad > 0) {
		vg_warn("policy lint: %d of %zu files rejected", bad, nf);
		return VG_EXIT_USAGE;
	}
	return VG_EXIT_OK;
}

/* ---- vigie policy test */

struct tctx {
	bool verbose;
	FILE *out;
};

static void
on_check(void *arg, const struct vg_ptest_event *ev)
{
	struct tctx *t = arg;

	if (ev->case_name == NULL) {
		fprintf(t->out, "GAP   %s:%u: %s: %s\n", ev->file, ev->line, ev->control, ev->gap);
		return;
	}
	if (ev->ok) {
		if (t->verbose)
			fprintf(t->out, "ok    %s:%u: %s: %s: %s\n", ev->file, ev->line,
			    ev->case_name, ev->control, vg_ptest_expect_name(&ev->got));
		return;
	}
	fprintf(t->out, "FAIL  %s:%u: %s: %s: expected %s, got %s (%s)\n", ev->file, ev->line,
	    ev->case_name, ev->control, vg_ptest_expect_name(&ev->want),
	    vg_ptest_expect_name(&ev->got), ev->message);
}

/* A policy file stands for its test file beside it: x.yaml -> x.test.yaml. */
static char *
test_file_of(const char *path)
{
	size_t n = strlen(path);
	char *t;

	if (is_test_file(path) || !(ends_with(path, ".yaml") || ends_with(path, ".yml")))
		return strdup(path);
	if ((t = malloc(n + sizeof(".test.yaml"))) == NULL)
		return NULL;
	snprintf(t, n + sizeof(".test.yaml"), "%.*s.test.yaml",
	    (int)(n - (ends_with(path, ".yaml") ? 5 : 4)), path);
	return t;
}

static int
policy_test(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct tctx t = { false, stdout };
	struct vg_ptest_totals tot = { 0, 0, 0, 0 };
	const char *rules = NULL;
	struct vg_attrib *a;
	struct vg_geoip *geoip;
	struct vg_err err;
	char **files;
	size_t nf;
	int ch, rc, errors = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "r:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			rules = optarg;
			break;
		case 'v':
			t.verbose = true;
			break;
		default:
			return VG_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		vg_warn("policy test: no test file, policy file or directory given");
		return VG_EXIT_USAGE;
	}
	if ((rc = expand(argv, (size_t)argc, true, &files, &nf)) != VG_EXIT_OK)
		return rc;
	/* host: in a case is attributed with the rules, never with GeoIP: results must not vary. */
	if ((a = vg_cmd_attrib(rules, "none", &geoip)) == NULL) {
		free_files(files, nf);
		return VG_EXIT_USAGE;
	}
	for (size_t i = 0; i < nf; i++) {
		struct vg_ptest_totals one = { 0, 0, 0, 0 };
		char *tf = test_file_of(files[i]);

		if (tf == NULL || !vg_ptest_run(tf, a, on_check, &t, &one, &err)) {
			vg_warn("%s", tf == NULL ? "out of memory" : err.msg);
			errors++;
		} else {
			printf("%s: %u cases, %u checks, %u failed, %u coverage gaps\n", tf, one.cases,
			    one.checks, one.failed, one.gaps);
		}
		tot.cases += one.cases;
		tot.checks += one.checks;
		tot.failed += one.failed;
		tot.gaps += one.gaps;
		free(tf);
	}
	free_files(files, nf);
	vg_attrib_free(a);
	if (nf > 1)
		printf("total: %u cases, %u checks, %u failed, %u coverage gaps\n", tot.cases,
		    tot.checks, tot.failed, tot.gaps);
	if (errors > 0)
		return VG_EXIT_USAGE;
	return tot.failed > 0 || tot.gaps > 0 ? VG_EXIT_FINDINGS : VG_EXIT_OK;
}

/* ---- vigie policy show */

static json_t *
strs(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static int
show_json(const struct vg_policy *p)
{
	char d[16];

	for (size_t i = 0; i < vg_policy_n_controls(p); i++) {
		const struct vg_control *c = vg_policy_control(p, i);
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:o,s:o,s:s,s:s,s:s?,s:s?,s:s,s:s,"
		    "s:s,s:i,s:i}",
		    "type", "control", "control", c->id, "policy", c->file->id, "title", c->title,
		    "description", c->description,
		    "references", strs(c->references, c->n_references),
		    "soc2", strs(c->soc2, c->n_soc2),
		    "severity", vg_severity_name(c->severity),
		    "applies_to", vg_subject_kind_name(c->applies_to),
		    "applies_from", c->applies_from == VG_DATE_NONE ? NULL :
		    vg_date_fmt(c->applies_from, d, sizeof(d)),
		    "when", c->when_text, "require", c->require_text, "message", c->message_text,
		    "file", c->file->path, "line", (int)c->line, "waivers", (int)c->n_waivers);
		char *s = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII |
		    JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		if (s == NULL)
			return -1;
		puts(s);
		free(s);
	}
	return 0;
}

static void
show_list(const char *label, const char *const *v, size_t n)
{
	printf("  %-13s", label);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? "; " : "", v[i]);
	printf("\n");
}

/* A condition as one line: YAML block scalars keep their line breaks and indentation. */
static void
show_cond(const char *label, const char *text)
{
	bool space = false;

	printf("  %-13s", label);
	for (const char *c = text; *c != '\0'; c++) {
		if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r') {
			space = true;
			continue;
		}
		if (space && c != text)
			putchar(' ');
		space = false;
		putchar(*c);
	}
	putchar('\n');
}

static void
show_text(const struct vg_policy *p)
{
	char d[16];

	for (size_t i = 0; i < vg_policy_n_controls(p); i++) {
		const struct vg_control *c = vg_policy_control(p, i);

		printf("%s%s  [%s, %s] %s\n", i ? "\n" : "", c->id, vg_severity_name(c->severity),
		    vg_subject_kind_name(c->applies_to), c->title);
		printf("  %-13s%s (%s:%u)\n", "policy", c->file->id, c->file->path, c->line);
		show_list("references", c->references, c->n_references);
		if (c->n_soc2 > 0)
			show_list("soc2", c->soc2, c->n_soc2);
		if (c->applies_from != VG_DATE_NONE)
			printf("  %-13s%s\n", "applies from", vg_date_fmt(c->applies_from, d,
			    sizeof(d)));
		if (c->when_text != NULL)
			show_cond("when", c->when_text);
		show_cond("require", c->require_text);
		show_cond("message", c->message_text);
		for (size_t k = 0; k < c->n_waivers; k++)
			printf("  %-13suntil %s, %s: %s\n", k ? "" : "waivers",
			    vg_date_fmt(c->waivers[k]->expires, d, sizeof(d)), c->waivers[k]->owner,
			    c->waivers[k]->reason);
	}
}

static int
policy_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct vg_policy *p;
	bool json = false;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		if (ch == 'f' && (strcmp(optarg, "text") == 0 || strcmp(optarg, "json") == 0)) {
			json = strcmp(optarg, "json") == 0;
			continue;
		}
		if (ch == 'f')
			vg_warn("policy show: unknown format '%s' (text, json)", optarg);
		return VG_EXIT_USAGE;
	}
	if ((rc = vg_cmd_policies(argv + optind, (size_t)(argc - optind), &p)) != VG_EXIT_OK)
		return rc;
	if (p == NULL)
		return VG_EXIT_OK;
	if (json)
		rc = show_json(p) == 0 ? VG_EXIT_OK : VG_EXIT_USAGE;
	else
		show_text(p);
	vg_policy_free(p);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		vg_warn("standard output: write error");
		return VG_EXIT_USAGE;
	}
	return rc;
}

static void
policy_usage(FILE *fp)
{
	fputs("usage: vigie policy lint POLICY...\n"
	      "       vigie policy test [-v] [-r RULES_DIR] TEST|POLICY|DIR...\n"
	      "       vigie policy show [-f text|json] [POLICY|DIR...]\n"
	      "POLICY is a policy file or a directory of them; show without one lists the\n"
	      "shipped policies. See vigie-policy(5).\n", fp);
}

int
vg_cmd_policy(int argc, char **argv)
{
	if (argc < 2) {
		policy_usage(stderr);
		return VG_EXIT_USAGE;
	}
	if (strcmp(argv[1], "lint") == 0)
		return policy_lint(argc - 2, argv + 2);
	if (strcmp(argv[1], "test") == 0)
		return policy_test(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return policy_show(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		policy_usage(stdout);
		return VG_EXIT_OK;
	}
	vg_warn("policy: unknown subcommand '%s' (lint, test, show)", argv[1]);
	policy_usage(stderr);
	return VG_EXIT_USAGE;
}
