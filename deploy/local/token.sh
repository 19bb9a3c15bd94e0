#!/usr/bin/env bash
# Prints a signed local JWT: token.sh ROLE SUBJECT [TEAM]. The key pair is created in .data/jwt on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${SR_DATA_DIR:-$PWD/.data}
exec java -cp "libs/local-infra/target/classes:$(cat libs/local-infra/target/runtime-classpath.txt)" \
  org.servicerecovery.localinfra.LocalInfra token "$DATA/jwt" "$@"
