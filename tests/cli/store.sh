#!/bin/sh
# store.sh - the audit store end to end: scan/check --db, an independent recomputation of the
# chain (Python) and of the signatures (openssl), tampering found by verify, prune, outputs.
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
DATA=$top_srcdir/tests/data
JQ=${JQ:-jq}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { # check NAME: the previous command's status decides
	if [ "$?" -eq 0 ]; then ok "$1"; else bad "$1"; fi
}
rc_is() { # rc_is WANT NAME ARGS...: vigie ARGS exits WANT; output in $tmp/out, $tmp/err
	want=$1 name=$2
	shift 2
	"$VIGIE" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name"; else
		bad "$name (exit $rc, want $want)"; head -c 600 "$tmp/err"; fi
}
sqlx() { # sqlx DB SQL: a change made behind vigie's back, as an attacker would
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' "$1" "$2"
}
recompute() { python3 "$top_srcdir/tests/store/recompute.py" "$@"; }

for t in "$JQ" python3 openssl; do
	command -v "$t" >/dev/null 2>&1 || { echo "$t is needed (contrib/install-deps.sh)"; exit 99; }
done
scan() { "$VIGIE" scan --geoip none --date 2026-11-22 -q "$@"; }

# ---- scan --db: what goes in, checked apart from vigie
db=$tmp/a.db
scan --db "$db" -f json -o "$tmp/scan.json" "$DATA/sample.pcap" 2>"$tmp/err"
[ $? -eq 1 ]; check "scan --db keeps its exit code (1: high findings in the sample)"
[ "$(stat -c %a "$db.key")" = 600 ]; check "the signing key is created with mode 600"
mkdir "$tmp/ck"
recompute "$db" "$tmp/ck" >"$tmp/re.json"
"$JQ" -e '.bad == []' "$tmp/re.json" >/dev/null; check "Python recomputes every hash and canonical text"
nflows=$("$JQ" -s '[.[] | select(.type == "flow")] | length' "$tmp/scan.json")
nfind=$("$JQ" -s '[.[] | select(.type == "finding")] | length' "$tmp/scan.json")
"$JQ" -e --argjson f "$nflows" --argjson g "$nfind" \
	'.types.flow == $f and .types.finding == $g and .types.start == 1 and .types.stop == 1 and
	 .types.capture == 1' "$tmp/re.json" >/dev/null
check "the store holds the run's $nflows flows and $nfind findings, a start, a capture and a stop"
# Snapshotted: the 2 shipped policies (not their .test.yaml), the 7 rule files (4 in rules/,
# 3 in rules/ip-ranges/) and the capture.
"$JQ" -e '.types.config == 10' "$tmp/re.json" >/dev/null; check "10 configuration snapshots (2 policies, 7 rules, 1 capture)"
python3 - "$db" "$tmp/scan.json" <<'EOF'; check "each flow event's data is the flow record -f json printed"
import json, sqlite3, sys
rows = [json.loads(t)["data"] for (t,) in sqlite3.connect(sys.argv[1]).execute(
    "SELECT json FROM events WHERE type = 'flow' ORDER BY seq")]
recs = [r for r in map(json.loads, open(sys.argv[2])) if r["type"] == "flow"]
sys.exit(0 if rows == recs and len(rows) > 0 else 1)
EOF
sha=$(sha256sum "$DATA/sample.pcap" | cut -d' ' -f1)
python3 - "$db" "$sha" <<'EOF'; check "the capture's snapshot holds its sha256sum"
import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(
    "SELECT sha256 FROM config_snapshots WHERE role = 'capture'").fetchall()
sys.exit(0 if r == [(sys.argv[2],)] else 1)
EOF
rc_is 0 "db export-key" db export-key --db "$db" -o "$tmp/pub.pem"
grep -q 'BEGIN PUBLIC KEY' "$tmp/pub.pem"; check "the exported key is a PEM public key"
n=0 good=0
for m in "$tmp"/ck/ckpt-*.msg; do
	n=$((n + 1))
	openssl pkeyutl -verify -pubin -inkey "$tmp/pub.pem" -rawin -in "$m" \
	    -sigfile "${m%.msg}.sig" >/dev/null 2>&1 && good=$((good + 1))
