package org.servicerecovery.reliability.testapp;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.servicerecovery.reliability.inbox.KafkaCloudEvents;

import io.smallrye.mutiny.Uni;

/** Acked when the transaction committed; a failure (an invalid or refused event) nacks it to the dead-letter topic. */
@ApplicationScoped
public class WorkConsumer {

    private final Effects effects;

    public WorkConsumer(Effects effects) {
        this.effects = effects;
    }

    @Incoming("work")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        return Uni.createFrom().item(() -> KafkaCloudEvents.read(record))
                .chain(effects::apply)
                .replaceWithVoid();
    }
}
