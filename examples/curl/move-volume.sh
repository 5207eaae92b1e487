#!/usr/bin/env bash
# POST /v1/volumes/{id}/move: move a thick volume's extents to another PV of its VG, online (202 + operation).
# Usage: move-volume.sh ID PV   e.g. move-volume.sh v1 /dev/vdb; then: get-operation.sh OPERATION_ID
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" -X POST -H 'content-type: application/json' \
  -d "{\"pv\":\"${2:?PV}\"}" "$AGENT_URL/v1/volumes/${1:?ID}/move"
