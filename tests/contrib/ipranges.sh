#!/bin/sh
# ipranges.sh - the ip-ranges converters (contrib/ipranges) against hand-checked outputs, and on bad input.
#
# The files in tests/contrib/expected/ were written by hand from the sample feeds
# in contrib/ipranges/samples/, following the rules in contrib/ipranges/README,
# not copied from a converter's output:
#   aws.yaml    19 feed prefixes; 7 listed twice (AMAZON and a service: 3.120.0.0/14
#               EC2, 52.95.150.0/24 S3, 13.32.0.0/15 and 2600:9000:2000::/36
#               CLOUDFRONT, 205.251.192.0/21 ROUTE53, 2a05:d014::/36 EC2; and
#               18.184.138.224/27 under EC2 and ROUTE53_HEALTHCHECKS, EC2 first by
#               name) leave 12; CLOUDFRONT and every region GLOBAL entry are
#               anycast without a region; 3.5 < 3.120 < 13.32 < ... < 205.251.
#   gcp.yaml    12 prefixes; 34.1.0.0/20 has an empty scope and is skipped;
#               34.149.0.0/16 has scope "global" and is anycast; 11 left.
#   azure.yaml  18 prefixes in 7 tags; ActionGroup, AzureCloud and
#               AzureFrontDoor.Frontend have no region (6 skipped); 20.60.26.0/23
#               is in AzureCloud.westeurope and Storage.WestEurope and keeps
#               AzureStorage; 11 left; the IPv6 order 2603:1020:200:: < 203:: <
#               c00:: < c01:: < 1001:: is numeric (as text, 1001 would come first).
set -u

JQ=${JQ:-jq}
command -v "$JQ" >/dev/null 2>&1 || { echo "SKIP: jq not found"; exit 77; }
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
conv=$top_srcdir/contrib/ipranges
samples=$conv/samples
expected=$top_srcdir/tests/contrib/expected
export JQ

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }

# same NAME WANT_FILE: compares $tmp/out with WANT_FILE, shows the difference.
same() {
	if cmp -s "$tmp/out" "$2"; then
		ok "$1"
	else
		bad "$1"
		diff -u "$2" "$tmp/out" | head -n 40
	fi
}

# expect NAME WANT_RC STDERR_PATTERN -- CONVERTER ARGS...: runs it, checks the
# exit status, that stderr has the pattern, and that a failure wrote nothing.
expect() {
	name=$1 want=$2 pat=$3 c=$5
	shift 5
	sh "$conv/$c" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "$name: exit $rc, want $want ($(head -c 300 "$tmp/err"))"
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/err"; then
		bad "$name: stderr lacks '$pat': $(head -c 300 "$tmp/err")"
	elif [ "$want" -ne 0 ] && [ -s "$tmp/out" ]; then
		bad "$name: wrote output although it failed"
	else
		ok "$name"
	fi
}

for f in aws-ip-ranges.json gcp-cloud.json azure-service-tags.json; do
	[ -f "$samples/$f" ] || { echo "missing $samples/$f"; exit 99; }
done

# The samples give the hand-written files.
expect "aws sample" 0 "" -- aws2yaml.sh "$samples/aws-ip-ranges.json"
same "aws sample output" "$expected/aws.yaml"
expect "gcp sample" 0 "" -- gcp2yaml.sh "$samples/gcp-cloud.json"
same "gcp sample output" "$expected/gcp.yaml"
expect "azure sample" 0 "" -- azure2yaml.sh --version 2026-11-16 "$samples/azure-service-tags.json"
same "azure sample output" "$expected/azure.yaml"

# Standard input, and - for it, read the same.
sh "$conv/aws2yaml.sh" <"$samples/aws-ip-ranges.json" >"$tmp/out" 2>"$tmp/err"
same "aws from stdin" "$expected/aws.yaml"
sh "$conv/gcp2yaml.sh" - <"$samples/gcp-cloud.json" >"$tmp/out" 2>"$tmp/err"
same "gcp from - (stdin)" "$expected/gcp.yaml"

