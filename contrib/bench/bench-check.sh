#!/bin/sh
# bench-check.sh - times vigie check over 10,000 generated config files against reading them.
#
# Usage: contrib/bench/bench-check.sh [VIGIE]
#   VIGIE (argument or environment) defaults to build/daemon/vigie in the repository. Needs
#   only POSIX tools (sh, awk, find, grep, xargs) and GNU date. BENCH_FILES (default
#   10000) sets the number of files, BENCH_DIR (default: a new temporary directory, removed
#   at the end) where they are written, BENCH_RUNS (default 5) the runs of each timing,
#   BENCH_POLICIES (default the repository's policies/) what -p loads, BENCH_TARGET
#   (default 2.00) the seconds allowed per 10,000 files. BENCH_STRICT=1 makes a time over
#   the target exit 1. BENCH_GEN_ONLY=1 writes the files, prints their counts and stops.
#   See README beside this script.
set -eu

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
nfiles=${BENCH_FILES:-10000}
runs=${BENCH_RUNS:-5}
target=${BENCH_TARGET:-2.00}
policies=${BENCH_POLICIES:-$top/policies}

if [ $# -ge 1 ]; then
	vigie=$1
else
	vigie=${VIGIE:-$top/build/daemon/vigie}
fi

case $nfiles in
''|*[!0-9]*) echo "bench-check: BENCH_FILES must be a number" >&2; exit 2 ;;
esac
if [ "$nfiles" -lt 100 ]; then
	echo "bench-check: BENCH_FILES must be at least 100" >&2
	exit 2
fi

if [ -n "${BENCH_DIR:-}" ]; then
	work=$BENCH_DIR
	mkdir -p "$work"
	if [ -n "$(ls -A "$work")" ]; then
		echo "bench-check: $work is not empty (the files are written there)" >&2
		exit 2
	fi
	cleanup=""
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/vigie-bench-check.XXXXXX")
	cleanup=$work
fi
trap '[ -z "$cleanup" ] || rm -rf "$cleanup"' EXIT
trap 'exit 130' INT TERM
gen=$work/files

# ---- the command under test, checked first

if [ "${BENCH_GEN_ONLY:-0}" != 1 ]; then
	if [ ! -x "$vigie" ]; then
		echo "bench-check: no vigie binary at $vigie (pass its path as the argument or in VIGIE)" >&2
		exit 2
	fi
	# A binary without the check command (it exits 2 and says so) cannot be measured: stop here
	# rather than time an error message.
	mkdir -p "$work/probe"
	printf 'APP_ENV=production\n' >"$work/probe/.env"
	set +e
	"$vigie" check -p "$policies" -f json -o /dev/null "$work/probe" >/dev/null 2>"$work/probe.err"
	rc=$?
	set -e
	if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		if grep -q -e "not available" -e "unknown command" "$work/probe.err"; then
			echo "bench-check: $vigie has no 'check' command; build a vigie that has one" >&2
		else
			echo "bench-check: '$vigie check' fails on a one-file directory (exit $rc):" >&2
		fi
		head -3 "$work/probe.err" >&2
		exit 2
	fi
fi

