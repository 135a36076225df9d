#!/bin/sh
# aws2yaml.sh - converts AWS's published ip-ranges.json to a vigie rules/ip-ranges/*.yaml file.
#
# Feed syntax: https://docs.aws.amazon.com/vpc/latest/userguide/aws-ip-syntax.html
# (createDate "yyyy-mm-dd-hh-mm-ss" UTC; prefixes[] {ip_prefix, region,
# network_border_group, service}; ipv6_prefixes[] the same with ipv6_prefix).
# The settings below are read by common.sh; jq programs are in single quotes on purpose.
# shellcheck disable=SC2034,SC2016
set -u

TOOL=aws2yaml.sh
WHAT="AWS IP ranges"
FEED_NAME="an AWS ip-ranges.json feed"
SOURCE_DEFAULT=https://ip-ranges.amazonaws.com/ip-ranges.json
VERSION_DEFAULT="the date of the feed's createDate"
USAGE_EXTRA="
Region GLOBAL means the traffic may reach any AWS region (AWS's syntax page), and
CloudFront is served from edge locations: both are written anycast: true without
a region. A prefix listed under AMAZON and a specific service keeps the service."

# rank: a specific service before AMAZON (AWS lists every prefix under AMAZON as
# well), then anycast before not, then service and region names so that the
# choice never depends on the feed's order.
FEED_FILTER='
def awsrows($list; $field):
	(.[$list] | if type == "array" then . else shape("\"\($list)\" is not an array") end)
	| to_entries[]
	| .key as $i | .value as $e
	| "\($list)[\($i)]" as $at
	| if ($e | type) != "object" then shape("\($at) is not an object") else . end
	| { p: str($e; $field; $at), r: str($e; "region"; $at), s: str($e; "service"; $at) };

(.createDate
 | if type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}$")
   then .[0:10] else shape("\"createDate\" is not yyyy-mm-dd-hh-mm-ss") end) as $date
| ([ awsrows("prefixes"; "ip_prefix"), awsrows("ipv6_prefixes"; "ipv6_prefix") ]) as $rows
| [ $rows[] | . + { any: (.r == "GLOBAL" or .s == "CLOUDFRONT") } ] as $rows
| {
	version: (if $version != "" then $version else $date end),
	source: (if $source != "" then $source else $source_default end),
	seen: ($rows | length),
	skipped: ([ $rows[] | select(.any | not) | select(.r == "") ] | length),
	entries: [ $rows[] | select(.any or .r != "")
		| { prefix: .p, provider: "aws", service: .s,
		    region: (if .any then null else .r end), cloud: "aws", anycast: .any,
		    rank: [ (.s == "AMAZON"), (.any | not), .s, .r ] } ]
  }'

. "$(dirname "$0")/common.sh"
ipr_main "$@"
