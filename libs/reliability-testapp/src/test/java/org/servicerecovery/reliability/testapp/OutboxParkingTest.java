package org.servicerecovery.reliability.testapp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.SharedInfrastructure;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;

/** Rows Kafka will never take are parked, never hold up the rows behind them, and are retried or discarded by an admin. */
@QuarkusTest
@WithTestResource(value = TestappInfrastructure.class, scope = TestResourceScope.GLOBAL)
class OutboxParkingTest {

    private static final String PARKED = "/api/v1/admin/outbox/parked";
    private static final Pattern PARKED_TOTAL = Pattern.compile("(?m)^outbox_parked_total(?:\\{[^}]*})? (\\S+)$");

    @Inject
    Effects effects;

    @Test
    void anEventLargerThanKafkaTakesIsParkedWhileTheThousandAfterItArePublishedInOrder() throws Throwable {
        String customer = "cust-" + UUID.randomUUID();
        double parkedBefore = parkedTotal();
        // A 1.1 MB note: the event is larger than the producer's 1 MiB max.request.size.
        CloudEvent oversized = CloudEvent.of(customer + "-oversized", Effects.SOURCE, "test.effect", customer,
                java.time.OffsetDateTime.now(), JsonNodeFactory.instance.objectNode().put("note", "x".repeat(1_100_000)));
        VertxContextSupport.subscribeAndAwait(() -> effects.publishAll(List.of(oversized)));
        List<CloudEvent> later = IntStream.range(0, 1000).mapToObj(i -> Effects.event(customer + "-" + i, customer)).toList();
        VertxContextSupport.subscribeAndAwait(() -> effects.publishAll(later));

        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            List<String> ids = ceIds(reader.readUntil(records -> ofKey(records, customer).size() >= 1000, Duration.ofSeconds(60)), customer);
            assertEquals(later.stream().map(CloudEvent::id).toList(), ids, "the thousand in order, once each, without the oversized one");
        }
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> Db.count("SELECT count(*) FROM outbox WHERE message_key = ?", customer) == 0);

        long parkedId = Db.count("SELECT id FROM outbox_parked WHERE event_id = ?", oversized.id());
        JsonPath listed = given().auth().oauth2(TestTokens.admin()).queryParam("limit", 500).get(PARKED)
                .then().statusCode(200).extract().jsonPath();
        Map<String, Object> item = listed.getMap("items.find { it.id == " + parkedId + " }");
        assertEquals(oversized.id(), item.get("eventId"));
        assertEquals(customer, item.get("key"));
        assertEquals(Topic.PROMISE_EVENTS.topicName(), item.get("topic"));
        assertTrue(((String) item.get("reason")).contains("RecordTooLargeException"), item.toString());
        assertTrue((Integer) item.get("payloadBytes") > 1_000_000, item.toString());
        assertTrue(listed.getLong("total") >= 1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> parkedTotal() >= parkedBefore + 1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> metric("outbox_parked_rows") >= 1);

        given().auth().oauth2(TestTokens.admin()).get(PARKED + "/" + parkedId)
                .then().statusCode(200).body("payload", containsString(oversized.id()));
        given().auth().oauth2(TestTokens.admin()).delete(PARKED + "/" + parkedId).then().statusCode(204);
        given().auth().oauth2(TestTokens.admin()).get(PARKED + "/" + parkedId)
                .then().statusCode(404).contentType("application/problem+json").body("status", is(404));
        assertEquals(0, Db.count("SELECT count(*) FROM outbox_parked WHERE id = ?", parkedId));
    }

    /**
     * The broker refuses a record larger than its topic's max.message.bytes while its neighbours in the same produce
     * request are taken: the refused row is parked, the others are published once each, in order. After the topic's
     * limit is raised, a retry publishes the parked row, at the end. A row whose payload is no CloudEvent is parked too.
     */
    @Test
    void aRecordTheBrokerRefusesIsParkedAndPublishedOnRetryOnceTheTopicTakesIt() throws Exception {
        String topic = "relay-refusals-" + UUID.randomUUID();
        String customer = "cust-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.get().kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "10000")))).all().get(30, TimeUnit.SECONDS);

            List<String> expected = new ArrayList<>();
            try (var connection = Db.connect();
                 var insert = connection.prepareStatement(
                         "INSERT INTO outbox (event_id, topic, message_key, event_type, payload) VALUES (?, ?, ?, 'test.effect', ?)")) {
                connection.setAutoCommit(false);
                for (int i = 0; i < 40; i++) {
                    String id = customer + "-" + i;
                    String payload = i == 10 ? structured(bigEvent(id, customer))
                            : i == 20 ? "{not a cloud event" : structured(Effects.event(id, customer));
                    if (i != 10 && i != 20) {
                        expected.add(id);
                    }
                    insert.setString(1, id);
                    insert.setString(2, topic);
                    insert.setString(3, customer);
                    insert.setString(4, payload);
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
            }

            try (TopicReader reader = new TopicReader(topic)) {
                List<String> ids = ceIds(reader.readUntil(records -> records.size() >= 38, Duration.ofSeconds(60)), customer);
                assertEquals(expected, ids, "the 38 others in order, once each");
            }
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> Db.count("SELECT count(*) FROM outbox WHERE topic = ?", topic) == 0);
            long tooLarge = Db.count("SELECT id FROM outbox_parked WHERE event_id = ?", customer + "-10");
            long unreadable = Db.count("SELECT id FROM outbox_parked WHERE event_id = ?", customer + "-20");
            assertTrue(Db.text("SELECT reason FROM outbox_parked WHERE id = ?", tooLarge).contains("RecordTooLargeException"));
            assertTrue(Db.text("SELECT reason FROM outbox_parked WHERE id = ?", unreadable).contains("unreadable payload"));

            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1000000"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            given().auth().oauth2(TestTokens.admin()).post(PARKED + "/" + tooLarge + "/retry")
                    .then().statusCode(200).body("parkedId", is((int) tooLarge));
            try (TopicReader reader = new TopicReader(topic)) {
                List<String> ids = ceIds(reader.readUntil(records -> records.size() >= 39, Duration.ofSeconds(60)), customer);
                expected.add(customer + "-10");
                assertEquals(expected, ids, "the retried row once, after the rows published while it was parked");
            }
            assertEquals(0, Db.count("SELECT count(*) FROM outbox_parked WHERE id = ?", tooLarge));

            given().auth().oauth2(TestTokens.admin()).delete(PARKED + "/" + unreadable).then().statusCode(204);
            given().auth().oauth2(TestTokens.admin()).delete(PARKED + "/" + unreadable)
                    .then().statusCode(404).contentType("application/problem+json");
            given().auth().oauth2(TestTokens.admin()).post(PARKED + "/" + unreadable + "/retry")
                    .then().statusCode(404).contentType("application/problem+json");
        }
    }

    @Test
    void onlyAnAdminMayTouchParkedRows() {
        given().get(PARKED).then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.agent("alice", "blue")).get(PARKED)
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.supervisor("sam", "blue")).post(PARKED + "/1/retry")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.crm()).delete(PARKED + "/1")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.admin()).queryParam("limit", 0).get(PARKED)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].pointer", is("limit"));
    }

    private static CloudEvent bigEvent(String id, String customer) {
        return CloudEvent.of(id, Effects.SOURCE, "test.effect", customer, java.time.OffsetDateTime.now(),
                JsonNodeFactory.instance.objectNode().put("note", "y".repeat(30_000)));
    }

    private static String structured(CloudEvent event) {
        return new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<String, byte[]>> ofKey(List<ConsumerRecord<String, byte[]>> records, String key) {
        return records.stream().filter(r -> key.equals(r.key())).toList();
    }

    private static List<String> ceIds(List<ConsumerRecord<String, byte[]>> records, String key) {
        return ofKey(records, key).stream().map(r -> TopicReader.header(r, "ce_id")).toList();
    }

    private static double parkedTotal() {
        Matcher matcher = PARKED_TOTAL.matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        assertTrue(matcher.find(), "outbox_parked_total is exposed from the start");
        return Double.parseDouble(matcher.group(1));
    }

    private static double metric(String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$")
                .matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
    }
}
