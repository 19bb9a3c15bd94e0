package org.servicerecovery.recovery.messaging;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventType;
import org.servicerecovery.recovery.RecoveryMetrics;
import org.servicerecovery.recovery.application.RecoveryLifecycle;
import org.servicerecovery.reliability.inbox.CustomerUnitOfWork;
import org.servicerecovery.reliability.inbox.PolledBatch;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Reads intake.events and promise.events a polled batch at a time and applies the batch in one per-customer unit of
 * work ({@link CustomerUnitOfWork}); records this service cannot process go to recovery-escalation.dlq, sent by the
 * consumer itself (inbound-dlq) so that only the bad record of a batch goes.
 */
@ApplicationScoped
public class IntakeAndPromiseEventsConsumer {

    private static final Set<String> ACTED_ON = Set.of(EventType.CUSTOMER_UPSERTED.type(),
            EventType.COMPLAINT_FILED.type(), EventType.FEEDBACK_RECEIVED.type(), EventType.OUTREACH_DELIVERED.type(),
            EventType.PROMISE_MISSED.type(), EventType.PROMISE_MISS_RETRACTED.type());

    private final PolledBatch<List<CustomerEvent>> batch;

    public IntakeAndPromiseEventsConsumer(CustomerUnitOfWork unitOfWork, RecoveryLifecycle lifecycle,
                                          RecoveryMetrics metrics,
                                          @Channel("inbound-dlq") MutinyEmitter<byte[]> deadLetters) {
        this.batch = unitOfWork.consumer(RecoveryLifecycle.CONSUMER, event -> ACTED_ON.contains(event.type()),
                lifecycle::applyFirstDeliveries, metrics::count, deadLetters);
    }

    /** One channel for both topics: both are keyed by customer id, and one consumer group keeps one offset story. */
    @Incoming("inbound")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        return batch.consume(records);
    }
}
