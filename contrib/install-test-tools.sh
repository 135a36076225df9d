#!/bin/sh
# install-test-tools.sh - installs the npm tools of the test suite (ajv-cli) outside the work tree.
#
# The tools go into one directory of their own, by default
# ${XDG_CACHE_HOME:-$HOME/.cache}/vigie-npm, so that the work tree stays as git has it and
# several checkouts share one copy. tests/sarif-validate.sh looks there (same variable).
# Versions are pinned: a schema validator that changes under the tests would make their
# verdicts change without any change of ours. ajv is pinned too, although ajv-cli would
# bring it, because it is the part that does the validating.
#
# Prints nothing when everything is already installed at the pinned versions.
set -eu

PKGS="ajv-cli@5.0.0 ajv@8.20.0 ajv-formats@3.0.1"
NPM=${NPM:-npm}

usage() {
	cat <<EOF
usage: install-test-tools.sh [--force] [DIR]

Installs $PKGS with npm into DIR
(default: \$VIGIE_NPM_DIR, else \${XDG_CACHE_HOME:-\$HOME/.cache}/vigie-npm).
Does nothing, silently, when those versions are already there; --force reinstalls.

Exit status: 0 installed or already there; 1 npm missing or the install failed; 2 bad usage.
EOF
}

say() { printf 'install-test-tools: %s\n' "$*"; }
die() { printf 'install-test-tools: %s\n' "$*" >&2; exit 1; }

force=0
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	-f|--force) force=1; shift ;;
	--) shift; break ;;
	-*) printf 'install-test-tools: unknown option %s\n' "$1" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -le 1 ] || { usage >&2; exit 2; }
if [ $# -eq 1 ]; then
	dir=$1
elif [ -n "${VIGIE_NPM_DIR:-}" ]; then
	dir=$VIGIE_NPM_DIR
else
	[ -n "${HOME:-}" ] || [ -n "${XDG_CACHE_HOME:-}" ] || die "HOME is not set: give DIR"
	dir=${XDG_CACHE_HOME:-$HOME/.cache}/vigie-npm
fi

if ! command -v "$NPM" >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
	die "npm or node not found: SARIF schema validation will be skipped" \
	    "(Debian: apt-get install nodejs npm)"
fi

# The version a package has in DIR, or nothing.
have() {
	f=$dir/node_modules/$1/package.json
	[ -f "$f" ] || return 0
	node -e 'try { process.stdout.write(String(require(process.argv[1]).version)) }
	    catch (e) {}' "$f"
}

missing=
for spec in $PKGS; do
	name=${spec%@*}
	[ "$(have "$name")" = "${spec##*@}" ] || missing="$missing $spec"
done
[ -x "$dir/node_modules/.bin/ajv" ] || missing="$missing (ajv command)"
if [ "$force" -eq 0 ] && [ -z "$missing" ]; then
	exit 0
fi

mkdir -p "$dir" || die "cannot create $dir"
# A package.json of our own, so that npm keeps exactly these and nothing an earlier run left.
{
	printf '{\n  "name": "vigie-test-tools",\n  "private": true,\n  "dependencies": {\n'
	sep=
	for spec in $PKGS; do
		printf '%s    "%s": "%s"' "$sep" "${spec%@*}" "${spec##*@}"
		sep=',
'
	done
	printf '\n  }\n}\n'
} >"$dir/package.json.new" || die "cannot write $dir/package.json.new"
mv -f "$dir/package.json.new" "$dir/package.json" || die "cannot write $dir/package.json"

log=$(mktemp "${TMPDIR:-/tmp}/install-test-tools.XXXXXX")
trap 'rm -f "$log"' EXIT
trap 'exit 1' HUP INT TERM
if ! (cd "$dir" && "$NPM" install --no-audit --no-fund --no-update-notifier \
    --loglevel=error >"$log" 2>&1); then
	cat "$log" >&2
	die "npm install in $dir failed"
fi
for spec in $PKGS; do
	name=${spec%@*}
	got=$(have "$name")
	[ "$got" = "${spec##*@}" ] ||
		die "$name is ${got:-missing} in $dir after npm install, not ${spec##*@}"
done
[ -x "$dir/node_modules/.bin/ajv" ] ||
	die "npm installed ajv-cli, yet $dir/node_modules/.bin/ajv is missing"
say "installed $PKGS in $dir"
