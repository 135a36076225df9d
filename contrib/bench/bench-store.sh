#!/bin/sh
# bench-store.sh - chained appends to the audit store against plain SQLite inserts of the same rows.
#
# Usage: contrib/bench/bench-store.sh [BUILD_DIR]
#   BUILD_DIR (argument or environment) defaults to build/ in the repository; it must hold
#   tests/store/store-writer (`make check` or `make tests/store/store-writer` builds it).
#   BENCH_EVENTS (default 500000) sets the events per run, BENCH_RUNS (default 5) the runs
#   of each kind (the best is kept), BENCH_BATCH (default 1000) the events per transaction,
#   BENCH_TARGET (default 100000) the chained events per second wanted. BENCH_STRICT=1 makes
#   a rate under the target exit 1. See README beside this script.
set -eu

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-${BUILD_DIR:-$top/build}}
writer=$build/tests/store/store-writer
events=${BENCH_EVENTS:-500000}
runs=${BENCH_RUNS:-5}
batch=${BENCH_BATCH:-1000}
target=${BENCH_TARGET:-100000}

if [ ! -x "$writer" ]; then
	echo "bench-store: $writer is missing: run make tests/store/store-writer in $build" >&2
	exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# One run: a new database each time; prints the seconds the writer measured.
run() {
	rm -f "$work"/b.db "$work"/b.db-wal "$work"/b.db-shm "$work"/b.db.key
	"$writer" --db "$work/b.db" --events "$events" --batch "$batch" --quiet "$@" |
	    awk '{ print $(NF - 1) }'
}

best_plain=; best_text=; best_obj=
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	# Interleaved, so a slow moment of the machine hits every kind alike.
	p=$(run --plain); t=$(run); o=$(run --objects)
	best_plain=$(awk -v a="${best_plain:-$p}" -v b="$p" 'BEGIN { print (b < a ? b : a) }')
	best_text=$(awk -v a="${best_text:-$t}" -v b="$t" 'BEGIN { print (b < a ? b : a) }')
	best_obj=$(awk -v a="${best_obj:-$o}" -v b="$o" 'BEGIN { print (b < a ? b : a) }')
	echo "bench-store: run $i: plain $p s, chained $t s, chained from objects $o s"
done

awk -v n="$events" -v p="$best_plain" -v t="$best_text" -v o="$best_obj" -v goal="$target" \
    -v b="$batch" -v strict="${BENCH_STRICT:-0}" 'BEGIN {
	printf "bench-store: %d events, %d per transaction, best of the runs\n", n, b
	printf "bench-store: plain SQLite inserts   %9.0f events/s\n", n / p
	printf "bench-store: chained (same text)    %9.0f events/s, %.2fx the time of plain\n",
	    n / t, t / p
	printf "bench-store: chained (from objects) %9.0f events/s, %.2fx the time of plain\n",
	    n / o, o / p
	printf "bench-store: target >= %d chained events/s: %s\n", goal,
	    (n / t >= goal) ? "met" : "NOT met"
	exit (strict == 1 && n / t < goal) ? 1 : 0
}'
