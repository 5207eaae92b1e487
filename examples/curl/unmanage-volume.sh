#!/usr/bin/env bash
# POST /v1/volumes/{id}/unmanage: the LV stays, renamed to LV_NAME, without the agent tags. Usage: unmanage-volume.sh ID LV_NAME
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$AGENT_URL/v1/volumes/${1:?ID}/unmanage" -d "{\"lv_name\":\"${2:?LV_NAME}\"}"
