#!/bin/sh
# gcp2yaml.sh - converts Google Cloud's published cloud.json to a vigie rules/ip-ranges/*.yaml file.
#
# Feed: https://www.gstatic.com/ipranges/cloud.json, "global and regional
# external IP address ranges for customers' Google Cloud resources":
# creationTime (ISO 8601), prefixes[] {ipv4Prefix | ipv6Prefix, service, scope},
# where scope is the region.
# The settings below are read by common.sh; jq programs are in single quotes on purpose.
# shellcheck disable=SC2034,SC2016
set -u

TOOL=gcp2yaml.sh
WHAT="Google Cloud IP ranges"
FEED_NAME="a Google Cloud cloud.json feed"
SOURCE_DEFAULT=https://www.gstatic.com/ipranges/cloud.json
VERSION_DEFAULT="the date of the feed's creationTime"
USAGE_EXTRA="
scope becomes region. An empty scope is skipped; a scope of \"global\" (global
load-balancer addresses, served from many places) is written anycast: true
without a region."

FEED_FILTER='
(.creationTime
 | if type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")
   then .[0:10] else shape("\"creationTime\" is not an ISO 8601 date-time") end) as $date
| (.prefixes | if type == "array" then . else shape("\"prefixes\" is not an array") end
   | [ to_entries[]
	| .key as $i | .value as $e
	| "prefixes[\($i)]" as $at
	| if ($e | type) != "object" then shape("\($at) is not an object") else . end
	| { p: (if $e.ipv4Prefix != null then str($e; "ipv4Prefix"; $at)
		elif $e.ipv6Prefix != null then str($e; "ipv6Prefix"; $at)
		else shape("\($at) has neither ipv4Prefix nor ipv6Prefix") end),
	    s: str($e; "service"; $at), r: str($e; "scope"; $at) }
	| . + { any: ((.r | ascii_downcase) == "global") } ]) as $rows
| {
	version: (if $version != "" then $version else $date end),
	source: (if $source != "" then $source else $source_default end),
	seen: ($rows | length),
	skipped: ([ $rows[] | select(.r == "") ] | length),
	entries: [ $rows[] | select(.r != "")
		| { prefix: .p, provider: "gcp", service: .s,
		    region: (if .any then null else .r end), cloud: "gcp", anycast: .any,
		    rank: [ (.any | not), .s, .r ] } ]
  }'

. "$(dirname "$0")/common.sh"
ipr_main "$@"
