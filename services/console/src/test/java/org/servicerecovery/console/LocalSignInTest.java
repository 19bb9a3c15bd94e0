package org.servicerecovery.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.servicerecovery.testing.RawHttp;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

@QuarkusTest
@TestProfile(LocalSignIn.class)
class LocalSignInTest {

    @Test
    void pageListsTheDemoUsers() {
        given().when().get("/signin").then().statusCode(200)
                .body(allOf(containsString("data-user=\"alice\""), containsString("data-user=\"rita\""),
                        containsString("data-user=\"sam\""), containsString("data-user=\"admin\"")));
    }

    @Test
    void signedTokensAreAcceptedWithRoleAndTeam() {
        String token = given().when().post("/signin/rita").then().statusCode(200)
                .body("role", is("agent")).body("team", is("red")).extract().path("token");
        given().auth().oauth2(token).when().get("/api/v1/me")
                .then().statusCode(200).body("subject", is("rita")).body("team", is("red"));
    }

    @Test
    void onlyDemoUsersCanSignIn() {
        given().when().post("/signin/mallory").then().statusCode(404).contentType("application/problem+json");
    }

    /**
     * A DNS-rebinding page reaches the console on 127.0.0.1 with its own name in Host and Origin: no token for it. The
     * console's own page on loopback, by any of its names, signs in.
     */
    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
            "localhost:PORT,        none,                   200",
            "127.0.0.1:PORT,        http://127.0.0.1:PORT,  200",
            "[::1]:PORT,            http://[::1]:PORT,      200",
            "LOCALHOST:PORT,        http://localhost:PORT,  200",
            "evil.example:PORT,     none,                   403",
            "evil.example:PORT,     http://evil.example:PORT, 403",
            "localhost:PORT,        http://evil.example,    403",
            "localhost:PORT,        null,                   403",
            "localhost:1,           none,                   403",
            "localhost,             none,                   403",
            "127.0.0.1.evil.example:PORT, none,             403",
            "localhost:PORT,        http://localhost:PORT.evil.example, 403"})
    void onlyThisConsoleOnLoopbackSignsIn(String host, String origin, int status) {
        String port = Integer.toString(RestAssured.port);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", host.replace("PORT", port));
        if (origin != null) {
            headers.put("Origin", origin.replace("PORT", port));
        }
        RawHttp.Answer answer = RawHttp.exchange(RestAssured.port, "POST", "/signin/admin", headers, new byte[0]);
        assertEquals(status, answer.status(), answer::toString);
        if (status == 403) {
            assertTrue(answer.contentType().startsWith("application/problem+json"), answer::toString);
            assertFalse(answer.body().contains("\"token\""), answer::toString);
        }
    }
}
