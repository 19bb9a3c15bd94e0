package org.servicerecovery.promises;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.CommitmentFulfilled;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.promises.messaging.CommitmentConsumer;
import org.servicerecovery.testing.PolledRecords;
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

    /**
     * Two replicas' batches of the same customers, in opposite orders, at the same time: each changes every customer's
     * existing promise (its timer rows, then its row) and makes a new one. Without the customer locks taken in one
     * sorted order they would lock those rows crosswise.
     */
    @Test
    void batchesOfTheSameCustomersInOppositeOrdersAtOnceTrackEveryPromiseOnceWithoutDeadlock() throws Throwable {
        long deadlocksBefore = deadlocks();
        for (int round = 0; round < 3; round++) {
            Instant now = clock.instant();
            List<CommitmentCrm> customers = Stream.generate(CommitmentCrm::new).limit(10).toList();
            consume(customers.stream().map(crm -> crm.made(now, now.plus(Duration.ofHours(2)))).toArray(CloudEvent[]::new));
            List<CommitmentCrm> madeByA = customers.stream().map(CommitmentCrm::another).toList();
            List<CommitmentCrm> madeByB = customers.stream().map(CommitmentCrm::another).toList();
            List<CloudEvent> a = new ArrayList<>();
            List<CloudEvent> b = new ArrayList<>();
            for (int i = 0; i < customers.size(); i++) {
                CommitmentCrm crm = customers.get(i);
                a.addAll(List.of(crm.rescheduled(now.plus(Duration.ofHours(3)), true),
                        madeByA.get(i).made(now, now.plus(Duration.ofHours(1)))));
                b.addAll(0, List.of(crm.fulfilled(now.plusSeconds(60)),
                        madeByB.get(i).made(now, now.plus(Duration.ofHours(1)))));
            }
            consumeAtOnce(records(a), records(b));

            for (CommitmentCrm crm : customers) {
                assertEquals("KEPT", PromiseLifecycleTest.state(crm), crm.customer);
                assertEquals(1, PromiseLifecycleTest.history(crm, "kept"), crm.customer);
                assertEquals(0, PromiseLifecycleTest.timersOf(crm), crm.customer);
                assertEquals(3, PromiseDb.SCHEMA.count("SELECT count(*) FROM promise WHERE customer_id = ? AND id IN (?, ?, ?)",
                        crm.customer, crm.commitment, madeByA.get(customers.indexOf(crm)).commitment,
                        madeByB.get(customers.indexOf(crm)).commitment), crm.customer);
                assertEquals(3, PromiseDb.SCHEMA.count("SELECT count(*) FROM promise_history WHERE kind = 'made'"
                        + " AND promise_id IN (SELECT id FROM promise WHERE customer_id = ?)", crm.customer), crm.customer);
            }
            Map<String, Long> kept = keptPerCustomer(customers);
            customers.forEach(crm -> assertEquals(1L, kept.get(crm.customer), crm.customer));
        }
        // PostgreSQL counts a deadlock when a backend next reports its statistics, within about a second
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertEquals(deadlocksBefore, deadlocks(), "deadlocks detected by PostgreSQL"));
    }

    /**
     * A batch reads its promises, tiers and waiting events once and applies its events in memory: what an event changes
     * is what the next event of the same batch sees, and events that waited in an earlier batch come first.
     */
    @Test
    void eventsOfOneBatchSeeEachOtherAndThoseThatWaitedInAnEarlierBatchApplyFirst() throws Throwable {
        CommitmentCrm crm = new CommitmentCrm();
        CommitmentCrm second = crm.another();
        Instant now = clock.instant();
        Instant due = now.plus(Duration.ofHours(1));
        consume(crm.rescheduled(due.plus(Duration.ofHours(2)), true));

        consume(crm.fulfilled(now.plusSeconds(60)),
                CommitmentCrm.event(new CustomerUpserted(crm.customer, "Ada", null, null, Tier.PLATINUM, "Europe/Berlin",
                        "de-DE", ContactChannel.EMAIL, null)),
                crm.made(now, due),
                second.made(now, due));

        assertEquals(List.of("received-early", "received-early", "made", "rescheduled", "kept"),
                PromiseLifecycleTest.historyKinds(crm));
        assertEquals("KEPT", PromiseLifecycleTest.state(crm));
        assertEquals("PENDING", PromiseLifecycleTest.state(second));
        assertEquals("PLATINUM", PromiseDb.SCHEMA.text("SELECT tier FROM promise WHERE id = ?", crm.commitment));
        assertEquals("PLATINUM", PromiseDb.SCHEMA.text("SELECT tier FROM promise WHERE id = ?", second.commitment));
        assertEquals(0, PromiseDb.SCHEMA.count("SELECT count(*) FROM early_event WHERE promise_id = ?", crm.commitment));
        assertEquals(2, PromiseLifecycleTest.timersOf(second));
        assertEquals(List.of("promise.rescheduled", "promise.kept"), crm.promiseEvents(2));
    }

    /** A batch may hold no commitment at all: its customers' tiers are kept for their next promises. */
    @Test
    void aBatchOfProfileUpdatesOnlyKeepsTheTiersAndDeadLettersNothing() throws Throwable {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        consume(CommitmentCrm.event(new CustomerUpserted(crm.customer, "Ada", null, null, Tier.GOLD, "Europe/Berlin",
                "de-DE", ContactChannel.EMAIL, null)));
        consume(crm.made(now, now.plus(Duration.ofHours(1))));

        assertEquals("GOLD", PromiseDb.SCHEMA.text("SELECT tier FROM promise WHERE id = ?", crm.commitment));
        try (TopicReader dlq = new TopicReader(Topic.PROMISE_TRACKING_DLQ.topicName())) {
            assertTrue(dlq.readToEnd(Duration.ofSeconds(20)).stream().noneMatch(r -> crm.customer.equals(r.key())),
                    "dead-lettered");
        }
    }

    /** The batch holds only its own customers' locks, so it changes no other customer's promise. */
    @Test
    void anEventNamingAnotherCustomersCommitmentIsDeadLetteredAndChangesNothing() throws Throwable {
        CommitmentCrm owner = new CommitmentCrm();
        CommitmentCrm intruder = new CommitmentCrm();
        Instant now = clock.instant();
        consume(owner.made(now, now.plus(Duration.ofHours(1))));
        CloudEvent foreign = CommitmentCrm.event(new CommitmentFulfilled(intruder.customer, owner.commitment,
                CommitmentCrm.utc(now.plusSeconds(60))));
        List<ConsumerRecord<String, byte[]>> batch = consume(foreign, intruder.made(now, now.plus(Duration.ofHours(1))));

        assertEquals("PENDING", PromiseLifecycleTest.state(owner));
        assertEquals("PENDING", PromiseLifecycleTest.state(intruder));
        try (TopicReader dlq = new TopicReader(Topic.PROMISE_TRACKING_DLQ.topicName())) {
            var dead = dlq.readUntil(records -> records.stream().anyMatch(r -> intruder.customer.equals(r.key())),
                    Duration.ofSeconds(20)).stream().filter(r -> intruder.customer.equals(r.key())).toList();
            assertEquals(1, dead.size());
            assertArrayEquals(batch.get(0).value(), dead.get(0).value());
            String reason = TopicReader.header(dead.get(0), DeadLetterHeaders.REASON);
            assertTrue(reason.contains("belongs to another customer"), reason);
        }
    }

    private static Map<String, Long> keptPerCustomer(List<CommitmentCrm> customers) {
        Set<String> ids = customers.stream().map(crm -> crm.customer).collect(Collectors.toSet());
        Predicate<ConsumerRecord<String, byte[]>> keptOfThem = r -> ids.contains(r.key())
                && "promise.kept".equals(TopicReader.header(r, "ce_type"));
        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            return reader.readUntil(records -> records.stream().filter(keptOfThem).map(ConsumerRecord::key).distinct()
                            .count() == ids.size(), Duration.ofSeconds(30)).stream()
                    .filter(keptOfThem).collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        }
    }

    private List<ConsumerRecord<String, byte[]>> records(List<CloudEvent> events) {
        List<ConsumerRecord<String, byte[]>> records = PolledRecords.records(PARTITION, offset, events.toArray(CloudEvent[]::new));
        offset += events.size();
        return records;
    }

    /** Hands each batch to the consumer from its own thread, both released together, as two replicas would. */
    @SafeVarargs
    private void consumeAtOnce(List<ConsumerRecord<String, byte[]>>... batches) throws Exception {
        CyclicBarrier start = new CyclicBarrier(batches.length);
        ExecutorService replicas = Executors.newFixedThreadPool(batches.length);
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (List<ConsumerRecord<String, byte[]>> batch : batches) {
                running.add(replicas.submit(() -> {
                    start.await();
                    try {
                        return VertxContextSupport.subscribeAndAwait(() -> consumer.consume(PolledRecords.of(PARTITION, batch)));
                    } catch (Throwable failure) {
                        throw new IllegalStateException("a batch failed", failure);
                    }
                }));
            }
            for (Future<Void> batch : running) {
                batch.get(2, TimeUnit.MINUTES);
            }
        } finally {
            replicas.shutdownNow();
        }
    }

    private static long deadlocks() {
        return PromiseDb.SCHEMA.count("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
    }

    private List<ConsumerRecord<String, byte[]>> consume(CloudEvent... events) throws Throwable {
        List<ConsumerRecord<String, byte[]>> records = PolledRecords.records(PARTITION, offset, events);
        offset += events.length;
        VertxContextSupport.subscribeAndAwait(() -> consumer.consume(PolledRecords.of(PARTITION, records)));
        return records;
    }
}
