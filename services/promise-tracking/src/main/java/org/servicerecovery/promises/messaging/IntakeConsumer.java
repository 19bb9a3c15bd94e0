package org.servicerecovery.promises.messaging;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.EventType;
import org.servicerecovery.promises.PromiseMetrics;
import org.servicerecovery.reliability.inbox.DatabaseOutages;
import org.servicerecovery.reliability.inbox.DeadLetter;
import org.servicerecovery.reliability.inbox.KafkaCloudEvents;

import io.smallrye.mutiny.Uni;

/**
 * Reads intake.events. Acked when the event's transaction committed (or when the event is of a type this service does
 * not track); a failure nacks it to promise-tracking.dlq.
 */
@ApplicationScoped
public class IntakeConsumer {

    private static final Set<String> TRACKED = Set.of(EventType.CUSTOMER_UPSERTED.type(), EventType.COMMITMENT_MADE.type(),
            EventType.COMMITMENT_FULFILLED.type(), EventType.COMMITMENT_RESCHEDULED.type(),
            EventType.COMMITMENT_CANCELLED.type());

    private final PromiseLifecycle lifecycle;
    private final PromiseMetrics metrics;

    public IntakeConsumer(PromiseLifecycle lifecycle, PromiseMetrics metrics) {
        this.lifecycle = lifecycle;
        this.metrics = metrics;
    }

    @Incoming("intake")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        return Uni.createFrom().item(() -> KafkaCloudEvents.read(record))
                .chain(this::applyIfTracked)
                .onFailure().invoke(failure -> DeadLetter.log(record, failure))
                .replaceWithVoid();
    }

    private Uni<Void> applyIfTracked(CloudEvent event) {
        if (!TRACKED.contains(event.type())) {
            return Uni.createFrom().voidItem();
        }
        // Counted only after the commit, so a rolled-back attempt is not counted twice.
        return DatabaseOutages.retryWhileDown(() -> lifecycle.apply(event)).invoke(metrics::count).replaceWithVoid();
    }
}
