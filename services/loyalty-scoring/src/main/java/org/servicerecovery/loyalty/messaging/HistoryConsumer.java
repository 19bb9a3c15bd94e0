package org.servicerecovery.loyalty.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.servicerecovery.loyalty.application.FactMapper;
import org.servicerecovery.loyalty.application.Scoring;
import org.servicerecovery.reliability.inbox.CustomerUnitOfWork;
import org.servicerecovery.reliability.inbox.PolledBatch;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Reads the customers' stories a polled batch at a time and scores the batch's first deliveries in the per-customer
 * unit of work ({@link CustomerUnitOfWork}: the batch's customers locked in one order, one transaction); records this
 * service cannot process go to loyalty-scoring.dlq, sent by the consumer itself (history-dlq) so that only the bad
 * record of a batch goes.
 */
@ApplicationScoped
public class HistoryConsumer {

    private final PolledBatch<Void> batch;

    public HistoryConsumer(CustomerUnitOfWork unitOfWork, Scoring scoring,
                           @Channel("history-dlq") MutinyEmitter<byte[]> deadLetters) {
        // Nothing to count after the commit: the scores themselves are the service's output.
        this.batch = unitOfWork.consumer(Scoring.CONSUMER, FactMapper::scores, scoring::scoreFirstDeliveries,
                committed -> { }, deadLetters);
    }

    @Incoming("history")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        return batch.consume(records);
    }
}
