package org.servicerecovery.reliability.testapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.Topic;
import org.servicerecovery.localinfra.LocalPostgres;
import org.servicerecovery.localinfra.TopicCatalogue;
import org.servicerecovery.testing.QuarkusProcess;
import org.servicerecovery.testing.SharedInfrastructure;
import org.servicerecovery.testing.TopicReader;
import org.servicerecovery.testing.TopicWriter;

/**
 * Two replicas of the packaged application fire timers, consume events and relay their outbox while one of them is
 * killed with SIGKILL at random moments, 20 times. Afterwards every timer fired exactly once, every event was applied
 * exactly once, and every event those effects caused is on Kafka.
 */
class CrashIT {

    private static final int TIMERS = 1500;
    private static final int EVENTS = 1500;
    private static final int KILLS = 20;
    private static final Path JAR = Path.of(System.getProperty("worker.jar", "target/quarkus-app/quarkus-run.jar"));

    private final Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));
    private final String run = "crash-" + Long.toHexString(System.nanoTime());

    @Test
    void killNineAtRandomMomentsLosesNothingAndDoesNothingTwice() throws Exception {
        SharedInfrastructure infrastructure = SharedInfrastructure.get();
        TopicCatalogue.ensureTopic(infrastructure.kafkaBootstrapServers(), TestappInfrastructure.DLQ, 1);
        // The first replica creates the schema; the load starts once it is there.
        List<QuarkusProcess> replicas = new ArrayList<>(List.of(startReplica(0).awaitReady(Duration.ofSeconds(60)), startReplica(1)));
        scheduleTimers(Instant.now().plusSeconds(2), Duration.ofSeconds(25));
        AtomicBoolean producing = new AtomicBoolean(true);
        CompletableFuture<Void> events = CompletableFuture.runAsync(() -> produceEvents(Duration.ofSeconds(25), producing));

        for (int kill = 0; kill < KILLS; kill++) {
            Thread.sleep(500 + random.nextInt(2000));
            int victim = random.nextInt(replicas.size());
            replicas.get(victim).kill();
            replicas.set(victim, startReplica(kill + 2));
        }
        events.join();
        try {
            awaitQuiescence(Duration.ofSeconds(120));
        } finally {
            replicas.forEach(QuarkusProcess::close);
        }

        assertEquals(TIMERS, Db.count("SELECT count(*) FROM timer_effect WHERE timer_id LIKE ?", run + "%"), "timer effects");
        assertEquals(TIMERS, Db.count("SELECT count(DISTINCT timer_id) FROM timer_effect WHERE timer_id LIKE ?", run + "%"));
        assertEquals(EVENTS, Db.count("SELECT count(*) FROM event_effect WHERE event_id LIKE ?", run + "%"), "event effects");
        assertEquals(EVENTS, Db.count("SELECT count(DISTINCT event_id) FROM event_effect WHERE event_id LIKE ?", run + "%"));
        assertEquals(0, Db.count("SELECT count(*) FROM outbox"), "outbox drained");

        Set<String> expected = new HashSet<>();
        for (int i = 0; i < TIMERS; i++) {
            expected.add("fired-" + run + "-t" + i);
        }
        for (int i = 0; i < EVENTS; i++) {
            expected.add("applied-" + run + "-e" + i);
        }
        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            Set<String> published = new HashSet<>();
            reader.readUntil(records -> {
                records.forEach(r -> published.add(TopicReader.header(r, "ce_id")));
                return published.containsAll(expected);
            }, Duration.ofSeconds(60));
            assertTrue(published.containsAll(expected));
        }
    }

    private QuarkusProcess startReplica(int generation) {
        return QuarkusProcess.start(JAR, Path.of("target", "crash", "replica-" + generation + ".log"),
                Map.of("reliability.timers.max-idle", "PT0.5S"));
    }

    /** Due times spread over {@code spread}, inserted directly as the business transactions would leave them. */
    private void scheduleTimers(Instant first, Duration spread) throws Exception {
        try (Connection connection = connect();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO timer (id, kind, owner_id, due_at) VALUES (?, 'test.effect', ?, ?)")) {
            for (int i = 0; i < TIMERS; i++) {
                insert.setString(1, run + "-t" + i);
                insert.setString(2, "cust-" + (i % 97));
                insert.setTimestamp(3, Timestamp.from(first.plusMillis(spread.toMillis() * i / TIMERS)));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private void produceEvents(Duration spread, AtomicBoolean producing) {
        try (TopicWriter writer = new TopicWriter()) {
            long pauseMicros = spread.toNanos() / 1000 / EVENTS;
            for (int i = 0; i < EVENTS && producing.get(); i++) {
                writer.sendBinary(Topic.INTAKE_EVENTS.topicName(), Effects.event(run + "-e" + i, "cust-" + (i % 97)));
                if (random.nextInt(10) == 0) {
                    // a CRM or a rebalance re-sending an event
                    writer.sendBinary(Topic.INTAKE_EVENTS.topicName(), Effects.event(run + "-e" + i, "cust-" + (i % 97)));
                }
                Thread.sleep(pauseMicros / 1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitQuiescence(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean done = Db.count("SELECT count(*) FROM timer WHERE id LIKE ?", run + "%") == 0
                    && Db.count("SELECT count(DISTINCT event_id) FROM event_effect WHERE event_id LIKE ?", run + "%") == EVENTS
                    && Db.count("SELECT count(*) FROM outbox") == 0;
            if (done) {
                return;
            }
            Thread.sleep(500);
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(SharedInfrastructure.get().jdbcUrl() + "?currentSchema=reliability_testapp",
                LocalPostgres.USER, LocalPostgres.PASSWORD);
    }
}
