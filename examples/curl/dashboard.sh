#!/usr/bin/env bash
# GET /dashboard: the read-only HTML dashboard (open it in a browser; the page asks for the token).
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/dashboard"
