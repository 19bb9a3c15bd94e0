package org.servicerecovery.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.recovery.domain.TimerOp;
import org.servicerecovery.testing.Metrics;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TopicReader;
import org.servicerecovery.testing.TopicWriter;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** Dead letters and metrics: what operators and the chart's dashboard rely on. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class RecoveryOperationsTest {

    @Inject
    RecoveryTestClock clock;

    @Test
    void aRecordThatCannotBeReadGoesToTheDeadLetterTopicAndTheConsumerCarriesOn() {
        RecoveryCrm crm = new RecoveryCrm();
        try (TopicWriter writer = new TopicWriter()) {
            writer.sendRaw(Topic.INTAKE_EVENTS.topicName(), crm.customer, "{not an event".getBytes(StandardCharsets.UTF_8));
        }
        RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.complaint(Severity.LOW, "late reply", clock.instant()));
        try (TopicReader dlq = new TopicReader(Topic.RECOVERY_ESCALATION_DLQ.topicName())) {
            var dead = dlq.readUntil(records -> records.stream().anyMatch(r -> crm.customer.equals(r.key())),
                    Duration.ofSeconds(20)).stream().filter(r -> crm.customer.equals(r.key())).toList();
            assertEquals(1, dead.size());
            assertEquals(Topic.INTAKE_EVENTS.topicName(), TopicReader.header(dead.get(0), DeadLetterHeaders.TOPIC));
        }
        RecoveryFlowTest.awaitCase(crm);
    }

    @Test
    void casesOpenStepsOverdueAndEscalationsArePublished() {
        RecoveryCrm crm = new RecoveryCrm();
        Instant now = clock.instant();
        double escalationsBefore = metric("escalations_total");
        RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.upserted("Olga", "en", ContactChannel.EMAIL, "ops"),
                crm.complaint(Severity.CRITICAL, "outage", now));
        String caseId = RecoveryFlowTest.awaitCase(crm);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> metric("cases_open{scope=\"database\",severity=\"critical\"") >= 1);

        clock.advance(Duration.ofMinutes(16)); // the critical apology's 15 minutes are over
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "SUPERVISOR".equals(
                RecoveryDb.SCHEMA.text("SELECT escalation FROM recovery_case WHERE id = ?", caseId)));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> metric("steps_overdue") >= 1);
        assertTrue(metric("escalations_total") >= escalationsBefore + 1);
    }

    /** Counters exist from the start so that increase()-based alerts see their first increment. */
    @Test
    void countersExistFromTheStartAndDatabaseGaugesAreLabelledAsSuch() {
        Metrics metrics = Metrics.scrape();
        for (TimerOp.Kind kind : TimerOp.Kind.values()) {
            metrics.value("timers_fired_total{kind=\"" + kind.id() + "\"}");
            metrics.value("timers_failures_total{kind=\"" + kind.id() + "\"}");
            assertEquals(0.0, metrics.value("timers_parked_total{kind=\"" + kind.id() + "\"}"), kind.id());
        }
        metrics.value("escalations_total");
        metrics.value("dead_letters_replayed_total{topic=\"" + Topic.RECOVERY_ESCALATION_DLQ.topicName() + "\"}");
        for (Severity severity : Severity.values()) {
            metrics.value("cases_open{scope=\"database\",severity=\"" + severity.name().toLowerCase(Locale.ROOT) + "\"}");
        }
        for (String gauge : List.of("steps_overdue", "timers_pending", "outbox_backlog", "outbox_parked_rows")) {
            metrics.value(gauge + "{scope=\"database\"}");
        }
    }

    /** The sum of the samples whose line starts with {@code prefix} (name, optionally with the first label). */
    private static double metric(String prefix) {
        return RestAssured.get("/q/metrics").asString().lines()
                .filter(line -> line.startsWith(prefix) && " {},".indexOf(line.charAt(prefix.length())) >= 0)
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
