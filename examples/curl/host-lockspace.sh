#!/usr/bin/env bash
# POST /v1/host/vgs/{vg}/lock-start or lock-stop on a host agent. Usage: host-lockspace.sh VG start|stop
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" -X POST "$AGENT_URL/v1/host/vgs/${1:?VG}/lock-${2:?start|stop}"
