package org.servicerecovery.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Durable timers of a running service (the reliability test application, whose handler writes a {@code timer_effect}
 * row and an outbox event in the firing transaction), over a million pending: three separate measurements.
 * <ul>
 * <li>latency of a burst: ten thousand due in the same second;</li>
 * <li>throughput: a backlog of fifty thousand all due at once, drained as fast as the loop goes;</li>
 * <li>latency at a fixed rate below capacity: a steady stream.</li>
 * </ul>
 * A timer counts as fired when its firing transaction commits: the {@code timer_effect} row's commit timestamp
 * ({@code pg_xact_commit_timestamp(xmin)}, PostgreSQL's own record of the commit, taken as the commit record is written,
 * just before its WAL flush), which needs {@code track_commit_timestamp} ({@link CommitTimestamps}).
 */
final class TimerBench {

    private static final int PENDING = 1_000_000;
    private static final int BURST = 10_000;
    private static final int BACKLOG = 50_000;
    private static final int STEADY_RATE = 500;
    private static final Duration STEADY_FOR = Duration.ofSeconds(20);
    /** The firing transaction's commit instant, in ms since the epoch. */
    private static final String COMMITTED = "extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000";

    private TimerBench() {
    }

    static void run(BenchDb db, Report report) throws Exception {
        long start = System.nanoTime();
        schedule(db, "pending", PENDING, Instant.now().plus(Duration.ofDays(1)), Duration.ZERO);
        report.add("timers", "1,000,000 pending timers inserted", String.format("%.1f s", Baselines.seconds(start)), "setup");

        burst(db, report);
        double sustained = backlog(db, report);
        steady(db, report, sustained);
    }

    /** Latency of a burst: 10,000 timers due at the same instant, each from its due time to its firing commit. */
    private static void burst(BenchDb db, Report report) throws Exception {
        Instant due = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
        schedule(db, "burst", BURST, due, Duration.ZERO);
        if (Instant.now().isAfter(due)) {
            throw new IllegalStateException("the burst was inserted after its due time");
        }
        awaitFired(db, "burst-%", BURST, Duration.ofSeconds(90));
        String late = COMMITTED + " - " + due.toEpochMilli();
        String span = "due time → firing transaction committed";
        report.add("timers", "10k due in one second: lateness p50", Report.millis(percentile(db, late, "burst-%", 0.5)), span);
        report.add("timers", "10k due in one second: lateness p99", Report.millis(percentile(db, late, "burst-%", 0.99)), span);
        report.add("timers", "10k due in one second: all fired after", Report.millis(db.number(
                "SELECT max(" + late + ") FROM timer_effect WHERE timer_id LIKE 'burst-%'")),
                "goal ≤ 2,000 ms; due time → last firing commit");
    }

    /**
     * Throughput: 50,000 timers made due by one committed UPDATE (its NOTIFY wakes the loop), fired as fast as the loop
     * drains them; the rate is their count ÷ (last firing commit − the UPDATE's commit).
     */
    private static double backlog(BenchDb db, Report report) throws Exception {
        schedule(db, "backlog", BACKLOG, Instant.now().plus(Duration.ofDays(2)), Duration.ZERO);
        String updateXid;
        try (Connection connection = db.connect(); PreparedStatement due = connection.prepareStatement(
                "UPDATE timer SET due_at = now() WHERE id LIKE 'backlog-%' RETURNING xmin::text")) {
            connection.setAutoCommit(false);
            try (ResultSet updated = due.executeQuery()) {
                updated.next();
                updateXid = updated.getString(1);
            }
            connection.commit();
        }
        double dueAt = db.number("SELECT extract(epoch FROM pg_xact_commit_timestamp(?::xid)) * 1000", updateXid);
        awaitFired(db, "backlog-%", BACKLOG, Duration.ofMinutes(3));
        double lastCommit = db.number("SELECT max(" + COMMITTED + ") FROM timer_effect WHERE timer_id LIKE 'backlog-%'");
        double rate = BACKLOG / ((lastCommit - dueAt) / 1000);
        report.add("timers", "sustained firing rate, 50k due at once", Report.perSecond(rate),
                String.format("goal ≥ 5,000 /s; throughput: 50,000 ÷ (due commit → last firing commit, %.1f s)",
                        (lastCommit - dueAt) / 1000));
        return rate;
    }

    /** Latency at a fixed offered rate: 500 timers/s due evenly over 20 s; the due time in ms is part of each id. */
    private static void steady(BenchDb db, Report report, double sustained) throws Exception {
        Instant first = Instant.now().plusSeconds(3);
        int steady = (int) (STEADY_RATE * STEADY_FOR.toSeconds());
        schedule(db, "steady", steady, first, STEADY_FOR);
        awaitFired(db, "steady-%", steady, STEADY_FOR.plusSeconds(60));
        String late = COMMITTED + " - split_part(timer_id, '-', 2)::bigint";
        String span = "due time → firing transaction committed";
        report.add("timers", "steady 500 /s: lateness p50", Report.millis(percentile(db, late, "steady-%", 0.5)),
                String.format("latency at a fixed rate (%.0f %% of the sustained rate above%s); %s", 100.0 * STEADY_RATE / sustained,
                        STEADY_RATE >= sustained ? ", NOT below capacity: queueing time" : "", span));
        report.add("timers", "steady 500 /s: lateness p99", Report.millis(percentile(db, late, "steady-%", 0.99)),
                "goal ≤ 100 ms; " + span);
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

    /** Counts committed effects only: a row is visible once its firing transaction committed. */
    private static void awaitFired(BenchDb db, String pattern, int expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (db.number("SELECT count(*) FROM timer_effect WHERE timer_id LIKE ?", pattern) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timers " + pattern + " not all fired within " + timeout);
            }
            Thread.sleep(200);
        }
        if (db.number("SELECT count(*) FROM timer_effect WHERE timer_id LIKE ? AND pg_xact_commit_timestamp(xmin) IS NULL",
                pattern) > 0) {
            throw new IllegalStateException("commit timestamps are missing: track_commit_timestamp is off");
        }
    }

    private static double percentile(BenchDb db, String value, String pattern, double fraction) throws Exception {
        return db.number("SELECT percentile_cont(" + fraction + ") WITHIN GROUP (ORDER BY " + value
                + ") FROM timer_effect WHERE timer_id LIKE ?", pattern);
    }
}