done
[ "$n" -ge 1 ] && [ "$good" -eq "$n" ]; check "openssl verifies all $n checkpoint signature(s) of the documented text"
rc_is 0 "verify: an intact store exits 0" verify --db "$db" --key "$tmp/pub.pem"
grep -q "intact" "$tmp/out" && grep -q "checkpoints 1, every signature valid" "$tmp/out"
check "verify's summary says intact and counts the checkpoint"

# ---- a second run appends to the same chain
scan --db "$db" -p none -f json -o /dev/null "$DATA/sample.pcap" 2>/dev/null
recompute "$db" "$tmp/ck" >"$tmp/re2.json"
"$JQ" -e --slurpfile a "$tmp/re.json" '.bad == [] and .types.start == 2 and .checkpoints == 2 and
	.last > $a[0].last' "$tmp/re2.json" >/dev/null; check "a second scan extends the chain (2 starts, 2 checkpoints)"
rc_is 0 "verify after two runs" verify --db "$db"

# ---- tampering: each kind, the first bad sequence number, exit 4
tamper() { # tamper NAME SQL KIND SEQ
	cp "$db" "$tmp/t.db"; rm -f "$tmp/t.db-wal" "$tmp/t.db-shm"
	sqlx "$tmp/t.db" "$2"
	"$VIGIE" verify --db "$tmp/t.db" -f json >"$tmp/v.json" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 4 ] && "$JQ" -e --arg k "$3" --argjson s "$4" \
	    '.ok == false and .tampering == $k and .first_bad == $s' "$tmp/v.json" >/dev/null; then
		ok "$1"
	else
		bad "$1 (exit $rc)"; cat "$tmp/v.json" "$tmp/err"
	fi
}
# Settle the WAL into the file so the copies are whole.
python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$db"
tamper "a changed hostname is 'modified' at its event" \
	"UPDATE events SET json = replace(json, 'api.', 'apx.') WHERE seq = (SELECT min(seq) FROM events WHERE type = 'flow' AND json LIKE '%\"hostname\":\"api.%')" \
	modified "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT min(seq) FROM events WHERE type = '"'"'flow'"'"' AND json LIKE '"'"'%\"hostname\":\"api.%'"'"'").fetchone()[0])' "$db")"
tamper "a deleted event is 'deleted'" "DELETE FROM events WHERE seq = 5" deleted 5
tamper "two swapped events are 'reordered'" \
	"UPDATE events SET seq = -1 WHERE seq = 8; UPDATE events SET seq = 8 WHERE seq = 9; UPDATE events SET seq = 9 WHERE seq = -1" \
	reordered 8
last=$("$JQ" .last "$tmp/re2.json")
tamper "the tail removed is 'truncated' at the first missing event" \
	"DELETE FROM events WHERE seq > $((last - 3))" truncated $((last - 2))
tamper "a forged signature is 'bad-signature'" \
	"UPDATE checkpoints SET sig = zeroblob(64) WHERE seq = (SELECT min(seq) FROM checkpoints)" \
	bad-signature "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT min(seq) FROM checkpoints").fetchone()[0])' "$db")"
"$JQ" -e '.type == "verify" and .ok == false and (.detail | test("signature")) and
	.events > 0' "$tmp/v.json" >/dev/null; check "verify -f json says why, and how far it got"
"$VIGIE" verify --db "$tmp/t.db" >"$tmp/out" 2>&1
grep -q "TAMPERED: bad-signature at seq" "$tmp/out"; check "verify's text names the kind and the sequence number"
openssl genpkey -algorithm ed25519 -out "$tmp/other.pem" 2>/dev/null &&
	openssl pkey -in "$tmp/other.pem" -pubout -out "$tmp/other.pub" 2>/dev/null
