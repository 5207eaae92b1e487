#!/usr/bin/env bash
# GET /v1/attachments?volume_id=&host=: attachment records (LV tags). Usage: list-attachments.sh [VOLUME_ID] [HOST]
set -euo pipefail
. "$(dirname "$0")/env.sh"
query=""
[ -n "${1:-}" ] && query="volume_id=$1"
[ -n "${2:-}" ] && query="${query:+$query&}host=$2"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/attachments${query:+?$query}"
