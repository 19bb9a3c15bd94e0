package org.servicerecovery.recovery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.domain.OutreachRequested;
import org.servicerecovery.events.domain.RecoveryStepCompleted;
import org.servicerecovery.testing.Metrics;
import org.servicerecovery.testing.RealInfrastructure;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * A step that a customer event completes is decided on event time: an apology delivered before its deadline but read
 * after it (the input lagging) is done on time, never overdue, and nobody is escalated to.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class RecoveryWatermarkTest {

    @Inject
    RecoveryTestClock clock;

    @Inject
    KafkaClientService kafka;

    @Test
    void anApologyDeliveredBeforeItsDeadlineButReadThirtySecondsAfterItIsDoneOnTimeAndNeverEscalated() {
        RecoveryCrm crm = new RecoveryCrm();
        RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.upserted("Wim", "en", ContactChannel.EMAIL, "lag"),
                crm.complaint(Severity.HIGH, "the parcel never came", clock.instant()));
        String caseId = RecoveryFlowTest.awaitCase(crm);
        OutreachRequested apology = RecoveryCrm.data(crm.records(Topic.OUTREACH_REQUESTS, 1).get(0), OutreachRequested.class);
        Instant due = RecoveryDb.SCHEMA.instant("SELECT next_deadline FROM recovery_case WHERE id = ?", caseId);
        // Past the warning (45 of 60 minutes): nothing was delivered by then, so that warning is right.
        clock.advance(Duration.between(clock.instant(), due.minus(Duration.ofMinutes(5))));
        await().atMost(Duration.ofSeconds(20)).until(() -> RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'step-warned'", caseId) == 1);
        awaitWatermarkState("on-time");

        kafka.getConsumer("inbound").pause().await().atMost(Duration.ofSeconds(10));
        try {
            // Delivered 5 s before the deadline, but the consumer reads it only once the deadline is 30 s past.
            clock.advance(Duration.between(clock.instant(), due.minusSeconds(5)));
            RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.delivered(apology.outreachId(), clock.instant()));
            clock.advance(Duration.ofSeconds(35));

            awaitWatermarkState("late");
            assertTrue(Metrics.scrape().value("timers_held") >= 1, "the apology's deadline is held");
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> RecoveryDb.SCHEMA.count(
                    "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'step-overdue'", caseId) == 0);
        } finally {
            kafka.getConsumer("inbound").resume().await().atMost(Duration.ofSeconds(10));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'step-completed'", caseId) == 1);
        awaitWatermarkState("on-time");
        assertEquals(List.of("recovery.case-opened", "recovery.step-started", "recovery.step-warned",
                "recovery.step-completed", "recovery.step-started"), crm.types(Topic.RECOVERY_EVENTS, 5));
        RecoveryStepCompleted done = RecoveryCrm.data(crm.records(Topic.RECOVERY_EVENTS, 5).get(3),
                RecoveryStepCompleted.class);
        assertTrue(done.onTime(), "the apology was delivered before its deadline");
        assertEquals(due.minusSeconds(5), done.completedAt().toInstant());
        assertNull(RecoveryDb.SCHEMA.text("SELECT escalation FROM recovery_case WHERE id = ?", caseId));
        assertEquals(0, RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type IN ('step-overdue', 'case-escalated')",
                caseId));
    }

    private static void awaitWatermarkState(String state) {
        await().atMost(Duration.ofSeconds(30)).until(() -> state.equals(given().get("/q/health/ready").then()
                .extract().path("checks.find { it.name == 'input-watermark' }.data.state")));
    }
}
