#!/bin/sh
# test.sh - the README's second command: dependencies, a fresh build, and the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p build
cd build
[ -f Makefile ] || ../configure --enable-werror
make -j"$(nproc)"
make -j"$(nproc)" check
