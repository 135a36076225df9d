#!/bin/sh
# syslog-ng.sh - vigie's audit trail through a real syslog-ng running contrib/syslog-ng/vigie.conf:
# fields parsed, every event there after a collector restart mid-stream, the same over TLS, and
# `vigie verify --witness` on what syslog-ng wrote.
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
WRITER=${WRITER:-$top_builddir/tests/store/store-writer}
CONF=$top_srcdir/contrib/syslog-ng/vigie.conf
PCAP=$top_srcdir/tests/data/sample.pcap
JQ=${JQ:-jq}
SYSLOG_NG=${SYSLOG_NG:-syslog-ng}
EVENTS=${EVENTS:-20000}  # forwarded across a restart of the collector
RATE=${RATE:-4000}       # events per second, so that forwarding takes EVENTS / RATE seconds
WAIT=${WAIT:-30}         # seconds to wait for syslog-ng to start or to write what it received

skip() {
	echo "SKIP - $*"
	echo "syslog-ng.sh: skipped: $*" >&2
	exit 77
}
command -v "$SYSLOG_NG" >/dev/null 2>&1 ||
	skip "no $SYSLOG_NG in PATH (Debian: syslog-ng-core); vigie.conf and delivery are untested"
command -v "$JQ" >/dev/null 2>&1 || { echo "jq is needed (contrib/install-deps.sh)"; exit 99; }
for b in "$VIGIE" "$WRITER"; do
	[ -x "$b" ] || { echo "$b is not built"; exit 99; }
done
HAVE_OPENSSL=1
command -v openssl >/dev/null 2>&1 || HAVE_OPENSSL=0

tmp=$(mktemp -d)
sng_pid='' fwd_pid=''
cleanup() {
	for p in $fwd_pid $sng_pid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { # check NAME: the previous command's status decides
	if [ "$?" -eq 0 ]; then ok "$1"; else bad "$1"; fi
}
show() { # show FILE: the start of a file that explains a failure
	[ -s "$1" ] && sed -n '1,20s/^/  | /p' "$1"
	return 0
}

# ---- syslog-ng, on ports found free by trying

random_port() { # below Linux's ephemeral ports, so that no outgoing connection takes it
	od -An -N2 -tu2 /dev/urandom | awk '{ print 20000 + $1 % 12000 }'
}

# mkconf DIR tcp|tls: the shipped configuration with this test's address, ports and files.
mkconf() {
	uncomment='s/^$//'
	[ "$2" = tls ] && uncomment='s/^#tls //'
	sed -e "s|^@define vigie_listen .*|@define vigie_listen \"127.0.0.1\"|" \
	    -e "s|^@define vigie_port .*|@define vigie_port \"$port\"|" \
	    -e "s|^@define vigie_tls_port .*|@define vigie_tls_port \"$tport\"|" \
	    -e "s|^@define vigie_tls_key .*|@define vigie_tls_key \"$tmp/tls/server.key\"|" \
	    -e "s|^@define vigie_tls_cert .*|@define vigie_tls_cert \"$tmp/tls/server.pem\"|" \
	    -e "s|^@define vigie_output .*|@define vigie_output \"$1/witness.jsonl\"|" \
	    -e "$uncomment" "$CONF" >"$1/syslog-ng.conf"
	for want in "vigie_port \"$port\"" "vigie_output \"$1/witness.jsonl\""; do
		grep -q "^@define $want" "$1/syslog-ng.conf" || {
			echo "  vigie.conf has no @define line for: $want"
			return 1
		}
	done
}

# start_sng DIR: runs DIR/syslog-ng.conf and waits until it listens. 0; 2 when a port was
# taken; 1 otherwise.
start_sng() {
	[ -f "$1/log" ] && cat "$1/log" >>"$1/log.old"
	: >"$1/log"
	"$SYSLOG_NG" -F -e -f "$1/syslog-ng.conf" --no-caps --persist-file="$1/persist" \
	    --pidfile="$1/pid" --control="$1/ctl" >"$1/log" 2>&1 &
	sng_pid=$!
	i=0
	while [ "$i" -lt $((WAIT * 10)) ]; do
		grep -q "syslog-ng starting up" "$1/log" && return 0
		if ! kill -0 "$sng_pid" 2>/dev/null; then
			wait "$sng_pid" 2>/dev/null
			sng_pid=''
			grep -q -i "address already in use" "$1/log" && return 2
			show "$1/log"
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	show "$1/log"
	return 1
}

stop_sng() {
	[ -n "$sng_pid" ] || return 0
	kill -TERM "$sng_pid"
	wait "$sng_pid"
	sng_pid=''
}

# start_fresh DIR tcp|tls: a new syslog-ng with its own ports, the previous one stopped.
start_fresh() {
	stop_sng
	mkdir -p "$1"
	tries=0
	while :; do
		port=$(random_port)
		tport=$(random_port)
		[ "$port" != "$tport" ] || continue
		mkconf "$1" "$2" || return 1
		start_sng "$1"
		rc=$?
		[ "$rc" -eq 2 ] && [ "$tries" -lt 10 ] && { tries=$((tries + 1)); continue; }
		return "$rc"
	done
}

# ---- reading what syslog-ng wrote

event_seqs() { # distinct event seqs of a witness, one a line, in order
	"$JQ" -r 'select(.vigie.type != "checkpoint") | .vigie.seq' "$1" | sort -n -u
}
event_lines() {
	"$JQ" -r 'select(.vigie.type != "checkpoint") | .vigie.seq' "$1" | wc -l | tr -d ' '
}
one_to() { awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) print i }'; }

