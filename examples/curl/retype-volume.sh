#!/usr/bin/env bash
# POST /v1/volumes/{id}/retype: copy a detached volume to another VG and/or type; it keeps its id (202 + operation).
# Usage: retype-volume.sh ID TYPE [VG]   e.g. retype-volume.sh v1 thin
set -euo pipefail
. "$(dirname "$0")/env.sh"
body="{\"type\":\"${2:?thick|thin}\"${3:+,\"vg\":\"$3\"}}"
"${CURL[@]}" "${AUTH[@]}" -X POST -H 'content-type: application/json' -d "$body" "$AGENT_URL/v1/volumes/${1:?ID}/retype"
