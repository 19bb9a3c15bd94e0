package org.servicerecovery.recovery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.domain.EscalationLevel;
import org.servicerecovery.events.domain.OutreachRequested;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.events.domain.RecoveryEscalated;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The whole path on a real broker and database: events in on intake.events and promise.events, recovery.events and
 * outreach.requests out, timers fired by the application's own timer loop when the test clock passes their time.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class RecoveryFlowTest {

    @Inject
    RecoveryTestClock clock;

    @Test
    void aComplaintOpensACaseWithItsApologyDuePerPolicyAndAsksTheCrmToSendIt() {
        RecoveryCrm crm = new RecoveryCrm();
        Instant now = clock.instant();
        RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.upserted("Bea", "de-DE", ContactChannel.SMS, "red"),
                crm.complaint(Severity.HIGH, "das Paket kam beschädigt an", now));
        String caseId = awaitCase(crm);

        assertEquals("red", RecoveryDb.SCHEMA.text("SELECT team FROM recovery_case WHERE id = ?", caseId));
        Instant due = RecoveryDb.SCHEMA.instant("SELECT next_deadline FROM recovery_case WHERE id = ?", caseId);
        assertEquals(clock.instant().plus(Duration.ofHours(1)).getEpochSecond(), due.getEpochSecond(), 2.0);
        assertEquals(2, RecoveryDb.SCHEMA.count("SELECT count(*) FROM timer WHERE owner_id = ?", caseId)); // warning and deadline

        RecoveryCaseOpened opened = RecoveryCrm.data(crm.records(Topic.RECOVERY_EVENTS, 1).get(0), RecoveryCaseOpened.class);
        assertEquals(caseId, opened.caseId());
        assertEquals(RecoveryTrigger.COMPLAINT, opened.trigger());
        assertEquals(Severity.HIGH, opened.severity());

        OutreachRequested apology = RecoveryCrm.data(crm.records(Topic.OUTREACH_REQUESTS, 1).get(0), OutreachRequested.class);
        assertEquals(StepKind.APOLOGY, apology.purpose());
        assertEquals(ContactChannel.SMS, apology.channel());
        assertEquals("de", apology.locale());
        assertTrue(apology.body().contains("Guten Tag Bea"), apology.body());
        assertTrue(apology.body().contains("das Paket kam beschädigt an"), apology.body());

        // the CRM delivered it: the apology is done and the remedy's clock runs
        RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.delivered(apology.outreachId(), clock.instant()));
        await().atMost(Duration.ofSeconds(20)).until(() -> RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'step-completed'", caseId) == 1);
        assertEquals(List.of("recovery.case-opened", "recovery.step-started", "recovery.step-completed",
                "recovery.step-started"), crm.types(Topic.RECOVERY_EVENTS, 4));
    }

    @Test
    void aMissedPromiseOpensACaseForThePromisesTeamThatEscalatesWhenItStalls() {
        RecoveryCrm crm = new RecoveryCrm();
        Instant now = clock.instant();
        RecoveryCrm.send(Topic.PROMISE_EVENTS, crm.missed("blue", "call back about the refund", now.minusSeconds(60), now));
        String caseId = awaitCase(crm);
        assertEquals("blue", RecoveryDb.SCHEMA.text("SELECT team FROM recovery_case WHERE id = ?", caseId));
        assertEquals("HIGH", RecoveryDb.SCHEMA.text("SELECT severity FROM recovery_case WHERE id = ?", caseId));

        // the apology (1 h) is not sent by anyone: at the deadline the supervisor, an hour later the manager
        clock.advance(Duration.ofMinutes(61));
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUPERVISOR".equals(
                RecoveryDb.SCHEMA.text("SELECT escalation FROM recovery_case WHERE id = ?", caseId)));
        assertEquals("t", RecoveryDb.SCHEMA.text("SELECT overdue FROM recovery_case WHERE id = ?", caseId));
        clock.advance(Duration.ofMinutes(60));
        await().atMost(Duration.ofSeconds(20)).until(() -> "MANAGER".equals(
                RecoveryDb.SCHEMA.text("SELECT escalation FROM recovery_case WHERE id = ?", caseId)));

        List<ConsumerRecord<String, byte[]>> records = crm.records(Topic.RECOVERY_EVENTS, 6);
        assertEquals(List.of("recovery.case-opened", "recovery.step-started", "recovery.step-warned",
                        "recovery.step-overdue", "recovery.escalated", "recovery.escalated"),
                records.stream().map(r -> TopicReader.header(r, "ce_type")).toList());
        assertEquals(EscalationLevel.MANAGER, RecoveryCrm.data(records.get(5), RecoveryEscalated.class).level());
        assertEquals("manager:blue", RecoveryCrm.data(records.get(5), RecoveryEscalated.class).escalatedTo());
        assertEquals(1, RecoveryDb.SCHEMA.count("SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'step-warned'", caseId));
    }

    @Test
    void aComplaintRedeliveredAfterItsLadderClimbedOpensNothingAndEachRungHappensOnce() {
        RecoveryCrm crm = new RecoveryCrm();
        Instant now = clock.instant();
        var complaint = crm.complaint(Severity.HIGH, "the invoice was wrong twice", now);
        RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.upserted("Ute", "en", ContactChannel.EMAIL, "ladder"), complaint);
        String caseId = awaitCase(crm);

        clock.advance(Duration.ofHours(3)); // past the apology's deadline and the manager's rung
        await().atMost(Duration.ofSeconds(20)).until(() -> "MANAGER".equals(
                RecoveryDb.SCHEMA.text("SELECT escalation FROM recovery_case WHERE id = ?", caseId)));
        // redelivered; the customer update behind it (same key, same partition) shows it was read
        RecoveryCrm.send(Topic.INTAKE_EVENTS, complaint, crm.upserted("Ute B.", "en", ContactChannel.EMAIL, "ladder"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "Ute B.".equals(
                RecoveryDb.SCHEMA.text("SELECT name FROM customer WHERE customer_id = ?", crm.customer)));

        assertEquals(1, RecoveryDb.SCHEMA.count("SELECT count(*) FROM recovery_case WHERE customer_id = ?", crm.customer));
        assertEquals(1, RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'step-warned'", caseId));
        assertEquals(1, RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'step-overdue'", caseId));
        assertEquals(0, RecoveryDb.SCHEMA.count("SELECT count(*) FROM timer WHERE owner_id = ?", caseId));
        assertEquals(List.of("recovery.case-opened", "recovery.step-started", "recovery.step-warned",
                "recovery.step-overdue", "recovery.escalated", "recovery.escalated"), crm.types(Topic.RECOVERY_EVENTS, 6));
        assertEquals(1, crm.records(Topic.OUTREACH_REQUESTS, 1).size());
    }

    @Test
    void aRetractedMissWithdrawsTheCaseItOpenedOnce() {
        RecoveryCrm crm = new RecoveryCrm();
        Instant now = clock.instant();
        Instant due = now.minusSeconds(60);
        RecoveryCrm.send(Topic.PROMISE_EVENTS, crm.missed("blue", "call back about the refund", due, now));
        String caseId = awaitCase(crm);
        assertEquals(crm.promise, RecoveryDb.SCHEMA.text("SELECT trigger_ref FROM recovery_case WHERE id = ?", caseId));
        assertEquals(StepKind.APOLOGY,
                RecoveryCrm.data(crm.records(Topic.OUTREACH_REQUESTS, 1).get(0), OutreachRequested.class).purpose());

        CloudEvent retracted = crm.missRetracted("blue", due, due.minusSeconds(300), now);
        RecoveryCrm.send(Topic.PROMISE_EVENTS, retracted);
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESOLVED".equals(
                RecoveryDb.SCHEMA.text("SELECT state FROM recovery_case WHERE id = ?", caseId)));
        String timeline = RecoveryDb.SCHEMA.text("SELECT detail FROM case_timeline WHERE case_id = ? AND type = 'miss-retracted'",
                caseId);
        assertTrue(timeline.contains("promise " + crm.promise + " was kept after all"), timeline);
        assertTrue(timeline.contains("the apology was already sent"), timeline);
        assertEquals(0, RecoveryDb.SCHEMA.count("SELECT count(*) FROM timer WHERE owner_id = ?", caseId));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/cases/" + caseId).then().statusCode(200)
                .body("state", is("RESOLVED")).body("steps.state", everyItem(is("SKIPPED")));
        assertEquals(List.of("recovery.case-opened", "recovery.step-started", "recovery.case-resolved"),
                crm.types(Topic.RECOVERY_EVENTS, 3));

        // delivered again (a redelivery, or a replay of promise.events): nothing more happens
        RecoveryCrm.send(Topic.PROMISE_EVENTS, retracted);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'miss-retracted'", caseId) == 1);
        assertEquals(3, crm.records(Topic.RECOVERY_EVENTS, 3).size());
        assertEquals(1, RecoveryDb.SCHEMA.count("SELECT count(*) FROM recovery_case WHERE customer_id = ?", crm.customer));
    }

    @Test
    void aDetractorsRatingOpensACaseAndTheCustomersAnswersCloseTheLoop() {
        RecoveryCrm crm = new RecoveryCrm();
        RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.upserted("Dora", "fr", ContactChannel.EMAIL, "loop"),
                crm.feedback(null, 4, null, null, null, clock.instant()));
        String caseId = awaitCase(crm);
        assertEquals("DETRACTOR_FEEDBACK", RecoveryDb.SCHEMA.text("SELECT trigger FROM recovery_case WHERE id = ?", caseId));
        assertEquals("MEDIUM", RecoveryDb.SCHEMA.text("SELECT severity FROM recovery_case WHERE id = ?", caseId));
        OutreachRequested apology = RecoveryCrm.data(crm.records(Topic.OUTREACH_REQUESTS, 1).get(0), OutreachRequested.class);
        assertEquals("en", apology.locale()); // no French templates: English
        assertTrue(apology.body().contains("you rated us 4 out of 10"), apology.body());

        RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.delivered(apology.outreachId(), clock.instant()));
        await().atMost(Duration.ofSeconds(20)).until(() -> RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'step-completed'", caseId) == 1);
        given().auth().oauth2(TestTokens.agent("lou", "loop")).contentType("application/json")
                .body("{\"type\":\"credit\",\"value\":25.50,\"note\":\"next order\"}")
                .post("/api/v1/cases/" + caseId + "/remedy").then().statusCode(200).body("remedies[0].type", is("CREDIT"))
                .body("remedies[0].currency", is("EUR"))
                .body("steps[2].state", is("SCHEDULED"));
        // the follow-up asks its questions 48 hours after the remedy: its start is a durable timer too, which fires once
        // the input is read past it plus the grace (the answers may come first)
        clock.advance(Duration.ofHours(48).plusSeconds(1));
        OutreachRequested questions = RecoveryCrm.data(crm.records(Topic.OUTREACH_REQUESTS, 2).get(1), OutreachRequested.class);
        assertEquals(StepKind.FOLLOW_UP, questions.purpose());
        assertTrue(questions.body().contains("What is one thing we could do better?"), questions.body());

        // the survey answers come back from the CRM as feedback on this case: the loop is closed
        RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.feedback(caseId, 8, "answer faster", "a free upgrade", "the technician",
                clock.instant()));
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESOLVED".equals(
                RecoveryDb.SCHEMA.text("SELECT state FROM recovery_case WHERE id = ?", caseId)));
        assertEquals(1, RecoveryDb.SCHEMA.count("SELECT count(*) FROM recovery_case WHERE customer_id = ?", crm.customer));
        assertTrue(crm.types(Topic.RECOVERY_EVENTS, 8).contains("recovery.case-resolved"));
    }

    static String awaitCase(RecoveryCrm crm) {
        await().atMost(Duration.ofSeconds(20)).until(() ->
                RecoveryDb.SCHEMA.count("SELECT count(*) FROM recovery_case WHERE customer_id = ?", crm.customer) == 1);
        return RecoveryDb.SCHEMA.text("SELECT id FROM recovery_case WHERE customer_id = ?", crm.customer);
    }
}
