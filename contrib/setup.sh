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
# The sample deployment has deliberate findings: exit 1 is the expected verdict (see README).
./daemon/vigie scan -m ../tests/data/sample-deployment.yaml ../tests/data/sample.pcap || [ $? -eq 1 ]
