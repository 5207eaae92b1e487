#!/usr/bin/env bash
# POST /v1/volumes with type thin and an Idempotency-Key (the id is derived from the key). Usage: create-thin-volume.sh KEY NAME SIZE_GIB [VG]
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -H "Idempotency-Key: ${1:?KEY}" -X POST "$AGENT_URL/v1/volumes" \
  -d "{\"name\":\"${2:?NAME}\",\"size_gib\":${3:?SIZE_GIB},\"type\":\"thin\",\"vg\":\"${4:-labvg}\"}"
