package org.servicerecovery.recovery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.EscalationLevel;
import org.servicerecovery.events.domain.OutreachRequested;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.events.domain.RecoveryCasePaused;
import org.servicerecovery.events.domain.RecoveryCaseResolved;
import org.servicerecovery.events.domain.RecoveryCaseResumed;
import org.servicerecovery.events.domain.RecoveryEscalated;
import org.servicerecovery.events.domain.RecoveryStepCompleted;
import org.servicerecovery.events.domain.RecoveryStepOverdue;
import org.servicerecovery.events.domain.RecoveryStepStarted;
import org.servicerecovery.events.domain.RecoveryStepWarned;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.events.domain.Urgency;

/** The workflow on a controlled clock: every instant below is given, nothing reads the system time. */
class RecoveryRulesTest {

    /** Tuesday 2026-12-01 10:00 UTC (11:00 in Berlin). */
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private final Policy policy = PolicyParserTest.shippedPolicy();
    private final RecoveryRules rules = new RecoveryRules((purpose, c) -> new Message(
            purpose == StepKind.APOLOGY ? "We are sorry" : "Three questions",
            "Dear " + c.customer().name() + ", about " + c.failure(), c.customer().locale()));
    private final Customer ada = new Customer("cust-1", "Ada", Tier.STANDARD, "en", null, ContactChannel.SMS, "red");

    private static Trigger complaint(Severity severity) {
        return new Trigger(RecoveryTrigger.COMPLAINT, "cmp-1", severity, "delivery", Channel.PHONE, null,
                "the parcel arrived broken");
    }

    private CaseChange open(Severity severity, Customer customer, Instant at) {
        return rules.open(complaint(severity), customer, Optional.empty(), policy, "case-1", at);
    }

    @Test
    void aHighComplaintOpensACaseWithItsApologyDueInOneHourAndSendsTheApology() {
        CaseChange change = open(Severity.HIGH, ada, T0);
        RecoveryCase c = change.recoveryCase();
        assertTrue(change.created());
        assertEquals(CaseState.OPEN, c.state());
        assertEquals("red", c.team()); // the customer's account team: no rule for "delivery"
        Step apology = c.activeStep().orElseThrow();
        assertEquals(StepKind.APOLOGY, apology.kind());
        assertEquals(T0.plus(Duration.ofHours(1)), apology.dueAt());
        assertEquals(T0.plus(Duration.ofMinutes(45)), apology.warnAt());
        assertEquals(OutreachState.REQUESTED, apology.outreach());
        RecoveryCaseOpened opened = (RecoveryCaseOpened) change.events().get(0);
        assertEquals(1, opened.policyVersion());
        RecoveryStepStarted started = (RecoveryStepStarted) change.events().get(1);
        assertEquals(T0.plus(Duration.ofHours(1)), started.dueAt().toInstant());
        OutreachRequested outreach = (OutreachRequested) change.events().get(2);
        assertEquals(ContactChannel.SMS, outreach.channel());
        assertEquals(Urgency.HIGH, outreach.urgency());
        assertEquals("Dear Ada, about the parcel arrived broken", outreach.body());
        assertEquals("case-1/s1", outreach.outreachId());
        assertTrue(change.timers().contains(new TimerOp(TimerOp.Kind.WARN_ON_EVENT_TIME, T0.plus(Duration.ofMinutes(45)), "s1")));
        assertTrue(change.timers().contains(new TimerOp(TimerOp.Kind.DUE_ON_EVENT_TIME, T0.plus(Duration.ofHours(1)), "s1")));
    }

    @Test
    void aCriticalApologyWaitsForAnAgentWhoMayEditIt() {
        RecoveryCase c = open(Severity.CRITICAL, ada, T0).recoveryCase();
        Step apology = c.activeStep().orElseThrow();
        assertEquals(T0.plus(Duration.ofMinutes(15)), apology.dueAt());
        assertEquals(OutreachState.AWAITING_APPROVAL, apology.outreach());

        CaseChange sent = rules.approveMessage(c, null, "Ada, we are truly sorry.", "alice", T0.plusSeconds(60));
        OutreachRequested outreach = (OutreachRequested) sent.events().get(0);
        assertEquals("Ada, we are truly sorry.", outreach.body());
        assertEquals(Urgency.IMMEDIATE, outreach.urgency());
        assertEquals("message-approved", sent.timeline().get(0).type());
        assertTrue(sent.timeline().get(0).detail().startsWith("edited and sent"));
    }

