package org.servicerecovery.reliability.inbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.IntakeWatermark;
import org.servicerecovery.reliability.InOrder;
import org.servicerecovery.reliability.watermark.InputWatermarks;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Applies a polled batch of records in one transaction (one commit for hundreds of events) instead of one per record.
 * A record that cannot be read is dead-lettered at once. If the batch's transaction fails, its events are applied
 * again one by one, each in its own transaction, in their order, and only those that fail on their own are
 * dead-lettered. The returned Uni completes when all of that is done: then the batch's offsets may be committed.
 * <p>
 * Intake's watermark records ({@link IntakeWatermark}) are no events: they are never handed to {@code apply}, never
 * recorded as processed and never dead-lettered (a malformed one is logged and skipped). The largest read per partition
 * is stored after the batch's events committed, so a stored watermark never runs ahead of the events before it.
 *
 * @param actedOn the events the service handles; other records are passed over untouched
 * @param apply applies events in their order in one transaction, returning what it committed (e.g. the domain events
 *              it published); a redelivered event (also a second copy in the same list) must change nothing
 * @param committed told what each committed transaction returned (for the metrics), after the commit
 * @param deadLetters the service's dead-letter channel
 * @param watermarks stores the input watermarks read ({@link IntakeWatermark} records), in a transaction of its own
 * @param <T> what a transaction returns
 */
public record PolledBatch<T>(Predicate<CloudEvent> actedOn, Function<List<CloudEvent>, Uni<T>> apply,
                             Consumer<T> committed, MutinyEmitter<byte[]> deadLetters,
                             Function<List<InputWatermarks.Seen>, Uni<Void>> watermarks) {

    private static final Logger LOG = Logger.getLogger(PolledBatch.class);

    private record Inbound(ConsumerRecord<String, byte[]> record, CloudEvent event) {
    }

    private record Unreadable(ConsumerRecord<String, byte[]> record, RuntimeException failure) {
    }

    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<Inbound> inbound = new ArrayList<>(records.count());
        List<Unreadable> unreadable = new ArrayList<>();
        List<InputWatermarks.Seen> seen = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            CloudEvent event;
            try {
                event = KafkaCloudEvents.read(record);
            } catch (RuntimeException failure) {
                unreadable.add(new Unreadable(record, failure));
                continue;
            }
            if (IntakeWatermark.is(event)) {
                watermark(record, event).ifPresent(seen::add);
                continue;
            }
            try {
                if (actedOn.test(event)) {
                    inbound.add(new Inbound(record, event));
                }
            } catch (RuntimeException failure) {
                unreadable.add(new Unreadable(record, failure));
            }
        }
        Uni<Void> deadLettered = InOrder.forEach(unreadable, bad -> deadLetter(bad.record(), bad.failure()));
        Uni<Void> applied = inbound.isEmpty() ? deadLettered
                : deadLettered.chain(() -> applyCounted(inbound.stream().map(Inbound::event).toList())
                        .onFailure().recoverWithUni(failure -> {
                            LOG.warnf("A batch of %d events failed (%s); applying them one by one", inbound.size(), failure);
                            return InOrder.forEach(inbound, one -> applyCounted(List.of(one.event()))
                                    .onFailure().recoverWithUni(alone -> deadLetter(one.record(), alone)));
                        }));
        return seen.isEmpty() ? applied
                : applied.chain(() -> DatabaseOutages.retryWhileDown(() -> watermarks.apply(seen)));
    }

    private static Optional<InputWatermarks.Seen> watermark(ConsumerRecord<String, byte[]> record, CloudEvent event) {
        try {
            IntakeWatermark watermark = IntakeWatermark.read(event);
            return Optional.of(new InputWatermarks.Seen(record.topic(), record.partition(),
                    watermark.watermark().toInstant(), watermark.partitions()));
        } catch (RuntimeException malformed) {
            LOG.warnf("Skipped a malformed %s record at %s-%d@%d: %s", IntakeWatermark.TYPE, record.topic(),
                    record.partition(), record.offset(), malformed.getMessage());
            return Optional.empty();
        }
    }

    private Uni<Void> applyCounted(List<CloudEvent> events) {
        // Counted only after the commit, so a rolled-back attempt is not counted twice.
        return DatabaseOutages.retryWhileDown(() -> apply.apply(events)).invoke(committed).replaceWithVoid();
    }

    /** Completes when Kafka acknowledged the dead letter, so the original's offset is committed only after that. */
    private Uni<Void> deadLetter(ConsumerRecord<String, byte[]> record, Throwable failure) {
        String cause = failure.getCause() == null ? null : String.valueOf(failure.getCause().getMessage());
        return deadLetters.sendMessage(DeadLetter.of(record, String.valueOf(failure.getMessage()), cause));
    }
}
