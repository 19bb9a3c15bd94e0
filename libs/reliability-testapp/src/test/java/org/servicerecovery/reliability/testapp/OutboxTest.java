package org.servicerecovery.reliability.testapp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.TopicReader;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

@QuarkusTest
@WithTestResource(value = TestappInfrastructure.class, scope = TestResourceScope.GLOBAL)
class OutboxTest {

    @Inject
    Effects effects;

    @Test
    void committedEventsReachKafkaInOrderKeyedByCustomerAndLeaveTheOutbox() throws Throwable {
        String customer = "cust-" + UUID.randomUUID();
        VertxContextSupport.subscribeAndAwait(() -> effects.publish(customer, customer, 50, false));

        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            List<String> ids = reader.readUntil(records -> ofCustomer(records, customer).size() >= 50, Duration.ofSeconds(20))
                    .stream().filter(r -> customer.equals(r.key())).map(r -> TopicReader.header(r, "ce_id")).toList();
            assertEquals(java.util.stream.IntStream.range(0, 50).mapToObj(i -> customer + "-" + i).toList(), ids);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> Db.count("SELECT count(*) FROM outbox WHERE message_key = ?", customer) == 0);
    }

    @Test
    void rolledBackTransactionPublishesNothing() throws Throwable {
        String customer = "cust-" + UUID.randomUUID();
        assertThrows(IllegalStateException.class,
                () -> VertxContextSupport.subscribeAndAwait(() -> effects.publish(customer, "rolled-back", 3, true)));
        String marker = "cust-" + UUID.randomUUID();
        VertxContextSupport.subscribeAndAwait(() -> effects.publish(marker, marker, 1, false));

        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            List<ConsumerRecord<String, byte[]>> records =
                    reader.readUntil(read -> !ofCustomer(read, marker).isEmpty(), Duration.ofSeconds(20));
            assertEquals(List.of(), ofCustomer(records, customer));
        }
    }

    /**
     * The relay leads on a connection of its own: when that session dies (here killed by the database), its lock goes
     * with it, the relay connects again, leads again and publishes; no pooled session is left holding the lock.
     */
    @Test
    void aRelayWhoseSessionDiesLeadsAgainAndLeavesNoLockBehind() throws Throwable {
        String before = "cust-" + UUID.randomUUID();
        VertxContextSupport.subscribeAndAwait(() -> effects.publish(before, before, 5, false));
        awaitOnKafka(before, 5);
        assertEquals(List.of("reliability_testapp.outbox-relay@" + ProcessHandle.current().pid()), lockHolders());

        String killed = Db.text("SELECT string_agg(pg_terminate_backend(pid)::text, ',') FROM pg_stat_activity"
                + " WHERE application_name LIKE 'reliability_testapp.outbox-relay@%'");
        assertEquals("true", killed);
        String after = "cust-" + UUID.randomUUID();
        VertxContextSupport.subscribeAndAwait(() -> effects.publish(after, after, 5, false));
        awaitOnKafka(after, 5);

        assertEquals(List.of("reliability_testapp.outbox-relay@" + ProcessHandle.current().pid()), lockHolders(),
                "only the relay's new session holds the lock");
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'outbox-relay' }.status", is("UP"));
    }

    /**
     * The relay reads the rows each commit names. A row whose transaction took its id before another transaction's rows
     * but commits after they were published is named by its own commit and published then, before its key's next row.
     */
    @Test
    void aRowCommittedAfterRowsWithHigherIdsWereRelayedIsPublishedAtItsOwnCommit() throws Throwable {
        String slow = "cust-" + UUID.randomUUID();
        String fast = "cust-" + UUID.randomUUID();
        try (Connection first = Db.connect(); Connection second = Db.connect()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            long lower = insert(first, slow + "-0", slow);
            long higher = insert(second, fast + "-0", fast);
            assertTrue(lower < higher);
            second.commit();
            awaitOnKafka(fast, 1);

            first.commit();
        }
        VertxContextSupport.subscribeAndAwait(() -> effects.publish(slow, slow + "-next", 1, false));

        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            List<String> ids = ofCustomer(reader.readUntil(records -> ofCustomer(records, slow).size() >= 2,
                    Duration.ofSeconds(30)), slow).stream().map(r -> TopicReader.header(r, "ce_id")).toList();
            assertEquals(List.of(slow + "-0", slow + "-next-0"), ids);
        }
    }

    private static long insert(Connection connection, String id, String customer) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO outbox (event_id, topic, message_key,"
                + " event_type, payload) VALUES (?, ?, ?, 'test.effect', ?) RETURNING id")) {
            insert.setString(1, id);
            insert.setString(2, Topic.PROMISE_EVENTS.topicName());
            insert.setString(3, customer);
            insert.setString(4, new String(CloudEvents.toStructuredJson(Effects.event(id, customer)), StandardCharsets.UTF_8));
            try (ResultSet inserted = insert.executeQuery()) {
                inserted.next();
                return inserted.getLong(1);
            }
        }
    }

    /** Application names of the sessions holding an advisory lock (the relay's is the only one in this database). */
    private static List<String> lockHolders() {
        return Db.texts("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted");
    }

    private static void awaitOnKafka(String customer, int count) {
        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            reader.readUntil(records -> ofCustomer(records, customer).size() >= count, Duration.ofSeconds(30));
        }
    }

    private static List<ConsumerRecord<String, byte[]>> ofCustomer(List<ConsumerRecord<String, byte[]>> records, String customer) {
        return records.stream().filter(r -> customer.equals(r.key())).toList();
    }
}
