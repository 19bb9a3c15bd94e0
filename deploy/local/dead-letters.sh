#!/usr/bin/env bash
# Lists or replays a running service's dead letters: dead-letters.sh list|replay|replays SERVICE [name=value ...]
# (see make dead-letters / make replay). Signs an admin token with the local key in .data/jwt unless TOKEN is set.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${SR_DATA_DIR:-$PWD/.data}
exec java -cp "libs/local-infra/target/classes:$(cat libs/local-infra/target/runtime-classpath.txt)" \
  org.servicerecovery.localinfra.DeadLetters "$DATA/jwt" "$@"
