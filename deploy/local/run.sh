#!/usr/bin/env bash
# Starts PostgreSQL, Kafka and the five services on 127.0.0.1 in the background, waits until every one is ready, and
# prints the console URL with a ready-to-use agent token. Idempotent: what already runs is kept. Stop with stop.sh.
# External infrastructure: set KAFKA_BOOTSTRAP_SERVERS and/or DB_JDBC_URL + DB_REACTIVE_URL (+ DB_USER, DB_PASSWORD).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DATA=${SR_DATA_DIR:-$ROOT/.data}
PG_PORT=${PG_PORT:-5432}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
READY_TIMEOUT=${READY_TIMEOUT:-90}
SERVICES=(console:8080 intake:8081 promise-tracking:8082 recovery-escalation:8083 loyalty-scoring:8084)
mkdir -p "$DATA/pids" "$DATA/logs"

infra_cp() { echo "$ROOT/libs/local-infra/target/classes:$(cat "$ROOT/libs/local-infra/target/runtime-classpath.txt")"; }
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
fail() { echo "ERROR: $*" >&2; exit 1; }

CP=$(infra_cp)
java -cp "$CP" org.servicerecovery.localinfra.LocalInfra token "$DATA/jwt" agent warmup >/dev/null

EMBEDDED_PG=false
if [[ -z "${DB_JDBC_URL:-}" ]]; then
  EMBEDDED_PG=true
  if ! alive "$DATA/pids/postgres.pid" || ! port_open "$PG_PORT"; then
    alive "$DATA/pids/postgres.pid" && kill "$(cat "$DATA/pids/postgres.pid")" && sleep 1
    nohup java -Xmx128m -cp "$CP" org.servicerecovery.localinfra.LocalInfra postgres "$DATA/postgres" "$PG_PORT" \
      >>"$DATA/logs/postgres.log" 2>&1 &
    echo $! >"$DATA/pids/postgres.pid"
  fi
  export DB_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/servicerecovery"
  export DB_REACTIVE_URL="postgresql://127.0.0.1:$PG_PORT/servicerecovery"
fi

if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  if ! alive "$DATA/pids/kafka.pid"; then
    java -cp "$CP" org.servicerecovery.localinfra.LocalInfra kafka "$DATA/kafka" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" \
      "$DATA/pids/kafka.pid" || fail "Kafka did not start, see $DATA/kafka/broker.log"
  fi
  export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT"
fi

if $EMBEDDED_PG; then
  for _ in $(seq 1 60); do port_open "$PG_PORT" && break; sleep 0.5; done
  port_open "$PG_PORT" || fail "PostgreSQL did not start, see $DATA/logs/postgres.log"
fi

export JWT_PUBLIC_KEY_LOCATION=${JWT_PUBLIC_KEY_LOCATION:-file://$DATA/jwt/public.pem}
for entry in "${SERVICES[@]}"; do
  service=${entry%%:*}
  pid_file="$DATA/pids/$service.pid"
  alive "$pid_file" && continue
  jar="$ROOT/services/$service/target/quarkus-app/quarkus-run.jar"
  [[ -f "$jar" ]] || fail "$jar missing: build first (make build)"
  # Local sign-in: only the console gets the private key, so only it can sign demo users' tokens (docs/console.md).
  signin_key=""
  [[ $service == console ]] && signin_key="$DATA/jwt/private.pem"
  CONSOLE_SIGNIN_PRIVATE_KEY=$signin_key nohup java -Xmx256m -XX:+UseSerialGC -jar "$jar" >>"$DATA/logs/$service.log" 2>&1 &
  echo $! >"$pid_file"
done

deadline=$((SECONDS + READY_TIMEOUT))
for entry in "${SERVICES[@]}"; do
  service=${entry%%:*}; port=${entry##*:}
  until curl -fsS "http://127.0.0.1:$port/q/health/ready" 2>/dev/null | grep -q '"status": *"UP"'; do
    alive "$DATA/pids/$service.pid" || fail "$service exited, see $DATA/logs/$service.log"
    (( SECONDS < deadline )) || fail "$service not ready within ${READY_TIMEOUT}s, see $DATA/logs/$service.log"
    sleep 0.5
  done
  echo "  $service ready on http://127.0.0.1:$port"
done

TOKEN=$(java -cp "$CP" org.servicerecovery.localinfra.LocalInfra token "$DATA/jwt" agent alice blue)
cat <<MSG

service-recovery is running.
  Console:  http://127.0.0.1:8080/   (sign in as alice or rita (agents, teams blue/red), sam (supervisor) or admin)
  Kafka:    $KAFKA_BOOTSTRAP_SERVERS      PostgreSQL: $DB_JDBC_URL
  Logs:     $DATA/logs/       Stop: make stop
  Agent token (alice, team blue):
    $TOKEN
  e.g. curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:8082/api/v1/me
MSG
