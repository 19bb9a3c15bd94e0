-- An outbox row may name the partition it must go to (NULL: the key's partition, as Kafka's partitioner picks it).
-- Intake's watermark records go to every partition of intake.events, one row each.
ALTER TABLE outbox ADD COLUMN kafka_partition INT;
ALTER TABLE outbox_parked ADD COLUMN kafka_partition INT;

-- The input watermark of a service: per partition of an input topic, the highest intake.watermark read there (a
-- watermark is stored only after the events before it in its partition committed). The service's watermark on a topic
-- is the smallest over the topic's partitions, known once every partition has a row (docs/reliability.md).
CREATE TABLE input_watermark (
    topic       TEXT        NOT NULL,
    partition   INT         NOT NULL,
    watermark   TIMESTAMPTZ NOT NULL,
    partitions  INT         NOT NULL,   -- how many partitions the topic has, as the record says
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (topic, partition)
);

-- Timers that wait for the watermark become due when it advances: wake the timer loop as a scheduled timer does.
CREATE TRIGGER input_watermark_advanced AFTER INSERT OR UPDATE OF watermark ON input_watermark
    FOR EACH STATEMENT EXECUTE FUNCTION timer_notify();
