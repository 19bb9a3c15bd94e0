package org.servicerecovery.reliability.testapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
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

    private static List<ConsumerRecord<String, byte[]>> ofCustomer(List<ConsumerRecord<String, byte[]>> records, String customer) {
        return records.stream().filter(r -> customer.equals(r.key())).toList();
    }
}
