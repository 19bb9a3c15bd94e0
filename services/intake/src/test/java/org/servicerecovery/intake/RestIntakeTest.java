package org.servicerecovery.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** The REST door as a CRM and an admin use it. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class RestIntakeTest {

    static final String PROBLEM_JSON = "application/problem+json";
    private static final String STRUCTURED = CloudEvents.STRUCTURED_CONTENT_TYPE;
    private static final String BATCH = CloudEvents.BATCH_CONTENT_TYPE;
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final Crm crm = new Crm();
    private final String client = TestTokens.crm();

    @Test
    void anEventSentTwiceIsAcceptedThenDuplicateAndPublishedOnceNormalised() {
        ObjectNode event = crm.feedback(9);
        String id = event.get("id").asText();
        post(event, STRUCTURED).statusCode(202).body("status", is("accepted")).body("id", is(id))
                .body("source", is(Crm.SOURCE));
        post(event, "application/json").statusCode(202).body("status", is("duplicate"));

        ObjectNode marker = crm.feedback(1);
        post(marker, STRUCTURED).statusCode(202);
        List<ConsumerRecord<String, byte[]>> published = crm.publishedUpTo(marker.get("id").asText());
        assertEquals(List.of(id, marker.get("id").asText()), Crm.ids(published));

        ConsumerRecord<String, byte[]> record = published.get(0);
        CloudEvent out = TopicReader.cloudEvent(record);
        assertEquals(crm.customer, record.key());
        assertEquals(Crm.SOURCE, out.source());
        assertEquals(id, out.extensions().get("causationid"));
        assertTrue(out.extensions().get("traceparent").startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
                out.extensions().get("traceparent"));
        assertEquals(9, EventData.read(out, FeedbackReceived.class).rating());
        assertFalse(out.data().has("fieldFromTheFuture"), "normalised data drops fields the contract does not know");
    }

    @Test
    void concurrentCopiesOfOneEventAreAcceptedOnceAndPublishedOnce() throws Exception {
        ObjectNode event = crm.feedback(6);
        String token = TestTokens.token("concurrent-crm", "crm", null);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port
                + "/api/v1/events");
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> responses = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            responses.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + token).header("Content-Type", STRUCTURED)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Crm.bytes(event))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        List<String> statuses = new java.util.ArrayList<>();
        for (var response : responses) {
            assertEquals(202, response.get().statusCode(), response.get().body());
            statuses.add(io.restassured.path.json.JsonPath.from(response.get().body()).getString("status"));
        }
        assertEquals(1, statuses.stream().filter("accepted"::equals).count(), statuses.toString());
        assertEquals(19, statuses.stream().filter("duplicate"::equals).count(), statuses.toString());

        ObjectNode marker = crm.feedback(1);
        post(marker, STRUCTURED).statusCode(202);
        assertEquals(List.of(event.get("id").asText(), marker.get("id").asText()),
                Crm.ids(crm.publishedUpTo(marker.get("id").asText())));
    }

    @Test
    void anAdminSeesTheStoredRawEventWithItsStatus() {
        ObjectNode event = crm.feedback(7);
        String id = event.get("id").asText();
        post(event, STRUCTURED).statusCode(202);
        crm.publishedUpTo(id);
        String path = "/api/v1/events/" + URLEncoder.encode(Crm.SOURCE, StandardCharsets.UTF_8) + "/" + id;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                given().urlEncodingEnabled(false).auth().oauth2(TestTokens.admin()).get(path).then().statusCode(200)
                        .body("status", is("published")).body("type", is("feedback.received"))
                        .body("channel", is("rest")).body("customerId", is(crm.customer))
                        .body("event.data.fieldFromTheFuture", is("ignored")).body("event.data.rating", is(7)));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/events/" + Crm.SOURCE + "/" + id)
                .then().statusCode(200).body("id", is(id)).body("source", is(Crm.SOURCE));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/events/" + Crm.SOURCE + "/no-such-id")
                .then().statusCode(404).contentType(PROBLEM_JSON);
    }

    @Test
    void rolesAreChecked() {
        ObjectNode event = crm.feedback(5);
        given().contentType(STRUCTURED).body(Crm.bytes(event)).post("/api/v1/events").then().statusCode(401)
                .contentType(PROBLEM_JSON);
        for (String token : new String[] {TestTokens.agent("alice", "blue"), TestTokens.supervisor("sam", "blue"),
                TestTokens.admin()}) {
            given().auth().oauth2(token).contentType(STRUCTURED).body(Crm.bytes(event)).post("/api/v1/events")
                    .then().statusCode(403).contentType(PROBLEM_JSON);
            given().auth().oauth2(token).contentType(BATCH).body(Crm.bytes(List.of())).post("/api/v1/events/batch")
                    .then().statusCode(403).contentType(PROBLEM_JSON);
        }
        given().get("/api/v1/events/x/y").then().statusCode(401).contentType(PROBLEM_JSON);
        given().auth().oauth2(client).get("/api/v1/events/x/y").then().statusCode(403).contentType(PROBLEM_JSON);
        assertEquals(0, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE event_id = ?", event.get("id").asText()));
    }

    @Test
    void everyInvalidFieldIsListedByPointerAndNothingIsStoredOrPublished() {
        ObjectNode event = crm.feedback(11).put("specversion", "0.3").put("time", "2025-06-02T09:30:00");
        ((ObjectNode) event.get("data")).put("receivedAt", "yesterday").remove("customerId");
        post(event, STRUCTURED).statusCode(400).contentType(PROBLEM_JSON)
                .body("status", is(400)).body("title", is("Invalid CloudEvent"))
                .body("errors.pointer", containsInAnyOrder("/specversion", "/time", "/data/customerId",
                        "/data/rating", "/data/receivedAt"))
                .body("errors.detail", hasItem("must be between 0 and 10, was 11"));
        assertNothingKeptOf(event);
    }

    @Test
    void eachInvalidShapeGetsItsPreciseError() {
        Map<String, ObjectNode> shapes = new java.util.LinkedHashMap<>();
        shapes.put("/specversion", crm.feedback(1).put("specversion", "2.0"));
        shapes.put("/id", (ObjectNode) crm.feedback(1).without("id"));
        shapes.put("/source", (ObjectNode) crm.feedback(1).without("source"));
        shapes.put("/type", crm.feedback(1).put("type", "feedback.sent"));
        ObjectNode wrongEnum = crm.commitmentMade("c-1");
        ((ObjectNode) wrongEnum.get("data")).put("channel", "pigeon");
        shapes.put("/data/channel", wrongEnum);
        shapes.put("/data/rating", crm.feedback(-3));
        ObjectNode noOffset = crm.feedback(1);
        ((ObjectNode) noOffset.get("data")).put("receivedAt", "2025-06-02T09:30:00");
        shapes.put("/data/receivedAt", noOffset);
        shapes.forEach((pointer, event) -> {
            post(event, STRUCTURED).statusCode(400).contentType(PROBLEM_JSON).body("errors.pointer", contains(pointer));
            if (event.has("id")) {
                assertNothingKeptOf(event);
            }
        });

        long stored = IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE customer_id = ?", crm.customer);
        postRaw("{\"specversion\":\"1.0\",".getBytes(StandardCharsets.UTF_8), STRUCTURED).statusCode(400)
                .contentType(PROBLEM_JSON).body("errors[0].detail", containsString("is not valid JSON"));
        byte[] latin1 = crm.feedback(1).put("id", "caf\u00e9-" + crm.customer).toString().getBytes(StandardCharsets.ISO_8859_1);
        postRaw(latin1, STRUCTURED).statusCode(400).body("errors[0].detail", containsString("UTF-8"));
        assertEquals(stored, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE customer_id = ?", crm.customer));
    }

    @Test
    void aByteOrderMarkIsIgnoredAsRfc8259Allows() {
        ObjectNode event = crm.feedback(8);
        byte[] json = Crm.bytes(event);
        byte[] marked = new byte[json.length + 3];
        marked[0] = (byte) 0xEF;
        marked[1] = (byte) 0xBB;
        marked[2] = (byte) 0xBF;
        System.arraycopy(json, 0, marked, 3, json.length);
        postRaw(marked, STRUCTURED).statusCode(202).body("status", is("accepted"));
        assertEquals(1, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE event_id = ?", event.get("id").asText()));
    }

    @Test
    void anOversizeEventIs413() {
        ObjectNode event = crm.feedback(1);
        ((ObjectNode) event.get("data")).put("padding", "x".repeat(300_000));
        post(event, STRUCTURED).statusCode(413).contentType(PROBLEM_JSON).body("status", is(413))
                .body("errors[0].detail", containsString("at most 262144 bytes"));
        assertNothingKeptOf(event);
    }

    @Test
    void aBatchTakesTheValidEventsAndAnswersEachOne() {
        ObjectNode first = crm.feedback(3);
        ObjectNode invalid = crm.feedback(12);
        ObjectNode last = crm.feedback(4);
        ArrayNode batch = EventData.newObjectMapper().createArrayNode().add(first).add(invalid).add(first).add(last);
        postRaw(Crm.bytes(batch), BATCH).statusCode(202)
                .body("accepted", is(2)).body("duplicate", is(1)).body("rejected", is(1))
                .body("results.status", contains("accepted", "rejected", "duplicate", "accepted"))
                .body("results[1].index", is(1))
                .body("results[1].problems.pointer", contains("/1/data/rating"));
        assertEquals(List.of(first.get("id").asText(), last.get("id").asText()),
                Crm.ids(crm.publishedUpTo(last.get("id").asText())));
        assertNothingKeptOf(invalid);

        postRaw(Crm.bytes(batch), BATCH).statusCode(202).body("accepted", is(0)).body("duplicate", is(3));
    }

    @Test
    void emptyOversizeAndMalformedBatchesAreRefusedWhole() {
        postRaw("[]".getBytes(StandardCharsets.UTF_8), BATCH).statusCode(400).contentType(PROBLEM_JSON)
                .body("errors[0].detail", is("must contain at least one event"));
        ArrayNode tooMany = EventData.newObjectMapper().createArrayNode();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(crm.feedback(1));
        }
        postRaw(Crm.bytes(tooMany), BATCH).statusCode(413).contentType(PROBLEM_JSON)
                .body("errors[0].detail", containsString("at most 1000"));
        postRaw("[{".getBytes(StandardCharsets.UTF_8), BATCH).statusCode(400).contentType(PROBLEM_JSON);
        postRaw(Crm.bytes(crm.feedback(1)), BATCH).statusCode(400).body("errors[0].detail", containsString("JSON array"));
        assertEquals(0, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE customer_id = ?", crm.customer));
    }

    @Test
    void aClientThatFloodsGets429WithRetryAfter() {
        String flooder = TestTokens.token("flooding-crm", "crm", null);
        int limited = 0;
        String retryAfter = null;
        for (int i = 0; i < 2000 && limited == 0; i++) {
            var response = given().auth().oauth2(flooder).contentType(BATCH).body("[]").post("/api/v1/events/batch");
            if (response.statusCode() == 429) {
                limited++;
                retryAfter = response.header("Retry-After");
                response.then().contentType(PROBLEM_JSON).body("status", is(429));
            }
        }
        assertEquals(1, limited, "the flood was never limited");
        assertTrue(Integer.parseInt(retryAfter) >= 1, retryAfter);
        // Another client is not affected.
        postRaw("[]".getBytes(StandardCharsets.UTF_8), BATCH).statusCode(400);
    }

    @Test
    void otherMediaTypesAre415() {
        given().auth().oauth2(client).contentType("text/plain").body("hello").post("/api/v1/events")
                .then().statusCode(415).contentType(PROBLEM_JSON);
    }

    private void assertNothingKeptOf(ObjectNode event) {
        String id = event.get("id").asText();
        assertEquals(0, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE event_id = ?", id));
        ObjectNode marker = crm.feedback(2);
        post(marker, STRUCTURED).statusCode(202);
        assertFalse(Crm.ids(crm.publishedUpTo(marker.get("id").asText())).contains(id), id + " was published");
    }

    private ValidatableResponse post(ObjectNode event, String contentType) {
        return postRaw(Crm.bytes(event), contentType);
    }

    private ValidatableResponse postRaw(byte[] body, String contentType) {
        String path = contentType.equals(BATCH) ? "/api/v1/events/batch" : "/api/v1/events";
        return given().auth().oauth2(client).header("traceparent", TRACEPARENT).contentType(contentType).body(body)
                .post(path).then();
    }

}
