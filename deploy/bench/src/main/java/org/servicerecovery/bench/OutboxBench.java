package org.servicerecovery.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.servicerecovery.localinfra.TopicCatalogue;

/**
 * The outbox relay of a running service: rows committed by business transactions (here written directly, 20 or 500
 * per transaction) until a consumer reads them from Kafka.
 */
final class OutboxBench {

    // its own topic: the service benchmarks that follow read the real domain topics from the beginning
    private static final String TOPIC = "bench.outbox";
    private static final int BURST_EVENTS = 200_000;
    private static final int STEADY_RATE = 2_000;
    private static final Duration STEADY_FOR = Duration.ofSeconds(15);

    private OutboxBench() {
    }

    static void run(BenchDb db, String bootstrapServers, Report report, Baselines.Figures baseline) throws Exception {
        TopicCatalogue.ensureTopic(bootstrapServers, TOPIC, 6);
        String burst = "burst-" + UUID.randomUUID();
        Map<String, Long> committedAt = new ConcurrentHashMap<>();
        CompletableFuture<long[]> burstRead = CompletableFuture.supplyAsync(() -> read(bootstrapServers, burst, BURST_EVENTS, committedAt, null));
        long start = System.nanoTime();
        insert(db, burst, BURST_EVENTS, 500, committedAt, 0);
        long[] burstResult = burstRead.join();
        double throughput = BURST_EVENTS / ((burstResult[0] - start) / 1e9);
        report.add("outbox", "sustained relay, 200k events committed 500/tx", Report.perSecond(throughput),
                String.format("goal ≥ 10,000 /s; Kafka alone %s", Report.perSecond(baseline.kafkaProducePerSecond())));

        String steady = "steady-" + UUID.randomUUID();
        int total = (int) (STEADY_RATE * STEADY_FOR.toSeconds());
        Histogram latency = new Histogram(3);
        CompletableFuture<long[]> steadyRead = CompletableFuture.supplyAsync(() -> read(bootstrapServers, steady, total, committedAt, latency));
        insert(db, steady, total, 20, committedAt, 1_000_000_000L * 20 / STEADY_RATE);
        steadyRead.join();
        report.add("outbox", "commit → on Kafka p50, 2,000 /s steady", Report.millis(latency.getValueAtPercentile(50) / 1000.0), "");
        report.add("outbox", "commit → on Kafka p99, 2,000 /s steady", Report.millis(latency.getValueAtPercentile(99) / 1000.0),
                "milliseconds, not a poll interval");
        report.add("outbox", "commit → on Kafka max", Report.millis(latency.getMaxValue() / 1000.0), "");
    }

    /** Inserts in transactions of {@code perTransaction}; with {@code pauseNanos} > 0 paces one transaction per pause. */
    private static void insert(BenchDb db, String prefix, int total, int perTransaction, Map<String, Long> committedAt,
                               long pauseNanos) throws Exception {
        try (Connection connection = db.connect(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO outbox (event_id, topic, message_key, event_type, payload) VALUES (?, ?, ?, 'bench.event', ?)")) {
            connection.setAutoCommit(false);
            long next = System.nanoTime();
            for (int tx = 0; tx < total / perTransaction; tx++) {
                String batch = prefix + "-" + tx;
                for (int i = 0; i < perTransaction; i++) {
                    String id = batch + "-" + i;
                    String customer = "cust-" + ((tx * perTransaction + i) % 997);
                    insert.setString(1, id);
                    insert.setString(2, TOPIC);
                    insert.setString(3, customer);
                    insert.setString(4, "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"urn:service-recovery:bench\","
                            + "\"type\":\"bench.event\",\"subject\":\"" + customer + "\",\"datacontenttype\":\"application/json\","
                            + "\"data\":{\"n\":" + i + "}}");
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
                committedAt.put(batch, System.nanoTime());
                if (pauseNanos > 0) {
                    next += pauseNanos;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                }
            }
        }
    }

    /** Reads until {@code expected} events of the run arrived; returns the arrival time of the last one. */
    private static long[] read(String bootstrapServers, String prefix, int expected, Map<String, Long> committedAt,
                               Histogram latencyMicros) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            AtomicLong seen = new AtomicLong();
            long last = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (seen.get() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    Header id = record.headers().lastHeader("ce_id");
                    String eventId = id == null ? "" : new String(id.value(), StandardCharsets.UTF_8);
                    if (eventId.startsWith(prefix)) {
                        seen.incrementAndGet();
                        last = System.nanoTime();
                        Long committed = committedAt.get(eventId.substring(0, eventId.lastIndexOf('-')));
                        if (latencyMicros != null && committed != null) {
                            latencyMicros.recordValue(Math.max(0, (last - committed) / 1000));
                        }
                    }
                }
            }
            if (seen.get() < expected) {
                throw new IllegalStateException("only " + seen.get() + " of " + expected + " outbox events reached Kafka");
            }
            return new long[] {last};
        }
    }
}
