#!/bin/sh
# examples.sh - contrib/examples against the failures its README lists, which were derived by hand.
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
EX=$top_srcdir/contrib/examples
JQ=${JQ:-jq}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { if [ "$?" -eq 0 ]; then ok "$1"; else bad "$1"; fi; }
vigie() { "$VIGIE" check --geoip none --date 2026-11-22 "$@" 2>"$tmp/err"; }

command -v "$JQ" >/dev/null 2>&1 || { echo "jq is needed (contrib/install-deps.sh)"; exit 99; }

# The README's list: lines "CONTROL severity kind subject... FILE:LINE" between its heading
# and "Must not appear"; compared as "CONTROL FILE:LINE".
awk '/^Expected failures of noncompliant\/ on 2026-11-22/ { on = 1 }
	/^Must not appear/ { on = 0 }
	on && /^(AI|GR)-[0-9]+ / { print $1, $NF }' "$EX/README" | sort >"$tmp/want"
[ "$(wc -l <"$tmp/want")" -eq 30 ]; check "the README lists 30 failures"

vigie -f json "$EX/noncompliant" >"$tmp/out"
[ $? -eq 1 ]; check "noncompliant: exit 1"
"$JQ" -r 'select(.type == "finding" and .result == "fail") |
	"\(.control) \(.subject.file | sub(".*/noncompliant/"; "")):\(.subject.line)"' \
	"$tmp/out" | sort >"$tmp/got"
diff -u "$tmp/want" "$tmp/got"; check "noncompliant: the failures the README lists, and no other"
for f in text json sarif junit; do
	vigie -f "$f" "$EX/noncompliant" >"$tmp/o.$f"
	! grep -q NOT-A-REAL-KEY "$tmp/o.$f" "$tmp/err"; check "noncompliant -f $f: no fake key printed"
done

vigie -f json -p "$top_srcdir/policies" -p "$EX/compliant/vigie/waivers.yaml" \
	"$EX/compliant" >"$tmp/out"
[ $? -eq 0 ]; check "compliant with its waiver: exit 0"
"$JQ" -e 'select(.type == "summary") | .policy.results.fail == 0 and .policy.results.waived == 2' \
	"$tmp/out" >/dev/null; check "compliant: no failure, two waived (GR-14 on Azure OpenAI)"
vigie --fail-on medium "$EX/compliant" >/dev/null
[ $? -eq 1 ]; check "compliant without the waiver fails at --fail-on medium"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
