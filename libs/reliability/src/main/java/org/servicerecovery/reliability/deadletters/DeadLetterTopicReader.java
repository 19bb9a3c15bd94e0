package org.servicerecovery.reliability.deadletters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.servicerecovery.servicekit.KafkaClientSettings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a dead-letter topic with a consumer of its own: no group, nothing committed, so the service's consumers and
 * other readers are not disturbed. It reads up to the end offsets taken when reading starts; records parked meanwhile
 * wait for the next call, so a replay whose records are dead-lettered again cannot chase its own tail.
 */
final class DeadLetterTopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration timeout;

    DeadLetterTopicReader(KafkaClientSettings kafka, Duration timeout) {
        this.timeout = timeout;
        this.consumer = new KafkaConsumer<>(kafka.consumer(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "dead-letter-reader",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis())),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** How many partitions {@code topic} has; 0 when it does not exist. */
    int partitionCount(String topic) {
        return consumer.partitionsFor(topic, timeout).size();
    }

    /**
     * Hands the records of {@code topic} parked at or after {@code from} (all when null) to {@code chunks} a poll at a
     * time, in offset order per partition, until every partition reached the end offset it had at the start or
     * {@code chunks} answers false.
     *
     * @throws DeadLettersUnavailable if the end is not reached within the timeout
     */
    void read(String topic, Instant from, Predicate<List<ParkedRecord>> chunks) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        Map<TopicPartition, Long> start = from == null ? consumer.beginningOffsets(partitions, timeout) : firstAt(partitions, from, end);
        Set<TopicPartition> unread = new HashSet<>();
        for (TopicPartition partition : partitions) {
            if (start.get(partition) < end.get(partition)) {
                unread.add(partition);
            }
        }
        consumer.assign(unread);
        unread.forEach(partition -> consumer.seek(partition, start.get(partition)));
        while (!unread.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new DeadLettersUnavailable("could not read " + topic + " to its end within " + timeout);
            }
            ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
            List<ParkedRecord> chunk = new ArrayList<>(polled.count());
            for (ConsumerRecord<byte[], byte[]> record : polled) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    chunk.add(ParkedRecord.of(record));
                }
            }
            for (TopicPartition partition : List.copyOf(unread)) {
                if (consumer.position(partition, timeout) >= end.get(partition)) {
                    unread.remove(partition);
                    consumer.pause(List.of(partition));
                }
            }
            if (!chunk.isEmpty() && !chunks.test(chunk)) {
                return;
            }
        }
    }

    private Map<TopicPartition, Long> firstAt(List<TopicPartition> partitions, Instant from, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, timeout);
        Map<TopicPartition, Long> start = new HashMap<>();
        partitions.forEach(partition -> {
            OffsetAndTimestamp first = found.get(partition);
            start.put(partition, first == null ? end.get(partition) : first.offset());
        });
        return start;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
