#!/bin/sh
# replay-corpus.sh - runs every fuzz target over its seed corpus (libFuzzer builds run it as inputs too).
set -u
corpus=$top_srcdir/tests/fuzz/corpus
pass=0 fail=0
for target in decode tls http dns quic pcap yaml policy_expr manifest policy dotenv config canon witness; do
	bin=$top_builddir/tests/fuzz/fuzz_$target
	dir=$corpus/$target
	if [ ! -x "$bin" ] || [ ! -d "$dir" ]; then
		echo "FAIL - fuzz_$target: missing binary or corpus"
		fail=$((fail + 1))
		continue
	fi
	n=$(find "$dir" -type f | wc -l)
	if [ "$n" -eq 0 ]; then
		echo "FAIL - fuzz_$target: empty corpus"
		fail=$((fail + 1))
	elif "$bin" "$dir" >/dev/null 2>"$top_builddir/tests/fuzz/replay-$target.err"; then
		echo "ok - fuzz_$target: $n inputs"
		pass=$((pass + 1))
	else
		echo "FAIL - fuzz_$target"
		tail -n 20 "$top_builddir/tests/fuzz/replay-$target.err"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