# The feed's order does not matter: reversed lists give the same file.
"$JQ" '.prefixes |= reverse | .ipv6_prefixes |= reverse' "$samples/aws-ip-ranges.json" >"$tmp/aws-rev.json"
sh "$conv/aws2yaml.sh" "$tmp/aws-rev.json" >"$tmp/out" 2>&1
same "aws reversed feed" "$expected/aws.yaml"
"$JQ" '.prefixes |= reverse' "$samples/gcp-cloud.json" >"$tmp/gcp-rev.json"
sh "$conv/gcp2yaml.sh" "$tmp/gcp-rev.json" >"$tmp/out" 2>&1
same "gcp reversed feed" "$expected/gcp.yaml"
"$JQ" '.values |= reverse | .values[].properties.addressPrefixes |= reverse' \
    "$samples/azure-service-tags.json" >"$tmp/azure-rev.json"
sh "$conv/azure2yaml.sh" --version 2026-11-16 "$tmp/azure-rev.json" >"$tmp/out" 2>&1
same "azure reversed feed" "$expected/azure.yaml"

# Azure's version: from Microsoft's file name, else today's UTC date with a note.
cp "$samples/azure-service-tags.json" "$tmp/ServiceTags_Public_20261116.json"
expect "azure version from the file name" 0 "" -- azure2yaml.sh "$tmp/ServiceTags_Public_20261116.json"
same "azure version from the file name: output" "$expected/azure.yaml"
today=$(date -u +%Y-%m-%d)
sh "$conv/azure2yaml.sh" <"$samples/azure-service-tags.json" >"$tmp/out" 2>"$tmp/err"
if grep -qx "version: $today" "$tmp/out" && grep -q "today, UTC" "$tmp/err"; then
	ok "azure without a date: today's UTC date, said on stderr"
else
	bad "azure without a date: $(grep '^version' "$tmp/out") / $(cat "$tmp/err")"
fi
# A mismatch there could only be the clock turning midnight between the two calls.

# --version and --source replace the feed's own.
expect "aws --version --source" 0 "" -- aws2yaml.sh --version 2026-01-02 \
    --source https://example.org/ip-ranges.json "$samples/aws-ip-ranges.json"
if sed -n '4,5p' "$tmp/out" | tr '\n' ' ' |
    grep -qx 'version: 2026-01-02 source: https://example.org/ip-ranges.json '; then
	ok "aws --version --source: in the output"
else
	bad "aws --version --source: $(sed -n '4,5p' "$tmp/out")"
fi

# Bad input: exit 3, the message names the file, nothing on stdout.
printf 'this is not JSON\n' >"$tmp/garbage.json"
: >"$tmp/empty.json"
printf '[]\n' >"$tmp/array.json"
printf '{"prefixes": []}\n{"prefixes": []}\n' >"$tmp/two.json"
for c in aws2yaml.sh gcp2yaml.sh azure2yaml.sh; do
	expect "$c: not JSON" 3 "garbage.json: not JSON" -- "$c" --version 2026-11-16 "$tmp/garbage.json"
	expect "$c: empty file" 3 "empty.json: .*empty input" -- "$c" --version 2026-11-16 "$tmp/empty.json"
	expect "$c: top level an array" 3 "array.json: .*not an object" -- "$c" --version 2026-11-16 "$tmp/array.json"
	expect "$c: two documents" 3 "two.json: .*more than one" -- "$c" --version 2026-11-16 "$tmp/two.json"
	expect "$c: missing file" 3 "$tmp/nope.json: cannot open" -- "$c" "$tmp/nope.json"
	expect "$c: directory" 3 "$tmp: is a directory" -- "$c" "$tmp"
	expect "$c: not JSON on stdin" 3 "stdin: not JSON" -- "$c" --version 2026-11-16 - <"$tmp/garbage.json"
	expect "$c --help" 0 "" -- "$c" --help
	grep -q '^usage: ' "$tmp/out" && ok "$c --help: usage on stdout" || bad "$c --help: no usage"
	expect "$c: unknown option" 2 "unknown option" -- "$c" --frobnicate
	expect "$c: bad --version" 2 "YYYY-MM-DD" -- "$c" --version 20261116 "$tmp/empty.json"
	expect "$c: two inputs" 2 "one input" -- "$c" "$tmp/empty.json" "$tmp/empty.json"
