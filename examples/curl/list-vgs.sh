#!/usr/bin/env bash
# GET /v1/vgs: managed VGs with size, free, thin pool, counts, lock type, metadata free. ?refresh=true re-reads LVM.
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/v1/vgs${REFRESH:+?refresh=true}"
