#!/bin/sh
# asan-captures.sh - runs a sanitizer build of vigie scan over every capture of the shared corpus.
#
# Usage: tests/asan-captures.sh BUILDDIR
#   BUILDDIR is a build tree configured with --enable-sanitizers; its daemon/vigie is run
#   once per capture found under ../shared/pcaps/zeek beside the repository (gzipped
#   captures are unpacked to a temporary directory first). A capture fails when the
#   sanitizers report anything ("runtime error", AddressSanitizer, LeakSanitizer), when
#   vigie exits with a status other than 0 or 3 (3: unreadable or corrupt capture, a
#   legitimate answer), or when it runs longer than ASAN_TIMEOUT seconds (default 120).
#   Exit 1 if any capture failed.
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILDDIR" >&2
	exit 2
fi
vigie=$1/daemon/vigie
pcapdir=$(dirname "$0")/../../shared/pcaps/zeek
timeout_s=${ASAN_TIMEOUT:-120}

if [ ! -x "$vigie" ]; then
	echo "asan: no vigie binary at $vigie" >&2
	exit 2
fi
if [ ! -d "$pcapdir" ]; then
	echo "asan: no capture corpus at $pcapdir" >&2
	exit 2
fi

ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-asan.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# timeout(1) is in coreutils; without it a hang is not caught, only waited for.
TIMEOUT=""
command -v timeout >/dev/null 2>&1 && TIMEOUT="timeout $timeout_s"

(cd "$pcapdir" && find . -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \
    -o -name '*.trace' -o -name '*.gz' \) | sed 's|^\./||' | sort) >"$tmp/list"

n=0
clean=0
failed=0
while read -r f; do
	n=$((n + 1))
	case "$f" in
	*.gz)	gzip -dc "$pcapdir/$f" >"$tmp/capture" 2>/dev/null || : ; cap=$tmp/capture ;;
	*)	cap=$pcapdir/$f ;;
	esac
	# shellcheck disable=SC2086
	$TIMEOUT "$vigie" scan -f json "$cap" >/dev/null 2>"$tmp/err" </dev/null
	rc=$?
	why=""
	if grep -q -e 'runtime error' -e 'AddressSanitizer' -e 'LeakSanitizer' "$tmp/err"; then
		why="sanitizer report"
	elif [ $rc -eq 124 ] && [ -n "$TIMEOUT" ]; then
		why="timed out after ${timeout_s} s"
	elif [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 3 ]; then
		why="exit status $rc"
	fi
	if [ -z "$why" ]; then
		clean=$((clean + 1))
		continue
	fi
	failed=$((failed + 1))
	echo "FAIL $f: $why"
	tail -n 25 "$tmp/err" | sed 's/^/    /'
done <"$tmp/list"

echo "asan: $n captures, $clean clean, $failed failed"
[ $failed -eq 0 ]
