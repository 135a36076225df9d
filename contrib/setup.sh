#!/bin/sh
# setup.sh - the README's first command: dependencies, build, and a scan of the shipped sample.
set -eu
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh
autoreconf -fi
mkdir -p build
cd build
../configure
make -j"$(nproc)"
./daemon/vigie scan ../tests/data/sample.pcap
