package org.servicerecovery.recovery.persistence;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.servicerecovery.recovery.RecoveryDb;
import org.servicerecovery.recovery.domain.Policy;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.SchemaDb;
import org.servicerecovery.testing.TestTokens;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The start-up publication of the policy file, called the way replicas of several releases call it, on the real
 * database in this running application. Each release's file is the shipped policy with a comment of its own: new
 * content that decides exactly as the shipped policy, so the cases of the other tests in this JVM stay as they are.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class PolicyCatalogTest {

    private static final SchemaDb SCHEMA = RecoveryDb.SCHEMA;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    PolicyCatalog catalog;

    @Test
    void replicasStartingTogetherPublishANewFileOnce() throws Exception {
        String file = release("together");
        int replicas = 8;
        CyclicBarrier together = new CyclicBarrier(replicas);
        ExecutorService starting = Executors.newFixedThreadPool(replicas);
        try {
            List<Future<Optional<Policy>>> starts = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                starts.add(starting.submit(() -> {
                    together.await();
                    return catalog.publishFile(file).await().atMost(WAIT);
                }));
            }
            List<Policy> published = new ArrayList<>();
            for (Future<Optional<Policy>> start : starts) {
                start.get().ifPresent(published::add);
            }
            assertEquals(1, published.size());
            assertEquals(1, SCHEMA.count("SELECT count(*) FROM policy_version WHERE yaml = ?", file));
            assertEquals(published.get(0).version(), current().version());
        } finally {
            starting.shutdownNow();
        }
    }

    @Test
    void anOlderReleaseRestartingDuringARolloutPublishesNothing() {
        String older = release("1");
        String newer = release("2");
        assertTrue(publishFile(older).isPresent());
        Policy published = publishFile(newer).orElseThrow();

        assertTrue(publishFile(older).isEmpty());
        assertTrue(publishFile(newer).isEmpty());
        assertEquals(published.version(), current().version());
        assertEquals(1, SCHEMA.count("SELECT count(*) FROM policy_version WHERE yaml = ?", older));
    }

    @Test
    void aVersionAnAdminPublishedSurvivesTheStartUpCheckWithAnUnchangedFile() {
        String file = release("file");
        assertTrue(publishFile(file).isPresent());
        int byAdmin = adminPublishes(release("admin"));

        assertTrue(publishFile(file).isEmpty());
        assertEquals(byAdmin, current().version());
    }

    /** The rollback path of docs/recovery.md: an earlier version's YAML, published again through the admin API. */
    @Test
    void anAdminRollsBackToAnEarlierFileAndTheNewerReleaseRestartingKeepsIt() {
        String older = release("1");
        String newer = release("2");
        assertTrue(publishFile(older).isPresent());
        assertTrue(publishFile(newer).isPresent());
        int rollback = adminPublishes(older);

        assertTrue(publishFile(newer).isEmpty());
        assertTrue(publishFile(older).isEmpty());
        assertEquals(rollback, current().version());
        assertEquals(older, SCHEMA.text("SELECT yaml FROM policy_version WHERE version = ?", rollback));
    }

    @Test
    void aCaseOpenedDuringAPublicationGetsTheVersionBeforeItWhole() throws SQLException {
        int before = current().version();
        try (Connection publishing = RecoveryDb.transaction()) {
            try (Statement lock = publishing.createStatement()) {
                lock.execute("LOCK TABLE policy_version IN EXCLUSIVE MODE");
            }
            try (PreparedStatement insert = publishing.prepareStatement("""
                    INSERT INTO policy_version (version, policy_id, yaml, published_at, published_by)
                    SELECT max(version) + 1, 'default', ?, now(), 'test' FROM policy_version""")) {
                insert.setString(1, release("in flight"));
                insert.executeUpdate();
            }

            assertEquals(before, current().version());
            publishing.commit();
        }
        Policy after = current();
        assertEquals(before + 1, after.version());
        assertEquals("default", after.id());
    }

    private Optional<Policy> publishFile(String yaml) {
        return catalog.publishFile(yaml).await().atMost(WAIT);
    }

    private Policy current() {
        return catalog.current().await().atMost(WAIT);
    }

    private static int adminPublishes(String yaml) {
        return given().auth().oauth2(TestTokens.admin()).contentType("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies")
                .then().statusCode(201).extract().path("version");
    }

    private static String release(String name) {
        try (InputStream shipped = PolicyCatalogTest.class.getResourceAsStream("/policies/default.yaml")) {
            return new String(shipped.readAllBytes(), StandardCharsets.UTF_8) + "\n# release " + name + " "
                    + UUID.randomUUID() + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
