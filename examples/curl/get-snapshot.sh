#!/usr/bin/env bash
# GET /v1/snapshots/{id}. Usage: get-snapshot.sh ID
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/snapshots/${1:?ID}"
