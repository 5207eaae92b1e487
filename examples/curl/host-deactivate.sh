#!/usr/bin/env bash
# POST /v1/host/volumes/{vg}/{lv}/deactivate, or /refresh with REFRESH=1 (reload after a size change elsewhere). Usage: host-deactivate.sh VG LV
set -euo pipefail
. "$(dirname "$0")/env.sh"
action=deactivate
[ "${REFRESH:-}" = 1 ] && action=refresh
"${CURL[@]}" "${AUTH[@]}" -X POST "$AGENT_URL/v1/host/volumes/${1:?VG}/${2:?LV}/$action"
