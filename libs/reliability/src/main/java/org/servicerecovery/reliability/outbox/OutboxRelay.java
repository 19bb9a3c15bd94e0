package org.servicerecovery.reliability.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Takes outbox rows to Kafka in commit order, in CloudEvents binary mode, and deletes each row once the broker
 * acknowledged it (idempotent producer, {@code acks=all}).
 * <p>
 * <b>One relay per service at a time</b>: the holder of a session advisory lock on a connection of its own, outside
 * the pool. Any error closes that connection, which ends the session and frees the lock, so no error can leave it
 * behind; PostgreSQL frees it too when the holder dies. A single reader in id order keeps per-key order.
 * <p>
 * <b>Each row's own outcome</b>: acknowledged rows are deleted, rows Kafka refuses for good are parked in
 * {@code outbox_parked} in the same transaction, and only rows that failed for a passing reason stay to be sent again,
 * so a failed batch never re-sends what Kafka already has. Sends never expire by default
 * ({@code reliability.outbox.delivery-timeout}): a send in flight when the broker dies is retried with its original
 * sequence number, which the broker recognises, rather than given up and sent anew as a second copy.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** How long a stopping relay still waits for acknowledgements, so that it deletes what Kafka has. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(60);
    private static final int MAX_REASON_LENGTH = 2000;

    private record Row(long id, String topic, String key, String payload, long createdAtMillis) {
    }

    /** A row's send: its acknowledgement to come, or why it failed before being sent; neither if it was not tried. */
    private record Send(Row row, Future<RecordMetadata> ack, Exception failedBeforeSending) {
    }

    private record BatchOutcome(int rows, int published, int refused, Throwable retryCause, boolean producerBroken) {
    }

    private final AgroalDataSource dataSource;
    private final OutboxProgress progress;
    private final String schema;
    private final String bootstrapServers;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration deliveryTimeout;
    private final boolean enabled;
    private final Counter published;
    private final Timer commitToAck;
    /** Acknowledged by Kafka, not yet deleted because the database failed: deleted first thing after reconnecting. */
    private final Set<Long> acknowledgedNotDeleted = new HashSet<>();
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile boolean running;
    private Thread thread;
    private final FailureStreak publishing = new FailureStreak("could not publish");
    private final FailureStreak database = new FailureStreak("lost its database connection");

    public OutboxRelay(AgroalDataSource dataSource, OutboxProgress progress, MeterRegistry registry,
                       @ConfigProperty(name = "service.schema") String schema,
                       @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                       @ConfigProperty(name = "reliability.outbox.batch-size", defaultValue = "500") int batchSize,
                       @ConfigProperty(name = "reliability.outbox.poll-interval", defaultValue = "PT1S") Duration pollInterval,
                       @ConfigProperty(name = "reliability.outbox.delivery-timeout", defaultValue = "P1D") Duration deliveryTimeout,
                       @ConfigProperty(name = "reliability.outbox.enabled", defaultValue = "true") boolean enabled) {
        this.dataSource = dataSource;
        this.progress = progress;
        this.schema = schema;
        this.bootstrapServers = bootstrapServers;
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
        producer = newProducer();
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
        producer.close(Duration.ofSeconds(5));
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
                    // Kafka acknowledged before the restart (above) while the others give it this head start, so none
                    // of them leads and sends those rows a second time.
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
        while (running) {
            BatchOutcome batch = relayBatch(connection);
            if (batch.retryCause() != null) {
                publishing.failed((batch.rows() - batch.published() - batch.refused()) + " of " + batch.rows()
                        + " rows: " + batch.retryCause());
                if (batch.producerBroken() && running) {
                    replaceProducer();
                }
                pause(RETRY_PAUSE);
            } else {
                publishing.ended();
                if (batch.rows() < batchSize) {
                    // Woken at once by a commit's NOTIFY; the poll interval only bounds the delay if one is lost.
                    connection.unwrap(PGConnection.class).getNotifications((int) pollInterval.toMillis());
                }
            }
        }
    }

    private BatchOutcome relayBatch(Connection connection) throws SQLException {
        List<Row> rows = oldestRows(connection);
        if (rows.isEmpty()) {
            return new BatchOutcome(0, 0, 0, null, false);
        }
        List<Send> sends = send(rows);
        awaitAcknowledgements(sends);
        long ackedAt = System.currentTimeMillis();
        List<Long> refusedIds = new ArrayList<>();
        List<String> refusedReasons = new ArrayList<>();
        Throwable retryCause = null;
        boolean producerBroken = false;
        int acknowledged = 0;
        for (Send send : sends) {
            Throwable failure = failure(send);
            if (failure == null) {
                if (send.ack() != null && send.ack().isDone()) {
                    acknowledgedNotDeleted.add(send.row().id());
                    commitToAck.record(Math.max(0, ackedAt - send.row().createdAtMillis()), TimeUnit.MILLISECONDS);
                    acknowledged++;
                }
                continue;
            }
            SendFailure kind = SendFailure.of(failure);
            if (kind == SendFailure.REFUSED) {
                refusedIds.add(send.row().id());
                refusedReasons.add(reason(failure));
            } else {
                retryCause = retryCause == null ? failure : retryCause;
                producerBroken |= kind == SendFailure.PRODUCER_BROKEN;
            }
        }
        published.increment(acknowledged);
        deleteAcknowledgedAndPark(connection, refusedIds, refusedReasons);
        if (acknowledged > 0) {
            progress.progressed();
        }
        if (!refusedIds.isEmpty()) {
            progress.parked(refusedIds.size());
            for (int i = 0; i < refusedIds.size(); i++) {
                LOG.errorf("Outbox row %d parked, Kafka refused it: %s", refusedIds.get(i), refusedReasons.get(i));
            }
        }
        return new BatchOutcome(rows.size(), acknowledged, refusedIds.size(), retryCause, producerBroken);
    }

    private List<Row> oldestRows(Connection connection) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, topic, message_key, payload, (extract(epoch FROM created_at) * 1000)::bigint
                FROM outbox ORDER BY id LIMIT ?""")) {
            select.setInt(1, batchSize);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getLong(1), result.getString(2), result.getString(3), result.getString(4),
                            result.getLong(5)));
                }
            }
        }
        return rows;
    }

    /**
     * In id order. A row that cannot become a record fails on its own. When the producer cannot even take a record for
     * a topic (no metadata within {@code max.block.ms}, the broker being away), the topic's later rows are not tried:
     * each would block as long, and sending them before the failed one would break their key's order.
     */
    private List<Send> send(List<Row> rows) {
        List<Send> sends = new ArrayList<>(rows.size());
        Set<String> blockedTopics = new HashSet<>();
        boolean producerBroken = false;
        for (Row row : rows) {
            if (producerBroken || blockedTopics.contains(row.topic())) {
                sends.add(new Send(row, null, null));
                continue;
            }
            ProducerRecord<String, byte[]> record;
            try {
                record = binaryModeRecord(row);
            } catch (RuntimeException unreadable) {
                sends.add(new Send(row, null, new UnreadablePayload(unreadable)));
                continue;
            }
            try {
                Future<RecordMetadata> ack = producer.send(record);
                sends.add(new Send(row, ack, null));
                Throwable failedAtOnce = ack.isDone() ? failure(sends.get(sends.size() - 1)) : null;
                if (failedAtOnce != null && SendFailure.of(failedAtOnce) != SendFailure.REFUSED) {
                    blockedTopics.add(row.topic());
                }
            } catch (RuntimeException e) {
                sends.add(new Send(row, null, e));
                producerBroken = SendFailure.of(e) != SendFailure.REFUSED;
            }
        }
        return sends;
    }

    /** Until every send is answered; a stopping relay waits at most {@link #SHUTDOWN_GRACE}. */
    private void awaitAcknowledgements(List<Send> sends) {
        long shutdownDeadline = Long.MAX_VALUE;
        for (Send send : sends) {
            while (send.ack() != null && !send.ack().isDone()) {
                if (!running) {
                    shutdownDeadline = Math.min(shutdownDeadline, System.nanoTime() + SHUTDOWN_GRACE.toNanos());
                    if (System.nanoTime() > shutdownDeadline) {
                        return;
                    }
                }
                try {
                    send.ack().get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException notYetOrFailed) {
                    // looked at once all are answered
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Null if acknowledged or not (yet) answered. */
    private static Throwable failure(Send send) {
        if (send.failedBeforeSending() != null) {
            return send.failedBeforeSending();
        }
        if (send.ack() == null || !send.ack().isDone()) {
            return null;
        }
        try {
            send.ack().get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    /** One transaction: what Kafka has leaves the outbox, what it refused moves to {@code outbox_parked}. */
    private void deleteAcknowledgedAndPark(Connection connection, List<Long> refusedIds, List<String> refusedReasons)
            throws SQLException {
        if (acknowledgedNotDeleted.isEmpty() && refusedIds.isEmpty()) {
            return;
        }
        connection.setAutoCommit(false);
        try {
            deleteAcknowledgedRows(connection);
            if (!refusedIds.isEmpty()) {
                try (PreparedStatement park = connection.prepareStatement("""
                        WITH refused AS (SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS text[])) AS r(id, reason)),
                             moved AS (DELETE FROM outbox o USING refused r WHERE o.id = r.id
                                       RETURNING o.id, o.event_id, o.topic, o.message_key, o.event_type, o.payload,
                                                 o.created_at, r.reason)
                        INSERT INTO outbox_parked (id, event_id, topic, message_key, event_type, payload, created_at, reason)
                        SELECT * FROM moved""")) {
                    park.setArray(1, connection.createArrayOf("bigint", refusedIds.toArray()));
                    park.setArray(2, connection.createArrayOf("text", refusedReasons.toArray()));
                    park.executeUpdate();
                }
            }
            connection.commit();
            acknowledgedNotDeleted.clear();
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Also outside a batch: after reconnecting, before anyone could send those rows again. */
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

    /** Our topics carry CloudEvents in binary mode: attributes in ce_* headers, the data as the value. */
    private static ProducerRecord<String, byte[]> binaryModeRecord(Row row) {
        CloudEvent event = CloudEvents.fromStructuredJson(row.payload().getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(row.topic(), row.key(), CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) ->
                record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private KafkaProducer<String, byte[]> newProducer() {
        int deliveryTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, deliveryTimeout.toMillis());
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, schema + "-outbox-relay",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMillis,
                // How long send() may block for metadata or buffer space before failing that row (to be sent again).
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** A producer in a fatal state fails every send from then on; only a new one recovers. */
    private void replaceProducer() {
        LOG.warn("Replacing the outbox relay's Kafka producer after a fatal producer error");
        producer.close(Duration.ofSeconds(1));
        producer = newProducer();
    }

    private static String reason(Throwable failure) {
        String reason = failure.toString().replace('\u0000', '?');
        return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Logs the first failure of a series and then one a minute, and when the series ends, instead of one per attempt. */
    private static final class FailureStreak {
        private final String what;
        private long sinceNanos;
        private long loggedNanos;

        FailureStreak(String what) {
            this.what = what;
        }

        void failed(String detail) {
            long now = System.nanoTime();
            if (sinceNanos == 0) {
                sinceNanos = now;
            }
            if (loggedNanos == 0 || now - loggedNanos > FAILURE_LOG_INTERVAL.toNanos()) {
                loggedNanos = now;
                LOG.warnf("Outbox relay %s (for %d s), retrying every %d ms: %s", what,
                        Duration.ofNanos(now - sinceNanos).toSeconds(), RETRY_PAUSE.toMillis(), detail);
            }
        }

        void ended() {
            if (sinceNanos != 0) {
                LOG.infof("Outbox relay recovered; it %s for %d s", what, Duration.ofNanos(System.nanoTime() - sinceNanos).toSeconds());
                sinceNanos = 0;
                loggedNanos = 0;
            }
        }
    }

    /** The row's payload is not a CloudEvent we can put on Kafka: retrying cannot change that. */
    static final class UnreadablePayload extends org.apache.kafka.common.errors.SerializationException {
        UnreadablePayload(Throwable cause) {
            super("unreadable payload: " + cause, cause);
        }
    }
}