rc_is 4 "verify --key with another key exits 4" verify --db "$db" --key "$tmp/other.pub"

# ---- errors: the documented exit codes
rc_is 3 "verify of a missing store exits 3" verify --db "$tmp/none.db"
printf 'not sqlite at all, but long enough to be read as a header by sqlite3....' >"$tmp/junk.db"
rc_is 3 "verify of a file that is not SQLite exits 3" verify --db "$tmp/junk.db"
rc_is 2 "verify --key of a file that is not a key exits 2" verify --db "$db" --key "$tmp/junk.db"
rc_is 2 "verify without --db exits 2" verify
rc_is 2 "--syslog without --db exits 2" scan --syslog local "$DATA/sample.pcap"
rc_is 2 "a store with another signing key exits 2" scan --geoip none -p none --db "$db" \
	--signing-key "$tmp/other.pem" "$DATA/sample.pcap"
chmod 644 "$db.key"
rc_is 2 "a signing key readable by others is refused" scan --geoip none -p none --db "$db" "$DATA/sample.pcap"
chmod 600 "$db.key"

# ---- retention: EU AI Act Art. 26(6) keeps six months unless told otherwise
rc_is 2 "prune inside six months is refused without --force" db prune --db "$db" --before 2026-11-01
rc_is 0 "prune of nothing old (1970) succeeds" db prune --db "$db" --before 1970-01-02
grep -q "pruned 0 event" "$tmp/out"; check "and removes nothing"
before=$(date -u -d tomorrow +%Y-%m-%d)
rc_is 0 "prune --force --before tomorrow" db prune --db "$db" --before "$before" --force
rc_is 0 "the pruned store still verifies" verify --db "$db" --key "$tmp/pub.pem"
grep -q "the chain starts from the signed checkpoint" "$tmp/out"; check "verify reports the anchor"
recompute "$db" "$tmp/ck" >"$tmp/re3.json"
"$JQ" -e '.bad == [] and .types.prune == 1' "$tmp/re3.json" >/dev/null
check "Python follows the chain from the anchor; the prune is itself an event"
rc_is 0 "db info" db info --db "$db" -f json
"$JQ" -e '.anchor_seq > 0 and .pruned > 0' "$tmp/out" >/dev/null; check "db info shows the anchor and the pruned count"

# ---- JSON lines: every event once, across runs (the cursor)
db2=$tmp/b.db
scan --db "$db2" --jsonl "$tmp/ev.jsonl" -p none -f json -o /dev/null "$DATA/sample.pcap" 2>/dev/null
scan --db "$db2" --jsonl "$tmp/ev.jsonl" -p none -f json -o /dev/null "$DATA/sample.pcap" 2>/dev/null
recompute "$db2" "$tmp/ck" >"$tmp/re4.json"
"$JQ" -s --slurpfile r "$tmp/re4.json" '[.[] | select(.type != "checkpoint") | .seq] as $s |
	($s | length) == $r[0].events and ($s | unique | length) == ($s | length) and
	([.[] | select(.type == "checkpoint")] | length) == $r[0].checkpoints' "$tmp/ev.jsonl" |
	grep -q true; check "--jsonl over two runs: each event once, each checkpoint once"
"$JQ" -s -e 'map(select(.seq == 1 and .type != "checkpoint")) | length == 1 and
	.[0].type == "start" and (.[0].hash | length) == 64' "$tmp/ev.jsonl" >/dev/null
check "a JSON line carries seq, type and the chain hash"

