package org.servicerecovery.reliability.testapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.TopicReader;
import org.servicerecovery.testing.TopicWriter;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
@WithTestResource(value = TestappInfrastructure.class, scope = TestResourceScope.GLOBAL)
class IdempotentConsumerTest {

    private static final String INPUT = Topic.INTAKE_EVENTS.topicName();
    /**
     * The application's consumer may first have to join its group: when an earlier application of this test JVM left
     * it uncleanly, the group waits for that member's session to time out (45 s), longer on a busy build machine.
     */
    private static final Duration CONSUMED = Duration.ofSeconds(90);

    @Test
    void redeliveredEventsChangeNothingAndAreCounted() {
        String customer = "cust-" + UUID.randomUUID();
        CloudEvent first = Effects.event(customer + "-1", customer);
        CloudEvent second = Effects.event(customer + "-2", customer);
        try (TopicWriter writer = new TopicWriter()) {
            // a redelivery after a later event, as a rebalance or a producer retry would cause
            writer.sendBinary(INPUT, first);
            writer.sendBinary(INPUT, second);
            writer.sendBinary(INPUT, first);
            writer.sendBinary(INPUT, second);
        }
        Awaitility.await().atMost(CONSUMED).until(() ->
                Db.count("SELECT count(*) FROM processed_event WHERE event_id LIKE ?", customer + "%") == 2
                        && Db.count("SELECT count(*) FROM event_effect WHERE event_id LIKE ?", customer + "%") == 2);
        // the redeliveries were seen: wait for them, then nothing more may have happened. They may come in a later poll,
        // after a rebalance of the group, hence the same patience as for the first deliveries.
        Awaitility.await().atMost(CONSUMED).until(() -> duplicatesCounted() >= 2);
        assertEquals(1, Db.count("SELECT count(*) FROM event_effect WHERE event_id = ?", first.id()));
        assertEquals(1, Db.count("SELECT count(*) FROM event_effect WHERE event_id = ?", second.id()));
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheReasonAndTheConsumerCarriesOn() {
        String customer = "cust-" + UUID.randomUUID();
        CloudEvent after = Effects.event(customer + "-after", customer);
        try (TopicWriter writer = new TopicWriter()) {
            writer.sendRaw(INPUT, customer, "{not a cloud event".getBytes(StandardCharsets.UTF_8));
            writer.sendBinary(INPUT, after);
        }
        try (TopicReader dlq = new TopicReader(TestappInfrastructure.DLQ)) {
            var dead = dlq.readUntil(records -> records.stream().anyMatch(r -> customer.equals(r.key())), CONSUMED)
                    .stream().filter(r -> customer.equals(r.key())).findFirst().orElseThrow();
            assertTrue(TopicReader.header(dead, DeadLetterHeaders.REASON).contains("specversion"),
                    TopicReader.header(dead, DeadLetterHeaders.REASON));
            assertEquals(INPUT, TopicReader.header(dead, DeadLetterHeaders.TOPIC));
            assertTrue(TopicReader.header(dead, DeadLetterHeaders.OFFSET) != null);
        }
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> Db.count("SELECT count(*) FROM event_effect WHERE event_id = ?", after.id()) == 1);
    }

    private static double duplicatesCounted() {
        String metrics = RestAssured.get("/q/metrics").asString();
        return metrics.lines()
                .filter(line -> line.startsWith("consumer_duplicates_total{") && line.contains("reliability-testapp"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
