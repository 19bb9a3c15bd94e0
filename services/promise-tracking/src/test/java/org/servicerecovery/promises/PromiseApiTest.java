package org.servicerecovery.promises;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TestTokens;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** Role rules, filters, paging, sorting, history and stats, on rows written straight into the database. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class PromiseApiTest {

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final Instant MADE = Instant.parse("2025-02-01T08:00:00Z");

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String blue = "blue-" + run;
    private final String green = "green-" + run;
    private final String alice = "alice-" + run;
    private final String customer = "cust-" + run;

    @BeforeEach
    void promises() {
        // p1 alice/blue kept, p2 bob/blue fulfilled 30 min late, p3 carol/green missed, p4 alice/green pending
        insert("p1", alice, blue, "phone", "KEPT", 1, null);
        insert("p2", "bob-" + run, blue, "email", "FULFILLED_LATE", 2, 30L);
        insert("p3", "carol-" + run, green, "email", "MISSED", 3, null);
        insert("p4", alice, green, "chat", "PENDING", 4, null);
        PromiseDb.SCHEMA.update("INSERT INTO promise_history (promise_id, at, kind, detail) VALUES (?, ?, 'made', 'due soon')",
                id("p3"), Timestamp.from(MADE));
    }

    @Test
    void anAgentSeesTheirOwnAndTheirTeamsPromisesSortedByDueTime() {
        as(TestTokens.agent(alice, blue)).get("/api/v1/promises")
                .then().statusCode(200).body("total", is(3)).body("items.id", contains(id("p1"), id("p2"), id("p4")));
    }

    @Test
    void aSupervisorSeesTheTeamsPromisesAndAnAdminAll() {
        as(TestTokens.supervisor("sam", blue)).get("/api/v1/promises")
                .then().statusCode(200).body("items.id", contains(id("p1"), id("p2")));
        as(TestTokens.admin()).queryParam("customer", customer).get("/api/v1/promises")
                .then().statusCode(200).body("total", is(4));
    }

    @Test
    void aPromiseOutsideTheCallersViewIsNotFoundAndOneInsideComesWithItsHistory() {
        as(TestTokens.agent("dave", blue)).get("/api/v1/promises/" + id("p3"))
                .then().statusCode(404).contentType(PROBLEM_JSON);
        as(TestTokens.supervisor("sam", blue)).get("/api/v1/promises/" + id("p3"))
                .then().statusCode(404).contentType(PROBLEM_JSON);
        as(TestTokens.supervisor("gus", green)).get("/api/v1/promises/" + id("p3"))
                .then().statusCode(200).body("promise.state", is("MISSED")).body("history.kind", contains("made"));
        as(TestTokens.admin()).get("/api/v1/promises/" + id("p3")).then().statusCode(200);
    }

    @Test
    void otherRolesAndAnonymousCallersAreRefused() {
        as(TestTokens.crm()).get("/api/v1/promises").then().statusCode(403).contentType(PROBLEM_JSON);
        given().get("/api/v1/promises").then().statusCode(401).contentType(PROBLEM_JSON);
        given().get("/api/v1/promises/stats?from=2025-01-01T00:00:00Z&to=2025-03-01T00:00:00Z").then().statusCode(401);
    }

    @Test
    void filtersPagingAndDescendingOrder() {
        RequestSpecification admin = as(TestTokens.admin()).queryParam("customer", customer);
        admin.queryParam("state", "fulfilled-late").get("/api/v1/promises").then().body("items.id", contains(id("p2")));
        as(TestTokens.admin()).queryParam("customer", customer).queryParam("owner", alice).queryParam("team", green)
                .get("/api/v1/promises").then().body("items.id", contains(id("p4")));
        as(TestTokens.admin()).queryParam("customer", customer)
                .queryParam("dueFrom", due(2).toString()).queryParam("dueTo", due(4).toString())
                .get("/api/v1/promises").then().body("items.id", contains(id("p2"), id("p3")));
        as(TestTokens.admin()).queryParam("customer", customer).queryParam("size", 3).queryParam("page", 1)
                .get("/api/v1/promises").then().body("total", is(4)).body("page", is(1)).body("items.id", contains(id("p4")));
        as(TestTokens.admin()).queryParam("customer", customer).queryParam("sort", "-dueAt").queryParam("size", 2)
                .get("/api/v1/promises").then().body("items.id", contains(id("p4"), id("p3")));
    }

    @Test
    void badParametersAreProblemsNamingEachParameter() {
        as(TestTokens.admin()).queryParam("state", "broken").queryParam("size", 0).queryParam("dueFrom", "yesterday")
                .queryParam("sort", "owner").get("/api/v1/promises")
                .then().statusCode(400).contentType(PROBLEM_JSON)
                .body("errors.pointer", containsInAnyOrder("state", "size", "dueFrom", "sort"))
                .body("detail", containsString("state"));
        as(TestTokens.admin()).queryParam("from", "2025-03-01T00:00:00Z").queryParam("to", "2025-01-01T00:00:00Z")
                .queryParam("groupBy", "planet").get("/api/v1/promises/stats")
                .then().statusCode(400).contentType(PROBLEM_JSON).body("errors.pointer", containsInAnyOrder("to", "groupBy"));
        as(TestTokens.admin()).get("/api/v1/promises/stats")
                .then().statusCode(400).body("errors.pointer", containsInAnyOrder("from", "to"));
    }

    @Test
    void statsGiveTheOnTimeRateAndLatenessPerTeamAndOwner() {
        String from = MADE.minusSeconds(1).toString();
        String to = MADE.plusSeconds(1).toString();
        as(TestTokens.supervisor("sam", blue)).queryParam("from", from).queryParam("to", to).queryParam("groupBy", "team")
                .get("/api/v1/promises/stats")
                .then().statusCode(200).body("groupBy", is("team"))
                .body("groups.key", contains(blue))
                .body("groups[0].made", is(2)).body("groups[0].kept", is(1)).body("groups[0].missed", is(1))
                .body("groups[0].keptOnTimeRate", is(0.5f))
                .body("groups[0].medianLatenessMillis", is(1_800_000.0f))
                .body("groups[0].p90LatenessMillis", is(1_800_000.0f));
        as(TestTokens.admin()).queryParam("from", from).queryParam("to", to).queryParam("groupBy", "owner")
                .get("/api/v1/promises/stats")
                .then().statusCode(200).body("groups.key", hasItems(alice, "bob-" + run, "carol-" + run))
                .body("groups.find { it.key == '" + alice + "' }.keptOnTimeRate", is(1.0f))
                .body("groups.find { it.key == '" + alice + "' }.medianLatenessMillis", nullValue());
    }

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    private String id(String name) {
        return name + "-" + run;
    }

    private static Instant due(int hours) {
        return MADE.plus(Duration.ofHours(hours));
    }

    private void insert(String name, String owner, String team, String channel, String state, int dueInHours,
                        Long lateMinutes) {
        Instant due = due(dueInHours);
        Timestamp fulfilled = "KEPT".equals(state) ? Timestamp.from(due.minusSeconds(60))
                : lateMinutes != null ? Timestamp.from(due.plus(Duration.ofMinutes(lateMinutes))) : null;
        Timestamp missed = "MISSED".equals(state) || "FULFILLED_LATE".equals(state) ? Timestamp.from(due) : null;
        PromiseDb.SCHEMA.update("""
                INSERT INTO promise (id, customer_id, owner, team, channel, tier, description, made_at, due_at, state,
                                     fulfilled_at, missed_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'STANDARD', 'call back', ?, ?, ?, ?, ?, now())""",
                id(name), customer, owner, team, channel.toUpperCase(), Timestamp.from(MADE), Timestamp.from(due), state,
                fulfilled, missed);
    }
}
