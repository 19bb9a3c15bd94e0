package org.servicerecovery.recovery.messaging;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.servicerecovery.events.DeadLetterHeaders;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Puts an inbound record this service cannot process on recovery-escalation.dlq: key, value and headers unchanged,
 * plus the dead-letter-* headers SmallRye's own strategy writes. By hand, because SmallRye's strategy would dead-letter
 * a whole failed batch, not the one record that broke it.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final MutinyEmitter<byte[]> emitter;

    public DeadLetters(@Channel("inbound-dlq") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Completes when Kafka acknowledged the dead letter, so the original's offset is committed only after that. */
    public Uni<Void> send(ConsumerRecord<String, byte[]> record, Throwable failure) {
        LOG.errorf("Dead-lettering %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), failure);
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(DeadLetterHeaders.REASON, utf8(String.valueOf(failure.getMessage())));
        if (failure.getCause() != null) {
            headers.add(DeadLetterHeaders.CAUSE, utf8(String.valueOf(failure.getCause().getMessage())));
        }
        headers.add(DeadLetterHeaders.TOPIC, utf8(record.topic()));
        headers.add(DeadLetterHeaders.PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(DeadLetterHeaders.OFFSET, utf8(Long.toString(record.offset())));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(record.value()).addMetadata(metadata));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
