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
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.testing.PoisonRecords;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.SchemaDb;
import org.servicerecovery.testing.TopicReader;
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
class PoisonTest {

    private static final SchemaDb DB = new SchemaDb("loyalty_scoring");
    private static final String INTAKE_EVENTS = Topic.INTAKE_EVENTS.topicName();
    private static final OffsetDateTime T0 = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);

    private final String run = UUID.randomUUID().toString();

    @Test
    void onlyThePoisonIsDeadLetteredAndEveryValidEventIsScoredOnce() {
        Map<String, ProducerRecord<String, byte[]>> poisons = Map.of(
                // jsonb refuses the NUL character (22P05): the fact's insert fails
                "nul", PoisonRecords.withDataText(INTAKE_EVENTS, complaint(poison("nul"), "NUL-HERE", T0), "NUL-HERE", "a\\u0000b"),
                // processed_event's primary key cannot index an id that long (54000)
                "long-id", TopicWriter.binary(INTAKE_EVENTS, PoisonRecords.withLongId(complaint(poison("long-id"), "c-1", T0), 3000)),
                "garbage", PoisonRecords.garbage(INTAKE_EVENTS, poison("garbage")),
                // would be the customer's latest fact for ever
                "year-9999", TopicWriter.binary(INTAKE_EVENTS, complaint(poison("year-9999"), "c-9999",
                        OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC))));
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            if (i == 250) {
                records.addAll(poisons.values());
            }
            records.add(TopicWriter.binary(INTAKE_EVENTS, complaint(valid(i), "c-" + i, T0.plusSeconds(i))));
        }
        records.add(PoisonRecords.withDataText(INTAKE_EVENTS, complaint(odd("surrogate"), "SURROGATE-HERE", T0),
                "SURROGATE-HERE", "a\\ud800b"));
        try (TopicWriter writer = new TopicWriter()) {
            writer.sendAll(records);
            // the customer whose year-9999 complaint was refused complains again, and is scored as of then
            writer.sendBinary(INTAKE_EVENTS, complaint(poison("year-9999"), "c-later", T0.plusMinutes(30)));
        }

        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> DB.count(
                "SELECT count(*) FROM customer_fact WHERE customer_id LIKE ?", "cust-" + run + "-%") == 500);
        assertEquals(500, DB.count("SELECT count(DISTINCT customer_id) FROM customer_fact WHERE customer_id LIKE ?",
                "cust-" + run + "-%"), "each valid complaint scored once");
        assertEquals(500, DB.count("SELECT count(*) FROM customer_score WHERE customer_id LIKE ?", "cust-" + run + "-%"));

        List<ConsumerRecord<String, byte[]>> dead;
        try (TopicReader dlq = new TopicReader(Topic.LOYALTY_SCORING_DLQ.topicName())) {
            dead = dlq.readUntil(all -> ofThisRun(all).size() >= poisons.size(), Duration.ofSeconds(60));
        }
        Map<String, String> reasons = ofThisRun(dead).stream().collect(Collectors.toMap(ConsumerRecord::key,
                r -> TopicReader.header(r, DeadLetterHeaders.REASON)));
        assertEquals(poisons.keySet().stream().map(this::poison).collect(Collectors.toSet()), reasons.keySet(),
                "each poison dead-lettered once, no valid event: " + reasons);
        reasons.values().forEach(reason -> assertTrue(reason != null && !reason.isBlank()));
        assertTrue(reasons.get(poison("year-9999")).contains("ahead of now"), reasons.get(poison("year-9999")));
        ofThisRun(dead).forEach(r -> assertEquals(INTAKE_EVENTS, TopicReader.header(r, DeadLetterHeaders.TOPIC)));

        // scored as of its later complaint, not frozen at 9999
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> DB.count(
                "SELECT count(*) FROM customer_score WHERE customer_id = ? AND as_of < now()", poison("year-9999")) == 1);
        assertEquals(1, DB.count("SELECT count(*) FROM customer_fact WHERE customer_id = ?", poison("year-9999")));
        // a lone surrogate is no poison here: the complaint id is stored with U+003F in its place, the event scored
        assertEquals(1, DB.count("SELECT count(*) FROM customer_fact WHERE customer_id = ?", odd("surrogate")));
    }

    private List<ConsumerRecord<String, byte[]>> ofThisRun(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> r.key() != null && r.key().contains(run)).toList();
    }

    private String valid(int i) {
        return "cust-" + run + "-" + i;
    }

    private String odd(String kind) {
        return "odd-" + run + "-" + kind;
    }

    private String poison(String kind) {
        return "poison-" + run + "-" + kind;
    }

    private static CloudEvent complaint(String customer, String complaintId, OffsetDateTime at) {
        return event(new ComplaintFiled(customer, complaintId, Channel.PHONE, "billing", Severity.MEDIUM,
                "charged twice", at), at);
    }

    static CloudEvent event(CustomerEvent data, OffsetDateTime time) {
        return EventData.wrap(UUID.randomUUID().toString(), "https://crm.test/tenants/acme", time, data);
    }
}
