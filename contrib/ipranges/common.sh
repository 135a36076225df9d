# common.sh - shared part of the ip-ranges converters (sourced by aws2yaml.sh, gcp2yaml.sh, azure2yaml.sh).
#
# A converter sets TOOL, WHAT (the header's words), FEED_NAME (for messages),
# SOURCE_DEFAULT, VERSION_DEFAULT and USAGE_EXTRA (for --help) and FEED_FILTER,
# may define ipr_default_version (sets opt_version, and ipr_note for stderr,
# when --version is not given), then calls ipr_main "$@". POSIX sh; the only
# other tool is jq (1.6 or later; $JQ overrides the command).
#
# FEED_FILTER runs on the feed's one JSON document with $version and $source
# bound (empty strings unless given) and $source_default, and must produce
#   { version, source, seen, skipped, entries: [ { prefix, provider, service,
#     region (string or null), cloud, anycast (bool), rank (array) } ] }
# where seen counts the feed's prefixes, skipped those it dropped for having no
# region, and rank orders entries that share a prefix: the smallest rank is kept.
# Shape errors are raised with shape("message").

# shellcheck disable=SC2016 # jq programs are in single quotes on purpose.
JQ=${JQ:-jq}

# jq helpers shared by every feed: prefix checks and sort keys, YAML scalars,
# and the writer. Kept in jq so that one pass over the feed does everything.
IPR_JQLIB='
def shape($m): error("ipranges-shape: " + $m);

# A string field of an object, or a shape error naming it.
def str($obj; $k; $what):
	($obj | if type == "object" then .[$k] else null end) as $v
	| if ($v | type) == "string" then $v
	  else shape("\($what): \"\($k)\" is \(if $v == null then "missing" else "not a string" end)") end;

# Parses an IPv4 CIDR into { text, key: [4, o1, o2, o3, o4, len] }. Dotted
# quad without leading zeros (RFC 4632 section 3.1 notation), length 0-32.
def v4cidr:
	. as $p
	| if test("^(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}/(0|[1-9][0-9]?)$") | not
	  then shape("bad IPv4 prefix \($p | tojson)") else . end
	| split("/") as [$a, $l]
	| ($a | split(".") | map(tonumber)) as $o
	| ($l | tonumber) as $n
	| if ($o | map(select(. > 255)) | length) > 0 or $n > 32
	  then shape("bad IPv4 prefix \($p | tojson)") else { text: $p, key: ([4] + $o + [$n]) } end;

# Parses an IPv6 CIDR into { text (lower case), key: [6, g0 .. g7, len] }
# with "::" expanded (RFC 4291 section 2.2 text forms 1 and 2; the
# embedded-IPv4 form 3 is not accepted). Groups are kept as four lower-case
# hex digits: as strings of one width they sort in numeric order, and jq has
# no cheap hex-to-number conversion.
def v6cidr:
	. as $p
	| (if test("^[0-9a-f:]+/(0|[1-9][0-9]{0,2})$") then .
	   elif test("^[0-9A-Fa-f:]+/(0|[1-9][0-9]{0,2})$") then ascii_downcase
	   else shape("bad IPv6 prefix \($p | tojson)") end) as $text
	| ($text | split("/")) as [$a, $l]
	| ($l | tonumber) as $n
	| ($a / "::") as $halves
	| (if ($halves | length) == 2 then
		($halves[0] | if . == "" then [] else split(":") end) as $h
		| ($halves[1] | if . == "" then [] else split(":") end) as $t
		| if ($h | length) + ($t | length) > 7 then null
		  else $h + [range(8 - ($h | length) - ($t | length)) | "0"] + $t end
	   elif ($halves | length) == 1 then
		($a | split(":")) | if length == 8 then . else null end
	   else null end) as $g
	| if $g == null or ($g | map(select(length < 1 or length > 4)) | length) > 0 or $n > 128
	  then shape("bad IPv6 prefix \($p | tojson)")
	  else { text: $text, key: ([6] + ($g | map("000" + . | .[-4:])) + [$n]) } end;

def cidr: if test(":") then v6cidr else v4cidr end;

# A YAML scalar: plain when nothing in it can be read as another type or as
# syntax, else double-quoted (a JSON string is a valid YAML 1.2 double-quoted
# scalar).
def yscalar:
	. as $s
	| if test("^[A-Za-z_][A-Za-z0-9_ ./()+-]*$") and (test(" $") | not)
	     and (test("^(y|n|yes|no|on|off|true|false|null)$"; "i") | not)
	  then $s else $s | tojson end;

# Prefixes are checked CIDRs; only one starting with ":" would need quotes.
def yprefix: if startswith(":") then tojson else . end;

def yurl: if test("^https?://[A-Za-z0-9._~/?&=%+-]+$") then . else tojson end;

