#!/usr/bin/env bash
# POST /v1/migrations: live-migration hand-off, phase 1 (shared on source and target). Usage: migration-start.sh VOLUME_ID TO_HOST [FROM_HOST]
set -euo pipefail
. "$(dirname "$0")/env.sh"
from=${3:+,\"from_host\":\"$3\"}
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$AGENT_URL/v1/migrations" \
  -d "{\"volume_id\":\"${1:?VOLUME_ID}\",\"to_host\":\"${2:?TO_HOST}\"$from}"