    @Test
    void everyStepKindRunsInOrderAndTheCaseResolvesWhenTheLastIsDone() {
        RecoveryCase c = open(Severity.HIGH, ada, T0).recoveryCase();
        // apology: completed by the CRM's delivery
        CaseChange delivered = rules.outreachDelivered(c, "case-1/s1", T0.plus(Duration.ofMinutes(10)), policy,
                T0.plus(Duration.ofMinutes(10)));
        c = delivered.recoveryCase();
        RecoveryStepCompleted apologyDone = (RecoveryStepCompleted) delivered.events().get(0);
        assertEquals(StepKind.APOLOGY, apologyDone.kind());
        assertTrue(apologyDone.onTime());
        Step remedy = c.activeStep().orElseThrow();
        assertEquals(StepKind.REMEDY, remedy.kind());
        assertEquals(T0.plus(Duration.ofMinutes(10)).plus(Duration.ofHours(8)), remedy.dueAt());
        // a second delivery of the same message changes nothing
        assertEquals(List.of(), rules.outreachDelivered(c, "case-1/s1", T0.plus(Duration.ofMinutes(11)), policy,
                T0.plus(Duration.ofMinutes(11))).events());

        // remedy: recorded by an agent
        Instant remedied = T0.plus(Duration.ofHours(2));
        CaseChange remedyDone = rules.recordRemedy(c, new Remedy(Remedy.Type.REFUND, new BigDecimal("40.00"), "EUR", "shipping",
                "alice", remedied), policy, remedied);
        c = remedyDone.recoveryCase();
        assertEquals(1, c.remedies().size());
        // follow-up: 48 hours after the remedy, once the customer has lived with it
        assertTrue(c.activeStep().isEmpty());
        Step waiting = c.scheduledStep().orElseThrow();
        assertEquals(StepKind.FOLLOW_UP, waiting.kind());
        assertEquals(remedied.plus(Duration.ofHours(48)), waiting.startAt());
        assertTrue(remedyDone.timers().contains(new TimerOp(TimerOp.Kind.START_ON_EVENT_TIME, waiting.startAt(), "s3")));
        assertTrue(remedyDone.events().stream().noneMatch(OutreachRequested.class::isInstance));
        assertEquals("step-scheduled", remedyDone.timeline().get(remedyDone.timeline().size() - 1).type());
        Instant followUpStarts = waiting.startAt();
        CaseChange started = rules.startReached(c, "s3", policy, followUpStarts);
        c = started.recoveryCase();
        Step followUp = c.activeStep().orElseThrow();
        assertEquals(StepKind.FOLLOW_UP, followUp.kind());
        assertEquals(followUpStarts.plus(Duration.ofHours(48)), followUp.dueAt());
        OutreachRequested questions = first(started.events(), OutreachRequested.class);
        assertEquals(StepKind.FOLLOW_UP, questions.purpose());
        // a start timer that fires again changes nothing but the timeline
        assertEquals(List.of(), rules.startReached(c, "s3", policy, followUpStarts.plusSeconds(1)).events());

        // follow-up: the three answers
        Instant answered = followUpStarts.plus(Duration.ofHours(30));
        CaseChange closed = rules.recordAnswers(c, new Answers("call back sooner", "the voucher", "the technician"),
                "alice", answered, policy, answered);
        c = closed.recoveryCase();
        assertEquals(CaseState.RESOLVED, c.state());
        RecoveryCaseResolved resolved = (RecoveryCaseResolved) last(closed.events());
        assertEquals(3, resolved.stepsOnTime());
        assertEquals(3, resolved.stepsTotal());
        assertEquals("the voucher", c.answers().additionalValue());
    }

