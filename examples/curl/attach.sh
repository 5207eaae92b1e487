#!/usr/bin/env bash
# POST /v1/attachments: attach a volume to a host (exclusive when alone; a second host needs multiattach and makes every holder shared). Usage: attach.sh VOLUME_ID HOST [rw|ro]
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$AGENT_URL/v1/attachments" \
  -d "{\"volume_id\":\"${1:?VOLUME_ID}\",\"host\":\"${2:?HOST}\",\"mode\":\"${3:-rw}\"}"
