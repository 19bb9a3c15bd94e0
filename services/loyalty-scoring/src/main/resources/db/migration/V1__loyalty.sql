-- Every fact a score is computed from, kept for explanations and for rebuilding every score from history.
CREATE TABLE customer_fact (
    customer_id  TEXT        NOT NULL,
    source       TEXT        NOT NULL,
    event_id     TEXT        NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    kind         TEXT        NOT NULL,
    fact         JSONB       NOT NULL,
    PRIMARY KEY (customer_id, source, event_id)
);

CREATE INDEX customer_fact_time ON customer_fact (occurred_at);

-- The current score with its explanation.
CREATE TABLE customer_score (
    customer_id     TEXT PRIMARY KEY,
    team            TEXT,
    tier            TEXT,
    score           INT         NOT NULL,
    band            TEXT        NOT NULL,
    contributions   JSONB       NOT NULL,
    weights_version INT         NOT NULL,
    as_of           TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX customer_score_band ON customer_score (band, score, customer_id);
CREATE INDEX customer_score_team ON customer_score (team, band, score, customer_id);

-- Every change of a customer's score, for the trend chart.
CREATE TABLE score_history (
    customer_id    TEXT        NOT NULL,
    seq            BIGINT GENERATED ALWAYS AS IDENTITY,
    as_of          TIMESTAMPTZ NOT NULL,
    score          INT         NOT NULL,
    band           TEXT        NOT NULL,
    cause_event_id TEXT,
    PRIMARY KEY (customer_id, seq)
);
