#!/usr/bin/env bash
# GET /v1/hosts: the host agents this control agent attaches volumes on (config `hosts:`). Usage: list-hosts.sh
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/hosts"
