package org.servicerecovery.loyalty;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.events.domain.RecoveryCaseResolved;
import org.servicerecovery.events.domain.RecoveryStepCompleted;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;
import org.servicerecovery.testing.TopicWriter;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** From events on the three topics to an explained score, as an agent and a CRM see it. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class LoyaltyScoringTest {

    private static final OffsetDateTime T0 = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);

    @Test
    void aMissedPromiseRecoveredFastAndCompletelyLiftsTheScoreAboveWhereItWasAndSaysWhy() {
        String customer = "cust-" + UUID.randomUUID();
        int before;
        try (TopicWriter writer = new TopicWriter()) {
            writer.sendBinary(Topic.INTAKE_EVENTS.topicName(), event(new CustomerUpserted(customer, "Ada", null, null, Tier.GOLD,
                    "Europe/Berlin", "de-DE", ContactChannel.EMAIL, "blue"), T0));
            before = awaitScore(customer, TestTokens.agent("alice", "blue")).getInt("score");

            writer.sendBinary(Topic.PROMISE_EVENTS.topicName(), event(new PromiseMissed(customer, "p-" + customer, "alice", "blue",
                    "call back before noon", T0.plusMinutes(1), T0.plusMinutes(1), 0), T0.plusMinutes(1)));
            String caseId = "case-" + customer;
            writer.sendBinary(Topic.RECOVERY_EVENTS.topicName(), event(new RecoveryCaseOpened(customer, caseId, RecoveryTrigger.MISSED_PROMISE,
                    "p-" + customer, "blue", Severity.MEDIUM, false, "default", 1, T0.plusMinutes(2)), T0.plusMinutes(2)));
            for (StepKind kind : List.of(StepKind.APOLOGY, StepKind.REMEDY, StepKind.FOLLOW_UP)) {
                writer.sendBinary(Topic.RECOVERY_EVENTS.topicName(), event(new RecoveryStepCompleted(customer, caseId, kind.name(),
                        kind, T0.plusMinutes(30), T0.plusMinutes(3 + kind.ordinal()), true), T0.plusMinutes(3 + kind.ordinal())));
            }
            writer.sendBinary(Topic.RECOVERY_EVENTS.topicName(), event(new RecoveryCaseResolved(customer, caseId, T0.plusMinutes(10),
                    T0.plusMinutes(2), 3, 3), T0.plusMinutes(10)));
            CloudEvent feedback = event(new FeedbackReceived(customer, caseId, 9, "call when you say", "a voucher", "the apology",
                    T0.plusMinutes(11)), T0.plusMinutes(11));
            writer.sendBinary(Topic.INTAKE_EVENTS.topicName(), feedback);
            writer.sendBinary(Topic.INTAKE_EVENTS.topicName(), feedback);
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(TestTokens.agent("alice", "blue"))
                .get("/api/v1/customers/{id}/loyalty", customer).then().statusCode(200)
                .body("factors.factor", hasItems("promises-missed", "recovery-paradox", "feedback")));
        JsonPath loyalty = given().auth().oauth2(TestTokens.agent("alice", "blue"))
                .get("/api/v1/customers/{id}/loyalty", customer).then().statusCode(200)
                .body("score", greaterThan(before))
                .body("factors.factor", hasItem("recovery-paradox"))
                .body("band", is("neutral"))
                .extract().jsonPath();
        assertEquals(loyalty.getInt("score"), loyalty.getList("factors.points", Integer.class).stream().mapToInt(Integer::intValue).sum());
        assertEquals(1, loyalty.getList("factors.findAll { it.factor == 'feedback' }.eventIds.flatten()").size(),
                "the duplicate feedback changed nothing");

        try (TopicReader reader = new TopicReader(Topic.LOYALTY_EVENTS.topicName())) {
            reader.readUntil(records -> records.stream().anyMatch(r -> customer.equals(r.key())), Duration.ofSeconds(20));
        }

        given().auth().oauth2(TestTokens.agent("rita", "red")).get("/api/v1/customers/{id}/loyalty", customer).then().statusCode(404);
        given().auth().oauth2(TestTokens.crm()).get("/api/v1/customers/{id}/loyalty", customer).then().statusCode(403);
        given().get("/api/v1/customers/{id}/loyalty", customer).then().statusCode(401);

        given().auth().oauth2(TestTokens.supervisor("sam", "blue")).queryParam("band", "neutral").get("/api/v1/customers")
                .then().statusCode(200).body("items.customerId", hasItem(customer));
        given().auth().oauth2(TestTokens.supervisor("sam", "blue")).queryParam("team", "red").get("/api/v1/customers")
                .then().statusCode(403).contentType("application/problem+json");

        String from = T0.minusDays(1).toInstant().toString();
        String to = T0.plusDays(1).toInstant().toString();
        JsonPath paradox = given().auth().oauth2(TestTokens.supervisor("sam", "blue")).queryParam("from", from).queryParam("to", to)
                .get("/api/v1/reports/recovery-paradox").then().statusCode(200)
                .body("recoveries", greaterThanOrEqualTo(1)).extract().jsonPath();
        assertTrue(paradox.getList("cases.findAll { it.customerId == '" + customer + "' }.endedAbove", Boolean.class).contains(true));
        given().auth().oauth2(TestTokens.agent("alice", "blue")).queryParam("from", from).queryParam("to", to)
                .get("/api/v1/reports/recovery-paradox").then().statusCode(403);
        given().auth().oauth2(TestTokens.admin()).queryParam("from", from).queryParam("to", to)
                .get("/api/v1/reports/perception-gap").then().statusCode(200).body("rows.team", hasItem("blue"));

        int scoreBeforeRebuild = loyalty.getInt("score");
        given().auth().oauth2(TestTokens.supervisor("sam", "blue")).post("/api/v1/admin/rebuild").then().statusCode(403);
        given().auth().oauth2(TestTokens.admin()).post("/api/v1/admin/rebuild").then().statusCode(200)
                .body("customers", greaterThanOrEqualTo(1));
        given().auth().oauth2(TestTokens.admin()).get("/api/v1/customers/{id}/loyalty", customer).then().statusCode(200)
                .body("score", is(scoreBeforeRebuild));
    }

    /**
     * Three complaints sent together, so that one poll usually holds them: each is scored as if it came alone, so each
     * moves the score by its own step and gets its own trend point and its own loyalty.score-changed, named after it.
     */
    @Test
    void eachEventThatMovesTheScoreIsPublishedWithItsOwnCauseAlsoWithinABatch() {
        String customer = "cust-" + UUID.randomUUID();
        List<CloudEvent> complaints = List.of(0, 1, 2).stream().map(minute -> event(new ComplaintFiled(customer,
                "cmp-" + minute, Channel.PHONE, "billing", Severity.HIGH, "charged twice", T0.plusMinutes(minute)),
                T0.plusMinutes(minute))).toList();
        try (TopicWriter writer = new TopicWriter()) {
            writer.sendAll(complaints.stream().map(complaint -> TopicWriter.binary(Topic.INTAKE_EVENTS.topicName(), complaint)).toList());
        }

        Set<String> expected = complaints.stream().map(complaint -> customer + ":" + complaint.id()).collect(Collectors.toSet());
        try (TopicReader reader = new TopicReader(Topic.LOYALTY_EVENTS.topicName())) {
            List<String> published = reader.readUntil(records -> records.stream()
                            .filter(r -> customer.equals(r.key())).count() >= 3, Duration.ofSeconds(30))
                    .stream().filter(r -> customer.equals(r.key())).map(r -> TopicReader.header(r, "ce_id")).toList();
            assertEquals(expected, Set.copyOf(published));
            assertEquals(3, published.size());
        }
        List<Integer> trend = given().auth().oauth2(TestTokens.admin()).get("/api/v1/customers/{id}/loyalty", customer)
                .then().statusCode(200).extract().jsonPath().getList("history.score", Integer.class);
        assertEquals(3, trend.size(), "one trend point per complaint: " + trend);
        assertTrue(trend.get(0) > trend.get(1) && trend.get(1) > trend.get(2), "each complaint lowers the score: " + trend);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/api/v1/reports/perception-gap                                                        | from",
            "/api/v1/reports/perception-gap?from=yesterday&to=2026-01-01T00:00:00Z                 | from",
            "/api/v1/reports/perception-gap?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z      | to",
            "/api/v1/reports/perception-gap?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&groupBy=agent | groupBy",
            "/api/v1/reports/recovery-paradox?from=2026-01-01T00:00:00Z                            | to",
            "/api/v1/reports/recovery-paradox?from=2026-01-01T00:00:00Z&to=%2B99999-01-01T00:00:00Z  | to",
            "/api/v1/customers?band=gold                                                           | band",
            "/api/v1/customers?page=2147483647                                                     | page",
            "/api/v1/customers?size=501                                                            | size",
            "/api/v1/customers?page=abc                                                            | page"})
    void badQueryParametersAreNamed(String pathAndQuery, String pointer) {
        given().auth().oauth2(TestTokens.admin()).urlEncodingEnabled(false).get(pathAndQuery).then().statusCode(400)
                .contentType("application/problem+json").body("errors.pointer", hasItem(pointer));
    }

    private static JsonPath awaitScore(String customer, String token) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(token)
                .get("/api/v1/customers/{id}/loyalty", customer).then().extract(), response -> response.statusCode() == 200)
                .jsonPath();
    }

    private static CloudEvent event(CustomerEvent data, OffsetDateTime time) {
        return EventData.wrap(UUID.randomUUID().toString(), "urn:test:loyalty", time, data);
    }
}
