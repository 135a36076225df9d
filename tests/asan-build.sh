#!/bin/sh
# asan-build.sh - builds vigie with ASan and UBSan, runs the unit tests and every shared capture under them.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
[ -x configure ] || autoreconf -fi || exit 1
mkdir -p build-asan && cd build-asan || exit 1
if [ ! -f Makefile ]; then
	../configure --enable-sanitizers --disable-hardening CFLAGS="-O1 -g" >configure.out 2>&1 ||
		{ cat configure.out; exit 1; }
fi
make -j"$(nproc)" >make.out 2>&1 || { tail -n 40 make.out; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
tests="$(cd "$top" && ls tests/unit/test_*.c | sed 's/\.c$//' | tr '\n' ' ') tests/fuzz/replay-corpus.sh"
# The policy commands too: they load, compile and evaluate every shipped and malformed policy.
tests="$tests tests/cli/policy-test.sh tests/cli/policy-lint.sh tests/golden/findings.sh"
# And vigie check: every file type, malformed files, loops, baselines, captures, the examples.
tests="$tests tests/cli/check.sh tests/golden/examples.sh"
# And the audit store: tampering, prune, outputs, and ten kills of its writer.
tests="$tests tests/cli/store.sh tests/store/crash.sh"
echo "asan: unit tests, fuzz corpora, policy and check commands under ASan+UBSan"
VIGIE_CRASH_KILLS=10 make -j"$(nproc)" check TESTS="$tests" >check.out 2>&1
rc=$?
grep -E '^(FAIL|ERROR|# [A-Z]+:)' check.out
[ "$rc" -eq 0 ] || { for f in $(grep -lE '^(FAIL|ERROR)' tests/*/*.log 2>/dev/null); do tail -n 30 "$f"; done; }
sh "$top/tests/asan-captures.sh" "$top/build-asan" || rc=1
exit "$rc"
