#!/usr/bin/env bash
# POST /v1/volumes/manage: adopt an existing LV, keeping its data. Usage: manage-volume.sh VG LV_NAME [ID] [NAME]
set -euo pipefail
. "$(dirname "$0")/env.sh"
body="{\"vg\":\"${1:?VG}\",\"lv_name\":\"${2:?LV_NAME}\"${3:+,\"id\":\"$3\"}${4:+,\"name\":\"$4\"}}"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$AGENT_URL/v1/volumes/manage" -d "$body"
