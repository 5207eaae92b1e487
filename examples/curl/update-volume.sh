#!/usr/bin/env bash
# PATCH /v1/volumes/{id}: rename and/or grow (a smaller size is a 409 shrink_not_supported). Usage: update-volume.sh ID NEW_NAME NEW_SIZE_GIB
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X PATCH "$AGENT_URL/v1/volumes/${1:?ID}" \
  -d "{\"name\":\"${2:?NEW_NAME}\",\"size_gib\":${3:?NEW_SIZE_GIB}}"
