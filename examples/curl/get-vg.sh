#!/usr/bin/env bash
# GET /v1/vgs/{vg}. Usage: get-vg.sh VG
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/vgs/${1:?VG}"
