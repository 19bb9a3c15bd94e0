package org.servicerecovery.reliability.deadletters;

import java.time.Instant;
import java.util.List;

/** What the dead-letter endpoints answer. */
public final class DeadLetterViews {

    private DeadLetterViews() {
    }

    /**
     * A parked record as an admin triages it: where it is parked and since when, why, where it came from, which
     * CloudEvent it carries (binary mode), and when it was last replayed (null if never).
     */
    public record Item(int partition, long offset, Instant deadLetteredAt, String key, String reason, String cause,
                       String originalTopic, Integer originalPartition, Long originalOffset, String eventType,
                       String eventId, String eventSource, Instant lastReplayedAt) {

        static Item of(ParkedRecord parked, Instant lastReplayedAt) {
            return new Item(parked.partition(), parked.offset(), parked.deadLetteredAt(), parked.keyText(),
                    parked.reason(), parked.cause(), parked.originalTopic(), parked.originalPartition(),
                    parked.originalOffset(), parked.header("ce_type"), parked.header("ce_id"),
                    parked.header("ce_source"), lastReplayedAt);
        }
    }

    /** {@code matched}: how many dead letters match; {@code items}: the first {@code limit} of them, oldest first. */
    public record Listing(String topic, int matched, List<Item> items) {
    }

    /** Re-published (or, in a dry run, would be) to {@code targetTopic}; partition and offset as the broker assigned. */
    public record Replayed(int partition, long offset, String key, String reason, String targetTopic,
                           Integer targetPartition, Long targetOffset) {
    }

    /** Matched but not replayed, and why. */
    public record Skipped(int partition, long offset, String key, String why) {
    }

    /**
     * One replay: every dead letter the filter matched is in exactly one of {@code replayed}, {@code skipped} or
     * {@code failed} (Kafka refused it; the replay stopped there and can be run again).
     */
    public record Replay(String topic, boolean dryRun, boolean force, int matched, List<Replayed> replayed,
                         List<Skipped> skipped, List<Skipped> failed) {
    }
}
