package org.servicerecovery.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.servicerecovery.testing.RawHttp;
import org.servicerecovery.testing.TestTokens;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/** The gateway against {@link FakeServices}: a service that answers, one that refuses, one that is down, one too slow. */
@QuarkusTest
class ApiGatewayTest {

    @Test
    void forwardsPathQueryBodyAndTheCallersOwnToken() {
        String token = TestTokens.agent("alice", "blue");
        given().auth().oauth2(token).when().get("/api/v1/promises/echo/p-1?state=PENDING&size=5")
                .then().statusCode(200)
                .body("method", is("GET"))
                .body("uri", is("/api/v1/promises/echo/p-1?state=PENDING&size=5"))
                .body("authorization", is("Bearer " + token));
        // Dot segments are resolved before routing: what the console checks is what the service gets.
        given().auth().oauth2(token).urlEncodingEnabled(false).when().get("/api/v1/promises/other/../echo/p-2")
                .then().statusCode(200).body("uri", is("/api/v1/promises/echo/p-2"));
        given().auth().oauth2(token).urlEncodingEnabled(false).when().get("/api/v1/promises/../cases")
                .then().statusCode(200).body("items[0].id", is(FakeServices.CASE_ID));
        given().auth().oauth2(token).contentType("application/json").body("{\"note\":\"grüß\"}")
                .when().post("/api/v1/promises/echo")
                .then().statusCode(200).body("method", is("POST")).body("body.note", is("grüß"));
    }

    @Test
    void aChunkedBodyIsForwardedWholeAndOneBeyondTheLimitIsA413Problem() throws Exception {
        Map<String, String> headers = Map.of("Authorization", "Bearer " + TestTokens.agent("alice", "blue"),
                "Content-Type", "application/json");
        String note = "n".repeat(100_000);
        RawHttp.Answer forwarded = RawHttp.sendChunked("POST", "/api/v1/promises/echo", headers,
                ("{\"note\":\"" + note + "\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, forwarded.status(), forwarded::toString);
        assertEquals(note, new ObjectMapper().readTree(forwarded.body()).path("body").path("note").asText());

        RawHttp.Answer tooLarge = RawHttp.sendChunked("POST", "/api/v1/promises/echo", headers,
                ("{\"note\":\"" + "n".repeat(300_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(413, tooLarge.status(), tooLarge::toString);
        assertTrue(tooLarge.contentType().startsWith("application/problem+json"), tooLarge::toString);
    }

    @Test
    void theServicesRefusalWithoutTokenReachesTheBrowserAsItIs() {
        given().when().get("/api/v1/promises/echo")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer").body("detail", is("A valid bearer token is required."));
    }

    @Test
    void aServiceThatIsDownIsA502NamingIt() {
        given().auth().oauth2(TestTokens.crm()).contentType("application/json").body("{}")
                .when().post("/api/v1/events")
                .then().statusCode(502).contentType("application/problem+json")
                .body("status", is(502)).body("service", is("intake"))
                .body("detail", containsString("intake is unavailable")).body("instance", is("/api/v1/events"));
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIsA504NamingIt() {
        given().auth().oauth2(TestTokens.supervisor("sam", "blue")).when().get("/api/v1/reports/perception-gap")
                .then().statusCode(504).contentType("application/problem+json")
                .body("status", is(504)).body("service", is("loyalty-scoring"))
                .body("detail", containsString("loyalty-scoring did not answer in time"));
    }

    @Test
    void pathsOfNoServiceStayTheConsolesOwn() {
        given().auth().oauth2(TestTokens.agent("rita", "red")).when().get("/api/v1/me")
                .then().statusCode(200).body("subject", is("rita"));
        given().auth().oauth2(TestTokens.admin()).when().get("/api/v1/promisesXYZ")
                .then().statusCode(404).contentType("application/problem+json");
    }
}
