#!/bin/sh
# sample.sh - the shipped sample's (flow, hostname) pairs equal tests/data/sample.expected (from tshark),
# and its attribution equals tests/data/sample-dest.expected (from the research notes).
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
JQ=${JQ:-jq}
command -v "$JQ" >/dev/null 2>&1 || { echo "SKIP: jq not found"; exit 77; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$VIGIE" scan -p none -f json "$top_srcdir/tests/data/sample.pcap" |
	"$JQ" -r 'select(.type == "flow" and .hostname != null and .hostname_source != null) |
	    "\(.proto) \(.src_ip) \(.src_port) \(.dst_ip) \(.dst_port) \(.hostname_source) \(.hostname)"' |
	LC_ALL=C sort >"$tmp"
pass=0 fail=0
if diff -u "$top_srcdir/tests/data/sample.expected" "$tmp"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
fi
# Attribution of the named flows (no GeoIP: the expectations rest on names only).
"$VIGIE" scan -p none -f json --geoip none "$top_srcdir/tests/data/sample.pcap" |
	"$JQ" -r 'select(.type == "flow" and .hostname != null) |
	    "\(.hostname) \(.dest.provider) \(.dest.country // "-") \(.dest.basis)"' |
	LC_ALL=C sort >"$tmp.dest"
if grep -v '^#' "$top_srcdir/tests/data/sample-dest.expected" | diff -u - "$tmp.dest"; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
fi
rm -f "$tmp.dest"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
