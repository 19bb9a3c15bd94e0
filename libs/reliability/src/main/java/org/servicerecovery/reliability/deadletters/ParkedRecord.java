package org.servicerecovery.reliability.deadletters;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.servicerecovery.events.DeadLetterHeaders;

/**
 * One record of a dead-letter topic: where it is parked, since when, and what its dead-letter-* headers say about the
 * original. {@code key} and {@code value} are the original's bytes, {@code headers} every header as parked.
 */
public record ParkedRecord(String topic, int partition, long offset, Instant deadLetteredAt, byte[] key, byte[] value,
                           Headers headers) {

    /** Every header whose name starts with this was added by dead-lettering, by hand or by SmallRye's strategy. */
    static final String DEAD_LETTER_PREFIX = "dead-letter-";

    static ParkedRecord of(ConsumerRecord<byte[], byte[]> record) {
        return new ParkedRecord(record.topic(), record.partition(), record.offset(),
                Instant.ofEpochMilli(record.timestamp()), record.key(), record.value(), record.headers());
    }

    public String reason() {
        return header(DeadLetterHeaders.REASON);
    }

    public String cause() {
        return header(DeadLetterHeaders.CAUSE);
    }

    /** The topic the original was read from; null if whoever parked it did not say. */
    public String originalTopic() {
        return header(DeadLetterHeaders.TOPIC);
    }

    public Integer originalPartition() {
        return number(DeadLetterHeaders.PARTITION, Integer::valueOf);
    }

    public Long originalOffset() {
        return number(DeadLetterHeaders.OFFSET, Long::valueOf);
    }

    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The original's headers, in their order: every header but the dead-letter-* ones. */
    public List<Header> originalHeaders() {
        return Arrays.stream(headers.toArray()).filter(header -> !header.key().startsWith(DEAD_LETTER_PREFIX)).toList();
    }

    /** The last value of a header, as text; null when absent. */
    public String header(String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private <N> N number(String name, Function<String, N> parse) {
        String text = header(name);
        try {
            return text == null ? null : parse.apply(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