    @Test
    void surveyAndCustomStepsAreCompletedByHandButARemedyNeedsItsData() {
        Policy withSurvey = PolicyParser.parse(PolicyParserTest.shipped().replace(
                "      - { kind: apology, due: PT1H, autoSend: true }",
                "      - { kind: custom, title: Call the customer, due: PT30M }\n"
                        + "      - { kind: survey, due: PT2H, autoSend: true }\n"
                        + "      - { kind: apology, due: PT1H, autoSend: true }"), 2);
        RecoveryCase c = rules.open(complaint(Severity.HIGH), ada, Optional.empty(), withSurvey, "case-1", T0)
                .recoveryCase();
        assertEquals("Call the customer", c.activeStep().orElseThrow().title());
        c = rules.completeStep(c, "s1", "alice", withSurvey, T0.plusSeconds(60)).recoveryCase();
        assertEquals(StepKind.SURVEY, c.activeStep().orElseThrow().kind());
        assertEquals(OutreachState.REQUESTED, c.activeStep().orElseThrow().outreach());
        c = rules.completeStep(c, "s2", "alice", withSurvey, T0.plusSeconds(120)).recoveryCase();
        c = rules.completeStep(c, "s3", "alice", withSurvey, T0.plusSeconds(180)).recoveryCase();
        RecoveryCase atRemedy = c;
        TransitionException e = assertThrows(TransitionException.class,
                () -> rules.completeStep(atRemedy, "s4", "alice", withSurvey, T0.plusSeconds(240)));
        assertEquals("open", e.currentState());
        assertTrue(e.getMessage().contains("completed by recording its remedy"), e.getMessage());
    }

    @Test
    void mediumWindowsCountBusinessHoursInTheCustomersZoneAcrossTheWeekendAndAHoliday() {
        // Thursday 2026-12-24 is a holiday in the business calendar; Wednesday 23rd 16:00 UTC is 17:00 in Berlin.
        Instant wednesday = Instant.parse("2026-12-23T16:00:00Z");
        Customer berlin = new Customer("cust-b", "Bea", Tier.STANDARD, "de", "Europe/Berlin", ContactChannel.EMAIL, null);
        Step apology = open(Severity.MEDIUM, berlin, wednesday).recoveryCase().activeStep().orElseThrow();
        // closed Wed evening, holidays 24th-26th, weekend 27th -> Monday 28th 09:00 + 4 h = 13:00 Berlin = 12:00 UTC
        assertEquals(Instant.parse("2026-12-28T12:00:00Z"), apology.dueAt());
        assertEquals(Instant.parse("2026-12-28T11:00:00Z"), apology.warnAt()); // 75 % = 3 h

        Customer newYork = new Customer("cust-n", "Ned", Tier.STANDARD, "en", "America/New_York", ContactChannel.EMAIL,
                null);
        Step nyApology = open(Severity.MEDIUM, newYork, wednesday).recoveryCase().activeStep().orElseThrow();
        // 11:00 in New York on Wednesday: 4 h fit the same day -> 15:00 New York = 20:00 UTC
        assertEquals(Instant.parse("2026-12-23T20:00:00Z"), nyApology.dueAt());
    }

    @Test
    void platinumHalvesEveryWindow() {
        Customer platinum = new Customer("cust-p", "Pia", Tier.PLATINUM, "en", null, ContactChannel.EMAIL, null);
        RecoveryCase c = open(Severity.HIGH, platinum, T0).recoveryCase();
        assertEquals(T0.plus(Duration.ofMinutes(30)), c.activeStep().orElseThrow().dueAt());
        assertEquals(Duration.ofHours(4), c.steps().get(1).window());
        assertEquals(Duration.ofHours(24), c.steps().get(2).window());
    }

    @Test
    void theWarningComesOnceAndOnlyForTheRunningStep() {
        RecoveryCase c = open(Severity.HIGH, ada, T0).recoveryCase();
        CaseChange warned = rules.warningReached(c, "s1", T0.plus(Duration.ofMinutes(45)));
        assertTrue(warned.recoveryCase().activeStep().orElseThrow().warned());
        assertEquals(StepKind.APOLOGY, ((RecoveryStepWarned) warned.events().get(0)).kind());
        assertEquals("step-warned", warned.timeline().get(0).type());
        assertEquals("timer-ignored", rules.warningReached(warned.recoveryCase(), "s1", T0.plus(Duration.ofMinutes(46)))
                .timeline().get(0).type());
        assertEquals("timer-ignored", rules.warningReached(c, "s2", T0).timeline().get(0).type());
    }

