#!/usr/bin/env bash
# GET /openapi.json (the contract) and GET /docs (the human page). Usage: openapi.sh [docs]
set -euo pipefail
. "$(dirname "$0")/env.sh"
if [ "${1:-}" = docs ]; then "${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/docs"; else "${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/openapi.json"; fi
