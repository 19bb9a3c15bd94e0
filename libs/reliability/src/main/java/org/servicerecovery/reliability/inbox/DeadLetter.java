package org.servicerecovery.reliability.inbox;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.TextRules;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * A dead letter for one inbound record, for consumers that dead-letter by hand (SmallRye's own strategy dead-letters a
 * whole failed batch, not the one record that broke it): key, value and headers unchanged, plus the dead-letter-*
 * headers that strategy writes.
 */
public final class DeadLetter {

    private static final Logger LOG = Logger.getLogger(DeadLetter.class);

    private DeadLetter() {
    }

    /**
     * {@code cause}: what lies behind the reason, or null. Logged too: SmallRye's own nack log line has no reason. The
     * key and reason come from the record, so the log line has them printable (no control characters to forge lines).
     */
    public static Message<byte[]> of(ConsumerRecord<String, byte[]> record, String reason, String cause) {
        LOG.warnf("Dead-lettering %s-%d@%d (key %s): %s%s", record.topic(), record.partition(), record.offset(),
                TextRules.printable(record.key(), 200), TextRules.printable(reason, 2000),
                cause == null ? "" : " (" + TextRules.printable(cause, 2000) + ")");
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(DeadLetterHeaders.REASON, utf8(reason));
        if (cause != null) {
            headers.add(DeadLetterHeaders.CAUSE, utf8(cause));
        }
        headers.add(DeadLetterHeaders.TOPIC, utf8(record.topic()));
        headers.add(DeadLetterHeaders.PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(DeadLetterHeaders.OFFSET, utf8(Long.toString(record.offset())));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        return Message.of(record.value()).addMetadata(metadata);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
