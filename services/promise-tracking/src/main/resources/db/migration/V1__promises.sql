-- One row per commitment. dueAt is the deadline in force; the timers that watch it live in the reliability core's
-- timer table (ids promise:<id>:due and promise:<id>:at-risk).
CREATE TABLE promise (
    id            TEXT        PRIMARY KEY,
    customer_id   TEXT        NOT NULL,
    owner         TEXT        NOT NULL,
    team          TEXT,
    channel       TEXT        NOT NULL,
    tier          TEXT        NOT NULL,
    description   TEXT        NOT NULL,
    made_at       TIMESTAMPTZ NOT NULL,
    due_at        TIMESTAMPTZ NOT NULL,
    state         TEXT        NOT NULL,
    fulfilled_at  TIMESTAMPTZ,
    missed_at     TIMESTAMPTZ,
    cancelled_at  TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- The list endpoint always sorts by due time, usually narrowed to an owner, a team or a customer.
CREATE INDEX promise_due ON promise (due_at, id);
CREATE INDEX promise_owner_due ON promise (owner, due_at);
CREATE INDEX promise_team_due ON promise (team, due_at);
CREATE INDEX promise_customer_due ON promise (customer_id, due_at);
-- Stats select by the time a promise was made; the pending gauge counts this small partial index.
CREATE INDEX promise_made ON promise (made_at);
CREATE INDEX promise_pending ON promise (id) WHERE state = 'PENDING';

CREATE TABLE promise_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    promise_id  TEXT        NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    kind        TEXT        NOT NULL,
    detail      TEXT        NOT NULL
);
CREATE INDEX promise_history_promise ON promise_history (promise_id, id);

-- Fulfilments, reschedules and cancellations that arrived before their commitment.made, applied in arrival order
-- when it comes. The whole CloudEvent is kept (structured JSON), so it is applied exactly as it was received.
CREATE TABLE early_event (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    promise_id   TEXT        NOT NULL,
    event        TEXT        NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX early_event_promise ON early_event (promise_id, id);

-- The latest tier per customer from customer.upserted; it picks the at-risk policy when a promise is made.
CREATE TABLE customer_tier (
    customer_id  TEXT PRIMARY KEY,
    tier         TEXT NOT NULL
);
