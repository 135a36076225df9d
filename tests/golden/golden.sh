#!/bin/sh
# golden.sh - compares vigie scan's hostnames and DNS records with the tshark-made expected files.
#
# Run by `make check` (top_srcdir, top_builddir, JQ exported), or by hand:
#   tests/golden/golden.sh [CAPTURE...]     e.g. tests/golden/golden.sh http/methods
# VIGIE= overrides the binary (default $top_builddir/daemon/vigie); GOLDEN_MAXDIFF= the
# number of diff lines shown per capture (40). Exit 77 (skip) when jq,
# the binary or the capture corpus ../shared/pcaps/zeek is missing; exit 1 on any
# difference not listed in deliberate.txt, on a missing expected file, or when vigie
# fails (exit status other than 0, or 3 for an unreadable capture).
# Line format and oracle rules: regen.sh and DIFFERENCES.md beside this script.
set -u

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
JQ=${JQ:-jq}
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
golden=$top_srcdir/tests/golden
pcapdir=$top_srcdir/../shared/pcaps/zeek
FOLDERS="tls quic http dns"
MAXDIFF=${GOLDEN_MAXDIFF:-40}	# diff lines shown per capture

if [ -z "$JQ" ] || ! command -v "$JQ" >/dev/null 2>&1; then
	echo "golden: SKIP, jq not found"
	exit 77
fi
if [ ! -x "$VIGIE" ]; then
	echo "golden: SKIP, no vigie binary at $VIGIE"
	exit 77
fi
if [ ! -d "$pcapdir" ]; then
	echo "golden: SKIP, no capture corpus at $pcapdir"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# vigie's JSON lines to the expected-file format. Hostnames only from tls/quic/http (a
# name vigie got from its DNS cache has no tshark counterpart); DNS names that vigie had
# to escape (\DDD) are left out as regen.sh leaves out the ones tshark escapes.
# "H " lines are compared as a multiset, "D " lines as a set.
# shellcheck disable=SC2016 # a jq program, not shell
CONVERT='
select(.type == "flow" and (.proto == "tcp" or .proto == "udp"))
| "\(.proto) \(.src_ip) \(.src_port) \(.dst_ip) \(.dst_port)" as $f
| (select(.hostname != null and (.hostname_source == "tls" or .hostname_source == "quic"
	or .hostname_source == "http"))
	| "H \($f) \(.hostname_source) \(.hostname)"),
  (.dns // {} | (.queries // [])[] | .name | strings | select(contains("\\") | not)
	| "D \($f) q \(.)"),
  (.dns // {} | (.answers // [])[] | select(.type == "A" or .type == "AAAA")
	| select(.name | strings | contains("\\") | not)
	| "D \($f) a \(.name) \(.data)")'

# Allow-list: "<capture> <line>", capture as in the expected path (e.g. http/methods).
grep -v -e '^#' -e '^[[:space:]]*$' "$golden/deliberate.txt" 2>/dev/null | sort -u >"$tmp/deliberate"
: >"$tmp/deliberate.used"

ncap=0
nmatch=0
nmiss=0
nextra=0
ndelib=0
nbad=0
for folder in $FOLDERS; do
	[ -d "$pcapdir/$folder" ] || continue
	(cd "$pcapdir" && find "$folder" -type f \( -name '*.pcap' -o -name '*.pcapng' \
	    -o -name '*.pcap.gz' -o -name '*.pcapng.gz' \))
done | sort >"$tmp/captures"

while read -r f; do
	name=$(echo "$f" | sed -E 's/\.gz$//; s/\.(pcapng|pcap)$//')
	if [ $# -gt 0 ]; then
		want=0
		for a in "$@"; do
			[ "$a" = "$name" ] || [ "$a" = "$f" ] && want=1
		done
		[ $want -eq 1 ] || continue
	fi
	ncap=$((ncap + 1))
	bad=0
	exp=$golden/expected/$name.txt
	if [ ! -f "$exp" ]; then
		echo "golden: $name: no expected file (run tests/golden/regen.sh)"
		nbad=$((nbad + 1))
		continue
	fi
	case "$f" in
	*.gz)	gzip -dc "$pcapdir/$f" >"$tmp/capture"; cap=$tmp/capture ;;
	*)	cap=$pcapdir/$f ;;
	esac
	"$VIGIE" scan -p none -f json "$cap" >"$tmp/out.json" 2>"$tmp/err" </dev/null
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
		echo "golden: $name: vigie scan exited $rc"
		tail -5 "$tmp/err" | sed 's/^/  /'
		bad=1
	fi
	if ! "$JQ" -r "$CONVERT" "$tmp/out.json" >"$tmp/tagged" 2>"$tmp/jqerr"; then
		echo "golden: $name: vigie output is not JSON lines:"
		head -3 "$tmp/jqerr" | sed 's/^/  /'
		bad=1
	fi
	{
		sed -n 's/^H //p' "$tmp/tagged"
		sed -n 's/^D //p' "$tmp/tagged" | sort -u
	} | sort >"$tmp/actual"
	sort "$exp" >"$tmp/expected"

	m=$(comm -12 "$tmp/expected" "$tmp/actual" | wc -l)
	nmatch=$((nmatch + m))
	comm -23 "$tmp/expected" "$tmp/actual" | sed 's/^/-/' >"$tmp/diff"
	comm -13 "$tmp/expected" "$tmp/actual" | sed 's/^/+/' >>"$tmp/diff"
	[ -s "$tmp/diff" ] || { nbad=$((nbad + bad)); continue; }

	# Split the differences into deliberate (allow-listed) and real ones.
	: >"$tmp/real"
	while IFS= read -r d; do
		line=${d#?}
		if grep -Fqx -- "$name $line" "$tmp/deliberate"; then
			echo "$name $line" >>"$tmp/deliberate.used"
			ndelib=$((ndelib + 1))
		else
			echo "$d" >>"$tmp/real"
		fi
	done <"$tmp/diff"
	[ -s "$tmp/real" ] || { nbad=$((nbad + bad)); continue; }
	k=$(grep -c '^-' "$tmp/real")
	j=$(grep -c '^+' "$tmp/real")
	nmiss=$((nmiss + k))
	nextra=$((nextra + j))
	nbad=$((nbad + 1))
	echo "--- expected/$name.txt (tshark)"
	echo "+++ vigie scan $f"
	sort -k1.2 "$tmp/real" | head -n "$MAXDIFF"
	[ $((k + j)) -le "$MAXDIFF" ] || echo "... $((k + j - MAXDIFF)) more lines"
done <"$tmp/captures"

sort -u "$tmp/deliberate.used" >"$tmp/deliberate.used.s"
if [ $# -eq 0 ]; then
	comm -23 "$tmp/deliberate" "$tmp/deliberate.used.s" | while IFS= read -r s; do
		echo "golden: note: deliberate.txt entry no longer differs: $s"
	done
fi
[ $ndelib -eq 0 ] || echo "golden: $ndelib deliberate differences (deliberate.txt, DIFFERENCES.md)"
echo "golden: $ncap captures, $nmatch pairs matched, $nmiss missing, $nextra extra"
echo "golden: $((ncap - nbad)) passed, $nbad failed"
[ $nbad -eq 0 ]
