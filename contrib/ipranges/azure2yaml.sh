#!/bin/sh
# azure2yaml.sh - converts Microsoft's Azure Service Tags file to a vigie rules/ip-ranges/*.yaml file.
#
# Feed: "Azure IP Ranges and Service Tags - Public Cloud",
# https://www.microsoft.com/en-us/download/details.aspx?id=56519, a weekly
# ServiceTags_Public_YYYYMMDD.json: values[] {name, id, properties {region,
# platform, systemService, addressPrefixes[]}}. The JSON itself carries no date,
# only change numbers.
# The settings below are read by common.sh; jq programs are in single quotes on purpose.
# shellcheck disable=SC2034,SC2016
set -u

TOOL=azure2yaml.sh
WHAT="Azure IP ranges"
FEED_NAME="an Azure Service Tags file"
SOURCE_DEFAULT='https://www.microsoft.com/en-us/download/details.aspx?id=56519'
VERSION_DEFAULT="the date in a ServiceTags_*_YYYYMMDD.json file name, else today (UTC)"
USAGE_EXTRA="
Only regional tags (properties.region not empty) are used; service is
systemService, or AzureCloud for the AzureCloud.<region> tags whose
systemService is empty. A prefix in AzureCloud.<region> and in a service's tag
keeps the service. The feed has no date: give --version, or keep Microsoft's
file name, or the version is today's UTC date (a note says so on stderr).
The default source is the public cloud's page; for another cloud's file
(\"cloud\" other than Public) --source is required."

# Sets opt_version to the date in the file name (Microsoft names the weekly
# file ServiceTags_Public_YYYYMMDD.json), else to today's UTC date and
# ipr_note to a line saying so (printed once the file is written).
ipr_default_version() {
	opt_version=$(printf '%s\n' "${1##*/}" |
	    sed -n 's/^ServiceTags_.*_\([0-9]\{4\}\)\([01][0-9]\)\([0-3][0-9]\)\.json$/\1-\2-\3/p')
	if [ -z "$opt_version" ]; then
		opt_version=$(date -u +%Y-%m-%d)
		ipr_note="no --version and no date in the file name: version $opt_version (today, UTC)"
	fi
}

# rank: a service's own tag before AzureCloud.<region>, then names, so that the
# choice never depends on the feed's order.
FEED_FILTER='
(.values | if type == "array" then . else shape("\"values\" is not an array") end
 | [ to_entries[]
	| .key as $i | .value as $v
	| if ($v | type) != "object" then shape("values[\($i)] is not an object") else . end
	| str($v; "name"; "values[\($i)]") as $name
	| "values[\($i)] (\($name))" as $at
	| ($v.properties | if type == "object" then . else shape("\($at): \"properties\" is not an object") end) as $pr
	| str($pr; "region"; "\($at).properties") as $r
	| ($pr.systemService | if . == null then "" elif type == "string" then .
	   else shape("\($at).properties: \"systemService\" is not a string") end) as $sys
	| ($pr.addressPrefixes | if type == "array" then . else shape("\($at).properties: \"addressPrefixes\" is not an array") end)
	| to_entries[]
	| .key as $j
	| (.value | if type == "string" then . else shape("\($at).properties.addressPrefixes[\($j)] is not a string") end)
	| { p: ., r: $r, s: (if $sys == "" then "AzureCloud" else $sys end), own: ($sys != ""), name: $name } ]) as $rows
| (.cloud // "Public") as $cloud
| {
	version: $version,
	source: (if $source != "" then $source
		 elif $cloud == "Public" then $source_default
		 else shape("cloud \($cloud | tojson) is not the public cloud: give --source URL") end),
	seen: ($rows | length),
	skipped: ([ $rows[] | select(.r == "") ] | length),
	entries: [ $rows[] | select(.r != "")
		| { prefix: .p, provider: "azure", service: .s, region: .r, cloud: "azure",
		    anycast: false, rank: [ (.own | not), .s, .name ] } ]
  }'

. "$(dirname "$0")/common.sh"
ipr_main "$@"
