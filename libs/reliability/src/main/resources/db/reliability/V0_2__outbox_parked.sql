-- Outbox rows that Kafka refused for a reason retrying cannot heal (larger than the broker accepts, an invalid topic,
-- a payload that is no CloudEvent). The relay moves such a row here, in the transaction that deletes the rows published
-- beside it, so it never holds up the rows behind it. An admin retries it (back into the outbox, at its end) or
-- discards it through /api/v1/admin/outbox/parked.
CREATE TABLE outbox_parked (
    id           BIGINT      PRIMARY KEY,   -- the outbox row's id
    event_id     TEXT        NOT NULL,
    topic        TEXT        NOT NULL,
    message_key  TEXT        NOT NULL,
    event_type   TEXT        NOT NULL,
    payload      TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,      -- when the business transaction wrote the event
    reason       TEXT        NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
