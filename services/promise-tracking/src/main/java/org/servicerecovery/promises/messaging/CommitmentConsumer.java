package org.servicerecovery.promises.messaging;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventType;
import org.servicerecovery.promises.PromiseMetrics;
import org.servicerecovery.promises.application.PromiseLifecycle;
import org.servicerecovery.reliability.inbox.CustomerUnitOfWork;
import org.servicerecovery.reliability.inbox.PolledBatch;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Reads the commitments (commitment.*) and the customers' tiers (customer.upserted) from intake.events, a polled batch
 * at a time in one per-customer unit of work ({@link CustomerUnitOfWork}): one commit for hundreds of events. Records
 * this service cannot process go to promise-tracking.dlq, sent by the consumer itself (intake-dlq) so that only the bad
 * record of a batch goes.
 */
@ApplicationScoped
public class CommitmentConsumer {

    /** The name of its idempotent-consumer records and the scope of its customer locks. */
    static final String CONSUMER = "promise-tracking";

    private static final Set<String> TRACKED = Set.of(EventType.CUSTOMER_UPSERTED.type(), EventType.COMMITMENT_MADE.type(),
            EventType.COMMITMENT_FULFILLED.type(), EventType.COMMITMENT_RESCHEDULED.type(),
            EventType.COMMITMENT_CANCELLED.type());

    private final PolledBatch<List<CustomerEvent>> batch;

    public CommitmentConsumer(CustomerUnitOfWork unitOfWork, PromiseLifecycle lifecycle, PromiseMetrics metrics,
                              @Channel("intake-dlq") MutinyEmitter<byte[]> deadLetters) {
        this.batch = unitOfWork.consumer(CONSUMER, event -> TRACKED.contains(event.type()),
                lifecycle::applyFirstDeliveries, metrics::count, deadLetters);
    }

    @Incoming("intake")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        return batch.consume(records);
    }
}
