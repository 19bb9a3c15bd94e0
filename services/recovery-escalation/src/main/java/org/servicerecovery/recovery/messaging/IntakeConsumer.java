package org.servicerecovery.recovery.messaging;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.EventType;
import org.servicerecovery.recovery.RecoveryMetrics;
import org.servicerecovery.reliability.inbox.KafkaCloudEvents;

import io.smallrye.mutiny.Uni;

/**
 * Reads intake.events and promise.events. Acked when the event's transaction committed (or when the event is of a type
 * this service does not act on); a failure nacks it to recovery-escalation.dlq.
 */
@ApplicationScoped
public class IntakeConsumer {

    private static final Set<String> ACTED_ON = Set.of(EventType.CUSTOMER_UPSERTED.type(),
            EventType.COMPLAINT_FILED.type(), EventType.FEEDBACK_RECEIVED.type(), EventType.OUTREACH_DELIVERED.type(),
            EventType.PROMISE_MISSED.type());

    private final RecoveryLifecycle lifecycle;
    private final RecoveryMetrics metrics;

    public IntakeConsumer(RecoveryLifecycle lifecycle, RecoveryMetrics metrics) {
        this.lifecycle = lifecycle;
        this.metrics = metrics;
    }

    /** One channel for both topics: both are keyed by customer id, and one consumer group keeps one offset story. */
    @Incoming("inbound")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        return Uni.createFrom().item(() -> KafkaCloudEvents.read(record))
                .chain(this::applyIfActedOn);
    }

    private Uni<Void> applyIfActedOn(CloudEvent event) {
        if (!ACTED_ON.contains(event.type())) {
            return Uni.createFrom().voidItem();
        }
        // Counted only after the commit, so a rolled-back attempt is not counted twice.
        return lifecycle.apply(event).invoke(metrics::count).replaceWithVoid();
    }
}
