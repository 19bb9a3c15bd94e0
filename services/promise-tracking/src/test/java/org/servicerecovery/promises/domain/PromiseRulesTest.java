package org.servicerecovery.promises.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.PromiseAtRisk;
import org.servicerecovery.events.domain.PromiseCancelled;
import org.servicerecovery.events.domain.PromiseFulfilledLate;
import org.servicerecovery.events.domain.PromiseKept;
import org.servicerecovery.events.domain.PromiseMissRetracted;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.PromiseRescheduled;

class PromiseRulesTest {

    private static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");
    private static final Instant DUE = T0.plus(Duration.ofHours(10));
    private static final Map<Tier, AtRiskPolicy> AT_RISK = Map.of(
            Tier.STANDARD, new AtRiskPolicy(Optional.of(0.8), Optional.of(Duration.ofMinutes(15))),
            Tier.PLATINUM, new AtRiskPolicy(Optional.of(0.5), Optional.empty()));

    private final PromiseRules rules = new PromiseRules(ReschedulePolicy.MISS_FIRST, AT_RISK);

    @Test
    void makingArmsTheWarningAndTheDeadline() {
        PromiseChange change = rules.make(made(DUE), Tier.STANDARD, T0);
        assertEquals(PromiseState.PENDING, change.promise().state());
        assertEquals(new TimerPlan.Arm(T0.plus(Duration.ofHours(8)), DUE), change.timers());
        assertEquals(List.of(), change.events());
        TimerPlan platinum = rules.make(made(DUE), Tier.PLATINUM, T0).timers();
        assertEquals(new TimerPlan.Arm(T0.plus(Duration.ofHours(5)), DUE), platinum);
    }

    @Test
    void fulfilledAtTheDueTimeIsKept() {
        PromiseChange change = rules.fulfil(pending(), DUE, T0.plusSeconds(60));
        assertEquals(PromiseState.KEPT, change.promise().state());
        assertInstanceOf(PromiseKept.class, change.events().get(0));
        assertEquals(TimerPlan.CANCEL_ALL, change.timers());
    }

    @Test
    void theDueTimerMissesAPendingPromiseWithItsLateness() {
        PromiseChange change = rules.dueReached(pending(), DUE.plusMillis(40));
        assertEquals(PromiseState.MISSED, change.promise().state());
        PromiseMissed missed = (PromiseMissed) change.events().get(0);
        assertEquals(40, missed.latenessMillis());
        assertEquals("alice", missed.owner());
        assertEquals("call back", missed.description());
    }

    @Test
    void aFulfilmentDatedAfterTheDueTimeOfAStillPendingPromiseReportsTheMissFirst() {
        PromiseChange change = rules.fulfil(pending(), DUE.plusSeconds(90), DUE.plusSeconds(100));
        assertEquals(PromiseState.FULFILLED_LATE, change.promise().state());
        assertEquals(2, change.events().size());
        assertInstanceOf(PromiseMissed.class, change.events().get(0));
        assertEquals(90_000, ((PromiseFulfilledLate) change.events().get(1)).latenessMillis());
    }

    @Test
    void aMissedPromiseFulfilledLaterIsFulfilledLate() {
        Promise missed = rules.dueReached(pending(), DUE).promise();
        PromiseChange change = rules.fulfil(missed, DUE.plusSeconds(30), DUE.plusSeconds(31));
        assertEquals(PromiseState.FULFILLED_LATE, change.promise().state());
        assertEquals(List.of(PromiseFulfilledLate.class), change.events().stream().map(Object::getClass).toList());
    }

    @Test
    void aFulfilmentDatedAtOrBeforeTheDueTimeReportedAfterTheMissKeepsThePromiseAndRetractsTheMiss() {
        Instant missedAt = DUE.plusSeconds(2);
        Promise missed = rules.dueReached(pending(), missedAt).promise();
        Instant now = DUE.plusSeconds(30);

        for (Instant fulfilledAt : List.of(DUE.minusSeconds(60), DUE)) {
            PromiseChange change = rules.fulfil(missed, fulfilledAt, now);
            assertEquals(PromiseState.KEPT, change.promise().state());
            assertEquals(fulfilledAt, change.promise().fulfilledAt());
            assertNull(change.promise().missedAt());
            assertEquals(TimerPlan.CANCEL_ALL, change.timers());
            assertEquals(List.of(PromiseKept.class, PromiseMissRetracted.class),
                    change.events().stream().map(Object::getClass).toList());
            PromiseMissRetracted retracted = (PromiseMissRetracted) change.events().get(1);
            assertEquals(missedAt, retracted.missedAt().toInstant());
            assertEquals(fulfilledAt, retracted.fulfilledAt().toInstant());
            assertEquals(DUE, retracted.dueAt().toInstant());
            assertEquals("alice", retracted.owner());
            assertEquals("blue", retracted.team());
            assertEquals(List.of("miss-retracted", "kept"), change.history().stream().map(HistoryEntry::kind).toList());
            assertTrue(change.history().get(0).detail().startsWith("the miss was premature: fulfilled at " + fulfilledAt));
        }
    }

    @Test
    void aMissDecidedBeforeTheDueTimeByAnUnagreedRescheduleIsNotRetracted() {
        Instant now = DUE.minus(Duration.ofHours(1));
        Promise missed = rules.reschedule(pending(), DUE.plus(Duration.ofDays(1)), false, "busy", now).promise();
        PromiseChange change = rules.fulfil(missed, now.plusSeconds(60), now.plusSeconds(120));
        assertEquals(PromiseState.FULFILLED_LATE, change.promise().state());
        assertEquals(List.of(PromiseFulfilledLate.class), change.events().stream().map(Object::getClass).toList());
    }