    @Test
    void aBreachEscalatesToTheSupervisorAndAnHourLaterToTheManager() {
        RecoveryCase c = open(Severity.HIGH, ada, T0).recoveryCase();
        Instant due = T0.plus(Duration.ofHours(1));
        CaseChange breach = rules.dueReached(c, "s1", policy, due);
        c = breach.recoveryCase();
        assertTrue(c.overdue());
        assertEquals(EscalationLevel.SUPERVISOR, c.escalation());
        assertEquals(due, ((RecoveryStepOverdue) breach.events().get(0)).dueAt().toInstant());
        RecoveryEscalated toSupervisor = (RecoveryEscalated) breach.events().get(1);
        assertEquals("supervisor:red", toSupervisor.escalatedTo());
        assertEquals(List.of(new TimerOp(TimerOp.Kind.ESCALATE_ON_EVENT_TIME, due.plus(Duration.ofMinutes(60)), "s1/1")),
                breach.timers());

        CaseChange manager = rules.escalationReached(c, "s1", 1, policy, due.plus(Duration.ofMinutes(60)));
        assertEquals(EscalationLevel.MANAGER, manager.recoveryCase().escalation());
        assertEquals(EscalationLevel.MANAGER, ((RecoveryEscalated) manager.events().get(0)).level());
        assertEquals(TimerOp.cancel(TimerOp.Role.ESCALATE), manager.timers());
        // the same rung again (a second replica, a redelivered timer) changes nothing
        assertEquals(List.of(), rules.escalationReached(manager.recoveryCase(), "s1", 1, policy,
                due.plus(Duration.ofMinutes(61))).events());
    }

    @Test
    void aDeliveryReadAfterTheDeadlineButMadeBeforeItCompletesTheApologyOnTime() {
        RecoveryCase c = open(Severity.HIGH, ada, T0).recoveryCase();
        Instant due = T0.plus(Duration.ofHours(1));
        CaseChange delivered = rules.outreachDelivered(c, "case-1/s1", due.minusSeconds(5), policy, due.plusSeconds(30));
        RecoveryStepCompleted apologyDone = (RecoveryStepCompleted) delivered.events().get(0);
        assertTrue(apologyDone.onTime());
        assertEquals(due.minusSeconds(5), apologyDone.completedAt().toInstant());
        // the remedy that follows gets its whole window from when the delivery was read
        assertEquals(due.plusSeconds(30).plus(Duration.ofHours(8)),
                delivered.recoveryCase().activeStep().orElseThrow().dueAt());
        // a CRM clock ahead of ours does not date the completion in the future
        CaseChange ahead = rules.outreachDelivered(c, "case-1/s1", T0.plus(Duration.ofHours(2)), policy,
                T0.plus(Duration.ofMinutes(10)));
        assertEquals(T0.plus(Duration.ofMinutes(10)),
                ((RecoveryStepCompleted) ahead.events().get(0)).completedAt().toInstant());
    }

    @Test
    void onlyTheTimersOfStepsACustomerEventCompletesAwaitTheInputWatermark() {
        RecoveryCase c = open(Severity.HIGH, ada, T0).recoveryCase();
        assertTrue(open(Severity.HIGH, ada, T0).timers().stream().filter(op -> op.at() != null)
                .allMatch(op -> op.kind().onEventTime()), "apology");
        CaseChange delivered = rules.outreachDelivered(c, "case-1/s1", T0, policy, T0);
        assertTrue(delivered.timers().stream().filter(op -> op.at() != null).noneMatch(op -> op.kind().onEventTime()),
                "remedy");
        CaseChange remedied = rules.recordRemedy(delivered.recoveryCase(), new Remedy(Remedy.Type.FIX, BigDecimal.ZERO,
                "EUR", null, "alice", T0), policy, T0);
        assertTrue(remedied.timers().stream().filter(op -> op.at() != null).allMatch(op -> op.kind().onEventTime()),
                "follow-up start");
    }

