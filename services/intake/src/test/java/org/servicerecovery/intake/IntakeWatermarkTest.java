package org.servicerecovery.intake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.IntakeWatermark;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TopicReader;
import org.servicerecovery.testing.TopicWriter;
import org.servicerecovery.testing.WatermarkFeed;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * Intake's watermark on intake.events: on every partition, never going back, held while a crm.events partition is not
 * read, and moving on once it is, after the events it covers.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class IntakeWatermarkTest {

    private static final String INTAKE_EVENTS = Topic.INTAKE_EVENTS.topicName();

    @Inject
    KafkaClientService kafka;

    @Test
    void everyPartitionGetsAWatermarkThatNeverGoesBack() {
        try (TopicReader reader = new TopicReader(INTAKE_EVENTS); TopicWriter writer = new TopicWriter()) {
            int partitions = writer.partitions(INTAKE_EVENTS);
            Instant start = Instant.now();
            List<ConsumerRecord<String, byte[]>> records;
            try {
                records = reader.readUntil(read -> watermarksAfter(read, start)
                        .values().stream().filter(list -> list.size() >= 3).count() == partitions, Duration.ofSeconds(60));
            } catch (AssertionError e) {
                List<ConsumerRecord<String, byte[]>> read = reader.readUntil(r -> true, Duration.ofSeconds(1));
                throw new AssertionError(e.getMessage() + "; watermarks per partition since " + start + ": "
                        + watermarksAfter(read, start) + "; last: " + read.stream().filter(WatermarkFeed::isWatermark)
                        .reduce((a, b) -> b).map(r -> r.partition() + "@" + r.timestamp() + " " + watermark(r)).orElse("none"));
            }
            Map<Integer, List<IntakeWatermark>> byPartition = watermarks(records);
            assertTrue(byPartition.keySet().containsAll(java.util.stream.IntStream.range(0, partitions).boxed().toList()));
            byPartition.forEach((partition, list) -> {
                for (int i = 1; i < list.size(); i++) {
                    assertFalse(list.get(i).watermark().isBefore(list.get(i - 1).watermark()),
                            "partition " + partition + " went back: " + list.get(i - 1) + " then " + list.get(i));
                    assertTrue(list.get(i).partitions() == partitions);
                }
            });
        }
    }

    @Test
    void aCrmPartitionNotReadHoldsTheWatermarkUntilItIsReadThenItMovesOnAfterTheEvent() throws Exception {
        Crm crm = new Crm();
        kafka.getConsumer("crm").pause().await().atMost(Duration.ofSeconds(10));
        RecordMetadata sent;
        try (TopicReader reader = new TopicReader(INTAKE_EVENTS); TopicWriter writer = new TopicWriter()) {
            ObjectNode feedback = crm.feedback(7);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), crm.customer,
                    Crm.bytes(feedback));
            record.headers().add("content-type", CloudEvents.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            sent = writer.send(record);
            Instant sentAt = Instant.ofEpochMilli(sent.timestamp());

            // The watermarks published two seconds on have not passed the unread event: it is held on every partition.
            Instant checkedAt = sentAt.plusSeconds(2);
            List<ConsumerRecord<String, byte[]>> held = reader.readUntil(read -> !watermarksAfter(read, checkedAt).isEmpty(),
                    Duration.ofSeconds(10));
            assertTrue(latest(held).isBefore(sentAt.plusMillis(500)), "held at the unread event: " + latest(held));
            kafka.getConsumer("crm").resume().await().atMost(Duration.ofSeconds(10));

            // Read: the event is published, and after it on its partition comes a watermark beyond it.
            List<ConsumerRecord<String, byte[]>> after = reader.readUntil(read -> {
                long eventOffset = read.stream().filter(r -> crm.customer.equals(r.key())).mapToLong(ConsumerRecord::offset)
                        .findFirst().orElse(Long.MAX_VALUE);
                int partition = read.stream().filter(r -> crm.customer.equals(r.key())).mapToInt(ConsumerRecord::partition)
                        .findFirst().orElse(-1);
                return read.stream().anyMatch(r -> WatermarkFeed.isWatermark(r) && r.partition() == partition
                        && r.offset() > eventOffset && watermark(r).watermark().toInstant().isAfter(sentAt));
            }, Duration.ofSeconds(30));
            assertTrue(latest(after).isAfter(sentAt));
        } finally {
            kafka.getConsumer("crm").resume().await().atMost(Duration.ofSeconds(10));
        }
    }

    /** Watermark records per partition, in offset order, published after {@code since}. */
    private static Map<Integer, List<IntakeWatermark>> watermarksAfter(List<ConsumerRecord<String, byte[]>> records,
                                                                       Instant since) {
        return watermarks(records.stream().filter(r -> r.timestamp() >= since.toEpochMilli()).toList());
    }

    private static Map<Integer, List<IntakeWatermark>> watermarks(List<ConsumerRecord<String, byte[]>> records) {
        Map<Integer, List<IntakeWatermark>> byPartition = new HashMap<>();
        records.stream().filter(WatermarkFeed::isWatermark).forEach(r ->
                byPartition.computeIfAbsent(r.partition(), p -> new java.util.ArrayList<>()).add(watermark(r)));
        return byPartition;
    }

    private static Instant latest(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(WatermarkFeed::isWatermark).map(r -> watermark(r).watermark().toInstant())
                .max(Instant::compareTo).orElseThrow();
    }

    private static IntakeWatermark watermark(ConsumerRecord<String, byte[]> record) {
        return IntakeWatermark.read(TopicReader.cloudEvent(record));
    }
}
