package org.servicerecovery.reliability.testapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.Topic;
import org.servicerecovery.reliability.timers.Timer;
import org.servicerecovery.reliability.timers.TimerFiring;
import org.servicerecovery.testing.TopicReader;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

@QuarkusTest
@WithTestResource(value = TestappInfrastructure.class, scope = TestResourceScope.GLOBAL)
class TimersTest {

    @Inject
    Effects effects;

    @Inject
    TimerFiring firing;

    @Inject
    MeterRegistry registry;

    @Test
    void aTimerFiresOnceAtItsDueTimeWithItsEffectAndEventCommittedTogether() throws Throwable {
        String id = "t-" + UUID.randomUUID();
        schedule(id, Instant.now().plusMillis(300), null);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> effectsOf(id) == 1);
        assertEquals(0, Db.count("SELECT count(*) FROM timer WHERE id = ?", id));
        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            reader.readUntil(records -> records.stream().anyMatch(r -> ("fired-" + id).equals(TopicReader.header(r, "ce_id"))),
                    Duration.ofSeconds(20));
        }
        holdsFor(Duration.ofMillis(500), () -> effectsOf(id) == 1);
    }

    @Test
    void schedulingAgainMovesTheTimerAndCancellingStopsIt() throws Throwable {
        String movedEarlier = "t-" + UUID.randomUUID();
        String movedLater = "t-" + UUID.randomUUID();
        String cancelled = "t-" + UUID.randomUUID();
        // Due far enough ahead that the moves and the cancel surely come first, also on a busy build machine.
        Instant soon = Instant.now().plusMillis(1500);
        schedule(movedEarlier, Instant.now().plusSeconds(3600), null);
        schedule(movedLater, soon, null);
        schedule(cancelled, soon, null);

        schedule(movedEarlier, Instant.now().plusMillis(200), null);
        schedule(movedLater, Instant.now().plusSeconds(3600), null);
        assertTrue(VertxContextSupport.subscribeAndAwait(() -> effects.cancel(cancelled)));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> effectsOf(movedEarlier) == 1);
        Duration pastTheirDueTime = Duration.between(Instant.now(), soon.plusMillis(700));
        holdsFor(pastTheirDueTime.isNegative() ? Duration.ofMillis(700) : pastTheirDueTime,
                () -> effectsOf(movedLater) == 0 && effectsOf(cancelled) == 0);
        assertEquals(1, Db.count("SELECT count(*) FROM timer WHERE id = ?", movedLater));
    }

    @Test
    void aFailingHandlerIsRetriedWithBackoffAndThenSucceeds() throws Throwable {
        String id = "t-" + UUID.randomUUID();
        schedule(id, Instant.now(), "fail-twice");

        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> effectsOf(id) == 1);
        holdsFor(Duration.ofMillis(300), () -> effectsOf(id) == 1);
    }

    @Test
    void aSerializationFailureRetriesTheBatchWithoutCostingAnAttempt() throws Throwable {
        String id = "t-" + UUID.randomUUID();
        double failuresBefore = registry.get("timers.failures").tag("kind", EffectTimerHandler.KIND).counter().count();
        schedule(id, Instant.now(), "serialization-failure-once");

        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> effectsOf(id) == 1);
        assertEquals(failuresBefore, registry.get("timers.failures").tag("kind", EffectTimerHandler.KIND).counter().count());
        holdsFor(Duration.ofMillis(300), () -> effectsOf(id) == 1);
    }

    @Test
    void aTimerFailingAmongManyFiredTogetherHoldsBackOnlyItself() throws Throwable {
        String prefix = "together-" + UUID.randomUUID();
        Instant due = Instant.now().plusMillis(300);
        for (int i = 0; i < 20; i++) {
            schedule(prefix + "-" + i, due, i == 7 ? "fail-always" : null);
        }

        Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> Db.count("SELECT count(*) FROM timer_effect WHERE timer_id LIKE ?", prefix + "%") == 19);
        assertEquals(0, effectsOf(prefix + "-7"));
        assertEquals(1, Db.count("SELECT count(*) FROM timer WHERE id LIKE ?", prefix + "%"));
        assertTrue(Db.text("SELECT last_error FROM timer WHERE id = ?", prefix + "-7").contains("handler failure on purpose"));
        // Parked, so that it cannot fail the batches of the other tests' firers.
        Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> Db.count("SELECT count(*) FROM timer WHERE id = ? AND parked", prefix + "-7") == 1);
    }

    @Test
    void aHandlerThatKeepsFailingIsParkedAndReportedNeverDropped() throws Throwable {
        String id = "t-" + UUID.randomUUID();
        schedule(id, Instant.now(), "fail-always");

        Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> Db.count("SELECT count(*) FROM timer WHERE id = ? AND parked", id) == 1);
        assertEquals(3, Db.count("SELECT attempts FROM timer WHERE id = ?", id));
        assertTrue(Db.text("SELECT last_error FROM timer WHERE id = ?", id).contains("handler failure on purpose"));
        assertEquals(0, effectsOf(id));
    }

    @Test
    void competingFirersNeverFireATimerTwice() throws Throwable {
        String prefix = "race-" + UUID.randomUUID();
        Instant due = Instant.now().plusMillis(500);
        for (int i = 0; i < 300; i++) {
            schedule(prefix + "-" + i, due, null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> firers = new ArrayList<>();
            for (int f = 0; f < 4; f++) {
                firers.add(pool.submit(fireUntilNoneDue(due)));
            }
            for (Future<Integer> firer : firers) {
                firer.get();
            }
        } finally {
            pool.shutdown();
        }
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> Db.count("SELECT count(*) FROM timer WHERE id LIKE ?", prefix + "%") == 0);
        assertEquals(300, Db.count("SELECT count(*) FROM timer_effect WHERE timer_id LIKE ?", prefix + "%"));
        assertEquals(300, Db.count("SELECT count(DISTINCT timer_id) FROM timer_effect WHERE timer_id LIKE ?", prefix + "%"));
    }

    /**
     * A catch-up: many owners each have a due timer of two kinds, in an order that makes batches lock owners crosswise
     * (the first kind's owners ascending, then the second kind's descending). The application's lanes and three more
     * firers (other replicas) fire them at once. Claiming a timer together with its owner keeps the firing transactions
     * on disjoint owners: no deadlock, no failed attempt, every timer fired once.
     */
    @Test
    void lanesFiringTimersOfOverlappingOwnersNeverDeadlock() throws Throwable {
        String prefix = "owners-" + UUID.randomUUID();
        int owners = 150;
        long deadlocksBefore = deadlocks();
        Db.update("INSERT INTO owner_firing (id) SELECT ? || '-' || i FROM generate_series(0, ? - 1) AS i", prefix, owners);
        Instant due = Instant.now().plusSeconds(1);
        // One statement, so that none of them is due before all exist.
        Db.update("""
                INSERT INTO timer (id, kind, owner_id, due_at)
                SELECT ? || '-' || i || '-' || k.kind, k.kind, ? || '-' || i,
                       ?::timestamptz + make_interval(secs => (CASE WHEN k.kind = ? THEN i ELSE 2 * ? - i END) / 1000.0)
                FROM generate_series(0, ? - 1) AS i CROSS JOIN (VALUES (?), (?)) AS k(kind)""",
                prefix, prefix, java.time.OffsetDateTime.ofInstant(due, java.time.ZoneOffset.UTC),
                OwnerTimerHandlers.FIRST, owners, owners, OwnerTimerHandlers.FIRST, OwnerTimerHandlers.SECOND);

        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> firers = new ArrayList<>();
            for (int f = 0; f < 3; f++) {
                firers.add(pool.submit(fireUntilNoneDue(due)));
            }
            for (Future<Integer> firer : firers) {
                firer.get(); // a deadlock would surface here as the firer's failure
            }
        } finally {
            pool.shutdown();
        }
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> Db.count("SELECT count(*) FROM timer WHERE id LIKE ?", prefix + "%") == 0);
        assertEquals(2L * owners, Db.count("SELECT count(*) FROM timer_effect WHERE timer_id LIKE ?", prefix + "%"));
        assertEquals(2L * owners, Db.count("SELECT count(DISTINCT timer_id) FROM timer_effect WHERE timer_id LIKE ?", prefix + "%"));
        assertEquals(owners, Db.count("SELECT count(*) FROM owner_firing WHERE id LIKE ? AND firings = 2", prefix + "%"));
        for (String kind : List.of(OwnerTimerHandlers.FIRST, OwnerTimerHandlers.SECOND)) {
            assertEquals(0.0, registry.get("timers.failures").tag("kind", kind).counter().count(), kind);
            assertEquals(0.0, registry.get("timers.parked").tag("kind", kind).counter().count(), kind);
        }
        // PostgreSQL reports a backend's statistics within about a second of its going idle.
        Awaitility.await("no deadlock reported by PostgreSQL").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(7))
                .until(() -> deadlocks() == deadlocksBefore);
    }

    private static long deadlocks() {
        return Db.count("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
    }

    /** A second and third replica's firing, racing the application's own loop. */
    private Callable<Integer> fireUntilNoneDue(Instant due) {
        return () -> {
            Awaitility.await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10))
                    .until(() -> !Instant.now().isBefore(due));
            int total = 0;
            List<Timer> fired;
            do {
                fired = await(() -> firing.fireDue(Instant.now(), 20, true));
                total += fired.size();
            } while (!fired.isEmpty());
            return total;
        };
    }

    private static <T> T await(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private void schedule(String id, Instant due, String payload) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> effects.schedule(id, due, payload));
    }

    /** What did not change within {@code quiet} (the timer loop is awake) does not change. */
    private static void holdsFor(Duration quiet, Callable<Boolean> condition) {
        Awaitility.await().during(quiet).atMost(quiet.plusSeconds(5)).until(condition);
    }

    private static long effectsOf(String id) {
        return Db.count("SELECT count(*) FROM timer_effect WHERE timer_id = ?", id);
    }
}
