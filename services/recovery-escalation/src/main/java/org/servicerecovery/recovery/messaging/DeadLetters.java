package org.servicerecovery.recovery.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.servicerecovery.reliability.inbox.DeadLetter;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Puts an inbound record this service cannot process on recovery-escalation.dlq ({@link DeadLetter}, which logs why).
 */
@ApplicationScoped
public class DeadLetters {

    private final MutinyEmitter<byte[]> emitter;

    public DeadLetters(@Channel("inbound-dlq") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Completes when Kafka acknowledged the dead letter, so the original's offset is committed only after that. */
    public Uni<Void> send(ConsumerRecord<String, byte[]> record, Throwable failure) {
        String cause = failure.getCause() == null ? null : String.valueOf(failure.getCause().getMessage());
        return emitter.sendMessage(DeadLetter.of(record, String.valueOf(failure.getMessage()), cause));
    }
}
