/* fuzz_policy.c - fuzzes the policy file loader, waiver resolution and evaluation of what loads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "subject.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TODAY 20779 /* 2026-11-22 */

/*
 * Loaded before the input in one of the two sets, so that waivers of the
 * input can name controls of another file and duplicate ids across files
 * are reached. One control per subject kind.
 */
static const char base[] =
    "policy: base\n"
    "title: Base\n"
    "version: 2026-11-22\n"
    "lists:\n"
    "  eea: [FR, DE]\n"
    "macros:\n"
    "  ai: exists dest.provider\n"
    "controls:\n"
    "  - id: BASE-F\n"
    "    title: f\n"
    "    references: [r]\n"
    "    severity: high\n"
    "    applies_to: flow\n"
    "    when: ai\n"
    "    require: dest.country in eea\n"
    "    message: \"{hostname} in {dest.country|dest.area}\"\n"
    "  - id: BASE-E\n"
    "    title: e\n"
    "    references: [r]\n"
    "    severity: low\n"
    "    applies_to: endpoint\n"
    "    require: scheme == 'https'\n"
    "    message: \"{{ {url} }}\"\n"
    "  - id: BASE-D\n"
    "    title: d\n"
    "    references: [r]\n"
    "    severity: info\n"
    "    applies_to: deployment\n"
    "    applies_from: 2026-08-02\n"
    "    require: fria.date <= today\n"
    "    message: \"{name}\"\n";

struct tally {
	enum vg_subject_kind kind;
	size_t n, fails;
};

static void
on_finding(void *arg, const struct vg_finding *f)
{
	struct tally *t = arg;

	if (f->control == NULL || f->control->applies_to != t->kind || f->message == NULL ||
	    strlen(f->message) >= VG_POLICY_MESSAGE_MAX)
		abort();
	if (f->result != VG_RES_PASS && f->result != VG_RES_FAIL && f->result != VG_RES_NA)
		abort();
	if (f->waiver != NULL && (f->result != VG_RES_FAIL ||
	    strcmp(f->waiver->control, f->control->id) != 0))
		abort(); /* only a failure is waived, and only by a waiver of its control */
	t->n++;
	t->fails += f->result == VG_RES_FAIL;
}

static void
fill(struct vg_subject *s, enum vg_subject_kind k)
{
	static const char *const jur[] = { "eea", "adequate" };

	vg_subject_init(s, k, TODAY);
	if (!vg_subject_set_str(s, VG_SF_HOSTNAME, "api.example.com") ||
	    !vg_subject_set_str(s, VG_SF_D_PROVIDER, "example") ||
	    !vg_subject_set_str(s, VG_SF_D_COUNTRY, "FR") ||
	    !vg_subject_set_str(s, VG_SF_NAME, "chatbot") ||
	    !vg_subject_set_list(s, VG_SF_D_JURIS, jur, 2))
		abort();
}

static void
evaluate(const struct vg_policy *p)
{
	static struct vg_subject s;
	static char buf[VG_POLICY_MESSAGE_MAX];
	char small[8];

	for (unsigned k = 0; k < VG_SUBJ_KINDS; k++) {
		for (int filled = 0; filled < 2; filled++) {
			struct tally t = { (enum vg_subject_kind)k, 0, 0 }, again;

			if (filled)
				fill(&s, (enum vg_subject_kind)k);
			else
				vg_subject_init(&s, (enum vg_subject_kind)k, TODAY);
			vg_policy_eval(p, &s, TODAY, buf, on_finding, &t);
			if (t.n != vg_policy_n_for(p, (enum vg_subject_kind)k))
				abort(); /* one finding per control of the kind */
			again = (struct tally){ t.kind, 0, 0 };
			vg_policy_eval(p, &s, TODAY, buf, on_finding, &again);
			if (again.n != t.n || again.fails != t.fails)
				abort(); /* evaluation has no state */
		}
	}
	for (size_t i = 0; i < vg_policy_n_controls(p); i++) {
		const struct vg_control *c = vg_policy_control(p, i);

		vg_subject_init(&s, c->applies_to, TODAY);
		vg_policy_message(c, &s, small, sizeof(small));
		if (strlen(small) >= sizeof(small))
			abort();
	}
}

/* Loads the input into p (which may already hold files) and checks what the loader promises. */
static void
run(struct vg_policy *p, const uint8_t *data, size_t size)
{
	size_t files = vg_policy_n_files(p), controls = vg_policy_n_controls(p);
	size_t waivers = vg_policy_n_waivers(p), attached;
	struct vg_err err;

	if (!vg_policy_load_mem(p, "fuzz.yaml", data, size, &err)) {
		/* every failure says where: "fuzz.yaml:LINE:COL: ..." or "fuzz.yaml: ..." */
		if (strncmp(err.msg, "fuzz.yaml:", 10) != 0)
			abort();
		/* a broken file never half-loads */
		if (vg_policy_n_files(p) != files || vg_policy_n_controls(p) != controls ||
		    vg_policy_n_waivers(p) != waivers)
			abort();
		return;
	}
	if (vg_policy_n_files(p) != files + 1 ||
	    vg_policy_n_controls(p) + vg_policy_n_waivers(p) == controls + waivers)
		abort(); /* a loaded file has controls or waivers */
	if (!vg_policy_finish(p, &err)) {
		/* only the input has waivers */
		if (strncmp(err.msg, "fuzz.yaml:", 10) != 0)
			abort();
		return;
	}
	attached = 0;
	for (size_t i = 0; i < vg_policy_n_controls(p); i++)
		attached += vg_policy_control(p, i)->n_waivers;
	if (attached != vg_policy_n_waivers(p))
		abort(); /* every waiver is attached to exactly one control */
	for (size_t i = 0; i < vg_policy_n_waivers(p); i++)
		if (vg_policy_find(p, vg_policy_waiver(p, i)->control) == NULL)
			abort();
	if (!vg_policy_finish(p, &err))
		abort(); /* finishing again changes nothing */
	attached = 0;
	for (size_t i = 0; i < vg_policy_n_controls(p); i++)
		attached += vg_policy_control(p, i)->n_waivers;
	if (attached != vg_policy_n_waivers(p))
		abort();
	evaluate(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_policy *p;
	struct vg_err err;

	if (size > 1u << 20)
		return 0;
	/* The input alone. */
	if ((p = vg_policy_new()) == NULL)
		return 0;
	run(p, data, size);
	vg_policy_free(p);
	/* The input after another file. */
	if ((p = vg_policy_new()) == NULL)
		return 0;
	if (!vg_policy_load_mem(p, "base.yaml", base, sizeof(base) - 1, &err))
		abort();
	run(p, data, size);
	vg_policy_free(p);
	return 0;
}