# ---- db forward to JSON lines, the file rotated under it (SIGHUP), every event once
"$top_builddir/tests/store/store-writer" --db "$tmp/r.db" --events 300 --quiet >/dev/null
"$VIGIE" db forward --db "$tmp/r.db" --jsonl "$tmp/r.jsonl" --rate 300 2>"$tmp/err" &
fpid=$!
sleep 0.5
mv "$tmp/r.jsonl" "$tmp/r.jsonl.1"
kill -HUP "$fpid"
wait "$fpid"; [ $? -eq 0 ]; check "db forward --rate runs to the end through a SIGHUP"
[ -s "$tmp/r.jsonl" ] && [ -s "$tmp/r.jsonl.1" ]; check "after SIGHUP the moved file is left and a new one written"
cat "$tmp/r.jsonl.1" "$tmp/r.jsonl" | "$JQ" -s -e '[.[] | select(.type != "checkpoint") | .seq] |
	. == [range(1; 301)]' >/dev/null; check "the two files hold events 1..300 once each, in order"
rc_is 0 "a second forward sends nothing new" db forward --db "$tmp/r.db" --jsonl "$tmp/r.jsonl" -v
grep -q "0 sent" "$tmp/err"; check "... its cursor says so"

# ---- db forward over TCP: a collector that resets the first connection gets everything again
"$top_builddir/tests/store/store-writer" --db "$tmp/f.db" --events 2000 --quiet >/dev/null
python3 "$top_srcdir/tests/store/collector.py" "$tmp/conn" 30000 2 >"$tmp/port" &
cpid=$!
i=0; while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port")
"$VIGIE" db forward --db "$tmp/f.db" --syslog "tcp://127.0.0.1:$port" --rate 4000 -v 2>"$tmp/err"
frc=$?
wait "$cpid"
[ "$frc" -eq 0 ] && grep -q "up to event 2000, confirmed" "$tmp/err"
check "forward survives a reset collector and ends confirmed"
grep -q " again after 1 reconnect" "$tmp/err"; check "... after exactly one reconnect, with events sent again"
rc_is 0 "the second connection alone is a complete witness (raw octet-counted RFC 5424)" \
	verify --db "$tmp/f.db" --witness "$tmp/conn.2" -f json
"$JQ" -e '.witness.missing == 0 and .witness.events == 2000' "$tmp/out" >/dev/null
check "... holding all 2000 events"
rc_is 0 "both connections together: every event, the re-sent ones counted as duplicates" \
	verify --db "$tmp/f.db" --witness "$tmp/conn.1" --witness "$tmp/conn.2" -f json
"$JQ" -e '.witness.missing == 0 and .witness.duplicates > 0' "$tmp/out" >/dev/null
check "... duplicates $("$JQ" .witness.duplicates "$tmp/out"), none missing"
rc_is 0 "a forward run after a confirmed one sends nothing" db forward --db "$tmp/f.db" \
	--syslog "tcp://127.0.0.1:$port" -v
grep -q "0 sent" "$tmp/err"; check "... and opens no connection it would need"

