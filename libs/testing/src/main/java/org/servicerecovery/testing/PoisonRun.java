package org.servicerecovery.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.servicerecovery.events.DeadLetterHeaders;

/**
 * One poison test: customer ids of its own (valid, poisoned and odd-but-harmless ones), the valid records with the
 * poison in their middle, and the check that exactly the poison was dead-lettered, each record with its reason.
 */
public final class PoisonRun {

    private final String run = UUID.randomUUID().toString();

    public String valid(int i) {
        return "cust-" + run + "-" + i;
    }

    /** A LIKE pattern for every valid customer of this run. */
    public String validCustomers() {
        return "cust-" + run + "-%";
    }

    public String poison(String kind) {
        return "poison-" + run + "-" + kind;
    }

    public String odd(String kind) {
        return "odd-" + run + "-" + kind;
    }

    /** {@code count} valid records, {@code valid.apply(i)} for the i-th, with the poisons in their middle. */
    public static List<ProducerRecord<String, byte[]>> amid(int count, IntFunction<ProducerRecord<String, byte[]>> valid,
                                                           Map<String, ProducerRecord<String, byte[]>> poisons) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(count + poisons.size());
        for (int i = 0; i < count; i++) {
            if (i == count / 2) {
                records.addAll(poisons.values());
            }
            records.add(valid.apply(i));
        }
        return records;
    }

    /**
     * Reads {@code deadLetterTopic} until every poison of {@code poisons} (by kind) is there, asserts that nothing else
     * of this run is, each with a reason and the topic it was read from, and returns the reasons by customer.
     */
    public Map<String, String> assertOnlyPoisonDeadLettered(String deadLetterTopic, Map<String, ?> poisons, String readFrom) {
        List<ConsumerRecord<String, byte[]>> dead;
        try (TopicReader dlq = new TopicReader(deadLetterTopic)) {
            dead = ofThisRun(dlq.readUntil(all -> ofThisRun(all).size() >= poisons.size(), Duration.ofSeconds(60)));
        }
        Map<String, String> reasons = dead.stream().collect(Collectors.toMap(ConsumerRecord::key,
                r -> TopicReader.header(r, DeadLetterHeaders.REASON)));
        assertEquals(poisons.keySet().stream().map(this::poison).collect(Collectors.toSet()), reasons.keySet(),
                "each poison dead-lettered once, no valid event: " + reasons);
        reasons.values().forEach(reason -> assertTrue(reason != null && !reason.isBlank(), "a dead letter without a reason"));
        dead.forEach(r -> assertEquals(readFrom, TopicReader.header(r, DeadLetterHeaders.TOPIC)));
        return reasons;
    }

    private List<ConsumerRecord<String, byte[]>> ofThisRun(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> r.key() != null && r.key().contains(run)).toList();
    }
}