# ---- the files
#
# A fixed pseudo-random sequence (Park-Miller, exact in any awk's doubles) picks the content,
# so every run, with any awk, writes the same bytes. The mix, per 100 files: 25 .env files, 25
# Kubernetes multi-document manifests, 15 docker-compose files, 10 LiteLLM proxy configs,
# 9 Helm values files, 15 JSON files, 1 AIDeployment manifest; 100 files a repository
# directory. About a third of the files configure an AI endpoint, a few in plaintext http;
# the .env files carry fake keys that vigie must never print.
mkdir -p "$gen"
nrepo=$(( (nfiles + 99) / 100 ))
awk -v nrepo="$nrepo" -v root="$gen" 'BEGIN {
	split("env k8s compose litellm helm config vigie", sub_dirs, " ")
	for (r = 0; r < nrepo; r++)
		for (s = 1; s <= 7; s++)
			printf "%s/repo-%03d/%s\n", root, r, sub_dirs[s]
}' | xargs mkdir -p
awk -v n="$nfiles" -v root="$gen" '
function rnd(k) {
	seed = (seed * 16807) % 2147483647
	return int(seed / 2147483647 * k)
}
function pick(list,    a, m) {
	m = split(list, a, " ")
	return a[rnd(m) + 1]
}
# An AI endpoint of the shipped catalog, in a fifteenth of the cases over plaintext http;
# ai_var is set to the variable a client reads it from (OpenAI-compatible servers: the
# OpenAI SDK variable).
function ai_url(    k, u) {
	k = rnd(14)
	ai_var = "OPENAI_BASE_URL"
	if (k == 0) u = "api.openai.com/v1"
	else if (k == 1) u = "eu.api.openai.com/v1"
	else if (k == 2) {
		u = pick(AZ_NAMES) "-" pick(AZ_SITES) ".openai.azure.com/"
		ai_var = "AZURE_OPENAI_ENDPOINT"
	} else if (k == 3) {
		u = "bedrock-runtime." pick(AWS_REGIONS) ".amazonaws.com"
		ai_var = "BEDROCK_ENDPOINT_URL"
	} else if (k == 4) u = pick(GCP_REGIONS) "-aiplatform.googleapis.com/v1beta1/openapi"
	else if (k == 5 || k == 6) {
		u = (k == 5 ? "api.mistral.ai/v1" : "api.eu.mistral.ai/v1")
		ai_var = "MISTRAL_SERVER_URL"
	} else if (k == 7) {
		u = "api.anthropic.com"
		ai_var = "ANTHROPIC_BASE_URL"
	} else if (k == 8) u = "generativelanguage.googleapis.com/v1beta/openai/"
	else if (k == 9) u = "api.groq.com/openai/v1"
	else if (k == 10) u = "openrouter.ai/api/v1"
	else if (k == 11) u = "api.scaleway.ai/v1"
	else if (k == 12) {
		u = "api.deepseek.com"
		ai_var = "DEEPSEEK_BASE_URL"
	} else u = "aiplatform.eu.rep.googleapis.com/v1beta1/openapi"
	return (rnd(15) == 0 ? "http://" : "https://") u
}
# A URL that is no AI endpoint.
function other_url() {
	return pick(OTHER_URLS)
}
function svc() {
	return pick(SERVICES)
}
function out(line) {
	printf "%s\n", line > file
}
function env_file(id,    i, m, u) {
	out("# settings of " svc() " (generated, id " id ")")
	out("APP_ENV=" pick("production staging development"))
	out("LOG_LEVEL=" pick("info debug warn"))
	out("DATABASE_URL=postgres://app@db-" id ".internal:5432/app")
	m = 3 + rnd(20)
	for (i = 0; i < m; i++)
		out(sprintf("FEATURE_%s_%02d=%s", pick("CACHE QUEUE EXPORT SEARCH BATCH"), i,
		    pick("true false 10 250 on")))
	if (ai) {
		u = ai_url()
		out(ai_var "=" u)
		out("OPENAI_API_KEY=sk-bench-NOT-A-REAL-KEY-" id)
		out("OPENAI_MODEL=" pick("gpt-4o-mini gpt-4.1 mistral-large-latest claude-sonnet-4-5"))
	}
	out("WEBHOOK_URL=" other_url())
}
function k8s_file(id,    name, i, m, u) {
	name = svc() "-" id
	out("apiVersion: v1")
	out("kind: ConfigMap")
	out("metadata:")
	out("  name: " name "-config")
	out("  labels:")
	out("    app.kubernetes.io/name: " name)
	out("data:")
	out("  LOG_LEVEL: \"" pick("info debug warn") "\"")
	m = 2 + rnd(12)
	for (i = 0; i < m; i++)
		out(sprintf("  SETTING_%02d: \"%s\"", i,
		    pick("true false 30s 5m 100 https://cdn.example.eu/assets")))
	if (ai) {
		u = ai_url()
		out("  " ai_var ": \"" u "\"")
		out("  OPENAI_API_VERSION: \"2024-10-21\"")
	}
	out("---")
	out("apiVersion: apps/v1")
	out("kind: Deployment")
	out("metadata:")
	out("  name: " name)
	out("spec:")
	out("  replicas: " (1 + rnd(4)))
	out("  selector:")
	out("    matchLabels:")
	out("      app.kubernetes.io/name: " name)
	out("  template:")
	out("    metadata:")
	out("      labels:")
	out("        app.kubernetes.io/name: " name)
	out("    spec:")
	out("      containers:")
	out("        - name: app")
	out("          image: registry.example.eu/" name ":1." rnd(30) "." rnd(10))
	out("          envFrom:")
	out("            - configMapRef:")
	out("                name: " name "-config")
	out("          env:")
	out("            - name: API_TOKEN")
	out("              valueFrom:")
	out("                secretKeyRef:")
	out("                  name: " name "-secrets")
	out("                  key: api-token")
	m = 1 + rnd(8)
	for (i = 0; i < m; i++) {
		out(sprintf("            - name: EXTRA_%02d", i))
		out("              value: \"" other_url() "\"")
	}
	out("          resources:")
	out("            requests:")
	out("              cpu: " (50 * (1 + rnd(8))) "m")
	out("              memory: " (128 * (1 + rnd(8))) "Mi")
	out("---")
	out("apiVersion: v1")
	out("kind: Service")
	out("metadata:")
	out("  name: " name)
	out("spec:")
	out("  selector:")
	out("    app.kubernetes.io/name: " name)
	out("  ports:")
	out("    - port: 80")
	out("      targetPort: 8080")
}
function compose_file(id,    i, m, u) {
	out("services:")
	out("  app:")
	out("    image: registry.example.eu/" svc() ":" rnd(20))
	out("    ports:")
	out("      - \"" (8000 + rnd(1000)) ":8080\"")
	out("    environment:")
	if (rnd(2)) {
		out("      - APP_ENV=development")
		m = 1 + rnd(10)
		for (i = 0; i < m; i++)
			out(sprintf("      - OPTION_%02d=%s", i, pick("1 0 yes no fast")))
		if (ai) {
			u = ai_url()
			out("      - " ai_var "=" u)
		}
	} else {
		out("      APP_ENV: development")
		m = 1 + rnd(10)
		for (i = 0; i < m; i++)
			out(sprintf("      OPTION_%02d: \"%s\"", i, pick("1 0 yes no fast")))
		if (ai) {
			u = ai_url()
			out("      " ai_var ": " u)
		}
	}
	out("  db:")
	out("    image: postgres:16")
	out("    environment:")
	out("      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}")
	out("    volumes:")
	out("      - db-" id ":/var/lib/postgresql/data")
	out("volumes:")
	out("  db-" id ": {}")
}
function litellm_file(id,    i, m, k) {
	out("model_list:")
	m = 1 + rnd(6)
	for (i = 0; i < m; i++) {
		k = rnd(4)
		out("  - model_name: model-" i)
		out("    litellm_params:")
		if (k == 0) {
			out("      model: azure/gpt-4o-mini-" i)
			out("      api_base: " ai_url())
			out("      api_version: \"2024-10-21\"")
			out("      api_key: os.environ/AZURE_API_KEY_" i)
		} else if (k == 1) {
			out("      model: bedrock/" pick("eu. us. global. apac.") \
			    "anthropic.claude-sonnet-4-5-20250929-v1:0")
			out("      aws_region_name: " pick("eu-central-1 eu-west-1 us-east-1"))
		} else if (k == 2) {
			out("      model: vertex_ai/gemini-2.5-flash")
			out("      vertex_project: bench-" id)
			out("      vertex_location: " pick("europe-west4 europe-west1 us-central1"))
		} else {
			out("      model: mistral/mistral-large-latest")
			out("      api_base: " ai_url())
			out("      api_key: os.environ/MISTRAL_API_KEY")
		}
	}
	out("litellm_settings:")
	out("  drop_params: true")
	out("general_settings:")
	out("  master_key: os.environ/LITELLM_MASTER_KEY")
}
function helm_file(id,    i, m, u) {
	out("replicaCount: " (1 + rnd(5)))
	out("image:")
	out("  repository: registry.example.eu/" svc())
	out("  tag: \"2." rnd(40) "\"")
	out("ingress:")
	out("  enabled: " pick("true false"))
	out("  hosts:")
	out("    - host: app-" id ".example.eu")
	out("env:")
	m = 1 + rnd(10)
	for (i = 0; i < m; i++)
		out(sprintf("  VALUE_%02d: \"%s\"", i, pick("a b c 42 https://cdn.example.eu")))
	if (ai) {
		u = ai_url()
		out("  " ai_var ": \"" u "\"")
	}
	out("resources:")
	out("  limits:")
	out("    memory: " (256 * (1 + rnd(4))) "Mi")
}
function json_file(id,    i, m, u) {
	out("{")
	out("  \"Logging\": { \"LogLevel\": { \"Default\": \"" pick("Information Warning Debug") "\" } },")
	out("  \"AllowedHosts\": \"*\",")
	out("  \"Features\": [")
	m = 1 + rnd(12)
	for (i = 0; i < m; i++)
		out(sprintf("    { \"name\": \"feature-%02d\", \"enabled\": %s }%s", i,
		    pick("true false"), i < m - 1 ? "," : ""))
	out("  ],")
	# The environment of a dev container (devcontainer.json, containerEnv).
	if (ai) {
		u = ai_url()
		out("  \"containerEnv\": {")
		out("    \"" ai_var "\": \"" u "\",")
		out("    \"OPENAI_API_VERSION\": \"2024-10-21\"")
		out("  },")
	}
	out("  \"Webhook\": \"" other_url() "\"")
	out("}")
}
function manifest_file(id) {
	out("kind: AIDeployment")
	out("name: bench-deployment-" id)
	out("owner: Team " id " <team-" id "@example.eu>")
	out("purpose: Generated deployment " id " for the check benchmark")
	out("practices: [customer-support]")
	out("role: deployer")
	out("risk:")
	out("  class: " pick("minimal limited"))
	out("data:")
	out("  personal: " pick("true false"))
	out("providers:")
	out("  - provider: mistral")
	out("    model: mistral-large-latest")
	out("    endpoint: https://api.eu.mistral.ai/v1")
	out("    region: eea")
	out("  - provider: aws")
	out("    model: " pick("eu. us.") "anthropic.claude-sonnet-4-5-20250929-v1:0")
	out("    endpoint: https://bedrock-runtime." pick("eu-central-1 us-east-1") ".amazonaws.com")
	out("    region: eu-central-1")
	out("transfer:")
	out("  mechanism: scc")
	out("  tia_ref: TIA-" id)
	out("  tia_date: 2026-0" (1 + rnd(9)) "-1" rnd(10))
	out("logging:")
	out("  enabled: true")
	out("  retention_days: " (90 + rnd(300)))
	out("prohibited_screen:")
	out("  ref: ART5-" id)
	out("  date: 2026-01-0" (1 + rnd(9)))
}
BEGIN {
	seed = 20261122
	AZ_NAMES = "acme contoso fabrikam northwind"
	AZ_SITES = "weu swc frc neu eus"
	AWS_REGIONS = "eu-central-1 eu-west-1 eu-west-3 us-east-1 us-west-2"
	GCP_REGIONS = "europe-west4 europe-west1 europe-west9 us-central1"
	OTHER_URLS = "https://api.stripe.com/v1 https://hooks.slack.com/services/T0/B0" \
	    " http://localhost:8080 https://auth.example.eu/realms/main" \
	    " https://objects.example.eu/bucket http://metrics.monitoring.svc:9090"
	SERVICES = "billing checkout search support-assistant catalog notifier ledger" \
	    " invoices chat-bot summariser"
	for (i = 0; i < n; i++) {
		id = sprintf("%05d", i)
		dir = root sprintf("/repo-%03d", int(i / 100))
		t = (i * 37) % 100          # each type keeps its share, in a scrambled order
		ai = (rnd(3) == 0)
		if (t < 25) {
			k = i % 3
			file = dir "/env/" (k == 0 ? "svc-" id ".env" : k == 1 ? ".env." id : "app-" id ".env")
			env_file(id)
		} else if (t < 50) {
			file = dir "/k8s/" svc() "-" id ".yaml"
			k8s_file(id)
		} else if (t < 65) {
			file = dir "/compose/" (i % 2 ? "docker-compose." id ".yml" : "compose." id ".yaml")
			compose_file(id)
		} else if (t < 75) {
			file = dir "/litellm/litellm-" id ".yaml"
			litellm_file(id)
		} else if (t < 84) {
			file = dir "/helm/values-" id ".yaml"
			helm_file(id)
		} else if (t < 99) {
			file = dir "/config/appsettings-" id ".json"
			json_file(id)
		} else {
			file = dir "/vigie/deployment-" id ".yaml"
			manifest_file(id)
		}
		close(file)
	}
}' || { echo "bench-check: generating the files failed" >&2; exit 1; }

