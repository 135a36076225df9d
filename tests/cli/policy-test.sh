#!/bin/sh
# policy-test.sh - `vigie policy test` passes on the shipped policies, and fails when it should.
set -u
VIGIE=${VIGIE:-$top_builddir/daemon/vigie}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
p=$top_srcdir/policies

"$VIGIE" policy test "$p" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[ "$rc" -eq 0 ] && ok "shipped policy tests pass" || bad "shipped policy tests: exit $rc"
grep -q 'total: [0-9]* cases, [0-9]* checks, 0 failed, 0 coverage gaps' "$tmp/out" &&
	ok "no failed check, no coverage gap" || bad "summary line"

# Every control of the shipped policies is covered by a passing and a failing case; count
# the controls independently of vigie, from the YAML.
n=$(grep -c '^  - id: ' "$p/gdpr-residency.yaml" "$p/eu-ai-act.yaml" | awk -F: '{ s += $2 } END { print s }')
shown=$("$VIGIE" policy show -f json "$p" | grep -c '"type":"control"')
[ "$n" -eq "$shown" ] && [ "$n" -ge 20 ] && ok "$n shipped controls" ||
	bad "policy show lists $shown controls, the files hold $n"

# A policy file stands for its test file.
"$VIGIE" policy test "$p/eu-ai-act.yaml" >/dev/null 2>&1 && ok "x.yaml runs x.test.yaml" ||
	bad "policy test eu-ai-act.yaml"

# A wrong expectation is a failure (exit 1) that names the case and both results.
mkdir -p "$tmp/p"
cp "$p/gdpr-residency.yaml" "$tmp/p/"
sed 's/expect: { GR-01: fail, GR-02: pass }/expect: { GR-01: pass, GR-02: pass }/' \
    "$p/gdpr-residency.test.yaml" >"$tmp/p/gdpr-residency.test.yaml"
"$VIGIE" policy test "$tmp/p/gdpr-residency.test.yaml" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q 'FAIL .*DeepSeek processes in China without a safeguard: GR-01: expected pass, got fail' "$tmp/out" &&
	ok "a wrong expectation fails" || bad "wrong expectation: exit $rc: $(cat "$tmp/out")"

# A control without a failing case is a coverage gap (exit 1).
cat >"$tmp/p/gap.yaml" <<'YAML'
policy: gap
title: Gap
version: 2026-11-22
controls:
  - id: G-1
    title: Logging enabled
    references: [AI Act Art. 12]
    severity: low
    applies_to: deployment
    require: logging.enabled == true
    message: "{name} does not log"
YAML
cat >"$tmp/p/gap.test.yaml" <<'YAML'
policy: gap.yaml
date: 2026-11-22
cases:
  - name: logs
    subject: deployment
    manifest: { kind: AIDeployment, name: a, logging: { enabled: true } }
    expect: { G-1: pass }
YAML
"$VIGIE" policy test "$tmp/p/gap.test.yaml" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q "GAP .*gap.yaml:5: G-1: no case where it fails" "$tmp/out" &&
	ok "a coverage gap fails" || bad "coverage gap: exit $rc: $(cat "$tmp/out")"

# Errors in a test file name file:line:col and exit 2.
cat >"$tmp/p/bad.test.yaml" <<'YAML'
policy: gap.yaml
date: 2026-11-22
cases:
  - name: typo
    subject: deployment
    manifest: { kind: AIDeployment, name: a }
    expect: { G-2: pass }
YAML
"$VIGIE" policy test "$tmp/p/bad.test.yaml" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q "bad.test.yaml:7:15: no loaded policy has a control 'G-2'" "$tmp/out" &&
	ok "unknown control in expect: exit 2 with position" || bad "unknown control: exit $rc: $(cat "$tmp/out")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
