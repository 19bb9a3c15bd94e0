package org.servicerecovery.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.recovery.messaging.IntakeAndPromiseEventsConsumer;
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
class RecoveryBatchTest {

    private static final TopicPartition PARTITION = new TopicPartition(Topic.INTAKE_EVENTS.topicName(), 0);

    @Inject
    IntakeAndPromiseEventsConsumer consumer;

    @Inject
    RecoveryTestClock clock;

    private long offset = 1_000_000_000L + System.nanoTime() % 1_000_000;

    @Test
    void twoEventsOfOneCustomerInOneBatchApplyInOrder() throws Throwable {
        RecoveryCrm crm = new RecoveryCrm();
        RecoveryCrm other = new RecoveryCrm();
        CloudEvent first = crm.complaint(Severity.LOW, "late reply", clock.instant());
        CloudEvent second = crm.complaint(Severity.LOW, "and rude", clock.instant());
        consume(crm.upserted("Ida", "en", ContactChannel.EMAIL, "batch"), first,
                other.complaint(Severity.MEDIUM, "wrong item", clock.instant()), second, first);

        String caseId = RecoveryFlowTest.awaitCase(crm);
        RecoveryFlowTest.awaitCase(other);
        // the customer.upserted earlier in the batch is seen by the complaint after it
        assertEquals("batch", RecoveryDb.SCHEMA.text("SELECT team FROM recovery_case WHERE id = ?", caseId));
        // the first complaint opened the case, the second (after it) was attached to it; the copy changed nothing
        RecoveryCaseOpened opened = RecoveryCrm.data(crm.records(Topic.RECOVERY_EVENTS, 1).get(0), RecoveryCaseOpened.class);
        assertEquals(ref(first), opened.triggerRef());
        assertEquals("case-opened,failure-attached", openedThenAttached(caseId));
        assertEquals(1, RecoveryDb.SCHEMA.count("SELECT count(*) FROM case_timeline WHERE case_id = ? AND detail LIKE ?",
                caseId, "%" + ref(second) + "%"));
        assertEquals(1, RecoveryDb.SCHEMA.count("SELECT count(*) FROM recovery_case WHERE customer_id = ?", crm.customer));
    }

    @Test
    void aMissAndItsRetractionInOneBatchWithdrawTheCaseTheBatchOpened() throws Throwable {
        RecoveryCrm crm = new RecoveryCrm();
        Instant now = clock.instant();
        Instant due = now.minusSeconds(60);
        consume(crm.missed("batch", "call back", due, now), crm.missRetracted("batch", due, due.minusSeconds(10), now));

        String caseId = RecoveryFlowTest.awaitCase(crm);
        // one transaction: the case is never seen open; the retraction found it in the batch, not in the table
        assertEquals("RESOLVED", RecoveryDb.SCHEMA.text("SELECT state FROM recovery_case WHERE id = ?", caseId));
        assertEquals(1, RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'miss-retracted'", caseId));
        assertEquals(0, RecoveryDb.SCHEMA.count("SELECT count(*) FROM timer WHERE owner_id = ?", caseId));
    }

    @Test
    void aPoisonRecordInTheMiddleIsDeadLetteredAloneAndTheOthersApplyInOrder() throws Throwable {
        RecoveryCrm crm = new RecoveryCrm();
        RecoveryCrm other = new RecoveryCrm();
        CloudEvent first = crm.complaint(Severity.LOW, "late reply", clock.instant());
        // PostgreSQL refuses a NUL character in text: valid JSON, valid event, but its transaction fails
        CloudEvent poison = crm.complaint(Severity.LOW, "bad \u0000 byte", clock.instant());
        CloudEvent second = crm.complaint(Severity.LOW, "and rude", clock.instant());
        List<ConsumerRecord<String, byte[]>> batch = consume(first, poison, other.complaint(Severity.MEDIUM, "wrong item",
                clock.instant()), second);

        String caseId = RecoveryFlowTest.awaitCase(crm);
        RecoveryFlowTest.awaitCase(other);
        RecoveryCaseOpened opened = RecoveryCrm.data(crm.records(Topic.RECOVERY_EVENTS, 1).get(0), RecoveryCaseOpened.class);
        assertEquals(ref(first), opened.triggerRef());
        assertEquals("case-opened,failure-attached", openedThenAttached(caseId));
        assertEquals(1, RecoveryDb.SCHEMA.count("SELECT count(*) FROM case_timeline WHERE case_id = ? AND detail LIKE ?",
                caseId, "%" + ref(second) + "%"));
        assertEquals(0, RecoveryDb.SCHEMA.count("SELECT count(*) FROM case_timeline WHERE case_id = ? AND detail LIKE ?",
                caseId, "%" + ref(poison) + "%"));

        try (TopicReader dlq = new TopicReader(Topic.RECOVERY_ESCALATION_DLQ.topicName())) {
            var dead = dlq.readUntil(records -> records.stream().anyMatch(r -> crm.customer.equals(r.key())),
                    Duration.ofSeconds(20)).stream().filter(r -> crm.customer.equals(r.key())).toList();
            assertEquals(1, dead.size());
            assertArrayEquals(batch.get(1).value(), dead.get(0).value());
            assertEquals(Long.toString(batch.get(1).offset()), TopicReader.header(dead.get(0), DeadLetterHeaders.OFFSET));
        }
    }

    private List<ConsumerRecord<String, byte[]>> consume(CloudEvent... events) throws Throwable {
        List<ConsumerRecord<String, byte[]>> records = PolledRecords.records(PARTITION, offset, events);
        offset += events.length;
        VertxContextSupport.subscribeAndAwait(() -> consumer.consume(PolledRecords.of(PARTITION, records)));
        return records;
    }

    private static String ref(CloudEvent complaint) {
        return EventData.read(complaint, ComplaintFiled.class).complaintId();
    }

    private static String openedThenAttached(String caseId) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM case_timeline WHERE case_id = ? AND type = 'failure-attached'", caseId) == 1);
        return RecoveryDb.SCHEMA.text("""
                SELECT string_agg(type, ',' ORDER BY id) FROM case_timeline
                WHERE case_id = ? AND type IN ('case-opened', 'failure-attached')""", caseId);
    }
}
