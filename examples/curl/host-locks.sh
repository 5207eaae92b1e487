#!/usr/bin/env bash
# GET /v1/host/locks: per held lock, the volumes it covers and its `sanlock client status` line. Usage: host-locks.sh
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/host/locks"
