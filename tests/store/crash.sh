#!/bin/sh
# crash.sh - SIGKILLs the store's writer at random points of a large append, 50 times. After each
# kill the store must open and verify, and hold every event the writer reported committed.
#
# VIGIE_CRASH_KILLS (default 50) sets the number of kills; VIGIE_CRASH_SEED makes a run repeatable.
set -u

: "${top_builddir:?}"
writer=$top_builddir/tests/store/store-writer
vigie=$top_builddir/daemon/vigie
kills=${VIGIE_CRASH_KILLS:-50}
seed=${VIGIE_CRASH_SEED:-$$}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
empty=0

rand() { # rand N MIN MAX: a number in [MIN, MAX] from the seed and N
	awk -v s="$seed" -v n="$1" -v lo="$2" -v hi="$3" \
	    'BEGIN { srand(s * 1000 + n); print int(lo + rand() * (hi - lo + 1)) }'
}

echo "crash: seed $seed, $kills kills"
i=0
while [ "$i" -lt "$kills" ]; do
	i=$((i + 1))
	# A fresh store every fifth kill, so kills also land while a store is created.
	[ $((i % 5)) -eq 1 ] && rm -f "$tmp"/s.db "$tmp"/s.db-wal "$tmp"/s.db-shm "$tmp"/s.db.key
	batch=$(rand "$i" 1 2000)
	ms=$(rand "$((i + 100000))" 1 250)
	"$writer" --db "$tmp/s.db" --events 100000000 --batch "$batch" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	committed=$(awk '$1 == "committed" { c = $2 } END { print c + 0 }' "$tmp/out")
	"$vigie" verify --db "$tmp/s.db" -f json >"$tmp/v.json" 2>"$tmp/v.err"
	rc=$?
	if [ "$committed" -eq 0 ] && [ "$rc" -eq 3 ]; then
		# Killed before the store's creating transaction committed: nothing was promised,
		# and verify must call it unreadable (3), never tampered (4).
		empty=$((empty + 1))
		pass=$((pass + 1))
		continue
	fi
	last=$(sed -n 's/.*"last_seq":\([0-9]*\).*/\1/p' "$tmp/v.json")
	if [ "$rc" -eq 0 ] && [ -n "$last" ] && [ "$last" -ge "$committed" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL kill $i (batch $batch, ${ms} ms): verify exit $rc, last ${last:-?}," \
		    "reported committed $committed"
		cat "$tmp/v.json" "$tmp/v.err" "$tmp/err"
	fi
done
echo "crash: $kills kills ($empty before the store existed); the last store held ${last:-0} events"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
