#!/usr/bin/env bash
# POST /v1/host/volumes/{vg}/{lv}/activate on a host agent: exclusive|shared, rw|ro (converts ex<->sh in place). Usage: host-activate.sh VG LV exclusive|shared [rw|ro]
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$AGENT_URL/v1/host/volumes/${1:?VG}/${2:?LV}/activate" \
  -d "{\"lock\":\"${3:?LOCK}\",\"access\":\"${4:-rw}\"}"
