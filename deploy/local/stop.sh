#!/usr/bin/env bash
# Stops exactly what run.sh started, services first so they do not log a vanishing broker or database.
set -uo pipefail
cd "$(dirname "$0")/../.."
DATA=${SR_DATA_DIR:-$PWD/.data}
stop() {
  local pid_file="$DATA/pids/$1.pid"
  [[ -f "$pid_file" ]] || return 0
  local pid; pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { echo "$1 ($pid) did not stop in 20 s; killing"; kill -9 "$pid"; }
    echo "stopped $1 ($pid)"
  fi
  rm -f "$pid_file"
}
for service in console intake promise-tracking recovery-escalation loyalty-scoring; do stop "$service" & done
wait
stop kafka
stop postgres
