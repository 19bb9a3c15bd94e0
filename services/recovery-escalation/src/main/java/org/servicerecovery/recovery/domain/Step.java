package org.servicerecovery.recovery.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.servicerecovery.events.domain.StepKind;

/**
 * A step of a case. The plan part (kind, window, calendar, zone, autoSend, fromOpen, start delay, and the warning
 * fraction and escalation ladder when the step has its own, else null) is copied from the policy when the case opens.
 * The rest is its progress: when it is to start while it waits for its delay ({@code startAt}), deadlines once
 * started, the next rung of the escalation ladder once overdue, and its outreach message if it sends one.
 */
public record Step(String id, StepKind kind, String title, Duration window, String calendar, String zone,
                   boolean autoSend, boolean fromOpen, Duration delay, Double warningFraction,
                   List<Policy.Rung> escalationLadder, StepState state, Instant startAt, Instant startedAt,
                   Instant warnAt, Instant dueAt, Instant completedAt, boolean onTime, boolean warned, boolean overdue,
                   int nextRung, Instant nextRungAt, String outreachId, OutreachState outreach, String subject,
                   String body) {

    static Step planned(String id, StepKind kind, String title, Duration window, String calendar, String zone,
                        boolean autoSend, boolean fromOpen, Duration delay, Double warningFraction,
                        List<Policy.Rung> escalationLadder) {
        return new Step(id, kind, title, window, calendar, zone, autoSend, fromOpen, delay, warningFraction,
                escalationLadder, StepState.PENDING, null, null, null, null, null, false, false, false, 0, null, null,
                OutreachState.NONE, null, null);
    }

    /** The step's own warning fraction, else the policy's. */
    double warningFraction(Policy policy) {
        return warningFraction != null ? warningFraction : policy.warningFraction();
    }

    /** The step's own escalation ladder, else the policy's. */
    List<Policy.Rung> escalationLadder(Policy policy) {
        return escalationLadder != null ? escalationLadder : policy.escalation();
    }

    /** Steps stored before start delays existed have none. */
    public boolean waitsBeforeStart() {
        return delay != null && !delay.isZero();
    }

    Step scheduled(Instant at) {
        return new Step(id, kind, title, window, calendar, zone, autoSend, fromOpen, delay, warningFraction,
                escalationLadder, StepState.SCHEDULED, at, null, null, null, null, false, false, false, 0, null,
                outreachId, outreach, subject, body);
    }

    /**
     * True if the timer of that role decides on a customer event not having come in time: the apology completes on
     * outreach.delivered, the follow-up on feedback.received, which may also come before the follow-up starts.
     */
    public boolean decidedOnEventTime(TimerOp.Role role) {
        return kind == StepKind.FOLLOW_UP || kind == StepKind.APOLOGY && role != TimerOp.Role.START;
    }

    public boolean sendsMessage() {
        return kind == StepKind.APOLOGY || kind == StepKind.FOLLOW_UP || kind == StepKind.SURVEY;
    }

    Step started(Instant at, Instant warn, Instant due) {
        return new Step(id, kind, title, window, calendar, zone, autoSend, fromOpen, delay, warningFraction,
                escalationLadder, StepState.ACTIVE, startAt, at, warn, due, null, false, false, false, 0, null,
                outreachId, outreach, subject, body);
    }

    Step deadlines(Instant warn, Instant due, Instant rungAt) {
        return new Step(id, kind, title, window, calendar, zone, autoSend, fromOpen, delay, warningFraction,
                escalationLadder, state, startAt, startedAt, warn, due, completedAt, onTime, warned, overdue,
                nextRung, rungAt, outreachId, outreach, subject, body);
    }

    Step warnedNow() {
        return new Step(id, kind, title, window, calendar, zone, autoSend, fromOpen, delay, warningFraction,
                escalationLadder, state, startAt, startedAt, warnAt, dueAt, completedAt, onTime, true, overdue,
                nextRung, nextRungAt, outreachId, outreach, subject, body);
    }

    Step ladder(boolean isOverdue, int rung, Instant rungAt) {
        return new Step(id, kind, title, window, calendar, zone, autoSend, fromOpen, delay, warningFraction,
                escalationLadder, state, startAt, startedAt, warnAt, dueAt, completedAt, onTime, warned, isOverdue,
                rung, rungAt, outreachId, outreach, subject, body);
    }

    Step message(String outreachIdentity, OutreachState messageState, String messageSubject, String messageBody) {
        return new Step(id, kind, title, window, calendar, zone, autoSend, fromOpen, delay, warningFraction,
                escalationLadder, state, startAt, startedAt, warnAt, dueAt, completedAt, onTime, warned, overdue,
                nextRung, nextRungAt, outreachIdentity, messageState, messageSubject, messageBody);
    }

    Step finished(StepState end, Instant at) {
        boolean inTime = end == StepState.DONE && dueAt != null && !at.isAfter(dueAt);
        return new Step(id, kind, title, window, calendar, zone, autoSend, fromOpen, delay, warningFraction,
                escalationLadder, end, startAt, startedAt, warnAt, dueAt, at, inTime, warned, overdue, nextRung, null,
                outreachId, outreach, subject, body);
    }
}
