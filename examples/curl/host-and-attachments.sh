#!/usr/bin/env bash
# Host mode and attachments with curl. CONTROL is the control agent (control or all mode), HOST a host
# agent (host or all mode); both take `Authorization: Bearer $TOKEN`. Every error is problem+json.
set -euo pipefail
CONTROL=${CONTROL:-http://127.0.0.1:7480}
HOST=${HOST:-http://compute-1:7480}
TOKEN=${TOKEN:?set TOKEN}
VG=${VG:-sharedvg}
auth=(-H "Authorization: Bearer $TOKEN")
json=(-H 'Content-Type: application/json')

# --- control agent: hosts it knows (config `hosts:`), attachments, migrations ------------------------
curl -sS "${auth[@]}" "$CONTROL/v1/hosts"

# A volume that may be attached to several hosts at once (shared locks).
curl -sS "${auth[@]}" "${json[@]}" -X POST "$CONTROL/v1/volumes" \
  -d '{"id":"db1","name":"db1","vg":"'"$VG"'","size_gib":10,"multiattach":true}'

# Attach: exclusive lock on compute-1 (the only attachment); repeating it answers 200.
curl -sS "${auth[@]}" "${json[@]}" -X POST "$CONTROL/v1/attachments" -d '{"volume_id":"db1","host":"compute-1","mode":"rw"}'
# A second host: compute-1 converts ex->sh in place, compute-2 activates shared (multiattach only).
curl -sS "${auth[@]}" "${json[@]}" -X POST "$CONTROL/v1/attachments" -d '{"volume_id":"db1","host":"compute-2","mode":"ro"}'
curl -sS "${auth[@]}" "$CONTROL/v1/attachments?volume_id=db1"
curl -sS "${auth[@]}" "$CONTROL/v1/attachments/db1/compute-2"
# Detach; the one left goes back to exclusive. ?force=true drops the record of a dead host.
curl -sS "${auth[@]}" -X DELETE "$CONTROL/v1/attachments/db1/compute-2"

# Extend / snapshot an attached volume: the control agent has the holding host run it (409 when
# several hosts hold it shared).
curl -sS "${auth[@]}" "${json[@]}" -X PATCH "$CONTROL/v1/volumes/db1" -d '{"size_gib":20}'
curl -sS "${auth[@]}" "${json[@]}" -X POST "$CONTROL/v1/snapshots" -d '{"volume_id":"db1","name":"before-upgrade"}'

# Live migration hand-off compute-1 -> compute-2: shared on both during the move ...
curl -sS "${auth[@]}" "${json[@]}" -X POST "$CONTROL/v1/migrations" -d '{"volume_id":"db1","to_host":"compute-2"}'
curl -sS "${auth[@]}" "$CONTROL/v1/migrations"
# ... then exclusive on compute-2 (or /abort: back to compute-1).
curl -sS "${auth[@]}" -X POST "$CONTROL/v1/migrations/db1/complete"

# --- host agent: what is active here, with the lock lvmlockd really holds ------------------------------
curl -sS "${auth[@]}" "$HOST/v1/host"                       # name, lockspaces, active LVs, last restore
curl -sS "${auth[@]}" "$HOST/v1/host/volumes"
curl -sS "${auth[@]}" "$HOST/v1/host/volumes/$VG/vol-db1"
curl -sS "${auth[@]}" "$HOST/v1/host/locks"                 # per volume: the `sanlock client status` line
curl -sS "${auth[@]}" "${json[@]}" -X POST "$HOST/v1/host/volumes/$VG/vol-db1/activate" -d '{"lock":"exclusive","access":"ro"}'
curl -sS "${auth[@]}" -X POST "$HOST/v1/host/volumes/$VG/vol-db1/refresh"
curl -sS "${auth[@]}" -X POST "$HOST/v1/host/volumes/$VG/vol-db1/deactivate"
curl -sS "${auth[@]}" -X POST "$HOST/v1/host/vgs/$VG/lock-start"
curl -sS "${auth[@]}" -X POST "$HOST/v1/host/restore"       # what start-up does: lock-start + re-activate ours