done

# Wrong shape, one field at a time, from the samples.
mangle() { "$JQ" "$2" "$1" >"$3"; }
mangle "$samples/aws-ip-ranges.json" '.prefixes[3].ip_prefix = "10.0.0.0/33"' "$tmp/aws-len.json"
expect "aws: prefix length over 32" 3 'aws-len.json: .*bad IPv4 prefix "10.0.0.0/33"' -- aws2yaml.sh "$tmp/aws-len.json"
mangle "$samples/aws-ip-ranges.json" '.prefixes[0].ip_prefix = "3.5.140.256/22"' "$tmp/aws-oct.json"
expect "aws: octet over 255" 3 "aws-oct.json: .*bad IPv4 prefix" -- aws2yaml.sh "$tmp/aws-oct.json"
mangle "$samples/aws-ip-ranges.json" 'del(.prefixes[2].region)' "$tmp/aws-noregion.json"
expect "aws: entry without region" 3 'aws-noregion.json: .*prefixes\[2\]: "region" is missing' -- aws2yaml.sh "$tmp/aws-noregion.json"
mangle "$samples/aws-ip-ranges.json" '.ipv6_prefixes = {}' "$tmp/aws-v6obj.json"
expect "aws: ipv6_prefixes not an array" 3 'aws-v6obj.json: .*"ipv6_prefixes" is not an array' -- aws2yaml.sh "$tmp/aws-v6obj.json"
mangle "$samples/aws-ip-ranges.json" '.createDate = "2026-11-20"' "$tmp/aws-date.json"
expect "aws: createDate not yyyy-mm-dd-hh-mm-ss" 3 "aws-date.json: .*createDate" -- aws2yaml.sh "$tmp/aws-date.json"
mangle "$samples/gcp-cloud.json" '.prefixes[1].ipv6Prefix = "2600:1900::8000::/44"' "$tmp/gcp-2dc.json"
expect "gcp: two :: in an IPv6 prefix" 3 "gcp-2dc.json: .*bad IPv6 prefix" -- gcp2yaml.sh "$tmp/gcp-2dc.json"
mangle "$samples/gcp-cloud.json" '.prefixes[1].ipv6Prefix = "2600:1900:8000:0:0:0:0:0:0/44"' "$tmp/gcp-9g.json"
expect "gcp: nine IPv6 groups" 3 "gcp-9g.json: .*bad IPv6 prefix" -- gcp2yaml.sh "$tmp/gcp-9g.json"
mangle "$samples/gcp-cloud.json" '.prefixes[1].ipv6Prefix = "2600:1900:8000::/129"' "$tmp/gcp-129.json"
expect "gcp: IPv6 length over 128" 3 "gcp-129.json: .*bad IPv6 prefix" -- gcp2yaml.sh "$tmp/gcp-129.json"
mangle "$samples/gcp-cloud.json" '.prefixes[4] |= del(.ipv6Prefix)' "$tmp/gcp-noprefix.json"
expect "gcp: entry without a prefix" 3 "gcp-noprefix.json: .*prefixes\[4\] has neither" -- gcp2yaml.sh "$tmp/gcp-noprefix.json"
mangle "$samples/gcp-cloud.json" '.prefixes[0].scope = 7' "$tmp/gcp-scope.json"
expect "gcp: scope not a string" 3 'gcp-scope.json: .*"scope" is not a string' -- gcp2yaml.sh "$tmp/gcp-scope.json"
mangle "$samples/azure-service-tags.json" '.values[2].properties.addressPrefixes = "13.69.0.0/17"' "$tmp/az-ap.json"
expect "azure: addressPrefixes not an array" 3 "az-ap.json: .*AzureCloud.westeurope.*addressPrefixes" -- azure2yaml.sh --version 2026-11-16 "$tmp/az-ap.json"
mangle "$samples/azure-service-tags.json" 'del(.values[3].properties)' "$tmp/az-noprops.json"
expect "azure: tag without properties" 3 "az-noprops.json: .*properties" -- azure2yaml.sh --version 2026-11-16 "$tmp/az-noprops.json"
mangle "$samples/azure-service-tags.json" '.values |= map(select(.properties.region == ""))' "$tmp/az-global.json"
expect "azure: no regional tag at all" 3 "az-global.json: .*no range with a region" -- azure2yaml.sh --version 2026-11-16 "$tmp/az-global.json"
mangle "$samples/azure-service-tags.json" '.cloud = "AzureGovernment"' "$tmp/az-gov.json"
expect "azure: another cloud without --source" 3 "az-gov.json: .*give --source" -- azure2yaml.sh --version 2026-11-16 "$tmp/az-gov.json"

