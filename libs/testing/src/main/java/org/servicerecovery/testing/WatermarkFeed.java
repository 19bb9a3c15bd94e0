package org.servicerecovery.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.IntakeWatermark;
import org.servicerecovery.events.Topic;

/**
 * Plays intake's watermark for a test that writes intake.events itself: every {@code interval}, an
 * {@link IntakeWatermark} record with the supplier's instant on every partition, sent after whatever the test sent
 * before (each test send waits for its acknowledgement). Without it, a service whose timers await the watermark would
 * hold them forever.
 */
public final class WatermarkFeed implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.get().kafkaBootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"),
            new StringSerializer(), new ByteArraySerializer());
    private final Supplier<Instant> watermark;
    private final Thread thread;
    private volatile boolean running = true;

    public WatermarkFeed(Supplier<Instant> watermark, Duration interval) {
        this.watermark = watermark;
        this.thread = new Thread(() -> {
            while (running) {
                try {
                    publishOnce();
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // The broker of a test may be briefly away; the next round publishes again.
                }
            }
        }, "test-watermark-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** True for an intake.watermark record, which readers of intake.events that look for customer events skip. */
    public static boolean isWatermark(ConsumerRecord<String, byte[]> record) {
        return IntakeWatermark.TYPE.equals(TopicReader.header(record, "ce_type"));
    }

    /** One round, synchronously: the supplier's instant on every partition of intake.events. */
    public void publishOnce() {
        String topic = Topic.INTAKE_EVENTS.topicName();
        int partitions = producer.partitionsFor(topic).size();
        Instant now = watermark.get();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            CloudEvent event = IntakeWatermark.event("urn:service-recovery:test-intake", partition, now, partitions, now);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition, event.subject(),
                    CloudEvents.toBinaryData(event));
            CloudEvents.toBinaryHeaders(event).forEach((name, value) ->
                    record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
            acks.add(producer.send(record));
        }
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish a watermark", e);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
