#!/usr/bin/env bash
# GET /v1/operations[?volume_id=ID]: long operations (move, retype, wipe), running and recently finished.
# Usage: list-operations.sh [VOLUME_ID]
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/operations${1:+?volume_id=$1}"
