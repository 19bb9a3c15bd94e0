package org.servicerecovery.recovery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.reliability.timers.TimerFiring;
import org.servicerecovery.testing.RealInfrastructure;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;

/**
 * A restart in the middle of a workflow. This application runs without its timer loop, as an instance that went down
 * after the case opened: the case and its timers are only rows in PostgreSQL. The deadline and the manager's rung
 * pass while it is "down"; then the loop's own firing step runs as a restarted instance's loop would, twice (a second
 * replica, or a restart right after the first firing), and the same complaint is delivered again: every escalation
 * happens exactly once and nothing is opened twice.
 */
@QuarkusTest
@TestProfile(RestartTest.TimerLoopDown.class)
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class RestartTest {

    public static class TimerLoopDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("reliability.timers.enabled", "false");
        }
    }

    @Inject
    TestClock clock;

    @Inject
    TimerFiring firing;

    @Test
    void theLadderStillClimbsOnceFromThePersistedTimersAndARedeliveryOpensNothing() throws Throwable {
        Crm crm = new Crm();
        Instant now = clock.instant();
        var complaint = crm.complaint(Severity.HIGH, "the invoice was wrong twice", now);
        Crm.send(Topic.INTAKE_EVENTS, crm.upserted("Ute", "en", ContactChannel.EMAIL, "restart"), complaint);
        String caseId = RecoveryFlowTest.awaitCase(crm);
        assertEquals(2, Db.SCHEMA.count("SELECT count(*) FROM timer WHERE owner_id = ?", caseId));

        clock.advance(Duration.ofHours(3)); // past the apology's deadline and the manager's rung
        // the timer loop is off in this test: nothing escalates until the timers are fired below
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> Db.SCHEMA.text("SELECT escalation FROM recovery_case WHERE id = ?", caseId) == null);

        for (int restart = 0; restart < 2; restart++) {
            while (!VertxContextSupport.subscribeAndAwait(() -> firing.fireDue(clock.instant(), 100, true)).isEmpty()) {
                // drains every due timer, as the loop does in batches (the rung is set by the deadline's firing)
            }
        }
        // redelivered after the restart; the customer update behind it (same key, same partition) shows it was read
        Crm.send(Topic.INTAKE_EVENTS, complaint, crm.upserted("Ute B.", "en", ContactChannel.EMAIL, "restart"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "Ute B.".equals(
                Db.SCHEMA.text("SELECT name FROM customer WHERE customer_id = ?", crm.customer)));

        assertEquals("MANAGER", Db.SCHEMA.text("SELECT escalation FROM recovery_case WHERE id = ?", caseId));
        assertEquals(1, Db.SCHEMA.count("SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'step-warned'", caseId));
        assertEquals(1, Db.SCHEMA.count("SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'step-overdue'", caseId));
        assertEquals(0, Db.SCHEMA.count("SELECT count(*) FROM timer WHERE owner_id = ?", caseId));
        assertEquals(1, Db.SCHEMA.count("SELECT count(*) FROM recovery_case WHERE customer_id = ?", crm.customer));
        assertEquals(List.of("recovery.case-opened", "recovery.step-started", "recovery.step-warned",
                "recovery.step-overdue", "recovery.escalated", "recovery.escalated"), crm.types(Topic.RECOVERY_EVENTS, 6));
        assertEquals(1, crm.records(Topic.OUTREACH_REQUESTS, 1).size());
    }
}
