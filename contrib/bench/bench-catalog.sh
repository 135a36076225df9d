#!/bin/sh
# bench-catalog.sh - hostname lookups per second over the shipped catalog, on one core.
# Usage: contrib/bench/bench-catalog.sh [BUILD_DIR] [LOOKUPS]   (BUILD_DIR default: build)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
lookups=${2:-20000000}
[ -f "$build/daemon/libvigie.a" ] || { echo "bench-catalog: build vigie in $build first" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Built like the library (-O2), linked against it.
cc -O2 -include "$build/config.h" -I"$top/daemon" -o "$out/catalog-bench" \
	"$top/contrib/bench/catalog-bench.c" "$build/daemon/libvigie.a" \
	$(pkg-config --libs yaml-0.1 libpcap libcrypto jansson zlib libmaxminddb)
"$out/catalog-bench" "$top/rules" "$lookups"