    @Test
    void pausedTimeDoesNotCount() {
        RecoveryCase c = open(Severity.HIGH, ada, T0).recoveryCase();
        CaseChange paused = rules.pause(c, "waiting for photos", "alice", T0.plus(Duration.ofMinutes(20)));
        assertEquals(CaseState.PAUSED, paused.recoveryCase().state());
        assertEquals("waiting for photos", ((RecoveryCasePaused) paused.events().get(0)).reason());
        assertTrue(paused.timers().contains(TimerOp.cancel(TimerOp.Kind.DUE_ON_EVENT_TIME)));
        // a timer that slipped through while paused is ignored
        assertEquals(List.of(), rules.dueReached(paused.recoveryCase(), "s1", policy, T0.plus(Duration.ofHours(1)))
                .events());

        Instant resumedAt = T0.plus(Duration.ofHours(3));
        CaseChange resumed = rules.resume(paused.recoveryCase(), "alice", policy, resumedAt);
        Step apology = resumed.recoveryCase().activeStep().orElseThrow();
        assertEquals(resumedAt.plus(Duration.ofMinutes(40)), apology.dueAt()); // 40 of 60 minutes were left
        assertEquals(resumedAt, ((RecoveryCaseResumed) resumed.events().get(0)).resumedAt().toInstant());
        assertEquals(resumedAt.plus(Duration.ofMinutes(25)), apology.warnAt());
        assertTrue(resumed.timers().contains(new TimerOp(TimerOp.Kind.DUE_ON_EVENT_TIME, resumedAt.plus(Duration.ofMinutes(40)), "s1")));

        TransitionException e = assertThrows(TransitionException.class,
                () -> rules.resume(resumed.recoveryCase(), "alice", policy, resumedAt));
        assertEquals("Cannot resume: the case is open.", e.getMessage());
    }

    @Test
    void pausingABusinessHoursStepKeepsTheRemainingWorkingTime() {
        Customer berlin = new Customer("cust-b", "Bea", Tier.STANDARD, "de", "Europe/Berlin", ContactChannel.EMAIL, null);
        RecoveryCase c = open(Severity.MEDIUM, berlin, T0).recoveryCase(); // Tue 11:00 Berlin, due 15:00 Berlin
        RecoveryCase paused = rules.pause(c, null, "alice", T0.plus(Duration.ofHours(1))).recoveryCase();
        // resumed Friday 2026-12-04 16:00 Berlin: 3 h left -> 1 h Friday + 2 h Monday -> Monday 11:00 Berlin
        Step apology = rules.resume(paused, "alice", policy, Instant.parse("2026-12-04T15:00:00Z")).recoveryCase()
                .activeStep().orElseThrow();
        assertEquals(Instant.parse("2026-12-07T10:00:00Z"), apology.dueAt());
    }

    @Test
    void aRepeatFailureWithinNinetyDaysRaisesSeverityAndInvolvesTheSupervisorAtOnce() {
        CaseChange first = open(Severity.MEDIUM, ada, T0);
        RecoveryCase resolved = rules.resolve(first.recoveryCase(), "sorted", "alice", T0.plus(Duration.ofDays(1)))
                .recoveryCase();
        Instant later = T0.plus(Duration.ofDays(30));
        CaseChange second = rules.open(complaint(Severity.MEDIUM), ada, Optional.of(resolved), policy, "case-2", later);
        RecoveryCase c = second.recoveryCase();
        assertTrue(second.created());
        assertTrue(c.repeat());
        assertEquals(Severity.HIGH, c.severity());
        assertEquals(EscalationLevel.SUPERVISOR, c.escalation());
        assertTrue(((RecoveryCaseOpened) second.events().get(0)).repeatFailure());
        assertEquals(EscalationLevel.SUPERVISOR, ((RecoveryEscalated) second.events().get(1)).level());
        // at the breach the supervisor is already involved: only the manager rung is still to come
        CaseChange breach = rules.dueReached(c, "s1", policy, c.activeStep().orElseThrow().dueAt());
        assertEquals(1, breach.events().size());
        assertTrue(breach.events().get(0) instanceof RecoveryStepOverdue);
        // 91 days later it is a first failure again
        CaseChange fresh = rules.open(complaint(Severity.MEDIUM), ada, Optional.of(resolved), policy, "case-3",
                T0.plus(Duration.ofDays(91)));
        assertFalse(fresh.recoveryCase().repeat());
        assertEquals(Severity.MEDIUM, fresh.recoveryCase().severity());
        assertNull(fresh.recoveryCase().escalation());
    }

