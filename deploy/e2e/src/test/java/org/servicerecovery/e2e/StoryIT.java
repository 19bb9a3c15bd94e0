package org.servicerecovery.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.CommitmentFulfilled;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.OutreachDelivered;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.OutreachRequested;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;
import org.servicerecovery.testing.TopicWriter;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * The product's story on the whole system, as a CRM, an agent and a supervisor live it: the CRM only writes CloudEvents
 * to crm.events with a plain Kafka producer; people only use the services' REST APIs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoryIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String ALICE = TestTokens.agent("alice", "blue");
    private static final String RITA = TestTokens.agent("rita", "red");
    private static final String SAM = TestTokens.supervisor("sam", "blue");

    private static RunningSystem system;

    private final String customer = "story-" + UUID.randomUUID();

    @BeforeAll
    static void startTheSystem() {
        system = RunningSystem.withStoryPolicy();
    }

    /**
     * A miss is declared on event time: intake hangs from before a promise's due time until 30 s after it, while the
     * CRM's fulfilment, done before the due time, waits in crm.events. Meanwhile promise-tracking says its input is late
     * and stays ready; then the promise is kept, never missed, and no case or outreach follows.
     */
    @Test
    @Order(2) // after the story, on a warm system: the 20 s to the due time are not spent on the first event's path
    void aFulfilmentHeldUpByAStalledIntakeKeepsThePromiseAndOpensNoCase() {
        try (TopicWriter crm = new TopicWriter(system.kafkaClients())) {
            // A commitment due in an hour first: on a cold or loaded system the path through intake to promise-tracking
            // can be slow, and the commitment under test must be read well before its due time.
            String later = "send the corrected invoice";
            crm.sendBinary(Topic.CRM_EVENTS.topicName(), event(new CommitmentMade(customer, customer + "-invoice", later,
                    now().plusHours(1), "alice", "blue", Channel.EMAIL, now())));
            await(() -> promiseState(later).filter("PENDING"::equals));

            String parcel = "send the replacement parcel today";
            String promise = customer + "-parcel";
            OffsetDateTime due = now().plusSeconds(20);
            crm.sendBinary(Topic.CRM_EVENTS.topicName(), event(new CommitmentMade(customer, promise, parcel, due, "alice",
                    "blue", Channel.EMAIL, now())));
            await(() -> promiseState(parcel).filter("PENDING"::equals));
            assertTrue(now().isBefore(due.minusSeconds(5)), "the commitment was read too late to stall intake before it is due");

            system.frozen(Service.INTAKE, () -> {
                crm.sendBinary(Topic.CRM_EVENTS.topicName(), event(new CommitmentFulfilled(customer, promise, now())));
                for (String replica : system.urls(Service.PROMISE_TRACKING)) {
                    Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                            .until(() -> "late".equals(inputWatermarkState(replica)));
                }
                // pending all along, until the due time is 30 s past
                Duration untilThirtySecondsPast = Duration.ofMillis(Math.max(1_000,
                        Duration.between(now(), due.plusSeconds(30)).toMillis()));
                Awaitility.await().during(untilThirtySecondsPast).atMost(untilThirtySecondsPast.plus(PATIENCE))
                        .pollInterval(Duration.ofSeconds(1)).until(() -> promiseState(parcel).equals(Optional.of("PENDING")));
                system.urls(Service.PROMISE_TRACKING).forEach(replica -> assertEquals("late", inputWatermarkState(replica)));
            });

            await(() -> promiseState(parcel).filter("KEPT"::equals));
            List<String> promiseEvents = typesOf(Topic.PROMISE_EVENTS);
            assertTrue(promiseEvents.contains("promise.kept"), promiseEvents.toString());
            assertTrue(promiseEvents.stream().noneMatch(type -> type.startsWith("promise.miss")), promiseEvents.toString());
            assertEquals(List.of(), typesOf(Topic.RECOVERY_EVENTS));
            assertEquals(List.of(), typesOf(Topic.OUTREACH_REQUESTS));
            assertTrue(recovery(TestTokens.admin()).queryParam("size", 200).get("/api/v1/cases").then().statusCode(200)
                    .extract().jsonPath().getList("items.customerId").stream().noneMatch(customer::equals));
        }
    }

    private Optional<String> promiseState(String description) {
        return promises(ALICE).map(page -> page.getString("items.find { it.description == '" + description + "' }.state"));
    }

    /** promise-tracking's readiness detail {@code input-watermark}; the replica must stay ready (200) meanwhile. */
    private static String inputWatermarkState(String replica) {
        return given().baseUri(replica).get("/q/health/ready").then().statusCode(200).extract()
                .path("checks.find { it.name == 'input-watermark' }.data.state");
    }

    /** The types of this customer's records on the topic, read to its end. */
    private List<String> typesOf(Topic topic) {
        try (TopicReader reader = new TopicReader(topic.topicName(), system.kafkaClients())) {
            return reader.readToEnd(PATIENCE).stream().filter(record -> customer.equals(record.key()))
                    .map(record -> TopicReader.header(record, "ce_type")).toList();
        }
    }

    @Test
    @Order(1)
    void aMissedPromiseIsRecoveredRemarkablyAndASecondFailureIsEscalated() {
        try (TopicWriter crm = new TopicWriter(system.kafkaClients()); TopicReader outreach = new TopicReader(Topic.OUTREACH_REQUESTS.topicName(), system.kafkaClients())) {
            // 1. a gold customer; a promise due in a few seconds that nobody keeps
            crm.sendBinary(Topic.CRM_EVENTS.topicName(), event(new CustomerUpserted(customer, "Ada Lovelace", "ada@example.org",
                    null, Tier.GOLD, "Europe/London", "en-GB", ContactChannel.EMAIL, "blue")));
            int beforeFailure = await(() -> loyalty(ALICE).map(l -> l.getInt("score")));

            String promise = customer + "-callback";
            crm.sendBinary(Topic.CRM_EVENTS.topicName(), event(new CommitmentMade(customer, promise, "call you back about the refund by noon",
                    now().plusSeconds(3), "alice", "blue", Channel.PHONE, now())));
            await(() -> promises(ALICE).filter(p -> p.getList("items.state").contains("MISSED")));

            JsonPath opened = await(() -> openCase(ALICE, false));
            String caseId = opened.getString("id");
            assertEquals("missed-promise", opened.getString("trigger"));
            JsonPath recoveryCase = recovery(ALICE).get("/api/v1/cases/{id}", caseId).then().statusCode(200).extract().jsonPath();
            assertTrue(recoveryCase.getString("steps[0].body").contains("call you back about the refund by noon"),
                    "the apology names what was promised: " + recoveryCase.getString("steps[0].body"));

            // 2. the agent sends the apology, the CRM delivers it, the agent records a remedy
            recovery(ALICE).body(Map.of()).post("/api/v1/cases/{id}/message", caseId).then().statusCode(200);
            OutreachRequested apology = awaitOutreach(outreach, caseId, StepKind.APOLOGY);
            assertTrue(apology.body().contains("call you back about the refund by noon"));
            crm.sendBinary(Topic.CRM_EVENTS.topicName(), event(new OutreachDelivered(customer, apology.outreachId(),
                    ContactChannel.EMAIL, now())));
            await(() -> currentStep(caseId).filter("remedy"::equals));
            recovery(ALICE).body(Map.of("type", "credit", "value", 20, "note", "a month's fee"))
                    .post("/api/v1/cases/{id}/remedy", caseId).then().statusCode(200);

            // the follow-up asks the three questions; the customer answers them with a 9
            OutreachRequested followUp = awaitOutreach(outreach, caseId, StepKind.FOLLOW_UP);
            assertTrue(followUp.body().contains("one thing we could do better"), followUp.body());
            crm.sendBinary(Topic.CRM_EVENTS.topicName(), event(new FeedbackReceived(customer, caseId, 9, "call when you say",
                    "the credit, unasked", "how quickly you apologised", now())));
            await(() -> Optional.of(recovery(ALICE).get("/api/v1/cases/{id}", caseId).then().extract().jsonPath())
                    .filter(c -> "RESOLVED".equals(c.getString("state"))));

            // the recovery paradox: above where the customer stood before the failure, and the factors say why
            JsonPath recovered = await(() -> loyalty(ALICE)
                    .filter(l -> l.getList("factors.factor").contains("recovery-paradox") && l.getInt("score") > beforeFailure));
            assertEquals(recovered.getInt("score"), recovered.getList("factors.points", Integer.class).stream().mapToInt(i -> i).sum());

            // 3. a second failure within 90 days: a repeat, more severe, the supervisor involved from the start
            int beforeSecondFailure = recovered.getInt("score");
            crm.sendBinary(Topic.CRM_EVENTS.topicName(), event(new CommitmentMade(customer, customer + "-delivery",
                    "deliver the replacement by Friday", now().plusSeconds(2), "alice", "blue", Channel.EMAIL, now())));
            JsonPath repeat = await(() -> openCase(ALICE, true));
            String repeatId = repeat.getString("id");
            assertEquals("CRITICAL", repeat.getString("severity").toUpperCase());

            // 4. nobody apologises in time: the step goes overdue and the case is in the supervisor's escalation queue,
            // while an agent of another team cannot even see that it exists (nor can that team's supervisor)
            await(() -> Optional.of(recovery(SAM).get("/api/v1/escalations").then().statusCode(200).extract().jsonPath())
                    .filter(queue -> queue.getList("id").contains(repeatId)
                            && queue.getList("findAll { it.id == '" + repeatId + "' }.overdue").contains(true)));
            recovery(RITA).get("/api/v1/cases/{id}", repeatId).then().statusCode(404);
            recovery(RITA).get("/api/v1/escalations").then().statusCode(403);
            recovery(TestTokens.supervisor("rhea", "red")).get("/api/v1/escalations").then().statusCode(200)
                    .body("id", not(hasItem(repeatId)));

            recovery(SAM).body(Map.of("note", "resolved by phone")).post("/api/v1/cases/{id}/resolve", repeatId)
                    .then().statusCode(200).body("state", is("RESOLVED"));
            JsonPath afterRepeat = await(() -> loyalty(ALICE).filter(l -> l.getList("factors.factor").contains("promises-missed")
                    && l.getList("factors.findAll { it.factor == 'promises-missed' }.eventIds.flatten()").size() == 2));
            assertTrue(afterRepeat.getInt("score") < beforeSecondFailure,
                    "no paradox after a second failure: " + beforeSecondFailure + " -> " + afterRepeat.getInt("score"));
            assertEquals(1, afterRepeat.getList("factors.findAll { it.factor == 'recovery-paradox' }.eventIds.flatten()").size());
        }
    }

    private Optional<JsonPath> loyalty(String token) {
        var response = given().baseUri(system.url(Service.LOYALTY_SCORING)).auth().oauth2(token)
                .get("/api/v1/customers/{id}/loyalty", customer).then().extract();
        return response.statusCode() == 200 ? Optional.of(response.jsonPath()) : Optional.empty();
    }

    private Optional<JsonPath> promises(String token) {
        return Optional.of(given().baseUri(system.url(Service.PROMISE_TRACKING)).auth().oauth2(token)
                .queryParam("customer", customer).get("/api/v1/promises").then().statusCode(200).extract().jsonPath());
    }

    /** The customer's open case in the team's queue; {@code repeat}: the case of a repeat failure. */
    private Optional<JsonPath> openCase(String token, boolean repeat) {
        JsonPath page = recovery(token).queryParam("team", "blue").queryParam("state", "OPEN").queryParam("size", 200)
                .get("/api/v1/cases").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> items = page.getList("items");
        return items.stream()
                .filter(item -> customer.equals(item.get("customerId")) && Boolean.valueOf(repeat).equals(item.get("repeat")))
                .findFirst()
                .map(item -> JsonPath.from(toJson(item)));
    }

    private Optional<String> currentStep(String caseId) {
        return Optional.ofNullable(recovery(ALICE).get("/api/v1/cases/{id}", caseId).then().statusCode(200).extract().jsonPath()
                .getString("steps.find { it.state == 'ACTIVE' }.kind"));
    }

    private static RequestSpecification recovery(String token) {
        return given().baseUri(system.url(Service.RECOVERY_ESCALATION)).auth().oauth2(token).contentType("application/json");
    }

    private OutreachRequested awaitOutreach(TopicReader reader, String caseId, StepKind purpose) {
        List<ConsumerRecord<String, byte[]>> records = reader.readUntil(all -> find(all, caseId, purpose).isPresent(), PATIENCE);
        return find(records, caseId, purpose).orElseThrow();
    }

    private Optional<OutreachRequested> find(List<ConsumerRecord<String, byte[]>> records, String caseId, StepKind purpose) {
        return records.stream()
                .filter(record -> customer.equals(record.key()))
                .map(record -> EventData.read(TopicReader.cloudEvent(record), OutreachRequested.class))
                .filter(request -> caseId.equals(request.caseId()) && request.purpose() == purpose)
                .findFirst();
    }

    private static <T> T await(Callable<Optional<T>> probe) {
        return Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(probe, Optional::isPresent).orElseThrow();
    }

    private CloudEvent event(CustomerEvent data) {
        return EventData.wrap(UUID.randomUUID().toString(), "urn:crm:story", now(), data);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static String toJson(Object value) {
        try {
            return EventData.newObjectMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
