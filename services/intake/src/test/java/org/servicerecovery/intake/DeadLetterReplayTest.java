package org.servicerecovery.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;
import org.servicerecovery.testing.TopicWriter;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * An event intake dead-lettered, replayed by an admin: back on crm.events exactly as the CRM sent it (key, value, ce_*
 * and tracing headers, partition), without the dead-letter-* headers, logged, and not replayed a second time.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class DeadLetterReplayTest {

    private static final String CRM_EVENTS = Topic.CRM_EVENTS.topicName();
    private static final String DLQ = Topic.CRM_EVENTS_DLQ.topicName();
    private static final int TEST_PARTITIONS = 3;

    private final Crm crm = new Crm();

    @Test
    void aDeadLetteredEventIsReplayedAsTheCrmSentItAndOnlyOnceUnlessForced() {
        String marker = "pigeon-" + UUID.randomUUID();
        ObjectNode json = crm.commitmentMade("c-" + crm.customer);
        ((ObjectNode) json.get("data")).put("channel", marker);
        CloudEvent event = CloudEvents.fromStructuredJson(Crm.bytes(json));
        // not the partition the key would pick, so a replay by key alone would show
        int partition = (Utils.toPositive(Utils.murmur2(crm.customer.getBytes(StandardCharsets.UTF_8))) + 1) % TEST_PARTITIONS;
        ProducerRecord<String, byte[]> sent = new ProducerRecord<>(CRM_EVENTS, partition, crm.customer,
                CloudEvents.toBinaryData(event), TopicWriter.binary(CRM_EVENTS, event).headers());
        sent.headers().add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8));
        RecordMetadata original;
        try (TopicWriter writer = new TopicWriter()) {
            original = writer.send(sent);
        }
        ConsumerRecord<String, byte[]> parked = deadLetters(1).get(0);
        assertTrue(TopicReader.header(parked, DeadLetterHeaders.REASON).contains(marker));

        Instant beforeReplay = Instant.now();
        JsonPath replay = given().auth().oauth2(TestTokens.admin()).queryParam("reason", marker)
                .post("/api/v1/admin/dead-letters/replay").then().statusCode(200)
                .body("topic", is(DLQ)).body("matched", is(1)).body("skipped.size()", is(0)).body("failed.size()", is(0))
                .extract().jsonPath();
        assertEquals(List.of(parked.offset()), replay.getList("replayed.offset", Long.class));
        assertEquals(CRM_EVENTS, replay.getString("replayed[0].targetTopic"));
        assertEquals(partition, replay.getInt("replayed[0].targetPartition"));
        long targetOffset = replay.getLong("replayed[0].targetOffset");

        ConsumerRecord<String, byte[]> replayed = TopicReader.recordAt(CRM_EVENTS, partition, targetOffset);
        assertEquals(crm.customer, replayed.key());
        assertArrayEquals(sent.value(), replayed.value());
        assertEquals(headers(sent.headers().toArray()), headers(replayed.headers().toArray()),
                "the original's headers in their order, ce_* and traceparent, no dead-letter-*");
        assertEquals(1, IntakeDb.SCHEMA.count("""
                SELECT count(*) FROM dead_letter_replay WHERE dlq_topic = ? AND dlq_partition = ? AND dlq_offset = ?
                  AND target_topic = ? AND target_partition = ? AND target_offset = ? AND replayed_by = 'admin'
                  AND NOT forced""", DLQ, parked.partition(), parked.offset(), CRM_EVENTS, partition, targetOffset));

        // Still invalid, so intake parks the replayed copy again: a new dead letter, read from where the replay put it.
        ConsumerRecord<String, byte[]> parkedAgain = deadLetters(2).get(1);
        assertEquals(Long.toString(targetOffset), TopicReader.header(parkedAgain, DeadLetterHeaders.OFFSET));
        assertEquals(Integer.toString(partition), TopicReader.header(parkedAgain, DeadLetterHeaders.PARTITION));
        assertEquals(original.partition(), partition);

        // The first dead letter again: logged as replayed, so skipped.
        given().auth().oauth2(TestTokens.admin()).queryParam("reason", marker).queryParam("to", beforeReplay.toString())
                .post("/api/v1/admin/dead-letters/replay").then().statusCode(200)
                .body("matched", is(1)).body("replayed.size()", is(0)).body("skipped[0].offset", is((int) parked.offset()));

        JsonPath listed = given().auth().oauth2(TestTokens.admin()).queryParam("reason", marker.toUpperCase())
                .get("/api/v1/admin/dead-letters").then().statusCode(200).body("matched", is(2)).extract().jsonPath();
        assertNotNull(listed.getString("items[0].lastReplayedAt"));
        assertNull(listed.getString("items[1].lastReplayedAt"));
        assertEquals("commitment.made", listed.getString("items[0].eventType"));
        assertEquals(CRM_EVENTS, listed.getString("items[0].originalTopic"));
        assertEquals(original.offset(), listed.getLong("items[0].originalOffset"));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/admin/dead-letters/replays").then().statusCode(200)
                .body("dlqOffset", hasItem((int) parked.offset()));

        // A dry run tells what a forced replay would do, and does nothing.
        given().auth().oauth2(TestTokens.admin()).queryParam("reason", marker).queryParam("force", "true")
                .queryParam("dryRun", "true").post("/api/v1/admin/dead-letters/replay").then().statusCode(200)
                .body("dryRun", is(true)).body("replayed.size()", is(2)).body("replayed[0].targetPartition", is(partition));
        assertEquals(1, IntakeDb.SCHEMA.count("SELECT count(*) FROM dead_letter_replay WHERE dlq_topic = ? AND reason LIKE ?",
                DLQ, "%" + marker + "%"));
    }

    @Test
    void onlyAnAdminSeesOrReplaysDeadLetters() {
        given().auth().oauth2(TestTokens.agent("alice", "blue")).get("/api/v1/admin/dead-letters").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(TestTokens.supervisor("sam", "blue")).post("/api/v1/admin/dead-letters/replay").then()
                .statusCode(403).contentType("application/problem+json");
        given().post("/api/v1/admin/dead-letters/replay").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void unusableFiltersAreNamed() {
        given().auth().oauth2(TestTokens.admin()).queryParam("from", "yesterday").queryParam("reasonRegex", "(unclosed")
                .queryParam("dryRun", "maybe").post("/api/v1/admin/dead-letters/replay").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer", org.hamcrest.Matchers.containsInAnyOrder("from", "reasonRegex", "dryRun"));
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters(int expected) {
        try (TopicReader dlq = new TopicReader(DLQ)) {
            return dlq.readUntil(records -> mine(records).size() >= expected, Duration.ofSeconds(30)).stream()
                    .filter(r -> crm.customer.equals(r.key())).toList();
        }
    }

    private List<ConsumerRecord<String, byte[]>> mine(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> crm.customer.equals(r.key())).toList();
    }

    private static List<String> headers(Header[] headers) {
        return Arrays.stream(headers).map(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8)).toList();
    }
}
