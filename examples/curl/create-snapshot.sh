#!/usr/bin/env bash
# POST /v1/snapshots: COW for thick volumes (COW size defaults to the volume size), thin snapshot for thin ones. Usage: create-snapshot.sh ID VOLUME_ID NAME
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$AGENT_URL/v1/snapshots" \
  -d "{\"id\":\"${1:?ID}\",\"volume_id\":\"${2:?VOLUME_ID}\",\"name\":\"${3:?NAME}\"}"
