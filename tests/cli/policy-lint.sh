#!/bin/sh
# policy-lint.sh - `vigie policy lint` rejects each malformed policy at the exact FILE:LINE:COL and accepts a valid one.
#
# Conventions of tests/policy/bad and tests/policy/bad-pairs: see tests/policy/bad/README.
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }

# Paths must print as tests/policy/...: the expectations name files that way.
cd "$top_srcdir" || exit 99
[ -x "$VIGIE" ] || { echo "not ok - no vigie at $VIGIE"; exit 99; }

# The expectation of a file: its first line less "# expect: ", or nothing.
expectation() {
	IFS= read -r first <"$1" || first=
	case "$first" in
	'# expect: '*) printf '%s\n' "${first#'# expect: '}" ;;
	*) printf '\n' ;;
	esac
}

# lint NAME WANT FILE...: exit 2, the first line of stderr is WANT, and the only
# other line is the summary (one diagnostic per rejected set, nothing else).
lint() {
	name=$1 want=$2
	shift 2
	if [ -z "$want" ]; then
		bad "$name: no '# expect: ' first line"
		return
	fi
	"$VIGIE" policy lint "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	got=$(sed -n 1p "$tmp/err")
	rest=$(sed 1d "$tmp/err")
	if [ "$rc" -ne 2 ]; then
		bad "$name: exit $rc, want 2 (stderr: $(head -c 300 "$tmp/err"))"
	elif [ "$got" != "$want" ]; then
		bad "$name: stderr differs
#   want: $want
#   got:  $got"
	else
		case "$rest" in
		'vigie: policy lint: '*' rejected') ok "$name" ;;
		*) bad "$name: unexpected further stderr: $rest" ;;
		esac
	fi
}

n=0
for f in tests/policy/bad/*.yaml; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	lint "$(basename "$f" .yaml)" "$(expectation "$f")" "$f"
done
# The issue asks for at least 30 malformed files; losing some must not go unnoticed.
if [ "$n" -ge 30 ]; then ok "$n malformed policy files"; else bad "only $n malformed policy files, want 30 or more"; fi

# Pairs: NAME.1.yaml is valid alone; loaded before NAME.2.yaml, the set is rejected.
np=0
for f2 in tests/policy/bad-pairs/*.2.yaml; do
	[ -f "$f2" ] || continue
	np=$((np + 1))
	f1=${f2%.2.yaml}.1.yaml
	name=pair-$(basename "$f2" .2.yaml)
	if "$VIGIE" policy lint "$f1" >/dev/null 2>"$tmp/err"; then
		ok "$name: first file alone is valid"
	else
		bad "$name: first file alone rejected: $(head -n 1 "$tmp/err")"
	fi
	lint "$name" "$(expectation "$f2")" "$f1" "$f2"
done
if [ "$np" -ge 2 ]; then ok "$np pairs"; else bad "only $np pairs, want 2 or more"; fi

# A valid file using every feature: exit 0, nothing on stderr, the counts on stdout.
good=tests/policy/good.yaml
"$VIGIE" policy lint "$good" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ] || [ -s "$tmp/err" ]; then
	bad "good.yaml: exit $rc, stderr: $(head -c 300 "$tmp/err")"
elif [ "$(cat "$tmp/out")" != "$good: 5 controls, 3 waivers" ]; then
	bad "good.yaml: stdout '$(cat "$tmp/out")', want '$good: 5 controls, 3 waivers'"
else
	ok "good.yaml accepted with its counts"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
