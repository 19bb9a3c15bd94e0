-- Every event intake accepted, as received (structured JSON), for audit and replay. Its primary key is the
-- de-duplication key: an insert that conflicts is a duplicate, decided in the same transaction as the outbox write.
-- Rows older than intake.dedup.retention are removed by the retention job, and with them the key.
CREATE TABLE inbound_event (
    source       TEXT        NOT NULL,
    event_id     TEXT        NOT NULL,
    event_type   TEXT        NOT NULL,
    customer_id  TEXT        NOT NULL,
    channel      TEXT        NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    raw          JSONB       NOT NULL,
    PRIMARY KEY (source, event_id)
);

-- The retention job deletes the oldest rows first.
CREATE INDEX inbound_event_received ON inbound_event (received_at);

-- Tells "published" from "awaiting publication" for the admin view without scanning the outbox.
CREATE INDEX outbox_event_id ON outbox (event_id);