    @Test
    void anAgreedRescheduleBeforeTheDueTimeMovesItAndRearmsTheTimers() {
        Instant newDue = DUE.plus(Duration.ofHours(10));
        PromiseChange change = rules.reschedule(pending(), newDue, true, "parts late", DUE.minus(Duration.ofHours(5)));
        assertEquals(PromiseState.PENDING, change.promise().state());
        assertEquals(newDue, change.promise().dueAt());
        assertEquals(DUE, ((PromiseRescheduled) change.events().get(0)).previousDueAt().toInstant());
        assertInstanceOf(TimerPlan.Arm.class, change.timers());
    }

    @Test
    void anUnagreedRescheduleCountsAsMissedUnderTheDefaultPolicyAndMovesUnderMove() {
        Instant now = DUE.minus(Duration.ofHours(1));
        PromiseChange missFirst = rules.reschedule(pending(), DUE.plus(Duration.ofDays(1)), false, "busy", now);
        assertEquals(PromiseState.MISSED, missFirst.promise().state());
        assertEquals(DUE, missFirst.promise().dueAt());
        assertEquals(0, ((PromiseMissed) missFirst.events().get(0)).latenessMillis());
        assertInstanceOf(PromiseRescheduled.class, missFirst.events().get(1));

        PromiseChange moved = new PromiseRules(ReschedulePolicy.MOVE, AT_RISK)
                .reschedule(pending(), DUE.plus(Duration.ofDays(1)), false, "busy", now);
        assertEquals(PromiseState.PENDING, moved.promise().state());
        assertEquals(DUE.plus(Duration.ofDays(1)), moved.promise().dueAt());
    }

    @Test
    void aRescheduleAfterTheDueTimeIsMissedFirstEvenIfAgreed() {
        PromiseChange change = rules.reschedule(pending(), DUE.plus(Duration.ofDays(1)), true, "sorry", DUE.plusSeconds(5));
        assertEquals(PromiseState.MISSED, change.promise().state());
        assertEquals(5000, ((PromiseMissed) change.events().get(0)).latenessMillis());
    }

    @Test
    void cancellingAPendingPromiseStopsItButAMissIsNeverUndone() {
        PromiseChange cancelled = rules.cancel(pending(), "withdrawn", T0);
        assertEquals(PromiseState.CANCELLED, cancelled.promise().state());
        assertInstanceOf(PromiseCancelled.class, cancelled.events().get(0));

        Promise missed = rules.dueReached(pending(), DUE).promise();
        PromiseChange ignored = rules.cancel(missed, "withdrawn", DUE.plusSeconds(1));
        assertEquals(PromiseState.MISSED, ignored.promise().state());
        assertEquals(List.of(), ignored.events());
        assertEquals("ignored", ignored.history().get(0).kind());
    }

    @Test
    void eventsForAFinishedPromiseAreOnlyRecorded() {
        Promise kept = rules.fulfil(pending(), T0, T0).promise();
        for (PromiseChange change : List.of(rules.fulfil(kept, DUE, DUE), rules.cancel(kept, "x", DUE),
                rules.reschedule(kept, DUE.plusSeconds(1), true, "x", T0), rules.dueReached(kept, DUE),
                rules.madeAgain(kept, DUE))) {
            assertEquals(kept, change.promise());
            assertEquals(List.of(), change.events());
            assertEquals(TimerPlan.KEEP, change.timers());
        }
    }

    @Test
    void theWarningIsSentOnlyBeforeTheDueTimeOfAPendingPromise() {
        assertInstanceOf(PromiseAtRisk.class, rules.atRiskReached(pending(), DUE.minusSeconds(1)).events().get(0));
        assertEquals(List.of(), rules.atRiskReached(pending(), DUE).events());
        assertEquals(List.of(), rules.atRiskReached(rules.cancel(pending(), "x", T0).promise(), T0).events());
    }

    @Test
    void atRiskPolicyTakesTheEarlierOfFractionAndLeadAndNeverWarnsAfterTheDeadline() {
        AtRiskPolicy both = AT_RISK.get(Tier.STANDARD);
        Instant shortDue = T0.plus(Duration.ofMinutes(20));
        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(5))), both.warnAt(T0, shortDue, T0));
        assertEquals(Optional.of(T0.plusSeconds(600)), both.warnAt(T0, shortDue, T0.plusSeconds(600)));
        assertEquals(Optional.empty(), both.warnAt(T0, shortDue, shortDue));
        assertEquals(Optional.empty(), AtRiskPolicy.NONE.warnAt(T0, DUE, T0));
        assertThrows(IllegalArgumentException.class, () -> new AtRiskPolicy(Optional.of(1.5), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new AtRiskPolicy(Optional.empty(), Optional.of(Duration.ZERO)));
    }

    @Test
    void aTierWithoutPolicyGetsOnlyTheDeadline() {
        TimerPlan.Arm arm = (TimerPlan.Arm) rules.make(made(DUE), Tier.GOLD, T0).timers();
        assertNull(arm.atRiskAt());
    }

    private Promise pending() {
        return rules.make(made(DUE), Tier.STANDARD, T0).promise();
    }

    private static CommitmentMade made(Instant due) {
        return new CommitmentMade("cust-1", "c-1", "call back", OffsetDateTime.ofInstant(due, ZoneOffset.UTC), "alice",
                "blue", Channel.PHONE, OffsetDateTime.ofInstant(T0, ZoneOffset.UTC));
    }
}
