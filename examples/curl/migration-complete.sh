#!/usr/bin/env bash
# POST /v1/migrations/{volume_id}/complete (the source deactivates, the target goes exclusive) or, with ABORT=1, /abort (the target deactivates). Usage: migration-complete.sh VOLUME_ID
set -euo pipefail
. "$(dirname "$0")/env.sh"
action=complete
[ "${ABORT:-}" = 1 ] && action=abort
"${CURL[@]}" "${AUTH[@]}" -X POST "$AGENT_URL/v1/migrations/${1:?VOLUME_ID}/$action"