# Quoting: a name YAML would read as a boolean, or with ": ", is quoted; the rest is not.
mangle "$samples/aws-ip-ranges.json" '.prefixes[0].service = "ON" | .prefixes[6].service = "A: b"' "$tmp/aws-q.json"
expect "aws: names needing quotes" 0 "" -- aws2yaml.sh "$tmp/aws-q.json"
if grep -qx '    service: "ON"' "$tmp/out" && grep -qx '    service: "A: b"' "$tmp/out" &&
    [ "$(grep -c '"' "$tmp/out")" -eq 2 ]; then
	ok "aws: only those two names quoted"
else
	bad "aws: quoting: $(grep '"' "$tmp/out")"
fi

# rules/ip-ranges/anycast-*.yaml: every range a well-formed CIDR listed once across the
# files, with a provider, and anycast: true; each file with a version and one source URL.
: >"$tmp/cdn-prefixes"
files=0
for cdn in "$top_srcdir"/rules/ip-ranges/anycast-*.yaml; do
	[ -f "$cdn" ] || continue
	files=$((files + 1))
	name=$(basename "$cdn")
	sed -n 's/^  - prefix: //p' "$cdn" >"$tmp/one"
	n=$(wc -l <"$tmp/one")
	cat "$tmp/one" >>"$tmp/cdn-prefixes"
	[ "$(grep -c '^    anycast: true$' "$cdn")" -eq "$n" ] &&
	    [ "$(grep -c '^    provider: ' "$cdn")" -eq "$n" ] &&
		ok "$name: each of $n ranges has a provider and anycast: true" ||
		bad "$name: provider or anycast missing somewhere"
	grep -Eq '^version: [0-9]{4}-[0-9]{2}-[0-9]{2}$' "$cdn" &&
	    grep -Eq '^source: https://[^ ]+$' "$cdn" &&
		ok "$name: version and one source URL" || bad "$name: version or source"
done
[ "$files" -gt 0 ] && ok "$files anycast range files" || bad "no rules/ip-ranges/anycast-*.yaml"
n=$(wc -l <"$tmp/cdn-prefixes")
. "$conv/common.sh"
if "$JQ" -R -n "$IPR_JQLIB [inputs | cidr | .key] | length" <"$tmp/cdn-prefixes" >/dev/null 2>"$tmp/err"; then
	ok "anycast: $n well-formed prefixes"
else
	bad "anycast: $(cat "$tmp/err")"
fi
[ "$(sort -u "$tmp/cdn-prefixes" | wc -l)" -eq "$n" ] && ok "anycast: no prefix twice" ||
	bad "anycast: a prefix listed twice"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
