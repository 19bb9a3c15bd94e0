package org.servicerecovery.promises;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.testing.Metrics;
import org.servicerecovery.testing.RealInfrastructure;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * A miss is declared on event time: a fulfilment sent before the due time but read after it (the input lagging) keeps
 * the promise, and while the input lags the service says so instead of guessing.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class PromiseWatermarkTest {

    @Inject
    PromiseTestClock clock;

    @Inject
    KafkaClientService kafka;

    @Test
    void aFulfilmentSentBeforeTheDueTimeButReadThirtySecondsAfterItIsKeptAndNeverMissed() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        Instant due = now.plus(Duration.ofMinutes(1));
        CommitmentCrm.send(crm.made(now, due));
        PromiseLifecycleTest.awaitState(crm, "PENDING");
        awaitWatermarkState("on-time");

        kafka.getConsumer("intake").pause().await().atMost(Duration.ofSeconds(10));
        try {
            // Sent 5 s before the due time, but the consumer reads it only once the due time is 30 s past.
            clock.advance(Duration.ofSeconds(55));
            CommitmentCrm.send(crm.fulfilled(clock.instant()));
            clock.advance(Duration.ofSeconds(35));

            awaitWatermarkState("late");
            Metrics metrics = Metrics.scrape();
            assertTrue(metrics.value("input_watermark_lag_seconds{topic=\"intake.events\"}") >= 60, "lag shown");
            assertTrue(metrics.value("timers_held") >= 1, "the due timer is held");
            PromiseLifecycleTest.holdsFor300Millis(() -> "PENDING".equals(PromiseLifecycleTest.state(crm)));
        } finally {
            kafka.getConsumer("intake").resume().await().atMost(Duration.ofSeconds(10));
        }

        PromiseLifecycleTest.awaitState(crm, "KEPT");
        awaitWatermarkState("on-time");
        assertEquals(List.of("promise.kept"), crm.promiseEvents(1));
        assertEquals(0, PromiseLifecycleTest.history(crm, "missed"));
        assertEquals(0, PromiseLifecycleTest.timersOf(crm));
    }

    @Test
    void aPromiseReallyMissedWhileTheInputLaggedIsDeclaredOnceTheInputCatchesUp() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        CommitmentCrm.send(crm.made(now, now.plus(Duration.ofMinutes(1))));
        PromiseLifecycleTest.awaitState(crm, "PENDING");

        kafka.getConsumer("intake").pause().await().atMost(Duration.ofSeconds(10));
        try {
            clock.advance(Duration.ofSeconds(90));
            awaitWatermarkState("late");
            PromiseLifecycleTest.holdsFor300Millis(() -> "PENDING".equals(PromiseLifecycleTest.state(crm)));
        } finally {
            kafka.getConsumer("intake").resume().await().atMost(Duration.ofSeconds(10));
        }

        PromiseLifecycleTest.awaitState(crm, "MISSED");
        assertTrue(crm.promiseEvents(1).contains("promise.missed"));
        assertEquals(1, PromiseLifecycleTest.history(crm, "missed"));
    }

    private static void awaitWatermarkState(String state) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> state.equals(given().get("/q/health/ready").then()
                .extract().path("checks.find { it.name == 'input-watermark' }.data.state")));
    }
}
