package org.servicerecovery.reliability.testapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.Topic;
import org.servicerecovery.localinfra.TopicCatalogue;
import org.servicerecovery.testing.QuarkusProcess;
import org.servicerecovery.testing.SharedInfrastructure;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Two replicas of the packaged application relay an outbox that business transactions keep filling (100 events a
 * second over 20 customers, each transaction also writing a ledger row) while, without restarting either replica, the
 * broker is killed for a minute, PostgreSQL is restarted, and the leading replica is killed. Each time the relay
 * resumes by itself; afterwards every committed event is on Kafka in order per customer, exactly once up to the
 * leader's kill (after it, at most the killed leader's last batch again), and the lock is held by the surviving
 * replica's relay session only.
 */
class RelayOutagesIT {

    private static final Path JAR = Path.of(System.getProperty("worker.jar", "target/quarkus-app/quarkus-run.jar"));
    private static final int CUSTOMERS = 20;
    private static final Duration BROKER_OUTAGE = Duration.ofSeconds(60);
    private static final String RELAY_SESSIONS = "reliability_testapp.outbox-relay@%";
    /** {@code reliability.outbox.batch-size}'s default. */
    private static final int RELAY_BATCH = 500;

    private final String run = "outage-" + Long.toHexString(System.nanoTime());
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final AtomicLong committedTransactions = new AtomicLong();
    private final AtomicLong failedTransactions = new AtomicLong();
    private final Map<Integer, Long> endOffsetsAtLeaderKill = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theRelayRidesOutABrokerOutageADatabaseRestartAndItsLeadersDeathPublishingEveryEventOnce() throws Exception {
        SharedInfrastructure infrastructure = SharedInfrastructure.get();
        TopicCatalogue.ensureTopic(infrastructure.kafkaBootstrapServers(), TestappInfrastructure.DLQ, 1);
        List<QuarkusProcess> replicas = new ArrayList<>();
        Thread load = new Thread(this::writeEvents, "business-transactions");
        try {
            // The first replica creates the schema; the second boots while the load starts.
            replicas.add(startReplica(0).awaitReady(Duration.ofSeconds(90)));
            replicas.add(startReplica(1));
            load.start();
            replicas.get(1).awaitReady(Duration.ofSeconds(90));

            try (SharedInfrastructure.Outage broker = infrastructure.killKafka()) {
                long killedAt = System.nanoTime();
                // The relay check reports the stall (stall-after is 15 s here) while the broker is away.
                Awaitility.await().atMost(BROKER_OUTAGE.minusSeconds(10)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> "DOWN".equals(relayCheck(replicas.get(0))));
                sleepUntil(killedAt + BROKER_OUTAGE.toNanos());
            }
            long returnedAt = System.nanoTime();
            long backlogAtReturn = Db.count("SELECT coalesce(max(id), 0) FROM outbox");
            long waiting = Db.count("SELECT count(*) FROM outbox");
            assertTrue(waiting > 1000, "a minute of events waited for the broker");
            Awaitility.await("the outbox drained within 10 s of the broker's return").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> Db.count("SELECT count(*) FROM outbox WHERE id <= ?", backlogAtReturn) == 0);
            System.out.printf("%d events that waited for the broker published %d ms after its return%n", waiting,
                    Duration.ofNanos(System.nanoTime() - returnedAt).toMillis());
            for (QuarkusProcess replica : replicas) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> "UP".equals(relayCheck(replica)));
            }

            long beforeRestart = committedTransactions.get();
            long failedBeforeRestart = failedTransactions.get();
            try (SharedInfrastructure.Outage database = infrastructure.stopPostgres()) {
                // a REST call meanwhile is told to come back, not that the service broke
                HttpResponse<String> parked = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + replicas.get(0).port() + "/api/v1/admin/outbox/parked"))
                        .header("Authorization", "Bearer " + TestTokens.admin()).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(503, parked.statusCode(), parked.body());
                assertEquals("application/problem+json", parked.headers().firstValue("Content-Type").orElse(""));
                assertTrue(parked.headers().firstValue("Retry-After").isPresent());
                // down until the business load has met the outage too
                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> failedTransactions.get() > failedBeforeRestart);
            }
            awaitTransactions(beforeRestart + 50);
            long afterRestart = Db.count("SELECT coalesce(max(id), 0) FROM outbox");
            Awaitility.await("the relay resumed after the database restart").atMost(Duration.ofSeconds(30))
                    .until(() -> Db.count("SELECT count(*) FROM outbox WHERE id <= ?", afterRestart) == 0);

            QuarkusProcess leader = leader(replicas);
            endOffsetsAtLeaderKill.putAll(endOffsets());
            leader.kill();
            replicas.remove(leader);
            awaitTransactions(committedTransactions.get() + 50);
            loading.set(false);
            load.join();

            Awaitility.await("the surviving replica drained the outbox").atMost(Duration.ofSeconds(60))
                    .until(() -> Db.count("SELECT count(*) FROM outbox") == 0);
            assertEquals(List.of("reliability_testapp.outbox-relay@" + replicas.get(0).pid()), Db.texts(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                            + " WHERE l.locktype = 'advisory' AND l.granted"), "only the survivor's relay session holds the lock");
            assertEquals("UP", relayCheck(replicas.get(0)));
        } finally {
            loading.set(false);
            if (load.isAlive()) {
                load.join();
            }
            replicas.forEach(QuarkusProcess::close);
        }

        Set<String> committed = new HashSet<>(Db.texts("SELECT event_id FROM event_effect WHERE event_id LIKE ?", run + "-%"));
        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            List<ConsumerRecord<String, byte[]>> records = reader.readUntil(read -> ofRun(read).stream()
                    .map(r -> TopicReader.header(r, "ce_id")).collect(java.util.stream.Collectors.toSet())
                    .containsAll(committed), Duration.ofSeconds(60));
            List<ConsumerRecord<String, byte[]>> ours = ofRun(records);
            // Through the broker outage and the database restart nothing is published twice. A leader killed between
            // the broker's acknowledgement and its delete leaves its last batch for the next leader to send again, which
            // the idempotent consumers absorb: only records after the kill may repeat one, at most a batch of them.
            List<String> beforeKill = ours.stream()
                    .filter(r -> r.offset() < endOffsetsAtLeaderKill.getOrDefault(r.partition(), 0L))
                    .map(r -> TopicReader.header(r, "ce_id")).toList();
            assertEquals(beforeKill.size(), new HashSet<>(beforeKill).size(), "nothing published twice before the leader's kill");
            List<String> published = ours.stream().map(r -> TopicReader.header(r, "ce_id")).toList();
            assertEquals(committed, new HashSet<>(published), "every committed event published");
            assertTrue(published.size() - committed.size() <= RELAY_BATCH,
                    "at most the killed leader's last batch again: " + (published.size() - committed.size()));
            Map<String, Long> lastSeq = new HashMap<>();
            Set<String> seen = new HashSet<>();
            for (ConsumerRecord<String, byte[]> record : ours) {
                if (!seen.add(TopicReader.header(record, "ce_id"))) {
                    continue; // a re-sent copy counts at its first offset
                }
                long seq = Long.parseLong(TopicReader.header(record, "ce_id").substring(record.key().length() + 1));
                Long previous = lastSeq.put(record.key(), seq);
                assertTrue(previous == null || previous < seq, "order of " + record.key() + ": " + previous + " then " + seq);
            }
        }
    }

    /**
     * One transaction every 50 ms: five events of consecutive customers and their ledger rows; outages are waited out.
     * Numbers are never reused, even after a failed commit, which may have committed all the same.
     */
    private void writeEvents() {
        long[] nextSeq = new long[CUSTOMERS];
        int customer = 0;
        Connection connection = null;
        while (loading.get()) {
            try {
                if (connection == null) {
                    connection = Db.connect();
                    connection.setAutoCommit(false);
                }
                try (PreparedStatement ledger = connection.prepareStatement("INSERT INTO event_effect (event_id) VALUES (?)");
                     PreparedStatement outbox = connection.prepareStatement(
                             "INSERT INTO outbox (event_id, topic, message_key, event_type, payload) VALUES (?, ?, ?, 'test.effect', ?)")) {
                    for (int i = 0; i < 5; i++) {
                        String key = run + "-c" + customer;
                        String id = key + "-" + nextSeq[customer]++;
                        customer = (customer + 1) % CUSTOMERS;
                        ledger.setString(1, id);
                        ledger.addBatch();
                        outbox.setString(1, id);
                        outbox.setString(2, Topic.PROMISE_EVENTS.topicName());
                        outbox.setString(3, key);
                        outbox.setString(4, new String(CloudEvents.toStructuredJson(Effects.event(id, key)), StandardCharsets.UTF_8));
                        outbox.addBatch();
                    }
                    ledger.executeBatch();
                    outbox.executeBatch();
                    connection.commit();
                    committedTransactions.incrementAndGet();
                }
                Thread.sleep(50);
            } catch (SQLException | RuntimeException | AssertionError e) {
                // The database is away (pgjdbc, run with -ea, asserts on some lost connections instead of throwing);
                // whether the commit made it is in the ledger, which the checks read.
                failedTransactions.incrementAndGet();
                closeQuietly(connection);
                connection = null;
                sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        closeQuietly(connection);
    }

    private static Map<Integer, Long> endOffsets() {
        Map<String, Object> config = Map.of("bootstrap.servers", SharedInfrastructure.get().kafkaBootstrapServers(),
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.PROMISE_EVENTS.topicName()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            Map<Integer, Long> ends = new HashMap<>();
            consumer.endOffsets(partitions).forEach((partition, end) -> ends.put(partition.partition(), end));
            return ends;
        }
    }

    private List<ConsumerRecord<String, byte[]>> ofRun(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> r.key() != null && r.key().startsWith(run + "-")).toList();
    }

    private QuarkusProcess startReplica(int number) {
        return QuarkusProcess.start(JAR, Path.of("target", "outages", run + "-replica-" + number + ".log"),
                Map.of("reliability.outbox.stall-after", "PT15S"));
    }

    private QuarkusProcess leader(List<QuarkusProcess> replicas) {
        String holder = Db.text("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE ?", RELAY_SESSIONS);
        long pid = Long.parseLong(holder.substring(holder.indexOf('@') + 1));
        return replicas.stream().filter(replica -> replica.pid() == pid).findFirst()
                .orElseThrow(() -> new AssertionError("the lock is held by " + holder + ", not by a replica"));
    }

    /** Status of the outbox-relay readiness check, or null if the replica does not answer. */
    private String relayCheck(QuarkusProcess replica) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + replica.port() + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode check : new ObjectMapper().readTree(response.body()).path("checks")) {
                if ("outbox-relay".equals(check.path("name").asText())) {
                    return check.path("status").asText();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void awaitTransactions(long count) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> committedTransactions.get() >= count);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long millis = (nanoTime - System.nanoTime()) / 1_000_000;
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already gone with the database
            }
        }
    }
}
