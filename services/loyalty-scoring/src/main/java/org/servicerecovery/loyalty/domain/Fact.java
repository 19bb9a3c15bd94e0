package org.servicerecovery.loyalty.domain;

import java.time.Instant;

import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.StepKind;

/**
 * What the score is computed from: one fact per event of a customer's history, reduced to what scoring needs.
 * {@code eventId} names the event behind a contribution; {@code at} is when it happened in the world.
 */
public sealed interface Fact {

    String eventId();

    Instant at();

    record Profile(String eventId, Instant at, Tier tier, String team) implements Fact {
    }

    record Complaint(String eventId, Instant at, String complaintId, Severity severity) implements Fact {
    }

    record PromiseKept(String eventId, Instant at, String promiseId) implements Fact {
    }

    record PromiseMissed(String eventId, Instant at, String promiseId) implements Fact {
    }

    /** The miss of that promise was premature: it was kept after all, so its miss must not count. */
    record PromiseMissRetracted(String eventId, Instant at, String promiseId) implements Fact {
    }

    record PromiseFulfilledLate(String eventId, Instant at, String promiseId) implements Fact {
    }

    /** {@code answers}: how many of the three follow-up questions the customer answered. */
    record Feedback(String eventId, Instant at, int rating, int answers) implements Fact {
    }

    /** {@code triggerRef}: the complaint or promise that failed. */
    record CaseOpened(String eventId, Instant at, String caseId, String triggerRef) implements Fact {
    }

    record StepCompleted(String eventId, Instant at, String caseId, StepKind kind, boolean onTime) implements Fact {
    }

    record CaseEscalated(String eventId, Instant at, String caseId) implements Fact {
    }

    record CaseResolved(String eventId, Instant at, String caseId, int stepsOnTime, int stepsTotal) implements Fact {
    }
}
