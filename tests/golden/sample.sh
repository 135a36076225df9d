#!/bin/sh
# sample.sh - the shipped sample's (flow, hostname) pairs must equal tests/data/sample.expected (from tshark).
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
JQ=${JQ:-jq}
command -v "$JQ" >/dev/null 2>&1 || { echo "SKIP: jq not found"; exit 77; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$VIGIE" scan -f json "$top_srcdir/tests/data/sample.pcap" |
	"$JQ" -r 'select(.type == "flow" and .hostname != null and .hostname_source != null) |
	    "\(.proto) \(.src_ip) \(.src_port) \(.dst_ip) \(.dst_port) \(.hostname_source) \(.hostname)"' |
	LC_ALL=C sort >"$tmp"
if diff -u "$top_srcdir/tests/data/sample.expected" "$tmp"; then
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
	exit 1
fi
