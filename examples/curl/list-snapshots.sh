#!/usr/bin/env bash
# GET /v1/snapshots[?volume_id=...]. Usage: list-snapshots.sh [VOLUME_ID]
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/snapshots${1:+?volume_id=$1}"
