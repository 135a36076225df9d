/* policy_expr.h - the condition language of policy controls: compiled once, evaluated allocation-free. */
#ifndef VG_POLICY_EXPR_H
#define VG_POLICY_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "yamldoc.h"

/*
 * Caps. Exceeding any of them is a compile error that names the cap. The
 * depth cap also bounds the recursion of the parser and of the evaluator.
 */
#define VG_EXPR_TEXT_MAX 4096       /* bytes of one condition or macro text */
#define VG_EXPR_DEPTH_MAX 32        /* open '(', '[', 'not' and macro expansions */
#define VG_EXPR_NODES_MAX 1024      /* nodes of one compiled condition, macros included */
#define VG_EXPR_LITLIST_MAX 256     /* items of one list literal ['a', 'b'] */
#define VG_EXPR_LIST_MAX 4096       /* items of one named list of the policy */
#define VG_EXPR_MACRO_DEPTH_MAX 8   /* macros expanded inside macros */

/* Dates are days since 1970-01-01; the language accepts years 1970 to 9999. */
#define VG_EXPR_DATE_MIN 0          /* 1970-01-01 */
#define VG_EXPR_DATE_MAX 2932896    /* 9999-12-31 */

enum vg_vtype {
	VG_V_NULL,   /* absent */
	VG_V_BOOL,
	VG_V_INT,
	VG_V_STR,
	VG_V_DATE,
	VG_V_LIST,   /* of strings */
};

/* A value. Strings and list items are borrowed, never freed by this module. */
struct vg_val {
	enum vg_vtype t;
	union {
		bool b;
		int64_t i;
		const char *s;
		int32_t date; /* days since 1970-01-01 */
		struct {
			const char *const *items;
			size_t n;
		} list;
	} u;
};

/* A field a subject kind offers; resolved by name at compile time. type is never VG_V_NULL. */
struct vg_field {
	const char *name;
	enum vg_vtype type;
	int id; /* passed back to the get callback */
};

/*
 * What a condition may refer to besides literals: the subject's fields, the
 * named string lists of the policy file and its macros (a macro is the text
 * of a condition, compiled where it is used). Names are looked up in that
 * order; the first match wins. Everything here is only read during
 * vg_expr_compile(): the compiled expression copies what it needs, so the
 * environment may be freed afterwards.
 */
struct vg_expr_env {
	const struct vg_field *fields;
	size_t n_fields;
	const char *const *list_names;
	const char *const *const *list_items;
	const size_t *list_lens;
	size_t n_lists;
	const char *const *macro_names;
	const char *const *macro_texts;
	size_t n_macros;
};

/* A compiled condition. It owns all its memory (one block); free with vg_expr_free(). */
struct vg_expr;

/*
 * Compiles a condition. name, line and col say where text starts in the
 * policy file; a later line of a multi-line text is assumed to start at the
 * same column (as in a YAML literal block scalar, whose content position the
 * caller passes). On failure returns NULL with err->msg set to
 * "NAME:LINE:COL: message (col C of the condition)", the position being the
 * offending token; inside a macro, LINE:COL is where the macro is used and the
 * parenthesis says where in the macro text the error is. text must be
 * NUL-terminated; env may be NULL (no names known), err may be NULL.
 */
struct vg_expr *vg_expr_compile(const char *text, const struct vg_expr_env *env,
    const char *name, unsigned line, unsigned col, struct vg_err *err);
/*
 * The same for the scalar node of a YAML document whose value is the
 * condition: error positions come from vg_ynode_pos(), exact whatever the
 * scalar's style. node is only read during the call.
 */
struct vg_expr *vg_expr_compile_node(const struct vg_ynode *node, const struct vg_expr_env *env,
    const char *name, struct vg_err *err);
void vg_expr_free(struct vg_expr *e);

/* Number of nodes, for tests and statistics. */
size_t vg_expr_nodes(const struct vg_expr *e);

/*
 * Fills val with the subject's value of a field: VG_V_NULL when absent.
 * val arrives set to VG_V_NULL. Strings and lists are borrowed for the
 * duration of the vg_expr_eval() call. A value whose type differs from the
 * field's declared type counts as absent, as do a NULL string and a NULL
 * item array with n > 0. The callback must not allocate either if the
 * caller wants evaluation to stay allocation-free.
 */
typedef void (*vg_expr_get_fn)(void *arg, int field_id, struct vg_val *val);

/*
 * Evaluates a compiled condition for one subject; today is the caller's date
 * in days since 1970-01-01. Does not allocate and never fails: an absent
 * field makes every comparison involving it false. e or get NULL gives false.
 * Reentrant: one compiled expression may be evaluated from several threads.
 * glob is fnmatch(3), which in glibc may allocate under a multibyte locale;
 * vigie stays in the C locale.
 */
bool vg_expr_eval(const struct vg_expr *e, vg_expr_get_fn get, void *arg, int32_t today);

/* Days since 1970-01-01 of a valid proleptic Gregorian date, for callers and tests. */
int32_t vg_expr_days(int year, unsigned month, unsigned day);

/*
 * A date written YYYY-MM-DD, a real calendar day from 1970-01-01 to
 * 9999-12-31, exactly ten bytes; false for anything else.
 */
bool vg_date_parse(const char *s, int32_t *days);
/* YYYY-MM-DD of days since 1970-01-01 (0 .. VG_EXPR_DATE_MAX); buf needs 11 bytes. */
char *vg_date_fmt(int32_t days, char *buf, size_t len);
/* Today in UTC, from the system clock. */
int32_t vg_date_today(void);

#endif
