#!/usr/bin/env bash
# POST /v1/volumes: a thick volume. Usage: create-volume.sh ID NAME SIZE_GIB [VG]. Repeating it with the same ID returns the volume (200) instead of a second LV.
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$AGENT_URL/v1/volumes" \
  -d "{\"id\":\"${1:?ID}\",\"name\":\"${2:?NAME}\",\"size_gib\":${3:?SIZE_GIB},\"vg\":\"${4:-labvg}\",\"tags\":[\"env=demo\"]}"
