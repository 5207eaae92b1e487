#!/usr/bin/env bash
# GET /healthz: liveness and mode (no token needed).
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "$AGENT_URL/healthz"
