package org.servicerecovery.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.Test;

/**
 * What every service promises its operators and callers: health, metrics, OpenAPI, and a bearer token with the right
 * role on every API call, refused with problem+json otherwise. A service's test extends this as a {@code @QuarkusTest}.
 */
public abstract class ServiceContractTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    protected abstract String serviceName();

    @Test
    void liveAndReadyWithKafkaAndDatabase() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void metricsAndOpenApiNeedNoToken() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().when().get("/q/openapi?format=json").then().statusCode(200).body("openapi", containsString("3."));
    }

    @Test
    void callWithoutTokenIsUnauthorizedProblem() {
        given().when().get("/api/v1/me")
                .then().statusCode(401).contentType(PROBLEM_JSON)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", is(401)).body("title", is("Unauthorized"));
    }

    @Test
    void malformedExpiredOrForeignTokensAreUnauthorized() {
        for (String token : new String[] {"not-a-jwt", TestTokens.expired("admin"), TestTokens.signedByStranger("admin")}) {
            given().auth().oauth2(token).when().get("/api/v1/admin/info")
                    .then().statusCode(401).contentType(PROBLEM_JSON);
        }
    }

    @Test
    void wrongRoleIsForbiddenProblem() {
        for (String token : new String[] {TestTokens.agent("alice", "blue"), TestTokens.supervisor("sam", "blue"), TestTokens.crm()}) {
            given().auth().oauth2(token).when().get("/api/v1/admin/info")
                    .then().statusCode(403).contentType(PROBLEM_JSON).body("status", is(403));
        }
    }

    @Test
    void rightRoleIsServed() {
        given().auth().oauth2(TestTokens.admin()).when().get("/api/v1/admin/info")
                .then().statusCode(200).body("service", equalTo(serviceName())).body("caller.roles", hasItem("admin"));
        given().auth().oauth2(TestTokens.agent("alice", "blue")).when().get("/api/v1/me")
                .then().statusCode(200).body("subject", is("alice")).body("team", is("blue"));
    }

    @Test
    void unknownPathIsProblemToo() {
        given().auth().oauth2(TestTokens.admin()).when().get("/api/v1/does-not-exist")
                .then().statusCode(404).contentType(PROBLEM_JSON);
    }
}
