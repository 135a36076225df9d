#!/bin/sh
# regen.sh - rebuilds tests/golden/expected/ from tshark, the independent oracle for vigie scan.
#
# Usage: tests/golden/regen.sh [PCAPDIR]
#   PCAPDIR defaults to ../shared/pcaps/zeek beside the repository. Needs tshark and jq
#   (override with TSHARK= and JQ=). Run it after a corpus change or a tshark upgrade and
#   review the diff of expected/ by hand before committing: the files are the contract.
#
# One expected file per capture of the folders tls, quic, http and dns:
# expected/<folder>/<capture name without .gz/.pcap/.pcapng>.txt, sorted with LC_ALL=C.
# Lines (the flow tuple is "<proto> <client ip> <client port> <server ip> <server port>"):
#   <flow> tls|quic|http <hostname>   one per TCP/UDP stream that has a hostname
#   <flow> q <name>                   a DNS question name seen in the first 32 packets
#   <flow> a <name> <address>         a DNS A/AAAA answer seen in the first 32 packets
# The rules, the tshark preferences and why are in DIFFERENCES.md beside this script.
set -eu

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
pcapdir=${1:-$here/../../../shared/pcaps/zeek}
TSHARK=${TSHARK:-tshark}
JQ=${JQ:-jq}
FOLDERS="tls quic http dns"

if [ ! -d "$pcapdir" ]; then
	echo "regen: no capture folder $pcapdir" >&2
	exit 1
