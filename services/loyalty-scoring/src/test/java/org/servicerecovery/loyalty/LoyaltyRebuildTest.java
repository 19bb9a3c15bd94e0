package org.servicerecovery.loyalty;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.loyalty.domain.Contribution;
import org.servicerecovery.loyalty.domain.Fact;
import org.servicerecovery.loyalty.domain.History;
import org.servicerecovery.loyalty.domain.RandomHistories;
import org.servicerecovery.loyalty.domain.Score;
import org.servicerecovery.loyalty.domain.ScoringEngine;
import org.servicerecovery.loyalty.persistence.FactCodec;
import org.servicerecovery.loyalty.persistence.LoyaltyStore;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.SchemaDb;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicWriter;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The rebuild, pages of seven customers (the test profile's page size) two at a time, against the engine's score of
 * each customer's whole stored history, on random histories: long ones whose running scores fold, facts from long ago,
 * ties on time. Then the consumer scores a new event from each rebuilt running score, as incremental scoring does.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class LoyaltyRebuildTest {

    private static final int CUSTOMERS = 40;
    private static final SchemaDb DB = new SchemaDb("loyalty_scoring");
    private static final ObjectMapper JSON = EventData.newObjectMapper();
    private static final TypeReference<List<Contribution>> CONTRIBUTIONS = new TypeReference<>() {
    };

    @Inject
    ScoringEngine engine;

    @Test
    void everyRebuiltScoreIsTheFullRecomputationAndTheConsumerScoresOnFromIt() throws Exception {
        long seed = Long.getLong("rebuild.seed", System.nanoTime());
        Random random = new Random(seed);
        String run = "rebuild-" + Long.toHexString(System.nanoTime()) + "-";
        // every fact before now, so that a new event comes after all of them
        Instant t0 = Instant.now().minus(Duration.ofDays(600));
        Map<String, List<Fact>> facts = new TreeMap<>();
        for (int c = 0; c < CUSTOMERS; c++) {
            int size = c % 8 == 0 ? 100 + random.nextInt(200) : 1 + random.nextInt(40);
            facts.put(run + c, onceEach(RandomHistories.history(random, size, t0)));
        }
        store(facts);
        String rerun = " (rerun with -Drebuild.seed=" + seed + ")";

        rebuild();
        assertScoresAreTheFullRecomputation(run, facts, rerun);
        assertEquals(CUSTOMERS, DB.count("SELECT count(*) FROM customer_score_state WHERE customer_id LIKE ?", run + "%"),
                "every customer's running score stored" + rerun);
        long trendLines = DB.count("SELECT count(*) FROM score_history WHERE customer_id LIKE ?", run + "%");
        assertEquals(CUSTOMERS, trendLines, "one trend line per rescored customer" + rerun);

        rebuild();
        assertEquals(trendLines, DB.count("SELECT count(*) FROM score_history WHERE customer_id LIKE ?", run + "%"),
                "a second rebuild changed no score" + rerun);

        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
        try (TopicWriter writer = new TopicWriter()) {
            for (Map.Entry<String, List<Fact>> customer : facts.entrySet()) {
                String eventId = UUID.randomUUID().toString();
                writer.sendBinary(Topic.INTAKE_EVENTS.topicName(), EventData.wrap(eventId, "urn:test:loyalty", now,
                        new FeedbackReceived(customer.getKey(), null, 9, "nothing", null, null, now)));
                customer.getValue().add(new Fact.Feedback(eventId, now.toInstant(), 9, 1));
            }
        }
        long stored = facts.values().stream().mapToLong(List::size).sum();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                DB.count("SELECT count(*) FROM customer_fact WHERE customer_id LIKE ?", run + "%") == stored);
        assertScoresAreTheFullRecomputation(run, facts, rerun);
    }

    /** A customer's stored history names each event once (the fact table's key). */
    private static List<Fact> onceEach(List<Fact> history) {
        Map<String, Fact> once = new LinkedHashMap<>();
        history.forEach(fact -> once.putIfAbsent(fact.eventId(), fact));
        return new ArrayList<>(once.values());
    }

    private static void rebuild() {
        given().auth().oauth2(TestTokens.admin()).post("/api/v1/admin/rebuild").then().statusCode(200)
                .body("customers", greaterThanOrEqualTo(CUSTOMERS));
    }

    private void assertScoresAreTheFullRecomputation(String run, Map<String, List<Fact>> facts, String rerun) throws Exception {
        Map<String, String> expected = new TreeMap<>();
        facts.forEach((customer, history) -> expected.put(customer, describe(engine.score(History.canonical(history)))));
        Map<String, String> stored = new TreeMap<>();
        try (Connection connection = DB.connect(); PreparedStatement query = connection.prepareStatement("""
                SELECT customer_id, score, band, coalesce(contributions_text, contributions::text), weights_version, floor(extract(epoch FROM as_of) * 1000)::bigint
                FROM customer_score WHERE customer_id LIKE ?""")) {
            query.setString(1, run + "%");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getString(1), describe(rows.getInt(2), rows.getString(3),
                            JSON.readValue(rows.getString(4), CONTRIBUTIONS), rows.getInt(5), rows.getLong(6)));
                }
            }
        }
        assertEquals(expected, stored, "each stored score is the engine's score of the customer's whole history" + rerun);
    }

    private static String describe(Score score) {
        return describe(score.value(), LoyaltyStore.bandName(score), score.contributions(), score.weightsVersion(),
                score.asOf().toEpochMilli());
    }

    private static String describe(int value, String band, List<Contribution> contributions, int weightsVersion, long asOfMillis) {
        return value + " " + band + " v" + weightsVersion + " as of " + asOfMillis + " " + contributions;
    }

    private static void store(Map<String, List<Fact>> facts) throws Exception {
        try (Connection connection = DB.connect(); PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO customer_fact (customer_id, source, event_id, occurred_at, kind, fact)
                VALUES (?, 'urn:test:loyalty', ?, ?, ?, CAST(? AS jsonb))""")) {
            for (Map.Entry<String, List<Fact>> customer : facts.entrySet()) {
                for (Fact fact : customer.getValue()) {
                    insert.setString(1, customer.getKey());
                    insert.setString(2, fact.eventId());
                    insert.setObject(3, OffsetDateTime.ofInstant(fact.at(), ZoneOffset.UTC));
                    insert.setString(4, FactCodec.kind(fact));
                    insert.setString(5, FactCodec.encode(fact));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