    @Test
    void aFailureWithin24HoursOfAnOpenCaseJoinsIt() {
        RecoveryCase open = open(Severity.HIGH, ada, T0).recoveryCase();
        Trigger missed = new Trigger(RecoveryTrigger.MISSED_PROMISE, "p-9", null, null, null, "blue", "call back");
        CaseChange attached = rules.open(missed, ada, Optional.of(open), policy, "case-2", T0.plus(Duration.ofHours(23)));
        assertFalse(attached.created());
        assertEquals("case-1", attached.recoveryCase().id());
        assertEquals(2, attached.recoveryCase().failures());
        assertEquals(List.of(), attached.events());
        assertEquals("failure-attached", attached.timeline().get(0).type());
        // after 24 hours a new case is opened, and it is a repeat failure
        CaseChange separate = rules.open(missed, ada, Optional.of(open), policy, "case-2", T0.plus(Duration.ofHours(25)));
        assertTrue(separate.created());
        assertEquals("blue", separate.recoveryCase().team()); // a missed promise stays with the promise's team
        assertEquals(Severity.CRITICAL, separate.recoveryCase().severity()); // missed promise: high, raised
    }

    @Test
    void aRetractedMissWithdrawsTheCaseItOpenedAndSaysTheApologyWasAlreadySent() {
        RecoveryCase c = rules.open(missedPromise(), ada, Optional.empty(), policy, "case-1", T0).recoveryCase();
        assertEquals(OutreachState.REQUESTED, c.activeStep().orElseThrow().outreach());

        Instant at = T0.plus(Duration.ofMinutes(20));
        CaseChange withdrawn = rules.missRetracted(c, "p-9", "fulfilled before the due time", at);
        RecoveryCase resolved = withdrawn.recoveryCase();
        assertEquals(CaseState.RESOLVED, resolved.state());
        assertEquals(at, resolved.resolvedAt());
        assertTrue(resolved.steps().stream().allMatch(step -> step.state() == StepState.SKIPPED));
        assertTrue(withdrawn.timers().containsAll(Arrays.stream(TimerOp.Kind.values()).map(TimerOp::cancel).toList()));
        RecoveryCaseResolved event = (RecoveryCaseResolved) withdrawn.events().get(0);
        assertEquals(List.of(0, 3), List.of(event.stepsOnTime(), event.stepsTotal()));
        assertEquals(List.of("miss-retracted", "case-resolved"),
                withdrawn.timeline().stream().map(TimelineEntry::type).toList());
        String detail = withdrawn.timeline().get(0).detail();
        assertTrue(detail.contains("promise p-9 was kept after all (fulfilled before the due time)"), detail);
        assertTrue(detail.contains("the apology was already sent"), detail);

        // before any message went out there is nothing to follow up
        RecoveryCase drafted = rules.open(missedPromise(), ada, Optional.empty(),
                PolicyParser.parse(PolicyParserTest.shipped().replace("{ kind: apology, due: PT1H, autoSend: true }",
                        "{ kind: apology, due: PT1H, autoSend: false }"), 2),
                "case-2", T0).recoveryCase();
        String quiet = rules.missRetracted(drafted, "p-9", "kept", at).timeline().get(0).detail();
        assertFalse(quiet.contains("apology"), quiet);
    }

    @Test
    void aRetractedMissOfACaseWithOtherFailuresOnlyCountsOneFailureLess() {
        RecoveryCase c = rules.open(missedPromise(), ada, Optional.empty(), policy, "case-1", T0).recoveryCase();
        c = rules.attach(c, complaint(Severity.LOW), T0.plus(Duration.ofMinutes(5))).recoveryCase();

        CaseChange retracted = rules.missRetracted(c, "p-9", "kept", T0.plus(Duration.ofMinutes(20)));
        assertEquals(CaseState.OPEN, retracted.recoveryCase().state());
        assertEquals(1, retracted.recoveryCase().failures());
        assertEquals(c.steps(), retracted.recoveryCase().steps());
        assertEquals(List.of(), retracted.events());
        assertEquals(List.of(), retracted.timers());
        assertEquals("miss-retracted", retracted.timeline().get(0).type());
        assertTrue(retracted.timeline().get(0).detail().endsWith("stays open for the 1 other failure it covers"));
    }