files=$(find "$gen" -type f | wc -l)
bytes=$(find "$gen" -type f -exec cat {} + | wc -c)
ai_re='https?://[a-z0-9.-]*(openai|azure|amazonaws|googleapis|mistral|anthropic|groq|openrouter'
ai_re="$ai_re|scaleway|deepseek)"
ai_files=$(grep -rlE "$ai_re" "$gen" | wc -l)
echo "bench-check: $files files, $bytes bytes, $ai_files with an AI endpoint, in $gen"
if [ "${BENCH_GEN_ONLY:-0}" = 1 ]; then
	# Files per kind: the kind is the directory the generator put them in.
	find "$gen" -type f | awk -F/ '{ print $(NF - 1) }' | sort | uniq -c |
	    awk '{ printf "bench-check:   %5d %s\n", $1, $2 }'
	cleanup=""
	exit 0
fi

# Seconds since the epoch, with nanoseconds (GNU date).
now()
{
	date +%s.%N
}

# One timed run of "$@"; leaves its seconds in $work/seconds. Exit 1 of vigie check means
# findings, not failure; anything else, 3 included (a generated file it calls malformed),
# makes the figures void. Not run in a command substitution, so that its exit stops the script.
timed()
{
	t0=$(now)
	set +e
	"$@" >"$work/out" 2>"$work/err"
	rc=$?
	set -e
	t1=$(now)
	if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		echo "bench-check: '$*' failed with exit $rc:" >&2
		tail -5 "$work/err" >&2
		exit 1
	fi
	awk -v a="$t0" -v z="$t1" 'BEGIN { printf "%.4f\n", z - a }' >"$work/seconds"
}

