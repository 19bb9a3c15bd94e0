package org.servicerecovery.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.SharedInfrastructure;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The bad-input corpus ({@link BadInputs}) at both doors: each input is refused naming its field (a 4xx problem on
 * REST, a dead letter with the reason on Kafka), and nothing of it is stored or published.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.get().kafkaBootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    /** One reader for every case: a new consumer would wait for its group to form each time. */
    private final TopicReader deadLetters = new TopicReader(Topic.CRM_EVENTS_DLQ.topicName());

    @AfterAll
    void close() {
        producer.close();
        deadLetters.close();
    }

    static Stream<BadInputs.Case> cases() {
        return BadInputs.all().stream();
    }

    static Stream<BadInputs.Case> kafkaCases() {
        return cases().filter(bad -> !bad.overBrokerLimit());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void restRefusesOneEventNamingTheField(BadInputs.Case bad) {
        given().auth().oauth2(client(bad)).contentType(CloudEvents.STRUCTURED_CONTENT_TYPE).body(bad.event())
                .post("/api/v1/events").then()
                .statusCode(bad.tooLarge() ? 413 : 400).contentType(PROBLEM_JSON)
                .body("status", is(bad.tooLarge() ? 413 : 400))
                .body("errors.pointer", hasItem(bad.pointer()));
        assertNothingKept(bad);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void restRejectsItInABatchNamingTheField(BadInputs.Case bad) {
        byte[] batch = ("[" + new String(bad.event(), StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8);
        given().auth().oauth2(client(bad)).contentType(CloudEvents.BATCH_CONTENT_TYPE).body(batch)
                .post("/api/v1/events/batch").then()
                .statusCode(202).body("rejected", is(1)).body("results[0].status", is("rejected"))
                .body("results[0].problems.pointer", hasItem("/0" + bad.pointer()));
        assertNothingKept(bad);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kafkaCases")
    void kafkaDeadLettersItWithTheReason(BadInputs.Case bad) {
        send(new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), bad.crm().customer, bad.event()),
                Map.of("content-type", CloudEvents.STRUCTURED_CONTENT_TYPE));
        String reason = deadLetterReason(bad.crm().customer);
        String named = bad.pointer().isEmpty() ? "document " : bad.pointer() + " ";
        assertTrue(reason.contains(named), reason);
        assertNothingKept(bad);
    }

    @Test
    void kafkaDeadLettersBinaryRecordsWithBadHeaders() {
        Crm crm = new Crm();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), crm.customer,
                Crm.bytes(BadInputs.data(crm.feedback(5))));
        Map.of("ce_specversion", "1.0", "ce_id", "x".repeat(3000), "ce_source", Crm.SOURCE,
                "ce_type", "feedback.received", "ce_subject", crm.customer + "\u0000", "content-type", "application/json")
                .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        send(record, Map.of());
        String reason = deadLetterReason(crm.customer);
        assertTrue(reason.contains("/id must be at most 200 characters long"), reason);
        assertTrue(reason.contains("/subject must not contain the character U+0000"), reason);
        assertEquals(0, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE source = ? AND event_id = ?",
                Crm.SOURCE, "x".repeat(3000)));
    }

    private void assertNothingKept(BadInputs.Case bad) {
        // The outbox row is written in the inbound row's transaction: no inbound row, nothing was ever published.
        assertEquals(0, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE customer_id = ? OR CAST(raw_text AS jsonb) ->> ? = ?",
                bad.crm().customer, BadInputs.MARKER, bad.marker()), bad.name());
        assertEquals(0, IntakeDb.SCHEMA.count("SELECT count(*) FROM outbox WHERE message_key = ?", bad.crm().customer),
                bad.name());
    }

    /** A client per case: the test profile's rate limit is low, to test 429s. */
    private static String client(BadInputs.Case bad) {
        return TestTokens.token("crm-" + bad.crm().customer, "crm", null);
    }

    private String deadLetterReason(String key) {
        List<ConsumerRecord<String, byte[]>> dead = deadLetters.readUntil(
                records -> records.stream().anyMatch(r -> key.equals(r.key())), Duration.ofSeconds(30));
        return dead.stream().filter(r -> key.equals(r.key())).findFirst()
                .map(r -> TopicReader.header(r, DeadLetterHeaders.REASON)).orElseThrow();
    }

    private void send(ProducerRecord<String, byte[]> record, Map<String, String> headers) {
        headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + record.topic(), e);
        }
    }
}
