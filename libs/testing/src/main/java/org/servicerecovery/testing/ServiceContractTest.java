package org.servicerecovery.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;

/**
 * What every service promises its operators and callers: health, metrics, OpenAPI, and a bearer token with the right
 * role on every API call, refused with problem+json otherwise; and whatever a client sends, a 4xx problem+json, never
 * a 500 (see {@link BadRequest}). A service's test extends this as a {@code @QuarkusTest}.
 */
public abstract class ServiceContractTest {

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An endpoint reading a JSON body, and a role allowed to call it. */
    public record JsonDoor(String path, String role) {
    }

    protected abstract String serviceName();

    /** A list endpoint with {@code page} and {@code size} that agents may call; null where the service has none. */
    protected String pagedPath() {
        return null;
    }

    /** Null where the service reads no JSON body. */
    protected JsonDoor jsonDoor() {
        return null;
    }

    /** Requests a client can send that must each end in this 4xx problem, never a 500. */
    public enum BadRequest {
        NUL_IN_PATH(400), NUL_IN_QUERY(400), LINE_BREAK_IN_QUERY(400), NOT_UTF8_IN_QUERY(400),
        BROKEN_PERCENT_ENCODING(400),
        HUGE_PAGE(400), PAGE_BEYOND_INT(400), NEGATIVE_PAGE(400), ZERO_SIZE(400),
        UNKNOWN_PATH(404), WRONG_METHOD(405), UNACCEPTABLE(406),
        HUGE_URI(414), HUGE_HEADER(431), HUGE_BODY(413), HUGE_CHUNKED_BODY(413), WRONG_CONTENT_TYPE(415),
        MALFORMED_JSON(400), MISMATCHED_JSON(400),
        TEAM_ARRAY(401), TEAM_OBJECT(401), TEAM_WITH_NUL(401), GROUPS_NOT_STRINGS(401), SUBJECT_NOT_STRING(401),
        ISSUED_IN_THE_FUTURE(401), WRONG_AUDIENCE(401), NO_AUDIENCE(401),
        TEAM_ARRAY_ON_DATA(401);

        final int status;

        BadRequest(int status) {
            this.status = status;
        }
    }

    @ParameterizedTest
    @EnumSource(BadRequest.class)
    void everyBadRequestIsAProblemNeverA500(BadRequest bad) throws Exception {
        RawHttp.Answer answer = send(bad);
        assertEquals(bad.status, answer.status(), () -> bad + " answered " + answer);
        if (bad == BadRequest.BROKEN_PERCENT_ENCODING) {
            // Quarkus answers a URI that java.net.URI cannot parse before any handler runs: 400, but without a body.
            return;
        }
        assertTrue(answer.contentType().startsWith(PROBLEM_JSON), () -> bad + " answered " + answer);
        JsonNode problem = JSON.readTree(answer.body());
        assertEquals(bad.status, problem.path("status").asInt(), answer::toString);
        assertTrue(problem.path("title").isTextual(), answer::toString);
        List<String> pointers = problem.path("errors").findValuesAsText("pointer");
        switch (bad) {
            case HUGE_PAGE, PAGE_BEYOND_INT, NEGATIVE_PAGE -> assertEquals(List.of("page"), pointers);
            case ZERO_SIZE -> assertEquals(List.of("size"), pointers);
            case NUL_IN_PATH -> assertEquals(List.of("path"), pointers);
            case NUL_IN_QUERY, LINE_BREAK_IN_QUERY, NOT_UTF8_IN_QUERY -> assertEquals(List.of("team"), pointers);
            case TEAM_ARRAY, TEAM_OBJECT, TEAM_WITH_NUL, TEAM_ARRAY_ON_DATA -> assertEquals(List.of("/team"), pointers);
            case GROUPS_NOT_STRINGS -> assertEquals(List.of("/groups"), pointers);
            case ISSUED_IN_THE_FUTURE -> assertEquals(List.of("/iat"), pointers);
            default -> {
            }
        }
    }

