#!/usr/bin/env bash
# GET /v1/volumes/{id} (from the cache; REFRESH=1 re-reads LVM). Usage: get-volume.sh ID
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/volumes/${1:?ID}${REFRESH:+?refresh=true}"
