/* fuzz_policy_expr.c - compiles arbitrary condition text against a fixed environment and evaluates what compiles. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { F_S1 = 1, F_S2, F_I1, F_I2, F_D1, F_D2, F_B1, F_L1, F_MAX };

static const struct vg_field fields[] = {
	{ "dest.country", VG_V_STR, F_S1 },
	{ "hostname", VG_V_STR, F_S2 },
	{ "flow.bytes", VG_V_INT, F_I1 },
	{ "deployment.log_retention_days", VG_V_INT, F_I2 },
	{ "deployment.fria.date", VG_V_DATE, F_D1 },
	{ "deployment.first_use", VG_V_DATE, F_D2 },
	{ "deployment.high_risk", VG_V_BOOL, F_B1 },
	{ "dest.jurisdiction", VG_V_LIST, F_L1 },
};
static const char *const cats[] = { "llm", "speech", "ml-api" };
static const char *const eea[] = { "FR", "DE", "IT", "" };
static const char *const list_names[] = { "ai_categories", "eea" };
static const char *const *const list_items[] = { cats, eea };
static const size_t list_lens[] = { 3, 4 };
static const char *const macro_names[] = { "is_ai", "in_eea" };
static const char *const macro_texts[] = {
	"hostname glob '*.openai.com' or 'llm' in ai_categories",
	"dest.country in eea and (dest.jurisdiction contains 'eea' or is_ai)",
};
static const struct vg_expr_env env = {
	fields, sizeof(fields) / sizeof(fields[0]), list_names, list_items, list_lens, 2,
	macro_names, macro_texts, 2,
};

struct subj {
	struct vg_val v[F_MAX];
};

static void
get(void *arg, int id, struct vg_val *val)
{
	const struct subj *s = arg;

	if (id <= 0 || id >= F_MAX || val->t != VG_V_NULL)
		abort(); /* ids come from the env; val arrives cleared */
	*val = s->v[id];
}

static void
fill(struct subj *s, int variant)
{
	static const char *const jur[] = { "eea", "us", "adequate" };

	memset(s, 0, sizeof(*s));
	if (variant == 0)
		return; /* every field absent */
	s->v[F_S1].t = VG_V_STR;
	s->v[F_S1].u.s = variant == 1 ? "FR" : "";
	s->v[F_S2].t = VG_V_STR;
	s->v[F_S2].u.s = variant == 1 ? "x.openai.com" : "[*?\\";
	s->v[F_I1].t = VG_V_INT;
	s->v[F_I1].u.i = variant == 1 ? 183 : INT64_MIN;
	s->v[F_D1].t = VG_V_DATE;
	s->v[F_D1].u.date = variant == 1 ? 20667 : 0;
	s->v[F_B1].t = VG_V_BOOL;
	s->v[F_B1].u.b = variant == 1;
	s->v[F_L1].t = VG_V_LIST;
	s->v[F_L1].u.list.items = jur;
	s->v[F_L1].u.list.n = variant == 1 ? 3 : 0;
	/* F_I2 and F_D2 stay absent; variant 2 gives F_S1 a wrong type */
	if (variant == 2)
		s->v[F_S1].t = VG_V_INT;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_err err;
	struct vg_expr *e;
	struct subj s;
	char *text;

	if (size > 2 * VG_EXPR_TEXT_MAX)
		return 0;
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	e = vg_expr_compile(text, &env, "fuzz.yaml", 3, 7, &err);
	free(text); /* the compiled form must not point into the text */
	if (e == NULL) {
		/* every failure says where: "fuzz.yaml:LINE:COL: ..." */
		if (strncmp(err.msg, "fuzz.yaml:", 10) != 0)
			abort();
		/* input bytes reach the message only as printable ASCII */
		for (const char *p = err.msg; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				abort();
		return 0;
	}
	if (vg_expr_nodes(e) == 0 || vg_expr_nodes(e) > VG_EXPR_NODES_MAX)
		abort();
	for (int v = 0; v < 3; v++) {
		bool r;

		fill(&s, v);
		r = vg_expr_eval(e, get, &s, 20667);
		if (vg_expr_eval(e, get, &s, 20667) != r)
			abort(); /* evaluation has no state */
		vg_expr_eval(e, get, &s, v == 2 ? VG_EXPR_DATE_MAX : 0);
	}
	vg_expr_free(e);
	return 0;
}
