#!/bin/sh
# check.sh - `vigie check` end to end: hand-written goldens per file type, secrets, malformed
# files, symlink loops, size cap, excludes, baselines, SARIF (schema), JUnit and captures.
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
DATA=$top_srcdir/tests/data
GOLD=$top_srcdir/tests/golden
JQ=${JQ:-jq}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { # check NAME: the previous command's status decides
	if [ "$?" -eq 0 ]; then ok "$1"; else bad "$1"; fi
}
run() { # run WANT_RC ARGS...: vigie check with fixed date and no GeoIP, output in $tmp/out
	want=$1
	shift
	"$VIGIE" check --geoip none --date 2026-11-22 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq "$want" ] || { echo "  exit $rc, want $want: $(head -c 400 "$tmp/err")"; return 1; }
}
strip() { sed 's|[^ ]*/data/config/||'; }
body() { grep -v '^#' "$1"; }

command -v "$JQ" >/dev/null 2>&1 || { echo "jq is needed (contrib/install-deps.sh)"; exit 99; }

# ---- goldens: failures and endpoints, each written by hand (tests/golden/README)
run 1 -f json "$DATA/config"; check "golden tree exits 1 (high findings)"
"$JQ" -r 'select(.type=="finding" and .result=="fail") |
	"\(.control) \(.subject.file):\(.subject.line):\(.subject.column) \(.subject.setting)"' \
	"$tmp/out" | strip | sort >"$tmp/got"
body "$GOLD/check.expected" | sort >"$tmp/want"
diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; check "failures equal tests/golden/check.expected"
[ -s "$tmp/diff" ] && cat "$tmp/diff"
"$JQ" -r 'select(.type=="endpoint") |
	"\(.file):\(.line):\(.column) \(.setting) \(.url // "-") \(.model // "-") \(.region // "-")"' \
	"$tmp/out" | strip | sort >"$tmp/got"
body "$GOLD/check-endpoints.expected" | sort >"$tmp/want"
diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; check "endpoints equal tests/golden/check-endpoints.expected"
[ -s "$tmp/diff" ] && cat "$tmp/diff"
"$JQ" -e 'select(.type=="summary") | .check.files == {"dotenv":1,"kubernetes":1,"compose":1,
	"helm-values":1,"litellm":1,"json":1,"yaml":1,"manifest":0} and .check.skipped == 2' \
	"$tmp/out" >/dev/null; check "each file type recognised once; Helm template and Secret skipped"

# ---- secret values are never printed, in any format or on stderr
for f in text json sarif junit; do
	run 3 -f "$f" --results all "$DATA/config" "$DATA/config-bad/broken.json"
	! grep -q 'SECRET-VALUE' "$tmp/out" "$tmp/err"; check "no secret value in -f $f output"
done
"$VIGIE" check --geoip none --write-baseline "$tmp/bl.json" "$DATA/config" >/dev/null 2>&1
! grep -q 'SECRET-VALUE' "$tmp/bl.json"; check "no secret value in a baseline"

# ---- exit codes and --fail-on
run 0 --fail-on critical "$DATA/config"; check "--fail-on critical: exit 0 (no critical control fails)"
run 1 --fail-on medium "$DATA/config/helm"; check "--fail-on medium: GR-14 alone fails the run"
run 0 "$DATA/config/helm"; check "--fail-on high: GR-14 (medium) alone does not"

