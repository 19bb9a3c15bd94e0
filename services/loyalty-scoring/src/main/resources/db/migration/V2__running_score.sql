-- Each customer's running score (ScoreState, encoded by ScoreStateCodec): what scoring a new fact needs, so that it
-- costs the same with ten facts or ten thousand. Valid only for the weights version it was built with.
CREATE TABLE customer_score_state (
    customer_id     TEXT PRIMARY KEY,
    weights_version INT   NOT NULL,
    state           BYTEA NOT NULL
);

-- Written on every scored event: leave it uncompressed rather than spend CPU compressing it each time.
ALTER TABLE customer_score_state ALTER COLUMN state SET STORAGE EXTERNAL;
