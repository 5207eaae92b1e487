#!/usr/bin/env bash
# Operations the control agent sends to the host holding an attached volume (normally not called by hand): POST .../extend, POST .../snapshots, DELETE .../snapshots/{snapshot}, POST .../revert, POST/GET .../pvmove. Usage: host-holder-ops.sh VG LV extend SIZE_BYTES | snapshot SNAP_LV COW_BYTES | delete-snapshot SNAP_LV | revert SNAP_LV | pvmove FROM_PV [TO_PV] | pvmove-status
set -euo pipefail
. "$(dirname "$0")/env.sh"
base="$AGENT_URL/v1/host/volumes/${1:?VG}/${2:?LV}"
case "${3:?OP}" in
  extend) "${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$base/extend" -d "{\"size_bytes\":${4:?SIZE_BYTES}}" ;;
  snapshot) "${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$base/snapshots" -d "{\"snapshot_lv_name\":\"${4:?SNAP_LV}\",\"cow_size_bytes\":${5:?COW_BYTES}}" ;;
  delete-snapshot) "${CURL[@]}" "${AUTH[@]}" -X DELETE "$base/snapshots/${4:?SNAP_LV}" ;;
  revert) "${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$base/revert" -d "{\"snapshot_lv_name\":\"${4:?SNAP_LV}\"}" ;;
  pvmove) "${CURL[@]}" "${AUTH[@]}" "${JSON[@]}" -X POST "$base/pvmove" -d "{\"from\":\"${4:?FROM_PV}\"${5:+,\"to\":\"$5\"}}" ;;
  pvmove-status) "${CURL[@]}" "${AUTH[@]}" "$base/pvmove" ;;
  *) echo "unknown operation $3" >&2; exit 2 ;;
esac
