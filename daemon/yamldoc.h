/* yamldoc.h - strict YAML documents as node trees with positions, for rules and policies. */
#ifndef VG_YAMLDOC_H
#define VG_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>

#define VG_YAML_FILE_MAX (16u * 1024 * 1024) /* bytes read at most */
#define VG_YAML_DEPTH_MAX 32
#define VG_YAML_NODES_MAX (1u << 20)
#define VG_YAML_DOCS_MAX 4096     /* documents of one stream */
#define VG_YAML_ANCHORS_MAX 4096  /* anchors of one document */
#define VG_YAML_ALIASES_MAX 4096  /* aliases of one stream */

/*
 * VG_YDOC_STREAM reads YAML written by others (Kubernetes, compose, Helm):
 * any number of documents (an empty stream has none), anchors and aliases
 * (an alias shares the anchored node, so the tree is a DAG: walk it with a
 * visit budget), and tags, which are ignored. Duplicate keys stay errors.
 */
#define VG_YDOC_STREAM 1u

/* Errors are "FILE:LINE:COL: message", lines and columns from 1. */
struct vg_err {
	char msg[512];
};

enum vg_ykind {
	VG_Y_SCALAR,
	VG_Y_SEQ,
	VG_Y_MAP,
};

/*
 * A node. For a mapping, items holds keys and values alternately
 * (items[2i] is a scalar key, items[2i+1] its value) and n counts pairs;
 * for a sequence, items holds n values. All nodes and strings belong to
 * the document and live until vg_ydoc_free().
 */
struct vg_ynode {
	enum vg_ykind kind;
	unsigned line, col;
	bool quoted;            /* scalar written in quotes: never a null or a number */
	char style;             /* scalar: 0 plain, '\'' or '"' quoted, '|' or '>' block */
	const char *str;        /* scalar text, NUL-terminated (no NUL inside: rejected) */
	const char *raw;        /* scalar: its source text as written, quotes and all */
	size_t n;
	struct vg_ynode **items;
};

struct vg_ydoc;

/*
 * Loads one YAML document. Anchors, aliases, tags other than the core
 * schema's, multiple documents, duplicate keys and non-scalar keys are
 * errors. Returns NULL with err filled on any failure.
 */
struct vg_ydoc *vg_ydoc_load(const char *path, struct vg_err *err);
/* The same from memory; name is what errors call the input. */
struct vg_ydoc *vg_ydoc_load_mem(const char *name, const void *buf, size_t len,
    struct vg_err *err);
void vg_ydoc_free(struct vg_ydoc *doc);
struct vg_ydoc *vg_ydoc_load_mem_flags(const char *name, const void *buf, size_t len,
    unsigned flags, struct vg_err *err);
/* Documents of a stream (1 without VG_YDOC_STREAM) and the root of each. */
size_t vg_ydoc_n_docs(const struct vg_ydoc *doc);
const struct vg_ynode *vg_ydoc_doc(const struct vg_ydoc *doc, size_t i);

const struct vg_ynode *vg_ydoc_root(const struct vg_ydoc *doc);
const char *vg_ydoc_name(const struct vg_ydoc *doc);

/*
 * The file position (line and column from 1, columns in characters as
 * libyaml counts them) of byte off of a scalar's str, found by walking
 * its source text: exact across escapes, line folding, block indentation
 * and multi-byte characters. Past the end gives the end of the scalar.
 */
void vg_ynode_pos(const struct vg_ynode *n, size_t off, unsigned *line, unsigned *col);

/*
 * Levenshtein distance between the first la bytes of a and b, for "did you
 * mean" suggestions; SIZE_MAX when either is over 64 bytes.
 */
size_t vg_edit_distance(const char *a, size_t la, const char *b);

/* Value of key in a mapping, or NULL. */
const struct vg_ynode *vg_ymap_get(const struct vg_ynode *map, const char *key);

/* Schema helpers: each fills err ("FILE:L:C: ...") and returns false on a mismatch. */
bool vg_yerr(const struct vg_ydoc *doc, const struct vg_ynode *at, struct vg_err *err,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool vg_yexpect(const struct vg_ydoc *doc, const struct vg_ynode *n, enum vg_ykind kind,
    const char *what, struct vg_err *err);
/* Every key of map must be in the NULL-terminated list allowed. */
bool vg_ykeys(const struct vg_ydoc *doc, const struct vg_ynode *map, const char *const *allowed,
    struct vg_err *err);
/* A required scalar child; NULL (err filled) when missing or not a scalar. */
const char *vg_ystr(const struct vg_ydoc *doc, const struct vg_ynode *map, const char *key,
    struct vg_err *err);
/* An optional scalar child: NULL without error when absent; err filled when not a scalar. */
const char *vg_ystr_opt(const struct vg_ydoc *doc, const struct vg_ynode *map, const char *key,
    bool *ok, struct vg_err *err);

#endif
