#!/usr/bin/env bash
# POST /v1/reconcile: settle what interrupted changes left half-done (the control agent also does this
# at start-up); answers with each step it took (resumed, finished, rolled back, deactivated, ...).
# Usage: reconcile.sh
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" -X POST "$AGENT_URL/v1/reconcile"
