package org.servicerecovery.reliability.testapp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;

import org.junit.jupiter.api.Test;
import org.servicerecovery.testing.Metrics;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Counters exist from the start, at zero, so that an increase()-based alert sees their first increment; gauges of what
 * the database holds say so with scope="database", so that dashboards take the max over replicas, not the sum.
 */
@QuarkusTest
@WithTestResource(value = TestappInfrastructure.class, scope = TestResourceScope.GLOBAL)
class MetricsTest {

    @Test
    void countersOfEveryTimerKindAndOfTheReliabilityCoreExistFromTheStart() {
        Metrics metrics = Metrics.scrape();
        for (String kind : List.of(EffectTimerHandler.KIND, OwnerTimerHandlers.FIRST, OwnerTimerHandlers.SECOND)) {
            metrics.value("timers_fired_total{kind=\"" + kind + "\"}");
            metrics.value("timers_failures_total{kind=\"" + kind + "\"}");
            metrics.value("timers_parked_total{kind=\"" + kind + "\"}");
        }
        // No test makes these handlers fail.
        assertEquals(0.0, metrics.value("timers_parked_total{kind=\"" + OwnerTimerHandlers.FIRST + "\"}"));
        assertEquals(0.0, metrics.value("timers_parked_total{kind=\"" + OwnerTimerHandlers.SECOND + "\"}"));
        metrics.value("outbox_published_total");
        metrics.value("outbox_parked_total");
        assertEquals(0.0, metrics.value("dead_letters_replayed_total{topic=\"" + TestappInfrastructure.DLQ + "\"}"));
    }

    @Test
    void gaugesOfTheDatabaseAreLabelledAsSuch() {
        Metrics metrics = Metrics.scrape();
        for (String gauge : List.of("timers_pending", "outbox_backlog", "outbox_oldest_age_seconds", "outbox_parked_rows",
                "outbox_seconds_since_progress")) {
            metrics.value(gauge + "{scope=\"database\"}");
        }
    }

    /**
     * A gauge never counts more than 10,000 rows: beyond that it shows PostgreSQL's estimate, which follows the table
     * (20,000 timers a month ahead, none of which fires during the test).
     */
    @Test
    void pendingTimersBeyondTheExactBoundAreEstimated() {
        Db.update("""
                INSERT INTO reliability_testapp.timer (id, kind, owner_id, due_at)
                SELECT 'gauge-estimate:' || n, ?, 'gauge-estimate:' || n, now() + interval '30 days'
                FROM generate_series(1, 20000) n""", EffectTimerHandler.KIND);
        try {
            Db.update("ANALYZE reliability_testapp.timer");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                double pending = Metrics.scrape().value("timers_pending{scope=\"database\"}");
                return pending > 15_000 && pending < 30_000;
            });
        } finally {
            Db.update("DELETE FROM reliability_testapp.timer WHERE id LIKE 'gauge-estimate:%'");
        }
    }
}
