#!/bin/sh
# sarif-validate.sh - checks SARIF files against the OASIS SARIF 2.1.0 JSON schema with ajv.
#
# usage: sh tests/sarif-validate.sh FILE.sarif...
# Exit status: 0 every file is valid; 1 one is not (ajv's messages on stderr); 2 bad usage;
# 77 (automake's skip) when ajv or the schema is not there.
#
# The schema is draft-04, which ajv 8 no longer reads; draft-04 and draft-07 differ, for
# this schema, only in the name of the root's id keyword (the schema uses no boolean
# exclusiveMinimum), so a copy with "$id" and a draft-07 "$schema" is the same schema.
# ajv comes from contrib/install-test-tools.sh; AJV names another ajv command.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
SCHEMA=${SARIF_SCHEMA:-$top_srcdir/../shared/schemas/sarif-schema-2.1.0.json}
tools=${VIGIE_NPM_DIR:-${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/vigie-npm}
AJV=${AJV:-$tools/node_modules/.bin/ajv}

skip() { echo "sarif-validate: SKIP: $*"; exit 77; }

if [ $# -eq 0 ]; then
	echo "usage: sh tests/sarif-validate.sh FILE.sarif..." >&2
	exit 2
fi
[ -f "$SCHEMA" ] || skip "no SARIF schema at $SCHEMA"
[ -x "$AJV" ] || command -v "$AJV" >/dev/null 2>&1 ||
	skip "ajv not installed (run: sh contrib/install-test-tools.sh)"
command -v node >/dev/null 2>&1 || skip "node not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sarif-validate.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

node -e '
const fs = require("fs");
const s = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
if (typeof s.id !== "string")
	throw new Error("the schema has no root id: not the draft-04 SARIF schema this expects");
s.$id = s.id;
delete s.id;
s.$schema = "http://json-schema.org/draft-07/schema#";
fs.writeFileSync(process.argv[2], JSON.stringify(s));
' "$SCHEMA" "$tmp/schema.json" 2>"$tmp/err" || {
	echo "sarif-validate: cannot read $SCHEMA: $(cat "$tmp/err")" >&2
	exit 1
}

# ajv-cli picks a parser by extension and reads a .sarif as JavaScript: validate .json copies,
# f1.json, f2.json, ..., in one run (compiling the schema takes most of the time), and name
# the files in ajv's messages as the caller did. ajv stops at a file that is not JSON at
# all, so those are weeded out first.
status=0
: >"$tmp/names"
count=$#
n=0
while [ "$n" -lt "$count" ]; do
	f=$1
	shift
	n=$((n + 1))
	printf '%s\n' "$f" >>"$tmp/names"
	if ! cp "$f" "$tmp/f$n.json" 2>"$tmp/err"; then
		echo "sarif-validate: $f: $(cat "$tmp/err")" >&2
		status=1
	elif ! node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' \
	    "$tmp/f$n.json" 2>"$tmp/err"; then
		echo "$f invalid: not JSON: $(grep -m 1 -i 'error' "$tmp/err")" >&2
		status=1
	else
		set -- "$@" -d "f$n.json"
	fi
done
[ $# -gt 0 ] || exit 1
(cd "$tmp" && "$AJV" validate --spec=draft7 --all-errors --errors=text -c ajv-formats \
    -s schema.json "$@") >"$tmp/out" 2>&1 || status=1
T=$tmp/ awk '
	NR == FNR { name[FNR] = $0; next }
	{
		out = ""
		while (match($0, /f[0-9]+\.json/)) {
			pre = substr($0, 1, RSTART - 1)
			if (substr(pre, length(pre) - length(ENVIRON["T"]) + 1) == ENVIRON["T"])
				pre = substr(pre, 1, length(pre) - length(ENVIRON["T"]))
			out = out pre name[substr($0, RSTART + 1, RLENGTH - 6) + 0]
			$0 = substr($0, RSTART + RLENGTH)
		}
		print out $0
	}' "$tmp/names" "$tmp/out" >"$tmp/named"
if [ "$status" -eq 0 ]; then
	cat "$tmp/named"
else
	cat "$tmp/named" >&2
fi
exit $status
