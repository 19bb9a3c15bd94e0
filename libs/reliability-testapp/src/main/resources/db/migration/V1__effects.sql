-- Deliberately without unique keys: a timer fired twice or an event applied twice shows up as a second row.
CREATE TABLE timer_effect (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    timer_id  TEXT NOT NULL,
    fired_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE event_effect (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id  TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
