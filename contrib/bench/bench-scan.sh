#!/bin/sh
# bench-scan.sh - times vigie scan against a bare libpcap read loop on one large capture.
#
# Usage: contrib/bench/bench-scan.sh [VIGIE]
#   VIGIE defaults to daemon/vigie, then build/daemon/vigie, in the repository. Needs cc,
#   pkg-config and libpcap-dev, and mergecap, editcap and capinfos (wireshark's tools).
#   BENCH_MB (default 300) sets the capture size, BENCH_DIR (default $TMPDIR/vigie-bench)
#   where it is cached, BENCH_TARGET (default 2.00) the ratio printed as the target.
#   BENCH_STRICT=1 makes a ratio over the target exit 1. See README beside this script.
set -eu

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
pcapdir=$top/../shared/pcaps/zeek
size_mb=${BENCH_MB:-300}
target=${BENCH_TARGET:-2.00}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/vigie-bench}
runs=${BENCH_RUNS:-7}

if [ $# -ge 1 ]; then
	vigie=$1
elif [ -x "$top/daemon/vigie" ]; then
	vigie=$top/daemon/vigie
else
	vigie=$top/build/daemon/vigie
fi
if [ ! -x "$vigie" ]; then
	echo "bench: no vigie binary at $vigie (pass its path as the argument)" >&2
	exit 2
fi
for tool in cc pkg-config mergecap editcap capinfos; do
	command -v $tool >/dev/null 2>&1 || { echo "bench: $tool not found" >&2; exit 2; }
done
mkdir -p "$dir"

# The baseline: libpcap's read loop alone.
# shellcheck disable=SC2046
cc -O2 -o "$dir/pcap-loop" "$here/pcap-loop.c" $(pkg-config --cflags --libs libpcap)

big=$dir/big.pcap
if [ -s "$big" ]; then
	echo "bench: using cached $big (delete it to rebuild)"
else
	if [ ! -d "$pcapdir" ]; then
		echo "bench: no capture corpus at $pcapdir" >&2
		exit 2
	fi
	work=$dir/build.$$
	rm -rf "$work"
	mkdir -p "$work/eth"
	trap 'rm -rf "$work"' EXIT INT TERM
	# One copy of the corpus: every Ethernet capture, each rewritten as pcap (a capture
	# editcap cannot read to the end is left out), concatenated in a fixed order.
	i=0
	(cd "$pcapdir" && find . -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.gz' \) |
	    sed 's|^\./||' | sort) >"$work/list"
	while read -r f; do
		case "$f" in
		*.gz)	gzip -dc "$pcapdir/$f" >"$work/in" 2>/dev/null || continue ;;
		*)	cp "$pcapdir/$f" "$work/in" ;;
		esac
		encap=$(capinfos -T -E -r "$work/in" 2>/dev/null | cut -f2)
		[ "$encap" = "ether" ] || continue
		i=$((i + 1))
		editcap -F pcap "$work/in" "$work/eth/$(printf %04d $i).pcap" >/dev/null 2>&1 ||
		    rm -f "$work/eth/$(printf %04d $i).pcap"
	done <"$work/list"
	mergecap -a -F pcap -w "$work/copy.pcap" "$work"/eth/*.pcap
	rm -rf "$work/eth"
	copy_bytes=$(wc -c <"$work/copy.pcap")
	copies=$(( (size_mb * 1048576 + copy_bytes - 1) / copy_bytes ))
	echo "bench: building $big: $i Ethernet captures, $copy_bytes bytes a copy, $copies copies"
	# Each copy is shifted by a day so its flows cannot merge into the previous copy's.
	c=0
	while [ $c -lt $copies ]; do
		editcap -t $((c * 86400)) "$work/copy.pcap" "$work/shift-$(printf %04d $c).pcap"
		c=$((c + 1))
	done
	mergecap -a -F pcap -w "$big.tmp" "$work"/shift-*.pcap
	mv "$big.tmp" "$big"
	rm -rf "$work"
	trap - EXIT INT TERM
fi

# Seconds since the epoch, with nanoseconds (GNU date).
now()
{
	date +%s.%N
}

# One timed run of "$@"; prints seconds. Its output goes to $dir/out. Exit 1 of vigie scan
# means findings, not failure.
timed()
{
	t0=$(now)
	"$@" >"$dir/out" 2>"$dir/err"
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 1 ] || {
		echo "bench: '$*' failed:" >&2
		tail -5 "$dir/err" >&2
		exit 1
	}
	t1=$(now)
	awk -v a="$t0" -v z="$t1" 'BEGIN { printf "%.4f", z - a }'
}

min()
{
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b + 0 < a + 0) print b; else print a }'
}

cat "$big" >/dev/null	# warm the page cache so the first run is not a disk benchmark
bytes=$(wc -c <"$big")
# Interleaved, best of $runs each: a shared machine's noise hits both sides alike, and the
# best run is the one least disturbed by it.
# The target holds for the whole product path: parsers, attribution and the shipped
# policies evaluated for every flow. The run without policies shows what they cost.
base="" scan="" nopol="" r=0
while [ $r -lt $runs ]; do
	base=$(min "$base" "$(timed "$dir/pcap-loop" "$big")")
	pkts=$(awk '{ print $1 }' "$dir/out")
	scan=$(min "$scan" "$(timed "$vigie" scan -f json -o /dev/null "$big")")
	nopol=$(min "$nopol" "$(timed "$vigie" scan -p none -f json -o /dev/null "$big")")
	r=$((r + 1))
done

awk -v base="$base" -v scan="$scan" -v nopol="$nopol" -v pkts="$pkts" -v bytes="$bytes" \
    -v target="$target" '
BEGIN {
	ratio = scan / (base > 0 ? base : 0.001)
	printf "bench: %d packets, %.0f MB\n", pkts, bytes / 1048576
	printf "bench: without policies: vigie %.2f s, ratio %.2fx\n", nopol,
	    nopol / (base > 0 ? base : 0.001)
	printf "bench: baseline %.2f s, vigie %.2f s, ratio %.2fx (target <= %.2fx)\n",
	    base, scan, ratio, target
	printf "bench: baseline %.0f packets/s, vigie %.0f packets/s\n",
	    pkts / (base > 0 ? base : 0.001), pkts / (scan > 0 ? scan : 0.001)
	exit ratio > target + 0 ? 1 : 0
}' && over=0 || over=1
if [ "$over" -eq 1 ]; then
	echo "bench: ratio over the target"
	[ "${BENCH_STRICT:-0}" = 1 ] && exit 1
fi
exit 0
