# Sourced by every example: where the agent is and the bearer token.
#   AGENT_URL   default http://127.0.0.1:7480 (the lab forwards node a's agent to 127.0.0.1:17480)
#   AGENT_TOKEN one of the agent's tokens (--token / SHAREDLVM_TOKENS)
AGENT_URL=${AGENT_URL:-http://127.0.0.1:7480}
: "${AGENT_TOKEN:?set AGENT_TOKEN to one of the bearer tokens of the agent}"
AUTH=(-H "Authorization: Bearer ${AGENT_TOKEN}")
JSON=(-H 'Content-Type: application/json')
# -sS: quiet but show errors; --fail-with-body: non-zero exit on 4xx/5xx, still print the problem+json.
CURL=(curl -sS --fail-with-body)
