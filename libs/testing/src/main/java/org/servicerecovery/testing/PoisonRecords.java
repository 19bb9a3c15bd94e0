package org.servicerecovery.testing;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.DeadLetterHeaders;

/**
 * Kafka records a buggy or hostile producer could write straight onto a topic, bypassing intake's checks, and the
 * dead letters a consumer writes: what the poison tests and the replay tests send.
 */
public final class PoisonRecords {

    private PoisonRecords() {
    }

    /**
     * The event in binary mode with {@code text} in its data JSON replaced by {@code json}, taken as raw JSON text: so
     * a JSON escape of NUL or of a lone surrogate (U+D800) reaches the consumer's parser as it was sent.
     */
    public static ProducerRecord<String, byte[]> withDataText(String topic, CloudEvent event, String text, String json) {
        ProducerRecord<String, byte[]> record = TopicWriter.binary(topic, event);
        String data = new String(record.value(), StandardCharsets.UTF_8);
        if (!data.contains(text)) {
            throw new IllegalArgumentException("the data of " + event.type() + " does not contain " + text);
        }
        return new ProducerRecord<>(topic, null, record.key(), data.replace(text, json).getBytes(StandardCharsets.UTF_8),
                record.headers());
    }

    /**
     * The event with an id of {@code length} random ASCII letters and digits. A B-tree index entry holds about 2,700
     * bytes after compression, so the id must not compress: a run of one letter would fit.
     */
    public static CloudEvent withLongId(CloudEvent event, int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        Random random = new Random(event.id().hashCode());
        StringBuilder id = new StringBuilder(event.id()).append('-');
        while (id.length() < length) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return new CloudEvent(event.specversion(), id.toString(), event.source(), event.type(), event.subject(), event.time(),
                event.datacontenttype(), event.dataschema(), event.data(), event.extensions());
    }

    /** Bytes that are no CloudEvent in either mode: no ce_* headers, no content-type, not JSON. */
    public static ProducerRecord<String, byte[]> garbage(String topic, String key) {
        byte[] bytes = new byte[64];
        new Random(key.hashCode()).nextBytes(bytes);
        return new ProducerRecord<>(topic, key, bytes);
    }

    /**
     * A dead letter as a consumer writes it: the original's key, value and headers plus the dead-letter-* headers
     * naming where it was read.
     */
    public static ProducerRecord<String, byte[]> deadLetter(String deadLetterTopic, ProducerRecord<String, byte[]> original,
                                                            int partition, long offset, String reason) {
        ProducerRecord<String, byte[]> parked = new ProducerRecord<>(deadLetterTopic, null, original.key(), original.value(),
                original.headers());
        parked.headers().add(DeadLetterHeaders.REASON, utf8(reason));
        parked.headers().add(DeadLetterHeaders.TOPIC, utf8(original.topic()));
        parked.headers().add(DeadLetterHeaders.PARTITION, utf8(Integer.toString(partition)));
        parked.headers().add(DeadLetterHeaders.OFFSET, utf8(Long.toString(offset)));
        return parked;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
