package org.servicerecovery.recovery;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TestTokens;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A mounted policy file that differs from the shipped one: at start-up it becomes the newest version, and new cases
 * follow it (here: a high-severity apology within 30 minutes instead of an hour).
 */
@QuarkusTest
@TestProfile(PolicyFileTest.MountedPolicy.class)
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class PolicyFileTest {

    public static class MountedPolicy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try (InputStream shipped = PolicyFileTest.class.getResourceAsStream("/policies/default.yaml")) {
                String yaml = new String(shipped.readAllBytes(), StandardCharsets.UTF_8)
                        .replace("{ kind: apology, due: PT1H, autoSend: true }", "{ kind: apology, due: PT30M, autoSend: true }");
                Path file = Files.createTempFile("recovery-policy-", ".yaml");
                file.toFile().deleteOnExit();
                Files.writeString(file, yaml);
                return Map.of("recovery.policy.file", file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    RecoveryTestClock clock;

    @Test
    void theMountedFileIsTheNewestVersionAndNewCasesFollowIt() {
        List<Map<String, Object>> versions = given().auth().oauth2(TestTokens.admin()).get("/api/v1/policies")
                .then().statusCode(200).extract().jsonPath().getList("$");
        Map<String, Object> newest = versions.get(versions.size() - 1);
        assertEquals("file", newest.get("publishedBy"));
        assertTrue(((String) newest.get("yaml")).contains("due: PT30M"));

        RecoveryCrm crm = new RecoveryCrm();
        Instant now = clock.instant();
        RecoveryCrm.send(Topic.INTAKE_EVENTS, crm.upserted("Fay", "en", ContactChannel.EMAIL, "file"),
                crm.complaint(Severity.HIGH, "wrong size", now));
        String caseId = RecoveryFlowTest.awaitCase(crm);
        Instant due = RecoveryDb.SCHEMA.instant("SELECT next_deadline FROM recovery_case WHERE id = ?", caseId);
        assertEquals(now.plus(Duration.ofMinutes(30)).getEpochSecond(), due.getEpochSecond(), 2.0);
        assertEquals(String.valueOf(newest.get("version")),
                RecoveryDb.SCHEMA.text("SELECT policy_version FROM recovery_case WHERE id = ?", caseId));
    }
}
