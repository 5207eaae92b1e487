#!/usr/bin/env bash
# POST /v1/volumes as a clone of a volume. Usage: clone-volume.sh ID NAME SOURCE_VOLUME_ID [VG]
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$AGENT_URL/v1/volumes" \
  -d "{\"id\":\"${1:?ID}\",\"name\":\"${2:?NAME}\",\"source_volume_id\":\"${3:?SOURCE_VOLUME_ID}\",\"vg\":\"${4:-labvg}\"}"
