package org.servicerecovery.loyalty.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.servicerecovery.reliability.inbox.DatabaseOutages;
import org.servicerecovery.reliability.inbox.DeadLetter;
import org.servicerecovery.reliability.inbox.KafkaCloudEvents;

import io.smallrye.mutiny.Uni;

/** Reads the customers' stories; acked when the score's transaction committed, dead-lettered when it failed. */
@ApplicationScoped
public class HistoryConsumer {

    private final Scoring scoring;

    public HistoryConsumer(Scoring scoring) {
        this.scoring = scoring;
    }

    @Incoming("history")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        return Uni.createFrom().item(() -> KafkaCloudEvents.read(record))
                .chain(event -> DatabaseOutages.retryWhileDown(() -> scoring.apply(event)))
                .onFailure().invoke(failure -> DeadLetter.log(record, failure))
                .replaceWithVoid();
    }
}
