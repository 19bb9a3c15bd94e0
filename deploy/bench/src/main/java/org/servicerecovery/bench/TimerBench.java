package org.servicerecovery.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * Durable timers of a running service: a million pending, ten thousand due in the same second, then a steady stream.
 * Lateness is the handler's commit-side timestamp minus the due time, read back from the database.
 */
final class TimerBench {

    private static final int PENDING = 1_000_000;
    private static final int BURST = 10_000;
    private static final int STEADY_RATE = 500;
    private static final Duration STEADY_FOR = Duration.ofSeconds(20);

    private TimerBench() {
    }

    static void run(BenchDb db, Report report) throws Exception {
        long start = System.nanoTime();
        schedule(db, "pending", PENDING, Instant.now().plus(Duration.ofDays(1)), Duration.ZERO);
        report.add("timers", "1,000,000 pending timers inserted", String.format("%.1f s", Baselines.seconds(start)), "setup");

        Instant burstDue = Instant.now().plusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        schedule(db, "burst", BURST, burstDue, Duration.ZERO);
        awaitFired(db, "burst-%", BURST, Duration.ofSeconds(90));
        double[] burst = lateness(db, "burst-%", burstDue);
        report.add("timers", "10k due in one second: lateness p50", Report.millis(burst[0]), "");
        report.add("timers", "10k due in one second: lateness p99", Report.millis(burst[1]), "");
        report.add("timers", "10k due in one second: all fired after", Report.millis(burst[2]), "goal ≤ 2,000 ms");
        report.add("timers", "firing rate during the burst", Report.perSecond(BURST / (burst[2] / 1000.0)), "goal ≥ 5,000 /s");

        Instant steadyStart = Instant.now().plusSeconds(3);
        int steady = (int) (STEADY_RATE * STEADY_FOR.toSeconds());
        schedule(db, "steady", steady, steadyStart, STEADY_FOR);
        awaitFired(db, "steady-%", steady, STEADY_FOR.plusSeconds(60));
        double[] steadyLateness = steadyLateness(db);
        report.add("timers", "steady 500 /s: lateness p50", Report.millis(steadyLateness[0]), "");
        report.add("timers", "steady 500 /s: lateness p99", Report.millis(steadyLateness[1]), "goal ≤ 100 ms");
    }

    /** Timers spread evenly over {@code spread} from {@code first}; the due time in ms is part of the id. */
    private static void schedule(BenchDb db, String prefix, int count, Instant first, Duration spread) throws Exception {
        try (Connection connection = db.connect(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO timer (id, kind, owner_id, due_at) VALUES (?, 'test.effect', ?, ?)")) {
            connection.setAutoCommit(false);
            for (int i = 1; i <= count; i++) {
                Instant due = first.plusNanos(spread.toNanos() / count * i);
                insert.setString(1, prefix + "-" + due.toEpochMilli() + "-" + i);
                insert.setString(2, "cust-" + (i % 997));
                insert.setTimestamp(3, Timestamp.from(due));
                insert.addBatch();
                if (i % 1000 == 0 || i == count) {
                    insert.executeBatch();
                    connection.commit();
                }
            }
        }
    }

    private static void awaitFired(BenchDb db, String pattern, int expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (db.number("SELECT count(*) FROM timer_effect WHERE timer_id LIKE ?", pattern) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timers " + pattern + " not all fired within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    private static double[] lateness(BenchDb db, String pattern, Instant due) throws Exception {
        String late = "extract(epoch FROM fired_at - '" + Timestamp.from(due).toInstant() + "'::timestamptz) * 1000";
        return new double[] {
                db.number("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY " + late + ") FROM timer_effect WHERE timer_id LIKE ?", pattern),
                db.number("SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY " + late + ") FROM timer_effect WHERE timer_id LIKE ?", pattern),
                db.number("SELECT max(" + late + ") FROM timer_effect WHERE timer_id LIKE ?", pattern)};
    }

    private static double[] steadyLateness(BenchDb db) throws Exception {
        String late = "extract(epoch FROM fired_at) * 1000 - split_part(timer_id, '-', 2)::bigint";
        return new double[] {
                db.number("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY " + late + ") FROM timer_effect WHERE timer_id LIKE 'steady-%'"),
                db.number("SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY " + late + ") FROM timer_effect WHERE timer_id LIKE 'steady-%'")};
    }
}
