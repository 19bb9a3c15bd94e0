package org.servicerecovery.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer on every partition of some topics, positioned at their end before a run sends anything: it reads only
 * what the run causes, and receives each record as soon as the broker has appended it (a fetch waiting at the end
 * answers on the append). The receive instant is the bench's measure of "on the broker": the topics keep the
 * producer's CreateTime, which is stamped at {@code send()}, before the broker acknowledged anything.
 */
final class TopicTail implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;

    private TopicTail(KafkaConsumer<String, byte[]> consumer) {
        this.consumer = consumer;
    }

    static TopicTail atEnd(String bootstrapServers, String... topics) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Resolves the end offsets now, not at the first poll, which may come after the run's first records.
        partitions.forEach(consumer::position);
        return new TopicTail(consumer);
    }

    /** Not thread-safe, like the consumer: one thread at a time (handing it to the reading thread is fine). */
    ConsumerRecords<String, byte[]> poll(Duration timeout) {
        return consumer.poll(timeout);
    }

    /**
     * Reads until {@code expected} records whose CloudEvents id starts with {@code prefix} arrived, or {@code timeout}
     * passed, handing each such id to {@code received} as it arrives; returns how many arrived.
     */
    long readRun(String prefix, long expected, Duration timeout, Consumer<String> received) {
        long seen = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen < expected && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                Header id = record.headers().lastHeader("ce_id");
                String eventId = id == null ? "" : new String(id.value(), StandardCharsets.UTF_8);
                if (eventId.startsWith(prefix)) {
                    seen++;
                    received.accept(eventId);
                }
            }
        }
        return seen;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
