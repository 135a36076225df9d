#!/bin/sh
# test.sh - the README's second command: dependencies, a fresh build, and the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh
# The SARIF schema validator (npm); the SARIF test says so and skips without it.
sh contrib/install-test-tools.sh || echo "test.sh: npm test tools not installed; SARIF schema validation will be skipped"
[ -x configure ] || autoreconf -fi
mkdir -p build
cd build
[ -f Makefile ] || ../configure --enable-werror
make -j"$(nproc)"
make -j"$(nproc)" check
