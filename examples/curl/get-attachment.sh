#!/usr/bin/env bash
# GET /v1/attachments/{volume_id}/{host}. Usage: get-attachment.sh VOLUME_ID HOST
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/attachments/${1:?VOLUME_ID}/${2:?HOST}"
