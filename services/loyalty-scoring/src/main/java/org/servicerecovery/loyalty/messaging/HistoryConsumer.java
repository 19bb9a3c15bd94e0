package org.servicerecovery.loyalty.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.servicerecovery.reliability.inbox.PolledBatch;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Reads the customers' stories a polled batch at a time and scores the batch's events in one transaction
 * ({@link PolledBatch}); records this service cannot process go to loyalty-scoring.dlq, sent by the consumer itself
 * (history-dlq) so that only the bad record of a batch goes.
 */
@ApplicationScoped
public class HistoryConsumer {

    private final PolledBatch<Integer> batch;

    public HistoryConsumer(Scoring scoring, @Channel("history-dlq") MutinyEmitter<byte[]> deadLetters) {
        // Nothing to count after the commit: the scores themselves are the service's output.
        this.batch = new PolledBatch<>(FactMapper::scores, scoring::apply, scored -> { }, deadLetters);
    }

    @Incoming("history")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        return batch.consume(records);
    }
}
