package org.servicerecovery.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.Severity;

/**
 * recovery-escalation end to end: complaint.filed on intake.events (one new customer each, paced at a steady rate) until
 * the case's recovery.step-started (the apology scheduled: case row, timers and events committed, relayed by the
 * outbox) is on recovery.events. Warm-up first, then the measured run.
 */
final class RecoveryBench {

    private static final int RATE = 1_000;
    /** Long enough for the JIT to compile the hot path on two cores: a production service has run for a while. */
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    private static final Duration MEASURED = Duration.ofSeconds(10);
    private static final Duration DRAIN = Duration.ofMinutes(2);

    private RecoveryBench() {
    }

    /**
     * End to end, and where the time went, from three clocks of the same machine: the event time of the case's events
     * (the instant the service handled the complaint in its batch) and the record timestamp the outbox relay's
     * producer set when it sent them.
     */
    private static final class Stages {
        final Histogram total = new Histogram(3);
        final Histogram handled = new Histogram(3);
        final Histogram relayed = new Histogram(3);
        final Histogram received = new Histogram(3);

        void record(long sentMicros, long handledMicros, long relayedMicros, long receivedMicros) {
            total.recordValue(Math.max(0, receivedMicros - sentMicros));
            handled.recordValue(Math.max(0, handledMicros - sentMicros));
            relayed.recordValue(Math.max(0, relayedMicros - handledMicros));
            received.recordValue(Math.max(0, receivedMicros - relayedMicros));
        }
    }

    private static long wallMicros() {
        return micros(Instant.now());
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }

    static void run(String bootstrapServers, Report report) throws Exception {
        measure(bootstrapServers, "warm-" + UUID.randomUUID(), WARM_UP, new Stages());
        Stages stages = new Stages();
        Histogram latency = stages.total;
        long[] outcome = measure(bootstrapServers, "run-" + UUID.randomUUID(), MEASURED, stages);
        int total = (int) (RATE * MEASURED.toSeconds());
        report.add("recovery", "complaint → apology scheduled, throughput", Report.perSecond(outcome[1] / (outcome[0] / 1e9)),
                String.format("offered %s for %d s; %,d of %,d scheduled within %d min", Report.perSecond(RATE),
                        MEASURED.toSeconds(), outcome[1], total, DRAIN.toMinutes()));
        report.add("recovery", "complaint → apology scheduled p50", Report.millis(latency.getValueAtPercentile(50) / 1000.0), "");
        report.add("recovery", "complaint → apology scheduled p99", Report.millis(latency.getValueAtPercentile(99) / 1000.0),
                "goal ≤ 250 ms at 1,000 /s");
        report.add("recovery", "complaint → apology scheduled max", Report.millis(latency.getMaxValue() / 1000.0), "");
        report.add("recovery", "stage p99: sent → handled in a batch", Report.millis(stages.handled.getValueAtPercentile(99) / 1000.0),
                "Kafka, poll, waiting for the consumer (event time of the case's events)");
        report.add("recovery", "stage p99: handled → relayed", Report.millis(stages.relayed.getValueAtPercentile(99) / 1000.0),
                "rest of the batch, commit, outbox relay picks it up (record timestamp)");
        report.add("recovery", "stage p99: relayed → received", Report.millis(stages.received.getValueAtPercentile(99) / 1000.0),
                "broker acknowledgement, bench consumer");
    }

    /** Sends RATE complaints per second for {@code duration}; returns nanoseconds until the last case and the count. */
    private static long[] measure(String bootstrapServers, String prefix, Duration duration, Stages stages)
            throws Exception {
        int total = (int) (RATE * duration.toSeconds());
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        CompletableFuture<long[]> done = CompletableFuture.supplyAsync(() ->
                read(bootstrapServers, prefix, total, sentAt, stages));
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new ByteArraySerializer())) {
            long next = System.nanoTime();
            long tick = 10_000_000L; // 10 ms: RATE / 100 complaints per tick
            for (int sent = 0; sent < total; ) {
                for (int i = 0; i < RATE / 100 && sent < total; i++, sent++) {
                    String customer = prefix + "-" + sent;
                    CloudEvent event = EventData.wrap(UUID.randomUUID().toString(), "https://crm.bench/acme",
                            OffsetDateTime.now(ZoneOffset.UTC), new ComplaintFiled(customer, "cmp-" + sent, Channel.PHONE,
                                    "delivery", Severity.HIGH, "parcel arrived broken", OffsetDateTime.now(ZoneOffset.UTC)));
                    ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.INTAKE_EVENTS.topicName(), customer,
                            CloudEvents.toBinaryData(event));
                    CloudEvents.toBinaryHeaders(event).forEach((name, value) ->
                            record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
                    sentAt.put(customer, wallMicros());
                    producer.send(record);
                }
                next += tick;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        }
        long[] result = done.join();
        return new long[] {result[0] - start, result[1]};
    }

    /**
     * Reads recovery.events until every case of the run has its apology scheduled, or DRAIN has passed; returns the
     * last arrival and how many arrived. A service that cannot keep up shows as a partial count, not as an error.
     */
    private static long[] read(String bootstrapServers, String prefix, int expected, Map<String, Long> sentAt,
                             Stages stages) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topic.RECOVERY_EVENTS.topicName()));
            int seen = 0;
            long last = 0;
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (seen < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    Header type = record.headers().lastHeader("ce_type");
                    if (record.key() != null && record.key().startsWith(prefix) && type != null
                            && "recovery.step-started".equals(new String(type.value(), StandardCharsets.UTF_8))) {
                        seen++;
                        last = System.nanoTime();
                        Long sent = sentAt.get(record.key());
                        Header time = record.headers().lastHeader("ce_time");
                        if (sent != null && time != null) {
                            Instant handled = OffsetDateTime.parse(new String(time.value(), StandardCharsets.UTF_8)).toInstant();
                            stages.record(sent, micros(handled), record.timestamp() * 1_000, wallMicros());
                        }
                    }
                }
            }
            return new long[] {last, seen};
        }
    }
}
