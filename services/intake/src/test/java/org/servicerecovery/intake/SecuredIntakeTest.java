package org.servicerecovery.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.SecuredInfrastructure;
import org.servicerecovery.testing.SecuredServers;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Intake against production-like infrastructure: Kafka only over SASL_SSL (SCRAM-SHA-512, the CA's certificate in a
 * PEM trust store) and PostgreSQL only over TLS with {@code verify-full} and a password, the service given nothing but
 * those settings ({@link SecuredInfrastructure}). The application starts while the broker holds another password for
 * its user than the one it was given, as after a secret rotated on one side only; the first test sees what that does
 * and sets the broker's password to the one the service has, the second runs the service's flow on the healed setup.
 */
@QuarkusTest
@TestProfile(SecuredIntakeTest.Secured.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredIntakeTest {

    static final String USER = "intake";

    public static class Secured implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SecuredInfrastructure.class,
                    Map.of("kafka-user", USER, "broker-password", "stale")));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    private final SecuredServers servers = SecuredServers.get();
    private final Crm crm = new Crm();

    @Test
    @Order(1)
    void aWrongSaslPasswordKeepsTheServiceNotReadyAndPublishesNothingUntilTheBrokerTakesIt() throws Exception {
        AuthenticationLog log = AuthenticationLog.attach();
        try {
            await().atMost(60, TimeUnit.SECONDS).until(() -> readiness().statusCode() == 503
                    && kafkaError(readiness()).contains("Authentication failed"));
            assertTrue(kafkaError(readiness()).contains("invalid credentials with SASL mechanism SCRAM-SHA-512"),
                    kafkaError(readiness()));
            await().atMost(30, TimeUnit.SECONDS).until(() -> log.lines().stream()
                    .anyMatch(line -> line.contains("failed authentication") && line.contains("invalid credentials")));
        } finally {
            log.detach();
        }

        ObjectNode waiting = crm.feedback(4);
        post(waiting).statusCode(202);
        assertEquals(1, count("SELECT count(*) FROM outbox WHERE message_key = ?", crm.customer), "the outbox row waits");
        try (TopicReader reader = new TopicReader(Topic.INTAKE_EVENTS.topicName(), servers.testClientSettings())) {
            assertTrue(mine(reader.readToEnd(Duration.ofSeconds(30))).isEmpty(), "nothing published");
        }

        servers.setBrokerPassword(USER, servers.password(USER));
        await().atMost(90, TimeUnit.SECONDS).until(() -> readiness().statusCode() == 200);
        assertEquals(List.of(waiting.get("id").asText()), Crm.ids(publishedUpTo(waiting.get("id").asText())));
        await().atMost(30, TimeUnit.SECONDS).until(() ->
                count("SELECT count(*) FROM outbox WHERE message_key = ?", crm.customer) == 0);
    }

    @Test
    @Order(2)
    void eventsFromRestAndFromKafkaArePublishedAndInvalidOnesDeadLetteredOverSaslSslWithTheDatabaseOverTls() throws Exception {
        servers.setBrokerPassword(USER, servers.password(USER));
        await().atMost(90, TimeUnit.SECONDS).until(() -> readiness().statusCode() == 200);

        ObjectNode overRest = crm.feedback(7);
        post(overRest).statusCode(202);
        ObjectNode overKafka = crm.commitmentMade("c-" + crm.customer);
        Map<String, Object> producerSettings = new HashMap<>(servers.testClientSettings());
        producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerSettings, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), crm.customer,
                    Crm.bytes(overKafka));
            record.headers().add("content-type", CloudEvents.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(30, TimeUnit.SECONDS);
            ProducerRecord<String, byte[]> invalid = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), crm.customer,
                    "{not json".getBytes(StandardCharsets.UTF_8));
            invalid.headers().add("content-type", CloudEvents.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            producer.send(invalid).get(30, TimeUnit.SECONDS);
        }

        String restId = overRest.get("id").asText();
        String kafkaId = overKafka.get("id").asText();
        List<String> published = Crm.ids(published(records -> Crm.ids(records).containsAll(List.of(restId, kafkaId))));
        assertEquals(2, published.size(), "each once: " + published);
        assertEquals(1, count("SELECT count(*) FROM inbound_event WHERE customer_id = ? AND channel = 'rest'", crm.customer));
        assertEquals(1, count("SELECT count(*) FROM inbound_event WHERE customer_id = ? AND channel = 'kafka'", crm.customer));
        assertEquals("UP", readiness().jsonPath().getString("checks.find { it.name == 'kafka' }.status"));

        try (TopicReader dlq = new TopicReader(Topic.CRM_EVENTS_DLQ.topicName(), servers.testClientSettings())) {
            List<ConsumerRecord<String, byte[]>> dead = mine(dlq.readUntil(records -> !mine(records).isEmpty(),
                    Duration.ofSeconds(60)));
            assertTrue(TopicReader.header(dead.get(0), DeadLetterHeaders.REASON).contains("is not valid JSON"));
        }
    }

    private static Response readiness() {
        return given().get("/q/health/ready");
    }

    private static String kafkaError(Response readiness) {
        return String.valueOf(readiness.jsonPath().getString("checks.find { it.name == 'kafka' }.data.error"));
    }

    private io.restassured.response.ValidatableResponse post(ObjectNode event) {
        return given().auth().oauth2(TestTokens.crm()).contentType(CloudEvents.STRUCTURED_CONTENT_TYPE)
                .body(Crm.bytes(event)).post("/api/v1/events").then();
    }

    private List<ConsumerRecord<String, byte[]>> publishedUpTo(String lastId) {
        return published(records -> Crm.ids(records).contains(lastId));
    }

    /** This customer's records on intake.events, read as an independent consumer authenticated as the test client. */
    private List<ConsumerRecord<String, byte[]>> published(java.util.function.Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        try (TopicReader reader = new TopicReader(Topic.INTAKE_EVENTS.topicName(), servers.testClientSettings())) {
            return mine(reader.readUntil(records -> done.test(mine(records)), Duration.ofSeconds(60)));
        }
    }

    private List<ConsumerRecord<String, byte[]>> mine(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> crm.customer.equals(r.key())).toList();
    }

    private long count(String sql, Object... params) throws SQLException {
        try (Connection connection = servers.connect("intake"); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** What the Kafka clients log, as the operator reads it. */
    private static final class AuthenticationLog extends Handler {
        private static final Logger KAFKA = Logger.getLogger("org.apache.kafka");
        private final Queue<String> lines = new ConcurrentLinkedQueue<>();

        static AuthenticationLog attach() {
            AuthenticationLog log = new AuthenticationLog();
            KAFKA.addHandler(log);
            return log;
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        void detach() {
            KAFKA.removeHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            lines.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