# A collector that resets every connection at the same place: forward gives up, keeps its cursor.
python3 "$top_srcdir/tests/store/collector.py" "$tmp/stall" 30000 6 all >"$tmp/port2" &
cpid=$!
i=0; while [ ! -s "$tmp/port2" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
rc_is 3 "a collector that always breaks at the same event: forward gives up (exit 3)" \
	db forward --db "$tmp/f.db" --syslog "tcp://127.0.0.1:$(cat "$tmp/port2")" --retry 5
kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null
grep -q "5 reconnects in a row that started again from event 1; giving up" "$tmp/err"
check "... and says why"

# A collector that reads everything but never closes: no confirmation, so db forward fails and
# the cursor stays where the next run must start.
python3 "$top_srcdir/tests/store/collector.py" "$tmp/hold" 0 1 hold >"$tmp/port3" &
cpid=$!
i=0; while [ ! -s "$tmp/port3" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
p3=$(cat "$tmp/port3")
rc_is 3 "delivery a collector never confirms makes db forward exit 3" \
	db forward --db "$tmp/f.db" --syslog "tcp://127.0.0.1:$p3"
grep -q "not confirmed by the peer; the next run sends from event 1 again" "$tmp/err"
check "... and the next run starts again from event 1"
kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null

# ---- witnesses: a copy of the events kept elsewhere catches what the store alone cannot
rc_is 0 "verify --witness of the JSON lines: all agree" verify --db "$db2" --witness "$tmp/ev.jsonl" -f json
"$JQ" -e '.witness.missing == 0 and .witness.duplicates == 0 and .witness.checkpoints == 2' \
	"$tmp/out" >/dev/null; check "the witness saw every event once and both checkpoints"
python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$db2"
cp "$db2" "$tmp/w.db"; cp "$db2.key" "$tmp/w.db.key"
# The last run's tail and its checkpoint removed, and the writer's head record rewritten to
# match: the store alone is consistent again.
python3 - "$tmp/w.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
last = c.execute("SELECT max(seq) FROM events").fetchone()[0]
c.execute("DELETE FROM events WHERE seq > ?", (last - 5,))
c.execute("DELETE FROM checkpoints WHERE seq > ?", (last - 5,))
h = c.execute("SELECT hash FROM events WHERE seq = ?", (last - 5,)).fetchone()[0]
c.execute("UPDATE meta SET value = ? WHERE key = 'head'", ((last - 5).to_bytes(8, "big") + h,))
c.commit()
PY
rc_is 0 "a tail cut with the head record rewritten passes verify alone" verify --db "$tmp/w.db"
rc_is 4 "... and fails against the witness" verify --db "$tmp/w.db" --witness "$tmp/ev.jsonl" -f json
last2=$("$JQ" -s '[.[] | select(.type != "checkpoint") | .seq] | max' "$tmp/ev.jsonl")
"$JQ" -e --argjson l "$last2" '.tampering == "truncated" and .first_bad == $l - 4' "$tmp/out" >/dev/null
check "the witness names the first event the store lost"
python3 - "$tmp/ev.jsonl" >"$tmp/forged.jsonl" <<'PY'
import json, sys
line = json.loads(open(sys.argv[1]).readlines()[2])  # the event with seq 3
h = line["hash"]
line["hash"] = ("1" if h[0] == "0" else "0") + h[1:]
print(json.dumps(line))
PY
rc_is 4 "an event hash that differs from the store's is a witness mismatch" verify --db "$db2" \
	--witness "$tmp/forged.jsonl"
grep -q "witness-mismatch at seq 3" "$tmp/out"; check "... named at its sequence number"
printf '<13>1 2026-11-22T10:00:00Z host other - - - unrelated\n{"vigie":{"store":"zz"}}\n' >"$tmp/mixed.log"
cat "$tmp/ev.jsonl" >>"$tmp/mixed.log"
rc_is 0 "other programs' lines are skipped, a malformed vigie line is counted" verify --db "$db2" \
	--witness "$tmp/mixed.log" -f json
"$JQ" -e '.witness.malformed == 1' "$tmp/out" >/dev/null && grep -q "malformed" "$tmp/err"
check "... and said on stderr"

# ---- check --db
db3=$tmp/c.db
"$VIGIE" check --geoip none --date 2026-11-22 --db "$db3" -f json -o "$tmp/check.json" \
	"$top_srcdir/contrib/examples/noncompliant" 2>/dev/null
[ $? -eq 1 ]; check "check --db keeps its exit code (1)"
recompute "$db3" "$tmp/ck" >"$tmp/re5.json"
nf=$("$JQ" -s '[.[] | select(.type == "finding")] | length' "$tmp/check.json")
ne=$("$JQ" -s '[.[] | select(.type == "endpoint")] | length' "$tmp/check.json")
"$JQ" -e --argjson f "$nf" --argjson e "$ne" '.bad == [] and .types.finding == $f and
	.types.endpoint == $e' "$tmp/re5.json" >/dev/null; check "check's $nf findings and $ne endpoints are in the store"
rc_is 0 "verify after check" verify --db "$db3"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