    @Test
    void aRetractedMissOfAResolvedCaseIsOnlyRecorded() {
        RecoveryCase c = rules.open(missedPromise(), ada, Optional.empty(), policy, "case-1", T0).recoveryCase();
        RecoveryCase resolved = rules.resolve(c, null, "sam", T0.plusSeconds(60)).recoveryCase();

        CaseChange recorded = rules.missRetracted(resolved, "p-9", "kept", T0.plus(Duration.ofMinutes(20)));
        assertEquals(resolved, recorded.recoveryCase());
        assertEquals(List.of(), recorded.events());
        assertEquals(List.of(), recorded.timers());
        assertEquals("miss-retracted", recorded.timeline().get(0).type());
        assertTrue(recorded.timeline().get(0).detail().contains("already resolved"));
    }

    private static Trigger missedPromise() {
        return new Trigger(RecoveryTrigger.MISSED_PROMISE, "p-9", null, null, null, "blue", "call back");
    }

    @Test
    void aCaseKeepsThePolicyVersionItOpenedWith() {
        RecoveryCase c = open(Severity.HIGH, ada, T0).recoveryCase();
        Policy v2 = PolicyParser.parse(PolicyParserTest.shipped().replace("{ kind: remedy, due: PT8H }",
                "{ kind: remedy, due: PT2H }"), 2);
        assertEquals(1, c.policyVersion());
        // The case's steps were planned from v1 when it opened: publishing v2 does not shorten its remedy.
        Instant delivered = T0.plus(Duration.ofMinutes(5));
        Step remedy = rules.outreachDelivered(c, "case-1/s1", delivered, v2, delivered).recoveryCase().activeStep().orElseThrow();
        assertEquals(delivered.plus(Duration.ofHours(8)), remedy.dueAt());
        // a new case takes the new version
        RecoveryCase newer = rules.open(complaint(Severity.HIGH), ada, Optional.empty(), v2, "case-9", T0)
                .recoveryCase();
        assertEquals(2, newer.policyVersion());
        assertEquals(Duration.ofHours(2), newer.steps().get(1).window());
    }

    @Test
    void manualEscalationResolveAndReopen() {
        RecoveryCase c = open(Severity.HIGH, ada, T0).recoveryCase();
        CaseChange up = rules.escalateManually(c, "customer called the CEO", "sam", T0.plusSeconds(60));
        assertEquals(EscalationLevel.SUPERVISOR, up.recoveryCase().escalation());
        RecoveryCase resolved = rules.resolve(up.recoveryCase(), null, "sam", T0.plusSeconds(120)).recoveryCase();
        assertEquals(CaseState.RESOLVED, resolved.state());
        assertEquals(StepState.SKIPPED, resolved.steps().get(0).state());
        TransitionException e = assertThrows(TransitionException.class,
                () -> rules.recordRemedy(resolved, new Remedy(Remedy.Type.FIX, BigDecimal.ZERO, "EUR", null, "sam", T0), policy,
                        T0));
        assertEquals("resolved", e.currentState());
        CaseChange reopened = rules.reopen(resolved, "still broken", "sam", policy, T0.plus(Duration.ofHours(1)));
        assertEquals(CaseState.OPEN, reopened.recoveryCase().state());
        Step custom = reopened.recoveryCase().activeStep().orElseThrow();
        assertEquals(StepKind.CUSTOM, custom.kind());
        assertEquals(T0.plus(Duration.ofHours(25)), custom.dueAt());
        assertThrows(TransitionException.class, () -> rules.reopen(reopened.recoveryCase(), null, "sam", policy, T0));
    }

