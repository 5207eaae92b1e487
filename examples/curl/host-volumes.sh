#!/usr/bin/env bash
# GET /v1/host/volumes (active here) or /v1/host/volumes/{vg}/{lv} (one LV as this host sees it). Usage: host-volumes.sh [VG LV]
set -euo pipefail
. "$(dirname "$0")/env.sh"
if [ -n "${1:-}" ]; then path="/v1/host/volumes/$1/${2:?LV}"; else path=/v1/host/volumes; fi
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL$path"
