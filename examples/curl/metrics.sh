#!/usr/bin/env bash
# GET /metrics: Prometheus text (per-operation latency, lvm call counts and durations).
set -euo pipefail
. "$(dirname "$0")/env.sh"
"${CURL[@]}" "${AUTH[@]}" "$AGENT_URL/metrics"