# ---- malformed files: exit 3 with FILE:LINE:COL counted by hand, the rest still judged
B=$DATA/config-bad
run 3 "$B/broken.env"; check "unterminated quote in .env: exit 3"
grep -q "broken.env:3:17: unterminated double-quoted value" "$tmp/err"; check ".env error at the opening quote (3:17)"
run 3 "$B/broken.json"; check "malformed JSON: exit 3"
grep -q "broken.json:2:51: malformed JSON" "$tmp/err"; check "JSON error at the token (2:51)"
run 3 "$B/broken.yaml"; check "malformed YAML: exit 3"
grep -q "broken.yaml:3:19: " "$tmp/err"; check "YAML error where libyaml stops (3:19)"
run 3 "$B/values-dup.yaml"; check "duplicate key: exit 3"
grep -q "values-dup.yaml:3:3: duplicate key 'OPENAI_BASE_URL' (first at line 2)" "$tmp/err"
check "duplicate key named with both lines"
run 3 -f json "$B" "$DATA/config/app"; check "bad files beside good ones: exit 3"
[ "$(grep -c "config-bad/" "$tmp/err")" -eq 4 ]; check "all four bad files reported"
[ "$("$JQ" -r 'select(.type=="finding") | .control' "$tmp/out" | wc -l)" -eq 3 ]
check "the good file's three failures are still reported"
run 0 -p none -f json "$DATA/config"; check "-p none: an inventory, exit 0"
[ "$("$JQ" -r 'select(.type=="endpoint") | .setting' "$tmp/out" | wc -l)" -eq 16 ] &&
	! grep -q '"type":"finding"' "$tmp/out"; check "-p none: the 16 endpoints, no finding"
run 2 -p none -p "$top_srcdir/policies" "$DATA/config"; check "-p none with another -p: usage error"
run 3 "$tmp/nothing-here"; check "missing path: exit 3"

# ---- symbolic link loops end, with a warning
mkdir -p "$tmp/loop/a/b"
printf 'MISTRAL_API_KEY=x\n' >"$tmp/loop/a/.env"
ln -s ../.. "$tmp/loop/a/b/up"
ln -s "$tmp/loop/a" "$tmp/loop/again"
ln -s "$tmp/loop/missing" "$tmp/loop/dangling.env"
timeout 20 "$VIGIE" check --geoip none -f json "$tmp/loop" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ]; check "symlink loop: the walk ends (exit $rc)"
grep -q "already walked" "$tmp/err"; check "symlink loop: said once per link back"
grep -q "dangling.env: dangling symbolic link" "$tmp/err"; check "dangling link: a warning"
[ "$("$JQ" -r 'select(.type=="endpoint") | .setting' "$tmp/out" | wc -l)" -eq 1 ]
check "a file reached through two paths is read once"

# ---- size cap
mkdir -p "$tmp/big"
{ printf 'OPENAI_API_KEY=x\n'; head -c 5000000 /dev/zero | tr '\0' '#'; printf '\n'; } >"$tmp/big/.env"
run 3 "$tmp/big"; check "a 5 MB .env: exit 3"
grep -q "over the 4194304-byte limit" "$tmp/err"; check "size cap named in the message"
run 0 --max-file-size 8000000 "$tmp/big"; check "--max-file-size raises the cap"

# ---- --exclude: names and paths
run 1 -f json --exclude json --exclude 'k8s/*' "$DATA/config"; check "--exclude still judges the rest"
! "$JQ" -r 'select(.type=="endpoint") | .file' "$tmp/out" | grep -q -e /json/ -e /k8s/
check "excluded directory and path glob left out"
"$JQ" -e 'select(.type=="summary") | .check.excluded == 2' "$tmp/out" >/dev/null
check "two exclusions counted"

# ---- baseline: adopt on an existing tree, fail only on what is new
cp -r "$DATA/config" "$tmp/repo"
run 1 --write-baseline "$tmp/base.json" "$tmp/repo"; check "writing a baseline keeps the exit code"
[ "$("$JQ" '.findings | length' "$tmp/base.json")" -eq 12 ]; check "baseline holds the 12 failures"
run 0 -f json --baseline "$tmp/base.json" "$tmp/repo"; check "with the baseline: exit 0"
"$JQ" -e 'select(.type=="summary") | .baseline == {"new":0,"unchanged":12,"fixed":0}' \
	"$tmp/out" >/dev/null; check "12 unchanged, none new"
