#!/usr/bin/env bash
# GET /v1/volumes, filtered. Usage: list-volumes.sh [QUERY], e.g. "vg=labvg&tag=env=demo" or "name=db"
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/volumes${1:+?$1}"
