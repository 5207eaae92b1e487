#!/usr/bin/env bash
# POST /v1/volumes/{id}/revert: back to a snapshot (volume detached; the snapshot is merged away). Usage: revert-volume.sh ID SNAPSHOT_ID
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$AGENT_URL/v1/volumes/${1:?ID}/revert" -d "{\"snapshot_id\":\"${2:?SNAPSHOT_ID}\"}"
