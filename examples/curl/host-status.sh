#!/usr/bin/env bash
# GET /v1/host on a host agent: its name, lockspaces, active LVs with their real lock modes, the last restore. Usage: host-status.sh
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/host"
