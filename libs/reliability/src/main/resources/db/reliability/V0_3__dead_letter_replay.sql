-- Every dead letter re-published to its original topic by the admin replay (GET/POST /api/v1/admin/dead-letters):
-- where it was parked, where it went, when and by whom. A dead letter with a row here is not replayed again unless the
-- replay is forced, which adds another row.
CREATE TABLE dead_letter_replay (
    id               BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dlq_topic        TEXT        NOT NULL,
    dlq_partition    INT         NOT NULL,
    dlq_offset       BIGINT      NOT NULL,
    dead_lettered_at TIMESTAMPTZ NOT NULL,
    reason           TEXT,
    target_topic     TEXT        NOT NULL,
    target_partition INT         NOT NULL,
    target_offset    BIGINT      NOT NULL,
    forced           BOOLEAN     NOT NULL,
    replayed_by      TEXT        NOT NULL,
    replayed_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX dead_letter_replay_parked ON dead_letter_replay (dlq_topic, dlq_partition, dlq_offset);
CREATE INDEX dead_letter_replay_time ON dead_letter_replay (replayed_at);
