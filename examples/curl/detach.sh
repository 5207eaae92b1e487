#!/usr/bin/env bash
# DELETE /v1/attachments/{volume_id}/{host}: the host deactivates, the record goes; one holder left returns to exclusive. FORCE=true drops the record of a dead host. Usage: detach.sh VOLUME_ID HOST
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" -X DELETE "$AGENT_URL/v1/attachments/${1:?VOLUME_ID}/${2:?HOST}${FORCE:+?force=$FORCE}"