fi
for tool in "$TSHARK" "$JQ"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "regen: $tool not found" >&2; exit 1; }
done
pcapdir=$(cd "$pcapdir" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-regen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# Preferences, most of them tshark's defaults written out so a changed default or a
# user's ~/.config/wireshark cannot change the oracle:
#   -n                            no name resolution: addresses stay numeric.
#   tcp.desegment_tcp_streams     reassemble TCP so a ClientHello or request head split
#                                 over segments is seen whole (vigie reassembles too).
#   tcp.reassemble_out_of_order   not a default: vigie's reassembly orders segments, so
#                                 the oracle must as well.
#   tcp.check_checksum, udp.check_checksum
#                                 off: vigie does not verify checksums (offloaded
#                                 checksums are wrong in many captures).
#   tcp.no_subdissector_on_error  off: a TCP analysis error must not hide the payload.
#   tls.desegment_ssl_records     a ClientHello split over records/segments is reassembled.
#   http.desegment_headers        the Host header is read from the reassembled head.
#   http.desegment_body           off: with it on, a request whose body is never complete
#                                 (capture cut, segment lost) is never reported at all.
#   quic.reassemble_crypto_out_of_order
#                                 a ClientHello split over several Initials is reassembled.
# The TLS, HTTP and QUIC heuristic dissectors (on by default in tshark 4.0) find those
# protocols on non-standard ports. Per-capture extra options live in tshark-args.txt.
PREFS="-n
 -o tcp.desegment_tcp_streams:TRUE
 -o tcp.reassemble_out_of_order:TRUE
 -o tcp.check_checksum:FALSE
 -o udp.check_checksum:FALSE
 -o tcp.no_subdissector_on_error:FALSE
 -o tls.desegment_ssl_records:TRUE
 -o http.desegment_headers:TRUE
 -o http.desegment_body:FALSE
 -o quic.reassemble_crypto_out_of_order:TRUE
 --enable-heuristic tls_tcp
 --enable-heuristic http_tcp
 --enable-heuristic quic"

# Fields in: protocols, ip.src, ip.dst, ipv6.src, ipv6.dst, tcp.stream, tcp.srcport,
# tcp.dstport, udp.stream, udp.srcport, udp.dstport, tls.handshake.type, SNI,
# http.request, http.host; repeated fields joined with '|'.
# shellcheck disable=SC2016 # an awk program, not shell
HOSTS_AWK='
function lastof(s,   a, n) { n = split(s, a, "|"); return n ? a[n] : "" }
function firstof(s,   a, n) { n = split(s, a, "|"); return n ? a[1] : "" }
# vg_hostname_canon(): lower case, one trailing dot dropped, [a-z0-9_*.-] only,
# labels of 1..63 bytes, at most 253 bytes. "" when not a hostname.
function canon(h,   n, a, i) {
	h = tolower(h)
	if (length(h) > 1 && substr(h, length(h)) == ".")
		h = substr(h, 1, length(h) - 1)
	if (h == "" || length(h) > 253 || h ~ /[^a-z0-9_*.-]/)
		return ""
	n = split(h, a, ".")
	for (i = 1; i <= n; i++)
		if (length(a[i]) < 1 || length(a[i]) > 63)
			return ""
	return h
}
# vg_hostname_from_host(): "[v6]" or "name", then an optional ":digits".
function hostof(h,   rest, p) {
	if (substr(h, 1, 1) == "[") {
		p = index(h, "]")
		if (p < 3)
			return ""
		rest = substr(h, p + 1)
		h = tolower(substr(h, 2, p - 2))
		if (h ~ /[^0-9a-f:.]/ || h !~ /:/)
			return ""
	} else {
		p = index(h, ":")
		rest = p ? substr(h, p) : ""
		h = canon(p ? substr(h, 1, p - 1) : h)
	}
	if (rest != "" && rest !~ /^:[0-9]*$/)
		return ""
	if (rest ~ /^:[0-9]+$/ && substr(rest, 2) + 0 > 65535)
		return ""
	return h
}
{
	n = split($1, p, ":")
	ipv = tp = ""
	for (i = 1; i <= n; i++) {
		if (p[i] == "ip" || p[i] == "ipv6")
			ipv = p[i]
		if (p[i] == "tcp" || p[i] == "udp")
			tp = p[i]
	}
	if (ipv == "" || tp == "")
		next
	src = lastof(ipv == "ip" ? $2 : $4)
	dst = lastof(ipv == "ip" ? $3 : $5)
	if (tp == "tcp") {
		key = "tcp " lastof($6); sport = lastof($7); dport = lastof($8)
	} else {
		key = "udp " lastof($9); sport = lastof($10); dport = lastof($11)
	}
	if (key in seen)
		next
	seen[key] = 1
	if (("|" $12 "|") ~ /\|1\|/) {
		source = tp == "tcp" ? "tls" : "quic"
		raw = firstof($13)
		host = canon(raw)
	} else if (tp == "tcp" && $14 != "") {
		source = "http"
		raw = firstof($15)
		host = hostof(raw)
	} else {
		next
	}
	if (host == "") {
		if (raw != "")
			printf "regen: not a hostname, left out: %s %s %s\n", key, source, raw >"/dev/stderr"
		next
	}
	print tp, src, sport, dst, dport, source, host
}'

# DNS lines from tshark -T json --no-duplicate-keys (a repeated key becomes an array).
# The stream is the innermost tcp/udp layer; its first packet names the client. The
# first 4 questions and the first 32 A/AAAA/CNAME answer records of a message are kept
# (VG_DNS_QUESTIONS_MAX, VG_DNS_ANSWERS_MAX); names as vg_hostname_canon() would give
# them, "<Root>" as "."; names tshark had to escape are left out (see DIFFERENCES.md).
# Sections are taken by wire position: an UPDATE's Zone (RFC 2136 §2.3) is read as the
# question section and its Prerequisites as the answer section, as a parser that does
# not look at the opcode reads them.
# shellcheck disable=SC2016 # a jq program, not shell
DNS_JQ='
def each: if type == "array" then .[] else . end;
def lastv: if type == "array" then .[-1] else . end;
def canon: ascii_downcase
    | if . == "<root>" then "."
      elif length > 1 and endswith(".") then .[0:-1]
      else . end;
def valid: . == "." or (length <= 253 and test("^[a-z0-9_*-]{1,63}(\\.[a-z0-9_*-]{1,63})*$"));
reduce (.[]._source.layers) as $l ({n: {}, flow: {}, out: []};
	($l.frame["frame.protocols"] | split(":")) as $p
	| ([$p[] | select(. == "ip" or . == "ipv6")] | last) as $ipv
	| ([$p[] | select(. == "tcp" or . == "udp")] | last) as $tp
	| if $ipv == null or $tp == null or $l[$ipv] == null or $l[$tp] == null then . else
		($l[$ipv] | lastv) as $ip
		| ($l[$tp] | lastv) as $t
		| ($tp + " " + $t[$tp + ".stream"]) as $key
		| .n[$key] += 1
		| if .flow[$key] == null then .flow[$key] = "\($tp) \($ip[$ipv + ".src"]) \($t[$tp + ".srcport"]) \($ip[$ipv + ".dst"]) \($t[$tp + ".dstport"])" else . end
		| .flow[$key] as $flow
		| if .n[$key] > 32 then . else
			.out += [($l.dns, $l.mdns) | select(. != null) | each | objects
			    | ([(.Queries, .Zone) | objects | to_entries[] | .value | each | objects
				| .["dns.qry.name"] | strings] | .[0:4][]
				| canon | select(valid) | "\($flow) q \(.)"),
			      ([(.Answers, .Prerequisites) | objects | to_entries[] | .value | each | objects
				| select(.["dns.resp.type"] == "1" or .["dns.resp.type"] == "5"
				    or .["dns.resp.type"] == "28")] | .[0:32][]
				| select(.["dns.resp.type"] != "5")
				| (.["dns.a"] // .["dns.aaaa"]) as $addr | select($addr != null)
				| (.["dns.resp.name"] // "" | canon) as $nm | select($nm | valid)
				| "\($flow) a \($nm) \($addr)")]
		end
	end)
| .out[]'

# Extra tshark arguments for one capture, from tshark-args.txt ("<folder>/<file> args...").
extra_args()
{
	[ -f "$here/tshark-args.txt" ] || return 0
	awk -v c="$1" '$1 == c { $1 = ""; print }' "$here/tshark-args.txt"
}

# Hostnames: per stream, the earliest frame that carries a TLS ClientHello (TCP), an HTTP
# request (TCP) or a QUIC ClientHello (UDP). That frame decides the flow's one hostname:
# the SNI, or the Host header value. A first ClientHello without SNI, or a first request
# without Host, gives the flow no hostname even if a later one has one. Addresses, ports
# and stream numbers are taken from the innermost layer (last occurrence), hostnames
# from the first occurrence in the frame.
hostnames()
{
	# shellcheck disable=SC2086
	"$TSHARK" -r "$1" $PREFS $2 \
	    -Y '(tcp && (tls.handshake.type == 1 || http.request)) || (udp && quic && tls.handshake.type == 1)' \
	    -T fields -E separator=/t -E occurrence=a -E aggregator='|' -E quote=n \
	    -e frame.protocols -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
	    -e tcp.stream -e tcp.srcport -e tcp.dstport \
	    -e udp.stream -e udp.srcport -e udp.dstport \
	    -e tls.handshake.type -e tls.handshake.extensions_server_name \
	    -e http.request -e http.host 2>"$tmp/tshark.err" |
	awk -F '\t' "$HOSTS_AWK"
}

# DNS: every message on UDP/TCP port 53 or 5353 in the first 32 packets of its stream.
# The flow's client is the sender of the stream's first packet.
dns()
{
	# shellcheck disable=SC2086
	"$TSHARK" -r "$1" $PREFS $2 \
	    -Y 'udp.port == 53 || udp.port == 5353 || tcp.port == 53 || tcp.port == 5353' \
	    -T json --no-duplicate-keys -J 'frame ip ipv6 tcp udp dns mdns' 2>>"$tmp/tshark.err" |
	"$JQ" -r "$DNS_JQ"
}

ncap=0
nlines=0
for folder in $FOLDERS; do
	[ -d "$pcapdir/$folder" ] || continue
	for f in $(cd "$pcapdir" && find "$folder" -type f \( -name '*.pcap' -o -name '*.pcapng' \
	    -o -name '*.pcap.gz' -o -name '*.pcapng.gz' \) | sort); do
		name=$(echo "$f" | sed -E 's/\.gz$//; s/\.(pcapng|pcap)$//')
		out="$here/expected/$name.txt"
		mkdir -p "$(dirname "$out")"
		case "$f" in
		*.gz)	gzip -dc "$pcapdir/$f" >"$tmp/capture"; cap="$tmp/capture" ;;
		*)	cap="$pcapdir/$f" ;;
		esac
		args=$(extra_args "$f")
		{
			hostnames "$cap" "$args"
			dns "$cap" "$args" | sort -u
		} | sort >"$out"
		# tshark's exit status is lost in the pipes: its messages are checked instead.
		if grep -v -e 'Running as user' "$tmp/tshark.err" | grep -q .; then
			echo "regen: $f: tshark said:" >&2
			grep -v -e 'Running as user' "$tmp/tshark.err" | head -5 | sed 's/^/  /' >&2
			exit 1
		fi
		ncap=$((ncap + 1))
		nlines=$((nlines + $(wc -l <"$out")))
	done
done
echo "regen: $ncap captures, $nlines expected lines"
