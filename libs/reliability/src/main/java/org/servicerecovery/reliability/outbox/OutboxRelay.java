package org.servicerecovery.reliability.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * Takes outbox rows to Kafka in commit order and deletes them once the broker acknowledged (idempotent producer,
 * {@code acks=all}), in CloudEvents binary mode. One replica relays at a time (a PostgreSQL advisory lock held on its listening connection, released
 * by PostgreSQL if that replica dies), which keeps per-key order without coordination. A crash between the broker's
 * acknowledgement and the delete re-sends those events: consumers are idempotent.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration BACKLOG_REFRESH = Duration.ofSeconds(5);

    private final AgroalDataSource dataSource;
    private final String schema;
    private final int batchSize;
    private final Duration pollInterval;
    private final boolean enabled;
    private final KafkaProducer<String, byte[]> producer;
    private final Counter published;
    private final Timer commitToAck;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(AgroalDataSource dataSource, MeterRegistry registry,
                       @ConfigProperty(name = "service.schema") String schema,
                       @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                       @ConfigProperty(name = "reliability.outbox.batch-size", defaultValue = "500") int batchSize,
                       @ConfigProperty(name = "reliability.outbox.poll-interval", defaultValue = "PT1S") Duration pollInterval,
                       @ConfigProperty(name = "reliability.outbox.enabled", defaultValue = "true") boolean enabled) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.batchSize = batchSize;
        this.pollInterval = pollInterval;
        this.enabled = enabled;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, schema + "-outbox-relay",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000),
                new StringSerializer(), new ByteArraySerializer());
        this.published = registry.counter("outbox.published");
        this.commitToAck = Timer.builder("outbox.commit.to.ack").publishPercentileHistogram()
                .description("time from the outbox row's insert to the broker's acknowledgement").register(registry);
        registry.gauge("outbox.backlog", backlog);
        registry.gauge("outbox.oldest.age.seconds", oldestAgeSeconds);
    }

    void start(@Observes StartupEvent startup) {
        if (!enabled) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /** Before the connection pools close, so no batch is cut in half by the shutdown. */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        producer.close(Duration.ofSeconds(5));
    }

    private void run() {
        while (running) {
            try (Connection listening = dataSource.getConnection()) {
                listening.setAutoCommit(true);
                try (Statement statement = listening.createStatement()) {
                    statement.execute("LISTEN \"" + schema + "_outbox\"");
                }
                relayWhileRunning(listening);
            } catch (Exception e) {
                if (running) {
                    LOG.warnf("Outbox relay interrupted by %s; retrying in a second", e.toString());
                    pause(Duration.ofSeconds(1));
                }
            }
        }
    }

    private void relayWhileRunning(Connection listening) throws Exception {
        boolean leader = false;
        long nextBacklogRefresh = 0;
        while (running) {
            if (!leader) {
                leader = tryLead(listening);
            }
            int relayed = leader ? relayBatch() : 0;
            if (System.nanoTime() > nextBacklogRefresh) {
                refreshBacklog();
                nextBacklogRefresh = System.nanoTime() + BACKLOG_REFRESH.toNanos();
            }
            if (relayed < batchSize) {
                // Woken at once by a commit's NOTIFY; the poll interval only bounds the delay if a notification is lost.
                listening.unwrap(PGConnection.class).getNotifications((int) pollInterval.toMillis());
            }
        }
    }

    private boolean tryLead(Connection listening) throws SQLException {
        try (Statement statement = listening.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT pg_try_advisory_lock(hashtext(current_schema() || '.outbox-relay'))")) {
            return result.next() && result.getBoolean(1);
        }
    }

    private int relayBatch() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Long> ids = new ArrayList<>();
                List<Long> createdAtMillis = new ArrayList<>();
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement("""
                        SELECT id, topic, message_key, payload, (extract(epoch FROM created_at) * 1000)::bigint
                        FROM outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""")) {
                    select.setInt(1, batchSize);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            ids.add(rows.getLong(1));
                            createdAtMillis.add(rows.getLong(5));
                            acks.add(producer.send(binaryModeRecord(rows.getString(2), rows.getString(3), rows.getString(4))));
                        }
                    }
                }
                if (ids.isEmpty()) {
                    connection.rollback();
                    return 0;
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(60, TimeUnit.SECONDS);
                }
                long ackedAt = System.currentTimeMillis();
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
                    delete.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
                    delete.executeUpdate();
                }
                connection.commit();
                published.increment(ids.size());
                createdAtMillis.forEach(created -> commitToAck.record(Math.max(0, ackedAt - created), TimeUnit.MILLISECONDS));
                return ids.size();
            } catch (Exception e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Our topics carry CloudEvents in binary mode: attributes in ce_* headers, the data as the value. */
    private static ProducerRecord<String, byte[]> binaryModeRecord(String topic, String key, String structuredJson) {
        CloudEvent event = CloudEvents.fromStructuredJson(structuredJson.getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) ->
                record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private void refreshBacklog() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT count(*), coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::bigint FROM outbox")) {
            result.next();
            backlog.set(result.getLong(1));
            oldestAgeSeconds.set(result.getLong(2));
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
