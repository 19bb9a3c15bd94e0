package org.servicerecovery.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;
import org.servicerecovery.testing.TestTokens;

import io.quarkus.test.junit.QuarkusTest;

/** Page frames for everyone; their data only with a token of the right role, rendered from {@link FakeServices}. */
@QuarkusTest
class PagesTest {

    private static final String ALICE = TestTokens.agent("alice", "blue");

    @Test
    void framesNeedNoTokenAndPointAtTheirFragment() {
        given().redirects().follow(false).when().get("/").then().statusCode(303).header("Location", containsString("/queue"));
        given().when().get("/queue").then().statusCode(200).contentType("text/html")
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .body(allOf(containsString("data-fragment=\"/ui/queue\""), containsString("<h1>My queue</h1>"),
                        containsString("/static/app.js")));
        given().when().get("/cases/" + FakeServices.CASE_ID).then().statusCode(200)
                .body(containsString("data-fragment=\"/ui/cases/" + FakeServices.CASE_ID + "\""));
        given().when().get("/static/app.js").then().statusCode(200).body(containsString("sessionStorage"));
    }

    @Test
    void fragmentsNeedAToken() {
        given().when().get("/ui/queue").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void queueListsOpenStepsAndPromisesDueSoon() {
        given().auth().oauth2(ALICE).when().get("/ui/queue").then().statusCode(200)
                .body(allOf(containsString("<strong>apology</strong> · cust-1"), containsString("escalated to supervisor"),
                        containsString("class=\"countdown\""), containsString("Call back about the refund")));
    }

    @Test
    void casePageShowsTriggerStepsActionsAndTimeline() {
        given().auth().oauth2(ALICE).when().get("/ui/cases/" + FakeServices.CASE_ID).then().statusCode(200)
                .body(allOf(containsString("Parcel promised for Monday never came"),
                        containsString("data-api=\"/api/v1/cases/case-1/message\""), containsString("We are sorry"),
                        containsString("data-api=\"/api/v1/cases/case-1/remedy\""),
                        containsString("data-api=\"/api/v1/cases/case-1/follow-up\""), containsString("improveOneThing"),
                        containsString("data-api=\"/api/v1/cases/case-1/steps/s1/complete\""),
                        containsString("starts <time datetime=\"" + FakeServices.FOLLOW_UP_STARTS + "\">"),
                        containsString("/pause"), containsString("/escalate"), containsString("/resolve"),
                        containsString("case-opened")));
    }

    @Test
    void aCaseTheServiceDoesNotShowIsANoticeNotAnError() {
        given().auth().oauth2(TestTokens.agent("rita", "red")).when().get("/ui/cases/elsewhere").then().statusCode(200)
                .body(containsString("recovery-escalation answered 404: No /api/v1/cases/elsewhere that you may see."));
    }

    @Test
    void customerPageShowsScoreFactorsTrendPromisesAndCases() {
        given().auth().oauth2(ALICE).when().get("/ui/customers/" + FakeServices.CUSTOMER_ID).then().statusCode(200)
                .body(allOf(containsString(">64</span>"), containsString("promise kept"), containsString("<polyline"),
                        containsString("Call back about the refund"), containsString("/cases/case-1")));
    }

    @Test
    void supervisorDashboardIsForSupervisorsAndNamesTheSlowService() {
        given().auth().oauth2(ALICE).when().get("/ui/supervisor").then().statusCode(403);
        given().auth().oauth2(TestTokens.supervisor("sam", "blue")).when().get("/ui/supervisor").then().statusCode(200)
                .body(allOf(containsString("escalated to supervisor"), containsString("80 % (8 of 10)"),
                        containsString("<td>EUR 120.5</td>"), containsString("75 %"), containsString("25 %"), containsString("<h3>By team</h3>"), containsString("<h3>By agent</h3>"),
                        containsString("loyalty-scoring did not answer in time")));
    }

    @Test
    void policiesAreForAdmins() {
        given().auth().oauth2(TestTokens.supervisor("sam", "blue")).when().get("/ui/policies").then().statusCode(403);
        given().auth().oauth2(TestTokens.admin()).when().get("/ui/policies").then().statusCode(200)
                .body(allOf(containsString("id: default"), containsString("data-content-type=\"application/yaml\"")));
    }

    @Test
    void localSignInIsOffWithoutAKey() {
        given().when().get("/signin").then().statusCode(200)
                .body(allOf(containsString("Local sign-in is off"), not(containsString("data-user="))));
        given().when().post("/signin/alice").then().statusCode(404).contentType("application/problem+json");
    }
}
