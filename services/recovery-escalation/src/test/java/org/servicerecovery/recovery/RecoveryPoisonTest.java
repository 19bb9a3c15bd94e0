package org.servicerecovery.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.testing.PoisonRecords;
import org.servicerecovery.testing.PoisonRun;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TopicWriter;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Poison written straight onto intake.events, bypassing intake, in the middle of 500 valid complaints: each poison
 * record, and only it, goes to recovery-escalation.dlq with its reason; every valid complaint opens its case once; the
 * consumer carries on, and a customer whose poison was refused gets a case for a later complaint.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class RecoveryPoisonTest {

    private static final String INTAKE_EVENTS = Topic.INTAKE_EVENTS.topicName();

    private final PoisonRun run = new PoisonRun();

    @Test
    void onlyThePoisonIsDeadLetteredAndEveryValidComplaintOpensOneCase() {
        Map<String, ProducerRecord<String, byte[]>> poisons = new LinkedHashMap<>();
        // PostgreSQL text refuses the NUL character (22021): the case's insert fails
        poisons.put("nul", PoisonRecords.withDataText(INTAKE_EVENTS, complaint(run.poison("nul"), "NUL-HERE"), "NUL-HERE", "a\\u0000b"));
        // processed_event's primary key cannot index an id that long (54000)
        poisons.put("long-id", TopicWriter.binary(INTAKE_EVENTS, PoisonRecords.withLongId(complaint(run.poison("long-id"), "x"), 3000)));
        poisons.put("garbage", PoisonRecords.garbage(INTAKE_EVENTS, run.poison("garbage")));
        // no time zone: every deadline of the customer's cases would fail to be planned in it
        poisons.put("zone", TopicWriter.binary(INTAKE_EVENTS, RecoveryCrm.event(new CustomerUpserted(run.poison("zone"), "Ada", null,
                null, Tier.GOLD, "Mars/Olympus_Mons", "en", ContactChannel.EMAIL, "blue"))));
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(PoisonRun.amid(500,
                i -> TopicWriter.binary(INTAKE_EVENTS, complaint(run.valid(i), "charged twice")), poisons));
        records.add(PoisonRecords.withDataText(INTAKE_EVENTS, complaint(run.odd("surrogate"), "SURROGATE-HERE"),
                "SURROGATE-HERE", "a\\ud800b"));
        try (TopicWriter writer = new TopicWriter()) {
            writer.sendAll(records);
            writer.sendBinary(INTAKE_EVENTS, complaint(run.poison("zone"), "still waiting"));
        }

        Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM recovery_case WHERE customer_id LIKE ?", run.validCustomers()) == 500);
        assertEquals(500, RecoveryDb.SCHEMA.count("SELECT count(DISTINCT customer_id) FROM recovery_case WHERE customer_id LIKE ?",
                run.validCustomers()), "one case per valid complaint");

        Map<String, String> reasons = run.assertOnlyPoisonDeadLettered(
                Topic.RECOVERY_ESCALATION_DLQ.topicName(), poisons, INTAKE_EVENTS);
        assertTrue(reasons.get(run.poison("zone")).contains("Mars/Olympus_Mons"), reasons.get(run.poison("zone")));

        // the refused customer's later complaint opens a case, planned in the policy's zone
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> RecoveryDb.SCHEMA.count(
                "SELECT count(*) FROM recovery_case WHERE customer_id = ?", run.poison("zone")) == 1);
        assertEquals(0, RecoveryDb.SCHEMA.count("SELECT count(*) FROM customer WHERE customer_id = ?", run.poison("zone")));
        // a lone surrogate is no poison here: stored with U+003F in its place, the complaint opens its case
        assertEquals(1, RecoveryDb.SCHEMA.count("SELECT count(*) FROM recovery_case WHERE customer_id = ?", run.odd("surrogate")));
    }


    private static CloudEvent complaint(String customer, String summary) {
        return RecoveryCrm.event(new ComplaintFiled(customer, "cmp-" + UUID.randomUUID(), Channel.PHONE, "billing",
                Severity.MEDIUM, summary, RecoveryCrm.utc(java.time.Instant.now())));
    }
}
