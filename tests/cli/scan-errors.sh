#!/bin/sh
# scan-errors.sh - `vigie scan` on bad inputs: messages name the file, exit codes follow vigie(1).
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
SAMPLE=$top_srcdir/tests/data/sample.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }

# expect NAME WANT_RC STDERR_PATTERN -- ARGS...
expect() {
	name=$1 want=$2 pat=$3
	shift 4
	"$VIGIE" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "$name: exit $rc, want $want ($(head -c 300 "$tmp/err"))"
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/err"; then
		bad "$name: stderr lacks '$pat': $(head -c 300 "$tmp/err")"
	else
		ok "$name"
	fi
}

# pcap global header, little-endian (magic a1b2c3d4 written LE), v2.4, snaplen 65535, LINKTYPE $1.
pcap_header() {
	printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000'
	printf "$(printf '\\%03o\\%03o\\000\\000' $(($1 & 255)) $(($1 >> 8)))"
}

[ -f "$SAMPLE" ] || { echo "missing $SAMPLE"; exit 99; }

expect "missing file" 3 "$tmp/nope.pcap: cannot open" -- scan -p none "$tmp/nope.pcap"
expect "directory" 3 "$tmp: is a directory" -- scan -p none "$tmp"
: >"$tmp/empty.pcap"
expect "zero-length file" 3 "empty.pcap: not a pcap" -- scan -p none "$tmp/empty.pcap"
head -c 4096 /dev/urandom >"$tmp/garbage.pcap"
printf 'GARB' | dd of="$tmp/garbage.pcap" conv=notrunc status=none
expect "garbage file" 3 "garbage.pcap: not a pcap" -- scan -p none "$tmp/garbage.pcap"
expect "no capture" 2 "no capture given" -- scan
expect "unknown format" 2 "unknown format 'xml'" -- scan -p none -f xml "$SAMPLE"
expect "unknown option" 2 "" -- scan -p none --bogus "$SAMPLE"
expect "unknown command" 2 "unknown command 'frobnicate'" -- frobnicate
expect "bad --max-flows" 2 "max-flows" -- scan -p none --max-flows 0 "$SAMPLE"
expect "unwritable output" 2 "cannot write" -- scan -p none -o "$tmp/no/such/dir/out.json" "$SAMPLE"
expect "good sample" 0 "" -- scan -p none -f json "$SAMPLE"
[ "$(tail -n 1 "$tmp/out" | jq -r .type)" = summary ] && ok "summary is the last record" ||
	bad "summary is not the last record"

# A good and a bad file: the good one's records are all there, and the exit code says 3.
expect "one bad of two" 3 "nope.pcap" -- scan -p none -f json "$SAMPLE" "$tmp/nope.pcap"
n=$(jq -c 'select(.type=="flow")' "$tmp/out" | wc -l)
"$VIGIE" scan -p none -f json "$SAMPLE" >"$tmp/alone"
m=$(jq -c 'select(.type=="flow")' "$tmp/alone" | wc -l)
[ "$n" -eq "$m" ] && [ "$n" -gt 0 ] && ok "records kept beside a bad file ($n)" ||
	bad "records beside a bad file: $n, alone: $m"
[ "$(tail -n 1 "$tmp/out" | jq .captures_failed)" = 1 ] && ok "captures_failed counted" ||
	bad "captures_failed not 1"

# Truncated inside the last record: the packets before it are read, exit 0, anomaly named.
size=$(wc -c <"$SAMPLE")
head -c $((size - 7)) "$SAMPLE" >"$tmp/trunc.pcap"
expect "truncated capture" 0 "trunc.pcap: capture is truncated" -- scan -p none -f json "$tmp/trunc.pcap"
[ "$(tail -n 1 "$tmp/out" | jq '.anomalies["capture.truncated"]')" = 1 ] &&
	ok "capture.truncated counted" || bad "capture.truncated not counted"

# A record header claiming more than the snaplen allows in the middle of the file is corruption.
{ pcap_header 1; printf '\000\000\000\000\000\000\000\000\377\377\377\177\377\377\377\177'; } >"$tmp/corrupt.pcap"
cat "$SAMPLE" >>"$tmp/corrupt.pcap"
expect "corrupt record" 3 "corrupt.pcap: corrupt capture" -- scan -p none "$tmp/corrupt.pcap"

# An unsupported link type (LINKTYPE_USER0 = 147) is read and counted, not fatal.
{ pcap_header 147; printf '\000\000\000\000\000\000\000\000\004\000\000\000\004\000\000\000abcd'; } >"$tmp/user0.pcap"
expect "unsupported link type" 0 "link type 147" -- scan -p none -f json "$tmp/user0.pcap"
[ "$(tail -n 1 "$tmp/out" | jq '.anomalies["link.unsupported_type"]')" = 1 ] &&
	ok "link.unsupported_type counted" || bad "link.unsupported_type not counted"

# A header-only capture is valid and empty.
pcap_header 1 >"$tmp/header-only.pcap"
expect "header-only capture" 0 "" -- scan -p none -f json "$tmp/header-only.pcap"
[ "$(tail -n 1 "$tmp/out" | jq .packets)" = 0 ] && ok "zero packets" || bad "packets not 0"

# gzip-compressed captures and standard input give the same records as the plain file.
"$VIGIE" scan -p none -f json "$SAMPLE" | grep -v '"summary"' >"$tmp/plain"
gzip -c "$SAMPLE" >"$tmp/s.pcap.gz"
"$VIGIE" scan -p none -f json "$tmp/s.pcap.gz" | grep -v '"summary"' >"$tmp/gz"
cmp -s "$tmp/plain" "$tmp/gz" && ok "gzip input" || bad "gzip input differs"
"$VIGIE" scan -p none -f json - <"$SAMPLE" | grep -v '"summary"' >"$tmp/stdin"
cmp -s "$tmp/plain" "$tmp/stdin" && ok "stdin input" || bad "stdin input differs"
"$VIGIE" scan -p none -f json -o "$tmp/o.json" "$SAMPLE" && grep -v '"summary"' "$tmp/o.json" >"$tmp/ofile"
cmp -s "$tmp/plain" "$tmp/ofile" && ok "-o FILE" || bad "-o FILE differs"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
