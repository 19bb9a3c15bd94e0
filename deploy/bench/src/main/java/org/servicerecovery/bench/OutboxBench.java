package org.servicerecovery.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;

import org.HdrHistogram.Histogram;
import org.servicerecovery.localinfra.TopicCatalogue;

/**
 * The outbox relay of a running service: rows committed by business transactions (here written directly, 20 or 500
 * per transaction) until the bench receives them from Kafka, with a consumer waiting at the topic's end
 * ({@link TopicTail}). Throughput (200,000 rows committed as fast as the bench can) and latency at a fixed rate far
 * below it are separate runs.
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
        CompletableFuture<Long> burstRead = read(bootstrapServers, burst, BURST_EVENTS, new ConcurrentHashMap<>());
        long start = System.nanoTime();
        insert(db, burst, BURST_EVENTS, 500, committedAt, 0);
        double throughput = BURST_EVENTS / ((burstRead.join() - start) / 1e9);
        report.add("outbox", "sustained relay, 200k events committed 500/tx", Report.perSecond(throughput),
                String.format("goal ≥ 10,000 /s; Kafka alone %s; throughput: 200,000 ÷ (first insert → last received)",
                        Report.perSecond(baseline.kafkaProducePerSecond())));

        String steady = "steady-" + UUID.randomUUID();
        int total = (int) (STEADY_RATE * STEADY_FOR.toSeconds());
        Map<String, Long> receivedAt = new ConcurrentHashMap<>();
        CompletableFuture<Long> steadyRead = read(bootstrapServers, steady, total, receivedAt);
        insert(db, steady, total, 20, committedAt, 1_000_000_000L * 20 / STEADY_RATE);
        steadyRead.join();
        // After the run: a record may be received before the inserting thread noted that its commit returned.
        Histogram latency = new Histogram(3);
        receivedAt.forEach((eventId, received) -> latency.recordValue(
                Math.max(0, (received - committedAt.get(eventId.substring(0, eventId.lastIndexOf('-')))) / 1000)));
        report.add("outbox", "commit → on Kafka p50, 2,000 /s steady", Report.millis(latency.getValueAtPercentile(50) / 1000.0),
                String.format("latency at a fixed rate (%.0f %% of the throughput above%s); the bench's commit returned →"
                        + " record received from the topic", 100.0 * STEADY_RATE / throughput,
                        STEADY_RATE >= throughput ? ", NOT below capacity: queueing time" : ""));
        report.add("outbox", "commit → on Kafka p99, 2,000 /s steady", Report.millis(latency.getValueAtPercentile(99) / 1000.0),
                "milliseconds, not a poll interval; the same span");
        report.add("outbox", "commit → on Kafka max", Report.millis(latency.getMaxValue() / 1000.0), "the same span");
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

    /**
     * Reads the topic, from its end as it is before the run commits anything, until {@code expected} events of the run
     * arrived, noting when each was received; completes with the instant (nanoTime) the last one was received.
     */
    private static CompletableFuture<Long> read(String bootstrapServers, String prefix, int expected,
                                                Map<String, Long> receivedAt) {
        TopicTail tail = TopicTail.atEnd(bootstrapServers, TOPIC);
        return CompletableFuture.supplyAsync(() -> {
            try (tail) {
                long[] last = {0};
                long seen = tail.readRun(prefix, expected, Duration.ofMinutes(3), eventId -> {
                    last[0] = System.nanoTime();
                    receivedAt.put(eventId, last[0]);
                });
                if (seen < expected) {
                    throw new IllegalStateException("only " + seen + " of " + expected + " outbox events reached Kafka");
                }
                return last[0];
            }
        });
    }
}
