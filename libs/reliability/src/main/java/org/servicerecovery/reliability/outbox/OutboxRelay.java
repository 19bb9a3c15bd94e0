package org.servicerecovery.reliability.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.servicerecovery.servicekit.KafkaClientSettings;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Takes outbox rows to Kafka in commit order ({@link BatchSender}) and settles each row by its own outcome:
 * acknowledged rows are deleted, rows Kafka refuses for good are parked in {@code outbox_parked} in the same
 * transaction, and only rows that failed for a passing reason stay to be sent again. A failed batch therefore never
 * re-sends what Kafka already has, and one bad row never holds up the rows behind it.
 * <p>
 * <b>One relay per service at a time</b>: the holder of a session advisory lock on a connection of its own, outside
 * the pool. Any error closes that connection, which ends the session and frees the lock, so no error can leave it
 * behind; PostgreSQL frees it too when the holder dies. A single reader in id order keeps per-key order.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** How long a stopping relay still waits for acknowledgements, so that it deletes what Kafka has. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    /** How often the relay scans from the oldest row even while notifications name every new row. */
    private static final Duration SCAN_ALL_EVERY = Duration.ofSeconds(10);

    private final AgroalDataSource dataSource;
    private final OutboxProgress progress;
    private final String schema;
    private final KafkaClientSettings kafka;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration deliveryTimeout;
    private final boolean enabled;
    private final Counter published;
    private final Timer commitToAck;
    /** Acknowledged by Kafka, not yet deleted because the database failed: deleted first thing after reconnecting. */
    private final Set<Long> acknowledgedNotDeleted = new HashSet<>();
    private final FailureStreak publishing = new FailureStreak("could not publish", RETRY_PAUSE);
    private final FailureStreak database = new FailureStreak("lost its database connection", RETRY_PAUSE);
    private BatchSender sender;
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(AgroalDataSource dataSource, OutboxProgress progress, MeterRegistry registry,
                       @ConfigProperty(name = "service.schema") String schema,
                       KafkaClientSettings kafka,
                       @ConfigProperty(name = "reliability.outbox.batch-size", defaultValue = "500") int batchSize,
                       @ConfigProperty(name = "reliability.outbox.poll-interval", defaultValue = "PT1S") Duration pollInterval,
                       @ConfigProperty(name = "reliability.outbox.delivery-timeout", defaultValue = "P1D") Duration deliveryTimeout,
                       @ConfigProperty(name = "reliability.outbox.enabled", defaultValue = "true") boolean enabled) {
        this.dataSource = dataSource;
        this.progress = progress;
        this.schema = schema;
        this.kafka = kafka;
        this.batchSize = batchSize;
        this.pollInterval = pollInterval;
        this.deliveryTimeout = deliveryTimeout;
        this.enabled = enabled;
        this.published = registry.counter("outbox.published");
        this.commitToAck = Timer.builder("outbox.commit.to.ack").publishPercentileHistogram()
                .description("time from the outbox row's insert to the broker's acknowledgement").register(registry);
    }

    void start(@Observes StartupEvent startup) {
        if (!enabled) {
            return;
        }
        sender = new BatchSender(kafka, schema + "-outbox-relay", deliveryTimeout);
        running = true;
        thread = new Thread(this::run, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /** The current batch finishes (acknowledged rows are deleted) before the producer closes. */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (thread == null) {
            return;
        }
        thread.join(SHUTDOWN_GRACE.plusSeconds(5).toMillis());
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(2));
        }
        sender.close();
    }

    private void run() {
        boolean afterError = false;
        while (running) {
            try (Connection connection = DirectConnection.open(dataSource, schema,
                    schema + ".outbox-relay@" + ProcessHandle.current().pid())) {
                database.ended();
                deleteAcknowledged(connection);
                if (afterError) {
                    // After a database restart every replica reconnects at once; the one that was leading deletes what
                    // Kafka acknowledged before the restart (above) while the others give it this head start, so that
                    // none of them leads first and sends those rows a second time.
                    pause(pollInterval);
                }
                afterError = false;
                if (awaitLeadership(connection)) {
                    relayWhileLeading(connection);
                }
            } catch (Exception e) {
                if (running) {
                    database.failed(e.toString());
                    afterError = true;
                    pause(RETRY_PAUSE);
                }
            }
        }
    }

    /** Stands by, trying the lock every poll interval, until it leads or the relay stops. */
    private boolean awaitLeadership(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(? || '.outbox-relay'))")) {
            lock.setString(1, schema);
            while (running) {
                try (ResultSet result = lock.executeQuery()) {
                    if (result.next() && result.getBoolean(1)) {
                        LOG.infof("Outbox relay of %s leads on this replica", schema);
                        return true;
                    }
                }
                pause(pollInterval);
            }
            return false;
        }
    }

    private void relayWhileLeading(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN \"" + schema + "_outbox\"");
        }
        PGConnection notifications = connection.unwrap(PGConnection.class);
        Reads reads = new Reads();
        while (running) {
            reads.take(notifications.getNotifications());
            if (!reads.scanAll() && !reads.pending()) {
                // Woken at once by a commit's NOTIFY; the poll interval only bounds the delay if one is lost.
                if (!reads.take(notifications.getNotifications((int) pollInterval.toMillis()))) {
                    reads.scanAllNext();
                }
                continue;
            }
            boolean scanAll = reads.scanAll();
            NotifiedIds.Ranges read = reads.drain();
            BatchSender.Outcome batch = relayBatch(connection,
                    scanAll ? oldestRows(connection) : notifiedRows(connection, read));
            reads.done(read, scanAll, batch.rows() < batchSize && batch.retryCause() == null);
            if (batch.retryCause() != null) {
                publishing.failed(batch.toRetry() + " of " + batch.rows() + " rows: " + batch.retryCause());
                pause(RETRY_PAUSE);
            } else {
                publishing.ended();
            }
        }
    }

    /**
     * What the next read is. Normally the rows the commits' notifications named ({@link NotifiedIds}): index probes
     * that never touch the entries of rows already deleted. A scan from the oldest row instead on taking the lead
     * (notifications before the LISTEN are lost), while a backlog fills whole batches, after a batch with rows to send
     * again (they go first), when a notification names no ids, when none came for a poll interval, and at least every
     * {@link #SCAN_ALL_EVERY} as a safety net. A scan that read everything there was covers the notifications taken
     * before it.
     */
    private static final class Reads {
        private final NotifiedIds notified = new NotifiedIds();
        private boolean scanAll = true;
        private long lastScanAll = System.nanoTime();

        /** True if some notification came. */
        boolean take(PGNotification[] received) {
            if (received == null) {
                return false;
            }
            for (PGNotification notification : received) {
                if (!notified.add(notification.getParameter())) {
                    scanAll = true;
                }
            }
            return true;
        }

        boolean scanAll() {
            return scanAll || System.nanoTime() - lastScanAll > SCAN_ALL_EVERY.toNanos();
        }

        void scanAllNext() {
            scanAll = true;
        }

        boolean pending() {
            return !notified.isEmpty();
        }

        NotifiedIds.Ranges drain() {
            return notified.drain();
        }

        /**
         * After a read of {@code read} (or a scan from the oldest row, taken after {@code read} was drained): whether it
         * got everything it asked for, none to send again.
         */
        void done(NotifiedIds.Ranges read, boolean wasScanAll, boolean complete) {
            if (!complete) {
                notified.putBack(read);
                scanAll = true;
            } else if (wasScanAll) {
                scanAll = false;
                lastScanAll = System.nanoTime();
            }
        }
    }

    private BatchSender.Outcome relayBatch(Connection connection, List<BatchSender.Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new BatchSender.Outcome(List.of(), List.of(), 0, null);
        }
        BatchSender.Outcome outcome = sender.send(rows, () -> running, SHUTDOWN_GRACE);
        long ackedAt = System.currentTimeMillis();
        for (BatchSender.Row row : outcome.acknowledged()) {
            acknowledgedNotDeleted.add(row.id());
            commitToAck.record(Math.max(0, ackedAt - row.createdAtMillis()), TimeUnit.MILLISECONDS);
        }
        published.increment(outcome.acknowledged().size());
        deleteAcknowledgedAndPark(connection, outcome.refused());
        if (!outcome.acknowledged().isEmpty()) {
            progress.progressed();
        }
        if (!outcome.refused().isEmpty()) {
            progress.parked(outcome.refused().size());
            outcome.refused().forEach(refusal -> LOG.errorf("Outbox row %d parked, Kafka refused it: %s",
                    refusal.row().id(), refusal.reason()));
        }
        return outcome;
    }

    private List<BatchSender.Row> oldestRows(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, topic, kafka_partition, message_key, payload, (extract(epoch FROM created_at) * 1000)::bigint
                FROM outbox ORDER BY id LIMIT ?""")) {
            select.setInt(1, batchSize);
            return rows(select);
        }
    }

    /** The rows of the notified id ranges, in id order: one index range scan per range. */
    private List<BatchSender.Row> notifiedRows(Connection connection, NotifiedIds.Ranges ranges) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT o.id, o.topic, o.kafka_partition, o.message_key, o.payload,
                       (extract(epoch FROM o.created_at) * 1000)::bigint
                FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS r(first_id, last_id)
                CROSS JOIN LATERAL (SELECT * FROM outbox WHERE id BETWEEN r.first_id AND r.last_id) o
                ORDER BY o.id LIMIT ?""")) {
            select.setArray(1, connection.createArrayOf("bigint", ranges.firsts()));
            select.setArray(2, connection.createArrayOf("bigint", ranges.lasts()));
            select.setInt(3, batchSize);
            return rows(select);
        }
    }

    private static List<BatchSender.Row> rows(PreparedStatement select) throws SQLException {
        List<BatchSender.Row> rows = new ArrayList<>();
        try (ResultSet result = select.executeQuery()) {
            while (result.next()) {
                rows.add(new BatchSender.Row(result.getLong(1), result.getString(2),
                        (Integer) result.getObject(3), result.getString(4), result.getString(5), result.getLong(6)));
            }
        }
        return rows;
    }

    /** One transaction: what Kafka has leaves the outbox, what it refused moves to {@code outbox_parked}. */
    private void deleteAcknowledgedAndPark(Connection connection, List<BatchSender.Refusal> refused) throws SQLException {
        if (acknowledgedNotDeleted.isEmpty() && refused.isEmpty()) {
            return;
        }
        connection.setAutoCommit(false);
        try {
            deleteAcknowledgedRows(connection);
            if (!refused.isEmpty()) {
                try (PreparedStatement park = connection.prepareStatement("""
                        WITH refused AS (SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS text[])) AS r(id, reason)),
                             moved AS (DELETE FROM outbox o USING refused r WHERE o.id = r.id
                                       RETURNING o.id, o.event_id, o.topic, o.message_key, o.event_type, o.payload,
                                                 o.created_at, r.reason, o.kafka_partition)
                        INSERT INTO outbox_parked (id, event_id, topic, message_key, event_type, payload, created_at, reason,
                                                   kafka_partition)
                        SELECT * FROM moved""")) {
                    park.setArray(1, connection.createArrayOf("bigint", refused.stream().map(r -> r.row().id()).toArray()));
                    park.setArray(2, connection.createArrayOf("text", refused.stream().map(BatchSender.Refusal::reason).toArray()));
                    park.executeUpdate();
                }
            }
            connection.commit();
            acknowledgedNotDeleted.clear();
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** After reconnecting, before anyone could send those rows again. */
    private void deleteAcknowledged(Connection connection) throws SQLException {
        if (!acknowledgedNotDeleted.isEmpty()) {
            deleteAcknowledgedRows(connection);
            LOG.infof("Deleted %d outbox rows Kafka had acknowledged before the database connection failed",
                    acknowledgedNotDeleted.size());
            acknowledgedNotDeleted.clear();
        }
    }

    private void deleteAcknowledgedRows(Connection connection) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
            delete.setArray(1, connection.createArrayOf("bigint", acknowledgedNotDeleted.toArray()));
            delete.executeUpdate();
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
