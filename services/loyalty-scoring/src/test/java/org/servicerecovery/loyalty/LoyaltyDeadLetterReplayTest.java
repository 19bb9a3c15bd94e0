package org.servicerecovery.loyalty;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.testing.PoisonRecords;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.SchemaDb;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicWriter;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A valid complaint dead-lettered for a cause fixed since (the dead letter written as the consumer writes one, CloudEvent
 * in binary mode): replayed by an admin, it is scored exactly once, also when a forced replay sends it again.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class LoyaltyDeadLetterReplayTest {

    private static final SchemaDb DB = new SchemaDb("loyalty_scoring");
    private static final String INTAKE_EVENTS = Topic.INTAKE_EVENTS.topicName();
    private static final int ORIGINAL_PARTITION = 1;

    @Test
    void aDeadLetterOfAValidEventIsScoredOnceAfterItsReplayEvenIfForcedAgain() {
        String customer = "cust-" + UUID.randomUUID();
        String reason = "weights.yaml has no points for severity medium (" + UUID.randomUUID() + ")";
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5);
        CloudEvent complaint = LoyaltyPoisonTest.event(new ComplaintFiled(customer, "c-1", Channel.EMAIL, "delivery",
                Severity.MEDIUM, "parcel lost", at), at);
        try (TopicWriter writer = new TopicWriter()) {
            writer.send(PoisonRecords.deadLetter(Topic.LOYALTY_SCORING_DLQ.topicName(),
                    TopicWriter.binary(INTAKE_EVENTS, complaint), ORIGINAL_PARTITION, 42, reason));
        }

        JsonPath replay = replay(reason, false).body("replayed.size()", is(1)).extract().jsonPath();
        assertEquals(INTAKE_EVENTS, replay.getString("replayed[0].targetTopic"));
        assertEquals(ORIGINAL_PARTITION, replay.getInt("replayed[0].targetPartition"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> facts(customer) == 1);
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/customers/{id}/loyalty", customer).then().statusCode(200)
                .body("factors.factor", org.hamcrest.Matchers.hasItem("complaints"));

        replay(reason, false).body("replayed.size()", is(0)).body("skipped.size()", is(1));

        replay(reason, true).body("replayed.size()", is(1)).body("replayed[0].targetPartition", is(ORIGINAL_PARTITION));
        // behind the forced copy on its partition: once it is scored, the copy was read before it
        try (TopicWriter writer = new TopicWriter()) {
            ProducerRecord<String, byte[]> later = TopicWriter.binary(INTAKE_EVENTS, LoyaltyPoisonTest.event(new FeedbackReceived(
                    customer, null, 9, null, null, null, at.plusMinutes(1)), at.plusMinutes(1)));
            writer.send(new ProducerRecord<>(INTAKE_EVENTS, ORIGINAL_PARTITION, later.key(), later.value(), later.headers()));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> facts(customer) == 2);
        assertEquals(1, DB.count("SELECT count(*) FROM customer_fact WHERE customer_id = ? AND kind = 'complaint'", customer),
                "the forced copy changed nothing");
        assertEquals(2, DB.count("SELECT count(*) FROM dead_letter_replay WHERE reason = ?", reason));
    }

    private static io.restassured.response.ValidatableResponse replay(String reason, boolean force) {
        return given().auth().oauth2(TestTokens.admin()).queryParam("reason", reason).queryParam("force", force)
                .post("/api/v1/admin/dead-letters/replay").then().statusCode(200).body("failed.size()", is(0));
    }

    private static long facts(String customer) {
        return DB.count("SELECT count(*) FROM customer_fact WHERE customer_id = ?", customer);
    }
}
