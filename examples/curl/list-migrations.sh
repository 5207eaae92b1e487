#!/usr/bin/env bash
# GET /v1/migrations: moves in progress. Usage: list-migrations.sh
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/migrations"