def finish($tool; $what):
	. as $feed
	| ($feed.entries | map((.prefix | cidr) as $c | . + { key: $c.key, prefix: $c.text })) as $all
	| ($all | group_by(.key) | map(if length == 1 then .[0] else sort_by(.rank) | .[0] end)) as $kept
	| if ($kept | length) == 0 then shape("no range with a region in the feed") else . end
	# The few distinct names, each made a YAML scalar once.
	| ([ $kept[] | .provider, .service, .region, .cloud | strings ] | unique
	   | map({ key: ., value: yscalar }) | from_entries) as $y
	| "# \($what) for vigie, made by contrib/ipranges/\($tool) from the published feed; do not edit.",
	  "# Order: IPv4 then IPv6, numeric by address, then by prefix length.",
	  "# \($kept | length) ranges from \($feed.seen) feed prefixes; duplicates merged: \(($all | length) - ($kept | length)); skipped for want of a region: \($feed.skipped).",
	  "version: \($feed.version)",
	  "source: \($feed.source | yurl)",
	  "ranges:",
	  ( $kept[]
	    | "  - prefix: \(.prefix | yprefix)\n    provider: \($y[.provider])"
	      + (if .service != null then "\n    service: \($y[.service])" else "" end)
	      + (if .region != null then "\n    region: \($y[.region])" else "" end)
	      + "\n    cloud: \($y[.cloud])"
	      + (if .anycast then "\n    anycast: true" else "" end) );
'

ipr_usage() {
	cat <<EOF
usage: $TOOL [--version YYYY-MM-DD] [--source URL] [FILE | -]
       $TOOL --help

Converts $FEED_NAME to a vigie rules/ip-ranges/*.yaml file on standard
output. FILE is the downloaded feed; without FILE, or with -, it is read from
standard input.

  --version DATE  the file's version: line (default: $VERSION_DEFAULT)
  --source URL    the file's source: line (default: $SOURCE_DEFAULT)
  --help          this text
$USAGE_EXTRA
Ranges are written IPv4 first, then IPv6, each in numeric order of address
and then prefix length, so the output does not depend on the feed's order.
A prefix the feed lists more than once is written once (see contrib/ipranges/README).

Exit status: 0 written; 1 jq missing or failing; 2 bad usage; 3 the input
cannot be read, is not JSON, or is not shaped like $FEED_NAME (the
message names the file).
EOF
}

ipr_die() {
	rc=$1
	shift
	printf '%s: %s\n' "$TOOL" "$*" >&2
	exit "$rc"
}

# ipr_main ARGS...: parses the command line, runs FEED_FILTER and the writer.
ipr_main() {
	opt_version='' opt_source='' input=''
	while [ $# -gt 0 ]; do
		case $1 in
		--help|-h)
			ipr_usage
			exit 0 ;;
		--version|--source)
			[ $# -ge 2 ] || ipr_die 2 "$1 needs a value"
			if [ "$1" = --version ]; then opt_version=$2; else opt_source=$2; fi
			shift 2 ;;
		--version=*) opt_version=${1#*=}; shift ;;
		--source=*) opt_source=${1#*=}; shift ;;
		--) shift; break ;;
		-) break ;;
		-*) ipr_die 2 "unknown option '$1' (see --help)" ;;
		*) break ;;
		esac
	done
	[ $# -le 1 ] || ipr_die 2 "one input file at most (see --help)"
	[ $# -eq 1 ] && input=$1
	[ "$input" = - ] && input=
	# jq would take a file name starting with - for an option.
	case $input in -*) input=./$input ;; esac
	if [ -n "$opt_version" ]; then
		case $opt_version in
		[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]) ;;
		*) ipr_die 2 "--version wants a date YYYY-MM-DD, not '$opt_version'" ;;
		esac
	fi
	case $opt_source in
	*[[:space:]]*) ipr_die 2 "--source must not contain spaces" ;;
	esac

	command -v "$JQ" >/dev/null 2>&1 || ipr_die 1 "jq not found (Debian: apt-get install jq)"

	if [ -n "$input" ]; then
		name=$input
		[ -d "$input" ] && ipr_die 3 "$name: is a directory"
		[ -r "$input" ] || ipr_die 3 "$name: cannot open"
	else
		name=stdin
	fi
	ipr_note=
	if [ -z "$opt_version" ] && command -v ipr_default_version >/dev/null 2>&1; then
		ipr_default_version "$input"
	fi

	ipr_tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipranges.XXXXXX") || ipr_die 1 "cannot make a temporary directory"
	trap 'rm -rf "$ipr_tmp"' EXIT
	trap 'exit 1' HUP INT TERM

	# One document only: slurp and insist on exactly one value.
	set -- -r -s --arg version "$opt_version" --arg source "$opt_source" \
	    --arg source_default "$SOURCE_DEFAULT" \
	    "$IPR_JQLIB
	    if length == 0 then shape(\"empty input\")
	    elif length > 1 then shape(\"more than one JSON document\")
	    else .[0] end
	    | if type != \"object\" then shape(\"the top level is not an object\") else . end
	    | $FEED_FILTER
	    | finish(\"$TOOL\"; \"$WHAT\")"
	[ -n "$input" ] && set -- "$@" "$input"
	if "$JQ" "$@" >"$ipr_tmp/out" 2>"$ipr_tmp/err"; then
		cat "$ipr_tmp/out"
		[ -z "$ipr_note" ] || printf '%s: %s\n' "$TOOL" "$ipr_note" >&2
		exit 0
	fi
	msg=$(head -n 5 "$ipr_tmp/err")
	case $msg in
	*ipranges-shape:*)
		ipr_die 3 "$name: not $FEED_NAME: ${msg##*ipranges-shape: }" ;;
	*"parse error"*)
		ipr_die 3 "$name: not JSON: ${msg#jq: }" ;;
	*)
		# jq stopped on something the checks did not foresee (a field of an
		# unexpected type): still the input's fault.
		ipr_die 3 "$name: not $FEED_NAME: ${msg#jq: error*: }" ;;
	esac
}
