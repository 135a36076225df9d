/* dotenv.h - strict reader of .env files, the dialect docker compose and python-dotenv share. */
#ifndef VG_DOTENV_H
#define VG_DOTENV_H

#include <stddef.h>

#include "yamldoc.h"

#define VG_DOTENV_VARS_MAX 4096         /* variables of one file */
#define VG_DOTENV_VALUE_MAX 65536       /* bytes of one value, after unquoting */
#define VG_DOTENV_KEY_MAX 256           /* bytes of one variable name */
#define VG_DOTENV_FILE_MAX (1u << 30)   /* bytes of one file; keeps lines and columns in unsigned */

/*
 * What is accepted, one statement a line:
 *
 *   - blank lines, and lines whose first non-blank character is '#';
 *     blanks are spaces and tabs, and may lead any line;
 *   - an optional "export" prefix, followed by at least one blank and a
 *     name ("export" alone is an error; "export=1" is a variable "export");
 *   - KEY, matching [A-Za-z_][A-Za-z0-9_.-]*, at most VG_DOTENV_KEY_MAX bytes;
 *   - blanks, '=', blanks, then the value:
 *       unquoted: the rest of the line, blanks trimmed at both ends; a '#'
 *         after a blank starts a comment ("A=b#c" is "b#c", "A=b #c" and
 *         "A= #c" are "b" and ""); quotes and backslashes inside are literal;
 *       '...': literal up to the closing quote, across lines; \' is a quote,
 *         any other backslash stays with the character after it, so "\\"
 *         is two backslashes and never escapes the closing quote;
 *       "...": across lines, with the escapes \n \t \r \\ \" \$; any other
 *         backslash pair (\a \b \f \v \' \0 \x \u ...) stays as written;
 *     after a closing quote only blanks and a comment may follow;
 *   - a bare KEY (no '=', blanks and a comment may follow) names a variable
 *     compose takes from the caller's environment: it is kept with value NULL.
 *
 * "${VAR}" and "$VAR" are kept as written: we audit the file, not the
 * environment it would build. A UTF-8 byte order mark at the start is
 * skipped; CRLF line ends are read as LF, also inside quoted values. A NUL
 * byte, or a carriage return without a line feed after it, is an error
 * anywhere, comments included.
 *
 * Where readers differ we refuse, or pick one reading and say so here.
 * Refused: names compose also takes (Unicode letters, a leading digit,
 * '[' ']', "KEY: value") or python-dotenv also takes (anything without '=',
 * '#' or blanks, 'quoted' names), and text after a closing quote, which
 * compose would read as the next statement. Picked: "A= #c" is "" as in
 * current python-dotenv code, where compose and python-dotenv 1.2 give
 * "#c"; a backslash pair never escapes the closing quote, as in compose,
 * where python-dotenv 1.2 lets "\\" + '"' go on and decodes \\ in single
 * quotes and \' in double quotes. Both decode \a \b \f \v (and compose
 * \0NNN) in double quotes, which we keep as written: control characters
 * have no place in the endpoint settings we look for, and an auditor
 * shown "\f" sees what the file says.
 *
 * Every occurrence of a variable is kept, in file order: dotenv readers let
 * the last one win, and an auditor wants to see the ones it hides too.
 * vg_dotenv_get() gives the effective (last) one.
 *
 * Lines and columns count from 1; a column counts characters: a UTF-8
 * sequence is one, a tab is one, a byte outside any valid sequence is one
 * (as an editor shows it), the byte order mark is none. Bytes are not
 * otherwise checked for valid UTF-8: values are passed on as written.
 */
struct vg_dotenv_var {
	const char *key;      /* NUL-terminated, owned by the result */
	const char *value;    /* unquoted and unescaped, NUL-terminated (a NUL byte is refused,
			       * so none hides inside), owned by the result; NULL for a bare KEY */
	unsigned line, col;   /* of the key, from 1 */
	unsigned value_line, value_col; /* of the value's first character (after an opening
					 * quote; for an empty unquoted value, where it would
					 * start); 0 when value is NULL */
};

/* The variables of one file; owns every string it hands out. */
struct vg_dotenv;

/*
 * Parses len bytes of buf; name is what errors call the input. NULL on
 * error with err->msg as "NAME:LINE:COL: message" (or "NAME: message" for
 * an oversized file or no memory), the position that of the offending
 * character: the opening quote of an unterminated value, the first
 * character of a value too long or of a name too long, the key of the
 * variable past VG_DOTENV_VARS_MAX.
 *
 * Error messages never hold value text, which may be a secret. They quote
 * a name only once the '=' after it shows it is a name (a lone token on a
 * broken line might be a pasted key); a bad character in a name is shown
 * alone.
 */
struct vg_dotenv *vg_dotenv_parse(const char *name, const void *buf, size_t len,
    struct vg_err *err);
/* Frees the result and everything it owns; NULL is fine. */
void vg_dotenv_free(struct vg_dotenv *e);

/* Number of variables, duplicates included. */
size_t vg_dotenv_n(const struct vg_dotenv *e);
/* The i-th variable in file order, NULL when i >= vg_dotenv_n(); lives as long as e. */
const struct vg_dotenv_var *vg_dotenv_var(const struct vg_dotenv *e, size_t i);
/* The last occurrence of key (the one dotenv readers keep), or NULL. */
const struct vg_dotenv_var *vg_dotenv_get(const struct vg_dotenv *e, const char *key);

#endif
