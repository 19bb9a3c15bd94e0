package org.servicerecovery.promises;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.testing.PoisonRecords;
import org.servicerecovery.testing.PoisonRun;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TopicWriter;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Poison written straight onto intake.events, bypassing intake, in the middle of 500 valid commitments: each poison
 * record, and only it, goes to promise-tracking.dlq with its reason; every valid commitment becomes one tracked promise
 * and the consumer carries on.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class PromisePoisonTest {

    private static final String INTAKE_EVENTS = Topic.INTAKE_EVENTS.topicName();

    @Inject
    PromiseTestClock clock;

    private final PoisonRun run = new PoisonRun();

    @Test
    void onlyThePoisonIsDeadLetteredAndEveryValidCommitmentIsTrackedOnce() {
        Instant now = clock.instant();
        Instant due = now.plus(Duration.ofHours(1));
        Map<String, ProducerRecord<String, byte[]>> poisons = new LinkedHashMap<>();
        // PostgreSQL text refuses the NUL character (22021): the promise's insert fails
        poisons.put("nul", PoisonRecords.withDataText(INTAKE_EVENTS, made(run.poison("nul"), "NUL-HERE", now, due), "NUL-HERE", "a\\u0000b"));
        // processed_event's primary key cannot index an id that long (54000)
        poisons.put("long-id", TopicWriter.binary(INTAKE_EVENTS, PoisonRecords.withLongId(made(run.poison("long-id"), "x", now, due), 3000)));
        poisons.put("garbage", PoisonRecords.garbage(INTAKE_EVENTS, run.poison("garbage")));
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(PoisonRun.amid(500,
                i -> TopicWriter.binary(INTAKE_EVENTS, made(run.valid(i), "call back about the refund", now, due)), poisons));
        records.add(PoisonRecords.withDataText(INTAKE_EVENTS, made(run.odd("surrogate"), "SURROGATE-HERE", now, due),
                "SURROGATE-HERE", "a\\ud800b"));
        records.add(TopicWriter.binary(INTAKE_EVENTS, made(run.odd("year-9999"), "some day", now,
                OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC).toInstant())));
        try (TopicWriter writer = new TopicWriter()) {
            writer.sendAll(records);
        }

        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> PromiseDb.SCHEMA.count(
                "SELECT count(*) FROM promise WHERE customer_id LIKE ?", run.validCustomers()) == 500);
        assertEquals(500, PromiseDb.SCHEMA.count("SELECT count(DISTINCT customer_id) FROM promise WHERE customer_id LIKE ?",
                run.validCustomers()), "one promise per valid commitment");

        Map<String, String> reasons = run.assertOnlyPoisonDeadLettered(
                Topic.PROMISE_TRACKING_DLQ.topicName(), poisons, INTAKE_EVENTS);

        // no poison here: a lone surrogate is stored with U+003F in its place, a promise due in 9999 is only far away
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> PromiseDb.SCHEMA.count(
                "SELECT count(*) FROM promise WHERE customer_id IN (?, ?)", run.odd("surrogate"), run.odd("year-9999")) == 2);
    }


    private static CloudEvent made(String customer, String description, Instant madeAt, Instant dueAt) {
        return CommitmentCrm.event(new CommitmentMade(customer, "c-" + UUID.randomUUID(), description, CommitmentCrm.utc(dueAt), "alice",
                "blue", Channel.PHONE, CommitmentCrm.utc(madeAt)));
    }
}