# Lines move above a finding: it is the same finding.
{ printf '# a comment that moves every line\n\n'; cat "$tmp/repo/app/.env"; } >"$tmp/e" &&
	mv "$tmp/e" "$tmp/repo/app/.env"
run 0 --baseline "$tmp/base.json" "$tmp/repo"; check "moved lines stay in the baseline"
printf 'DEEPSEEK_API_KEY=x\n' >"$tmp/repo/app/new.env"
run 1 -f json --baseline "$tmp/base.json" "$tmp/repo"; check "a new failure fails the run"
"$JQ" -e 'select(.type=="summary") | .baseline.new == 1' "$tmp/out" >/dev/null
check "exactly one new failure"
printf 'not json' >"$tmp/bad-base.json"
run 3 --baseline "$tmp/bad-base.json" "$tmp/repo"; check "unreadable baseline: exit 3"

# ---- SARIF 2.1.0 against the official schema, and its content
run 1 -f sarif -o "$tmp/out.sarif" "$DATA/config"; check "-f sarif exit 1"
if sh "$top_srcdir/tests/sarif-validate.sh" "$tmp/out.sarif" >"$tmp/v" 2>&1; then
	ok "SARIF output is valid against sarif-schema-2.1.0.json"
elif [ $? -eq 77 ]; then
	echo "skip - SARIF schema validation: $(cat "$tmp/v")"
else
	bad "SARIF schema validation: $(head -c 600 "$tmp/v")"
fi
[ "$("$JQ" '.runs[0].results | length' "$tmp/out.sarif")" -eq 12 ]; check "SARIF: 12 results"
"$JQ" -e '[.runs[0].results[] | .locations[0].physicalLocation.region.startLine > 0] | all' \
	"$tmp/out.sarif" >/dev/null; check "SARIF: every result has a line"
[ "$("$JQ" '[.runs[0].tool.driver.rules[]] | length' "$tmp/out.sarif")" -eq \
	"$("$VIGIE" policy show -f json | "$JQ" -s '[.[] | select(.type == "control")] | length')" ]
check "SARIF: one rule per shipped control"

# ---- JUnit: well-formed, a failure per failing (control, subject)
run 1 -f junit -o "$tmp/out.xml" "$DATA/config"; check "-f junit exit 1"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$tmp/out.xml"; check "JUnit is well-formed XML (xmllint)"
	[ "$(xmllint --xpath 'count(//testcase/failure)' "$tmp/out.xml")" = 12 ]
	check "JUnit: 12 failures"
else
	echo "skip - xmllint missing (libxml2-utils, contrib/install-deps.sh)"
fi

# ---- with a capture: traffic against what configuration declares
X=$DATA/config-xcheck
run 1 -f json --results all --capture "$DATA/sample.pcap" "$X"; check "configuration and capture together"
"$JQ" -r 'select(.type=="finding" and .subject.kind=="flow" and (.control=="GR-05" or
	.control=="GR-08")) | "\(.control) \(.result) \(.subject.hostname)"' "$tmp/out" |
	sort >"$tmp/got"
body "$GOLD/check-xcheck.expected" | sort >"$tmp/want"
diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; check "traffic declared nowhere and traffic elsewhere than declared"
[ -s "$tmp/diff" ] && cat "$tmp/diff"
run 1 -f json "$DATA/config-declared"; check "manifest found in the tree"
"$JQ" -r 'select(.type=="finding" and .control=="GR-15") | "\(.result) \(.subject.setting)"' \
	"$tmp/out" | sort >"$tmp/got"
printf 'fail MISTRAL_API_KEY\n' >"$tmp/want"
diff -u "$tmp/want" "$tmp/got"; check "GR-15: the undeclared provider, only"
"$JQ" -e 'select(.type=="summary") | .check.manifests == 1 and .check.files.manifest == 1' \
	"$tmp/out" >/dev/null; check "the manifest is loaded once"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
