package org.servicerecovery.intake.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.servicerecovery.intake.application.Intake;
import org.servicerecovery.intake.domain.Verdict;
import org.servicerecovery.reliability.inbox.DeadLetter;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Puts a crm.events record that breaks the contract on crm.events.dlq ({@link DeadLetter}), the reason listing every
 * problem by JSON pointer; or one the database refused, with the database's message as the cause.
 */
@ApplicationScoped
public class CrmDeadLetters {

    private final MutinyEmitter<byte[]> emitter;

    public CrmDeadLetters(@Channel("crm-dlq") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Completes when Kafka acknowledged the dead letter, so the original's offset is committed only after that. */
    public Uni<Void> send(ConsumerRecord<String, byte[]> record, Verdict.Invalid invalid) {
        return emitter.sendMessage(DeadLetter.of(record, invalid.reason(), null));
    }

    /** A record that passed validation but that the database refused; the cause is the database's message. */
    public Uni<Void> send(ConsumerRecord<String, byte[]> record, Intake.Refusal refusal) {
        return emitter.sendMessage(DeadLetter.of(record, "The event " + refusal.reason(), refusal.detail()));
    }
}