# wait_events FILE N: until the witness holds events 1..N, or WAIT seconds without progress.
wait_events() {
	last=-1 still=0
	while [ "$still" -lt $((WAIT * 5)) ]; do
		n=0
		[ -f "$1" ] && n=$(event_seqs "$1" | wc -l | tr -d ' ')
		[ "$n" -ge "$2" ] && return 0
		if [ "$n" -eq "$last" ]; then still=$((still + 1)); else still=0; fi
		last=$n
		sleep 0.2
	done
	echo "  $n of $2 events in $1"
	return 1
}

# wait_some FILE N: until the witness has at least N event lines.
wait_some() {
	i=0
	while [ "$i" -lt $((WAIT * 20)) ]; do
		[ -f "$1" ] && [ "$(event_lines "$1")" -ge "$2" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

head_of() { # head_of STORE: its last seq as verify reports it, 0 when there is none
	h=$("$VIGIE" verify --db "$1" -f json 2>/dev/null | "$JQ" -r '.last_seq' 2>/dev/null)
	echo "${h:-0}"
}

# verify_witness STORE WITNESS: verify passes and finds every event; its counts in $tmp/verify.
verify_witness() {
	"$VIGIE" verify --db "$1" --witness "$2" -f json >"$tmp/verify" 2>"$tmp/verify.err"
	rc=$?
	[ "$rc" -eq 0 ] || { echo "  verify exit $rc"; show "$tmp/verify"; show "$tmp/verify.err"; }
	[ "$rc" -eq 0 ] && "$JQ" -e '.ok and .witness.missing == 0 and .witness.malformed == 0 and
	    .witness.events == .last_seq' "$tmp/verify" >/dev/null
}

hex2bin() { # the bytes that lower-case hex digits stand for, through printf octal escapes
	printf "$(printf %s "$1" | awk -v h=0123456789abcdef '{
		for (i = 1; i < length($0); i += 2) {
			hi = index(h, substr($0, i, 1)) - 1
			lo = index(h, substr($0, i + 1, 1)) - 1
			printf "\\%03o", hi * 16 + lo
		}
	}')"
}

# check_fields DIR STORE_JSONL WHAT: every field of the witness against the store's JSON lines.
check_fields() {
	w=$1/witness.jsonl s=$2 what=$3
	"$JQ" -r 'select(.type != "checkpoint") | "\(.seq) \(.type) \(.hash) \(.prev)"' "$s" |
	    sort >"$1/want"
	"$JQ" -r 'select(.vigie.type != "checkpoint") |
	    "\(.vigie.seq) \(.vigie.type) \(.vigie.hash) \(.vigie.prev)"' "$w" | sort -u >"$1/got"
	diff "$1/want" "$1/got" >"$1/diff"
	check "$what: seq, type, hash and prev of every event as the store has them"
	show "$1/diff"
	"$JQ" -r 'select(.type == "checkpoint") | "\(.seq) \(.head) \(.ts) \(.key) \(.sig)"' "$s" |
	    sort >"$1/want"
	"$JQ" -r 'select(.vigie.type == "checkpoint") | "\(.vigie.seq) \(.vigie.hash) " +
	    "\(.checkpoint.ts) \(.checkpoint.key) \(.checkpoint.sig)"' "$w" | sort -u >"$1/got"
	[ -s "$1/want" ] && diff "$1/want" "$1/got" >"$1/diff"
	check "$what: checkpoints with seq, head, ts, key and sig ($(wc -l <"$1/want" |
	    tr -d ' ') of them)"
	show "$1/diff"
	# Flow parameters per the contract: a null or absent field is left out.
	"$JQ" -r 'select(.type == "flow") | .data as $d | [(.seq | tostring),
	    ($d.hostname // "-"), ($d.dest.provider // "~"), ($d.dest.region // "~"),
	    ($d.dest.country // "~"), ($d.dst_ip // "~"), ($d.dst_port // "~" | tostring),
	    ($d.proto // "~")] | join(" ")' "$s" | sort >"$1/want"
	"$JQ" -r 'select(.vigie.type == "flow") | .flow as $f | [.vigie.seq, ($f.host // "~"),
	    ($f.provider // "~"), ($f.region // "~"), ($f.country // "~"), ($f.dst // "~"),
	    ($f.port // "~"), ($f.proto // "~")] | join(" ")' "$w" | sort -u >"$1/got"
	[ -s "$1/want" ] && diff "$1/want" "$1/got" >"$1/diff"
	check "$what: flow host, provider, region, country, dst, port, proto ($(wc -l <"$1/want" |
	    tr -d ' ') flows)"
	show "$1/diff"
	"$JQ" -r 'select(.type == "finding") | .data as $d | [(.seq | tostring), $d.control,
	    $d.result, $d.severity, ($d.subject.kind // "~")] | join(" ")' "$s" | sort >"$1/want"
	"$JQ" -r 'select(.vigie.type == "finding") | .finding as $f | [.vigie.seq,
	    ($f.control // "~"), ($f.result // "~"), ($f.severity // "~"), ($f.subject // "~")] |
	    join(" ")' "$w" | sort -u >"$1/got"
	diff "$1/want" "$1/got" >"$1/diff"
	check "$what: finding control, result, severity, subject ($(wc -l <"$1/want" |
	    tr -d ' ') findings)"
	show "$1/diff"
	"$JQ" -e -s --arg host "$(uname -n)" 'all(.[];
	    .msgid == .vigie.type and .host == $host and .peer == "127.0.0.1" and
	    .severity == (if .vigie.type == "checkpoint" then "notice"
	        elif .vigie.type == "finding" and .finding.result == "fail" then "warning"
	        else "info" end))' "$w" >/dev/null
	check "$what: msgid, host, peer and severity of every message"
	"$JQ" -r 'select(.type != "checkpoint") | "\(.seq) \(.ts)"' "$s" | sort >"$1/want"
	"$JQ" -r 'select(.vigie.type != "checkpoint") |
	    "\(.vigie.seq) \(.time | sub("\\+00:00$"; "Z"))"' "$w" | sort -u >"$1/got"
	diff "$1/want" "$1/got" >"$1/diff"
	check "$what: each message's TIMESTAMP is its event's ts, to the microsecond"
	show "$1/diff"
	if [ "$HAVE_OPENSSL" -eq 1 ]; then
		n=0 wrong=0
		"$JQ" -c 'select(.vigie.type != "checkpoint")' "$w" >"$1/events"
		while IFS= read -r line; do
			prev=$(printf '%s\n' "$line" | "$JQ" -r .vigie.prev)
			hash=$(printf '%s\n' "$line" | "$JQ" -r .vigie.hash)
			got=$({ hex2bin "$prev"; printf '%s\n' "$line" | "$JQ" -j .message; } |
			    openssl dgst -sha256 | awk '{ print $NF }')
			n=$((n + 1))
			[ "$got" = "$hash" ] || wrong=$((wrong + 1))
		done <"$1/events"
		[ "$n" -gt 0 ] && [ "$wrong" -eq 0 ]
		check "$what: hash = SHA-256(prev || message) for the $n event lines"
	fi
}

# check_restart NAME DEST [ARG...]: EVENTS events forwarded to DEST while the collector in
# $tmp/NAME is stopped and started again; every event must be in the witness, duplicates counted.
check_restart() {
	d=$tmp/$1 what=$1 dest=$2
	shift 2
	rm -f "$d/b.db" "$d/b.db.key"
	"$WRITER" --db "$d/b.db" --events "$EVENTS" >/dev/null 2>"$d/writer.err"
	check "$what: store-writer appends $EVENTS events"
	"$VIGIE" db forward --db "$d/b.db" --syslog "$dest" --rate "$RATE" -v "$@" \
	    >"$d/fwd.out" 2>"$d/fwd.err" &
	fwd_pid=$!
	wait_some "$d/witness.jsonl" $((EVENTS / 5))
	check "$what: events arrive while forwarding"
	stop_sng
	before=$(event_lines "$d/witness.jsonl")
	sleep 1
	start_sng "$d"
	check "$what: syslog-ng starts again on the same port"
	# A forward that never ends is a failure, not a hung `make check`.
	i=0 limit=$(((EVENTS / RATE + WAIT) * 10))
	while kill -0 "$fwd_pid" 2>/dev/null && [ "$i" -lt "$limit" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$fwd_pid" 2>/dev/null; then
		echo "  still running after $((limit / 10)) s"
		kill "$fwd_pid"
	fi
	wait "$fwd_pid"
	rc=$?
	fwd_pid=''
	[ "$rc" -eq 0 ]
	check "$what: db forward outlives the restart (exit $rc)"
	show "$d/fwd.err"
	[ "$before" -lt "$EVENTS" ]
	check "$what: the restart came mid-stream ($before of $EVENTS events written before it)"
	grep -q "([1-9][0-9]* again after [1-9][0-9]* reconnect" "$d/fwd.err"
	check "$what: forward reconnected and sent again"
	head=$(head_of "$d/b.db")
	wait_events "$d/witness.jsonl" "$head"
	check "$what: events 1..$head all in the witness"
	event_seqs "$d/witness.jsonl" >"$d/got"
	one_to "$head" | diff - "$d/got" >"$d/diff"
	check "$what: no seq missing, none foreign"
	show "$d/diff"
	total=$(event_lines "$d/witness.jsonl")
	dups=$((total - $(wc -l <"$d/got")))
	echo "  $what: $total event lines for $head events: $dups duplicate(s) re-sent"
	verify_witness "$d/b.db" "$d/witness.jsonl"
	check "$what: verify --witness passes, no event missing"
	"$JQ" -e --argjson d "$dups" '.witness.duplicates == $d and .witness.checkpoints >= 1' \
	    "$tmp/verify" >/dev/null
	check "$what: verify counts the same $dups duplicate(s) and the checkpoints"
}

# ---- 1. plain TCP: a scan's events, every field
d=$tmp/tcp
start_fresh "$d" tcp
check "syslog-ng runs vigie.conf on 127.0.0.1:$port"
"$VIGIE" scan -r "$top_srcdir/rules" -p "$top_srcdir/policies" --geoip none --db "$d/a.db" \
    -f json -o /dev/null --syslog "tcp://127.0.0.1:$port" "$PCAP" >/dev/null 2>"$d/scan.err"
rc=$?
[ "$rc" -le 1 ]
check "scan --db --syslog tcp://: exit $rc (0, or 1 for failing findings)"
show "$d/scan.err"
"$VIGIE" db forward --db "$d/a.db" --jsonl "$d/store.jsonl" 2>"$d/jsonl.err"
check "db forward --jsonl writes the store's JSON lines"
head=$(head_of "$d/a.db")
[ "$head" -gt 0 ]
check "the store has events (head $head)"
wait_events "$d/witness.jsonl" "$head"
check "syslog-ng wrote events 1..$head"
event_seqs "$d/witness.jsonl" >"$d/seqs"
one_to "$head" | diff - "$d/seqs" >/dev/null
check "every seq 1..$head there, none foreign"
check_fields "$d" "$d/store.jsonl" tcp
verify_witness "$d/a.db" "$d/witness.jsonl"
check "verify --witness: intact, every event witnessed"
"$JQ" -e '.witness.checkpoints >= 1 and .witness.duplicates == 0' "$tmp/verify" >/dev/null
check "verify --witness: the checkpoint's signature verifies, no duplicate"

# The check is not vacuous: lines taken out are missing, a changed hash is tampering.
"$JQ" -c 'select(.vigie.seq != "2" and .vigie.seq != "3")' "$d/witness.jsonl" >"$d/less.jsonl"
"$VIGIE" verify --db "$d/a.db" --witness "$d/less.jsonl" -f json >"$tmp/verify" 2>/dev/null
"$JQ" -e '.witness.missing == 2' "$tmp/verify" >/dev/null
check "verify --witness counts 2 events taken out of the witness as missing"
"$JQ" -c 'if .vigie.seq == "2" then .vigie.hash = ("0" * 64) else . end' \
    "$d/witness.jsonl" >"$d/changed.jsonl"
"$VIGIE" verify --db "$d/a.db" --witness "$d/changed.jsonl" -f json >"$tmp/verify" 2>/dev/null
rc=$?
[ "$rc" -eq 4 ] && "$JQ" -e '.ok == false and .first_bad == 2' "$tmp/verify" >/dev/null
check "verify --witness: a witnessed hash the store does not have is tampering at 2 (exit $rc)"

# ---- 2. plain TCP: syslog-ng stopped and started again mid-stream
d=$tmp/tcp-restart
start_fresh "$d" tcp
check "a second syslog-ng for the restart test on port $port"
check_restart tcp-restart "tcp://127.0.0.1:$port"
stop_sng

# ---- 3. TLS: a CA and a server certificate for 127.0.0.1, made here
if [ "$HAVE_OPENSSL" -eq 0 ]; then
	echo "SKIP - TLS: no openssl command to make certificates"
else
	t=$tmp/tls
	mkdir -p "$t"
	{
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vigie test CA" \
		    -keyout "$t/ca.key" -out "$t/ca.pem" &&
		openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		    -keyout "$t/server.key" -out "$t/server.csr" &&
		printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$t/ext" &&
		openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" \
		    -CAcreateserial -days 2 -extfile "$t/ext" -out "$t/server.pem" &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=another CA" \
		    -keyout "$t/other.key" -out "$t/other.pem"
	} >"$t/openssl.log" 2>&1 || show "$t/openssl.log"
	[ -s "$t/server.pem" ] && [ -s "$t/other.pem" ]
	check "openssl makes a CA and a server certificate"

	d=$tmp/tls-fields
	start_fresh "$d" tls
	check "syslog-ng runs vigie.conf with its TLS source on 127.0.0.1:$tport"
	"$VIGIE" db forward --db "$tmp/tcp/a.db" --syslog "tls://127.0.0.1:$tport" \
	    --syslog-ca "$t/other.pem" 2>"$d/refused.err"
	rc=$?
	[ "$rc" -ne 0 ]
	check "a certificate from another CA is refused (exit $rc)"
	"$VIGIE" db forward --db "$tmp/tcp/a.db" --syslog "tls://127.0.0.1:$tport" \
	    --syslog-ca "$t/ca.pem" 2>"$d/fwd.err"
	check "db forward over TLS with --syslog-ca"
	show "$d/fwd.err"
	head=$(head_of "$tmp/tcp/a.db")
	wait_events "$d/witness.jsonl" "$head"
	check "TLS: syslog-ng wrote events 1..$head"
	check_fields "$d" "$tmp/tcp/store.jsonl" tls
	verify_witness "$tmp/tcp/a.db" "$d/witness.jsonl"
	check "TLS: verify --witness passes"
	stop_sng

	d=$tmp/tls-restart
	start_fresh "$d" tls
	check "a second TLS syslog-ng for the restart test on port $tport"
	check_restart tls-restart "tls://127.0.0.1:$tport" --syslog-ca "$t/ca.pem"
	stop_sng
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
