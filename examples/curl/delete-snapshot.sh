#!/usr/bin/env bash
# DELETE /v1/snapshots/{id}. Usage: delete-snapshot.sh ID
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" -X DELETE -w "%{http_code}\n" "$AGENT_URL/v1/snapshots/${1:?ID}"
