package org.servicerecovery.intake;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.servicerecovery.testing.KafkaClientsSeen;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TestTokens;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every Kafka client the service creates, the messaging channels and those it builds itself, takes the shared
 * {@code kafka.*} settings: without them, a client cannot reach a broker that requires SASL or TLS.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class KafkaClientsTest {

    @Test
    void everyKafkaClientTakesTheSharedKafkaSettings() {
        given().get("/q/health/ready").then().statusCode(200);
        given().auth().oauth2(TestTokens.admin()).queryParam("reason", "matches-nothing-" + UUID.randomUUID())
                .post("/api/v1/admin/dead-letters/replay").then().statusCode(200);

        Set<String> seen = KafkaClientsSeen.clientIds();
        assertTrue(seen.containsAll(Set.of("intake-outbox-relay", "readiness-check", "intake-watermark",
                "dead-letter-reader", "crm.events.dlq-replay")), "clients seen: " + seen);
        assertTrue(seen.stream().anyMatch(id -> id.contains("crm") && id.contains("consumer")), "clients seen: " + seen);
        assertTrue(seen.stream().anyMatch(id -> id.contains("crm-dlq")), "clients seen: " + seen);
    }
}
