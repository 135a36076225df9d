#!/bin/sh
# install-geoip.sh - installs the free IP-to-country database (geo-whois-asn-country, mmdb) for vigie.
#
# The database comes from the npm package @ip-location-db/geo-whois-asn-country-mmdb,
# fetched with `npm pack` (the npm client is the only way this project reaches
# that registry). The package holds three databases: geo-whois-asn-country-ipv4.mmdb,
# geo-whois-asn-country-ipv6.mmdb and geo-whois-asn-country.mmdb, the last one
# covering both families; that one is installed. Its one field is country_code
# (ISO 3166-1 alpha-2). Licence: the package says CC0-1.0; its README says the
# WHOIS and ASN data it is built from are CC BY 4.0 by the NRO (attribution to
# nro.net), and ships NRO_LICENSE: both files are installed beside the database.
set -eu

PKG=@ip-location-db/geo-whois-asn-country-mmdb
DB=geo-whois-asn-country
NPM=${NPM:-npm}

usage() {
	cat <<EOF
usage: install-geoip.sh [--force] [--version VERSION] [DESTDIR]
       install-geoip.sh --help

Installs $DB.mmdb from the npm package $PKG into DESTDIR
(default: /usr/local/share/vigie/geoip as root, else \$HOME/.local/share/vigie),
with the package's README and licence files beside it as $DB.README.md and
$DB.NRO_LICENSE, and the installed version in $DB.version.

Does nothing when that version is already installed and intact (its sha256
matches). --force installs anyway; --version installs that package version
instead of the latest.

Exit status: 0 installed or already there; 1 failure (nothing replaced);
2 bad usage.
EOF
}

say() { printf 'install-geoip: %s\n' "$*"; }
die() { printf 'install-geoip: %s\n' "$*" >&2; exit 1; }

force=0 want=
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	-f|--force) force=1; shift ;;
	--version)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		want=$2; shift 2 ;;
	--version=*) want=${1#*=}; shift ;;
	--) shift; break ;;
	-*) printf 'install-geoip: unknown option %s\n' "$1" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -le 1 ] || { usage >&2; exit 2; }
if [ $# -eq 1 ]; then
	dest=$1
elif [ "$(id -u)" -eq 0 ]; then
	dest=/usr/local/share/vigie/geoip
else
	[ -n "${HOME:-}" ] || die "HOME is not set: give DESTDIR"
	dest=$HOME/.local/share/vigie
fi
case $want in
''|[0-9]*) ;;
*) printf 'install-geoip: --version wants a version number, not %s\n' "$want" >&2; exit 2 ;;
esac

command -v "$NPM" >/dev/null 2>&1 || die "npm not found (Debian: apt-get install npm)"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found (coreutils)"

db=$dest/$DB.mmdb
stamp=$dest/$DB.version
installed=
if [ -f "$stamp" ] && [ -f "$db" ]; then
	installed=$(sed -n '1p' "$stamp")
	sum=$(sed -n 's/^sha256 //p' "$stamp")
	if [ "$(sha256sum <"$db" | cut -d' ' -f1)" != "$sum" ]; then
		say "$db does not match its recorded sha256: reinstalling"
		installed=
	fi
fi

# The version to install: asked for, else the registry's latest.
if [ -n "$want" ]; then
	version=$want
elif ! version=$("$NPM" view "$PKG" version 2>/dev/null) || [ -z "$version" ]; then
	if [ -n "$installed" ]; then
		say "cannot ask the npm registry for the latest version; keeping $installed in $dest"
		exit 0
	fi
	die "cannot ask the npm registry for $PKG (is it reachable with npm?)"
fi

if [ "$force" -eq 0 ] && [ "$installed" = "$version" ]; then
	say "$DB.mmdb $version already installed in $dest; nothing to do"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/install-geoip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# npm pack checks the tarball against the registry's integrity hash.
tarball=$(cd "$tmp" && "$NPM" pack --loglevel=error "$PKG@$version" 2>"$tmp/npm.err" | tail -n 1) ||
	die "npm pack $PKG@$version failed: $(grep -m 1 "error" "$tmp/npm.err")"
[ -n "$tarball" ] && [ -f "$tmp/$tarball" ] ||
	die "npm pack $PKG@$version wrote no tarball: $(grep -m 1 "error" "$tmp/npm.err")"
mkdir "$tmp/x"
tar -xzf "$tmp/$tarball" -C "$tmp/x" || die "cannot unpack $tarball"
pkgdir=$tmp/x/package
if [ ! -f "$pkgdir/$DB.mmdb" ]; then
	die "$tarball has no $DB.mmdb (it has: $(cd "$pkgdir" && printf '%s ' *))"
fi

# A MaxMind DB file ends with its metadata, introduced by the bytes
# AB CD EF and "MaxMind.com" (MaxMind DB format spec, "Database Metadata").
tail -c 131072 "$pkgdir/$DB.mmdb" | grep -a -q 'MaxMind\.com' ||
	die "$DB.mmdb in $tarball is not a MaxMind DB file"
if command -v mmdblookup >/dev/null 2>&1; then
	mmdblookup --file "$pkgdir/$DB.mmdb" --ip 1.1.1.1 country_code >"$tmp/look" 2>&1 &&
	    grep -q '<utf8_string>' "$tmp/look" ||
		die "$DB.mmdb in $tarball has no country_code for 1.1.1.1: $(cat "$tmp/look")"
fi

mkdir -p "$dest" || die "cannot create $dest"
sum=$(sha256sum <"$pkgdir/$DB.mmdb" | cut -d' ' -f1)
# Copy next to the target, then rename: a reader never sees half a file.
cp "$pkgdir/$DB.mmdb" "$db.new.$$" && chmod 0644 "$db.new.$$" && mv -f "$db.new.$$" "$db" ||
	{ rm -f "$db.new.$$"; die "cannot write $db"; }
for f in README.md NRO_LICENSE LICENSE LICENSE.md LICENSE.txt; do
	if [ -f "$pkgdir/$f" ]; then
		cp "$pkgdir/$f" "$dest/$DB.$f" && chmod 0644 "$dest/$DB.$f" ||
			die "cannot write $dest/$DB.$f"
	fi
done
printf '%s\nsha256 %s\npackage %s\n' "$version" "$sum" "$PKG" >"$stamp.new.$$" &&
	mv -f "$stamp.new.$$" "$stamp" || die "cannot write $stamp"

size=$(wc -c <"$db" | tr -d ' ')
if [ "$installed" = "$version" ]; then
	say "reinstalled $DB.mmdb $version in $dest ($size bytes)"
elif [ -n "$installed" ]; then
	say "replaced $DB.mmdb $installed with $version in $dest ($size bytes)"
else
	say "installed $DB.mmdb $version in $dest ($size bytes)"
fi
say "field: country_code"
if [ -f "$pkgdir/NRO_LICENSE" ]; then
	say "data under CC BY 4.0 by the NRO (attribution required): see $dest/$DB.NRO_LICENSE"
fi
if grep -qi 'deprecated' "$pkgdir/README.md" 2>/dev/null; then
	say "note: the package README says its npm releases are deprecated; read $dest/$DB.README.md"
fi