min()
{
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b + 0 < a + 0) print b; else print a }'
}

# The baseline: finding every file and reading it, the least any checker must do.
read_all()
{
	find "$1" -type f -exec cat {} + >/dev/null
}

read_all "$gen"	# warm the page cache so the first run is not a disk benchmark

# Secrets: the .env files hold fake keys; no output format may print one.
for f in json text sarif junit; do
	set +e
	"$vigie" check -p "$policies" -f "$f" -o "$work/secrets.$f" "$gen" >/dev/null 2>"$work/secrets.err"
	rc=$?
	set -e
	if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		echo "bench-check: vigie check -f $f failed with exit $rc:" >&2
		tail -5 "$work/secrets.err" >&2
		exit 1
	fi
	if grep -l 'NOT-A-REAL-KEY' "$work/secrets.$f" "$work/secrets.err" >/dev/null; then
		echo "bench-check: FAIL: vigie check -f $f printed a secret value" >&2
		exit 1
	fi
done
echo "bench-check: no secret value in the text, json, sarif and junit outputs"

# Interleaved, best of $runs each, as bench-scan.sh does.
base="" check="" r=0
while [ $r -lt "$runs" ]; do
	timed read_all "$gen"
	base=$(min "$base" "$(cat "$work/seconds")")
	timed "$vigie" check -p "$policies" -f json -o /dev/null "$gen"
	check=$(min "$check" "$(cat "$work/seconds")")
	r=$((r + 1))
done

awk -v base="$base" -v check="$check" -v files="$files" -v bytes="$bytes" -v target="$target" '
BEGIN {
	limit = target * files / 10000
	printf "bench-check: baseline (find + cat) %.3f s, %.0f files/s\n", base,
	    files / (base > 0 ? base : 0.001)
	printf "bench-check: vigie check %.3f s, %.0f files/s, %.1f MB/s\n", check,
	    files / (check > 0 ? check : 0.001), bytes / 1048576 / (check > 0 ? check : 0.001)
	printf "bench-check: ratio check/baseline %.1fx\n", check / (base > 0 ? base : 0.001)
	printf "bench-check: target %d files in under %.2f s: %s\n", files, limit,
	    check < limit ? "PASS" : "FAIL"
	exit check < limit ? 0 : 1
}' && over=0 || over=1
if [ "$over" -eq 1 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then
	exit 1
fi
exit 0
