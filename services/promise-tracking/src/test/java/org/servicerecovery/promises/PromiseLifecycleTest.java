package org.servicerecovery.promises;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.domain.PromiseMissRetracted;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The whole path on a real broker and database: CRM events on intake.events in, promise.events out, timers fired by
 * the application's own timer loop when the test clock passes their time.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class PromiseLifecycleTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Inject
    PromiseTestClock clock;

    @Test
    void fulfilledBeforeTheDueTimeIsKeptAndNeverMissed() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        CommitmentCrm.send(crm.made(now, now.plus(HOUR)));
        awaitState(crm, "PENDING");
        assertEquals(2, timersOf(crm));

        clock.advance(Duration.ofMinutes(10));
        CommitmentCrm.send(crm.fulfilled(clock.instant()));
        awaitState(crm, "KEPT");
        assertEquals(0, timersOf(crm));

        clock.advance(Duration.ofHours(2));
        assertEquals(List.of("promise.kept"), crm.promiseEvents(1));
        assertEquals(0, history(crm, "missed"));
    }

    @Test
    void passingTheDueTimeWarnsFirstThenReportsOneMissWithItsLateness() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        CommitmentCrm.send(crm.made(now, now.plus(HOUR)));
        awaitState(crm, "PENDING");

        // standard tier: 80 % of the hour is 48 min, 15 min lead is 45 min; the earlier one warns
        clock.advance(Duration.ofMinutes(44));
        holdsFor300Millis(() -> history(crm, "at-risk") == 0);
        clock.advance(Duration.ofMinutes(2));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> history(crm, "at-risk") == 1);

        clock.advance(Duration.ofMinutes(15));
        awaitState(crm, "MISSED");
        assertEquals(List.of("promise.at-risk", "promise.missed"), crm.promiseEvents(2));
        assertEquals(1, history(crm, "missed"));
        long lateness = PromiseDb.SCHEMA.count("SELECT (extract(epoch FROM missed_at - due_at) * 1000)::bigint FROM promise WHERE id = ?",
                crm.commitment);
        assertEquals(Duration.ofMinutes(1).toMillis(), lateness);
        assertEquals(0, timersOf(crm));
    }

    @Test
    void deadlinesThatPassTogetherAreEachMissedOnceAndAKeptOneIsLeftAlone() {
        Instant now = clock.instant();
        List<CommitmentCrm> customers = Stream.generate(CommitmentCrm::new).limit(25).toList();
        CommitmentCrm.send(customers.stream().map(crm -> crm.made(now, now.plus(HOUR))).toArray(CloudEvent[]::new));
        customers.forEach(crm -> awaitState(crm, "PENDING"));
        CommitmentCrm kept = customers.get(0);
        CommitmentCrm.send(kept.fulfilled(now.plus(Duration.ofMinutes(5))));
        awaitState(kept, "KEPT");

        // one jump past every warning and deadline: the timer loop fires them in batches, all kinds together
        clock.advance(Duration.ofHours(2));
        List<CommitmentCrm> missed = customers.subList(1, customers.size());
        missed.forEach(crm -> awaitState(crm, "MISSED"));
        Map<String, List<String>> eventsByCustomer;
        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            eventsByCustomer = reader.readUntil(records -> records.stream()
                            .filter(r -> "promise.missed".equals(TopicReader.header(r, "ce_type"))
                                    && missed.stream().anyMatch(crm -> crm.customer.equals(r.key())))
                            .count() >= missed.size(), Duration.ofSeconds(20)).stream()
                    .collect(Collectors.groupingBy(ConsumerRecord::key,
                            Collectors.mapping(r -> TopicReader.header(r, "ce_type"), Collectors.toList())));
        }
        for (CommitmentCrm crm : missed) {
            assertEquals(List.of("promise.missed"), eventsByCustomer.get(crm.customer));
            assertEquals(1, history(crm, "missed"));
            assertEquals(0, timersOf(crm));
        }
        assertEquals("KEPT", state(kept));
        assertEquals(List.of("promise.kept"), eventsByCustomer.get(kept.customer));
    }

    @Test
    void fulfilmentAfterTheMissIsFulfilledLateWithItsLateness() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant due = madeAndMissed(crm);

        clock.advance(Duration.ofMinutes(30));
        CommitmentCrm.send(crm.fulfilled(due.plus(Duration.ofMinutes(25))));
        awaitState(crm, "FULFILLED_LATE");
        // the clock jumped past the warning and the due time at once: a warning after the deadline is not sent
        assertEquals(List.of("promise.missed", "promise.fulfilled-late"), crm.promiseEvents(2));
        assertTrue(PromiseDb.SCHEMA.text("SELECT detail FROM promise_history WHERE promise_id = ? AND kind = 'fulfilled-late'",
                crm.commitment).contains("PT25M late"));
    }

    @Test
    void aFulfilmentDatedBeforeTheDueTimeReportedAfterTheMissKeepsThePromiseAndRetractsTheMiss() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant due = madeAndMissed(crm);
        assertEquals(List.of("promise.missed"), crm.promiseEvents(1));

        clock.advance(Duration.ofMinutes(30));
        Instant fulfilledAt = due.minus(Duration.ofMinutes(5));
        CommitmentCrm.send(crm.fulfilled(fulfilledAt));
        awaitState(crm, "KEPT");

        given().auth().oauth2(TestTokens.admin()).get("/api/v1/promises/" + crm.commitment)
                .then().statusCode(200)
                .body("promise.state", is("KEPT"))
                .body("promise.missedAt", nullValue())
                .body("history.kind", contains("made", "missed", "miss-retracted", "kept"));
        assertEquals(List.of("promise.missed", "promise.kept", "promise.miss-retracted"), crm.promiseEvents(3));
        PromiseMissRetracted retracted = crm.promiseEvent(PromiseMissRetracted.class);
        // the fulfilment's time comes from the CRM event, the others from the row, where PostgreSQL keeps microseconds
        assertEquals(fulfilledAt, retracted.fulfilledAt().toInstant());
        assertEquals(due.truncatedTo(ChronoUnit.MICROS), retracted.dueAt().toInstant());
        assertEquals(due.plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MICROS), retracted.missedAt().toInstant());
        assertEquals(0, timersOf(crm));
    }

    @Test
    void anAgreedRescheduleBeforeTheDueTimeMovesItAndKeepsTheHistory() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        Instant newDue = now.plus(Duration.ofHours(3));
        CommitmentCrm.send(crm.made(now, now.plus(HOUR)), crm.rescheduled(newDue, true));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> history(crm, "rescheduled") == 1);
        assertEquals("PENDING", state(crm));

        clock.advance(Duration.ofMinutes(90));
        holdsFor300Millis(() -> "PENDING".equals(state(crm)));
        clock.advance(Duration.ofMinutes(91));
        awaitState(crm, "MISSED");
        assertEquals(List.of("promise.rescheduled", "promise.missed"), crm.promiseEvents(2));
        assertEquals(newDue.toEpochMilli(), PromiseDb.SCHEMA.count(
                "SELECT floor(extract(epoch FROM due_at) * 1000)::bigint FROM promise WHERE id = ?", crm.commitment));
        assertEquals(List.of("made", "rescheduled", "missed"), historyKinds(crm));
    }

    @Test
    void aRescheduleWithoutTheCustomersAgreementCountsAsMissedFirst() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        CommitmentCrm.send(crm.made(now, now.plus(HOUR)), crm.rescheduled(now.plus(Duration.ofHours(5)), false));
        awaitState(crm, "MISSED");
        assertEquals(List.of("promise.missed", "promise.rescheduled"), crm.promiseEvents(2));
        assertEquals(0, timersOf(crm));

        clock.advance(Duration.ofHours(6));
        holdsFor300Millis(() -> history(crm, "missed") == 1);
    }

    @Test
    void aCancelledPromiseStopsItsTimersAndLaterEventsAreOnlyRecorded() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        CommitmentCrm.send(crm.made(now, now.plus(HOUR)), crm.cancelled());
        awaitState(crm, "CANCELLED");
        assertEquals(0, timersOf(crm));

        clock.advance(Duration.ofHours(2));
        CommitmentCrm.send(crm.fulfilled(clock.instant()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> history(crm, "ignored") == 1);
        assertEquals("CANCELLED", state(crm));
        assertEquals(List.of("promise.cancelled"), crm.promiseEvents(1));
    }

    @Test
    void aFulfilmentThatArrivesBeforeItsCommitmentIsAppliedWhenTheCommitmentArrives() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        CommitmentCrm.send(crm.fulfilled(now.plus(Duration.ofMinutes(5))));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> history(crm, "received-early") == 1);
        assertEquals(1, PromiseDb.SCHEMA.count("SELECT count(*) FROM early_event WHERE promise_id = ?", crm.commitment));

        CommitmentCrm.send(crm.made(now, now.plus(HOUR)));
        awaitState(crm, "KEPT");
        assertEquals(0, PromiseDb.SCHEMA.count("SELECT count(*) FROM early_event WHERE promise_id = ?", crm.commitment));
        assertEquals(0, timersOf(crm));
        assertEquals(List.of("received-early", "made", "kept"), historyKinds(crm));
        assertEquals(List.of("promise.kept"), crm.promiseEvents(1));
    }

    @Test
    void redeliveredEventsChangeNothingAndARepeatedCommitmentIsOnlyRecorded() {
        CommitmentCrm crm = new CommitmentCrm();
        Instant now = clock.instant();
        CloudEvent made = crm.made(now, now.plus(HOUR));
        CloudEvent fulfilled = crm.fulfilled(now.plus(Duration.ofMinutes(1)));
        CloudEvent resent = crm.made(now, now.plus(Duration.ofHours(9)));
        CommitmentCrm.send(made, made, fulfilled, made, fulfilled, resent);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> history(crm, "ignored") == 1);
        assertEquals(List.of("made", "kept", "ignored"), historyKinds(crm));
        assertEquals("KEPT", state(crm));
        assertEquals(List.of("promise.kept"), crm.promiseEvents(1));
        assertEquals(3, PromiseDb.SCHEMA.count("SELECT count(*) FROM processed_event WHERE event_id IN (?, ?, ?)",
                made.id(), fulfilled.id(), resent.id()));
    }

    /** A commitment due in an hour whose deadline then passes unfulfilled; returns its due time. */
    private Instant madeAndMissed(CommitmentCrm crm) {
        Instant now = clock.instant();
        Instant due = now.plus(HOUR);
        CommitmentCrm.send(crm.made(now, due));
        awaitState(crm, "PENDING");
        clock.advance(Duration.ofMinutes(61));
        awaitState(crm, "MISSED");
        return due;
    }

    static void awaitState(CommitmentCrm crm, String state) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> state.equals(state(crm)));
    }

    static String state(CommitmentCrm crm) {
        return PromiseDb.SCHEMA.text("SELECT state FROM promise WHERE id = ?", crm.commitment);
    }

    static long history(CommitmentCrm crm, String kind) {
        return PromiseDb.SCHEMA.count("SELECT count(*) FROM promise_history WHERE promise_id = ? AND kind = ?", crm.commitment, kind);
    }

    static List<String> historyKinds(CommitmentCrm crm) {
        String kinds = PromiseDb.SCHEMA.text("SELECT string_agg(kind, ',' ORDER BY id) FROM promise_history WHERE promise_id = ?",
                crm.commitment);
        return List.of(kinds.split(","));
    }

    static long timersOf(CommitmentCrm crm) {
        return PromiseDb.SCHEMA.count("SELECT count(*) FROM timer WHERE owner_id = ?", crm.commitment);
    }

    /** The timer loop wakes within 50 ms of a clock move in tests: what did not happen in 300 ms does not happen. */
    static void holdsFor300Millis(Callable<Boolean> condition) {
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(condition);
    }
}
