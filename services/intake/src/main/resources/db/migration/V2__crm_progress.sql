-- How far intake has got on each crm.events partition: every record of the partition with a timestamp before
-- received_until is committed (stored and in the outbox, or dead-lettered). The consumer moves a partition's row after
-- each batch; the watermark job moves it to "now" while the partition is read to its end. The smallest over all
-- partitions is the watermark intake publishes on intake.events (docs/intake.md#watermark).
CREATE TABLE crm_progress (
    partition       INT         PRIMARY KEY,
    received_until  TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
