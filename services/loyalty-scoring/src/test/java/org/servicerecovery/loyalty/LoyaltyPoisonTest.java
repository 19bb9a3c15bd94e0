package org.servicerecovery.loyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.testing.PoisonRecords;
import org.servicerecovery.testing.PoisonRun;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.SchemaDb;
import org.servicerecovery.testing.TopicWriter;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Poison written straight onto intake.events, bypassing intake, in the middle of 500 valid complaints: each poison
 * record, and only it, goes to loyalty-scoring.dlq with its reason; every valid complaint is scored once; the consumer
 * carries on, and a customer whose poison was refused is scored normally afterwards.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class LoyaltyPoisonTest {

    private static final SchemaDb DB = new SchemaDb("loyalty_scoring");
    private static final String INTAKE_EVENTS = Topic.INTAKE_EVENTS.topicName();
    private static final OffsetDateTime T0 = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);

    private final PoisonRun run = new PoisonRun();

    @Test
    void onlyThePoisonIsDeadLetteredAndEveryValidEventIsScoredOnce() {
        Map<String, ProducerRecord<String, byte[]>> poisons = Map.of(
                // jsonb refuses the NUL character (22P05): the fact's insert fails
                "nul", PoisonRecords.withDataText(INTAKE_EVENTS, complaint(run.poison("nul"), "NUL-HERE", T0), "NUL-HERE", "a\\u0000b"),
                // processed_event's primary key cannot index an id that long (54000)
                "long-id", TopicWriter.binary(INTAKE_EVENTS, PoisonRecords.withLongId(complaint(run.poison("long-id"), "c-1", T0), 3000)),
                "garbage", PoisonRecords.garbage(INTAKE_EVENTS, run.poison("garbage")),
                // would be the customer's latest fact for ever
                "year-9999", TopicWriter.binary(INTAKE_EVENTS, complaint(run.poison("year-9999"), "c-9999",
                        OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC))));
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(PoisonRun.amid(500,
                i -> TopicWriter.binary(INTAKE_EVENTS, complaint(run.valid(i), "c-" + i, T0.plusSeconds(i))), poisons));
        records.add(PoisonRecords.withDataText(INTAKE_EVENTS, complaint(run.odd("surrogate"), "SURROGATE-HERE", T0),
                "SURROGATE-HERE", "a\\ud800b"));
        try (TopicWriter writer = new TopicWriter()) {
            writer.sendAll(records);
            // the customer whose year-9999 complaint was refused complains again, and is scored as of then
            writer.sendBinary(INTAKE_EVENTS, complaint(run.poison("year-9999"), "c-later", T0.plusMinutes(30)));
        }

        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> DB.count(
                "SELECT count(*) FROM customer_fact WHERE customer_id LIKE ?", run.validCustomers()) == 500);
        assertEquals(500, DB.count("SELECT count(DISTINCT customer_id) FROM customer_fact WHERE customer_id LIKE ?",
                run.validCustomers()), "each valid complaint scored once");
        assertEquals(500, DB.count("SELECT count(*) FROM customer_score WHERE customer_id LIKE ?", run.validCustomers()));

        Map<String, String> reasons = run.assertOnlyPoisonDeadLettered(
                Topic.LOYALTY_SCORING_DLQ.topicName(), poisons, INTAKE_EVENTS);
        assertTrue(reasons.get(run.poison("year-9999")).contains("ahead of now"), reasons.get(run.poison("year-9999")));

        // scored as of its later complaint, not frozen at 9999
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> DB.count(
                "SELECT count(*) FROM customer_score WHERE customer_id = ? AND as_of < now()", run.poison("year-9999")) == 1);
        assertEquals(1, DB.count("SELECT count(*) FROM customer_fact WHERE customer_id = ?", run.poison("year-9999")));
        // a lone surrogate is no poison here: the complaint id is stored with U+003F in its place, the event scored
        assertEquals(1, DB.count("SELECT count(*) FROM customer_fact WHERE customer_id = ?", run.odd("surrogate")));
    }


    private static CloudEvent complaint(String customer, String complaintId, OffsetDateTime at) {
        return event(new ComplaintFiled(customer, complaintId, Channel.PHONE, "billing", Severity.MEDIUM,
                "charged twice", at), at);
    }

    static CloudEvent event(CustomerEvent data, OffsetDateTime time) {
        return EventData.wrap(UUID.randomUUID().toString(), "https://crm.test/tenants/acme", time, data);
    }
}
