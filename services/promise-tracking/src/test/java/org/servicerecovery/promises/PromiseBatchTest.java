package org.servicerecovery.promises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.promises.messaging.CommitmentConsumer;
import org.servicerecovery.testing.PolledBatch;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TopicReader;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * A polled batch handed straight to the consumer, so that its records are one batch for sure: one transaction for all,
 * and when a record breaks it, the others still apply, in their order, and only that record is dead-lettered.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class PromiseBatchTest {

    private static final TopicPartition PARTITION = new TopicPartition(Topic.INTAKE_EVENTS.topicName(), 0);

    @Inject
    CommitmentConsumer consumer;

    @Inject
    PromiseTestClock clock;

    private long offset = 1_000_000_000L + System.nanoTime() % 1_000_000;

    @Test
    void aCommitmentAndItsFulfilmentInOneBatchApplyInOrderAndACopyChangesNothing() throws Throwable {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        CloudEvent made = crm.made(now, now.plus(Duration.ofHours(1)));
        consume(made, crm.fulfilled(now.plusSeconds(60)), made);

        PromiseLifecycleTest.awaitState(crm, "KEPT");
        assertEquals(List.of("promise.kept"), crm.promiseEvents(1));
        assertEquals(1, PromiseDb.SCHEMA.count("SELECT count(*) FROM promise WHERE id = ?", crm.commitment));
    }

    @Test
    void aPoisonRecordInTheMiddleIsDeadLetteredAloneAndTheOthersApplyInOrder() throws Throwable {
        CommitmentCrm crm = new CommitmentCrm();
        CommitmentCrm broken = new CommitmentCrm();
        Instant now = clock.instant();
        // PostgreSQL refuses a NUL character in text: valid JSON, valid event, but its transaction fails
        CloudEvent poison = CommitmentCrm.event(new CommitmentMade(broken.customer, broken.commitment, "bad \u0000 byte",
                CommitmentCrm.utc(now.plus(Duration.ofHours(1))), "alice", "blue", Channel.PHONE, CommitmentCrm.utc(now)));
        List<ConsumerRecord<String, byte[]>> batch = consume(crm.made(now, now.plus(Duration.ofHours(1))), poison,
                crm.fulfilled(now.plusSeconds(60)));

        PromiseLifecycleTest.awaitState(crm, "KEPT");
        assertEquals(0, PromiseDb.SCHEMA.count("SELECT count(*) FROM promise WHERE id = ?", broken.commitment));
        try (TopicReader dlq = new TopicReader(Topic.PROMISE_TRACKING_DLQ.topicName())) {
            var dead = dlq.readUntil(records -> records.stream().anyMatch(r -> broken.customer.equals(r.key())),
                    Duration.ofSeconds(20)).stream().filter(r -> broken.customer.equals(r.key())).toList();
            assertEquals(1, dead.size());
            assertArrayEquals(batch.get(1).value(), dead.get(0).value());
            assertEquals(Long.toString(batch.get(1).offset()), TopicReader.header(dead.get(0), DeadLetterHeaders.OFFSET));
        }
    }

    private List<ConsumerRecord<String, byte[]>> consume(CloudEvent... events) throws Throwable {
        List<ConsumerRecord<String, byte[]>> records = PolledBatch.records(PARTITION, offset, events);
        offset += events.length;
        VertxContextSupport.subscribeAndAwait(() -> consumer.consume(PolledBatch.of(PARTITION, records)));
        return records;
    }
}