    private RawHttp.Answer send(BadRequest bad) {
        String data = pagedPath() != null ? pagedPath() : "/api/v1/me";
        Map<String, String> admin = bearer(TestTokens.admin());
        return switch (bad) {
            case NUL_IN_PATH -> RawHttp.send("GET", data + "/a%00b", admin, null);
            case NUL_IN_QUERY -> RawHttp.send("GET", data + "?team=a%00b", admin, null);
            case LINE_BREAK_IN_QUERY -> RawHttp.send("GET", data + "?team=a%0D%0AINFO%20forged", admin, null);
            case NOT_UTF8_IN_QUERY -> RawHttp.send("GET", data + "?team=caf%C3", admin, null);
            case BROKEN_PERCENT_ENCODING -> RawHttp.send("GET", data + "?team=%zz", admin, null);
            case HUGE_PAGE -> paged("page=2147483647");
            case PAGE_BEYOND_INT -> paged("page=99999999999");
            case NEGATIVE_PAGE -> paged("page=-1");
            case ZERO_SIZE -> paged("size=0");
            case UNKNOWN_PATH -> RawHttp.send("GET", "/api/v1/no-such-thing", admin, null);
            case WRONG_METHOD -> RawHttp.send("DELETE", "/api/v1/me", admin, null);
            case UNACCEPTABLE -> RawHttp.send("GET", "/api/v1/me", with(admin, "Accept", "text/csv"), null);
            case HUGE_URI -> RawHttp.send("GET", "/api/v1/me?padding=" + "x".repeat(5_000), admin, null);
            case HUGE_HEADER -> RawHttp.send("GET", "/api/v1/me", with(admin, "X-Padding", "x".repeat(30_000)), null);
            case HUGE_BODY -> RawHttp.send("POST", jsonDoor() != null ? jsonDoor().path() : "/api/v1/me",
                    with(admin, "Content-Type", "application/json"), tooLargeBody());
            case HUGE_CHUNKED_BODY -> RawHttp.sendChunked("POST", door().path(),
                    with(door(door().role()), "Content-Type", "application/json"), tooLargeBody());
            case WRONG_CONTENT_TYPE -> RawHttp.send("POST", door().path(),
                    with(door(door().role()), "Content-Type", "text/csv"), "a,b\n".getBytes());
            case MALFORMED_JSON -> RawHttp.send("POST", door().path(),
                    with(door(door().role()), "Content-Type", "application/json"), "{\"note\":".getBytes());
            case MISMATCHED_JSON -> RawHttp.send("POST", door().path(),
                    with(door(door().role()), "Content-Type", "application/json"), "[]".getBytes());
            case TEAM_ARRAY -> me(Map.of("team", "[\"blue\",\"red\"]"));
            case TEAM_OBJECT -> me(Map.of("team", "{\"name\":\"blue\"}"));
            case TEAM_WITH_NUL -> me(Map.of("team", "\"bl\\u0000ue\""));
            case GROUPS_NOT_STRINGS -> me(Map.of("groups", "[\"agent\",7]"));
            case SUBJECT_NOT_STRING -> me(Map.of("sub", "42"));
            case ISSUED_IN_THE_FUTURE -> {
                long now = System.currentTimeMillis() / 1000;
                yield me(Map.of("iat", Long.toString(now + 3_600), "exp", Long.toString(now + 7_200)));
            }
            case WRONG_AUDIENCE -> me(Map.of("aud", "\"some-other-system\""));
            case NO_AUDIENCE -> me(Collections.singletonMap("aud", null));
            case TEAM_ARRAY_ON_DATA -> RawHttp.send("GET", data, bearer(TestTokens.withClaims("agent",
                    Map.of("team", "[\"blue\",\"red\"]"))), null);
        };
    }

    private RawHttp.Answer paged(String query) {
        assumeTrue(pagedPath() != null, serviceName() + " has no paged list");
        return RawHttp.send("GET", pagedPath() + "?" + query, bearer(TestTokens.agent("pat", "paging")), null);
    }

    private JsonDoor door() {
        assumeTrue(jsonDoor() != null, serviceName() + " reads no JSON body");
        return jsonDoor();
    }

    private static Map<String, String> door(String role) {
        return bearer(TestTokens.token("door-" + role, role, "blue"));
    }

    private static RawHttp.Answer me(Map<String, String> claims) {
        return RawHttp.send("GET", "/api/v1/me", bearer(TestTokens.withClaims("agent", claims)), null);
    }

    private static byte[] tooLargeBody() {
        long limit = ConfigProvider.getConfig().getValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .asLongValue();
        byte[] body = new byte[(int) limit + 1024];
        java.util.Arrays.fill(body, (byte) 'x');
        body[0] = '"';
        body[body.length - 1] = '"';
        return body;
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return all;
    }

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
    void aTokenIssuedWithinTheClockSkewIsServed() {
        long now = System.currentTimeMillis() / 1000;
        given().auth().oauth2(TestTokens.withClaims("agent", Map.of("iat", Long.toString(now + 30))))
                .when().get("/api/v1/me").then().statusCode(200);
    }
}
