package org.servicerecovery.recovery;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TestTokens;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every body field of every case action within what its event and a PostgreSQL row can hold: too long, NUL, unpaired
 * surrogates, line breaks in a one-line field, the wrong JSON type, amounts out of bounds or in no currency. Each is a
 * 400 problem naming the field (413 for a body beyond the limit), and the case and its timeline stay as they were
 * (events are written only with a change of the case).
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class CaseRequestLimitsTest {

    private static final String TEAM = "limits-" + UUID.randomUUID().toString().substring(0, 8);
    private static String caseId;

    @Inject
    RecoveryTestClock clock;

    @BeforeEach
    void aCaseOfTheTeam() {
        if (caseId == null) {
            RecoveryCrm crm = new RecoveryCrm();
            RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.upserted("Lena", "en", ContactChannel.EMAIL, TEAM),
                    crm.complaint(Severity.HIGH, "the parcel never came", clock.instant()));
            caseId = RecoveryFlowTest.awaitCase(crm);
        }
    }

    static Stream<Arguments> refusedBodies() {
        String note2001 = "x".repeat(2001);
        return Stream.of(
                Arguments.of("pause", "{\"note\":\"" + note2001 + "\"}", "/note"),
                Arguments.of("pause", "{\"note\":\"a\\u0000b\"}", "/note"),
                Arguments.of("pause", "{\"note\":\"a\\ud800b\"}", "/note"),
                Arguments.of("pause", "{\"note\":{\"text\":\"nested\"}}", "/note"),
                Arguments.of("pause", "{\"note\":[\"a\"]}", "/note"),
                Arguments.of("pause", "{\"note\":", ""),
                Arguments.of("escalate", "{\"note\":\"" + note2001 + "\"}", "/note"),
                Arguments.of("resolve", "{\"note\":\"\\u001b[31mred\"}", "/note"),
                Arguments.of("reopen", "{\"note\":\"" + note2001 + "\"}", "/note"),
                Arguments.of("assign", "{\"assignee\":\"\"}", "/assignee"),
                Arguments.of("assign", "{\"assignee\":\"bob\\nINFO forged\"}", "/assignee"),
                Arguments.of("assign", "{\"assignee\":\"" + "b".repeat(201) + "\"}", "/assignee"),
                Arguments.of("assign", "{\"assignee\":[\"bob\"]}", "/assignee"),
                Arguments.of("team", "{\"team\":\"" + "t".repeat(201) + "\"}", "/team"),
                Arguments.of("message", "{\"subject\":\"" + "s".repeat(401) + "\"}", "/subject"),
                Arguments.of("message", "{\"subject\":\"two\\nlines\"}", "/subject"),
                Arguments.of("message", "{\"body\":\"" + "b".repeat(20_001) + "\"}", "/body"),
                Arguments.of("remedy", "{\"type\":\"refund\",\"value\":123456789012}", "/value"),
                Arguments.of("remedy", "{\"type\":\"refund\",\"value\":-1}", "/value"),
                Arguments.of("remedy", "{\"type\":\"refund\",\"value\":10.005}", "/value"),
                Arguments.of("remedy", "{\"type\":\"refund\",\"value\":10.5,\"currency\":\"JPY\"}", "/value"),
                Arguments.of("remedy", "{\"type\":\"refund\",\"value\":\"abc\"}", "/value"),
                Arguments.of("remedy", "{\"type\":\"refund\",\"value\":1E+7}", "/value"),
                Arguments.of("remedy", "{\"type\":\"refund\",\"value\":10,\"currency\":\"EURO\"}", "/currency"),
                Arguments.of("remedy", "{\"type\":\"refund\",\"value\":10,\"currency\":\"XXX\"}", "/currency"),
                Arguments.of("remedy", "{\"type\":\"refund\",\"value\":10,\"currency\":\"eur\"}", "/currency"),
                Arguments.of("remedy", "{\"type\":\"refund\",\"note\":\"" + note2001 + "\"}", "/note"),
                Arguments.of("remedy", "{\"value\":10}", "/type"),
                Arguments.of("follow-up", "{\"improveOneThing\":\"" + "i".repeat(4001)
                        + "\",\"additionalValue\":\"a\",\"bestExperience\":\"b\"}", "/improveOneThing"),
                Arguments.of("follow-up", "{\"improveOneThing\":\"i\",\"additionalValue\":\"a\\u0000\","
                        + "\"bestExperience\":\"b\"}", "/additionalValue"),
                Arguments.of("follow-up", "{}", "/improveOneThing"));
    }

    @ParameterizedTest
    @MethodSource("refusedBodies")
    void aFieldBeyondWhatItsEventAndRowHoldIsRefusedAndNothingIsStored(String action, String body, String pointer) {
        long timeline = timeline();
        String stored = document();
        String token = action.equals("team") ? TestTokens.supervisor("sam", TEAM) : TestTokens.agent("lena-agent", TEAM);
        given().auth().oauth2(token).contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/cases/" + caseId + "/" + action)
                .then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("status", is(400)).body("errors.pointer", hasItem(pointer));
        assertEquals(timeline, timeline());
        assertEquals(stored, document());
    }

    /** The agent's megabyte note of the report: beyond the body limit, before anything reads it. */
    @Test
    void aMegabyteNoteIsTooLarge() {
        long timeline = timeline();
        given().auth().oauth2(TestTokens.agent("lena-agent", TEAM)).contentType("application/json")
                .body(("{\"note\":\"" + "x".repeat(1 << 20) + "\"}").getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/cases/" + caseId + "/pause")
                .then().statusCode(413).contentType(startsWith("application/problem+json")).body("status", is(413));
        assertEquals(timeline, timeline());
    }

    @Test
    void aNoteAtTheLimitIsTakenAndABlankOneCountsAsNone() {
        String note = "\uD83D\uDE00".repeat(2000);
        given().auth().oauth2(TestTokens.agent("lena-agent", TEAM)).contentType("application/json")
                .body(("{\"note\":\"" + note + "\"}").getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/cases/" + caseId + "/pause").then().statusCode(200).body("state", is("PAUSED"));
        given().auth().oauth2(TestTokens.agent("lena-agent", TEAM)).post("/api/v1/cases/" + caseId + "/resume")
                .then().statusCode(200);
        given().auth().oauth2(TestTokens.agent("lena-agent", TEAM)).contentType("application/json")
                .body("{\"note\":\"   \"}").post("/api/v1/cases/" + caseId + "/pause").then().statusCode(200);
        given().auth().oauth2(TestTokens.agent("lena-agent", TEAM)).post("/api/v1/cases/" + caseId + "/resume")
                .then().statusCode(200);
        assertEquals("clock paused: " + note, RecoveryDb.SCHEMA.text(
                "SELECT detail FROM case_timeline WHERE case_id = ? AND type = 'case-paused' ORDER BY id LIMIT 1", caseId));
        assertEquals("clock paused", RecoveryDb.SCHEMA.text(
                "SELECT detail FROM case_timeline WHERE case_id = ? AND type = 'case-paused' ORDER BY id DESC LIMIT 1",
                caseId));
    }

    @Test
    void aPolicyWithAControlCharacterOrAnOverlongNameIsRefusedAndNoVersionIsPublished() {
        long versions = RecoveryDb.SCHEMA.count("SELECT count(*) FROM policy_version");
        String yaml = given().auth().oauth2(TestTokens.admin()).get("/api/v1/policies").then().statusCode(200)
                .extract().path("[0].yaml");
        given().auth().oauth2(TestTokens.admin()).contentType("application/yaml")
                .body(("# \u0000\n" + yaml).getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies")
                .then().statusCode(400).contentType(startsWith("application/problem+json")).body("errors.pointer", hasItem(""));
        given().auth().oauth2(TestTokens.admin()).contentType("application/yaml")
                .body(yaml.replaceFirst("(?m)^id: .*$", "id: " + "p".repeat(201)).getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/policies")
                .then().statusCode(400).contentType(startsWith("application/problem+json")).body("errors.pointer", hasItem("id"));
        assertEquals(versions, RecoveryDb.SCHEMA.count("SELECT count(*) FROM policy_version"));
    }

    private static long timeline() {
        return RecoveryDb.SCHEMA.count("SELECT count(*) FROM case_timeline WHERE case_id = ?", caseId);
    }

    private static String document() {
        return RecoveryDb.SCHEMA.text("SELECT doc FROM recovery_case WHERE id = ?", caseId);
    }
}
