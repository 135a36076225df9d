#!/bin/sh
# rules.sh - vigie explain, and rule files that are broken: exit 2 and FILE:LINE:COL of the fault.
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
RULES=$top_srcdir/rules
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }

# explain: the documented facts come back (AWS Frankfurt is Germany, in the EU and EEA).
out=$("$VIGIE" explain bedrock-runtime.eu-central-1.amazonaws.com 2>&1)
case "$out" in
*"runs in     Germany (DE): eu eea"*"aws region eu-central-1"*) ok "explain text" ;;
*) bad "explain text: $out" ;;
esac
json=$("$VIGIE" explain -f json API.DeepSeek.com.)
[ "$(echo "$json" | jq -r '.hostname + " " + .dest.country + " " + (.dest.jurisdiction | join(","))')" = \
    "api.deepseek.com CN third-country" ] && ok "explain json, canonical name" || bad "explain json: $json"
[ "$(echo "$json" | jq -r '.rule.line > 0 and (.rule.source | startswith("https://"))')" = true ] &&
	ok "explain cites the rule and its source" || bad "explain rule: $json"
"$VIGIE" explain www.example.org | grep -q "not an AI endpoint" && ok "explain non-AI" || bad "explain non-AI"
"$VIGIE" explain 'bad host!' 2>"$tmp/err"; [ $? -eq 2 ] && grep -q "neither a hostname" "$tmp/err" &&
	ok "explain rejects garbage" || bad "explain garbage"

# Each mutation of a copy of the shipped rules must fail with exit 2 at the right place.
mutate() { # NAME FILE SED-EXPRESSION WANT
	rm -rf "$tmp/r" && cp -r "$RULES" "$tmp/r"
	sed -i "$3" "$tmp/r/$2"
	"$VIGIE" explain -r "$tmp/r" api.openai.com >/dev/null 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q -- "$4" "$tmp/err"; then
		ok "$1"
	else
		bad "$1: exit $rc, stderr: $(cat "$tmp/err")"
	fi
}
# Lines found, not hard-coded, so editing the catalog does not break the test.
ds=$(grep -n '^      - pattern: api.deepseek.com$' "$RULES/ai-endpoints.yaml" | cut -d: -f1)
seat=$(grep -n '^    legal_seat: US$' "$RULES/ai-endpoints.yaml" | head -n 1 | cut -d: -f1)
fra=$(grep -n '^      eu-central-1: DE' "$RULES/cloud-regions.yaml" | head -n 1 | cut -d: -f1)
[ -n "$ds" ] && [ -n "$seat" ] && [ -n "$fra" ] || { echo "rules.sh: anchors not found"; exit 99; }
mutate "entry without a source" ai-endpoints.yaml \
	"$((ds + 1)),$((ds + 4)){/^        source:/d}" "ai-endpoints.yaml:$ds:9: missing key 'source'"
mutate "unknown country code" ai-endpoints.yaml \
	"$((ds + 1))s/country: CN/country: XQ/" "ai-endpoints.yaml:$ds: country 'XQ' is not in jurisdictions.yaml"
mutate "malformed pattern" ai-endpoints.yaml \
	"${ds}s/api.deepseek.com/api..deepseek.com/" "ai-endpoints.yaml:$ds:18: empty label"
mutate "lower-case legal seat" ai-endpoints.yaml \
	"${seat}s/legal_seat: US/legal_seat: us/" "ai-endpoints.yaml:$seat:17: legal_seat must be an ISO"
mutate "legal seat not in jurisdictions" ai-endpoints.yaml \
	"${seat}s/legal_seat: US/legal_seat: XQ/" "ai-endpoints.yaml:$seat: provider '.*': legal_seat 'XQ' is not in"
mutate "unknown key" ai-endpoints.yaml \
	"$((ds + 1))s/country: CN/countri: CN/" "ai-endpoints.yaml:$((ds + 1)):9: unknown key 'countri'"
mutate "broken YAML" jurisdictions.yaml 's/^version: .*/version: [1, 2/' "jurisdictions.yaml:35:"
mutate "region of an unknown country" cloud-regions.yaml \
	"${fra}s/eu-central-1: DE/eu-central-1: ZZ/" "cloud-regions.yaml:$fra:21: region eu-central-1: 'ZZ' is not a country"
rm -rf "$tmp/r" && mkdir "$tmp/r"
"$VIGIE" scan -r "$tmp/r" "$top_srcdir/tests/data/sample.pcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "jurisdictions.yaml: cannot open" "$tmp/err" && ok "scan with missing rules: exit 2" ||
	bad "scan with missing rules: $(cat "$tmp/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
