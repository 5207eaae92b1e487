#!/usr/bin/env bash
# POST /v1/volumes from a snapshot (thin: thin snapshot; thick: data copy). Usage: create-volume-from-snapshot.sh ID NAME SNAPSHOT_ID [VG]
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$AGENT_URL/v1/volumes" \
  -d "{\"id\":\"${1:?ID}\",\"name\":\"${2:?NAME}\",\"source_snapshot_id\":\"${3:?SNAPSHOT_ID}\",\"vg\":\"${4:-labvg}\"}"