    private static <T> T first(List<CustomerEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    private static CustomerEvent last(List<CustomerEvent> events) {
        return events.get(events.size() - 1);
    }

    @Test
    void answersThatComeBeforeTheFollowUpStartsCompleteItWithoutSendingIt() {
        RecoveryCase c = open(Severity.HIGH, ada, T0).recoveryCase();
        c = rules.outreachDelivered(c, "case-1/s1", T0.plus(Duration.ofMinutes(5)), policy,
                T0.plus(Duration.ofMinutes(5))).recoveryCase();
        c = rules.recordRemedy(c, new Remedy(Remedy.Type.CREDIT, BigDecimal.TEN, "EUR", null, "alice", T0.plusSeconds(600)),
                policy, T0.plusSeconds(600)).recoveryCase();
        CaseChange answered = rules.recordAnswers(c, new Answers("faster", "the credit", "the call"), "customer",
                T0.plus(Duration.ofHours(3)), policy, T0.plus(Duration.ofHours(3)));
        assertEquals(CaseState.RESOLVED, answered.recoveryCase().state());
        assertTrue(answered.events().stream().noneMatch(OutreachRequested.class::isInstance));
        assertTrue(answered.timers().contains(TimerOp.cancel(TimerOp.Kind.START_ON_EVENT_TIME)));
        assertEquals("follow-up-not-sent", answered.timeline().get(0).type());
        assertEquals(3, ((RecoveryCaseResolved) last(answered.events())).stepsOnTime());
    }

    @Test
    void aPauseWhileTheFollowUpWaitsMovesItsStartAndResolvingSkipsIt() {
        RecoveryCase c = open(Severity.HIGH, ada, T0).recoveryCase();
        c = rules.outreachDelivered(c, "case-1/s1", T0.plus(Duration.ofMinutes(5)), policy,
                T0.plus(Duration.ofMinutes(5))).recoveryCase();
        c = rules.recordRemedy(c, new Remedy(Remedy.Type.FIX, BigDecimal.ZERO, "EUR", null, "alice", T0), policy, T0)
                .recoveryCase();
        CaseChange paused = rules.pause(c, "customer travelling", "alice", T0.plus(Duration.ofHours(10)));
        assertTrue(paused.timers().contains(TimerOp.cancel(TimerOp.Kind.START_ON_EVENT_TIME)));
        Instant resumedAt = T0.plus(Duration.ofHours(34));
        CaseChange resumed = rules.resume(paused.recoveryCase(), "alice", policy, resumedAt);
        Instant startAt = T0.plus(Duration.ofHours(48 + 24));
        assertEquals(startAt, resumed.recoveryCase().scheduledStep().orElseThrow().startAt());
        assertTrue(resumed.timers().contains(new TimerOp(TimerOp.Kind.START_ON_EVENT_TIME, startAt, "s3")));
        // a start timer that slipped through during the pause is ignored
        assertEquals("timer-ignored", rules.startReached(paused.recoveryCase(), "s3", policy, startAt).timeline().get(0)
                .type());

        RecoveryCase resolved = rules.resolve(resumed.recoveryCase(), "sorted by phone", "alice", resumedAt)
                .recoveryCase();
        assertEquals(StepState.SKIPPED, resolved.steps().get(2).state());
        assertEquals("timer-ignored", rules.startReached(resolved, "s3", policy, startAt).timeline().get(0).type());
    }

    @Test
    void aStepWithItsOwnWarningAndLadderUsesThemAndTheOthersKeepThePolicys() {
        Policy custom = PolicyParser.parse(PolicyParserTest.shipped().replace(
                "      - { kind: apology, due: PT1H, autoSend: true }",
                "      - { kind: apology, due: PT1H, autoSend: true, warningAt: 0.5,"
                        + " escalation: [ { level: manager, after: PT10M } ] }"), 2);
        RecoveryCase c = rules.open(complaint(Severity.HIGH), ada, Optional.empty(), custom, "case-1", T0).recoveryCase();
        Step apology = c.activeStep().orElseThrow();
        assertEquals(T0.plus(Duration.ofMinutes(30)), apology.warnAt());
        Instant due = T0.plus(Duration.ofHours(1));
        CaseChange breach = rules.dueReached(c, "s1", custom, due);
        assertTrue(breach.events().stream().noneMatch(RecoveryEscalated.class::isInstance));
        assertTrue(breach.timers().contains(new TimerOp(TimerOp.Kind.ESCALATE_ON_EVENT_TIME, due.plus(Duration.ofMinutes(10)), "s1/0")));
        CaseChange manager = rules.escalationReached(breach.recoveryCase(), "s1", 0, custom, due.plus(Duration.ofMinutes(10)));
        assertEquals(EscalationLevel.MANAGER, ((RecoveryEscalated) manager.events().get(0)).level());

        // the remedy has none of its own: the policy's 75 % warning
        RecoveryCase remedyRunning = rules.outreachDelivered(c, "case-1/s1", T0, custom, T0).recoveryCase();
        assertEquals(T0.plus(Duration.ofHours(6)), remedyRunning.activeStep().orElseThrow().warnAt());
    }
}
