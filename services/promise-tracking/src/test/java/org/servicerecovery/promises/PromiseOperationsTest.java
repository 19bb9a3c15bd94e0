package org.servicerecovery.promises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.Topic;
import org.servicerecovery.promises.persistence.PromiseTimers;
import org.servicerecovery.testing.Metrics;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TopicReader;
import org.servicerecovery.testing.TopicWriter;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** Dead letters and metrics: what operators rely on. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class PromiseOperationsTest {

    @Inject
    PromiseTestClock clock;

    @Test
    void recordsThatCannotBeProcessedGoToTheDeadLetterTopicAndTheConsumerCarriesOn() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        CloudEvent valid = crm.made(now, now.plus(Duration.ofHours(1)));
        ObjectNode withoutOwner = ((ObjectNode) valid.data().deepCopy());
        withoutOwner.remove("owner");
        CloudEvent invalid = new CloudEvent(valid.specversion(), valid.id() + "-bad", valid.source(), valid.type(),
                valid.subject(), valid.time(), valid.datacontenttype(), valid.dataschema(), withoutOwner, Map.of());
        try (TopicWriter writer = new TopicWriter()) {
            writer.sendRaw(Topic.INTAKE_EVENTS.topicName(), crm.customer, "{not an event".getBytes(StandardCharsets.UTF_8));
            writer.sendBinary(Topic.INTAKE_EVENTS.topicName(), invalid);
        }
        CommitmentCrm.send(valid);
        try (TopicReader dlq = new TopicReader(Topic.PROMISE_TRACKING_DLQ.topicName())) {
            var dead = dlq.readUntil(records -> records.stream().filter(r -> crm.customer.equals(r.key())).count() == 2,
                    Duration.ofSeconds(20)).stream().filter(r -> crm.customer.equals(r.key())).toList();
            assertTrue(TopicReader.header(dead.get(1), DeadLetterHeaders.REASON).contains("/data/owner"),
                    TopicReader.header(dead.get(1), DeadLetterHeaders.REASON));
        }
        PromiseLifecycleTest.awaitState(crm, "PENDING");
    }

    @Test
    void promiseMetricsArePublished() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        CommitmentCrm.send(crm.made(now, now.plus(Duration.ofMinutes(30))));
        PromiseLifecycleTest.awaitState(crm, "PENDING");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> metric("promises_pending{") >= 1);
        double missedBefore = metric("promises_missed_total ");

        clock.advance(Duration.ofMinutes(31));
        PromiseLifecycleTest.awaitState(crm, "MISSED");
        assertEquals(missedBefore + 1, metric("promises_missed_total "));
        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.contains("promises_kept_total "), "kept counter");
        assertTrue(metrics.contains("promises_miss_lateness_seconds_bucket{"), "lateness histogram");
    }

    /** Counters exist from the start so that increase()-based alerts see their first increment. */
    @Test
    void countersExistFromTheStartAndDatabaseGaugesAreLabelledAsSuch() {
        Metrics metrics = Metrics.scrape();
        for (String kind : List.of(PromiseTimers.DUE, PromiseTimers.AT_RISK)) {
            metrics.value("timers_fired_total{kind=\"" + kind + "\"}");
            metrics.value("timers_failures_total{kind=\"" + kind + "\"}");
            assertEquals(0.0, metrics.value("timers_parked_total{kind=\"" + kind + "\"}"), kind);
        }
        metrics.value("promises_missed_total");
        metrics.value("outbox_parked_total");
        metrics.value("dead_letters_replayed_total{topic=\"" + Topic.PROMISE_TRACKING_DLQ.topicName() + "\"}");
        for (String gauge : List.of("promises_pending", "timers_pending", "outbox_backlog", "outbox_parked_rows")) {
            metrics.value(gauge + "{scope=\"database\"}");
        }
    }

    private static double metric(String prefix) {
        return RestAssured.get("/q/metrics").asString().lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
