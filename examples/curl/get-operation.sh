#!/usr/bin/env bash
# GET /v1/operations/{operation_id}: state (running, succeeded, failed), percent, error.
# Usage: get-operation.sh OPERATION_ID
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/operations/${1:?OPERATION_ID}"
