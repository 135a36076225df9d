#!/bin/sh
# Installs every package vigie needs to build and to run its test suite (Debian; idempotent).
set -eu

# Build: toolchain, autotools, and the libraries configure.ac checks for.
BUILD_PKGS="build-essential autoconf automake libtool pkg-config
 libpcap-dev zlib1g-dev libyaml-dev libsqlite3-dev libssl-dev libjansson-dev libmaxminddb-dev
 libsystemd-dev syslog-ng-dev"
# Tests: unit tests (cmocka), the hostname oracle and its JSON tool (tshark, jq; tshark also
# brings mergecap/editcap for the benchmark), mmdblookup (the GeoIP oracle), clang and its
# runtime for libFuzzer builds, xmllint and libxml2 (JUnit output), and node/npm for the JSON-schema validator
# of SARIF output (contrib/install-test-tools.sh); python3 and openssl recompute the audit chain
# and its signatures apart from vigie; syslog-ng-core receives events in the integration test.
TEST_PKGS="libcmocka-dev tshark jq mmdb-bin clang libclang-rt-14-dev libxml2-utils libxml2-dev nodejs
 python3 openssl syslog-ng-core"

missing=""
for p in $BUILD_PKGS $TEST_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# Debian's nodejs comes without npm; a nodejs that brings its own npm conflicts with Debian's.
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether unprivileged users may capture; the tests only read files.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
echo "install-deps: installed$missing"
