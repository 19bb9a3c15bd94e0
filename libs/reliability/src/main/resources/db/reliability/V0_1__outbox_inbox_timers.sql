-- The reliability core's tables, created in the schema of each service that uses it (versions V0_x, applied with
-- Flyway out-of-order so that they never collide with the service's own V1, V2, ... migrations).

-- Events caused by a state change, written in the same transaction; the relay publishes them in id order and deletes
-- them once Kafka acknowledged.
CREATE TABLE outbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     TEXT        NOT NULL,
    topic        TEXT        NOT NULL,
    message_key  TEXT        NOT NULL,
    event_type   TEXT        NOT NULL,
    payload      TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

-- Wakes the relay at commit (notifications are delivered only when the inserting transaction commits).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- One row per event a consumer has applied: the primary key makes a redelivery a no-op.
CREATE TABLE processed_event (
    consumer     TEXT        NOT NULL,
    source       TEXT        NOT NULL,
    event_id     TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (consumer, source, event_id)
);

-- Durable timers: a row per thing that must happen at a time. Deleted in the transaction that performs its effect.
CREATE TABLE timer (
    id          TEXT        PRIMARY KEY,
    kind        TEXT        NOT NULL,
    owner_id    TEXT        NOT NULL,
    due_at      TIMESTAMPTZ NOT NULL,
    payload     TEXT,
    attempts    INT         NOT NULL DEFAULT 0,
    last_error  TEXT,
    parked      BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX timer_due ON timer (due_at) WHERE NOT parked;
CREATE INDEX timer_owner ON timer (kind, owner_id);

-- Wakes the in-memory timer wheel when a timer is scheduled or moved, so an earlier timer is not missed until the next scan.
CREATE FUNCTION timer_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_timer', '');
    RETURN NULL;
END $$;

CREATE TRIGGER timer_scheduled AFTER INSERT OR UPDATE OF due_at ON timer
    FOR EACH STATEMENT EXECUTE FUNCTION timer_notify();
