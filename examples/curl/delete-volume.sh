#!/usr/bin/env bash
# DELETE /v1/volumes/{id}[?wipe=zero|discard] (409 while it has snapshots or attachments). Usage: delete-volume.sh ID [none|zero|discard]
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" -X DELETE -w "%{http_code}\n" "$AGENT_URL/v1/volumes/${1:?ID}?wipe=${2:-none}"
