#!/bin/sh
# geoip.sh - vigie's GeoIP country equals mmdblookup's for the same database (an independent reader).
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
db=${VIGIE_GEOIP:-}
for c in "$db" /usr/local/share/vigie/geoip/geo-whois-asn-country.mmdb \
	"${HOME:-/nonexistent}/.local/share/vigie/geo-whois-asn-country.mmdb"; do
	[ -n "$c" ] && [ -r "$c" ] && { db=$c; break; }
done
if [ -z "$db" ] || [ ! -r "$db" ]; then
	echo "SKIP: no GeoIP database (contrib/install-geoip.sh installs one)"
	exit 77
fi
command -v mmdblookup >/dev/null 2>&1 || { echo "SKIP: mmdblookup (mmdb-bin) not installed"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# An empty range directory, so every address goes to GeoIP.
mkdir "$tmp/rules"
for f in ai-endpoints.yaml cloud-regions.yaml jurisdictions.yaml; do
	ln -s "$top_srcdir/rules/$f" "$tmp/rules/$f"
done
pass=0 fail=0
# Well-known resolvers and services, documentation and private space (no country), and a spread
# of addresses across the space.
addrs="8.8.8.8 9.9.9.9 1.1.1.1 208.67.222.222 193.0.14.129 2001:4860:4860::8888 2a00:1450:4001::1
	192.0.2.1 10.1.2.3 2001:db8::1"
i=1
while [ $i -lt 250 ]; do
	addrs="$addrs $i.$((i * 7 % 256)).$((i * 13 % 256)).1"
	i=$((i + 3))
done
for a in $addrs; do
	want=$(mmdblookup --file "$db" --ip "$a" country_code 2>/dev/null |
		sed -n 's/^ *"\([A-Z][A-Z]\)" <utf8_string>.*/\1/p')
	got=$("$VIGIE" explain -f json -r "$tmp/rules" --geoip "$db" "$a" | jq -r '.dest.country // ""')
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL - $a: vigie '$got', mmdblookup '$want'"
	fi
done
echo "geoip: $db"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
