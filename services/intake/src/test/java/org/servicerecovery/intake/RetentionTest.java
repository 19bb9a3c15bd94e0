package org.servicerecovery.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.servicerecovery.intake.persistence.DedupRetention;
import org.servicerecovery.testing.RealInfrastructure;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** De-duplication keys are forgotten after the retention (30 days by default), not before. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class RetentionTest {

    @Inject
    DedupRetention retention;

    @Test
    void keysOlderThanTheRetentionAreForgotten() {
        String old = insert(Duration.ofDays(31));
        String recent = insert(Duration.ofDays(29));

        retention.purge().await().atMost(Duration.ofSeconds(30));

        assertEquals(0, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE event_id = ?", old));
        assertEquals(1, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE event_id = ?", recent));
    }

    private static String insert(Duration age) {
        String id = "old-" + UUID.randomUUID();
        IntakeDb.SCHEMA.update("INSERT INTO inbound_event (source, event_id, event_type, customer_id, channel, received_at, raw) "
                + "VALUES ('https://crm.test', ?, 'feedback.received', 'c', 'rest', ?, '{}'::jsonb)",
                id, Timestamp.from(Instant.now().minus(age)));
        return id;
    }
}
