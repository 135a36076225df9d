#!/bin/sh
# findings.sh - the sample capture and manifest in, the findings of the shipped policies out,
# compared with tests/golden/findings.expected (written by hand); then the exit code and counts.
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
JQ=${JQ:-jq}
command -v "$JQ" >/dev/null 2>&1 || { echo "SKIP: jq not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }

d=$top_srcdir/tests/data
# --geoip none: the expectations rest on names only, as in sample-dest.expected.
"$VIGIE" scan -f json --geoip none --date 2026-11-22 -p "$top_srcdir/policies" \
    -p "$d/sample-waivers.yaml" -m "$d/sample-deployment.yaml" "$d/sample.pcap" \
    >"$tmp/out.json" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && ok "exit 1: high findings at the default --fail-on" ||
	bad "exit $rc, want 1: $(cat "$tmp/err")"

"$JQ" -r 'select(.type == "finding") | [.control, .result, .severity, .subject.kind,
    (if .subject.kind == "flow" then .subject.hostname
     elif .subject.kind == "endpoint" then .subject.url
     elif .subject.kind == "deployment" then .subject.name
     else (.subject.file | sub(".*/"; "")) end),
    (if .waiver == null then "no" else "yes" end)] | join(" ")' "$tmp/out.json" >"$tmp/got"
if grep -v '^#' "$top_srcdir/tests/golden/findings.expected" | diff -u - "$tmp/got"; then
	ok "findings equal findings.expected"
else
	bad "findings differ from findings.expected"
fi

# Every finding record carries the contract's fields.
n=$("$JQ" -s '[.[] | select(.type == "finding") | select(has("control") and has("policy") and
    has("result") and has("severity") and has("message") and has("subject") and
    has("references") and has("soc2") and (.references | length > 0))] | length' "$tmp/out.json")
all=$(grep -c '"type":"finding"' "$tmp/out.json")
[ "$n" -eq "$all" ] && [ "$all" -gt 0 ] && ok "$all findings have every contract field" ||
	bad "$n of $all findings have every contract field"

# The summary counts what the findings show: 4 unwaived high failures block, 1 is waived.
got=$("$JQ" -r 'select(.type == "summary") | .policy |
    "\(.blocking) \(.results.waived) \(.expired_waivers) \(.failed_by_severity.high) \(.manifests)"' \
    "$tmp/out.json")
[ "$got" = "4 1 1 4 1" ] && ok "summary: 4 blocking, 1 waived, 1 expired waiver, 1 manifest" ||
	bad "summary counts '$got', want '4 1 1 4 1'"

# --fail-on critical: nothing critical, exit 0; --fail-on info: the expired waiver alone blocks.
"$VIGIE" scan -f json --geoip none --date 2026-11-22 --fail-on critical -p "$top_srcdir/policies" \
    -p "$d/sample-waivers.yaml" -m "$d/sample-deployment.yaml" "$d/sample.pcap" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 0 ] && ok "--fail-on critical: exit 0" || bad "--fail-on critical: exit $rc, want 0"
"$VIGIE" scan -f json --geoip none --date 2026-11-22 --fail-on info -p "$d/sample-waivers.yaml" \
    -p "$top_srcdir/policies/gdpr-residency.yaml" "$d/sample.pcap" >"$tmp/w.json" 2>&1
rc=$?
[ "$rc" -eq 1 ] && ok "--fail-on info: exit 1" || bad "--fail-on info: exit $rc, want 1"

# --results all adds pass and notapplicable findings; the fail records stay the same.
"$VIGIE" scan -f json --geoip none --date 2026-11-22 --results all -p "$top_srcdir/policies" \
    -p "$d/sample-waivers.yaml" -m "$d/sample-deployment.yaml" "$d/sample.pcap" >"$tmp/all.json" 2>/dev/null
fails_all=$("$JQ" -c 'select(.type == "finding" and .result == "fail")' "$tmp/all.json" | wc -l)
total=$("$JQ" -r 'select(.type == "summary") | .policy.results |
    .pass + .fail + .waived + .notapplicable + .error' "$tmp/all.json")
records=$(grep -c '"type":"finding"' "$tmp/all.json")
# One record per (subject, control) plus the expired waiver.
[ "$fails_all" -eq "$all" ] && [ "$records" -eq $((total + 1)) ] &&
	ok "--results all: $records records, $fails_all failures" ||
	bad "--results all: $records records for $total results, $fails_all failures (want $all)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
