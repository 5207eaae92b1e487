#!/usr/bin/env bash
# POST /v1/host/restore: what a host agent does at start-up (lock-start, re-activate its recorded attachments). Usage: host-restore.sh
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" -X POST "$AGENT_URL/v1/host/restore"
