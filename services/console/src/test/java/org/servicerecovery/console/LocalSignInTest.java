package org.servicerecovery.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

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
}
